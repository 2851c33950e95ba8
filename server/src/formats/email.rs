//! What a subscriber's e-mail says: a subject naming the message's kind, severity and
//! headline, and a plain text in each of the subscriber's languages with the
//! instruction, every unit with its figures, when the alert is in force and where its CAP
//! document is (the document itself goes with it, attached).

use std::fmt::Write as _;

use crate::model::alert::{Alert, MsgType, Status};

/// The subject of the e-mail of `alert` in `languages` (the first the alert has).
#[must_use]
pub fn subject(alert: &Alert, languages: &[String]) -> String {
    let headline = texts(alert, languages)
        .first()
        .map_or_else(String::new, |i| i.headline.clone());
    let kind = match alert.msg_type {
        MsgType::Alert => String::new(),
        MsgType::Update => "Update: ".to_owned(),
        MsgType::Cancel => "Cancelled: ".to_owned(),
    };
    let status = match alert.status {
        Status::Actual => String::new(),
        other => format!("[{}] ", other.as_str()),
    };
    let subject = format!("{status}{kind}{} – {headline}", alert.severity.as_str());
    subject.chars().take(250).collect()
}

fn texts<'a>(alert: &'a Alert, languages: &[String]) -> Vec<&'a crate::model::alert::InfoText> {
    let mut out: Vec<_> = languages
        .iter()
        .filter_map(|l| {
            alert
                .info
                .iter()
                .find(|i| i.language.starts_with(l.as_str()))
        })
        .collect();
    if out.is_empty() {
        out.extend(alert.info.first());
    }
    out
}

/// The text of the e-mail of `alert` for a subscriber reading `languages`, sent by
/// `sender_name`; `cap_url` where the CAP document can be fetched, if known.
#[must_use]
pub fn body(
    alert: &Alert,
    languages: &[String],
    sender_name: &str,
    cap_url: Option<&str>,
) -> String {
    let mut out = String::new();
    for info in texts(alert, languages) {
        let _ = writeln!(out, "{}\n", info.headline);
        for part in [&info.description, &info.instruction] {
            if !part.trim().is_empty() {
                let _ = writeln!(out, "{part}\n");
            }
        }
        let _ = writeln!(out, "-- {} --\n", info.language);
    }
    let _ = writeln!(
        out,
        "Severity {}, urgency {}, certainty {}, response {} ({}).",
        alert.severity.as_str(),
        alert.urgency.as_str(),
        alert.certainty.as_str(),
        alert.response_type.as_str(),
        alert.category.as_str()
    );
    let _ = writeln!(
        out,
        "\nUnits (people exposed · affected · likely displaced){}:",
        if alert.published_figures {
            ", as published (small counts withheld)"
        } else {
            ""
        }
    );
    for a in &alert.areas {
        let _ = writeln!(
            out,
            "- {} ({} {}): {:.0} · {:.0} · {:.0}",
            a.name,
            a.level.as_str(),
            a.code,
            a.exposed,
            a.affected,
            a.displaced
        );
    }
    let when = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let _ = writeln!(out);
    if let Some(sent) = alert.sent {
        let _ = writeln!(out, "Sent {} by {sender_name}.", when(sent));
    }
    if let Some(until) = alert.expires() {
        let _ = writeln!(out, "In force until {}.", when(until));
    }
    if let Some(r) = &alert.references {
        let _ = writeln!(out, "This message supersedes: {r}");
    }
    let _ = writeln!(
        out,
        "Layers: {} v{}, {} v{}.",
        alert.hazard.title, alert.hazard.version, alert.exposure.title, alert.exposure.version
    );
    let _ = writeln!(out, "CAP identifier: {}", alert.identifier);
    if let Some(u) = cap_url {
        let _ = writeln!(out, "CAP document: {u}");
    }
    let _ = writeln!(out, "The CAP 1.2 document is attached.");
    out
}

//! An alert as an OASIS CAP 1.2 message: the elements in the schema's order, times with
//! a numeric UTC offset (CAP forbids `Z`), one `<info>` per language, one `<area>` per
//! unit with its polygon (`lat,lon` pairs) and its official code as a `<geocode>`, and
//! the figures and layer versions as `<parameter>`s.

use std::fmt::Write as _;

use chrono::{DateTime, Duration, Utc};

use crate::model::alert::{Alert, AlertState, Status};

/// Characters XML text and attribute values may not hold as they are.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters XML 1.0 does not allow.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A CAP time: seconds, and `-00:00` for UTC as CAP requires.
#[must_use]
pub fn cap_time(t: DateTime<Utc>) -> String {
    format!("{}-00:00", t.format("%Y-%m-%dT%H:%M:%S"))
}

struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    fn open(&mut self, tag: &str) {
        let _ = writeln!(self.out, "{:w$}<{tag}>", "", w = self.depth * 2);
        self.depth += 1;
    }

    fn close(&mut self, tag: &str) {
        self.depth -= 1;
        let _ = writeln!(self.out, "{:w$}</{tag}>", "", w = self.depth * 2);
    }

    fn leaf(&mut self, tag: &str, text: &str) {
        let _ = writeln!(
            self.out,
            "{:w$}<{tag}>{}</{tag}>",
            "",
            escape(text),
            w = self.depth * 2
        );
    }

    fn pair(&mut self, tag: &str, name: &str, value: &str) {
        self.open(tag);
        self.leaf("valueName", name);
        self.leaf("value", value);
        self.close(tag);
    }
}

/// The message's status: what is not issued yet is a `Draft` whatever it will be sent as.
fn status(alert: &Alert) -> Status {
    match alert.state {
        AlertState::Issued | AlertState::Superseded => alert.status,
        AlertState::Draft | AlertState::Approved | AlertState::Rejected => Status::Draft,
    }
}

/// `alert` as a CAP 1.2 XML document; `sender_name` is written as each info's
/// `senderName`.
#[must_use]
pub fn to_xml(alert: &Alert, sender_name: &str) -> String {
    let sent = alert.sent.unwrap_or(alert.drafted_at);
    let mut x = Xml {
        out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        depth: 0,
    };
    x.out
        .push_str("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n");
    x.depth = 1;
    x.leaf("identifier", &alert.identifier);
    x.leaf("sender", &alert.sender);
    x.leaf("sent", &cap_time(sent));
    x.leaf("status", status(alert).as_str());
    x.leaf("msgType", alert.msg_type.as_str());
    x.leaf("source", "sitroom exposure rules");
    x.leaf("scope", alert.scope.as_str());
    if alert.scope == crate::model::alert::Scope::Restricted {
        x.leaf(
            "restriction",
            "For the institutions subscribed to the ministry's alerts; not for the public.",
        );
    }
    if let Some(r) = &alert.references {
        x.leaf("references", r);
    }
    let expires = sent + Duration::hours(i64::from(alert.hours));
    let total = |f: fn(&crate::model::alert::AlertArea) -> f64| {
        format!("{:.0}", alert.areas.iter().map(f).sum::<f64>())
    };
    for info in &alert.info {
        x.open("info");
        x.leaf("language", &info.language);
        x.leaf("category", alert.category.as_str());
        x.leaf("event", &info.event);
        x.leaf("responseType", alert.response_type.as_str());
        x.leaf("urgency", alert.urgency.as_str());
        x.leaf("severity", alert.severity.as_str());
        x.leaf("certainty", alert.certainty.as_str());
        x.leaf("effective", &cap_time(sent));
        x.leaf("expires", &cap_time(expires));
        x.leaf("senderName", sender_name);
        x.leaf("headline", &info.headline);
        if !info.description.is_empty() {
            x.leaf("description", &info.description);
        }
        x.leaf("instruction", &info.instruction);
        x.pair("parameter", "SITROOM_PEOPLE_EXPOSED", &total(|a| a.exposed));
        x.pair(
            "parameter",
            "SITROOM_PEOPLE_AFFECTED",
            &total(|a| a.affected),
        );
        x.pair(
            "parameter",
            "SITROOM_PEOPLE_DISPLACED",
            &total(|a| a.displaced),
        );
        x.pair(
            "parameter",
            "SITROOM_HAZARD_LAYER",
            &format!("{} v{}", alert.hazard.layer, alert.hazard.version),
        );
        x.pair(
            "parameter",
            "SITROOM_EXPOSURE_LAYER",
            &format!("{} v{}", alert.exposure.layer, alert.exposure.version),
        );
        if alert.published_figures {
            x.pair(
                "parameter",
                "SITROOM_FIGURES",
                "published: restricted exposure, groups of at least 5 households",
            );
        }
        if let Some((rule, version)) = &alert.rule {
            x.pair("parameter", "SITROOM_RULE", &format!("{rule} v{version}"));
        }
        for a in &alert.areas {
            x.pair(
                "parameter",
                &format!("SITROOM_AREA_{}", a.code),
                &format!(
                    "exposed={:.0} affected={:.0} displaced={:.0}",
                    a.exposed, a.affected, a.displaced
                ),
            );
        }
        for a in &alert.areas {
            x.open("area");
            x.leaf("areaDesc", &a.name);
            if !a.polygon.is_empty() {
                let pairs: Vec<String> = a
                    .polygon
                    .iter()
                    .map(|[lon, lat]| format!("{lat:.5},{lon:.5}"))
                    .collect();
                x.leaf("polygon", &pairs.join(" "));
            }
            x.pair(
                "geocode",
                &format!("NISR_{}", a.level.as_str().to_uppercase()),
                &a.code,
            );
            x.close("area");
        }
        x.close("info");
    }
    x.out.push_str("</alert>\n");
    x.out
}

/// The Atom feed of `alerts` (issued public alerts in force, newest first) at `base`,
/// as the OASIS CAP feed practice has it: an entry per alert with its identifier, its
/// English headline, when it was sent and a link to its CAP message — and, when
/// `embed`, the CAP message itself as the entry's content (as CAP feed readers such as
/// capparselib read it).
#[must_use]
pub fn feed(
    alerts: &[&Alert],
    base: &str,
    sender_name: &str,
    now: DateTime<Utc>,
    embed: bool,
) -> String {
    let stamp = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let updated = alerts.iter().filter_map(|a| a.sent).max().unwrap_or(now);
    let mut x = Xml {
        out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        depth: 0,
    };
    x.out
        .push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    x.depth = 1;
    let self_url = format!("{base}/cap/feed.atom");
    x.leaf("id", &self_url);
    x.leaf("title", &format!("{sender_name}: alerts in force"));
    x.leaf("updated", &stamp(updated));
    x.open("author");
    x.leaf("name", sender_name);
    x.close("author");
    let _ = writeln!(
        x.out,
        "  <link rel=\"self\" href=\"{}\"/>",
        escape(&self_url)
    );
    for a in alerts {
        let english = a
            .info
            .iter()
            .find(|i| i.language == "en")
            .or(a.info.first());
        x.open("entry");
        x.leaf("id", &a.identifier);
        x.leaf("title", english.map_or("", |i| i.headline.as_str()));
        x.leaf("updated", &stamp(a.sent.unwrap_or(a.drafted_at)));
        let areas: Vec<&str> = a.areas.iter().map(|r| r.name.as_str()).collect();
        x.leaf(
            "summary",
            &format!(
                "{} {} {}: {} ({:.0} people exposed). {}",
                a.severity.as_str(),
                a.msg_type.as_str(),
                english.map_or("", |i| i.event.as_str()),
                areas.join(", "),
                a.exposed(),
                english.map_or("", |i| i.instruction.as_str())
            ),
        );
        let _ = writeln!(
            x.out,
            "    <link rel=\"alternate\" type=\"application/cap+xml\" href=\"{}\"/>",
            escape(&format!("{base}/cap/alerts/{}.xml", a.id))
        );
        if embed {
            x.out.push_str("    <content type=\"text/xml\">\n");
            let cap = to_xml(a, sender_name);
            let body = cap
                .split_once("?>\n")
                .map_or(cap.as_str(), |(_, rest)| rest);
            x.out.push_str(body);
            x.out.push_str("    </content>\n");
        }
        x.close("entry");
    }
    x.out.push_str("</feed>\n");
    x.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_times_carry_an_offset() {
        assert_eq!(escape("a < b & \"c\"\u{1}"), "a &lt; b &amp; &quot;c&quot;");
        let t = DateTime::parse_from_rfc3339("2026-12-03T10:22:33.456Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(cap_time(t), "2026-12-03T10:22:33-00:00");
    }
}

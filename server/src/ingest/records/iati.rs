//! IATI 2.03 activity files (`<iati-activities>`): each activity's transactions become
//! disbursement records, one per transaction, location and sector. A transaction's value
//! is shared among the activity's sectors by their percentages (its own sector, when it
//! names one, takes it all) and equally among its locations, each placed by its
//! `<administrative code>` (an official admin code); percentages that do not add up to
//! 100 are scaled to it and noted. Transaction types 2, 3 and 4 are commitments,
//! disbursements and expenditures; the others are kept as `other` and not summed with
//! them.

use quick_xml::events::{BytesStart, Event};

use super::{RawRecord, RecordsError, entity};
use crate::model::RecordKind;
use crate::model::record::RowIssue;

/// An activity as read, before it is split into records.
#[derive(Debug, Default, Clone)]
struct Activity {
    id: String,
    title: String,
    partner: String,
    partner_ref: String,
    currency: String,
    /// (code, name, percentage)
    sectors: Vec<(String, String, Option<f64>)>,
    /// Admin codes of its locations.
    locations: Vec<String>,
    transactions: Vec<Transaction>,
    /// Position of the activity in the file.
    position: u64,
}

#[derive(Debug, Default, Clone)]
struct Transaction {
    kind: String,
    date: String,
    value: String,
    currency: String,
    receiver: String,
    sector: Option<(String, String)>,
}

/// What an IATI file gave: the records, the transactions that could not be placed, and
/// notes.
#[derive(Debug, Default)]
pub struct Read {
    /// One per transaction, location and sector.
    pub rows: Vec<RawRecord>,
    /// Activities refused whole (no location with an admin code).
    pub issues: Vec<RowIssue>,
    /// What was read differently.
    pub notes: Vec<String>,
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(std::borrow::Cow::into_owned)
        })
}

fn transaction_type(code: &str) -> &'static str {
    match code.trim() {
        "2" | "C" => "commitment",
        "3" | "D" => "disbursement",
        "4" | "E" => "expenditure",
        _ => "other",
    }
}

/// Reads an IATI 2.03 activity file into raw disbursement records.
///
/// # Errors
/// When the bytes are not an IATI activity file.
pub fn read(bytes: &[u8]) -> Result<Read, RecordsError> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| RecordsError::Unreadable("the IATI file is not UTF-8 XML".into()))?;
    let mut reader = quick_xml::Reader::from_str(text);
    // Not trimmed event by event: text around an entity (`Jenda &amp; Bigogwe`) keeps its
    // spaces; each value is trimmed whole.
    reader.config_mut().trim_text(false);
    let bad = |reader: &quick_xml::Reader<&[u8]>, e: &dyn std::fmt::Display| {
        RecordsError::Unreadable(format!(
            "not a readable IATI activity file (XML error at byte {}): {e}",
            reader.buffer_position()
        ))
    };
    let mut activities: Vec<Activity> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut act = Activity::default();
    let mut tx = Transaction::default();
    let mut text_buf = String::new();
    let mut root_seen = false;
    let mut version = None;
    loop {
        let event = reader.read_event().map_err(|e| bad(&reader, &e))?;
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            let name = e.local_name().as_ref().to_owned();
            let parent = path.last().map_or("", String::as_str);
            let dac = || attr(&e, "vocabulary").is_none_or(|v| v == "1");
            match (parent, name.as_str()) {
                ("", "iati-activities") => {
                    root_seen = true;
                    version = attr(&e, "version");
                }
                (_, "iati-activity") => {
                    act = Activity {
                        currency: attr(&e, "default-currency").unwrap_or_default(),
                        position: activities.len() as u64 + 1,
                        ..Activity::default()
                    };
                }
                ("iati-activity", "reporting-org") => {
                    act.partner_ref = attr(&e, "ref").unwrap_or_default();
                }
                ("iati-activity", "sector") if dac() => {
                    act.sectors.push((
                        attr(&e, "code").unwrap_or_default(),
                        String::new(),
                        attr(&e, "percentage").and_then(|p| p.parse().ok()),
                    ));
                }
                ("location", "administrative") => {
                    act.locations
                        .extend(attr(&e, "code").filter(|c| !c.trim().is_empty()));
                }
                ("iati-activity", "transaction") => tx = Transaction::default(),
                ("transaction", "transaction-type") => {
                    tx.kind = transaction_type(&attr(&e, "code").unwrap_or_default()).into();
                }
                ("transaction", "transaction-date") if tx.date.is_empty() => {
                    tx.date = attr(&e, "iso-date").unwrap_or_default();
                }
                ("transaction", "value") => {
                    tx.currency = attr(&e, "currency").unwrap_or_default();
                    if let Some(d) = attr(&e, "value-date") {
                        tx.date = d;
                    }
                }
                ("transaction", "sector") if dac() => {
                    tx.sector = Some((attr(&e, "code").unwrap_or_default(), String::new()));
                }
                _ => {}
            }
            if !empty {
                path.push(name);
                text_buf.clear();
            }
            continue;
        }
        match event {
            Event::Text(t) => text_buf.push_str(&t.xml10_content()),
            Event::CData(t) => text_buf.push_str(&t.into_inner()),
            Event::GeneralRef(r) => {
                let name = r.into_inner();
                text_buf.push_str(
                    &entity(&name)
                        .ok_or_else(|| bad(&reader, &format!("unknown entity &{name};")))?,
                );
            }
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                let parent = path.last().map_or("", String::as_str);
                let grand = path
                    .len()
                    .checked_sub(2)
                    .and_then(|i| path.get(i))
                    .map_or("", String::as_str);
                let text = std::mem::take(&mut text_buf).trim().to_owned();
                match (grand, parent, name.as_str()) {
                    (_, "iati-activity", "iati-identifier") => act.id = text,
                    ("iati-activity", "reporting-org", "narrative") if act.partner.is_empty() => {
                        act.partner = text;
                    }
                    ("iati-activity", "title", "narrative") if act.title.is_empty() => {
                        act.title = text;
                    }
                    ("iati-activity", "sector", "narrative") => {
                        if let Some(s) = act.sectors.last_mut().filter(|s| s.1.is_empty()) {
                            s.1 = text;
                        }
                    }
                    (_, "transaction", "value") => tx.value = text,
                    ("transaction", "receiver-org", "narrative") if tx.receiver.is_empty() => {
                        tx.receiver = text;
                    }
                    (_, "iati-activity", "transaction") => {
                        act.transactions.push(std::mem::take(&mut tx));
                    }
                    (_, _, "iati-activity") => activities.push(std::mem::take(&mut act)),
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !root_seen {
        return Err(RecordsError::Unreadable(
            "not an IATI activity file: its root is not <iati-activities>".into(),
        ));
    }
    let mut out = Read::default();
    if let Some(v) = version.filter(|v| !v.starts_with("2.")) {
        out.notes.push(format!("IATI version {v} read as 2.03"));
    }
    for a in activities {
        split(&a, &mut out);
    }
    Ok(out)
}

/// One record per transaction, location and sector of `a`.
#[expect(
    clippy::cast_precision_loss,
    reason = "counts of sectors and locations"
)]
fn split(a: &Activity, out: &mut Read) {
    let kind = RecordKind::Disbursements;
    let at = |name: &str| kind.field(name).map(|(i, _)| i);
    if a.locations.is_empty() {
        out.issues.push(RowIssue {
            row: a.position,
            id: Some(a.id.clone()),
            field: Some("code".into()),
            reason: format!(
                "activity '{}' has no <location> with an <administrative code>: give the official code of each unit it works in",
                a.id
            ),
        });
        return;
    }
    let total: f64 = a.sectors.iter().filter_map(|s| s.2).sum();
    let sectors: Vec<(String, String, f64)> = if a.sectors.is_empty() {
        vec![(String::new(), String::new(), 1.0)]
    } else if a.sectors.iter().all(|s| s.2.is_none()) {
        let n = a.sectors.len() as f64;
        a.sectors
            .iter()
            .map(|s| (s.0.clone(), s.1.clone(), 1.0 / n))
            .collect()
    } else {
        if (total - 100.0).abs() > 0.01 {
            out.notes.push(format!(
                "activity '{}': its sector percentages add up to {total}, not 100; scaled to 100",
                a.id
            ));
        }
        a.sectors
            .iter()
            .map(|s| {
                (
                    s.0.clone(),
                    s.1.clone(),
                    s.2.unwrap_or(0.0) / total.max(f64::MIN_POSITIVE),
                )
            })
            .collect()
    };
    let per_location = 1.0 / a.locations.len() as f64;
    for (t_index, t) in a.transactions.iter().enumerate() {
        let value: Option<f64> = t.value.replace(',', "").parse().ok();
        let shares: Vec<(String, String, f64)> = match &t.sector {
            Some((code, name)) => vec![(code.clone(), name.clone(), 1.0)],
            None => sectors.clone(),
        };
        for (l_index, code) in a.locations.iter().enumerate() {
            for (s_index, (sector, sector_name, share)) in shares.iter().enumerate() {
                let mut cells = vec![None; kind.fields().len()];
                let mut set = |name: &str, v: String| {
                    if let Some(i) = at(name) {
                        cells[i] = Some(v).filter(|v| !v.is_empty());
                    }
                };
                set("partner", a.partner.clone());
                set("partner_ref", a.partner_ref.clone());
                set("receiver", t.receiver.clone());
                set("activity", a.id.clone());
                set("title", a.title.clone());
                set("sector", sector.clone());
                set("sector_name", sector_name.clone());
                set("transaction", t.kind.clone());
                set(
                    "value",
                    value.map_or_else(
                        || t.value.clone(),
                        |v| format!("{}", v * share * per_location),
                    ),
                );
                set(
                    "currency",
                    if t.currency.is_empty() {
                        a.currency.clone()
                    } else {
                        t.currency.clone()
                    },
                );
                out.rows.push(RawRecord {
                    row: a.position,
                    id: Some(format!(
                        "{}#{}-{}-{}",
                        a.id,
                        t_index + 1,
                        l_index + 1,
                        s_index + 1
                    )),
                    code: Some(code.clone()),
                    date: Some(t.date.clone()),
                    cells,
                });
            }
        }
    }
}

//! Disaster events: the loss records of one event gathered — those that share a GLIDE
//! number or, without one, a date and hazard type (as DesInventar datacards of one
//! event in several units do) — with their dates, units, human toll, sources and the
//! hazard layer versions and alerts linked to them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use super::geometry::to_lonlat;
use super::{Snapshots, boundary_of};
use crate::model::record::Value;
use crate::model::{AdminLevel, Record, RecordKind};

/// The loss fields an event's summary adds up.
const TOLL: &[&str] = &[
    "deaths",
    "missing",
    "injured",
    "directly_affected",
    "evacuated",
    "relocated",
    "houses_destroyed",
    "houses_damaged",
];

/// One event and what its records say.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Its key: the GLIDE number, or the date and hazard type (`2023-05-03 flood`).
    pub key: String,
    /// GLIDE number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub glide: Option<String>,
    /// Name as recorded (the first record's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Hazard types recorded.
    pub hazards: Vec<String>,
    /// Earliest record's date.
    pub first: NaiveDate,
    /// Latest record's date.
    pub last: NaiveDate,
    /// Records.
    pub records: usize,
    /// Distinct units.
    pub units: usize,
    /// Their codes, in order (`""` the whole country).
    pub codes: Vec<String>,
    /// Sums of the toll fields (a field no record fills is left out).
    pub toll: BTreeMap<&'static str, f64>,
    /// People displaced: evacuated and relocated (none when no record says).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub displaced: Option<f64>,
    /// Sources the records cite.
    pub sources: Vec<String>,
    /// Hazard layer versions linked (`id@version`).
    pub hazard_layers: Vec<String>,
    /// CAP alerts linked (identifiers).
    pub alerts: Vec<String>,
}

/// The value of field `name` of a loss record.
fn value<'a>(r: &'a Record, name: &str) -> Option<&'a Value> {
    RecordKind::Losses
        .field(name)
        .and_then(|(i, _)| r.values.get(i))
}

/// The text of field `name` of a loss record, when it has one.
#[must_use]
pub fn text<'a>(r: &'a Record, name: &str) -> Option<&'a str> {
    value(r, name)
        .and_then(Value::text)
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The number in field `name` of a loss record, when it has one.
#[must_use]
pub fn number(r: &Record, name: &str) -> Option<f64> {
    value(r, name).and_then(Value::number)
}

/// The event a loss record belongs to: its GLIDE number, else its date and hazard type.
#[must_use]
pub fn key_of(r: &Record) -> std::borrow::Cow<'_, str> {
    match text(r, "glide") {
        Some(g) => g.into(),
        None => format!("{} {}", r.date, text(r, "hazard").unwrap_or("other")).into(),
    }
}

/// People a loss record says were displaced (evacuated and relocated), when it says.
#[must_use]
pub fn displaced(r: &Record) -> Option<f64> {
    match (number(r, "evacuated"), number(r, "relocated")) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
    }
}

/// The alerts a loss record is linked to.
pub fn alerts_of(r: &Record) -> impl Iterator<Item = &str> {
    text(r, "alerts")
        .into_iter()
        .flat_map(str::split_whitespace)
}

/// The records of event `key`.
pub fn records_of<'a>(records: &'a [Record], key: &'a str) -> impl Iterator<Item = &'a Record> {
    records.iter().filter(move |r| key_of(r) == key)
}

/// Every event of the loss records, the latest first.
#[must_use]
pub fn events<'a>(records: impl IntoIterator<Item = &'a Record>) -> Vec<Event> {
    let mut by_key: BTreeMap<std::borrow::Cow<'_, str>, Vec<&Record>> = BTreeMap::new();
    for r in records {
        by_key.entry(key_of(r)).or_default().push(r);
    }
    let mut out: Vec<Event> = by_key
        .into_iter()
        .map(|(key, rs)| summary(&key, &rs))
        .collect();
    out.sort_by(|a, b| b.last.cmp(&a.last).then(a.key.cmp(&b.key)));
    out
}

/// Where an event struck: one unit its records name, with what they say there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    /// The event's key.
    pub event: String,
    /// The unit's code (`""` the whole country).
    pub code: String,
    /// The unit's name, from its level's boundary layer.
    pub unit: Option<String>,
    /// A point inside the unit (lon, lat).
    pub at: [f64; 2],
    /// What the event's records of this unit say: their dates, count and toll.
    pub summary: Event,
}

/// The places of every event of the loss records, in the order of [`events`] and by code
/// within an event, each at a point inside its unit; with the number of places whose
/// unit is not loaded (left out).
#[must_use]
pub fn places<'a>(
    records: impl IntoIterator<Item = &'a Record>,
    all: &Snapshots,
) -> (Vec<Place>, usize) {
    let mut by_place: BTreeMap<(std::borrow::Cow<'_, str>, &str), Vec<&Record>> = BTreeMap::new();
    for r in records {
        by_place
            .entry((key_of(r), r.code.as_str()))
            .or_default()
            .push(r);
    }
    let mut points: HashMap<&str, (geo::Coord<f64>, Option<String>)> = HashMap::new();
    let layers: Vec<_> = AdminLevel::ALL
        .iter()
        .filter_map(|l| boundary_of(all, *l).map(|s| (*l, s)))
        .collect();
    for (level, units) in &layers {
        let inside = units.representative_points();
        for (f, p) in units.features.iter().zip(inside) {
            // The country's layer has one unit, whatever its code says.
            let code = if *level == AdminLevel::Country {
                Some("")
            } else {
                f.code.as_deref()
            };
            if let (Some(code), Some(p)) = (code, p) {
                points
                    .entry(code)
                    .or_insert_with(|| (*p, units.name(f).map(str::to_owned)));
            }
        }
    }
    let mut unplaced = 0;
    let mut out: Vec<Place> = Vec::new();
    for ((key, code), rs) in &by_place {
        let Some((p, unit)) = points.get(code) else {
            unplaced += 1;
            continue;
        };
        let ll = to_lonlat(*p);
        out.push(Place {
            event: key.to_string(),
            code: (*code).to_owned(),
            unit: unit.clone(),
            at: [ll.x, ll.y],
            summary: summary(key, rs),
        });
    }
    let order: HashMap<String, usize> = events(by_place.values().flatten().copied())
        .into_iter()
        .enumerate()
        .map(|(i, e)| (e.key, i))
        .collect();
    out.sort_by_key(|p| (order.get(&p.event).copied(), p.code.clone()));
    (out, unplaced)
}

/// The summary of event `key` from its records (at least one).
fn summary(key: &str, rs: &[&Record]) -> Event {
    let set = |name: &str| -> Vec<String> {
        rs.iter()
            .filter_map(|r| text(r, name))
            .map(str::to_owned)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    let mut toll = BTreeMap::new();
    for name in TOLL {
        let filled: Vec<f64> = rs.iter().filter_map(|r| number(r, name)).collect();
        if !filled.is_empty() {
            toll.insert(*name, filled.iter().sum());
        }
    }
    let said: Vec<f64> = rs.iter().filter_map(|r| displaced(r)).collect();
    let codes: Vec<String> = rs
        .iter()
        .map(|r| r.code.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Event {
        key: key.to_owned(),
        glide: rs.iter().find_map(|r| text(r, "glide")).map(str::to_owned),
        name: rs.iter().find_map(|r| text(r, "event")).map(str::to_owned),
        hazards: set("hazard"),
        first: rs.iter().map(|r| r.date).min().unwrap_or_default(),
        last: rs.iter().map(|r| r.date).max().unwrap_or_default(),
        records: rs.len(),
        units: codes.len(),
        codes,
        toll,
        displaced: (!said.is_empty()).then(|| said.iter().sum()),
        sources: set("source"),
        hazard_layers: set("hazard_layer"),
        alerts: rs
            .iter()
            .flat_map(|r| alerts_of(r))
            .map(str::to_owned)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: &str, code: &str, day: u32, set: &[(&str, Value)]) -> Record {
        let mut values = vec![Value::Empty; RecordKind::Losses.fields().len()];
        for (name, v) in set {
            let (i, _) = RecordKind::Losses.field(name).expect("field");
            values[i] = v.clone();
        }
        Record {
            id: id.into(),
            code: code.into(),
            date: NaiveDate::from_ymd_opt(2023, 5, day).expect("date"),
            values,
        }
    }

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }

    #[test]
    fn records_gather_by_glide_then_name() {
        let records = vec![
            rec(
                "a",
                "3401",
                3,
                &[
                    ("glide", t("FL-2023-000067-RWA")),
                    ("event", t("May floods")),
                    ("hazard", t("flood")),
                    ("deaths", Value::Number(5.0)),
                    ("evacuated", Value::Number(40.0)),
                    ("alerts", t("rw.a.2 rw.a.1")),
                ],
            ),
            rec(
                "b",
                "3402",
                4,
                &[
                    ("glide", t("FL-2023-000067-RWA")),
                    ("hazard", t("landslide")),
                    ("deaths", Value::Number(2.0)),
                    ("relocated", Value::Number(7.0)),
                    ("hazard_layer", t("flood-zones@2")),
                    ("alerts", t("rw.a.1")),
                ],
            ),
            // No GLIDE: its date and hazard are its key.
            rec(
                "c",
                "41",
                9,
                &[
                    ("event", t("Hailstorm Burera")),
                    ("hazard", t("hailstorm")),
                    ("source", t("district report")),
                ],
            ),
            rec(
                "d",
                "42",
                9,
                &[("hazard", t("hailstorm")), ("deaths", Value::Number(1.0))],
            ),
            // The same day, another hazard: another event.
            rec("e", "42", 9, &[("hazard", t("lightning"))]),
        ];
        let events = events(&records);
        assert_eq!(events.len(), 3);
        assert_eq!(events[0].key, "2023-05-09 hailstorm");
        assert_eq!((events[0].records, events[0].units), (2, 2));
        assert_eq!(events[0].name.as_deref(), Some("Hailstorm Burera"));
        assert_eq!(events[0].sources, ["district report"]);
        assert_eq!(events[1].key, "2023-05-09 lightning");
        let may = &events[2];
        assert_eq!(may.records, 2);
        assert_eq!(may.units, 2);
        assert_eq!(may.codes, ["3401", "3402"]);
        assert_eq!(may.name.as_deref(), Some("May floods"));
        assert_eq!(may.hazards, ["flood", "landslide"]);
        assert_eq!(may.toll["deaths"], 7.0);
        assert!(!may.toll.contains_key("missing"));
        assert_eq!(may.displaced, Some(47.0));
        assert_eq!(may.hazard_layers, ["flood-zones@2"]);
        assert_eq!(may.alerts, ["rw.a.1", "rw.a.2"]);
        assert_eq!(
            (may.first.to_string(), may.last.to_string()),
            ("2023-05-03".into(), "2023-05-04".into())
        );
        assert_eq!(records_of(&records, "FL-2023-000067-RWA").count(), 2);
        assert_eq!(events[0].displaced, None);
        assert_eq!(records_of(&records, "2023-05-09 hailstorm").count(), 2);
    }

    #[test]
    fn places_without_their_units_are_counted_not_invented() {
        let records = vec![
            rec(
                "a",
                "3401",
                3,
                &[("glide", t("FL-1")), ("deaths", Value::Number(2.0))],
            ),
            rec(
                "b",
                "3401",
                4,
                &[("glide", t("FL-1")), ("deaths", Value::Number(1.0))],
            ),
            rec("c", "3402", 4, &[("glide", t("FL-1"))]),
        ];
        let (places, unplaced) = places(&records, &Snapshots::new());
        assert!(places.is_empty());
        assert_eq!(unplaced, 2, "one per event and unit, not per record");
    }
}

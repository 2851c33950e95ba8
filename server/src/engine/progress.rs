//! Returnee households' progress through their support, per admin unit: how many arrived
//! (households and people), and for each support component how many are owed it, how
//! many received it, the median days from arrival to receiving it and how many received
//! it within a month of arriving; and how many have received everything they are owed.
//!
//! A household is owed a component unless its status is `not-eligible` (school: unless
//! it has no child of school age); one with no status yet is owed it and has not received
//! it. Only `received` counts as received.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::AdminLevel;
use crate::model::record::{Record, RecordKind, SUPPORT_COMPONENTS, Value};

/// Days after arrival within which support counts as timely.
pub const WITHIN_DAYS: i64 = 30;

/// One component's progress in one unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Component {
    /// The component (its status field's name).
    pub component: &'static str,
    /// Households owed it.
    pub eligible: u64,
    /// Households that received it.
    pub received: u64,
    /// `received / eligible` (none when no household is owed it).
    pub share: Option<f64>,
    /// Median days from arrival to receiving it, over those that received it.
    pub median_days: Option<f64>,
    /// Households that received it within [`WITHIN_DAYS`] days of arriving.
    pub within_month: u64,
    /// `within_month / eligible`.
    pub within_month_share: Option<f64>,
}

/// One unit's progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitProgress {
    /// The unit's code (`""` the country).
    pub code: String,
    /// Households that arrived (by the date asked about).
    pub households: u64,
    /// Their members.
    pub members: f64,
    /// Households that received every component they are owed.
    pub complete: u64,
    /// `complete / households`.
    pub complete_share: Option<f64>,
    /// Each component, in the order of the support package.
    pub components: Vec<Component>,
}

/// Where one household stands in one support component on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Not owed it (not eligible; school without children of school age).
    NotOwed,
    /// Owed it, not received by that day.
    Waiting,
    /// Received it by that day, so many days after arriving.
    Received(i64),
}

/// Where household `record` stands in each support component (in the package's order)
/// on day `as_of`: support dated after it is not yet received.
#[must_use]
pub fn stages(record: &Record, as_of: NaiveDate) -> Vec<Stage> {
    let kind = RecordKind::Returnees;
    let field = |name: &str| {
        kind.field(name)
            .and_then(|(i, _)| record.values.get(i))
            .unwrap_or(&Value::Empty)
    };
    let no_children = field("school_age").number() == Some(0.0);
    SUPPORT_COMPONENTS
        .iter()
        .map(|(status, date)| {
            let status_text = field(status).text();
            if status_text == Some("not-eligible") || (*status == "school" && no_children) {
                return Stage::NotOwed;
            }
            let on = (status_text == Some("received"))
                .then(|| field(date).text().and_then(|d| d.parse::<NaiveDate>().ok()))
                .flatten()
                .filter(|on| *on <= as_of);
            on.map_or(Stage::Waiting, |on| {
                Stage::Received((on - record.date).num_days())
            })
        })
        .collect()
}

/// Whether a household at `stages` has received everything it is owed.
#[must_use]
pub fn complete(stages: &[Stage]) -> bool {
    stages.iter().all(|s| *s != Stage::Waiting)
}

/// A household's members.
#[must_use]
pub fn members(record: &Record) -> f64 {
    RecordKind::Returnees
        .field("members")
        .and_then(|(i, _)| record.values.get(i))
        .and_then(Value::number)
        .unwrap_or(0.0)
}

#[expect(
    clippy::cast_precision_loss,
    reason = "days between two dates are well below 2^52"
)]
pub(crate) fn median(days: &mut [i64]) -> Option<f64> {
    days.sort_unstable();
    let n = days.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(days[n / 2] as f64),
        _ => Some((days[n / 2 - 1] + days[n / 2]) as f64 / 2.0),
    }
}

#[expect(
    clippy::cast_precision_loss,
    reason = "counts of households are well below 2^52"
)]
pub(crate) fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The progress of the households of `records` that arrived by `as_of`, per unit of
/// `level` (the unit holding each household's village), in code order.
#[must_use]
pub fn progress(records: &[Record], level: AdminLevel, as_of: NaiveDate) -> Vec<UnitProgress> {
    struct Acc {
        households: u64,
        members: f64,
        complete: u64,
        eligible: Vec<u64>,
        days: Vec<Vec<i64>>,
    }
    let n = SUPPORT_COMPONENTS.len();
    let mut by_unit: BTreeMap<&str, Acc> = BTreeMap::new();
    for r in records.iter().filter(|r| r.date <= as_of) {
        let acc = by_unit
            .entry(level.ancestor(&r.code))
            .or_insert_with(|| Acc {
                households: 0,
                members: 0.0,
                complete: 0,
                eligible: vec![0; n],
                days: vec![Vec::new(); n],
            });
        acc.households += 1;
        acc.members += members(r);
        let stages = stages(r, as_of);
        if complete(&stages) {
            acc.complete += 1;
        }
        for (i, stage) in stages.iter().enumerate() {
            match stage {
                Stage::NotOwed => {}
                Stage::Waiting => acc.eligible[i] += 1,
                Stage::Received(d) => {
                    acc.eligible[i] += 1;
                    acc.days[i].push(*d);
                }
            }
        }
    }
    by_unit
        .into_iter()
        .map(|(code, mut acc)| UnitProgress {
            code: code.to_owned(),
            households: acc.households,
            members: acc.members,
            complete: acc.complete,
            complete_share: share(acc.complete, acc.households),
            components: SUPPORT_COMPONENTS
                .iter()
                .enumerate()
                .map(|(i, (component, _))| {
                    let days = &mut acc.days[i];
                    let received = days.len() as u64;
                    let within = days.iter().filter(|d| **d <= WITHIN_DAYS).count() as u64;
                    Component {
                        component,
                        eligible: acc.eligible[i],
                        received,
                        share: share(received, acc.eligible[i]),
                        median_days: median(days),
                        within_month: within,
                        within_month_share: share(within, acc.eligible[i]),
                    }
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn household(code: &str, arrived: &str, cells: &[(&str, Value)]) -> Record {
        let kind = RecordKind::Returnees;
        let mut values = vec![Value::Empty; kind.fields().len()];
        for (name, v) in cells {
            values[kind.field(name).unwrap().0] = v.clone();
        }
        Record {
            id: format!("{code}-{arrived}"),
            code: code.into(),
            date: arrived.parse().unwrap(),
            values,
        }
    }

    fn s(v: &str) -> Value {
        Value::Text(v.into())
    }

    #[test]
    fn counts_medians_and_the_month_by_hand() {
        let food = |d: &str| vec![("food", s("received")), ("food_date", s(d))];
        let mut a = food("2025-01-11"); // 10 days
        a.push(("members", Value::Number(4.0)));
        a.push(("school_age", Value::Number(0.0)));
        let records = vec![
            household("41010101", "2025-01-01", &a),
            household("41010102", "2025-01-01", &food("2025-03-02")), // 60 days
            household("41010103", "2025-02-01", &food("2025-02-21")), // 20 days
            household("41020101", "2025-02-01", &[("food", s("not-eligible"))]),
            household("41020102", "2025-02-01", &[("food", s("pending"))]),
            // Arrived after the date asked about: not counted.
            household("41020103", "2025-06-01", &food("2025-06-02")),
        ];
        let as_of: NaiveDate = "2025-05-01".parse().unwrap();
        let by_sector = progress(&records, AdminLevel::Sector, as_of);
        assert_eq!(
            by_sector
                .iter()
                .map(|u| (u.code.as_str(), u.households))
                .collect::<Vec<_>>(),
            [("4101", 3), ("4102", 2)]
        );
        let food_of = |u: &UnitProgress| u.components[0].clone();
        let f = food_of(&by_sector[0]);
        assert_eq!(
            (f.eligible, f.received, f.median_days, f.within_month),
            (3, 3, Some(20.0), 2)
        );
        assert_eq!(f.within_month_share, Some(2.0 / 3.0));
        let f = food_of(&by_sector[1]);
        assert_eq!(
            (f.eligible, f.received, f.share, f.median_days),
            (1, 0, Some(0.0), None)
        );
        assert_eq!(by_sector[0].members, 4.0);
        // School is not owed where there is no child of school age.
        assert_eq!(by_sector[0].components[7].eligible, 2);
        // Nobody has everything yet: every household is owed more than food.
        assert_eq!(by_sector[0].complete, 0);
        let country = progress(&records, AdminLevel::Country, as_of);
        assert_eq!((country[0].code.as_str(), country[0].households), ("", 5));
        let f = food_of(&country[0]);
        assert_eq!((f.eligible, f.received, f.median_days), (4, 3, Some(20.0)));
        // Asked about an earlier day, support received later is not yet received.
        let early = progress(&records, AdminLevel::Country, "2025-02-25".parse().unwrap());
        let f = food_of(&early[0]);
        assert_eq!(
            (early[0].households, f.received, f.median_days),
            (5, 2, Some(15.0))
        );
    }

    #[test]
    fn a_household_with_everything_it_is_owed_is_complete() {
        let mut cells: Vec<(&str, Value)> = SUPPORT_COMPONENTS
            .iter()
            .flat_map(|(status, date)| [(*status, s("received")), (*date, s("2025-01-05"))])
            .collect();
        cells.push(("school_age", Value::Number(1.0)));
        cells.push(("enrolled", Value::Number(1.0)));
        let mut owed_less = cells.clone();
        owed_less.retain(|(n, _)| !n.starts_with("microloan"));
        owed_less.push(("microloan", s("not-eligible")));
        let records = vec![
            household("41010101", "2025-01-01", &cells),
            household("41010102", "2025-01-01", &owed_less),
        ];
        let p = progress(&records, AdminLevel::Country, "2025-02-01".parse().unwrap());
        assert_eq!((p[0].complete, p[0].complete_share), (2, Some(1.0)));
    }
}

//! A roll-up drawn: the units of its level, from that level's boundary layer, each with
//! the roll-up's figure for one period (or for all of them) as attributes, for choropleth
//! tiles. Made from the same kept roll-up as the tables, so map and table agree.

use std::collections::HashMap;

use serde_json::json;

use super::rollup::RollUp;
use super::snapshot::LayerSnapshot;
use crate::model::record::Aggregate;

/// Attributes of each unit, with their types and meaning.
pub const UNIT_FIELDS: &[(&str, &str, &str)] = &[
    ("code", "String", "official code of the unit"),
    ("name", "String", "name of the unit"),
    (
        "value",
        "Number",
        "the field summed (or averaged, as the field says) over the unit's records in the period; absent for a mean without records",
    ),
    ("records", "Number", "records with a value for the field"),
];

/// Sum and count of one unit's rows.
#[derive(Default, Clone, Copy)]
struct Acc {
    total: f64,
    n: u64,
}

/// The units of `units` with `roll`'s figures of period `at` (all periods when `None`).
/// A unit without records has `value` 0 for a sum and none for a mean.
#[must_use]
pub fn layer(
    roll: &RollUp,
    at: Option<&str>,
    units: &LayerSnapshot,
    title: String,
) -> LayerSnapshot {
    let mut by: HashMap<&str, Acc> = HashMap::new();
    for row in roll
        .rows
        .iter()
        .filter(|r| at.is_none_or(|p| r.period == p))
    {
        let acc = by.entry(row.code.as_str()).or_default();
        #[expect(clippy::cast_precision_loss, reason = "a count of records")]
        let weight = match roll.aggregate {
            Aggregate::Sum => 1.0,
            Aggregate::Mean => row.records as f64,
        };
        acc.total += row.value * weight;
        acc.n += row.records;
    }
    units.units_drawn("records", title, |u, p| {
        let acc = u
            .code
            .as_deref()
            .and_then(|c| by.get(c))
            .copied()
            .unwrap_or_default();
        match roll.aggregate {
            Aggregate::Sum => {
                p.insert("value".into(), json!(acc.total));
            }
            #[expect(clippy::cast_precision_loss, reason = "a count of records")]
            Aggregate::Mean if acc.n > 0 => {
                p.insert("value".into(), json!(acc.total / acc.n as f64));
            }
            Aggregate::Mean => {}
        }
        p.insert("records".into(), json!(acc.n));
    })
}

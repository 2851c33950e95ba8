//! A roll-up drawn: the units of its level, from that level's boundary layer, each with
//! the roll-up's figure for one period (or for all of them) as attributes, for choropleth
//! tiles. Made from the same kept roll-up as the tables, so map and table agree.

use std::collections::HashMap;

use serde_json::{Map, json};

use super::rollup::RollUp;
use super::snapshot::{LayerSnapshot, SnapFeature};
use crate::model::record::Aggregate;
use crate::model::{LayerKind, Sensitivity};

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
    let features = units
        .features
        .iter()
        .map(|u| {
            let acc = u
                .code
                .as_deref()
                .and_then(|c| by.get(c))
                .copied()
                .unwrap_or_default();
            let mut p = Map::new();
            p.insert("code".into(), json!(u.code));
            p.insert("name".into(), json!(units.name(u)));
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
            SnapFeature {
                fid: u.fid,
                geometry: u.geometry.clone(),
                bbox_m: u.bbox_m,
                properties: p,
                hazard_class: None,
                code: u.code.clone(),
                population: None,
                households: None,
            }
        })
        .collect();
    let mut meta = units.meta.clone();
    meta.id = "records".parse().unwrap_or_else(|_| meta.id.clone());
    meta.title = title;
    meta.kind = LayerKind::Boundary;
    meta.fields.name = None;
    meta.sensitivity = Sensitivity::Public;
    let mut snap = LayerSnapshot::from_features(meta, units.version, features);
    snap.bbox = units.bbox;
    snap
}

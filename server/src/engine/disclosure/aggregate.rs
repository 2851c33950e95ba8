//! Restricted layers as a caller without clearance sees them in tiles and features: the
//! units of the finest admin level loaded, on their own shapes, with figures that are
//! the published ones. Precise locations never leave the server.
//!
//! - A restricted **exposure** layer: each unit whose households form an atom of its
//!   own (see `partition`) carries its features, people and households; a unit with
//!   households that are published only further up is `suppressed` (shape only); a unit
//!   with none is left out.
//! - A restricted **hazard** layer: each unit that any zone touches carries the highest
//!   class found in it (`hazard_class`, so the layer is styled as before) and the share
//!   of its area in each class.

use serde_json::{Map, Value, json};

use super::partition::Partition;
use crate::engine::snapshot::{LayerSnapshot, SnapFeature};
use crate::engine::tally::ByUnit;
use crate::model::{AdminLevel, HazardClass, LayerKind, LayerMeta};

/// The version a hazard-free computation is keyed by (stored versions start at 1).
pub const NO_HAZARD_VERSION: i32 = 0;

/// Why a layer cannot be shown as aggregates.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AggregateError {
    /// No boundary layer to aggregate by.
    #[error(
        "layer '{0}' is restricted: without the analyst role it is shown only as aggregates by admin unit, and no boundary layer is loaded to aggregate by"
    )]
    NoBoundary(String),
    /// A restricted boundary or context layer has nothing to be counted by unit.
    #[error("layer '{0}' is a restricted {1} layer: only the analyst role and above may read it")]
    Unitless(String, crate::model::LayerKind),
}

/// An empty hazard layer standing in for "no hazard" when `layer` is aggregated.
#[must_use]
pub fn no_hazard(layer: &LayerMeta) -> LayerSnapshot {
    LayerSnapshot::from_features(
        LayerMeta {
            kind: LayerKind::Hazard,
            ..layer.clone()
        },
        NO_HAZARD_VERSION,
        Vec::new(),
    )
}

/// The units of `units` as an exposure layer of one "person" each, spread over its
/// area: its exposure to a hazard layer is the share of each unit in each class. Keyed
/// by the units' version, negated (stored versions are positive).
#[must_use]
pub fn unit_areas(units: &LayerSnapshot) -> LayerSnapshot {
    let features = units
        .features
        .iter()
        .map(|u| SnapFeature {
            fid: u.fid,
            geometry: u.geometry.clone(),
            bbox_m: u.bbox_m,
            properties: Map::new(),
            hazard_class: None,
            code: u.code.clone(),
            population: Some(1.0),
            households: None,
        })
        .collect();
    LayerSnapshot::from_features(
        LayerMeta {
            kind: LayerKind::Exposure,
            ..units.meta.clone()
        },
        -units.version,
        features,
    )
}

/// A unit's own properties: code, name and level.
fn unit_properties(units: &LayerSnapshot, u: &SnapFeature, code: &str) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("code".into(), json!(code));
    if let Some(name) = units.name(u) {
        p.insert("name".into(), json!(name));
    }
    p.insert("level".into(), json!(units.meta.theme.as_str()));
    p
}

/// The aggregate layer: `layer`'s metadata over the units' shapes.
fn aggregate_layer(
    layer: &LayerSnapshot,
    units: &LayerSnapshot,
    features: Vec<SnapFeature>,
) -> LayerSnapshot {
    let level = units.meta.theme.as_str();
    let features = features
        .into_iter()
        .zip(1..)
        .map(|(f, fid)| SnapFeature { fid, ..f })
        .collect();
    let mut out = LayerSnapshot::from_features(
        LayerMeta {
            title: format!("{} (aggregates by {level})", layer.meta.title),
            ..layer.meta.clone()
        },
        layer.version,
        features,
    );
    out.bbox = units.bbox;
    out
}

fn unit_feature(u: &SnapFeature, properties: Map<String, Value>) -> SnapFeature {
    SnapFeature {
        fid: 0,
        geometry: u.geometry.clone(),
        bbox_m: u.bbox_m,
        properties,
        hazard_class: None,
        code: u.code.clone(),
        population: None,
        households: None,
    }
}

/// A restricted exposure layer by the units of `units` (the finest level), from its
/// partition into atoms.
#[must_use]
pub fn exposure_by_unit(
    layer: &LayerSnapshot,
    units: &LayerSnapshot,
    partition: &Partition,
) -> LayerSnapshot {
    let finest = AdminLevel::of_theme(units.meta.theme.as_str());
    let features = units
        .features
        .iter()
        .filter_map(|u| {
            let code = u.code.as_ref()?;
            let index = partition.unit_index(code)?;
            let mut p = unit_properties(units, u, code);
            let own = partition.atom_of[index as usize]
                .map(|a| &partition.atoms[a as usize])
                .filter(|a| Some(a.level) == finest && &a.unit == code);
            match own {
                Some(a) => {
                    p.insert("suppressed".into(), Value::Bool(false));
                    p.insert("features".into(), json!(a.tally.count.round()));
                    p.insert("population".into(), json!(a.tally.population.round()));
                    p.insert("households".into(), json!(a.tally.households.round()));
                }
                None => {
                    p.insert("suppressed".into(), Value::Bool(true));
                }
            }
            Some(unit_feature(u, p))
        })
        .collect();
    aggregate_layer(layer, units, features)
}

/// A restricted hazard layer by the units of `units`, from `shares`: its exposure of
/// [`unit_areas`] (each unit's share of area in each class).
#[must_use]
pub fn hazard_by_unit(
    layer: &LayerSnapshot,
    units: &LayerSnapshot,
    shares: &ByUnit,
) -> LayerSnapshot {
    let features = units
        .features
        .iter()
        .filter_map(|u| {
            let code = u.code.as_ref()?;
            let classes = shares.get(code)?;
            let highest: Option<HazardClass> = classes
                .iter()
                .filter(|(c, t)| c.is_some() && t.population > 1e-9)
                .filter_map(|(c, _)| *c)
                .min_by_key(|c| c.code());
            let highest = highest?;
            let mut p = unit_properties(units, u, code);
            p.insert("hazard_class".into(), json!(highest.as_str()));
            let whole: f64 = classes.values().map(|t| t.population).sum();
            for class in HazardClass::ALL {
                let share = classes
                    .get(&Some(*class))
                    .map_or(0.0, |t| t.population / whole.max(1e-12));
                p.insert(
                    format!("share_{}", class.as_str()),
                    json!((share * 1e4).round() / 1e4),
                );
            }
            let mut f = unit_feature(u, p);
            f.hazard_class = Some(highest.as_str().to_owned());
            Some(f)
        })
        .collect();
    aggregate_layer(layer, units, features)
}

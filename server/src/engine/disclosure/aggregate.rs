//! What a caller without clearance sees of a restricted layer: for each unit of the
//! finest admin level loaded, how many features, people and households of the layer lie
//! in it, on the unit's shape. Units with fewer than [`MIN_HOUSEHOLDS_SHOWN`] households
//! keep their shape but lose their figures (`suppressed`), so no small group can be
//! singled out; units with none are left out. Precise locations never leave the server.
//!
//! The figures are the exposure engine's, computed against no hazard at all (everything
//! falls outside every zone), so they agree with the exposure reports to the person.

use serde_json::{Map, Value, json};

use crate::engine::exposure::{ByUnit, Tally};
use crate::engine::snapshot::{LayerSnapshot, SnapFeature};
use crate::model::{LayerKind, LayerMeta};

/// Units with fewer households than this are shown without figures.
pub const MIN_HOUSEHOLDS_SHOWN: f64 = 5.0;

/// Whether figures over this many households are withheld from callers without
/// clearance.
#[must_use]
pub fn withheld(households: f64) -> bool {
    households < MIN_HOUSEHOLDS_SHOWN
}

/// The version a hazard-free computation is keyed by (stored versions start at 1).
pub const NO_HAZARD_VERSION: i32 = 0;

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

/// The aggregate layer of `layer` by the units of `units`, from `by_unit` (the layer's
/// figures per unit, any class).
#[must_use]
pub fn build(layer: &LayerSnapshot, units: &LayerSnapshot, by_unit: &ByUnit) -> LayerSnapshot {
    let level = units.meta.theme.as_str();
    let features: Vec<SnapFeature> = units
        .features
        .iter()
        .filter_map(|u| {
            let code = u.code.as_ref()?;
            let mut total = Tally::default();
            for t in by_unit.get(code)?.values() {
                total.merge(t);
            }
            let mut properties = Map::new();
            properties.insert("code".into(), json!(code));
            if let Some(name) = units.name(u) {
                properties.insert("name".into(), json!(name));
            }
            properties.insert("level".into(), json!(level));
            if withheld(total.households) {
                properties.insert("suppressed".into(), Value::Bool(true));
            } else {
                properties.insert("suppressed".into(), Value::Bool(false));
                properties.insert("features".into(), json!(total.count.round()));
                properties.insert("population".into(), json!(total.population.round()));
                properties.insert("households".into(), json!(total.households.round()));
            }
            Some(SnapFeature {
                fid: 0,
                geometry: u.geometry.clone(),
                bbox_m: u.bbox_m,
                properties,
                hazard_class: None,
                code: Some(code.clone()),
                population: None,
                households: None,
            })
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FieldMapping, Sensitivity};
    use geo::{BoundingRect, Geometry, point, polygon};

    fn meta(id: &str, kind: LayerKind, theme: &str) -> LayerMeta {
        LayerMeta {
            id: id.parse().unwrap(),
            title: id.into(),
            kind,
            theme: theme.parse().unwrap(),
            sensitivity: Sensitivity::Restricted,
            anonymous: false,
            fields: FieldMapping {
                name: Some("name".into()),
                ..FieldMapping::default()
            },
            classification: None,
            attribution: String::new(),
        }
    }

    fn feature(
        fid: i64,
        geometry: Geometry<f64>,
        code: Option<&str>,
        households: f64,
    ) -> SnapFeature {
        let r = geometry.bounding_rect().unwrap();
        let mut properties = Map::new();
        if let Some(c) = code {
            properties.insert("name".into(), json!(format!("Unit {c}")));
        }
        SnapFeature {
            fid,
            bbox_m: [r.min().x, r.min().y, r.max().x, r.max().y],
            geometry,
            properties,
            hazard_class: None,
            code: code.map(str::to_owned),
            population: Some(households * 4.0),
            households: Some(households),
        }
    }

    #[test]
    fn units_get_totals_and_small_ones_are_suppressed() {
        let square = |x: f64| polygon![(x: x, y: 0.0), (x: x + 1000.0, y: 0.0), (x: x + 1000.0, y: 1000.0), (x: x, y: 1000.0)];
        let units = LayerSnapshot::from_features(
            meta("villages", LayerKind::Boundary, "village"),
            3,
            vec![
                feature(1, square(0.0).into(), Some("11"), 0.0),
                feature(2, square(1000.0).into(), Some("12"), 0.0),
                feature(3, square(2000.0).into(), Some("13"), 0.0),
            ],
        );
        // Unit 11: three households of 2 = 6; unit 12: one of 4; unit 13: none.
        let households = LayerSnapshot::from_features(
            meta("returnees", LayerKind::Exposure, "returnee"),
            7,
            vec![
                feature(1, point!(x: 100.0, y: 100.0).into(), None, 2.0),
                feature(2, point!(x: 500.0, y: 900.0).into(), None, 2.0),
                feature(3, point!(x: 900.0, y: 100.0).into(), None, 2.0),
                feature(4, point!(x: 1500.0, y: 500.0).into(), None, 4.0),
            ],
        );
        let by_unit =
            crate::engine::exposure::compute(&no_hazard(&households.meta), &households, &units);
        let agg = build(&households, &units, &by_unit);
        assert_eq!(agg.version, 7);
        assert_eq!(agg.meta.title, "returnees (aggregates by village)");
        let props: Vec<&Map<String, Value>> = agg.features.iter().map(|f| &f.properties).collect();
        assert_eq!(props.len(), 2, "unit 13 has nobody and is left out");
        assert_eq!(
            Value::Object(props[0].clone()),
            json!({"code": "11", "name": "Unit 11", "level": "village", "suppressed": false,
                   "features": 3.0, "population": 24.0, "households": 6.0})
        );
        assert_eq!(
            Value::Object(props[1].clone()),
            json!({"code": "12", "name": "Unit 12", "level": "village", "suppressed": true})
        );
        assert!(
            agg.features
                .iter()
                .all(|f| f.geometry.bounding_rect().unwrap().width() == 1000.0),
            "unit shapes, not the households' points"
        );
    }
}

//! A register as a layer, for OGC API – Features: each record a feature with the shape of
//! the unit its code names (from that level's boundary layer), its id, code, date and
//! fields as attributes. Records whose unit is not loaded have no shape and are left out.

use std::collections::HashMap;

use super::snapshot::{LayerSnapshot, SnapFeature};
use super::{Snapshots, boundary_of};
use crate::model::{
    AdminLevel, FieldMapping, LayerKind, LayerMeta, Record, RecordKind, Sensitivity,
};

/// `records`, version `register_version` of `kind`'s register, drawn on the boundary
/// layers of `all` as layer version `version`, with how many records had no loaded
/// unit.
#[must_use]
pub fn layer(
    kind: RecordKind,
    register_version: i32,
    records: &[Record],
    all: &Snapshots,
    version: i32,
) -> (LayerSnapshot, usize) {
    let levels: Vec<_> = AdminLevel::ALL
        .iter()
        .filter_map(|l| boundary_of(all, *l))
        .collect();
    // Each loaded unit by its code (codes of different levels differ in length).
    let units: HashMap<&str, &SnapFeature> = levels
        .iter()
        .flat_map(|s| s.features.iter())
        .filter_map(|f| f.code.as_deref().map(|c| (c, f)))
        .collect();
    let mut features = Vec::with_capacity(records.len());
    let mut unplaced = 0;
    for r in records {
        let Some(unit) = units.get(r.code.as_str()) else {
            unplaced += 1;
            continue;
        };
        features.push(SnapFeature {
            fid: i64::try_from(features.len()).unwrap_or(i64::MAX) + 1,
            geometry: unit.geometry.clone(),
            bbox_m: unit.bbox_m,
            properties: r.properties(kind),
            hazard_class: None,
            code: Some(r.code.clone()),
            population: None,
            households: None,
        });
    }
    let meta = LayerMeta {
        id: kind
            .collection_id()
            .parse()
            .unwrap_or_else(|_| unreachable!("a collection id is a layer id")),
        title: format!(
            "{} (register version {}; each record with the shape of its unit)",
            kind.title(),
            register_version
        ),
        kind: LayerKind::Context,
        theme: kind
            .as_str()
            .parse()
            .unwrap_or_else(|_| unreachable!("a kind is a theme")),
        sensitivity: Sensitivity::Public,
        anonymous: false,
        fields: FieldMapping {
            code: Some("code".into()),
            ..FieldMapping::default()
        },
        classification: None,
        attribution: format!("{}, imports audited in sitroom", kind.title()),
    };
    let mut snap = LayerSnapshot::from_features(meta, version, features);
    snap.bbox = levels.first().and_then(|s| s.bbox);
    (snap, unplaced)
}

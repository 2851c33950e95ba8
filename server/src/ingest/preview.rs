//! What a read would load, summed up for a person choosing the settings of a load: each
//! field found with its type, fill and examples; how many features the mapping fills;
//! the first rows; an even, simplified sample of the geometries for a small map.

use geo::{BoundingRect as _, Geometry, Simplify as _};
use serde_json::Value;

use super::Ingested;
use crate::formats::geojson as write;
use crate::model::{FieldSummary, FieldType, LayerMeta, LoadPreview, MappedCounts};

/// Rows shown as they would be stored.
pub const ROWS: usize = 10;
/// Most features drawn on the preview map.
pub const SAMPLE: usize = 500;
/// Distinct example values per field.
const EXAMPLES: usize = 3;
/// Simplification tolerance, as a share of the extent's larger side: a few pixels on a
/// map a few hundred pixels wide.
const TOLERANCE: f64 = 1.0 / 1000.0;

/// The preview of `read` as `meta` would store it; `why_not` says what would stop the
/// load (rejected features without leave to drop them).
#[must_use]
pub fn preview(meta: LayerMeta, read: Ingested, why_not: Option<String>) -> LoadPreview {
    let fields = summarise_fields(&read);
    let mapped = count_mapped(&read);
    let (sample, sampled) = sample(&read);
    let rows = read.features.iter().take(ROWS).cloned().collect();
    LoadPreview {
        layer: meta,
        would_load: why_not.is_none(),
        why_not,
        report: read.report,
        bbox: read.bbox,
        fields,
        mapped,
        rows,
        sample,
        sampled,
    }
}

fn type_of(v: &Value) -> Option<FieldType> {
    match v {
        Value::Null => None,
        Value::Bool(_) => Some(FieldType::Boolean),
        Value::Number(_) => Some(FieldType::Number),
        _ => Some(FieldType::Text),
    }
}

/// Every field of the features, in the order first met.
fn summarise_fields(read: &Ingested) -> Vec<FieldSummary> {
    let mut out: Vec<FieldSummary> = Vec::new();
    let mut at = std::collections::HashMap::<String, usize>::new();
    for f in &read.features {
        for (name, value) in &f.properties {
            let i = *at.entry(name.clone()).or_insert_with(|| {
                out.push(FieldSummary {
                    name: name.clone(),
                    kind: FieldType::Empty,
                    filled: 0,
                    examples: Vec::new(),
                });
                out.len() - 1
            });
            let field = &mut out[i];
            let Some(kind) = type_of(value) else { continue };
            field.filled += 1;
            field.kind = match field.kind {
                FieldType::Empty => kind,
                k if k == kind => k,
                _ => FieldType::Mixed,
            };
            if field.examples.len() < EXAMPLES && !field.examples.contains(value) {
                field.examples.push(value.clone());
            }
        }
    }
    out
}

fn count_mapped(read: &Ingested) -> MappedCounts {
    let mut m = MappedCounts::default();
    for f in &read.features {
        m.name += u64::from(f.name.is_some());
        m.code += u64::from(f.code.is_some());
        m.households += u64::from(f.households.is_some());
        m.hazard_class += u64::from(f.hazard_class.is_some());
        if let Some(p) = f.population {
            m.population += 1;
            m.population_total += p;
        }
    }
    m
}

/// Every k-th feature (at most [`SAMPLE`]) as GeoJSON, simplified for a small map, with
/// its mapped columns as properties; and how many there are.
fn sample(read: &Ingested) -> (geojson::FeatureCollection, u64) {
    let step = read.features.len().div_ceil(SAMPLE).max(1);
    let tolerance = read
        .bbox
        .map_or(0.0, |b| (b[2] - b[0]).max(b[3] - b[1]) * TOLERANCE);
    let features: Vec<geojson::Feature> = read
        .features
        .iter()
        .step_by(step)
        .filter_map(|f| {
            let g = gdal::vector::Geometry::from_wkb(&f.wkb)
                .and_then(|g| g.to_geo())
                .ok()?;
            let g = simplified(g, tolerance);
            let mut properties = serde_json::Map::new();
            let mut put = |k: &str, v: Option<Value>| {
                if let Some(v) = v {
                    properties.insert(k.into(), v);
                }
            };
            put("name", f.name.clone().map(Value::from));
            put("code", f.code.clone().map(Value::from));
            put("population", f.population.map(Value::from));
            put("hazard_class", f.hazard_class.clone().map(Value::from));
            Some(write::feature(
                geojson::feature::Id::Number(f.fid.into()),
                &g,
                &|c| c,
                properties,
            ))
        })
        .collect();
    let n = features.len() as u64;
    let collection = geojson::FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    };
    (collection, n)
}

/// Lines and polygons simplified by `tolerance` degrees, unless that would leave them
/// smaller than a point on the map (then they are kept as read); points as they are.
fn simplified(g: Geometry<f64>, tolerance: f64) -> Geometry<f64> {
    if tolerance <= 0.0 {
        return g;
    }
    let small = g
        .bounding_rect()
        .is_some_and(|r| r.width().max(r.height()) < tolerance * 4.0);
    if small {
        return g;
    }
    match g {
        Geometry::LineString(l) => Geometry::LineString(l.simplify(tolerance)),
        Geometry::MultiLineString(l) => Geometry::MultiLineString(l.simplify(tolerance)),
        Geometry::Polygon(p) => Geometry::Polygon(p.simplify(tolerance)),
        Geometry::MultiPolygon(p) => Geometry::MultiPolygon(p.simplify(tolerance)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Feature, LoadReport};

    fn point(fid: i64, properties: Value) -> Feature {
        let wkb = gdal::vector::Geometry::from_wkt(&format!("POINT ({fid} 1)"))
            .and_then(|g| g.wkb())
            .unwrap();
        Feature {
            fid,
            source_id: None,
            wkb,
            bbox: [0.0; 4],
            properties: properties.as_object().cloned().unwrap_or_default(),
            name: None,
            code: Some(format!("c{fid}")),
            population: Some(2.5),
            households: None,
            hazard_class: None,
        }
    }

    fn read(features: Vec<Feature>) -> Ingested {
        Ingested {
            features,
            report: LoadReport::default(),
            sha256: String::new(),
            bbox: Some([0.0, 0.0, 2000.0, 1.0]),
        }
    }

    #[test]
    fn fields_are_typed_counted_and_exemplified_in_file_order() {
        let r = read(vec![
            point(1, serde_json::json!({"b": 1, "a": "x", "c": null})),
            point(2, serde_json::json!({"b": "two", "a": "x", "c": null})),
            point(3, serde_json::json!({"a": "y", "c": null, "d": true})),
            point(4, serde_json::json!({"a": "z"})),
            point(5, serde_json::json!({"a": "w"})),
        ]);
        let fields = summarise_fields(&r);
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["b", "a", "c", "d"]);
        let a = &fields[1];
        assert_eq!((a.kind, a.filled), (FieldType::Text, 5));
        assert_eq!(a.examples, [Value::from("x"), "y".into(), "z".into()]);
        assert_eq!(fields[0].kind, FieldType::Mixed);
        assert_eq!((fields[2].kind, fields[2].filled), (FieldType::Empty, 0));
        assert_eq!(fields[3].kind, FieldType::Boolean);
    }

    #[test]
    fn the_sample_is_even_and_bounded_and_the_mapping_counted() {
        let r = read(
            (1..=1999)
                .map(|i| point(i, serde_json::json!({})))
                .collect(),
        );
        let meta = crate::model::MetaChanges {
            kind: Some("exposure".into()),
            theme: Some("settlements".into()),
            ..Default::default()
        }
        .resolve(&"sites".parse().unwrap(), None)
        .unwrap();
        let p = preview(meta, r, None);
        assert!(p.would_load);
        assert_eq!(p.rows.len(), ROWS);
        // Every 4th of 1,999: 500 features, the first and one near the end among them.
        assert_eq!(p.sampled, 500);
        assert_eq!(p.sample.features.len(), 500);
        let last = p.sample.features.last().and_then(|f| f.id.clone());
        assert_eq!(last, Some(geojson::feature::Id::Number(1997.into())));
        assert_eq!((p.mapped.code, p.mapped.population), (1999, 1999));
        assert!((p.mapped.population_total - 4997.5).abs() < 1e-9);
    }
}

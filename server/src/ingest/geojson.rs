//! A one-pass GeoJSON reader. GDAL's GeoJSON driver parses a large file twice (once at
//! open to learn the fields, once to read the features) with a byte-by-byte streaming
//! parser; GeoJSON is the most common upload, so we read it ourselves with serde in one
//! pass and hand GDAL/GEOS only the geometries (as WKB) to check, repair and reproject.
//! See docs/decisions/geojson-reader.md for the measurements.

use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::IngestError;
use super::source::{RawFeature, Source, SourceKind};

/// Coordinates as nested arrays: a position, or a list of deeper levels.
#[derive(Debug)]
enum Nested {
    Position(f64, f64),
    List(Vec<Nested>),
}

impl<'de> Deserialize<'de> for Nested {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(NestedVisitor)
    }
}

struct NestedVisitor;

/// The first element of an array decides whether it is a position or a list.
enum Element {
    Number(f64),
    Nested(Nested),
}

impl<'de> Deserialize<'de> for Element {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Element;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or an array")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Element, E> {
                Ok(Element::Number(v))
            }
            #[expect(clippy::cast_precision_loss)]
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Element, E> {
                Ok(Element::Number(v as f64))
            }
            #[expect(clippy::cast_precision_loss)]
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Element, E> {
                Ok(Element::Number(v as f64))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Element, A::Error> {
                NestedVisitor.visit_seq(seq).map(Element::Nested)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Visitor<'de> for NestedVisitor {
    type Value = Nested;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a coordinate array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Nested, A::Error> {
        match seq.next_element::<Element>()? {
            None => Ok(Nested::List(Vec::new())),
            Some(Element::Number(x)) => {
                let y: f64 = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::custom("a position needs at least two numbers"))?;
                // Drop z (and m): the store is 2D.
                while seq.next_element::<f64>()?.is_some() {}
                Ok(Nested::Position(x, y))
            }
            Some(Element::Nested(first)) => {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(4) + 1);
                items.push(first);
                while let Some(n) = seq.next_element::<Nested>()? {
                    items.push(n);
                }
                Ok(Nested::List(items))
            }
        }
    }
}

#[derive(Deserialize)]
struct GeometryIn {
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    coordinates: Option<Nested>,
    #[serde(default)]
    geometries: Option<Vec<GeometryIn>>,
}

#[derive(Deserialize)]
struct FeatureIn {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    properties: Option<Map<String, Value>>,
    #[serde(default)]
    geometry: Option<GeometryIn>,
}

#[derive(Deserialize)]
struct CrsIn {
    #[serde(default)]
    properties: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
struct Document {
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    features: Option<Vec<FeatureIn>>,
    #[serde(default)]
    crs: Option<CrsIn>,
    #[serde(default)]
    name: Option<String>,
    // A bare Feature document.
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    properties: Option<Map<String, Value>>,
    #[serde(default)]
    geometry: Option<GeometryIn>,
}

/// Little-endian ISO WKB writer.
struct Wkb(Vec<u8>);

impl Wkb {
    fn header(&mut self, ty: u32) {
        self.0.push(1);
        self.0.extend_from_slice(&ty.to_le_bytes());
    }
    fn count(&mut self, n: usize) {
        self.0
            .extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
    }
    fn xy(&mut self, x: f64, y: f64) {
        self.0.extend_from_slice(&x.to_le_bytes());
        self.0.extend_from_slice(&y.to_le_bytes());
    }
}

/// Why a GeoJSON geometry cannot be written as WKB (a feature's rejection reason).
#[derive(Debug, thiserror::Error)]
enum ShapeError {
    /// Coordinates nested as another type's.
    #[error("the coordinates do not have the nesting a {0} needs")]
    Nesting(String),
    /// No coordinates.
    #[error("{0} geometry has no coordinates")]
    NoCoordinates(String),
    /// Not a type of RFC 7946.
    #[error("'{0}' is not a GeoJSON geometry type")]
    UnknownType(String),
}

fn shape_error(ty: &str) -> ShapeError {
    ShapeError::Nesting(ty.to_owned())
}

fn positions(w: &mut Wkb, list: &Nested, ty: &str) -> Result<(), ShapeError> {
    let Nested::List(items) = list else {
        return Err(shape_error(ty));
    };
    w.count(items.len());
    for p in items {
        match p {
            Nested::Position(x, y) => w.xy(*x, *y),
            Nested::List(_) => return Err(shape_error(ty)),
        }
    }
    Ok(())
}

fn rings(w: &mut Wkb, list: &Nested, ty: &str) -> Result<(), ShapeError> {
    let Nested::List(items) = list else {
        return Err(shape_error(ty));
    };
    w.count(items.len());
    items.iter().try_for_each(|r| positions(w, r, ty))
}

/// WKB of a GeoJSON geometry; `Err` names what is wrong with it.
fn to_wkb(g: &GeometryIn, w: &mut Wkb) -> Result<(), ShapeError> {
    let ty = g.ty.as_str();
    if ty == "GeometryCollection" {
        let parts = g.geometries.as_deref().unwrap_or_default();
        w.header(7);
        w.count(parts.len());
        return parts.iter().try_for_each(|p| to_wkb(p, w));
    }
    let Some(c) = &g.coordinates else {
        return Err(ShapeError::NoCoordinates(ty.to_owned()));
    };
    match ty {
        "Point" => {
            let Nested::Position(x, y) = c else {
                return Err(shape_error(ty));
            };
            w.header(1);
            w.xy(*x, *y);
        }
        "LineString" => {
            w.header(2);
            positions(w, c, ty)?;
        }
        "Polygon" => {
            w.header(3);
            rings(w, c, ty)?;
        }
        "MultiPoint" | "MultiLineString" | "MultiPolygon" => {
            let Nested::List(parts) = c else {
                return Err(shape_error(ty));
            };
            let (multi, part) = match ty {
                "MultiPoint" => (4, 1),
                "MultiLineString" => (5, 2),
                _ => (6, 3),
            };
            w.header(multi);
            w.count(parts.len());
            for p in parts {
                w.header(part);
                match part {
                    1 => match p {
                        Nested::Position(x, y) => w.xy(*x, *y),
                        Nested::List(_) => return Err(shape_error(ty)),
                    },
                    2 => positions(w, p, ty)?,
                    _ => rings(w, p, ty)?,
                }
            }
        }
        other => return Err(ShapeError::UnknownType(other.chars().take(40).collect())),
    }
    Ok(())
}

fn id_text(v: Option<Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// A readable reason for a JSON syntax error, with where it is and what to do.
fn syntax_reason(e: &serde_json::Error) -> String {
    match e.classify() {
        serde_json::error::Category::Eof => format!(
            "the file ends early (line {}, column {}): it is truncated; export or upload it again",
            e.line(),
            e.column()
        ),
        serde_json::error::Category::Syntax => format!(
            "invalid JSON at line {}, column {} ({}); NaN and Infinity are not valid numbers in GeoJSON",
            e.line(),
            e.column(),
            e.to_string().split(" at line").next().unwrap_or_default()
        ),
        _ => format!("not GeoJSON: {e}"),
    }
}

/// Reads a whole GeoJSON document (FeatureCollection or Feature).
///
/// # Errors
/// When the text is not JSON or not a GeoJSON feature collection.
pub fn read(bytes: &[u8], shown: &str, stem: &str) -> Result<Source, IngestError> {
    let unparseable = |reason: String| IngestError::Unparseable {
        path: shown.to_owned(),
        expected: "GeoJSON".into(),
        reason,
    };
    let doc: Document =
        serde_json::from_slice(bytes).map_err(|e| unparseable(syntax_reason(&e)))?;
    let features = match doc.ty.as_str() {
        "FeatureCollection" => doc.features.unwrap_or_default(),
        "Feature" => vec![FeatureIn {
            id: doc.id,
            properties: doc.properties,
            geometry: doc.geometry,
        }],
        other => {
            return Err(unparseable(format!(
                "its type is '{other}', not FeatureCollection or Feature"
            )));
        }
    };
    let crs_name = doc
        .crs
        .and_then(|c| c.properties)
        .and_then(|p| p.get("name").and_then(Value::as_str).map(str::to_owned));
    let mut seen = HashSet::new();
    let mut fields = Vec::new();
    let raw = features
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let properties = f.properties.unwrap_or_default();
            for k in properties.keys() {
                if seen.insert(k.clone()) {
                    fields.push(k.clone());
                }
            }
            let wkb = f.geometry.map(|g| {
                let mut w = Wkb(Vec::new());
                to_wkb(&g, &mut w).map(|()| w.0).map_err(|e| e.to_string())
            });
            RawFeature {
                index: i as u64 + 1,
                source_id: id_text(f.id),
                wkb,
                properties,
            }
        })
        .collect();
    Ok(Source {
        kind: SourceKind::GeoJson,
        driver: "GeoJSON".into(),
        layer: doc.name.unwrap_or_else(|| stem.to_owned()),
        // RFC 7946: without a (legacy) crs member, coordinates are WGS 84 lon/lat.
        crs: Some(crs_name.unwrap_or_else(|| "OGC:CRS84".into())),
        fields,
        features: raw,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wkb_of(json: &str) -> Result<Vec<u8>, String> {
        let g: GeometryIn = serde_json::from_str(json).unwrap();
        let mut w = Wkb(Vec::new());
        to_wkb(&g, &mut w).map(|()| w.0).map_err(|e| e.to_string())
    }

    #[test]
    fn writes_the_same_wkb_as_gdal() {
        for json in [
            r#"{"type":"Point","coordinates":[30.1,-2.5]}"#,
            r#"{"type":"Point","coordinates":[30.1,-2.5,1500]}"#,
            r#"{"type":"LineString","coordinates":[[30,-2],[31,-1]]}"#,
            r#"{"type":"Polygon","coordinates":[[[30,-2],[31,-2],[31,-1],[30,-2]],[[30.2,-1.9],[30.3,-1.9],[30.3,-1.8],[30.2,-1.9]]]}"#,
            r#"{"type":"MultiPoint","coordinates":[[30,-2],[31,-1]]}"#,
            r#"{"type":"MultiLineString","coordinates":[[[30,-2],[31,-1]],[[29,-2],[29.5,-1]]]}"#,
            r#"{"type":"MultiPolygon","coordinates":[[[[30,-2],[31,-2],[31,-1],[30,-2]]],[[[29,-2],[29.5,-2],[29.5,-1],[29,-2]]]]}"#,
            r#"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}"#,
        ] {
            let ours = wkb_of(json).unwrap();
            let mut theirs = gdal::vector::Geometry::from_geojson(json).unwrap();
            theirs.flatten_to_2d();
            assert_eq!(ours, theirs.wkb().unwrap(), "{json}");
        }
    }

    #[test]
    fn names_what_is_wrong() {
        assert_eq!(
            wkb_of(r#"{"type":"Polygon","coordinates":[[30,-2],[31,-1]]}"#).unwrap_err(),
            "the coordinates do not have the nesting a Polygon needs"
        );
        assert_eq!(
            wkb_of(r#"{"type":"Circle","coordinates":[30,-2]}"#).unwrap_err(),
            "'Circle' is not a GeoJSON geometry type"
        );
        assert_eq!(
            wkb_of(r#"{"type":"Point"}"#).unwrap_err(),
            "Point geometry has no coordinates"
        );
    }
}

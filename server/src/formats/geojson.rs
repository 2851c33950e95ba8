//! geo geometries as GeoJSON (RFC 7946) values.

use geo::{Coord, Geometry, LineString, Polygon};
use serde_json::{Value, json};

/// Decimal places kept in lon/lat output: 1e-7 degree is about 1 cm.
const DECIMALS: f64 = 1e7;

fn position(c: Coord<f64>, map: &impl Fn(Coord<f64>) -> Coord<f64>) -> [f64; 2] {
    let c = map(c);
    [
        (c.x * DECIMALS).round() / DECIMALS,
        (c.y * DECIMALS).round() / DECIMALS,
    ]
}

fn line(ls: &LineString<f64>, map: &impl Fn(Coord<f64>) -> Coord<f64>) -> Vec<[f64; 2]> {
    ls.coords().map(|c| position(*c, map)).collect()
}

fn rings(p: &Polygon<f64>, map: &impl Fn(Coord<f64>) -> Coord<f64>) -> Vec<Vec<[f64; 2]>> {
    std::iter::once(line(p.exterior(), map))
        .chain(p.interiors().iter().map(|r| line(r, map)))
        .collect()
}

/// The GeoJSON geometry of `g` with every coordinate passed through `map` (e.g. from
/// Web Mercator back to lon/lat) and rounded to 7 decimals.
#[must_use]
pub fn geometry(g: &Geometry<f64>, map: &impl Fn(Coord<f64>) -> Coord<f64>) -> Value {
    match g {
        Geometry::Point(p) => json!({"type": "Point", "coordinates": position(p.0, map)}),
        Geometry::MultiPoint(mp) => {
            json!({"type": "MultiPoint", "coordinates": mp.iter().map(|p| position(p.0, map)).collect::<Vec<_>>()})
        }
        Geometry::LineString(ls) => json!({"type": "LineString", "coordinates": line(ls, map)}),
        Geometry::MultiLineString(m) => {
            json!({"type": "MultiLineString", "coordinates": m.iter().map(|l| line(l, map)).collect::<Vec<_>>()})
        }
        Geometry::Polygon(p) => json!({"type": "Polygon", "coordinates": rings(p, map)}),
        Geometry::MultiPolygon(m) => {
            json!({"type": "MultiPolygon", "coordinates": m.iter().map(|p| rings(p, map)).collect::<Vec<_>>()})
        }
        Geometry::GeometryCollection(gc) => {
            json!({"type": "GeometryCollection", "geometries": gc.iter().map(|g| geometry(g, map)).collect::<Vec<_>>()})
        }
        Geometry::Line(l) => {
            json!({"type": "LineString", "coordinates": [position(l.start, map), position(l.end, map)]})
        }
        Geometry::Rect(r) => geometry(&Geometry::Polygon(r.to_polygon()), map),
        Geometry::Triangle(t) => geometry(&Geometry::Polygon(t.to_polygon()), map),
    }
}

//! geo geometries written as GeoJSON (RFC 7946) with the `geojson` crate: coordinates
//! mapped (from Web Mercator back to lon/lat, say) and rounded to 7 decimals (about a
//! centimetre), then the crate's own types, serialised as they are. (Measured against
//! building `serde_json` values by hand: half the time for the same bytes; see
//! docs/decisions/crates.md.)

use geo::{Coord, Geometry, MapCoords as _};

/// Decimal places kept in lon/lat output: 1e-7 degree is about 1 cm.
const DECIMALS: f64 = 1e7;

/// The GeoJSON geometry of `g` with every coordinate passed through `map` and rounded
/// to 7 decimals.
#[must_use]
pub fn geometry(g: &Geometry<f64>, map: &impl Fn(Coord<f64>) -> Coord<f64>) -> geojson::Geometry {
    let mapped = g.map_coords(|c| {
        let c = map(c);
        Coord {
            x: (c.x * DECIMALS).round() / DECIMALS,
            y: (c.y * DECIMALS).round() / DECIMALS,
        }
    });
    geojson::Geometry::from(&mapped)
}

/// A GeoJSON Feature of `g` (mapped as [`geometry`]) with `id` and `properties`.
#[must_use]
pub fn feature(
    id: geojson::feature::Id,
    g: &Geometry<f64>,
    map: &impl Fn(Coord<f64>) -> Coord<f64>,
    properties: serde_json::Map<String, serde_json::Value>,
) -> geojson::Feature {
    geojson::Feature {
        bbox: None,
        geometry: Some(geometry(g, map)),
        id: Some(id),
        properties: Some(properties),
        foreign_members: None,
    }
}

//! Ad hoc incident areas: a GeoJSON Polygon or MultiPolygon in lon/lat, checked before
//! any work is done on it, and turned into a one-unit boundary layer the exposure
//! computation can use.

use geo::orient::{Direction, Orient as _};
use geo::{BoundingRect as _, CoordsIter as _, GeodesicArea as _, MapCoords as _};
use serde_json::Value;

use super::cells::CELL_M;
use crate::engine::LayerSnapshot;
use crate::engine::geometry::to_mercator;
use crate::engine::snapshot::SnapFeature;
use crate::model::{LayerKind, LayerMeta};

/// Most vertices an incident area may have.
pub const MAX_VERTICES: usize = 100_000;

/// Widest and tallest an incident area may be, in degrees (Rwanda is about 2.5° across):
/// the work of cutting an area into cells grows with its extent, not only its area.
pub const MAX_SPAN_DEG: f64 = 20.0;

/// Largest incident area, in km² (about four times Rwanda): a bigger one is a mistake in
/// the coordinates, or a question the per-unit report answers.
pub const MAX_KM2: f64 = 100_000.0;

/// Most grid cells the area's extent may cover (each [`CELL_M`] square; Rwanda's extent
/// covers about 45,000). Cutting an area into cells takes time and memory in proportion
/// to the cells its extent spans, whatever its area: a thin comb or ring 20° across
/// covers little ground but millions of cells. This is the ceiling on what one answer
/// may hold.
pub const MAX_CELLS: f64 = 250_000.0;

/// Why an incident area cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AreaError {
    /// Not a GeoJSON geometry we can read.
    #[error(
        "the body must be a GeoJSON Polygon or MultiPolygon (or a Feature holding one) in lon/lat"
    )]
    NotGeoJson,
    /// Another geometry type.
    #[error("the area must be a Polygon or MultiPolygon")]
    NotPolygonal,
    /// Coordinates outside lon/lat ranges.
    #[error(
        "the area has coordinates outside lon -180..180 / lat -85..85: send lon/lat degrees (RFC 7946)"
    )]
    OutOfRange,
    /// Too many vertices.
    #[error("the area has {0} vertices, more than {MAX_VERTICES}: simplify it")]
    TooManyVertices(usize),
    /// An edge that crosses the antimeridian (longitude jumping by more than 180°).
    #[error(
        "the area crosses the antimeridian (an edge jumps from {0:.1}° to {1:.1}° longitude): split it into polygons on either side (RFC 7946 §3.1.9)"
    )]
    CrossesAntimeridian(f64, f64),
    /// Spread over more of the globe than any incident area.
    #[error(
        "the area spans {0:.1}° of longitude by {1:.1}° of latitude, more than {MAX_SPAN_DEG}°: is it really one incident area? Send smaller ones"
    )]
    TooWide(f64, f64),
    /// Its extent spans too many grid cells.
    #[error(
        "the area's extent spans {0:.0} grid cells of 1 km², more than {MAX_CELLS:.0} (about five times Rwanda's extent): send smaller or more compact areas"
    )]
    TooSpread(f64),
    /// Too large.
    #[error(
        "the area covers {0:.0} km², more than {MAX_KM2:.0} km²: are the coordinates lon/lat? For whole districts or the country use GET /api/exposure"
    )]
    TooLarge(f64),
}

/// The (Multi)Polygon of an incident area, from a GeoJSON geometry or Feature.
///
/// # Errors
/// An [`AreaError`] saying what is wrong with it.
pub fn parse(body: &Value) -> Result<geo::MultiPolygon<f64>, AreaError> {
    let geometry = if body["type"] == "Feature" {
        &body["geometry"]
    } else {
        body
    };
    let shape = gdal::vector::Geometry::from_geojson(&geometry.to_string())
        .and_then(|g| g.to_geo())
        .map_err(|_| AreaError::NotGeoJson)?;
    let shape = match shape {
        geo::Geometry::Polygon(p) => geo::MultiPolygon(vec![p]),
        geo::Geometry::MultiPolygon(m) => m,
        _ => return Err(AreaError::NotPolygonal),
    };
    // Rings in either winding (RFC 7946 asks parsers not to refuse clockwise ones): on the
    // sphere a clockwise ring would enclose the rest of the world.
    let shape = shape.orient(Direction::Default);
    if shape
        .coords_iter()
        .any(|c| !(-180.0..=180.0).contains(&c.x) || !(-85.0..=85.0).contains(&c.y))
    {
        return Err(AreaError::OutOfRange);
    }
    for poly in &shape.0 {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            if let Some(w) = ring.0.windows(2).find(|w| (w[1].x - w[0].x).abs() > 180.0) {
                return Err(AreaError::CrossesAntimeridian(w[0].x, w[1].x));
            }
        }
    }
    if let Some(r) = shape.bounding_rect()
        && (r.width() > MAX_SPAN_DEG || r.height() > MAX_SPAN_DEG)
    {
        return Err(AreaError::TooWide(r.width(), r.height()));
    }
    let vertices = shape.coords_count();
    if vertices > MAX_VERTICES {
        return Err(AreaError::TooManyVertices(vertices));
    }
    let km2 = shape.geodesic_area_unsigned() / 1e6;
    if km2 > MAX_KM2 {
        return Err(AreaError::TooLarge(km2));
    }
    if let Some(r) = shape.map_coords(to_mercator).bounding_rect() {
        let cells = ((r.width() / CELL_M).floor() + 1.0) * ((r.height() / CELL_M).floor() + 1.0);
        if cells > MAX_CELLS {
            return Err(AreaError::TooSpread(cells));
        }
    }
    Ok(shape)
}

/// The area as a boundary layer of one unit, code `area`, in Web Mercator.
#[must_use]
pub fn as_units(area: &geo::MultiPolygon<f64>, like: &LayerMeta) -> LayerSnapshot {
    let merc = area.map_coords(to_mercator);
    let bbox_m = merc
        .bounding_rect()
        .map_or([0.0; 4], |r| [r.min().x, r.min().y, r.max().x, r.max().y]);
    let unit = SnapFeature {
        fid: 1,
        geometry: geo::Geometry::MultiPolygon(merc),
        bbox_m,
        properties: serde_json::Map::new(),
        hazard_class: None,
        code: Some("area".into()),
        population: None,
        households: None,
    };
    let mut meta = like.clone();
    meta.kind = LayerKind::Boundary;
    LayerSnapshot::from_features(meta, 0, vec![unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_area_drawn_clockwise_is_the_same_area() {
        let ring = [
            [30.0, -1.9],
            [30.15, -1.9],
            [30.15, -2.02],
            [30.0, -2.02],
            [30.0, -1.9],
        ];
        let clockwise = serde_json::json!({ "type": "Polygon", "coordinates": [ring] });
        let mut reversed = ring;
        reversed.reverse();
        let counter = serde_json::json!({ "type": "Polygon", "coordinates": [reversed] });
        let a = parse(&clockwise).unwrap().geodesic_area_unsigned() / 1e6;
        let b = parse(&counter).unwrap().geodesic_area_unsigned() / 1e6;
        // About 16.6 km by 13.3 km.
        assert!(
            (a - b).abs() < 1e-6 && (200.0..240.0).contains(&a),
            "{a} km², {b} km²"
        );
    }
}

//! One Web Mercator geometry as it appears in one tile: clipped to the tile plus a
//! buffer, quantised, simplified to about a pixel, with what is smaller than a pixel left
//! out.

use geo::{Coord, Geometry, LineString, Polygon};

use super::id::{BUFFER, Grid, TileId};
use super::mvt::{EXTENT, TileGeometry};
use super::rings::{convex_hull, quantise_line, quantise_ring, simple_ring, wind_rings};
use super::simplify::simplify_units;
use crate::engine::geometry::{clip_line, clip_ring};

/// One polygon clipped, simplified and quantised, as one or more tile polygons (a
/// concave polygon cut by the tile edge can fall apart into several).
///
/// Clipping ring by ring (Sutherland–Hodgman) is exact and cheap, but where a concave
/// ring leaves and re-enters the tile it joins the pieces with zero-width bridges along
/// the edge, so the ring touches itself. Those polygons, and any whose rings cross
/// themselves once snapped to the grid, are clipped again with a boolean overlay, which
/// gives separate, valid pieces. Only a piece that is still not simple after snapping
/// (a sliver a few units wide) is drawn as its convex hull.
fn polygon_to_tile(
    p: &Polygon<f64>,
    bounds: [f64; 4],
    tolerance: f64,
    grid: &Grid,
    min_area2: i64,
) -> Vec<Vec<Vec<[i32; 2]>>> {
    // Most polygons lie wholly inside the (buffered) tile: then nothing needs clipping.
    let inside = p
        .exterior()
        .0
        .iter()
        .all(|c| c.x >= bounds[0] && c.x <= bounds[2] && c.y >= bounds[1] && c.y <= bounds[3]);
    let mut failed = false;
    let quick = wind_rings(p, min_area2, |ls| {
        let clipped;
        let points = if inside {
            &ls.0
        } else {
            clipped = clip_ring(&ls.0, bounds);
            &clipped
        };
        if points.len() < 3 {
            return None;
        }
        let r = simple_ring(points, tolerance, grid);
        failed |= r.is_none();
        r
    });
    if !failed {
        return quick.into_iter().collect();
    }
    let window = geo::Rect::new(
        Coord {
            x: bounds[0],
            y: bounds[1],
        },
        Coord {
            x: bounds[2],
            y: bounds[3],
        },
    )
    .to_polygon();
    let pieces = if inside {
        geo::MultiPolygon(vec![p.clone()])
    } else {
        geo::BooleanOps::intersection(p, &window)
    };
    pieces
        .iter()
        .filter_map(|piece| {
            wind_rings(piece, min_area2, |ls| {
                simple_ring(&ls.0, tolerance, grid)
                    .or_else(|| convex_hull(&quantise_ring(&ls.0, grid)?))
            })
        })
        .collect()
}

/// Polygons under about one screen pixel of area (in doubled tile units²) are dropped.
const MIN_AREA2: i64 = 2 * 8 * 8;

/// Whether a polygonal shape with this extent (metres) is too small to draw in tile `t`:
/// a cheap test before touching any vertex.
#[must_use]
pub fn too_small(bbox_m: [f64; 4], t: TileId) -> bool {
    let scale = f64::from(EXTENT) / t.span_m();
    let (w, h) = (
        (bbox_m[2] - bbox_m[0]) * scale,
        (bbox_m[3] - bbox_m[1]) * scale,
    );
    #[expect(clippy::cast_precision_loss)]
    let min = MIN_AREA2 as f64 / 2.0;
    w * h < min
}

/// A Web Mercator geometry as it appears in tile `t`, or `None` when nothing of it is
/// visible there (outside, or smaller than a pixel).
#[must_use]
pub fn to_tile(g: &Geometry<f64>, t: TileId) -> Option<TileGeometry> {
    let grid = Grid::new(t);
    let bounds = t.buffered_m(BUFFER);
    // About a screen pixel, in tile units (a 512 px tile has 8 units per pixel).
    let tolerance = 8.0;
    let min_area2 = MIN_AREA2;
    let inside = |c: &Coord<f64>| {
        c.x >= bounds[0] && c.x <= bounds[2] && c.y >= bounds[1] && c.y <= bounds[3]
    };
    match g {
        Geometry::Point(p) => inside(&p.0).then(|| TileGeometry::Points(vec![grid.at(p.0)])),
        Geometry::MultiPoint(mp) => {
            let pts: Vec<[i32; 2]> = mp
                .iter()
                .filter(|p| inside(&p.0))
                .map(|p| grid.at(p.0))
                .collect();
            (!pts.is_empty()).then_some(TileGeometry::Points(pts))
        }
        Geometry::LineString(ls) => {
            lines_to_tile(std::slice::from_ref(ls), bounds, tolerance, &grid)
        }
        Geometry::MultiLineString(mls) => lines_to_tile(&mls.0, bounds, tolerance, &grid),
        Geometry::Polygon(p) => {
            let polys = polygon_to_tile(p, bounds, tolerance, &grid, min_area2);
            (!polys.is_empty()).then_some(TileGeometry::Polygons(polys))
        }
        Geometry::MultiPolygon(mp) => {
            let polys: Vec<_> = mp
                .iter()
                .flat_map(|p| polygon_to_tile(p, bounds, tolerance, &grid, min_area2))
                .collect();
            (!polys.is_empty()).then_some(TileGeometry::Polygons(polys))
        }
        _ => None,
    }
}

fn lines_to_tile(
    lines: &[LineString<f64>],
    bounds: [f64; 4],
    tolerance: f64,
    grid: &Grid,
) -> Option<TileGeometry> {
    let out: Vec<Vec<[i32; 2]>> = lines
        .iter()
        .flat_map(|ls| clip_line(&ls.0, bounds))
        .filter_map(|part| quantise_line(&part, grid))
        .map(|line| simplify_units(&line, tolerance))
        .collect();
    (!out.is_empty()).then_some(TileGeometry::Lines(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::geometry::HALF_WORLD_M;
    use crate::engine::tiles::mvt::ring_area2;
    use geo::polygon;

    #[test]
    fn a_concave_polygon_cut_by_the_tile_edge_falls_apart_into_pieces() {
        // A U whose bottom bar lies below the tile: inside, only its two arms show.
        let t = TileId::new(10, 600, 500).unwrap();
        let [w, s, _, _] = t.bounds_m();
        let span = t.span_m();
        let at = |fx: f64, fy: f64| (w + fx * span, s + fy * span);
        let u = Geometry::Polygon(Polygon::new(
            LineString::from(vec![
                at(0.2, -0.3),
                at(0.8, -0.3),
                at(0.8, 0.5),
                at(0.7, 0.5),
                at(0.7, -0.2),
                at(0.3, -0.2),
                at(0.3, 0.5),
                at(0.2, 0.5),
            ]),
            vec![],
        ));
        let Some(TileGeometry::Polygons(polys)) = to_tile(&u, t) else {
            panic!("the arms are in the tile");
        };
        assert_eq!(polys.len(), 2, "two arms, not one shape bridging them");
        // Each arm: 0.1 x (0.5 + buffer) of the tile, in doubled tile units².
        let buffer = BUFFER / f64::from(EXTENT);
        let arm = 0.1 * (0.5 + buffer) * f64::from(EXTENT).powi(2) * 2.0;
        for p in &polys {
            #[expect(clippy::cast_precision_loss)]
            let a = ring_area2(&p[0]).abs() as f64;
            assert!((a - arm).abs() / arm < 0.01, "arm area {a} vs {arm}");
        }
    }

    #[test]
    fn a_polygon_is_clipped_to_the_buffered_tile_and_wound_for_mvt() {
        let t = TileId::new(1, 0, 0).unwrap(); // north-west quarter of the world
        let h = HALF_WORLD_M;
        // A square covering the whole world, counter-clockwise in metres (y up).
        let world = polygon![(x: -h, y: -h), (x: h, y: -h), (x: h, y: h), (x: -h, y: h)];
        let Some(TileGeometry::Polygons(p)) = to_tile(&Geometry::Polygon(world), t) else {
            panic!("nothing drawn")
        };
        let ring = &p[0][0];
        let xs: Vec<i32> = ring.iter().map(|c| c[0]).collect();
        let ys: Vec<i32> = ring.iter().map(|c| c[1]).collect();
        // The world ends at the tile's west and north edges; east and south it is cut at
        // the 64-unit buffer.
        assert_eq!((xs.iter().min(), xs.iter().max()), (Some(&0), Some(&4160)));
        assert_eq!((ys.iter().min(), ys.iter().max()), (Some(&0), Some(&4160)));
        assert!(ring_area2(ring) > 0, "exterior must be clockwise on screen");
    }

    #[test]
    fn tiny_polygons_and_far_points_are_dropped() {
        let t = TileId::new(10, 600, 500).unwrap();
        let [w, s, ..] = t.bounds_m();
        let speck =
            polygon![(x: w + 1.0, y: s + 1.0), (x: w + 2.0, y: s + 1.0), (x: w + 2.0, y: s + 2.0)];
        assert_eq!(to_tile(&Geometry::Polygon(speck), t), None);
        let far = Geometry::Point(geo::Point::new(w - 1e6, s));
        assert_eq!(to_tile(&far, t), None);
    }
}

//! From Web Mercator geometries to one tile's geometry: clip to the tile plus a buffer,
//! simplify to about a pixel, quantise to the tile grid, drop what is smaller than a
//! pixel, and wind polygon rings as MVT 2.1 requires.

use geo::{Coord, Geometry, LineString, Polygon};

use super::mvt::{EXTENT, TileGeometry, ring_area2};

/// Half the Web Mercator world width, metres (EPSG:3857).
pub const HALF_WORLD_M: f64 = 20_037_508.342_789_244;

/// Earth radius of EPSG:3857, metres.
const R: f64 = 6_378_137.0;

/// Highest zoom served.
pub const MAX_ZOOM: u8 = 22;

/// Buffer around a tile, in tile units (of [`EXTENT`]), so strokes do not show seams.
pub const BUFFER: f64 = 64.0;

/// lon/lat degrees to Web Mercator metres (latitude clamped to the projection's range).
#[must_use]
pub fn to_mercator(c: Coord<f64>) -> Coord<f64> {
    let lat = c.y.clamp(-85.051_128_78, 85.051_128_78).to_radians();
    Coord {
        x: R * c.x.to_radians(),
        y: R * (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln(),
    }
}

/// Web Mercator metres to lon/lat degrees.
#[must_use]
pub fn to_lonlat(c: Coord<f64>) -> Coord<f64> {
    Coord {
        x: (c.x / R).to_degrees(),
        y: (2.0 * (c.y / R).exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees(),
    }
}

/// A tile address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileId {
    /// Zoom.
    pub z: u8,
    /// Column from the west.
    pub x: u32,
    /// Row from the north.
    pub y: u32,
}

impl TileId {
    /// A tile address, checked: zoom at most [`MAX_ZOOM`], x and y below 2^z.
    ///
    /// # Errors
    /// A message naming the bad value and the valid range.
    pub fn new(z: u32, x: u32, y: u32) -> Result<Self, String> {
        let z = u8::try_from(z)
            .ok()
            .filter(|z| *z <= MAX_ZOOM)
            .ok_or_else(|| format!("zoom {z} is out of range: use 0 to {MAX_ZOOM}"))?;
        let n = 1u64 << z;
        if u64::from(x) >= n || u64::from(y) >= n {
            return Err(format!(
                "tile {z}/{x}/{y} does not exist: at zoom {z}, x and y run from 0 to {}",
                n - 1
            ));
        }
        Ok(Self { z, x, y })
    }

    /// Side of the tile in metres.
    #[must_use]
    pub fn span_m(self) -> f64 {
        2.0 * HALF_WORLD_M / f64::from(1u32 << self.z.min(31))
    }

    /// West, south, east, north of the tile in metres.
    #[must_use]
    pub fn bounds_m(self) -> [f64; 4] {
        let span = self.span_m();
        let west = -HALF_WORLD_M + f64::from(self.x) * span;
        let north = HALF_WORLD_M - f64::from(self.y) * span;
        [west, north - span, west + span, north]
    }

    /// The tile's bounds grown by `units` tile units on every side.
    #[must_use]
    pub fn buffered_m(self, units: f64) -> [f64; 4] {
        let [w, s, e, n] = self.bounds_m();
        let pad = self.span_m() * units / f64::from(EXTENT);
        [w - pad, s - pad, e + pad, n + pad]
    }
}

/// Converts metres to tile units for one tile.
struct Grid {
    west: f64,
    north: f64,
    scale: f64,
}

impl Grid {
    fn new(t: TileId) -> Self {
        let [west, _, _, north] = t.bounds_m();
        Self {
            west,
            north,
            scale: f64::from(EXTENT) / t.span_m(),
        }
    }

    #[allow(clippy::cast_possible_truncation)]
    fn at(&self, c: Coord<f64>) -> [i32; 2] {
        [
            ((c.x - self.west) * self.scale).round() as i32,
            ((self.north - c.y) * self.scale).round() as i32,
        ]
    }
}

/// Sutherland–Hodgman clip of a closed ring to a rectangle (w, s, e, n).
pub(crate) fn clip_ring(ring: &[Coord<f64>], b: [f64; 4]) -> Vec<Coord<f64>> {
    let mut pts: Vec<Coord<f64>> = ring.to_vec();
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    // Each edge: inside test and intersection with the boundary line.
    for edge in 0..4 {
        if pts.is_empty() {
            break;
        }
        let inside = |p: &Coord<f64>| match edge {
            0 => p.x >= b[0],
            1 => p.y >= b[1],
            2 => p.x <= b[2],
            _ => p.y <= b[3],
        };
        let cross = |a: Coord<f64>, c: Coord<f64>| -> Coord<f64> {
            match edge {
                0 | 2 => {
                    let x = if edge == 0 { b[0] } else { b[2] };
                    let t = (x - a.x) / (c.x - a.x);
                    Coord {
                        x,
                        y: a.y + t * (c.y - a.y),
                    }
                }
                _ => {
                    let y = if edge == 1 { b[1] } else { b[3] };
                    let t = (y - a.y) / (c.y - a.y);
                    Coord {
                        x: a.x + t * (c.x - a.x),
                        y,
                    }
                }
            }
        };
        let input = std::mem::take(&mut pts);
        let mut prev = input[input.len() - 1];
        for &cur in &input {
            match (inside(&cur), inside(&prev)) {
                (true, true) => pts.push(cur),
                (true, false) => {
                    pts.push(cross(prev, cur));
                    pts.push(cur);
                }
                (false, true) => pts.push(cross(prev, cur)),
                (false, false) => {}
            }
            prev = cur;
        }
    }
    pts
}

/// Liang–Barsky clip of a line to a rectangle; may split it into several parts.
fn clip_line(line: &[Coord<f64>], b: [f64; 4]) -> Vec<Vec<Coord<f64>>> {
    let mut parts = Vec::new();
    let mut current: Vec<Coord<f64>> = Vec::new();
    for seg in line.windows(2) {
        let (p, q) = (seg[0], seg[1]);
        let (dx, dy) = (q.x - p.x, q.y - p.y);
        let mut t0: f64 = 0.0;
        let mut t1: f64 = 1.0;
        let mut visible = true;
        for (pk, qk) in [
            (-dx, p.x - b[0]),
            (dx, b[2] - p.x),
            (-dy, p.y - b[1]),
            (dy, b[3] - p.y),
        ] {
            if pk == 0.0 {
                if qk < 0.0 {
                    visible = false;
                    break;
                }
            } else {
                let r = qk / pk;
                if pk < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        if !visible || t0 > t1 {
            if current.len() >= 2 {
                parts.push(std::mem::take(&mut current));
            }
            current.clear();
            continue;
        }
        let a = Coord {
            x: p.x + t0 * dx,
            y: p.y + t0 * dy,
        };
        let c = Coord {
            x: p.x + t1 * dx,
            y: p.y + t1 * dy,
        };
        if current.last() != Some(&a) {
            if current.len() >= 2 {
                parts.push(std::mem::take(&mut current));
            }
            current.clear();
            current.push(a);
        }
        current.push(c);
        if t1 < 1.0 {
            parts.push(std::mem::take(&mut current));
        }
    }
    if current.len() >= 2 {
        parts.push(current);
    }
    parts
}

/// Ramer–Douglas–Peucker on tile coordinates, keeping the first and last point: the
/// points of `pts` farther than `tolerance` units from the simplified line. Runs after
/// quantisation, so at low zooms it sees a handful of points, not every vertex.
fn simplify_units(pts: &[[i32; 2]], tolerance: f64) -> Vec<[i32; 2]> {
    if pts.len() < 3 {
        return pts.to_vec();
    }
    let tol2 = tolerance * tolerance;
    let mut keep = vec![false; pts.len()];
    keep[0] = true;
    keep[pts.len() - 1] = true;
    let mut stack = vec![(0usize, pts.len() - 1)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (ax, ay) = (f64::from(pts[a][0]), f64::from(pts[a][1]));
        let (dx, dy) = (f64::from(pts[b][0]) - ax, f64::from(pts[b][1]) - ay);
        let len2 = dx * dx + dy * dy;
        let mut worst = (0.0, a);
        for (i, p) in pts.iter().enumerate().take(b).skip(a + 1) {
            let (px, py) = (f64::from(p[0]) - ax, f64::from(p[1]) - ay);
            let d2 = if len2 == 0.0 {
                px * px + py * py
            } else {
                let cross = px * dy - py * dx;
                cross * cross / len2
            };
            if d2 > worst.0 {
                worst = (d2, i);
            }
        }
        if worst.0 > tol2 {
            keep[worst.1] = true;
            stack.push((a, worst.1));
            stack.push((worst.1, b));
        }
    }
    pts.iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

fn orient(a: [i32; 2], b: [i32; 2], c: [i32; 2]) -> i64 {
    (i64::from(b[0]) - i64::from(a[0])) * (i64::from(c[1]) - i64::from(a[1]))
        - (i64::from(b[1]) - i64::from(a[1])) * (i64::from(c[0]) - i64::from(a[0]))
}

/// Whether `p`, collinear with segment `a`–`b`, lies within its bounding box.
fn on_segment(a: [i32; 2], b: [i32; 2], p: [i32; 2]) -> bool {
    p[0] >= a[0].min(b[0])
        && p[0] <= a[0].max(b[0])
        && p[1] >= a[1].min(b[1])
        && p[1] <= a[1].max(b[1])
}

/// Whether closed segments `a`–`b` and `c`–`d` share any point.
fn segments_meet(a: [i32; 2], b: [i32; 2], c: [i32; 2], d: [i32; 2]) -> bool {
    let (o1, o2, o3, o4) = (
        orient(a, b, c),
        orient(a, b, d),
        orient(c, d, a),
        orient(c, d, b),
    );
    if o1.signum() * o2.signum() < 0 && o3.signum() * o4.signum() < 0 {
        return true;
    }
    (o1 == 0 && on_segment(a, b, c))
        || (o2 == 0 && on_segment(a, b, d))
        || (o3 == 0 && on_segment(c, d, a))
        || (o4 == 0 && on_segment(c, d, b))
}

/// Whether a ring (not closed) is simple: no two edges meet except neighbours at their
/// shared corner, and no edge doubles back over its neighbour. A sweep over the edges
/// sorted by their west end keeps it near O(n log n).
fn is_simple(ring: &[[i32; 2]]) -> bool {
    let n = ring.len();
    if n < 3 {
        return false;
    }
    if ring_area2(ring) == 0 {
        return false;
    }
    let edge = |i: usize| (ring[i], ring[(i + 1) % n]);
    // Neighbours may only share their corner: doubling back is a spike.
    for i in 0..n {
        let (a, b) = edge(i);
        let c = ring[(i + 2) % n];
        if orient(a, b, c) == 0 && on_segment(a, b, c) {
            return false;
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by_key(|&i| {
        let (a, b) = edge(i);
        a[0].min(b[0])
    });
    let mut active: Vec<usize> = Vec::new();
    for &i in &order {
        let (a, b) = edge(i);
        let (west, east) = (a[0].min(b[0]), a[0].max(b[0]));
        let (south, north) = (a[1].min(b[1]), a[1].max(b[1]));
        active.retain(|&j| {
            let (c, d) = edge(j);
            c[0].max(d[0]) >= west
        });
        for &j in &active {
            let adjacent = (i + 1) % n == j || (j + 1) % n == i;
            if adjacent {
                continue;
            }
            let (c, d) = edge(j);
            if c[1].max(d[1]) < south || c[1].min(d[1]) > north || c[0].min(d[0]) > east {
                continue;
            }
            if segments_meet(a, b, c, d) {
                return false;
            }
        }
        active.push(i);
    }
    true
}

/// The convex hull of a ring's points as a ring (not closed), if it has an area.
fn convex_hull(ring: &[[i32; 2]]) -> Option<Vec<[i32; 2]>> {
    let mut pts: Vec<[i32; 2]> = ring.to_vec();
    pts.sort_unstable();
    pts.dedup();
    if pts.len() < 3 {
        return None;
    }
    let cross = |o: [i32; 2], a: [i32; 2], b: [i32; 2]| {
        i64::from(a[0] - o[0]) * i64::from(b[1] - o[1])
            - i64::from(a[1] - o[1]) * i64::from(b[0] - o[0])
    };
    // Andrew's monotone chain.
    let mut hull: Vec<[i32; 2]> = Vec::with_capacity(pts.len() * 2);
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &[i32; 2]>> = if pass == 0 {
            Box::new(pts.iter())
        } else {
            Box::new(pts.iter().rev())
        };
        for &p in iter {
            while hull.len() >= start + 2
                && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0
            {
                hull.pop();
            }
            hull.push(p);
        }
        hull.pop();
    }
    (hull.len() >= 3).then_some(hull)
}

/// Quantises a ring, removing repeated points; `None` if fewer than three remain.
fn quantise_ring(ring: &[Coord<f64>], grid: &Grid) -> Option<Vec<[i32; 2]>> {
    let mut out: Vec<[i32; 2]> = Vec::with_capacity(ring.len());
    for c in ring {
        let p = grid.at(*c);
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    (out.len() >= 3).then_some(out)
}

fn quantise_line(line: &[Coord<f64>], grid: &Grid) -> Option<Vec<[i32; 2]>> {
    let mut out: Vec<[i32; 2]> = Vec::with_capacity(line.len());
    for c in line {
        let p = grid.at(*c);
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    (out.len() >= 2).then_some(out)
}

/// A ring quantised and simplified: the simplified ring if it stays simple, else the
/// quantised one if that is; `None` if neither is (the caller decides what to do).
fn simple_ring(points: &[Coord<f64>], tolerance: f64, grid: &Grid) -> Option<Vec<[i32; 2]>> {
    let mut ring = quantise_ring(points, grid)?;
    // Close it for the simplification so both ends stay anchored, then reopen.
    ring.push(ring[0]);
    let mut simplified = simplify_units(&ring, tolerance);
    simplified.pop();
    ring.pop();
    if simplified.len() >= 3 && is_simple(&simplified) {
        Some(simplified)
    } else if ring.len() >= 3 && is_simple(&ring) {
        Some(ring)
    } else {
        None
    }
}

/// Exterior first, holes after, each wound as MVT wants; rings under `min_area2` left
/// out. `ring` turns one source ring into tile units (`None`: leave it out).
fn wind_rings(
    p: &Polygon<f64>,
    min_area2: i64,
    mut ring: impl FnMut(&LineString<f64>) -> Option<Vec<[i32; 2]>>,
) -> Option<Vec<Vec<[i32; 2]>>> {
    let mut exterior = ring(p.exterior())?;
    let area = ring_area2(&exterior);
    if area.abs() < min_area2 {
        return None;
    }
    if area < 0 {
        exterior.reverse();
    }
    let mut rings = vec![exterior];
    for hole in p.interiors() {
        if let Some(mut h) = ring(hole) {
            let a = ring_area2(&h);
            if a.abs() < min_area2 {
                continue;
            }
            if a > 0 {
                h.reverse();
            }
            rings.push(h);
        }
    }
    Some(rings)
}

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
    #[allow(clippy::cast_precision_loss)]
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
    use geo::polygon;

    #[test]
    fn mercator_round_trips_and_matches_known_values() {
        let kigali = Coord {
            x: 30.0619,
            y: -1.9441,
        };
        let m = to_mercator(kigali);
        let back = to_lonlat(m);
        assert!((back.x - kigali.x).abs() < 1e-9 && (back.y - kigali.y).abs() < 1e-9);
        let edge = to_mercator(Coord { x: 180.0, y: 0.0 });
        assert!((edge.x - HALF_WORLD_M).abs() < 1e-6);
    }

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
            #[allow(clippy::cast_precision_loss)]
            let a = ring_area2(&p[0]).abs() as f64;
            assert!((a - arm).abs() / arm < 0.01, "arm area {a} vs {arm}");
        }
    }

    #[test]
    fn tile_ids_are_checked() {
        assert!(TileId::new(0, 0, 0).is_ok());
        assert_eq!(
            TileId::new(2, 4, 0).unwrap_err(),
            "tile 2/4/0 does not exist: at zoom 2, x and y run from 0 to 3"
        );
        assert_eq!(
            TileId::new(23, 0, 0).unwrap_err(),
            "zoom 23 is out of range: use 0 to 22"
        );
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

    #[test]
    fn crossing_rings_are_detected_and_hulls_are_convex() {
        assert!(is_simple(&[[0, 0], [10, 0], [10, 10], [0, 10]]));
        assert!(
            !is_simple(&[[0, 0], [10, 10], [10, 0], [0, 10]]),
            "a bowtie"
        );
        assert!(
            !is_simple(&[[0, 0], [10, 0], [20, 0], [10, 0], [10, 10]]),
            "a spike"
        );
        assert!(
            !is_simple(&[[0, 0], [10, 0], [10, 10], [5, 0], [0, 10]]),
            "a touch"
        );
        assert!(!is_simple(&[[0, 0], [10, 0], [20, 0]]), "no area");
        let hull = convex_hull(&[[0, 0], [10, 10], [10, 0], [0, 10], [5, 5]]).unwrap();
        assert_eq!(hull.len(), 4);
        assert!(is_simple(&hull));
    }

    #[test]
    fn simplification_keeps_what_is_farther_than_the_tolerance() {
        let line = [[0, 0], [5, 1], [10, 0], [15, 20], [20, 0]];
        assert_eq!(
            simplify_units(&line, 2.0),
            vec![[0, 0], [10, 0], [15, 20], [20, 0]]
        );
        assert_eq!(simplify_units(&line, 50.0), vec![[0, 0], [20, 0]]);
    }

    #[test]
    fn a_line_leaving_and_reentering_is_split() {
        let t = TileId::new(0, 0, 0).unwrap();
        let b = [-1.0, -1.0, 1.0, 1.0];
        let parts = clip_line(
            &[
                Coord { x: -2.0, y: 0.0 },
                Coord { x: 0.0, y: 0.0 },
                Coord { x: 0.0, y: 5.0 },
                Coord { x: 0.5, y: 0.5 },
            ],
            b,
        );
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert_eq!(
            parts[0],
            vec![
                Coord { x: -1.0, y: 0.0 },
                Coord { x: 0.0, y: 0.0 },
                Coord { x: 0.0, y: 1.0 }
            ]
        );
        let _ = t;
    }
}

//! A layer's polygons cut along a fixed 1 km grid (in Web Mercator metres), so that
//! exposure needs no general polygon overlay:
//!
//! - **Point location** looks only at the few small pieces of one cell (crossing
//!   number, boundary counted inside).
//! - **Intersection areas** come from the trapezoid form of Green's theorem: a polygon's
//!   indicator is the signed sum of the trapezoids between each edge and the cell floor,
//!   so `area(A ∩ B)` is the signed sum, over pairs of edges overlapping in x, of the
//!   area under the lower of the two edges. It is exact, needs no intersection points,
//!   and is unaffected by shared or collinear edges (the sum is continuous in the
//!   coordinates). Pairs are found with a sweep over x, so the cost grows with the edges
//!   in one cell, not with the size of the polygons.
//!
//! Every layer uses the same grid, so the pieces of two layers meet cell by cell. Pieces
//! keep coordinates relative to their cell's south-west corner, for precision.
//!
//! Hazard layers may have zones that overlap; `resolve` cuts each piece down to what no
//! more severe (or, in the same class, earlier) piece already covers, so that after it
//! every place is in at most one piece. Only cells where pieces really overlap are
//! touched, with a boolean overlay of the small pieces of that cell.

use std::collections::HashMap;

use geo::{BooleanOps, Coord, Geometry, LineString, MultiPolygon, Polygon};
use rayon::prelude::*;

use super::snapshot::SnapFeature;
use super::tile::clip_ring;

/// Side of a grid cell in Web Mercator metres.
pub const CELL_M: f64 = 1000.0;

/// Overlaps smaller than this (m²) are rounding, not overlap.
const NEGLIGIBLE_M2: f64 = 1e-3;

/// An edge that is not vertical, as the trapezoid under it: x0 < x1, with its heights at
/// both ends and +1 for edges running west (the top of a counter-clockwise ring), -1 for
/// edges running east.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    sign: f64,
}

impl Span {
    fn at(&self, x: f64) -> f64 {
        self.y0 + (x - self.x0) * (self.y1 - self.y0) / (self.x1 - self.x0)
    }
}

/// The signed area of the part of `f`'s trapezoid that lies under `e`'s edge too.
fn pair_area(e: &Span, f: &Span) -> f64 {
    let (l, r) = (e.x0.max(f.x0), e.x1.min(f.x1));
    if r <= l {
        return 0.0;
    }
    let (el, er, fl, fr) = (e.at(l), e.at(r), f.at(l), f.at(r));
    let (dl, dr) = (el - fl, er - fr);
    let under = if dl <= 0.0 && dr <= 0.0 {
        (r - l) * (el + er) / 2.0
    } else if dl >= 0.0 && dr >= 0.0 {
        (r - l) * (fl + fr) / 2.0
    } else {
        // The edges cross at m: the lower one changes there.
        let m = l + (r - l) * dl / (dl - dr);
        let ym = e.at(m);
        if dl < 0.0 {
            (m - l) * (el + ym) / 2.0 + (r - m) * (ym + fr) / 2.0
        } else {
            (m - l) * (fl + ym) / 2.0 + (r - m) * (ym + er) / 2.0
        }
    };
    e.sign * f.sign * under
}

/// Area of the intersection of two shapes given as spans sorted by `x0`, in the same
/// cell's coordinates.
#[must_use]
pub fn overlap(a: &[Span], b: &[Span]) -> f64 {
    let (mut i, mut j) = (0, 0);
    let (mut live_a, mut live_b): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    let mut total = 0.0;
    while i < a.len() || j < b.len() {
        if j >= b.len() || (i < a.len() && a[i].x0 <= b[j].x0) {
            let s = &a[i];
            live_b.retain(|&k| b[k].x1 > s.x0);
            total += live_b.iter().map(|&k| pair_area(s, &b[k])).sum::<f64>();
            live_a.push(i);
            i += 1;
        } else {
            let s = &b[j];
            live_a.retain(|&k| a[k].x1 > s.x0);
            total += live_a.iter().map(|&k| pair_area(&a[k], s)).sum::<f64>();
            live_b.push(j);
            j += 1;
        }
    }
    total
}

/// Twice the signed area of a ring (positive when counter-clockwise), taken about its
/// first vertex for precision.
fn ring_area2(ring: &[Coord<f64>]) -> f64 {
    let Some(o) = ring.first() else { return 0.0 };
    let mut sum = 0.0;
    for w in ring.windows(2) {
        let (a, b) = (w[0] - *o, w[1] - *o);
        sum += a.x * b.y - b.x * a.y;
    }
    if let (Some(first), Some(last)) = (ring.first(), ring.last()) {
        let (a, b) = (*last - *o, *first - *o);
        sum += a.x * b.y - b.x * a.y;
    }
    sum
}

/// The rings of one piece, closed implicitly, exterior counter-clockwise and holes
/// clockwise, in cell coordinates.
type Rings = Vec<Vec<Coord<f64>>>;

/// Spans of rings, sorted by `x0`.
#[must_use]
pub fn spans_of(rings: &[Vec<Coord<f64>>]) -> Vec<Span> {
    let mut out = Vec::new();
    for ring in rings {
        for (k, a) in ring.iter().enumerate() {
            let b = ring[(k + 1) % ring.len()];
            if a.x == b.x {
                continue;
            }
            let (sign, (p, q)) = if a.x > b.x {
                (1.0, (b, *a))
            } else {
                (-1.0, (*a, b))
            };
            out.push(Span {
                x0: p.x,
                x1: q.x,
                y0: p.y,
                y1: q.y,
                sign,
            });
        }
    }
    out.sort_by(|p, q| p.x0.total_cmp(&q.x0));
    out
}

/// One polygon's part inside one cell.
#[derive(Debug)]
pub struct Piece {
    /// Index of the feature it comes from.
    pub label: u32,
    /// Rank given at build (the hazard class code for hazard layers; lower wins).
    pub rank: u8,
    /// Area in m².
    pub area: f64,
    /// Extent in cell coordinates: west, south, east, north.
    pub bbox: [f64; 4],
    /// Rings in cell coordinates.
    pub rings: Rings,
    /// The rings' non-vertical edges, sorted by x.
    pub spans: Vec<Span>,
    /// The vertical edges as (x, lower y, upper y), sorted by x: only for telling points
    /// on the boundary.
    verticals: Vec<[f64; 3]>,
}

impl Piece {
    fn new(label: u32, rank: u8, rings: Rings) -> Option<Self> {
        let area = rings.iter().map(|r| ring_area2(r)).sum::<f64>() / 2.0;
        if area <= NEGLIGIBLE_M2 {
            return None;
        }
        let mut bbox = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for c in rings.iter().flatten() {
            bbox = [
                bbox[0].min(c.x),
                bbox[1].min(c.y),
                bbox[2].max(c.x),
                bbox[3].max(c.y),
            ];
        }
        let spans = spans_of(&rings);
        let mut verticals: Vec<[f64; 3]> = rings
            .iter()
            .flat_map(|ring| {
                ring.iter().enumerate().filter_map(|(k, a)| {
                    let b = ring[(k + 1) % ring.len()];
                    (a.x == b.x && !on_cell_border(*a, b))
                        .then(|| [a.x, a.y.min(b.y), a.y.max(b.y)])
                })
            })
            .collect();
        verticals.sort_by(|p, q| p[0].total_cmp(&q[0]));
        Some(Self {
            label,
            rank,
            area,
            bbox,
            rings,
            spans,
            verticals,
        })
    }

    /// Whether the bounding boxes of two pieces of one cell meet.
    #[must_use]
    pub fn meets(&self, o: &Piece) -> bool {
        self.bbox[0] <= o.bbox[2]
            && o.bbox[0] <= self.bbox[2]
            && self.bbox[1] <= o.bbox[3]
            && o.bbox[1] <= self.bbox[3]
    }

    /// Whether the piece covers `p` (cell coordinates); its boundary counts as inside
    /// (edges the cut made along the cell's sides are not boundary: there the crossing
    /// number decides). Counts the edges above `p` on a vertical ray, looking only at
    /// the spans that start at or left of it.
    #[must_use]
    pub fn contains(&self, p: Coord<f64>) -> bool {
        if p.x < self.bbox[0] || p.x > self.bbox[2] || p.y < self.bbox[1] || p.y > self.bbox[3] {
            return false;
        }
        let first = self.verticals.partition_point(|v| v[0] < p.x);
        if self.verticals[first..]
            .iter()
            .take_while(|v| v[0] == p.x)
            .any(|v| v[1] <= p.y && p.y <= v[2])
        {
            return true;
        }
        let mut inside = false;
        for s in self.spans.iter().take_while(|s| s.x0 <= p.x) {
            if p.x < s.x1 || (p.x == s.x1 && s.y1 == p.y) {
                let y = s.at(p.x);
                if y == p.y && !(s.y0 == s.y1 && (y == 0.0 || y == CELL_M)) {
                    return true;
                }
                if y > p.y && p.x < s.x1 {
                    inside = !inside;
                }
            }
        }
        inside
    }

    /// The piece as a multipolygon, for a boolean overlay.
    #[must_use]
    pub fn to_multipolygon(&self) -> MultiPolygon<f64> {
        rings_to_multipolygon(&self.rings)
    }
}

/// Whether an edge runs along a side of its cell (made by the cut, or on a grid line).
fn on_cell_border(a: Coord<f64>, b: Coord<f64>) -> bool {
    let side = |u: f64, v: f64| u == v && (u == 0.0 || u == CELL_M);
    side(a.x, b.x) || side(a.y, b.y)
}

fn rings_to_multipolygon(rings: &[Vec<Coord<f64>>]) -> MultiPolygon<f64> {
    // Outer rings are counter-clockwise; each hole goes with the outer ring before it.
    let mut out: Vec<Polygon<f64>> = Vec::new();
    for ring in rings {
        let ls = LineString::from(ring.clone());
        if ring_area2(ring) >= 0.0 || out.is_empty() {
            out.push(Polygon::new(ls, vec![]));
        } else if let Some(last) = out.last_mut() {
            last.interiors_push(ls);
        }
    }
    MultiPolygon(out)
}

/// Rings of a multipolygon in a cell's coordinates, counter-clockwise outside.
#[must_use]
pub fn multipolygon_rings(m: &MultiPolygon<f64>) -> Rings {
    let mut out = Vec::new();
    for p in &m.0 {
        for (k, ring) in std::iter::once(p.exterior())
            .chain(p.interiors())
            .enumerate()
        {
            let mut pts: Vec<Coord<f64>> = ring.0.clone();
            if pts.len() > 1 && pts.first() == pts.last() {
                pts.pop();
            }
            if pts.len() < 3 {
                continue;
            }
            let ccw = ring_area2(&pts) > 0.0;
            if ccw != (k == 0) {
                pts.reverse();
            }
            out.push(pts);
        }
    }
    out
}

/// One point of a point layer with what it carries, and its grid cell.
#[derive(Debug, Clone, Copy)]
pub struct CellPoint {
    /// The cell it lies in.
    pub cell: CellId,
    /// Where, in Web Mercator metres.
    pub at: Coord<f64>,
    /// Its share of its feature (1, or 1/n for each of n points of a multipoint).
    pub count: f64,
    /// That share of the feature's population.
    pub population: f64,
    /// That share of the feature's households.
    pub households: f64,
}

/// The points of the features at `indices`, sorted by cell: looking millions of points
/// up cell by cell keeps each cell's pieces in the processor cache, where looking them
/// up in any order spends most of its time waiting for memory.
#[must_use]
pub fn points_by_cell(features: &[SnapFeature], indices: &[usize]) -> Vec<CellPoint> {
    let mut out: Vec<CellPoint> = indices
        .par_iter()
        .flat_map_iter(|&i| {
            let f = &features[i];
            let pts: &[geo::Point<f64>] = match &f.geometry {
                Geometry::Point(p) => std::slice::from_ref(p),
                Geometry::MultiPoint(mp) => &mp.0,
                _ => &[],
            };
            let share = 1.0 / pts.len().max(1) as f64;
            pts.iter().map(move |p| CellPoint {
                cell: locate_cell(p.0).0,
                at: p.0,
                count: share,
                population: share * f.population.unwrap_or(0.0),
                households: share * f.households.unwrap_or(0.0),
            })
        })
        .collect();
    out.par_sort_unstable_by_key(|p| p.cell);
    out
}

/// A cell of the global grid: column and row.
pub type CellId = (i32, i32);

#[allow(clippy::cast_possible_truncation)]
fn cell_of(v: f64) -> i32 {
    (v / CELL_M).floor() as i32
}

/// The cell containing `p` and `p` in that cell's coordinates.
#[must_use]
pub fn locate_cell(p: Coord<f64>) -> (CellId, Coord<f64>) {
    let id = (cell_of(p.x), cell_of(p.y));
    (id, p - origin(id))
}

fn origin(id: CellId) -> Coord<f64> {
    Coord {
        x: f64::from(id.0) * CELL_M,
        y: f64::from(id.1) * CELL_M,
    }
}

/// Cuts one polygon into the cells it covers: rows first, then cells of each row.
fn cut(poly: &Polygon<f64>) -> Vec<(CellId, Rings)> {
    let rings = multipolygon_rings(&MultiPolygon(vec![poly.clone()]));
    let Some((mut lo, mut hi)) = rings.first().and_then(|r| r.first()).map(|c| (*c, *c)) else {
        return Vec::new();
    };
    for c in rings.iter().flatten() {
        lo = Coord {
            x: lo.x.min(c.x),
            y: lo.y.min(c.y),
        };
        hi = Coord {
            x: hi.x.max(c.x),
            y: hi.y.max(c.y),
        };
    }
    let mut out = Vec::new();
    for row in cell_of(lo.y)..=cell_of(hi.y) {
        let (s, n) = (f64::from(row) * CELL_M, f64::from(row + 1) * CELL_M);
        let strip: Rings = rings
            .iter()
            .map(|r| clip_ring(r, [f64::NEG_INFINITY, s, f64::INFINITY, n]))
            .filter(|r| r.len() >= 3)
            .collect();
        if strip.is_empty() {
            continue;
        }
        let (w, e) = strip
            .iter()
            .flatten()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(w, e), c| {
                (w.min(c.x), e.max(c.x))
            });
        for col in cell_of(w)..=cell_of(e) {
            let id = (col, row);
            let o = origin(id);
            let b = [o.x, o.y, o.x + CELL_M, o.y + CELL_M];
            let local: Rings = strip
                .iter()
                .map(|r| clip_ring(r, b))
                .filter(|r| r.len() >= 3)
                .map(|r| r.into_iter().map(|c| c - o).collect())
                .collect();
            if !local.is_empty() {
                out.push((id, local));
            }
        }
    }
    out
}

/// Polygons of a geometry (none for points and lines).
#[must_use]
pub fn polygons(g: &Geometry<f64>) -> &[Polygon<f64>] {
    match g {
        Geometry::Polygon(p) => std::slice::from_ref(p),
        Geometry::MultiPolygon(m) => &m.0,
        _ => &[],
    }
}

/// Hashes cell ids with one multiply per number (SipHash, the default, costs more than
/// the lookup it serves; the keys are not attacker-chosen).
#[derive(Debug, Default, Clone, Copy)]
pub struct CellHasher(u64);

impl std::hash::Hasher for CellHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(26) ^ v).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_i32(&mut self, v: i32) {
        self.write_u64(u64::from(v.cast_unsigned()));
    }
}

type Cells = HashMap<CellId, Vec<Piece>, std::hash::BuildHasherDefault<CellHasher>>;

/// A layer's polygons cut into cells.
#[derive(Debug, Default)]
pub struct CellGrid {
    cells: Cells,
}

impl CellGrid {
    /// Cuts `shapes` (label, rank, geometry) into cells; with `resolve`, overlapping
    /// pieces are cut back so each place is in one piece, the lowest rank (then the
    /// lowest label) keeping it.
    #[must_use]
    pub fn build(shapes: Vec<(u32, u8, &Geometry<f64>)>, resolve: bool) -> Self {
        let cut_pieces: Vec<(CellId, Piece)> = shapes
            .into_par_iter()
            .flat_map_iter(|(label, rank, g)| {
                polygons(g)
                    .iter()
                    .flat_map(cut)
                    .filter_map(move |(id, rings)| Some((id, Piece::new(label, rank, rings)?)))
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut cells = Cells::default();
        for (id, p) in cut_pieces {
            cells.entry(id).or_default().push(p);
        }
        if resolve {
            cells
                .par_iter_mut()
                .for_each(|(_, pieces)| resolve_cell(pieces));
        }
        Self { cells }
    }

    /// The pieces of one cell.
    #[must_use]
    pub fn pieces(&self, id: CellId) -> &[Piece] {
        self.cells.get(&id).map_or(&[], Vec::as_slice)
    }

    /// Every cell with its pieces.
    pub fn iter(&self) -> impl Iterator<Item = (&CellId, &Vec<Piece>)> {
        self.cells.iter()
    }

    /// The pieces covering `p` (Web Mercator metres).
    pub fn at(&self, p: Coord<f64>) -> impl Iterator<Item = &Piece> {
        let (id, local) = locate_cell(p);
        self.pieces(id)
            .iter()
            .filter(move |piece| piece.contains(local))
    }
}

/// Cuts the pieces of one cell so that none overlaps another: the lower rank keeps a
/// shared place, then the lower label.
fn resolve_cell(pieces: &mut Vec<Piece>) {
    pieces.sort_by_key(|p| (p.rank, p.label));
    let overlaps = |i: usize, j: usize, pieces: &[Piece]| {
        pieces[i].label != pieces[j].label
            && pieces[i].meets(&pieces[j])
            && overlap(&pieces[i].spans, &pieces[j].spans) > NEGLIGIBLE_M2
    };
    let mut resolved: Vec<Piece> = Vec::with_capacity(pieces.len());
    for j in 0..pieces.len() {
        let covering: Vec<usize> = (0..j).filter(|&i| overlaps(i, j, pieces)).collect();
        if covering.is_empty() {
            continue;
        }
        let mut rest = pieces[j].to_multipolygon();
        for i in covering {
            rest = rest.difference(&pieces[i].to_multipolygon());
        }
        if let Some(p) = Piece::new(pieces[j].label, pieces[j].rank, multipolygon_rings(&rest)) {
            resolved.push(p);
        }
        // Marks the original as replaced.
        pieces[j].area = -1.0;
    }
    pieces.retain(|p| p.area >= 0.0);
    pieces.append(&mut resolved);
    // Most severe first, so the first piece found at a point is the one that counts.
    pieces.sort_by_key(|p| (p.rank, p.label));
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Rect, polygon};

    fn rings(p: &Polygon<f64>) -> Rings {
        multipolygon_rings(&MultiPolygon(vec![p.clone()]))
    }

    fn area_by_spans(a: &Polygon<f64>, b: &Polygon<f64>) -> f64 {
        overlap(&spans_of(&rings(a)), &spans_of(&rings(b)))
    }

    #[test]
    fn overlap_of_squares_and_triangles_is_exact() {
        let a = Rect::new((0.0, 0.0), (10.0, 10.0)).to_polygon();
        let b = Rect::new((5.0, 5.0), (20.0, 20.0)).to_polygon();
        assert!((area_by_spans(&a, &b) - 25.0).abs() < 1e-9);
        // A right triangle over the square's lower half: half of 100.
        let t = polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0)];
        assert!((area_by_spans(&a, &t) - 50.0).abs() < 1e-9);
        // Touching along an edge: nothing shared.
        let c = Rect::new((10.0, 0.0), (20.0, 10.0)).to_polygon();
        assert!(area_by_spans(&a, &c).abs() < 1e-9);
        // Identical: the whole area.
        assert!((area_by_spans(&a, &a) - 100.0).abs() < 1e-9);
    }

    #[test]
    fn overlap_agrees_with_a_boolean_overlay_on_awkward_shapes() {
        // A comb (non-convex) and a polygon with a hole, with edges crossing at angles.
        let comb = polygon![
            (x: 0.0, y: 0.0), (x: 30.0, y: 0.0), (x: 30.0, y: 20.0), (x: 25.0, y: 20.0),
            (x: 25.0, y: 5.0), (x: 20.0, y: 5.0), (x: 20.0, y: 20.0), (x: 10.0, y: 20.0),
            (x: 10.0, y: 5.0), (x: 5.0, y: 5.0), (x: 5.0, y: 20.0), (x: 0.0, y: 20.0),
        ];
        let holed = Polygon::new(
            LineString::from(vec![(3.0, -2.0), (28.0, 4.0), (22.0, 25.0), (-1.0, 17.0)]),
            vec![LineString::from(vec![
                (8.0, 6.0),
                (18.0, 7.0),
                (16.0, 15.0),
                (9.0, 13.0),
            ])],
        );
        let expected = comb.intersection(&holed).unsigned_area();
        assert!((area_by_spans(&comb, &holed) - expected).abs() < 1e-6);
        assert!((area_by_spans(&holed, &comb) - expected).abs() < 1e-6);
    }

    #[test]
    fn cutting_into_cells_keeps_the_area() {
        // 2.5 km x 1.2 km, off the grid lines, with a hole across a cell line.
        let p = Polygon::new(
            Rect::new((300.0, -400.0), (2800.0, 800.0))
                .to_polygon()
                .exterior()
                .clone(),
            vec![
                Rect::new((900.0, -100.0), (1100.0, 100.0))
                    .to_polygon()
                    .exterior()
                    .clone(),
            ],
        );
        let g = Geometry::Polygon(p.clone());
        let grid = CellGrid::build(vec![(0, 0, &g)], false);
        let total: f64 = grid
            .iter()
            .flat_map(|(_, pieces)| pieces.iter().map(|p| p.area))
            .sum();
        assert!((total - p.unsigned_area()).abs() < 1e-6);
        assert_eq!(
            grid.at(Coord { x: 1000.0, y: 0.0 }).count(),
            0,
            "in the hole"
        );
        assert_eq!(grid.at(Coord { x: 500.0, y: 500.0 }).count(), 1);
        assert_eq!(
            grid.at(Coord { x: 300.0, y: 0.0 }).count(),
            1,
            "on the edge"
        );
        assert_eq!(grid.at(Coord { x: 2900.0, y: 0.0 }).count(), 0);
    }

    #[test]
    fn resolving_leaves_each_place_in_the_lowest_rank() {
        let high = Geometry::Polygon(Rect::new((0.0, 0.0), (500.0, 500.0)).to_polygon());
        let low = Geometry::Polygon(Rect::new((0.0, 0.0), (1500.0, 500.0)).to_polygon());
        let grid = CellGrid::build(vec![(1, 3, &low), (0, 1, &high)], true);
        let area = |rank: u8| -> f64 {
            grid.iter()
                .flat_map(|(_, ps)| ps.iter())
                .filter(|p| p.rank == rank)
                .map(|p| p.area)
                .sum()
        };
        assert!((area(1) - 250_000.0).abs() < 1e-6);
        assert!((area(3) - 500_000.0).abs() < 1e-6);
        let at: Vec<u8> = grid
            .at(Coord { x: 100.0, y: 100.0 })
            .map(|p| p.rank)
            .collect();
        assert_eq!(at, vec![1]);
    }
}

//! The grid: cells, cutting polygons into them, and a layer's pieces by cell.

use std::collections::HashMap;

use geo::{BooleanOps, Coord, Geometry, MultiPolygon, Polygon};
use rayon::prelude::*;

use super::area::overlap;
use super::piece::{Piece, multipolygon_rings};
use super::{CELL_M, NEGLIGIBLE_M2, Rings};
use crate::engine::geometry::clip_ring;

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

/// A cell of the global grid: column and row.
pub type CellId = (i32, i32);

#[expect(clippy::cast_possible_truncation)]
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

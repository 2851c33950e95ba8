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

mod area;
mod grid;
mod piece;

pub use area::{Span, overlap, spans_of};
pub use grid::{CellGrid, CellHasher, CellId, CellPoint, locate_cell, polygons};
pub use piece::{Piece, multipolygon_rings};

/// Side of a grid cell in Web Mercator metres.
pub const CELL_M: f64 = 1000.0;

/// Overlaps smaller than this (m²) are rounding, not overlap.
const NEGLIGIBLE_M2: f64 = 1e-3;

/// The rings of one piece, closed implicitly, exterior counter-clockwise and holes
/// clockwise, in cell coordinates.
pub type Rings = Vec<Vec<geo::Coord<f64>>>;

#[cfg(test)]
mod tests;

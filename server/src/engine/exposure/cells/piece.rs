//! One polygon's part inside one cell: its rings, spans and bounding box.

use geo::{Coord, LineString, MultiPolygon, Polygon};

use super::area::{Span, ring_area2, spans_of};
use super::{CELL_M, NEGLIGIBLE_M2, Rings};

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
    pub(super) fn new(label: u32, rank: u8, rings: Rings) -> Option<Self> {
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

//! Rings in tile units: snapping to the grid, validity (simple rings, no spikes), the
//! convex-hull fallback, and winding as MVT 2.1 requires (exteriors clockwise on screen,
//! holes counter-clockwise).

use geo::{Coord, LineString, Polygon};

use super::id::Grid;
use super::mvt::ring_area2;
use super::simplify::simplify_units;

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
pub(super) fn is_simple(ring: &[[i32; 2]]) -> bool {
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
pub(super) fn convex_hull(ring: &[[i32; 2]]) -> Option<Vec<[i32; 2]>> {
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
pub(super) fn quantise_ring(ring: &[Coord<f64>], grid: &Grid) -> Option<Vec<[i32; 2]>> {
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

pub(super) fn quantise_line(line: &[Coord<f64>], grid: &Grid) -> Option<Vec<[i32; 2]>> {
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
pub(super) fn simple_ring(
    points: &[Coord<f64>],
    tolerance: f64,
    grid: &Grid,
) -> Option<Vec<[i32; 2]>> {
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
pub(super) fn wind_rings(
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

#[cfg(test)]
mod tests {
    use super::*;

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
}

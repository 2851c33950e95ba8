//! Simplification in tile units.

/// Ramer–Douglas–Peucker on tile coordinates, keeping the first and last point: the
/// points of `pts` farther than `tolerance` units from the simplified line. Runs after
/// quantisation, so at low zooms it sees a handful of points, not every vertex.
pub(super) fn simplify_units(pts: &[[i32; 2]], tolerance: f64) -> Vec<[i32; 2]> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplification_keeps_what_is_farther_than_the_tolerance() {
        let line = [[0, 0], [5, 1], [10, 0], [15, 20], [20, 0]];
        assert_eq!(
            simplify_units(&line, 2.0),
            vec![[0, 0], [10, 0], [15, 20], [20, 0]]
        );
        assert_eq!(simplify_units(&line, 50.0), vec![[0, 0], [20, 0]]);
    }
}

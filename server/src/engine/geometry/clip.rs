//! Clipping to an axis-aligned rectangle (west, south, east, north): rings for tiles and
//! the exposure grid's cells, lines for tiles.

use geo::Coord;

/// Sutherland–Hodgman clip of a closed ring to a rectangle (w, s, e, n).
pub fn clip_ring(ring: &[Coord<f64>], b: [f64; 4]) -> Vec<Coord<f64>> {
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
pub fn clip_line(line: &[Coord<f64>], b: [f64; 4]) -> Vec<Vec<Coord<f64>>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_leaving_and_reentering_is_split() {
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
    }
}

//! Exact intersection areas from edge sums (the trapezoid form of Green's theorem).

use geo::Coord;

/// An edge that is not vertical, as the trapezoid under it: x0 < x1, with its heights at
/// both ends and +1 for edges running west (the top of a counter-clockwise ring), -1 for
/// edges running east.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub(super) x0: f64,
    pub(super) x1: f64,
    pub(super) y0: f64,
    pub(super) y1: f64,
    pub(super) sign: f64,
}

impl Span {
    pub(super) fn at(&self, x: f64) -> f64 {
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
pub(super) fn ring_area2(ring: &[Coord<f64>]) -> f64 {
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

//! The SVG map of a page of features: their rings, lines and points in longitude and
//! latitude (longitude scaled by the latitude's cosine so shapes keep their form), each
//! linked to its own page, with the extent and width below it.

use std::fmt::Write as _;

use serde_json::Value;

use super::escape;

/// Every position of a GeoJSON geometry's coordinates, each ring or line as one run.
fn runs(coords: &Value, out: &mut Vec<Vec<[f64; 2]>>) {
    let Some(items) = coords.as_array() else {
        return;
    };
    if items.first().is_some_and(Value::is_number) {
        if let (Some(x), Some(y)) = (items[0].as_f64(), items.get(1).and_then(Value::as_f64)) {
            out.push(vec![[x, y]]);
        }
        return;
    }
    if items
        .first()
        .and_then(|p| p.get(0))
        .is_some_and(Value::is_number)
    {
        out.push(
            items
                .iter()
                .filter_map(|p| Some([p.get(0)?.as_f64()?, p.get(1)?.as_f64()?]))
                .collect(),
        );
        return;
    }
    for item in items {
        runs(item, out);
    }
}

/// A feature's shape as drawn: its rings or lines (a point is a run of one), whether it
/// is a polygon, and the feature.
struct Shape<'a> {
    runs: Vec<Vec<[f64; 2]>>,
    polygon: bool,
    feature: &'a Value,
}

/// An SVG map of `features` (GeoJSON, longitude and latitude), each linked to its page
/// at `item(id)`.
pub(super) fn map(features: &[Value], item: &dyn Fn(&Value) -> String) -> String {
    let shapes: Vec<Shape> = features
        .iter()
        .map(|f| {
            let mut r = Vec::new();
            runs(&f["geometry"]["coordinates"], &mut r);
            Shape {
                runs: r,
                polygon: f["geometry"]["type"]
                    .as_str()
                    .is_some_and(|t| t.ends_with("Polygon")),
                feature: f,
            }
        })
        .collect();
    let all = shapes.iter().flat_map(|s| s.runs.iter().flatten());
    let (mut w, mut s, mut e, mut n) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in all {
        w = w.min(p[0]);
        e = e.max(p[0]);
        s = s.min(p[1]);
        n = n.max(p[1]);
    }
    if w > e {
        return String::new();
    }
    // Degrees of longitude shrink with latitude: scale x so shapes keep their form.
    let kx = f64::midpoint(s, n).to_radians().cos().max(0.01);
    let pad = ((e - w) * kx).max(n - s).max(1e-4) * 0.03;
    let (x0, y0) = (w * kx - pad, -n - pad);
    let (width, height) = ((e - w) * kx + 2.0 * pad, (n - s) + 2.0 * pad);
    let radius = width.max(height) / 250.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{x0:.6} {y0:.6} {width:.6} {height:.6}\" role=\"img\" aria-label=\"map of the features\">"
    );
    for Shape {
        runs: r,
        polygon,
        feature: f,
    } in &shapes
    {
        let name = f["properties"]["name"].as_str().map_or_else(
            || format!("feature {}", f["id"]),
            |nm| format!("{nm} (feature {})", f["id"]),
        );
        let _ = write!(
            svg,
            "<a href=\"{}\"><title>{}</title>",
            escape(&item(&f["id"])),
            escape(&name)
        );
        let single = r.iter().all(|run| run.len() == 1);
        if single {
            for p in r.iter().flatten() {
                let _ = write!(
                    svg,
                    "<circle cx=\"{:.6}\" cy=\"{:.6}\" r=\"{radius:.6}\"/>",
                    p[0] * kx,
                    -p[1]
                );
            }
        } else {
            let mut d = String::new();
            for run in r {
                for (i, p) in run.iter().enumerate() {
                    let _ = write!(
                        d,
                        "{}{:.6} {:.6}",
                        if i == 0 { "M" } else { "L" },
                        p[0] * kx,
                        -p[1]
                    );
                }
                if *polygon {
                    d.push('Z');
                }
            }
            let fill = if *polygon { "" } else { " style=\"fill:none\"" };
            let _ = write!(svg, "<path fill-rule=\"evenodd\" d=\"{d}\"{fill}/>");
        }
        svg.push_str("</a>");
    }
    svg.push_str("</svg>");
    // Where it is and how big: the map has no basemap to tell.
    let across_km = (e - w) * kx * 111.32;
    let _ = write!(
        svg,
        "<p class=\"alt\">Extent: {w:.5}, {s:.5} to {e:.5}, {n:.5} (longitude, latitude); about {across_km:.1} km across.</p>"
    );
    svg
}

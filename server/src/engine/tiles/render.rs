//! Rendering one tile of several layers: every feature of each layer that shows in the
//! tile, points merged per pixel, shapes largest first within a byte budget.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use super::id::{BUFFER, TileId};
use super::mvt;
use super::shape::{to_tile, too_small};
use crate::engine::selection::Selection;
use crate::engine::snapshot::{LayerSnapshot, SnapFeature};

/// Largest tile we send, in bytes (before compression). Past it, the smallest features
/// of the tile are left out, as tippecanoe's `--drop-smallest-as-needed` does: at low
/// zooms the village layer alone would otherwise make tiles of several megabytes.
pub const TILE_BYTE_BUDGET: usize = 450 * 1024;

/// Drawn size of a tile geometry, for ordering: area for polygons, length for lines.
fn drawn_size(g: &mvt::TileGeometry) -> i64 {
    match g {
        mvt::TileGeometry::Polygons(polys) => polys
            .iter()
            .filter_map(|p| p.first())
            .map(|r| mvt::ring_area2(r).abs())
            .sum(),
        mvt::TileGeometry::Lines(lines) => lines
            .iter()
            .flat_map(|l| l.windows(2))
            .map(|w| i64::from((w[1][0] - w[0][0]).abs() + (w[1][1] - w[0][1]).abs()))
            .sum(),
        mvt::TileGeometry::Points(_) => 0,
    }
}

/// Renders one MVT tile with a layer per snapshot given (layers with nothing in the tile
/// are left out). Points closer than a screen pixel are merged into one with a
/// `point_count`, so low zooms stay small without hiding how many there are. Lines and
/// polygons are added largest first until the tile reaches [`TILE_BYTE_BUDGET`]; in a
/// tile of several layers each may fill an equal share of what the layers before it
/// left, so that the last are not crowded out by the first.
#[must_use]
pub fn render(layers: &[Arc<LayerSnapshot>], t: TileId, sel: &Selection) -> Vec<u8> {
    let mut out = Vec::new();
    let bounds = t.buffered_m(BUFFER);
    for (i, snap) in layers.iter().enumerate() {
        let share = TILE_BYTE_BUDGET.saturating_sub(out.len()) / (layers.len() - i);
        let mut builder = mvt::LayerBuilder::new(snap.meta.id.as_str());
        let mut clusters: HashMap<[i32; 2], (usize, u64)> = HashMap::new();
        let mut points: Vec<(&SnapFeature, [i32; 2])> = Vec::new();
        let mut shapes: Vec<(i64, &SnapFeature, mvt::TileGeometry)> = Vec::new();
        for f in snap.in_bounds_m(bounds).filter(|f| sel.keeps(f)) {
            let polygonal = matches!(
                f.geometry,
                geo::Geometry::Polygon(_) | geo::Geometry::MultiPolygon(_)
            );
            if polygonal && too_small(f.bbox_m, t) {
                continue;
            }
            let Some(g) = to_tile(&f.geometry, t) else {
                continue;
            };
            if let mvt::TileGeometry::Points(pts) = &g
                && pts.len() == 1
            {
                // Cluster on a grid of 8 tile units (about a screen pixel).
                let cell = [pts[0][0].div_euclid(8), pts[0][1].div_euclid(8)];
                let entry = clusters.entry(cell).or_insert((points.len(), 0));
                if entry.1 == 0 {
                    points.push((f, pts[0]));
                }
                entry.1 += 1;
                continue;
            }
            shapes.push((drawn_size(&g), f, g));
        }
        // Largest first, ties in feature order, so the same tile always has the same bytes.
        shapes.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.fid.cmp(&b.1.fid)));
        for (_, f, g) in &shapes {
            if builder.encoded_len() > share {
                break;
            }
            builder.add(u64::try_from(f.fid).unwrap_or(0), g, sel.attributes(f));
        }
        let mut counts: Vec<(usize, u64)> = clusters.into_values().collect();
        counts.sort_unstable();
        for (i, n) in counts {
            let (f, p) = points[i];
            let count = Value::from(n);
            let extra = (n > 1).then_some(("point_count", &count));
            builder.add(
                u64::try_from(f.fid).unwrap_or(0),
                &mvt::TileGeometry::Points(vec![p]),
                sel.attributes(f).chain(extra),
            );
        }
        if !builder.is_empty() {
            builder.finish_into(&mut out);
        }
    }
    out
}

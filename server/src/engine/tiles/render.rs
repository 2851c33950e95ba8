//! Rendering one tile of several layers: every feature of each layer that shows in the
//! tile, points merged per pixel, shapes largest first within a byte budget; for the
//! basemap's named polygons (admin units, lakes), one label point each in a layer of
//! its own.

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

/// Name of the tile layer holding the label points of layer `id` (a colon, which no
/// layer id has, so it never meets a layer's own name).
#[must_use]
pub fn labels_layer(id: &str) -> String {
    format!("{id}:labels")
}

/// Fewest tile units a polygon spans (its longer side) to be named in a tile: a
/// sixteenth of the tile, about 16 pixels on screen, below which no client has room
/// for its name.
const LABEL_MIN_SPAN: f64 = 4096.0 / 16.0;

/// The label points of `snap` in tile `t`, at most `budget` bytes: one point per named
/// polygon, inside it (even when it is concave), in the one tile that holds that point,
/// so each unit is named once however many tiles its polygon crosses. Polygons too
/// small at this zoom to hold a name are not named.
fn label_points(snap: &LayerSnapshot, field: &str, t: TileId, budget: usize, out: &mut Vec<u8>) {
    let units_per_m = 4096.0 / t.span_m();
    let [w, s, e, n] = t.bounds_m();
    let points = snap.representative_points();
    let mut builder = mvt::LayerBuilder::new(&labels_layer(snap.meta.id.as_str()));
    let mut inside: Vec<usize> = snap
        .indices_in_bounds_m([w, s, e, n])
        .filter(|&i| {
            points.get(i).copied().flatten().is_some_and(|p| {
                // Half-open, so a point on a tile edge belongs to one tile only.
                p.x >= w && p.x < e && p.y > s && p.y <= n
            })
        })
        .collect();
    inside.sort_unstable();
    for i in inside {
        let f = &snap.features[i];
        let (Some(name), Some(p)) = (f.properties.get(field), points[i]) else {
            continue;
        };
        let [fw, fs, fe, fn_] = f.bbox_m;
        if (fe - fw).max(fn_ - fs) * units_per_m < LABEL_MIN_SPAN {
            continue;
        }
        if builder.encoded_len() > budget {
            break;
        }
        let Some(mvt::TileGeometry::Points(at)) = to_tile(&geo::Geometry::Point(p.into()), t)
        else {
            continue;
        };
        builder.add(
            u64::try_from(f.fid).unwrap_or(0),
            &mvt::TileGeometry::Points(at),
            [(field, name)],
        );
    }
    if !builder.is_empty() {
        builder.finish_into(out);
    }
}

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
        let before = out.len();
        if !builder.is_empty() {
            builder.finish_into(&mut out);
        }
        if let Some(field) = snap.label_field() {
            // Within the layer's own share.
            let left = share.saturating_sub(out.len() - before);
            label_points(snap, field, t, left, &mut out);
        }
    }
    out
}

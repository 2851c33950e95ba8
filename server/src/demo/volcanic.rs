//! Indicative volcanic hazard zones: geodesic circles around the real Holocene vents with
//! radii per volcano (`data/volcanic_zones.json`), merged per class, each class minus the
//! more severe ones so that the zones do not overlap.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use geo::{BooleanOps, Destination, Haversine, MultiPolygon, Point, Polygon};
use serde::Deserialize;
use serde_json::json;

/// The radii configuration, compiled in from `data/volcanic_zones.json`.
const CONFIG: &str = include_str!("../../../data/volcanic_zones.json");

/// Vertices of each circle.
const CIRCLE_VERTICES: u32 = 96;

#[derive(Debug, Clone, Copy, Deserialize)]
struct Radii {
    high_km: f64,
    medium_km: f64,
    low_km: f64,
}

#[derive(Debug, Deserialize)]
struct Config {
    default: Radii,
    volcanoes: std::collections::HashMap<String, Radii>,
}

fn circle(centre: Point<f64>, radius_km: f64) -> Polygon<f64> {
    let ring: Vec<geo::Coord<f64>> = (0..=CIRCLE_VERTICES)
        .map(|i| {
            let bearing = 360.0 * f64::from(i % CIRCLE_VERTICES) / f64::from(CIRCLE_VERTICES);
            Haversine
                .destination(centre, bearing, radius_km * 1000.0)
                .into()
        })
        .collect();
    Polygon::new(ring.into(), vec![])
}

/// Writes the zones GeoJSON (one feature per class) into `dir` and returns its path.
///
/// # Errors
/// When the vents file cannot be read.
pub fn write(mirror: &Path, dir: &Path) -> anyhow::Result<PathBuf> {
    use gdal::vector::LayerAccess as _;
    let config: Config = serde_json::from_str(CONFIG).context("data/volcanic_zones.json")?;
    let path = mirror.join("hazard/gvp_holocene_volcanoes_rwanda_50km.geojson");
    let ds = gdal::Dataset::open(&path).with_context(|| format!("opening {}", path.display()))?;
    let mut layer = ds.layer(0)?;
    let mut discs: [MultiPolygon<f64>; 3] = std::array::from_fn(|_| MultiPolygon(vec![]));
    let mut names = Vec::new();
    for f in layer.features() {
        let Some(g) = f.geometry() else { continue };
        let (x, y, _) = g.get_point(0);
        let number = f
            .field_as_integer64(f.field_index("Volcano Number")?)?
            .map(|n| n.to_string())
            .unwrap_or_default();
        let name = f
            .field_as_string(f.field_index("Volcano Name")?)?
            .unwrap_or_default();
        let r = config
            .volcanoes
            .get(&number)
            .copied()
            .unwrap_or(config.default);
        let centre = Point::new(x, y);
        for (k, km) in [r.high_km, r.medium_km, r.low_km].into_iter().enumerate() {
            discs[k] = discs[k].union(&MultiPolygon(vec![circle(centre, km)]));
        }
        names.push(name);
    }
    let [high, medium, low] = discs;
    let medium_only = medium.difference(&high);
    let low_only = low.difference(&medium);
    let features: Vec<serde_json::Value> =
        [("high", high), ("medium", medium_only), ("low", low_only)]
            .into_iter()
            .map(|(class, shape)| {
                json!({
                    "type": "Feature",
                    "properties": {
                        "class": class,
                        "name": format!("Volcanic zone ({class})"),
                        "volcanoes": names.join(", "),
                    },
                    "geometry": crate::formats::geojson::geometry(&geo::Geometry::MultiPolygon(shape), &|c| c),
                })
            })
            .collect();
    let out = dir.join("volcanic_zones.geojson");
    std::fs::write(
        &out,
        serde_json::to_vec(&json!({"type": "FeatureCollection", "features": features}))?,
    )?;
    Ok(out)
}

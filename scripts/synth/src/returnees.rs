//! Synthetic returnee households: points placed at random inside villages, villages drawn
//! in proportion to their population and weighted towards the districts that receive most
//! returnees (the border districts of the West, North-West and East). Every household is
//! invented: the layer must say so wherever it is shown.

use std::path::Path;

use anyhow::Context as _;
use gdal::Dataset;
use gdal::vector::LayerAccess as _;
use geo::{BoundingRect, Contains, MultiPolygon, Point};
use rand::distr::{Distribution, weighted::WeightedIndex};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

/// District codes weighted up (x4) as main return areas: Rubavu, Rusizi, Nyamasheke,
/// Nyabihu, Musanze, Burera, Gicumbi, Nyagatare, Gatsibo, Kirehe.
pub const RETURN_DISTRICTS: [&str; 10] =
    ["34", "36", "35", "33", "41", "44", "45", "51", "53", "55"];

/// Countries returnees come back from, with relative frequency.
const ORIGINS: [(&str, u32); 5] = [
    ("DR Congo", 55),
    ("Uganda", 15),
    ("Burundi", 10),
    ("Tanzania", 10),
    ("Malawi", 10),
];

/// A village with the weight it is drawn with.
pub(crate) struct Village {
    pub(crate) code: String,
    pub(crate) shape: MultiPolygon<f64>,
    pub(crate) weight: f64,
}

/// The villages of the mirror's file, weighted by population (x4 in the main return
/// districts when `return_boost`).
pub(crate) fn read_villages(path: &Path, return_boost: bool) -> anyhow::Result<Vec<Village>> {
    let ds = Dataset::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut layer = ds.layer(0)?;
    let mut out = Vec::new();
    for f in layer.features() {
        let Some(g) = f.geometry() else { continue };
        let shape: MultiPolygon<f64> = match g.to_geo()? {
            geo::Geometry::MultiPolygon(m) => m,
            geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
            _ => continue,
        };
        let code = f
            .field_as_integer64(f.field_index("id")?)?
            .map(|c| c.to_string())
            .unwrap_or_default();
        #[expect(clippy::cast_precision_loss)]
        let population = f
            .field_as_integer64(f.field_index("population")?)?
            .unwrap_or(0)
            .max(1) as f64;
        let boost = if return_boost && RETURN_DISTRICTS.iter().any(|d| code.starts_with(d)) {
            4.0
        } else {
            1.0
        };
        out.push(Village {
            code,
            shape,
            weight: population * boost,
        });
    }
    Ok(out)
}

/// A uniformly random point inside `shape` (rejection sampling in its extent).
pub(crate) fn point_in(shape: &MultiPolygon<f64>, rng: &mut ChaCha8Rng) -> Option<Point<f64>> {
    let rect = shape.bounding_rect()?;
    for _ in 0..1000 {
        let p = Point::new(
            rng.random_range(rect.min().x..=rect.max().x),
            rng.random_range(rect.min().y..=rect.max().y),
        );
        if shape.contains(&p) {
            return Some(p);
        }
    }
    None
}

/// A GeoJSON FeatureCollection of `count` synthetic returnee households.
///
/// # Errors
/// When the villages file cannot be read.
pub fn households(villages_path: &Path, count: usize, seed: u64) -> anyhow::Result<Value> {
    let villages = read_villages(villages_path, true)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let pick = WeightedIndex::new(villages.iter().map(|v| v.weight))?;
    let origin = WeightedIndex::new(ORIGINS.iter().map(|o| o.1))?;
    let mut features = Vec::with_capacity(count);
    while features.len() < count {
        let v = &villages[pick.sample(&mut rng)];
        let Some(p) = point_in(&v.shape, &mut rng) else {
            continue;
        };
        let size: u32 = 1
            + (0..8u32)
                .filter(|_| rng.random_bool(0.42))
                .map(|_| 1)
                .sum::<u32>();
        features.push(json!({
            "type": "Feature",
            "properties": {
                "household_id": format!("SYN-RH-{:05}", features.len() + 1),
                "household_size": size,
                "return_year": rng.random_range(2019..=2025),
                "country_of_asylum": ORIGINS[origin.sample(&mut rng)].0,
                "village_code": v.code,
                "households": 1,
                "synthetic": true,
            },
            "geometry": {"type": "Point", "coordinates": [
                (p.x() * 1e6).round() / 1e6, (p.y() * 1e6).round() / 1e6
            ]},
        }));
    }
    Ok(json!({
        "type": "FeatureCollection",
        "name": "synthetic_returnee_households",
        "features": features,
    }))
}

//! Village population for 2022: each sector's census total (NISR) spread over its
//! villages in proportion to WASAC's village figures, rounded by largest remainder so
//! every sector sums exactly to its census total.
//!
//! The census has no sector codes, so sectors are matched on (district, sector) names,
//! compared case- and punctuation-insensitively, with one known spelling difference:
//! the census's "Shyorongi" (Rulindo) is the boundaries' "Shyrongi".

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde_json::{Value, json};

use crate::model::Feature;
use crate::store::Store;

/// Census spellings that differ from the boundaries': (district, census, boundaries).
const ALIASES: &[(&str, &str, &str)] = &[("rulindo", "shyorongi", "shyrongi")];

fn key(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Census population per (district, sector) key.
fn census(mirror: &Path) -> anyhow::Result<HashMap<(String, String), f64>> {
    let path = mirror.join("census/sector_census2022.csv");
    let mut reader =
        csv::Reader::from_path(&path).with_context(|| format!("reading {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("{} has no column '{name}'", path.display()))
    };
    let (d, s, p) = (col("district")?, col("sector")?, col("population_2022")?);
    let mut out = HashMap::new();
    for row in reader.records() {
        let row = row?;
        let district = key(&row[d]);
        let mut sector = key(&row[s]);
        if let Some((_, _, fixed)) = ALIASES
            .iter()
            .find(|(dd, c, _)| *dd == district && *c == sector)
        {
            sector = (*fixed).to_owned();
        }
        let people: f64 = row[p]
            .trim()
            .parse()
            .with_context(|| format!("population '{}'", &row[p]))?;
        out.insert((district, sector), people);
    }
    Ok(out)
}

/// Integer shares of `total` proportional to `weights`, summing exactly to `total`.
#[must_use]
pub fn largest_remainder(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() {
        return Vec::new();
    }
    #[expect(clippy::cast_precision_loss)]
    let exact: Vec<f64> = if sum > 0.0 {
        weights.iter().map(|w| total as f64 * w / sum).collect()
    } else {
        vec![total as f64 / weights.len() as f64; weights.len()]
    };
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let mut out: Vec<u64> = exact.iter().map(|e| e.floor() as u64).collect();
    let mut left = total - out.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for i in order {
        if left == 0 {
            break;
        }
        out[i] += 1;
        left -= 1;
    }
    out
}

fn current(store: &Store, id: &str) -> anyhow::Result<Vec<Feature>> {
    let id = id.parse()?;
    let layer = store
        .layer(&id)?
        .with_context(|| format!("layer {id} is not loaded"))?;
    Ok(store.features(&id, layer.layer.current_version)?)
}

/// Writes the village population GeoJSON into `dir` and returns its path.
///
/// # Errors
/// When the boundaries are not loaded, the census cannot be read, or a sector has no
/// census figure.
pub fn write(store: &Store, mirror: &Path, dir: &Path) -> anyhow::Result<PathBuf> {
    let census = census(mirror)?;
    let districts: HashMap<String, String> = current(store, "rwa-districts")?
        .into_iter()
        .filter_map(|f| Some((f.code?, key(&f.name?))))
        .collect();
    let sectors: HashMap<String, (String, String)> = current(store, "rwa-sectors")?
        .into_iter()
        .filter_map(|f| {
            let code = f.code?;
            let district = districts.get(code.get(..2)?)?.clone();
            Some((code, (district, key(&f.name?))))
        })
        .collect();
    let villages = current(store, "rwa-villages")?;
    let mut by_sector: BTreeMap<String, Vec<&Feature>> = BTreeMap::new();
    for v in &villages {
        let code = v.code.as_deref().context("a village without a code")?;
        by_sector
            .entry(code.get(..4).unwrap_or(code).to_owned())
            .or_default()
            .push(v);
    }
    let mut features = Vec::with_capacity(villages.len());
    for (sector, members) in &by_sector {
        let names = sectors
            .get(sector)
            .with_context(|| format!("villages of sector {sector}, which is not in rwa-sectors"))?;
        let total = census.get(names).with_context(|| {
            format!(
                "sector {sector} ({} / {}) has no 2022 census figure",
                names.0, names.1
            )
        })?;
        let weights: Vec<f64> = members
            .iter()
            .map(|v| v.population.unwrap_or(0.0))
            .collect();
        #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let shares = largest_remainder(total.round() as u64, &weights);
        for (v, people) in members.iter().zip(shares) {
            let geometry: Value =
                serde_json::from_str(&gdal::vector::Geometry::from_wkb(&v.wkb)?.json()?)?;
            features.push(json!({
                "type": "Feature",
                "properties": {
                    "id": v.code,
                    "name": v.name,
                    "sector_id": sector,
                    "population_2022": people,
                    "population_wasac": v.population,
                },
                "geometry": geometry,
            }));
        }
    }
    let path = dir.join("population_2022_by_village.geojson");
    std::fs::write(
        &path,
        serde_json::to_vec(&json!({"type": "FeatureCollection", "features": features}))?,
    )?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder_sums_exactly() {
        assert_eq!(largest_remainder(10, &[1.0, 1.0, 1.0]), [4, 3, 3]);
        assert_eq!(largest_remainder(7, &[0.0, 0.0]), [4, 3]);
        assert_eq!(largest_remainder(100, &[2.0, 1.0]), [67, 33]);
        let shares = largest_remainder(26_668, &[123.0, 456.0, 789.0, 1.0]);
        assert_eq!(shares.iter().sum::<u64>(), 26_668);
    }

    #[test]
    fn names_compare_loosely() {
        assert_eq!(key("Nyarugenge "), key("nyarugenge"));
        assert_eq!(key("Rwezamenyo"), "rwezamenyo");
    }
}

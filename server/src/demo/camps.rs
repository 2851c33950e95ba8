//! Refugee camps and transit centres as points: site coordinates where the source has
//! them (Mahama), otherwise a point inside the sector the site is known to be in, flagged
//! `location_precision = sector`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use geo::InteriorPoint;
use serde_json::{Map, Value, json};

use crate::store::Store;

/// Writes the camps GeoJSON into `dir` and returns its path.
///
/// # Errors
/// When the CSV cannot be read or a site's sector is unknown.
pub fn write(store: &Store, mirror: &Path, dir: &Path) -> anyhow::Result<PathBuf> {
    let id = "rwa-sectors".parse()?;
    let layer = store.layer(&id)?.context("rwa-sectors is not loaded")?;
    let sectors: HashMap<String, Vec<u8>> = store
        .features(&id, layer.layer.current_version)?
        .into_iter()
        .filter_map(|f| Some((f.code?, f.wkb)))
        .collect();
    let path = mirror.join("sites/camps_and_transit_centres.csv");
    let mut reader =
        csv::Reader::from_path(&path).with_context(|| format!("reading {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let mut features = Vec::new();
    for row in reader.records() {
        let row = row?;
        let mut props = Map::new();
        for (h, v) in headers.iter().zip(row.iter()) {
            let value = match h {
                "population" if !v.is_empty() => {
                    v.parse::<f64>().map_or_else(|_| json!(v), |n| json!(n))
                }
                "lon" | "lat" => continue,
                _ if v.is_empty() => Value::Null,
                _ => json!(v),
            };
            props.insert(h.to_owned(), value);
        }
        let get = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .map(|i| row[i].trim())
        };
        let name = get("name").unwrap_or_default().to_owned();
        let lonlat = match (get("lon"), get("lat")) {
            (Some(lon), Some(lat)) if !lon.is_empty() && !lat.is_empty() => {
                Some((lon.parse::<f64>()?, lat.parse::<f64>()?))
            }
            _ => None,
        };
        let (lon, lat) = if let Some(p) = lonlat {
            p
        } else {
            let code = get("sector_code").unwrap_or_default();
            let wkb = sectors.get(code).with_context(|| {
                format!("site {name}: sector code '{code}' is not in rwa-sectors")
            })?;
            let shape = gdal::vector::Geometry::from_wkb(wkb)?.to_geo()?;
            let p = shape
                .interior_point()
                .with_context(|| format!("site {name}: sector {code} has no interior point"))?;
            (p.x(), p.y())
        };
        features.push(json!({
            "type": "Feature",
            "properties": props,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
        }));
    }
    let out = dir.join("camps_and_transit_centres.geojson");
    std::fs::write(
        &out,
        serde_json::to_vec(&json!({"type": "FeatureCollection", "features": features}))?,
    )?;
    Ok(out)
}

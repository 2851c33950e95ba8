//! Lakes for the basemap, from the mirror's GSHHG lakes: each lake (GSHHG level 2) with
//! the islands inside it (level 3, Idjwi in Lake Kivu the largest) cut out, named where a
//! Natural Earth lake covers it (Lake Kivu); the other lakes have no name in either
//! source. The rivers are loaded from the mirror as they are.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use geo::{BooleanOps, Contains, InteriorPoint, MultiPolygon};
use serde_json::{Value, json};

/// The mirror's files this module reads.
pub const LAKES: &str = "hydro/lakes_gshhg.geojson";
/// Natural Earth's lakes, for their names.
pub const NAMED_LAKES: &str = "hydro/lakes_ne10m.geojson";
/// Rivers (lines, no names).
pub const RIVERS: &str = "hydro/rivers_gshhg.geojson";

/// The features of a GeoJSON file as (properties, geometry as polygons).
fn polygons(path: &Path) -> anyhow::Result<Vec<(Value, MultiPolygon<f64>)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let fc: geojson::FeatureCollection = text
        .parse()
        .with_context(|| format!("{} is not a GeoJSON feature collection", path.display()))?;
    let mut out = Vec::new();
    for f in fc.features {
        let Some(g) = f.geometry else { continue };
        let shape = match geo::Geometry::<f64>::try_from(g.value)? {
            geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
            geo::Geometry::MultiPolygon(m) => m,
            _ => continue,
        };
        out.push((f.properties.map_or(Value::Null, Value::Object), shape));
    }
    Ok(out)
}

/// Writes the lakes GeoJSON into `dir` and returns its path.
///
/// # Errors
/// When a mirror file cannot be read or parsed.
pub fn write(mirror: &Path, dir: &Path) -> anyhow::Result<PathBuf> {
    let all = polygons(&mirror.join(LAKES))?;
    let named = polygons(&mirror.join(NAMED_LAKES))?;
    let level = |p: &Value| p["gshhs_level"].as_i64().unwrap_or(2);
    let islands: Vec<&MultiPolygon<f64>> = all
        .iter()
        .filter(|(p, _)| level(p) == 3)
        .map(|(_, g)| g)
        .collect();
    let mut features = Vec::new();
    for (props, lake) in all.iter().filter(|(p, _)| level(p) == 2) {
        let mut water = lake.clone();
        for island in &islands {
            if let Some(inside) = island.interior_point()
                && lake.contains(&inside)
            {
                water = water.difference(*island);
            }
        }
        // The Natural Earth lake this one is: the one holding a point of its water.
        let name = water.interior_point().and_then(|at| {
            named
                .iter()
                .find(|(_, g)| g.contains(&at))
                .and_then(|(p, _)| p["name"].as_str())
        });
        let mut properties = json!({
            "area_km2": props["area_km2"],
            "gshhg_id": props["src_id"],
        });
        if let Some(n) = name {
            properties["name"] = json!(n);
        }
        features.push(json!({
            "type": "Feature",
            "properties": properties,
            "geometry": geojson::Geometry::new(geojson::GeometryValue::from(&water)),
        }));
    }
    let path = dir.join("lakes.geojson");
    std::fs::write(
        &path,
        json!({"type": "FeatureCollection", "features": features}).to_string(),
    )?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn lake_kivu_is_named_and_has_idjwi_cut_out() {
        let mirror = std::path::PathBuf::from(
            std::env::var("SITROOM_MIRROR").unwrap_or_else(|_| "../../shared/data".into()),
        );
        let dir = tempfile::tempdir().unwrap();
        let path = super::write(&mirror, dir.path()).unwrap();
        let fc: geojson::FeatureCollection =
            std::fs::read_to_string(path).unwrap().parse().unwrap();
        assert_eq!(fc.features.len(), 18, "GSHHG's level-2 lakes");
        let kivu = fc
            .features
            .iter()
            .find(|f| f.property("name").and_then(|n| n.as_str()) == Some("Lake Kivu"))
            .expect("Lake Kivu is named");
        let water: geo::MultiPolygon<f64> =
            geo::Geometry::try_from(kivu.geometry.clone().unwrap().value)
                .unwrap()
                .try_into()
                .unwrap();
        // Idjwi island (29.05 E, 2.1 S) is land, the lake beside it water.
        use geo::Contains as _;
        assert!(!water.contains(&geo::point!(x: 29.05, y: -2.1)));
        assert!(water.contains(&geo::point!(x: 29.2, y: -2.1)));
    }
}

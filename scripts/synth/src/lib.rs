//! Seeded generator of the demo's derived and synthetic layers.
//!
//! Open flood and landslide hazard zones for Rwanda do not exist as open data, and
//! returnee locations are protection-sensitive, so the demo derives or invents them here,
//! reproducibly (same seed, same files) and labelled synthetic:
//! - [`landslide`]: susceptibility classes from DEM slope;
//! - [`flood`]: flood depth from height above the nearest drainage;
//! - [`forecast`]: a 72-hour flood forecast, the flood depth scaled by a seeded storm;
//! - [`returnees`]: returnee household points in villages;
//! - [`losses`]: ten years of disaster loss records in villages;
//! - [`activities`]: partner activities and their transactions, as IATI XML;
//! - [`buildings`]: building points for the exposure benchmark (not part of the demo).

pub mod activities;
pub mod buildings;
pub mod flood;
pub mod forecast;
pub mod grid;
pub mod landslide;
pub mod losses;
pub mod noise;
pub mod returnees;

use std::path::{Path, PathBuf};

use grid::Cover;

/// Seed used by the demo.
pub const DEFAULT_SEED: u64 = 20_261_126;

/// Number of synthetic returnee households in the demo.
pub const RETURNEE_HOUSEHOLDS: usize = 3_000;

/// The file in the output folder naming what [`generate`] wrote and with which seed; the
/// server's `sitroom demo --synthetic DIR` reads it (the server does not link this
/// generator).
pub const MANIFEST: &str = "manifest.json";

/// Files written by [`generate`].
#[derive(Debug, Clone)]
pub struct Generated {
    /// Landslide susceptibility classes (4/3/2), Float32 GeoTIFF.
    pub landslide: PathBuf,
    /// Flood depth in metres, Float32 GeoTIFF.
    pub flood: PathBuf,
    /// Forecast flood depth in metres for the next 72 hours, Float32 GeoTIFF.
    pub forecast: PathBuf,
    /// Returnee household points, GeoJSON.
    pub returnees: PathBuf,
    /// The same households' register (members and support), CSV with a HXL hashtag row.
    pub register: PathBuf,
    /// Disaster loss records, CSV with a HXL hashtag row.
    pub losses: PathBuf,
    /// Partner activities, IATI 2.03 XML.
    pub activities: PathBuf,
}

/// Rwanda's land on the DEM's grid: 1 where a cell's centre lies inside one of the
/// provinces (which hold Rwanda's share of Lake Kivu) and outside the lakes, 0 elsewhere.
/// The hazard grids keep only cells whose every DEM cell is land, so no zone reaches past
/// the border or into a lake by more than half a DEM cell's diagonal (about 65 m), and
/// the DEM's frame in the neighbouring countries draws nothing.
fn land(mirror: &Path, dem: &grid::Grid) -> anyhow::Result<grid::Grid> {
    let country = grid::burn(
        &mirror.join("admin/rwa_provinces.geojson"),
        dem,
        Cover::Centre,
    )?;
    let lakes = grid::burn(
        &mirror.join("hydro/lakes_gshhg.geojson"),
        dem,
        Cover::Centre,
    )?;
    let mut mask = dem.like(0.0, -1.0);
    for ((m, c), l) in mask.data.iter_mut().zip(country).zip(lakes) {
        if c && !l {
            *m = 1.0;
        }
    }
    Ok(mask)
}

/// Reads the mirror's DEM, rivers, lakes and villages and writes the four derived layers
/// and the loss records
/// into `out`.
///
/// # Errors
/// When an input cannot be read or an output written.
pub fn generate(mirror: &Path, out: &Path, seed: u64) -> anyhow::Result<Generated> {
    std::fs::create_dir_all(out)?;
    let dem = grid::Grid::read(&mirror.join("dem/rwanda_dem_3arcsec.tif"))?;
    let files = Generated {
        landslide: out.join("landslide_susceptibility_synthetic.tif"),
        flood: out.join("flood_depth_synthetic.tif"),
        forecast: out.join("flood_forecast_synthetic.tif"),
        returnees: out.join("returnee_households_synthetic.geojson"),
        register: out.join("returnee_register_synthetic.csv"),
        losses: out.join("losses_synthetic.csv"),
        activities: out.join("activities_synthetic.xml"),
    };
    let country = land(mirror, &dem)?;
    landslide::susceptibility(&dem, seed)
        .clip(&country.coarsen(landslide::BLOCK, grid::min))
        .write(&files.landslide)?;
    let rivers = grid::burn(
        &mirror.join("hydro/rivers_gshhg.geojson"),
        &dem,
        Cover::Touched,
    )?;
    let lakes = grid::burn(
        &mirror.join("hydro/lakes_gshhg.geojson"),
        &dem,
        Cover::Touched,
    )?;
    let flood = flood::depth(&dem, &rivers, &lakes, seed.wrapping_add(1))
        .clip(&country.coarsen(flood::BLOCK, grid::min));
    flood.write(&files.flood)?;
    forecast::depth(&flood, seed.wrapping_add(3)).write(&files.forecast)?;
    let points = returnees::households(
        &mirror.join("admin/rwa_villages.geojson"),
        RETURNEE_HOUSEHOLDS,
        seed.wrapping_add(2),
    )?;
    std::fs::write(&files.returnees, serde_json::to_vec(&points)?)?;
    returnees::write_register(&points, seed.wrapping_add(6), &files.register)?;
    losses::write_csv(
        &mirror.join("admin/rwa_villages.geojson"),
        seed.wrapping_add(4),
        losses::DEMO_EVENTS,
        &files.losses,
    )?;
    activities::write_xml(seed.wrapping_add(5), &files.activities)?;
    let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    let manifest = serde_json::json!({
        "generator": concat!("sitroom-synth ", env!("CARGO_PKG_VERSION")),
        "seed": seed,
        "returnee_households": RETURNEE_HOUSEHOLDS,
        "landslide": name(&files.landslide),
        "flood": name(&files.flood),
        "forecast": name(&files.forecast),
        "returnees": name(&files.returnees),
        "register": name(&files.register),
        "losses": name(&files.losses),
        "activities": name(&files.activities),
    });
    // Written last: a folder with a manifest holds every file it names.
    std::fs::write(out.join(MANIFEST), serde_json::to_vec_pretty(&manifest)?)?;
    Ok(files)
}

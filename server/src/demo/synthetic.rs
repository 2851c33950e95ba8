//! The demo's synthetic layers (flood depth, its 72-hour forecast, landslide
//! susceptibility, returnee households), loss records and partner activities, made beforehand by the seeded generator `sitroom-synth`
//! (`scripts/synth`) into a folder, and named there by its `manifest.json`. The server
//! only reads them: it does not link the generator.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Deserialize;

/// The manifest's name in the folder.
const MANIFEST: &str = "manifest.json";

/// What the generator wrote, with the seed it used.
#[derive(Debug, Clone)]
pub struct Synthetic {
    /// The generator's seed (named in every synthetic layer's attribution).
    pub seed: u64,
    /// Landslide susceptibility classes, GeoTIFF.
    pub landslide: PathBuf,
    /// Flood depth in metres, GeoTIFF.
    pub flood: PathBuf,
    /// Forecast flood depth in metres for the next 72 hours, GeoTIFF.
    pub forecast: PathBuf,
    /// Returnee household points, GeoJSON.
    pub returnees: PathBuf,
    /// The same households' register (members and support), HXL CSV.
    pub register: PathBuf,
    /// Disaster loss records, CSV with a HXL hashtag row.
    pub losses: PathBuf,
    /// Partner activities, IATI 2.03 XML.
    pub activities: PathBuf,
}

#[derive(Deserialize)]
struct Manifest {
    seed: u64,
    landslide: PathBuf,
    flood: PathBuf,
    forecast: PathBuf,
    returnees: PathBuf,
    register: PathBuf,
    losses: PathBuf,
    activities: PathBuf,
}

impl Synthetic {
    /// Reads the manifest in `dir` and checks that every file it names is there.
    ///
    /// # Errors
    /// When there is no manifest (the generator has not been run into `dir`), it cannot
    /// be read, or a file it names is missing.
    pub fn read(dir: &Path) -> anyhow::Result<Self> {
        let path = dir.join(MANIFEST);
        let text = std::fs::read(&path).with_context(|| {
            format!(
                "no synthetic layers in {}: generate them first with `sitroom-synth MIRROR {}` (scripts/demo.sh does both), or point --synthetic at the folder holding them",
                dir.display(),
                dir.display()
            )
        })?;
        let m: Manifest = serde_json::from_slice(&text).with_context(|| {
            format!(
                "{} is not a manifest of this sitroom-synth (an older one wrote it?): generate the layers again with `sitroom-synth MIRROR {}`",
                path.display(),
                dir.display()
            )
        })?;
        let file = |name: &Path| -> anyhow::Result<PathBuf> {
            let p = dir.join(name);
            anyhow::ensure!(
                name.components().count() == 1 && p.is_file(),
                "{} names {}, which is not a file in {}: generate the layers again",
                path.display(),
                name.display(),
                dir.display()
            );
            Ok(p)
        };
        Ok(Self {
            seed: m.seed,
            landslide: file(&m.landslide)?,
            flood: file(&m.flood)?,
            forecast: file(&m.forecast)?,
            returnees: file(&m.returnees)?,
            register: file(&m.register)?,
            losses: file(&m.losses)?,
            activities: file(&m.activities)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_without_the_generators_files_says_how_to_make_them() {
        let dir = tempfile::tempdir().unwrap();
        let e = Synthetic::read(dir.path()).unwrap_err().to_string();
        assert!(e.contains("sitroom-synth MIRROR"), "{e}");
        // An older generator's manifest (no forecast): generate again.
        std::fs::write(
            dir.path().join(MANIFEST),
            r#"{"seed": 7, "landslide": "l.tif", "flood": "l.tif", "returnees": "r.geojson"}"#,
        )
        .unwrap();
        let e = format!("{:#}", Synthetic::read(dir.path()).unwrap_err());
        assert!(
            e.contains("generate the layers again") && e.contains("forecast"),
            "{e}"
        );
        std::fs::write(
            dir.path().join(MANIFEST),
            r#"{"seed": 7, "landslide": "l.tif", "flood": "../f.tif", "forecast": "l.tif", "returnees": "r.geojson", "register": "r.geojson", "losses": "r.geojson", "activities": "r.geojson"}"#,
        )
        .unwrap();
        for f in ["l.tif", "r.geojson"] {
            std::fs::write(dir.path().join(f), b"x").unwrap();
        }
        let e = Synthetic::read(dir.path()).unwrap_err().to_string();
        assert!(e.contains("../f.tif"), "{e}");
        std::fs::write(
            dir.path().join(MANIFEST),
            r#"{"seed": 7, "landslide": "l.tif", "flood": "l.tif", "forecast": "l.tif", "returnees": "r.geojson", "register": "r.geojson", "losses": "r.geojson", "activities": "r.geojson"}"#,
        )
        .unwrap();
        let s = Synthetic::read(dir.path()).unwrap();
        assert_eq!(s.seed, 7);
        assert_eq!(s.flood, dir.path().join("l.tif"));
    }
}

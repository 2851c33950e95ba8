//! `sitroom load`: a file as a new version of a layer, with a progress bar and the load
//! report.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use super::{open_store, print_json};
use crate::config;
use crate::load::{LoadError, LoadSource, load_file};
use crate::model::{FieldMapping, LayerId, MetaChanges};

/// Load a file as a new version of a layer (one transaction: all or nothing).
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// File to load: GeoJSON, Shapefile (.shp or .zip), GeoPackage, KML, CSV with lon/lat, GeoTIFF.
    file: PathBuf,
    /// Layer id (an ASCII slug such as flood-2026).
    #[arg(long)]
    layer: LayerId,
    /// Layer kind: hazard, exposure, boundary or context (lakes, rivers: drawn on the basemap; required for a new layer).
    #[arg(long)]
    kind: Option<String>,
    /// Theme, e.g. flood, landslide, volcanic, settlement, camp, district (required for a new layer).
    #[arg(long)]
    theme: Option<String>,
    /// Human title.
    #[arg(long)]
    title: Option<String>,
    /// public or restricted.
    #[arg(long)]
    sensitivity: Option<String>,
    /// true: readable without a token (a public map); false (the default for a new layer).
    #[arg(long)]
    anonymous: Option<String>,
    /// Credit and licence shown wherever the layer is.
    #[arg(long)]
    attribution: Option<String>,
    /// CRS of the coordinates when the file has none, e.g. EPSG:32735 (overrides the file's).
    #[arg(long)]
    srs: Option<String>,
    /// Layer to read inside a multi-layer file (GeoPackage, KML, zip of shapefiles).
    #[arg(long)]
    source_layer: Option<String>,
    /// Field holding each feature's name.
    #[arg(long)]
    name_field: Option<String>,
    /// Field holding the official code.
    #[arg(long)]
    code_field: Option<String>,
    /// Field holding the population.
    #[arg(long)]
    population_field: Option<String>,
    /// Field holding the number of households.
    #[arg(long)]
    households_field: Option<String>,
    /// Field holding the hazard value or class (hazard layers).
    #[arg(long)]
    hazard_field: Option<String>,
    /// flood-depth, landslide-susceptibility, class-names, or JSON rules.
    #[arg(long)]
    classification: Option<String>,
    /// Load the good features even when some are rejected (they are listed in the report).
    #[arg(long)]
    allow_rejects: bool,
    #[command(flatten)]
    limits: LoadLimitArgs,
    /// Print the load report as JSON.
    #[arg(long)]
    json: bool,
}

/// How much one load may hold (`serve` for uploads, `load` for files).
#[derive(Debug, Args)]
pub struct LoadLimitArgs {
    /// Most features one load may hold.
    #[arg(long, default_value_t = config::DEFAULT_MAX_FEATURES)]
    max_features: u64,
    /// Most vertices (coordinates) one load may hold over all its geometries.
    #[arg(long, default_value_t = config::DEFAULT_MAX_VERTICES)]
    max_vertices: u64,
}

impl LoadLimitArgs {
    pub fn limits(&self) -> crate::ingest::LoadLimits {
        crate::ingest::LoadLimits {
            features: self.max_features,
            vertices: self.max_vertices,
        }
    }
}

impl LoadArgs {
    /// Runs the command.
    ///
    /// # Errors
    /// When the file is refused (nothing is then loaded) or the store fails.
    pub fn run(self, db: &str) -> anyhow::Result<ExitCode> {
        let a = self;
        let store = open_store(db)?;
        let current = store.layer(&a.layer)?;
        let changes = MetaChanges {
            title: a.title,
            kind: a.kind,
            theme: a.theme,
            sensitivity: a.sensitivity,
            anonymous: a.anonymous,
            attribution: a.attribution,
            fields: FieldMapping {
                name: a.name_field,
                code: a.code_field,
                population: a.population_field,
                households: a.households_field,
                hazard: a.hazard_field,
            },
            classification: a.classification,
        };
        let meta = changes.resolve(&a.layer, current.as_ref().map(|d| &d.layer.meta))?;
        let name = a.file.display().to_string();
        let bar = if a.json {
            ProgressBar::hidden()
        } else {
            ProgressBar::new(0).with_style(
                ProgressStyle::with_template(
                    "{msg} [{bar:40}] {pos}/{len} features ({per_sec}, {eta})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            )
        };
        bar.set_message(format!("reading {name}"));
        let progress = |done: u64, total: u64| {
            bar.set_length(total.max(done));
            bar.set_position(done);
        };
        let result = load_file(
            store.as_ref(),
            &meta,
            &LoadSource {
                path: &a.file,
                name: &name,
                srs: a.srs,
                source_layer: a.source_layer,
                allow_rejects: a.allow_rejects,
                limits: a.limits.limits(),
            },
            &config::cli_user(),
            &progress,
        );
        bar.finish_and_clear();
        match result {
            Ok(v) => {
                if a.json {
                    print_json(&json!({
                        "layer": meta.id,
                        "version": v.version,
                        "feature_count": v.feature_count,
                        "report": v.report,
                    }));
                } else {
                    let r = &v.report;
                    println!(
                        "loaded {} version {}: {} features ({} read, {} repaired, {} dropped, {} rejected, {} unclassified)",
                        meta.id,
                        v.version,
                        v.feature_count,
                        r.read,
                        r.repaired,
                        r.dropped,
                        r.rejected,
                        r.unclassified
                    );
                    for issue in r.issues.iter().take(20) {
                        println!(
                            "  feature {}: {} — {}",
                            issue.index, issue.action, issue.reason
                        );
                    }
                    if r.issues.len() > 20 {
                        println!(
                            "  … {} more (see `sitroom layer {} --json`)",
                            r.issues.len() - 20,
                            meta.id
                        );
                    }
                }
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                if a.json {
                    print_json(&json!({ "error": e.to_string(), "report": e.report() }));
                }
                let e: anyhow::Error = match e {
                    LoadError::Ingest(i) => anyhow::Error::new(i),
                    LoadError::Store(s) => anyhow::Error::new(s),
                };
                Err(e.context(format!(
                    "nothing was loaded into '{}'; its current version is unchanged",
                    meta.id
                )))
            }
        }
    }
}

//! `sitroom exposure`: the exposure report (as `/api/exposure`), for whoever can open
//! the store: in full, or with `--published` as a caller below the analyst role sees it
//! (the table to hand out when a layer is restricted).

use std::process::ExitCode;

use clap::Args;

use super::{open_store, print_json};
use crate::engine::exposure;

/// Exposure of one layer to a hazard per admin unit and class (as /api/exposure).
#[derive(Debug, Args)]
pub struct ExposureArgs {
    /// Hazard layer id.
    #[arg(long)]
    hazard: String,
    /// Exposure layer id.
    #[arg(long)]
    exposure: String,
    /// Level: country, province, district, sector, cell or village.
    #[arg(long, default_value = "district")]
    by: String,
    /// json, csv (with a HXL row) or geojson.
    #[arg(long, default_value = "json")]
    format: String,
    /// Only what may be published: restricted layers' figures as callers below the
    /// analyst role get them (see docs/security.md).
    #[arg(long)]
    published: bool,
    /// Compute with this earlier version of the hazard layer (`sitroom layers` lists
    /// the versions).
    #[arg(long)]
    hazard_version: Option<i32>,
    /// Compute with this earlier version of the exposure layer.
    #[arg(long)]
    exposure_version: Option<i32>,
}

impl ExposureArgs {
    /// Runs the command.
    ///
    /// # Errors
    /// For an unknown layer, level or format.
    pub fn run(self, db: &str) -> anyhow::Result<ExitCode> {
        let Self {
            hazard,
            exposure: exposed,
            by,
            format,
            published,
            hazard_version,
            exposure_version,
        } = self;

        anyhow::ensure!(
            ["json", "csv", "geojson"].contains(&format.as_str()),
            "format '{format}' is not offered: use json, csv or geojson"
        );
        let store = open_store(db)?;
        let engine = crate::engine::Engine::load(store.as_ref())?;
        // Whoever can open the store sees everything in it, unless asked for what may be
        // published.
        let clearance = if published {
            crate::engine::disclosure::Clearance::Aggregates
        } else {
            crate::engine::disclosure::Clearance::Detail
        };
        let (report, units) = exposure::report(
            &engine,
            store.as_ref(),
            exposure::ExposureRequest {
                hazard: &hazard,
                exposure: &exposed,
                by: &by,
                needs: exposure::Needs::SPHERE,
                versions: exposure::Versions {
                    hazard: hazard_version,
                    exposure: exposure_version,
                },
            },
            clearance,
        )?;
        match format.as_str() {
            "csv" => print!("{}", exposure::export::to_csv(&report)),
            "geojson" => print_json(&exposure::export::to_geojson(&report, units.as_deref())),
            _ => print_json(&serde_json::to_value(&report)?),
        }
        Ok(ExitCode::SUCCESS)
    }
}

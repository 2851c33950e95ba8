//! `sitroom demo`: the Rwanda demo loaded into the store.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{open_store, print_json};
use crate::model::RecordKind;
use crate::{config, demo};

/// Load the real Rwanda demo data (boundaries, population, camps, hazard zones) and the
/// synthetic layers made by `sitroom-synth`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder with the mirrored source data.
    #[arg(long, env = "SITROOM_MIRROR", default_value = config::DEFAULT_MIRROR)]
    mirror: PathBuf,
    /// Folder with the synthetic layers made by `sitroom-synth MIRROR DIR` (flood,
    /// landslide, returnees; named by its manifest.json).
    #[arg(long, env = "SITROOM_SYNTHETIC", default_value = config::DEFAULT_SYNTHETIC)]
    synthetic: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl DemoArgs {
    /// Runs the command.
    ///
    /// # Errors
    /// When the mirror or the synthetic layers cannot be read or a layer cannot be loaded.
    pub fn run(self, db: &str) -> anyhow::Result<ExitCode> {
        let Self {
            mirror,
            synthetic,
            json,
        } = self;

        let store = open_store(db)?;
        let loaded = demo::load_all(
            store.as_ref(),
            &mirror,
            &synthetic,
            !json,
            &config::cli_user(),
        )?;
        let synth = demo::synthetic::Synthetic::read(&synthetic)?;
        let registers = demo::registers::load(store.as_ref(), &synth, &config::cli_user())?;
        let rules = demo::alerts::write(store.as_ref(), &config::cli_user())?;
        if json {
            print_json(&serde_json::to_value(&loaded)?);
        } else {
            for l in &loaded {
                let state = if l.loaded { "loaded" } else { "unchanged" };
                println!(
                    "{:<26} v{:<3} {:>7} features  {state}",
                    l.layer, l.version, l.feature_count
                );
            }
            for (kind, v) in &registers {
                let register = format!("{kind} register");
                match v {
                    Some(v) => println!(
                        "{register:<26} v{:<3} {:>7} records  imported ({})",
                        v.version,
                        v.record_count,
                        match kind {
                            RecordKind::Losses => "reported May 2023, and synthetic",
                            RecordKind::Disbursements | RecordKind::Returnees => "synthetic",
                        }
                    ),
                    None => println!("{register:<26}              unchanged"),
                }
            }
            for r in &rules {
                let state = if r.written { "written" } else { "unchanged" };
                let alert = match (r.alert, r.drafted) {
                    (Some((n, areas)), true) => format!("drafted alert {n} ({areas} areas)"),
                    (Some((n, _)), false) => format!("alert {n} drafted before"),
                    (None, _) => "no unit meets it".to_owned(),
                };
                println!(
                    "alert rule {:<26} v{:<3} {state}; {alert}",
                    r.rule, r.version
                );
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

//! `sitroom layers | layer | rollback | access | delete`: the layers in the store and
//! their versions.

use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use super::{open_store, print_json};
use crate::config;
use crate::model::{AccessChange, LayerId, Sensitivity};

/// List layers with their current version and feature count.
#[derive(Debug, Args)]
pub struct LayersArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl LayersArgs {
    /// Runs the command.
    ///
    /// # Errors
    /// When the store cannot be read.
    pub fn run(self, db: &str) -> anyhow::Result<ExitCode> {
        let json = self.json;
        let store = open_store(db)?;
        let layers = store.layers()?;
        if json {
            print_json(&json!(
                layers
                    .iter()
                    .map(|l| json!({
                        "id": l.meta.id,
                        "title": l.meta.title,
                        "kind": l.meta.kind,
                        "theme": l.meta.theme,
                        "sensitivity": l.meta.sensitivity,
                        "anonymous": l.meta.anonymous,
                        "current_version": l.current_version,
                        "feature_count": l.feature_count,
                        "updated_at": l.updated_at,
                    }))
                    .collect::<Vec<_>>()
            ));
        } else if layers.is_empty() {
            println!(
                "no layers yet: load one with `sitroom load FILE --layer ID --kind KIND --theme THEME`, or run `sitroom demo`"
            );
        } else {
            println!(
                "{:<28} {:<9} {:<12} {:>7} {:>9}",
                "LAYER", "KIND", "THEME", "VERSION", "FEATURES"
            );
            for l in &layers {
                println!(
                    "{:<28} {:<9} {:<12} {:>7} {:>9}",
                    l.meta.id,
                    l.meta.kind,
                    l.meta.theme.as_str(),
                    l.current_version,
                    l.feature_count
                );
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Show one layer with all its versions and load reports.
#[derive(Debug, Args)]
pub struct LayerArgs {
    /// Layer id.
    id: LayerId,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl LayerArgs {
    /// Runs the command.
    ///
    /// # Errors
    /// When the layer does not exist or the store cannot be read.
    pub fn run(self, db: &str) -> anyhow::Result<ExitCode> {
        let Self { id, json } = self;
        let store = open_store(db)?;
        let Some(detail) = store.layer(&id)? else {
            anyhow::bail!(
                "layer '{id}' does not exist: `sitroom layers` lists the layers there are"
            );
        };
        if json {
            print_json(&serde_json::to_value(&detail)?);
        } else {
            let l = &detail.layer;
            println!(
                "{} — {} ({} / {}, {})",
                l.meta.id,
                l.meta.title,
                l.meta.kind,
                l.meta.theme.as_str(),
                l.meta.sensitivity
            );
            println!("attribution: {}", l.meta.attribution);
            for v in &detail.versions {
                let mark = if v.version == l.current_version {
                    "*"
                } else {
                    " "
                };
                println!(
                    "{mark} v{:<4} {:>8} features  {}  {} by {}",
                    v.version,
                    v.feature_count,
                    v.source_name,
                    v.loaded_at.format("%Y-%m-%dT%H:%M:%SZ"),
                    v.loaded_by
                );
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Make an earlier version of a layer current again.
#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// Layer id.
    id: LayerId,
    /// Version to make current.
    version: i32,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl RollbackArgs {
    /// Runs the command.
    ///
    /// # Errors
    /// When the layer or version does not exist.
    pub fn run(self, db: &str) -> anyhow::Result<ExitCode> {
        let Self { id, version, json } = self;
        let store = open_store(db)?;
        let layer = store.rollback(&id, version, &config::cli_user())?;
        if json {
            print_json(&serde_json::to_value(&layer)?);
        } else {
            println!(
                "{id}: version {version} is current again ({} features)",
                layer.feature_count
            );
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Change who may read a layer, for every version, without a reload.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("change").required(true).multiple(true)))]
pub struct AccessArgs {
    /// Layer id.
    id: LayerId,
    /// true: readable without a token (a public map); false: a token is needed.
    #[arg(long, group = "change", value_parser = clap::builder::BoolishValueParser::new())]
    anonymous: Option<bool>,
    /// public, or restricted (aggregates only below the analyst role).
    #[arg(long, group = "change")]
    sensitivity: Option<Sensitivity>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl AccessArgs {
    /// Runs the command.
    ///
    /// # Errors
    /// When the layer does not exist.
    pub fn run(self, db: &str) -> anyhow::Result<ExitCode> {
        let Self {
            id,
            anonymous,
            sensitivity,
            json,
        } = self;
        let store = open_store(db)?;
        let change = AccessChange {
            anonymous,
            sensitivity,
        };
        let layer = store.set_access(&id, &change, &config::cli_user())?;
        if json {
            print_json(&serde_json::to_value(&layer)?);
        } else {
            let open = if layer.meta.anonymous {
                "readable without a token"
            } else {
                "a token is needed to read it"
            };
            println!(
                "{id}: {}, {open} (running servers follow within 3 s)",
                layer.meta.sensitivity
            );
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Delete a layer and all its versions.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Layer id.
    id: LayerId,
}

impl DeleteArgs {
    /// Runs the command.
    ///
    /// # Errors
    /// When the layer does not exist.
    pub fn run(self, db: &str) -> anyhow::Result<ExitCode> {
        let id = self.id;
        let store = open_store(db)?;
        if store.delete_layer(&id, &config::cli_user())? {
            println!("deleted layer {id} and all its versions");
            Ok(ExitCode::SUCCESS)
        } else {
            anyhow::bail!("layer '{id}' does not exist")
        }
    }
}

//! `sitroom records`: the registers of records (losses, …) — import a file as a new
//! version, show the versions and their reports, roll back, export, print a kind's HXL
//! template, roll a field up (as `/api/records`), write the returnee form's choice lists,
//! for whoever can open the store.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;

use super::{open_store, print_json};
use crate::engine::Engine;
use crate::engine::registers::RollRequest;
use crate::formats::records::{header, hxl_csv};
use crate::model::{AdminLevel, ImportMode, PeriodKind, RecordKind};
use crate::ops::records::{self, Import, RecordsOpError};

/// Registers of records.
#[derive(Debug, Subcommand)]
pub enum RecordsCommand {
    /// Import a file as a new version of a register (one transaction: all or nothing):
    /// CSV with a HXL hashtag row, or for losses a DesInventar export (its zip or XML).
    Import {
        /// The register (losses).
        kind: RecordKind,
        /// The file.
        file: std::path::PathBuf,
        /// Add to the current version (records with an id already there replace it)
        /// instead of replacing the register.
        #[arg(long)]
        merge: bool,
        /// Import the good rows even when some are refused (the report lists them).
        #[arg(long)]
        allow_rejects: bool,
        /// For a DesInventar export: a CSV of its geography codes and the official ones
        /// (columns di_code, code); without it, units are placed by their names.
        #[arg(long)]
        mapping: Option<std::path::PathBuf>,
        /// For disbursements: the exchange rates (JSON, docs/records.md) values are
        /// converted to RWF and USD with; without it only RWF is taken.
        #[arg(long)]
        rates: Option<std::path::PathBuf>,
        /// Who imports (recorded in the audit log as cli:NAME).
        #[arg(long, default_value = "admin")]
        by: String,
    },
    /// Show a register's versions with their import reports.
    Show {
        /// The register.
        kind: RecordKind,
    },
    /// Make an earlier version of a register current again.
    Rollback {
        /// The register.
        kind: RecordKind,
        /// The version.
        version: i32,
        /// Who asks (recorded in the audit log as cli:NAME).
        #[arg(long, default_value = "admin")]
        by: String,
    },
    /// Print a register's records as HXL CSV (or JSON).
    Export {
        /// The register.
        kind: RecordKind,
        /// A version other than the current one.
        #[arg(long)]
        version: Option<i32>,
        /// Print JSON instead.
        #[arg(long)]
        json: bool,
    },
    /// Print the fields of a kind and its HXL CSV template (the two header rows).
    Fields {
        /// The kind.
        kind: RecordKind,
    },
    /// Write the choice lists the returnee household form (data/forms) chooses the
    /// destination from (districts.csv, sectors.csv, cells.csv, villages.csv, each unit
    /// named by its official code) from the loaded boundary layers: attach them to the
    /// form in ODK Central or KoboToolbox.
    FormLists {
        /// The folder to write them in.
        dir: std::path::PathBuf,
    },
    /// Roll one numeric field up by admin unit and period, as CSV.
    Rollup {
        /// The register.
        kind: RecordKind,
        /// The field (e.g. deaths).
        field: String,
        /// The level (country, province, district, sector, cell, village).
        #[arg(long, default_value = "district")]
        level: AdminLevel,
        /// The period (day, month, quarter, fiscal-year, year).
        #[arg(long, default_value = "year")]
        period: PeriodKind,
    },
}

impl RecordsCommand {
    /// Runs the command.
    ///
    /// # Errors
    /// For a file that does not import, an unknown version or field, or a store failure.
    pub fn run(self, db: &str) -> anyhow::Result<ExitCode> {
        let store = open_store(db)?;
        match self {
            Self::Import {
                kind,
                file,
                merge,
                allow_rejects,
                mapping,
                rates,
                by,
            } => {
                let rates = read_rates(rates.as_deref())?;
                let mapping = match mapping {
                    Some(path) => records::read_mapping(
                        &std::fs::read(&path)
                            .with_context(|| format!("cannot read {}", path.display()))?,
                    )?,
                    None => std::collections::HashMap::new(),
                };
                let bytes = std::fs::read(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let engine = Engine::load(store.as_ref())?;
                let name = file.file_name().map_or_else(
                    || file.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                let import = Import {
                    kind,
                    source_name: &name,
                    bytes: &bytes,
                    mode: if merge {
                        ImportMode::Merge
                    } else {
                        ImportMode::Replace
                    },
                    allow_rejects,
                    by: &format!("cli:{by}"),
                    mapping: &mapping,
                    rates: &rates,
                };
                match records::import(&store, &engine, &import) {
                    Ok(v) => {
                        println!(
                            "{kind} v{}: {} records ({} imported, {} refused, {} replaced)",
                            v.version,
                            v.record_count,
                            v.report.imported,
                            v.report.rejected,
                            v.report.replaced
                        );
                        for issue in &v.report.issues {
                            println!("  refused row {}: {}", issue.row, issue.reason);
                        }
                    }
                    Err(RecordsOpError::Records(e)) => {
                        if let Some(report) = e.report() {
                            for issue in &report.issues {
                                eprintln!("row {}: {}", issue.row, issue.reason);
                            }
                        }
                        anyhow::bail!("{e}; nothing was imported");
                    }
                    Err(e) => anyhow::bail!("{e}; nothing was imported"),
                }
            }
            Self::Show { kind } => {
                let register = store.register(kind)?.with_context(|| {
                    format!("there are no {kind} records yet: `sitroom records import {kind} FILE`")
                })?;
                print_json(&serde_json::to_value(register)?);
            }
            Self::Rollback { kind, version, by } => {
                let r = records::rollback(&store, kind, version, &format!("cli:{by}"))?;
                println!("{kind}: version {} is current", r.current_version);
            }
            Self::Export {
                kind,
                version,
                json,
            } => {
                let version = match version {
                    Some(v) => v,
                    None => {
                        store
                            .register(kind)?
                            .with_context(|| format!("there are no {kind} records yet"))?
                            .current_version
                    }
                };
                let all = store.records(kind, version)?;
                if json {
                    print_json(&serde_json::to_value(all)?);
                } else {
                    print!("{}", hxl_csv(kind, &all));
                }
            }
            Self::Fields { kind } => {
                print_json(&serde_json::to_value(kind.fields())?);
                print!("{}", header(kind));
            }
            Self::FormLists { dir } => {
                let engine = Engine::load(&store)?;
                let lists = crate::ops::returnees::form_lists(&engine).map_err(|level| {
                    anyhow::anyhow!(
                        "no {level} boundary layer is loaded: load the {level}s first (`sitroom load … --kind boundary --theme {level}`)"
                    )
                })?;
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot make {}", dir.display()))?;
                for (name, text) in lists {
                    let path = dir.join(name);
                    std::fs::write(&path, text)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    println!("{}", path.display());
                }
            }
            Self::Rollup {
                kind,
                field,
                level,
                period,
            } => {
                let engine = Engine::default();
                engine.registers.sync(&store)?;
                let register = engine
                    .registers
                    .get(kind)
                    .with_context(|| format!("there are no {kind} records yet"))?;
                let r = engine.registers.roll_up(
                    &register,
                    RollRequest {
                        field: &field,
                        level,
                        period,
                        only: None,
                    },
                )?;
                println!("code,period,{field},records");
                for row in r.rows.iter().chain(&r.coarser) {
                    println!("{},{},{},{}", row.code, row.period, row.value, row.records);
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// The rate table in `path`, or none (only RWF).
///
/// # Errors
/// When the file cannot be read or is not a rate table.
pub fn read_rates(
    path: Option<&std::path::Path>,
) -> anyhow::Result<crate::ingest::records::rates::RateTable> {
    let Some(path) = path else {
        return Ok(crate::ingest::records::rates::RateTable::default());
    };
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "{} is not a rate table (docs/records.md: {{\"source\": …, \"rwf_per\": {{\"USD\": {{\"2024\": …}}}}}})",
            path.display()
        )
    })
}

//! The command line: `sitroom serve | load | layers | layer | rollback | access | delete |
//! token | exposure | alerts | subscribers | deliveries | records | demo`, one module per command.
//! Every write goes through the same path as the API's (`load::load_file`, `ops` and the
//! store, which audits it).

mod alerts;
mod demo;
mod exposure;
mod layers;
mod load;
mod records;
mod serve;
mod subscribers;
mod token;

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::config;
use crate::store::{self, Store};

/// sitroom: hazard-risk and situation-room server.
#[derive(Debug, Parser)]
#[command(name = "sitroom", version, about, long_about = None)]
pub struct Cli {
    /// Store: a SQLite file path (created if missing) or a postgres:// URL for PostGIS.
    #[arg(long, global = true, env = "DATABASE_URL", default_value = config::DEFAULT_DB)]
    db: String,
    /// Log format on standard error: text (for people) or json (one object a line, for
    /// log collectors).
    #[arg(long, global = true, env = "SITROOM_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    /// Readable lines, coloured on a terminal.
    Text,
    /// One JSON object a line: time, level, message, fields and the request's span.
    Json,
}

fn init_logging(format: LogFormat) {
    let builder = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "sitroom=info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init(),
        // Colours only on a terminal: not in log files, journals or pipes.
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API.
    Serve(Box<serve::ServeArgs>),
    /// Load a file as a new version of a layer (one transaction: all or nothing).
    Load(Box<load::LoadArgs>),
    /// List layers with their current version and feature count.
    Layers(layers::LayersArgs),
    /// Show one layer with all its versions and load reports.
    Layer(layers::LayerArgs),
    /// Make an earlier version of a layer current again.
    Rollback(layers::RollbackArgs),
    /// Change who may read a layer, for every version, without a reload.
    Access(layers::AccessArgs),
    /// Delete a layer and all its versions.
    Delete(layers::DeleteArgs),
    /// Manage API tokens (needed for writes over HTTP).
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Exposure of one layer to a hazard per admin unit and class (as /api/exposure).
    Exposure(exposure::ExposureArgs),
    /// Alert rules and the CAP alerts they draft.
    #[command(subcommand)]
    Alerts(alerts::AlertsCommand),
    /// The institutions issued alerts are delivered to.
    #[command(subcommand)]
    Subscribers(subscribers::SubscribersCommand),
    /// What became of each delivery of an issued alert.
    #[command(subcommand)]
    Deliveries(subscribers::DeliveriesCommand),
    /// Registers of records: disaster losses (import, versions, rollback, export,
    /// roll-ups).
    #[command(subcommand)]
    Records(records::RecordsCommand),
    /// Load the real Rwanda demo data (boundaries, population, camps, hazard zones).
    Demo(demo::DemoArgs),
}

/// Entry point of the binary.
#[must_use]
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    gdal::config::set_error_handler(|_, _, _| {});
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn open_store(db: &str) -> anyhow::Result<Arc<Store>> {
    Ok(Arc::from(
        store::open(db).with_context(|| format!("opening store '{db}'"))?,
    ))
}

fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
    );
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let db = cli.db.as_str();
    match cli.command {
        Command::Serve(a) => a.run(db),
        Command::Load(a) => a.run(db),
        Command::Layers(a) => a.run(db),
        Command::Layer(a) => a.run(db),
        Command::Rollback(a) => a.run(db),
        Command::Access(a) => a.run(db),
        Command::Delete(a) => a.run(db),
        Command::Token(a) => a.run(db),
        Command::Exposure(a) => a.run(db),
        Command::Alerts(a) => a.run(db),
        Command::Subscribers(a) => a.run(db),
        Command::Deliveries(a) => a.run(db),
        Command::Records(a) => a.run(db),
        Command::Demo(a) => a.run(db),
    }
}

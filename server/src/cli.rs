//! The command line: `sitroom serve | load | layers | layer | rollback | delete | token | demo`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::api::{self, AppState};
use crate::config::{self, ServerSettings};
use crate::demo;
use crate::engine::exposure;
use crate::load::{LoadError, LoadSource, load_file};
use crate::model::{AccessChange, FieldMapping, LayerId, MetaChanges, Sensitivity};
use crate::store::{self, Store};

/// sitroom: hazard-risk and situation-room server.
#[derive(Debug, Parser)]
#[command(name = "sitroom", version, about, long_about = None)]
pub struct Cli {
    /// Store: a SQLite file path (created if missing) or a postgres:// URL for PostGIS.
    #[arg(long, global = true, env = "DATABASE_URL", default_value = config::DEFAULT_DB)]
    db: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = config::DEFAULT_BIND)]
        bind: String,
        /// Largest upload accepted, in MiB.
        #[arg(long, default_value_t = config::DEFAULT_UPLOAD_LIMIT_MB)]
        upload_limit_mb: u64,
        /// Memory for rendered tiles, in MiB (0 turns the tile cache off).
        #[arg(long, default_value_t = config::DEFAULT_TILE_CACHE_MB)]
        tile_cache_mb: usize,
        /// The built web map, served at `/`.
        #[arg(long, default_value = config::DEFAULT_WEB_DIR)]
        web_dir: std::path::PathBuf,
        /// Fonts (TrueType/OpenType) for map labels.
        #[arg(long, default_value = config::DEFAULT_FONTS_DIR)]
        fonts_dir: std::path::PathBuf,
        /// Requests a second per client (token, or address without one), with bursts
        /// of four times as many; 0 turns the limit off.
        #[arg(long, default_value_t = config::DEFAULT_RATE_LIMIT)]
        rate_limit: f64,
        /// Seconds a request may take before it is answered with 503 (uploads and the
        /// event stream excepted).
        #[arg(long, default_value_t = config::DEFAULT_REQUEST_TIMEOUT_S)]
        request_timeout_s: u64,
        #[command(flatten)]
        load_limits: LoadLimitArgs,
        /// Address of a reverse proxy in front of the server whose X-Forwarded-For,
        /// -Proto and -Host headers are believed (repeat for several); from anyone else
        /// they are ignored.
        #[arg(long = "trusted-proxy", value_name = "IP")]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// The server's public address (e.g. https://sitroom.example.org), used for
        /// every absolute link in answers instead of the request's host.
        #[arg(long)]
        public_url: Option<String>,
    },
    /// Load a file as a new version of a layer (one transaction: all or nothing).
    Load(Box<LoadArgs>),
    /// List layers with their current version and feature count.
    Layers {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one layer with all its versions and load reports.
    Layer {
        /// Layer id.
        id: LayerId,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Make an earlier version of a layer current again.
    Rollback {
        /// Layer id.
        id: LayerId,
        /// Version to make current.
        version: i32,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change who may read a layer, for every version, without a reload.
    #[command(group(clap::ArgGroup::new("change").required(true).multiple(true)))]
    Access {
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
    },
    /// Delete a layer and all its versions.
    Delete {
        /// Layer id.
        id: LayerId,
    },
    /// Manage API tokens (needed for writes over HTTP).
    #[command(subcommand)]
    Token(TokenCommand),
    /// Exposure of one layer to a hazard per admin unit and class (as /api/exposure).
    Exposure {
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
    },
    /// Load the real Rwanda demo data (boundaries, population, camps, hazard zones).
    Demo {
        /// Folder with the mirrored source data.
        #[arg(long, env = "SITROOM_MIRROR", default_value = config::DEFAULT_MIRROR)]
        mirror: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create a token; its secret is printed once and stored only as a hash.
    Create {
        /// Unique name (who or what uses it).
        name: String,
        /// What it may do: viewer (read), analyst (also restricted detail), editor (also
        /// load layers) or admin (also tokens and the audit log).
        #[arg(long, default_value = "viewer")]
        role: crate::model::Role,
        /// Days until it expires (default: never).
        #[arg(long)]
        expires_days: Option<u32>,
    },
    /// List tokens (names and dates; never secrets).
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token by name.
    Revoke {
        /// Token name.
        name: String,
    },
}

#[derive(Debug, Args)]
struct LoadArgs {
    /// File to load: GeoJSON, Shapefile (.shp or .zip), GeoPackage, KML, CSV with lon/lat, GeoTIFF.
    file: PathBuf,
    /// Layer id (an ASCII slug such as flood-2026).
    #[arg(long)]
    layer: LayerId,
    /// Layer kind: hazard, exposure or boundary (required for a new layer).
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
struct LoadLimitArgs {
    /// Most features one load may hold.
    #[arg(long, default_value_t = config::DEFAULT_MAX_FEATURES)]
    max_features: u64,
    /// Most vertices (coordinates) one load may hold over all its geometries.
    #[arg(long, default_value_t = config::DEFAULT_MAX_VERTICES)]
    max_vertices: u64,
}

impl LoadLimitArgs {
    fn limits(&self) -> crate::ingest::LoadLimits {
        crate::ingest::LoadLimits {
            features: self.max_features,
            vertices: self.max_vertices,
        }
    }
}

/// Entry point of the binary.
#[must_use]
pub fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "sitroom=info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        // Colours only on a terminal: not in log files, journals or pipes.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    gdal::config::set_error_handler(|_, _, _| {});
    let cli = Cli::parse();
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
    match cli.command {
        Command::Serve {
            bind,
            upload_limit_mb,
            tile_cache_mb,
            web_dir,
            fonts_dir,
            rate_limit,
            request_timeout_s,
            load_limits,
            trusted_proxies,
            public_url,
        } => {
            if let Some(u) = &public_url {
                anyhow::ensure!(
                    (u.starts_with("http://") || u.starts_with("https://"))
                        && !u.contains(['"', '<', '>', ' ']),
                    "--public-url '{u}' is not an http(s) address: give e.g. https://sitroom.example.org"
                );
            }
            let store = open_store(&cli.db)?;
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind(&bind)
                    .await
                    .with_context(|| format!("cannot listen on {bind}"))?;
                let backend = store.backend();
                let addr = listener.local_addr()?;
                let started = std::time::Instant::now();
                let web_dir = web_dir
                    .join("index.html")
                    .is_file()
                    .then_some(web_dir)
                    .or_else(|| {
                        tracing::warn!("no built web map there: / explains how to build it");
                        None
                    });
                let settings = ServerSettings {
                    upload_limit_bytes: upload_limit_mb.saturating_mul(1024 * 1024),
                    tile_cache_bytes: tile_cache_mb.saturating_mul(1024 * 1024),
                    fonts_dir,
                    web_dir,
                    rate_limit,
                    rate_burst: rate_limit * 4.0,
                    request_timeout: std::time::Duration::from_secs(request_timeout_s),
                    load_limits: load_limits.limits(),
                    trusted_proxies,
                    public_url,
                };
                let state =
                    tokio::task::spawn_blocking(move || AppState::new(store, settings)).await??;
                tracing::info!(
                    layers = state.engine.snapshots().len(),
                    seconds = started.elapsed().as_secs_f64(),
                    "engine snapshots built"
                );
                tracing::info!("sitroom serving on http://{addr} (store: {backend})");
                api::serve(listener, state).await?;
                anyhow::Ok(())
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Load(args) => load(&cli.db, *args),
        Command::Layers { json } => {
            let store = open_store(&cli.db)?;
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
        Command::Layer { id, json } => {
            let store = open_store(&cli.db)?;
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
        Command::Rollback { id, version, json } => {
            let store = open_store(&cli.db)?;
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
        Command::Access {
            id,
            anonymous,
            sensitivity,
            json,
        } => {
            let store = open_store(&cli.db)?;
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
        Command::Delete { id } => {
            let store = open_store(&cli.db)?;
            if store.delete_layer(&id, &config::cli_user())? {
                println!("deleted layer {id} and all its versions");
                Ok(ExitCode::SUCCESS)
            } else {
                anyhow::bail!("layer '{id}' does not exist")
            }
        }
        Command::Token(cmd) => token(&cli.db, cmd),
        Command::Exposure {
            hazard,
            exposure,
            by,
            format,
        } => {
            anyhow::ensure!(
                ["json", "csv", "geojson"].contains(&format.as_str()),
                "format '{format}' is not offered: use json, csv or geojson"
            );
            let store = open_store(&cli.db)?;
            let engine = crate::engine::Engine::load(store.as_ref())?;
            // Whoever can open the store sees everything in it.
            let (report, units) = exposure::report(
                &engine,
                exposure::ExposureRequest {
                    hazard: &hazard,
                    exposure: &exposure,
                    by: &by,
                    needs: exposure::Needs::SPHERE,
                },
                true,
            )?;
            match format.as_str() {
                "csv" => print!("{}", exposure::export::to_csv(&report)),
                "geojson" => print_json(&exposure::export::to_geojson(&report, units.as_deref())),
                _ => print_json(&serde_json::to_value(&report)?),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { mirror, json } => {
            let store = open_store(&cli.db)?;
            let loaded = demo::load_all(store.as_ref(), &mirror, !json, &config::cli_user())?;
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
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn token(db: &str, cmd: TokenCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(db)?;
    match cmd {
        TokenCommand::Create {
            name,
            role,
            expires_days,
        } => {
            crate::auth::check_token_name(&name).map_err(anyhow::Error::msg)?;
            let expires = expires_days
                .map(crate::auth::expiry_in)
                .transpose()
                .map_err(anyhow::Error::msg)?;
            let (secret, _) = crate::auth::create_token(
                store.as_ref(),
                &name,
                role,
                expires,
                &config::cli_user(),
            )
            .with_context(|| {
                format!("creating token '{name}' (is the name already taken? `sitroom token list`)")
            })?;
            println!("{secret}");
            eprintln!(
                "token '{name}' ({role}) created: keep the line above secret; it is not shown again"
            );
        }
        TokenCommand::List { json } => {
            let tokens = store.tokens()?;
            if json {
                print_json(&serde_json::to_value(&tokens)?);
            } else {
                for t in tokens {
                    let state = if t.is_usable(chrono::Utc::now()) {
                        "active"
                    } else {
                        "revoked/expired"
                    };
                    println!(
                        "{:<24} {:<8} {:<16} created {}{}",
                        t.name,
                        t.role,
                        state,
                        t.created_at.format("%Y-%m-%d"),
                        t.expires_at
                            .map(|e| format!(", expires {}", e.format("%Y-%m-%d")))
                            .unwrap_or_default()
                    );
                }
            }
        }
        TokenCommand::Revoke { name } => {
            if !store.revoke_token(&name, &config::cli_user())? {
                anyhow::bail!("no active token named '{name}'");
            }
            println!("token '{name}' revoked");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn load(db: &str, a: LoadArgs) -> anyhow::Result<ExitCode> {
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
    let meta = changes
        .resolve(&a.layer, current.as_ref().map(|d| &d.layer.meta))
        .map_err(anyhow::Error::msg)?;
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

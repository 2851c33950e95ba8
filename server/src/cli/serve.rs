//! `sitroom serve`: the HTTP API and the web map.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;

use super::load::LoadLimitArgs;
use super::open_store;
use crate::api::{self, AppState};
use crate::config::{self, ServerSettings};

/// Serve the HTTP API.
#[derive(Debug, Args)]
pub struct ServeArgs {
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
    #[command(flatten)]
    alerts: super::alerts::SenderArgs,
    #[command(flatten)]
    delivery: DeliveryArgs,
    /// GDP by year and replacement costs (JSON, see docs/records.md) for the Sendai
    /// economic indicators C-1, C-4 and C-5; without it they are not computed.
    #[arg(long)]
    economy: Option<std::path::PathBuf>,
    /// Exchange rates (JSON: RWF per unit of each currency by year, see
    /// docs/records.md) disbursements are converted with; without it only RWF is taken.
    #[arg(long)]
    rates: Option<std::path::PathBuf>,
}

/// How issued alerts are delivered to subscribers.
#[derive(Debug, Args)]
pub struct DeliveryArgs {
    /// Allow subscribers' webhooks on private, loopback and link-local addresses (a
    /// ministry network's own receivers, tests); refused otherwise.
    #[arg(long)]
    allow_private_webhooks: bool,
    /// Seconds a webhook may take to answer.
    #[arg(long, default_value_t = 10.0)]
    delivery_timeout_s: f64,
    /// Seconds before the first retry of a failed delivery (each next wait doubles, up
    /// to six hours, with jitter).
    #[arg(long, default_value_t = 5.0)]
    delivery_retry_s: f64,
    /// Tries before a delivery is parked for an admin to retry.
    #[arg(long, default_value_t = 10)]
    delivery_attempts: i32,
    /// Deliveries in flight at once.
    #[arg(long, default_value_t = 64)]
    delivery_concurrency: usize,
    /// Deliver nothing from this server (another server sharing the store does).
    #[arg(long)]
    no_delivery: bool,
    /// SMTP relay for subscribers' e-mails: smtp://host:port (add ?tls=required for
    /// STARTTLS) or smtps://user:password@host (best given in the environment).
    #[arg(long, env = "SITROOM_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// Who the e-mails are from, e.g. "MINEMA alerts <alerts@minema.gov.rw>".
    #[arg(long, requires = "smtp_url")]
    smtp_from: Option<String>,
}

impl DeliveryArgs {
    /// The settings these arguments describe.
    ///
    /// # Errors
    /// When a number is out of range.
    pub fn settings(self) -> anyhow::Result<crate::delivery::DeliverySettings> {
        anyhow::ensure!(
            self.delivery_timeout_s > 0.0 && self.delivery_timeout_s <= 300.0,
            "--delivery-timeout-s must be above 0 and at most 300"
        );
        anyhow::ensure!(
            self.delivery_retry_s > 0.0 && self.delivery_retry_s <= 3600.0,
            "--delivery-retry-s must be above 0 and at most 3600"
        );
        anyhow::ensure!(
            (1..=100).contains(&self.delivery_attempts),
            "--delivery-attempts must be 1 to 100"
        );
        anyhow::ensure!(
            (1..=4096).contains(&self.delivery_concurrency),
            "--delivery-concurrency must be 1 to 4096"
        );
        let smtp = match (self.smtp_url, self.smtp_from) {
            (Some(url), Some(from)) => Some(crate::delivery::SmtpSettings { url, from }),
            (Some(_), None) => anyhow::bail!(
                "--smtp-url needs --smtp-from: who the e-mails are from, e.g. \"Alerts <alerts@example.org>\""
            ),
            _ => None,
        };
        Ok(crate::delivery::DeliverySettings {
            smtp,
            allow_private: self.allow_private_webhooks,
            backoff: crate::model::subscriber::Backoff {
                base_s: self.delivery_retry_s,
                attempts: self.delivery_attempts,
                ..Default::default()
            },
            timeout: std::time::Duration::from_secs_f64(self.delivery_timeout_s),
            concurrency: self.delivery_concurrency,
            enabled: !self.no_delivery,
            ..Default::default()
        })
    }
}

impl ServeArgs {
    /// Runs the server until Ctrl-C or SIGTERM.
    ///
    /// # Errors
    /// When the store cannot be opened or the address cannot be listened on.
    pub fn run(self, db: &str) -> anyhow::Result<ExitCode> {
        let Self {
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
            alerts,
            delivery,
            economy,
            rates,
        } = self;
        let rates = super::records::read_rates(rates.as_deref())?;
        let economy = match economy {
            Some(path) => serde_json::from_slice(
                &std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?,
            )
            .with_context(|| {
                format!(
                    "{} is not an economy file (docs/records.md)",
                    path.display()
                )
            })?,
            None => crate::engine::sendai::Economy::default(),
        };
        let alerts = alerts.sender()?;
        let delivery = delivery.settings()?;

        if let Some(u) = &public_url {
            anyhow::ensure!(
                (u.starts_with("http://") || u.starts_with("https://"))
                    && !u.contains(['"', '<', '>', ' ']),
                "--public-url '{u}' is not an http(s) address: give e.g. https://sitroom.example.org"
            );
        }
        let store = open_store(db)?;
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
                alerts,
                delivery,
                economy,
                rates,
            };
            let state =
                tokio::task::spawn_blocking(move || AppState::new(store, settings)).await??;
            tracing::info!(
                layers = state.engine.snapshots().len(),
                seconds = started.elapsed().as_secs_f64(),
                "engine snapshots built"
            );
            // Rules may not have seen versions loaded while no server ran.
            state.evaluate_rules(None);
            state.start_delivery()?;
            tracing::info!("sitroom serving on http://{addr} (store: {backend})");
            api::serve(listener, state).await?;
            anyhow::Ok(())
        })?;
        Ok(ExitCode::SUCCESS)
    }
}

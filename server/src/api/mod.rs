//! The HTTP API: one module per resource, each exposing `router()`, merged by [`app`];
//! what they share to speak HTTP is in [`http`]. Handlers only translate requests and
//! answers: the figures, rules and limits are below, in the engine and the model.

mod alerts;
mod audit;
mod choropleth;
mod events;
mod exposure;
pub mod glyphs;
mod health;
pub mod http;
mod layers;
mod loss_events;
mod metrics;
mod ogc;
mod record_tiles;
mod records;
mod returnees;
mod search;
mod styles;
mod subscribers;
mod tiles;
mod tokens;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use tower_http::trace::TraceLayer;

pub use alerts::FeedCache;
pub use http::ApiError;
use http::{headers, limits, links, problem};

use crate::auth;
use crate::config::ServerSettings;
use crate::engine::Engine;
use crate::engine::tiles::TileCache;
use crate::store::Store;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// The system of record.
    pub store: Arc<Store>,
    /// Limits, files and trusted proxies.
    pub settings: Arc<ServerSettings>,
    /// In-memory snapshots of every layer, for reads.
    pub engine: Arc<Engine>,
    /// Rendered tiles.
    pub tiles: Arc<TileCache>,
    /// Layer version changes, for `/events`.
    pub events: tokio::sync::broadcast::Sender<LayerEvent>,
    /// Fonts for map labels (`/fonts`).
    pub fonts: Arc<glyphs::Fonts>,
    /// Requests per client.
    pub limiter: Arc<limits::RateLimiter>,
    /// Tokens verified lately.
    pub token_cache: Arc<auth::TokenCache>,
    /// Wakes the delivery worker when an alert is issued here.
    pub deliveries: Arc<tokio::sync::Notify>,
    /// The issued alerts and feed pages, kept while the store's alerts do not change.
    pub feed: Arc<std::sync::Mutex<alerts::FeedCache>>,
    /// When each (actor, layer) last had a restricted read recorded.
    recent_reads:
        Arc<std::sync::Mutex<std::collections::HashMap<(String, String), std::time::Instant>>>,
}

/// A layer got a new current version (or was deleted: `version` is `None`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct LayerEvent {
    /// The layer.
    pub layer: String,
    /// Its current version now.
    pub version: Option<i32>,
}

impl AppState {
    /// State over `store` with `settings`, the engine built from the store.
    ///
    /// # Errors
    /// When the store cannot be read.
    pub fn new(
        store: Arc<Store>,
        settings: ServerSettings,
    ) -> Result<Self, crate::engine::EngineError> {
        let engine = Arc::new(Engine::load(store.as_ref())?);
        engine.prepare_in_background(&engine.snapshots().keys().cloned().collect::<Vec<_>>());
        Ok(Self {
            store,
            engine,
            tiles: Arc::new(TileCache::new(settings.tile_cache_bytes)),
            events: tokio::sync::broadcast::channel(256).0,
            fonts: Arc::new(glyphs::Fonts::in_dir(&settings.fonts_dir)),
            recent_reads: Arc::default(),
            token_cache: Arc::default(),
            deliveries: Arc::default(),
            feed: Arc::default(),
            limiter: Arc::new(limits::RateLimiter::new(
                settings.rate_limit,
                settings.rate_burst,
            )),
            settings: Arc::new(settings),
        })
    }

    /// Brings the engine up to date with the store after a write (or a load by another
    /// process); failures are logged and retried on the next sync.
    pub async fn sync_engine(&self) {
        let (engine, store) = (self.engine.clone(), self.store.clone());
        match tokio::task::spawn_blocking(move || engine.sync(store.as_ref())).await {
            Ok(Ok(changed)) if !changed.is_empty() => {
                tracing::info!(?changed, "engine snapshots updated");
                self.engine.prepare_in_background(&changed);
                let ids: Vec<String> = changed.iter().map(ToString::to_string).collect();
                self.tiles.purge(&ids);
                self.evaluate_rules(Some(changed.clone()));
                for id in changed {
                    let version = self.engine.layer(&id).map(|s| s.version);
                    // No subscriber is not an error.
                    let _ = self.events.send(LayerEvent {
                        layer: id.to_string(),
                        version,
                    });
                }
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "engine sync failed; serving the previous snapshots");
            }
            _ => {}
        }
        self.sync_registers().await;
    }

    /// Brings the registers in memory up to date with the store (after an import, a
    /// rollback, or one by another process).
    pub async fn sync_registers(&self) {
        let (engine, store) = (self.engine.clone(), self.store.clone());
        match tokio::task::spawn_blocking(move || engine.registers.sync(store.as_ref())).await {
            Ok(Ok(changed)) if !changed.is_empty() => {
                tracing::info!(?changed, "registers updated");
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "register sync failed; serving the previous versions");
            }
            _ => {}
        }
    }
}

impl AppState {
    /// Starts this server's delivery worker, unless its settings say another server
    /// delivers.
    ///
    /// # Errors
    /// When the worker's HTTP client cannot be built.
    pub fn start_delivery(&self) -> anyhow::Result<()> {
        let d = &self.settings.delivery;
        if !d.enabled {
            tracing::info!("this server delivers no alerts (--no-delivery)");
            return Ok(());
        }
        crate::delivery::spawn(
            self.store.clone(),
            d.clone(),
            self.settings.alerts.clone(),
            self.settings.public_url.clone(),
            self.deliveries.clone(),
        )
    }

    /// Evaluates, in the background, the alert rules counting one of the `changed`
    /// layers (every enabled rule when `None`, as at start); the drafts they make are
    /// stored once per rule version and input versions, whichever server gets there.
    pub fn evaluate_rules(&self, changed: Option<Vec<crate::model::LayerId>>) {
        let (engine, store) = (self.engine.clone(), self.store.clone());
        let sender = self.settings.alerts.clone();
        tokio::task::spawn_blocking(move || {
            crate::ops::alerts::evaluate_changed(&engine, &store, changed.as_deref(), &sender)
        });
    }
}

/// The whole application, without a socket (tests call it with `oneshot`).
pub fn app(state: AppState) -> Router {
    let limit = usize::try_from(state.settings.upload_limit_bytes).unwrap_or(usize::MAX);
    let router = Router::new()
        .merge(health::router())
        .merge(layers::router())
        .merge(tiles::router())
        .merge(ogc::router())
        .merge(events::router())
        .merge(exposure::router())
        .merge(choropleth::router())
        .merge(search::router())
        .merge(styles::router())
        .merge(glyphs::router())
        .merge(tokens::router())
        .merge(audit::router())
        .merge(alerts::router())
        .merge(subscribers::router())
        .merge(records::router())
        .merge(loss_events::router())
        .merge(returnees::router())
        .merge(record_tiles::router())
        .merge(metrics::router())
        .route("/openapi.yaml", axum::routing::get(openapi))
        .route("/openapi.json", axum::routing::get(openapi_json));
    let router = match &state.settings.web_dir {
        Some(dir) => router.fallback_service(
            tower_http::services::ServeDir::new(dir)
                .not_found_service(axum::routing::any(problem::not_found)),
        ),
        None => router
            .route("/", axum::routing::get(web_map_missing))
            .fallback(problem::not_found),
    };
    router
        .layer(axum::middleware::from_fn(problem::normalise))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            links::resolve,
        ))
        .layer(DefaultBodyLimit::max(limit.saturating_add(64 * 1024)))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::from_fn(headers::secure))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::extract::Request| {
                let matched = req
                    .extensions()
                    .get::<axum::extract::MatchedPath>()
                    .map(axum::extract::MatchedPath::as_str);
                tracing::info_span!("request", method = %req.method(), path = matched.unwrap_or("(unmatched)"))
            }),
        )
        .with_state(state)
}

/// The same description as JSON.
async fn openapi_json() -> impl axum::response::IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "application/vnd.oai.openapi+json;version=3.1",
        )],
        ogc::full_description().to_string(),
    )
}

/// The OpenAPI 3.1 description of this API (`docs/openapi.yaml`, checked against the
/// server by schemathesis in the tests).
async fn openapi() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/yaml")],
        include_str!("../../../docs/openapi.yaml"),
    )
}

/// `/` when the web map has not been built.
async fn web_map_missing() -> axum::response::Html<&'static str> {
    axum::response::Html(
        "<!doctype html><title>sitroom</title><h1>sitroom is running</h1><p>The web map is not built here: run <code>npm --prefix web-map ci &amp;&amp; npm --prefix web-map run build</code> (or <code>scripts/demo.sh</code>) and start the server from the repository, or pass <code>--web-dir</code>. The APIs are at <a href=\"/catalog\">/catalog</a>, <a href=\"/ogc\">/ogc</a> and <code>/api/…</code>.</p>",
    )
}

/// Serves `app` on `listener` until Ctrl-C or SIGTERM, letting requests in flight finish.
///
/// # Errors
/// When the listener fails.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    // Loads by other processes (the CLI, other replicas) reach the engine within seconds.
    let syncing = state.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3));
        loop {
            every.tick().await;
            syncing.sync_engine().await;
        }
    });
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down after the requests in flight");
}

//! The HTTP API: one module per resource, each exposing `router()`, merged by [`app`].

mod health;
mod layers;
mod problem;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use tower_http::trace::TraceLayer;

pub use problem::ApiError;

use crate::store::Store;

/// Default largest upload accepted, in bytes (200 MiB).
pub const DEFAULT_UPLOAD_LIMIT: u64 = 200 * 1024 * 1024;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// The system of record.
    pub store: Arc<dyn Store>,
    /// Largest upload accepted, in bytes.
    pub upload_limit: u64,
}

/// The whole application, without a socket (tests call it with `oneshot`).
pub fn app(state: AppState) -> Router {
    let limit = usize::try_from(state.upload_limit).unwrap_or(usize::MAX);
    Router::new()
        .merge(health::router())
        .merge(layers::router())
        .fallback(problem::not_found)
        .layer(DefaultBodyLimit::max(limit.saturating_add(64 * 1024)))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves `app` on `listener` until Ctrl-C or SIGTERM, letting requests in flight finish.
///
/// # Errors
/// When the listener fails.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, app(state))
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

/// Runs blocking store work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(format!("worker failed: {e}")))?
}

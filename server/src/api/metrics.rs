//! `/metrics` for Prometheus (OpenMetrics text, open like `/health`: it names routes and
//! counts, never a layer, place or figure) and the middleware that times every answer.

use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;
use crate::metrics::{self, Connections};

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(scrape))
}

async fn scrape(State(state): State<AppState>) -> Response {
    let m = metrics::get();
    let cache = state.tiles.stats();
    m.tile_cache_entries
        .set(i64::try_from(cache.entries).unwrap_or(i64::MAX));
    m.tile_cache_bytes
        .set(i64::try_from(cache.bytes).unwrap_or(i64::MAX));
    let (open, idle) = state.store.connections();
    m.store_connections
        .get_or_create(&Connections { state: "idle" })
        .set(i64::from(idle));
    m.store_connections
        .get_or_create(&Connections { state: "in_use" })
        .set(i64::from(open.saturating_sub(idle)));
    m.layers
        .set(i64::try_from(state.engine.snapshots().len()).unwrap_or(i64::MAX));
    ([(header::CONTENT_TYPE, metrics::CONTENT_TYPE)], m.encode()).into_response()
}

/// Counts and times every answer by its route template.
pub async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(req).await;
    metrics::get().answered(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

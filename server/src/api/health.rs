//! `GET /health`: whether the server and its store answer.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::AppState;
use super::http::{ApiError, blocking};

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

async fn health(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let store = state.store.clone();
    let layers = blocking(move || Ok(store.layers()?.len())).await?;
    Ok(Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "store": state.store.backend(),
        "layers": layers,
        "tile_cache": state.tiles.stats(),
    })))
}

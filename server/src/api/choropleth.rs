//! Exposure by unit as a vector tile layer, for choropleth maps:
//! `GET /api/exposure/tiles/{z}/{x}/{y}.mvt?hazard=…&exposure=…&by=…` and its TileJSON at
//! `GET /api/exposure/tiles.json?…`. The layer is named `exposure`; each unit of the level
//! carries its code, name and figures (see `UNIT_FIELDS`), taken from the same cached
//! result as `/api/exposure`, so map and table always agree.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::AppState;
use super::http::access::clearance;
use super::http::caching::{etag, not_modified, private_to_caller};
use super::http::tile::{TileSource, parse_tile, serve_tile, units_tilejson};
use super::http::{ApiError, BaseUrl, blocking};
use crate::engine::disclosure::Control;
use crate::engine::exposure::choropleth::{self, UNIT_FIELDS};
use crate::engine::exposure::{self, ExposureError, Inputs};
use crate::engine::{LayerSnapshot, Selection};

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/exposure/tiles.json", get(tilejson))
        .route("/api/exposure/tiles/{z}/{x}/{y}", get(tile))
}

#[derive(Debug, Deserialize)]
struct ChoroplethQuery {
    hazard: String,
    exposure: String,
    by: Option<String>,
}

impl ChoroplethQuery {
    fn by(&self) -> &str {
        self.by.as_deref().unwrap_or("district")
    }

    fn query_string(&self) -> String {
        format!(
            "hazard={}&exposure={}&by={}",
            self.hazard,
            self.exposure,
            self.by()
        )
    }
}

/// The layers of a request and the boundary layer whose units are drawn.
fn layers(state: &AppState, q: &ChoroplethQuery) -> Result<(Inputs, Arc<LayerSnapshot>), ApiError> {
    let inputs = Inputs::resolve(&state.engine.snapshots(), &q.hazard, &q.exposure, q.by())?;
    let units = inputs
        .names_layer
        .clone()
        .ok_or(ExposureError::NothingToDraw(inputs.level))?;
    Ok((inputs, units))
}

async fn tile(
    State(state): State<AppState>,
    Path((z, x, y)): Path<(String, String, String)>,
    Query(q): Query<ChoroplethQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let t = parse_tile(
        &z,
        &x,
        &y,
        "/api/exposure/tiles/{z}/{x}/{y}.mvt?hazard=…&exposure=…&by=…",
    )?;
    let clearance = clearance(&state, &headers, &q.hazard, &q.exposure).await?;
    let st = state.clone();
    let (layer, source) = blocking(move || {
        let (inputs, units) = layers(&st, &q)?;
        let computed = st
            .engine
            .exposure(&inputs.hazard, &inputs.exposed, &inputs.finest);
        let control = Control::of(&inputs.hazard.meta, &inputs.exposed.meta, clearance);
        // Published and exact figures never share a cache entry or an ETag.
        let variant = format!("choropleth {} {control:?}", q.by());
        let layers = inputs.sources();
        let source = TileSource {
            tag: etag(&layers, &format!("{variant} {}/{}/{}", t.z, t.x, t.y)),
            ids: layers.iter().map(|l| l.meta.id.to_string()).collect(),
            private: private_to_caller(&layers),
        };
        let layer = computed.derived(&variant, || {
            let (by_level, _) = exposure::figures(&st.engine, &inputs, &computed, control);
            choropleth::layer(&inputs, &units, &by_level)
        });
        Ok((layer, source))
    })
    .await?;
    serve_tile(
        &state,
        &headers,
        vec![layer],
        t,
        Selection::default(),
        source,
    )
    .await
}

async fn tilejson(
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    State(state): State<AppState>,
    Query(q): Query<ChoroplethQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    clearance(&state, &headers, &q.hazard, &q.exposure).await?;
    let (inputs, units) = layers(&state, &q)?;
    let layers = inputs.sources();
    let tag = etag(&layers, &format!("choropleth tilejson {} {}", q.by(), base));
    if not_modified(&headers, &tag) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response());
    }
    let body = units_tilejson(
        "exposure",
        &format!(
            "Exposure of {} to {} by {}",
            inputs.exposed.meta.title,
            inputs.hazard.meta.title,
            q.by()
        ),
        &layers
            .iter()
            .map(|s| format!("{}@{}", s.meta.id, s.version))
            .collect::<Vec<_>>()
            .join(","),
        &layers
            .iter()
            .map(|s| s.meta.attribution.as_str())
            .filter(|a| !a.is_empty())
            .collect::<Vec<_>>()
            .join("; "),
        &format!(
            "{}/api/exposure/tiles/{{z}}/{{x}}/{{y}}.mvt?{}",
            base,
            q.query_string()
        ),
        &units,
        UNIT_FIELDS,
    );
    Ok(([(header::ETAG, tag)], Json(body)).into_response())
}

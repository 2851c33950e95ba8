//! A register's roll-up as a vector tile layer, for choropleth maps:
//! `GET /api/records/{kind}/tiles/{z}/{x}/{y}.mvt?field=…&level=…&period=…&at=…&where=…`
//! and its TileJSON at `GET /api/records/{kind}/tiles.json?…`. The layer is named
//! `records`; each unit of the level carries its code, name, value and count of records
//! (see `UNIT_FIELDS`), taken from the same kept roll-up as `/api/records/{kind}/rollup`,
//! so map and table agree. Reading takes a viewer token, as every register does.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::AppState;
use super::http::access::register_reader;
use super::http::caching::{etag, not_modified};
use super::http::tile::{TileSource, parse_tile, serve_tile, units_tilejson};
use super::http::{ApiError, BaseUrl, blocking};
use super::records::{kind_of, roll_request};
use crate::engine::registers::RegisterSnapshot;
use crate::engine::rollup_layer::UNIT_FIELDS;
use crate::engine::{LayerSnapshot, Selection, boundary_of};
use crate::model::RecordKind;

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/records/{kind}/tiles.json", get(tilejson))
        .route("/api/records/{kind}/tiles/{z}/{x}/{y}", get(tile))
}

#[derive(Debug, Deserialize)]
struct TilesQuery {
    field: Option<String>,
    level: Option<String>,
    period: Option<String>,
    /// One period (`2023`, `FY2022/23`, `2023-Q2`…); all of them when not given.
    at: Option<String>,
    #[serde(rename = "where")]
    only: Option<String>,
}

impl TilesQuery {
    /// The query as it came, for the tile addresses of the TileJSON.
    fn query_string(&self) -> String {
        let pairs = [
            ("field", &self.field),
            ("level", &self.level),
            ("period", &self.period),
            ("at", &self.at),
            ("where", &self.only),
        ];
        pairs
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", encode(v))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// `s` percent-encoded for a query string.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A register, the units of a level and the register's roll-up drawn on them.
type Drawn = (
    Arc<RegisterSnapshot>,
    Arc<LayerSnapshot>,
    Arc<LayerSnapshot>,
);

/// The roll-up of `q` drawn on its level's units, with those units.
fn drawn(state: &AppState, kind: RecordKind, q: &TilesQuery) -> Result<Drawn, ApiError> {
    let request = roll_request(
        q.field.as_deref(),
        q.level.as_deref(),
        None,
        q.period.as_deref(),
        q.only.as_deref(),
    )?;
    let register = state
        .engine
        .registers
        .get(kind)
        .ok_or_else(|| ApiError::not_found(crate::store::StoreError::RegisterNotFound(kind)))?;
    let units = boundary_of(&state.engine.snapshots(), request.level).ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "No boundaries",
            format!(
                "no boundary layer of level {} is loaded to draw the {kind} register on: load one (theme {}) or ask for another level",
                request.level, request.level
            ),
        )
    })?;
    let layer = state
        .engine
        .registers
        .drawn(&register, request, q.at.as_deref(), &units)
        .map_err(ApiError::bad_request)?;
    Ok((register, units, layer))
}

/// What sets a drawn roll-up apart from another, for ETags and the tile cache.
fn variant(kind: RecordKind, register: &RegisterSnapshot, q: &TilesQuery) -> String {
    format!(
        "records {kind}@{} {:?} {:?} {:?} {:?} {:?}",
        register.version, q.field, q.level, q.period, q.at, q.only
    )
}

async fn tile(
    State(state): State<AppState>,
    Path((kind, z, x, y)): Path<(String, String, String, String)>,
    Query(q): Query<TilesQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let kind = kind_of(&kind)?;
    let t = parse_tile(
        &z,
        &x,
        &y,
        "/api/records/{kind}/tiles/{z}/{x}/{y}.mvt?field=…&level=…",
    )?;
    register_reader(&state, &headers, kind, "tiles").await?;
    let st = state.clone();
    let (layer, source) = blocking(move || {
        let (register, units, layer) = drawn(&st, kind, &q)?;
        let what = format!("{} {}/{}/{}", variant(kind, &register, &q), t.z, t.x, t.y);
        let source = TileSource {
            tag: etag(std::slice::from_ref(&units), &what),
            ids: vec![units.meta.id.to_string()],
            private: true,
        };
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
    Path(kind): Path<String>,
    Query(q): Query<TilesQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let kind = kind_of(&kind)?;
    register_reader(&state, &headers, kind, "tiles").await?;
    let st = state.clone();
    let (register, units, layer, q) = blocking(move || {
        let (register, units, layer) = drawn(&st, kind, &q)?;
        Ok((register, units, layer, q))
    })
    .await?;
    let tag = etag(
        std::slice::from_ref(&units),
        &format!("tilejson {} {base}", variant(kind, &register, &q)),
    );
    if not_modified(&headers, &tag) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response());
    }
    let body = units_tilejson(
        "records",
        &layer.meta.title,
        &format!(
            "{kind}@{},{}@{}",
            register.version, units.meta.id, units.version
        ),
        &units.meta.attribution,
        &format!(
            "{base}/api/records/{kind}/tiles/{{z}}/{{x}}/{{y}}.mvt?{}",
            q.query_string()
        ),
        &units,
        UNIT_FIELDS,
    );
    Ok((
        [
            (header::ETAG, tag),
            (header::CACHE_CONTROL, "private, no-cache".to_owned()),
        ],
        Json(body),
    )
        .into_response())
}

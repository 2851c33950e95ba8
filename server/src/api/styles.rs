//! Map styles (MapLibre / Mapbox GL, version 8) for what the caller may see:
//! `GET /styles` lists them, `GET /styles/situation.json` is the situation map (every
//! layer, or `?layers=` the data layers to draw, bottom first, over the basemap) and
//! `GET /styles/layers/{id}.json` one layer alone. QGIS loads them as a vector tile
//! layer's `styleUrl`; MapLibre pages use them as they are. The web map starts from the
//! situation style.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::http::caching::{etag, private_to_caller, tagged_json};
use super::http::catalog::{Seen, seen, seen_one};
use super::http::{ApiError, BaseUrl, Reader};
use crate::cartography::{Drawn, layer_style, situation_style};
use crate::model::LayerId;

/// Media type of a Mapbox GL / MapLibre style.
pub const STYLE_JSON: &str = "application/vnd.mapbox.style+json";

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/styles", get(list))
        .route("/styles/situation.json", get(situation))
        .route("/styles/layers/{file}", get(one))
}

async fn list(
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let reader = Reader::of(&state, &headers).await?;
    let entry = |id: &str, title: &str, href: String| json!({"id": id, "title": title, "links": [{"href": href, "rel": "stylesheet", "type": STYLE_JSON}]});
    let mut styles = vec![entry(
        "situation",
        "Situation map: every layer over the offline basemap",
        format!("{base}/styles/situation.json"),
    )];
    for v in seen(&reader, &state.engine.snapshots()) {
        let m = &v.snap.meta;
        styles.push(entry(
            m.id.as_str(),
            &m.title,
            format!("{base}/styles/layers/{}.json", m.id),
        ));
    }
    Ok(Json(json!({ "styles": styles })))
}

/// `?layers=`: the data layers to draw, bottom first.
#[derive(Debug, Deserialize)]
struct SituationQuery {
    layers: Option<String>,
}

async fn situation(
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    State(state): State<AppState>,
    Query(q): Query<SituationQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let reader = Reader::of(&state, &headers).await?;
    let all = seen(&reader, &state.engine.snapshots());
    let chosen: Vec<&Seen> = match q.layers.as_deref() {
        None => all.iter().collect(),
        Some(names) => {
            let mut out: Vec<&Seen> = all
                .iter()
                .filter(|v| v.snap.meta.kind.is_basemap())
                .collect();
            let snapshots = state.engine.snapshots();
            for name in names.split(',').filter(|n| !n.is_empty()) {
                let snap = snapshots
                    .iter()
                    .find(|(id, _)| id.as_str() == name)
                    .map(|(_, s)| s)
                    .ok_or_else(|| {
                        ApiError::not_found(format!(
                            "layer '{name}' does not exist: GET /catalog lists the layers"
                        ))
                    })?;
                reader.check(&snap.meta)?;
                // Boundary and context layers are drawn in any case, as the basemap.
                let Some(v) = all
                    .iter()
                    .find(|v| v.snap.meta.id.as_str() == name && !v.snap.meta.kind.is_basemap())
                else {
                    continue;
                };
                if !out.iter().any(|o| std::ptr::eq(*o, v)) {
                    out.push(v);
                }
            }
            out
        }
    };
    let key: Vec<String> = chosen
        .iter()
        .map(|v| format!("{}:{}", v.snap.meta.id, v.detail))
        .collect();
    let drawn: Vec<Drawn> = chosen.iter().map(|v| v.drawn()).collect();
    answer(
        &headers,
        &chosen,
        &format!("situation {} {base}", key.join(",")),
        || situation_style(&base, &drawn),
    )
}

async fn one(
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = file.strip_suffix(".json").ok_or_else(|| {
        ApiError::not_found(format!(
            "no resource at /styles/layers/{file}: a layer's style is at /styles/layers/{{layer}}.json"
        ))
    })?;
    let missing = || {
        ApiError::not_found(format!(
            "layer '{id}' does not exist: GET /styles lists the styles"
        ))
    };
    let layer: LayerId = id.parse().map_err(|_| missing())?;
    let reader = Reader::of(&state, &headers).await?;
    let snapshots = state.engine.snapshots();
    let snap = snapshots.get(&layer).ok_or_else(missing)?;
    reader.check(&snap.meta)?;
    let v = &seen_one(&reader, &snapshots, snap.clone());
    answer(
        &headers,
        &[v],
        &format!("layer {id}:{} {base}", v.detail),
        || layer_style(&base, &v.drawn()),
    )
}

/// The style with its ETag and caching headers (or 304).
fn answer(
    headers: &HeaderMap,
    drawn: &[&Seen],
    what: &str,
    build: impl FnOnce() -> Value,
) -> Result<Response, ApiError> {
    let snaps: Vec<_> = drawn.iter().map(|v| v.snap.clone()).collect();
    tagged_json(
        headers,
        &etag(&snaps, what),
        private_to_caller(&snaps),
        STYLE_JSON,
        build,
    )
}

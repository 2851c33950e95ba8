//! Vector tiles from the engine: `GET /tiles/{layers}/{z}/{x}/{y}.mvt` (several layers
//! joined with commas), TileJSON 3.0 at `GET /tiles/{layer}.json`, and `GET /catalog`.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::AppState;
use super::http::caching::{etag, private_to_caller, tagged_json};
use super::http::catalog::seen;
use super::http::selection::SelectionQuery;
use super::http::tile::{Views, layers_tile, parse_tile, views};
use super::http::{ApiError, BaseUrl, Reader};
use crate::cartography::default_opacity;
use crate::engine::LayerSnapshot;
use crate::engine::tiles::{MAX_ZOOM, labels_layer};

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/catalog", get(catalog))
        .route("/tiles/{name}", get(tilejson))
        .route("/tiles/{layers}/{z}/{x}/{y}", get(tile))
}

async fn tile(
    State(state): State<AppState>,
    Path((layers, z, x, y)): Path<(String, String, String, String)>,
    Query(query): Query<SelectionQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let t = parse_tile(&z, &x, &y, "/tiles/{layers}/{z}/{x}/{y}.mvt")?;
    layers_tile(&state, &headers, &layers, t, &query).await
}

/// The tile layers of `s`: its features, and for the basemap's polygons their label
/// points.
fn vector_layers(s: &LayerSnapshot) -> Vec<Value> {
    let mut out = vec![vector_layer(s)];
    if let Some(name) = s.label_field() {
        out.push(json!({
            "id": labels_layer(s.meta.id.as_str()),
            "description": format!("{}: one label point per feature", s.meta.title),
            "fields": {name: "String"},
            "minzoom": 0,
            "maxzoom": MAX_ZOOM,
        }));
    }
    out
}

fn vector_layer(s: &LayerSnapshot) -> Value {
    let fields: serde_json::Map<String, Value> = s
        .fields
        .iter()
        .map(|(k, t)| (k.clone(), Value::String((*t).to_owned())))
        .collect();
    json!({
        "id": s.meta.id,
        "description": s.meta.title,
        "fields": fields,
        "minzoom": 0,
        "maxzoom": MAX_ZOOM,
    })
}

async fn tilejson(
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let layers = name.strip_suffix(".json").ok_or_else(|| {
        ApiError::not_found(format!(
            "no resource at /tiles/{name}: TileJSON is at /tiles/{{layer}}.json, tiles at /tiles/{{layer}}/{{z}}/{{x}}/{{y}}.mvt"
        ))
    })?;
    let Views {
        shown: snaps,
        sources,
        key,
    } = views(&state, &headers, layers).await?;
    let tag = etag(&sources, &format!("tilejson {key} {base}"));
    tagged_json(
        &headers,
        &tag,
        private_to_caller(&sources),
        "application/json",
        || {
            let bounds = snaps.iter().filter_map(|s| s.bbox).reduce(|a, b| {
                [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ]
            });
            let bounds = bounds.unwrap_or([-180.0, -85.051_128_78, 180.0, 85.051_128_78]);
            let attribution: Vec<&str> = snaps
                .iter()
                .map(|s| s.meta.attribution.as_str())
                .filter(|a| !a.is_empty())
                .collect();
            json!({
                "tilejson": "3.0.0",
                "name": layers,
                "description": snaps.iter().map(|s| s.meta.title.as_str()).collect::<Vec<_>>().join(", "),
                "version": snaps.iter().map(|s| format!("{}@{}", s.meta.id, s.version)).collect::<Vec<_>>().join(","),
                "attribution": attribution.join("; "),
                "scheme": "xyz",
                "tiles": [format!("{}/tiles/{layers}/{{z}}/{{x}}/{{y}}.mvt", base)],
                "minzoom": 0,
                "maxzoom": MAX_ZOOM,
                "bounds": bounds,
                "center": [f64::midpoint(bounds[0], bounds[2]), f64::midpoint(bounds[1], bounds[3]), 8],
                "vector_layers": snaps.iter().flat_map(|s| vector_layers(s)).collect::<Vec<_>>(),
            })
        },
    )
}

async fn catalog(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let reader = Reader::of(&state, &headers).await?;
    let tiles: serde_json::Map<String, Value> = seen(&reader, &state.engine.snapshots())
        .iter()
        .map(|v| {
            let s = &v.snap;
            (
                s.meta.id.to_string(),
                json!({
                    "title": s.meta.title,
                    "kind": s.meta.kind,
                    "theme": s.meta.theme,
                    "sensitivity": s.meta.sensitivity,
                    "anonymous": s.meta.anonymous,
                    "detail": v.detail,
                    "version": s.version,
                    "features": v.detail.then_some(s.features.len()),
                    "geometry": v.geometry(),
                    "bounds": v.bounds,
                    "attribution": s.meta.attribution,
                    "classification": s.meta.classification,
                    "fields": s.meta.fields,
                    "opacity": default_opacity(s.meta.kind, v.geometry()),
                    "tilejson": format!("/tiles/{}.json", s.meta.id),
                    "style": format!("/styles/layers/{}.json", s.meta.id),
                }),
            )
        })
        .collect();
    Ok(Json(json!({ "tiles": tiles })))
}

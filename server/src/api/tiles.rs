//! Vector tiles from the engine: `GET /tiles/{layers}/{z}/{x}/{y}.mvt` (several layers
//! joined with commas), TileJSON 3.0 at `GET /tiles/{layer}.json`, and `GET /catalog`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::AppState;
use super::http::caching::{etag, not_modified, private_to_caller, set_cache_headers};
use super::http::selection::SelectionQuery;
use super::http::tile::{TileSource, parse_tile, serve_tile};
use super::http::{ApiError, BaseUrl, Reader};
use crate::engine::LayerSnapshot;
use crate::engine::tiles::MAX_ZOOM;
use crate::model::LayerId;

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/catalog", get(catalog))
        .route("/tiles/{name}", get(tilejson))
        .route("/tiles/{layers}/{z}/{x}/{y}", get(tile))
}

/// The layers of a tile request as the caller may see them.
struct Views {
    /// What is drawn: each layer, or its aggregates (restricted, without clearance).
    shown: Vec<Arc<LayerSnapshot>>,
    /// Every layer the content depends on, for cache purges.
    sources: Vec<Arc<LayerSnapshot>>,
    /// The layers in order, aggregated ones marked: with the sources' versions, what
    /// tells one tile's content from another's (a viewer's aggregates of a layer never
    /// share an ETag or a cache entry with an analyst's detail).
    key: String,
}

/// Most layers one tile may combine (each named once).
const MAX_LAYERS_PER_TILE: usize = 16;

/// The named layers as the caller may see them.
async fn views(state: &AppState, headers: &HeaderMap, names: &str) -> Result<Views, ApiError> {
    let reader = Reader::of(state, headers).await?;
    let all = state.engine.snapshots();
    let (mut shown, mut sources, mut key) = (Vec::new(), Vec::new(), Vec::new());
    let mut named: Vec<&str> = Vec::new();
    for name in names.split(',') {
        if !named.contains(&name) {
            named.push(name);
        }
    }
    if named.len() > MAX_LAYERS_PER_TILE {
        return Err(ApiError::bad_request(format!(
            "{} layers in one tile is more than the {MAX_LAYERS_PER_TILE} a tile may combine: ask for fewer at a time",
            named.len()
        )));
    }
    for name in named {
        let id: LayerId = name
            .parse()
            .map_err(|e: crate::model::SlugError| ApiError::bad_request(e.to_string()))?;
        let snap = all.get(&id).ok_or_else(|| {
            ApiError::not_found(format!(
                "layer '{id}' does not exist: GET /catalog lists the tile layers"
            ))
        })?;
        let view = reader.view(state, snap.clone(), "tiles").await?;
        key.push(if view.by.is_some() {
            format!("{id}:aggregates")
        } else {
            id.to_string()
        });
        sources.extend(view.sources());
        shown.push(view.layer);
    }
    Ok(Views {
        shown,
        sources,
        key: key.join(","),
    })
}

async fn tile(
    State(state): State<AppState>,
    Path((layers, z, x, y)): Path<(String, String, String, String)>,
    Query(query): Query<SelectionQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let t = parse_tile(&z, &x, &y, "/tiles/{layers}/{z}/{x}/{y}.mvt")?;
    let views = views(&state, &headers, &layers).await?;
    let selection = query.resolve(&views.shown)?;
    let ids: Vec<String> = views
        .sources
        .iter()
        .map(|s| s.meta.id.to_string())
        .collect();
    let tag = etag(
        &views.sources,
        &format!("{} {}/{}/{} {}", views.key, t.z, t.x, t.y, selection.key()),
    );
    let private = private_to_caller(&views.shown);
    serve_tile(
        &state,
        &headers,
        views.shown,
        t,
        selection,
        TileSource { tag, ids, private },
    )
    .await
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
    if not_modified(&headers, &tag) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response());
    }
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
    let body = json!({
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
        "vector_layers": snaps.iter().map(|s| vector_layer(s)).collect::<Vec<_>>(),
    });
    let mut headers = HeaderMap::new();
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&tag).map_err(|e| ApiError::internal(e.to_string()))?,
    );
    set_cache_headers(&mut headers, private_to_caller(&sources));
    Ok((headers, Json(body)).into_response())
}

async fn catalog(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let reader = Reader::of(&state, &headers).await?;
    let all = state.engine.snapshots();
    // Aggregates are drawn on the finest units: their extent, never the layer's own.
    let units_bbox = crate::engine::finest_boundary(&all).and_then(|(u, _)| u.bbox);
    let tiles: serde_json::Map<String, Value> = all
        .values()
        .filter(|s| reader.may_read(&s.meta))
        .map(|s| {
            let detail = reader.sees_detail(&s.meta);
            (
                s.meta.id.to_string(),
                json!({
                    "title": s.meta.title,
                    "kind": s.meta.kind,
                    "theme": s.meta.theme,
                    "sensitivity": s.meta.sensitivity,
                    "anonymous": s.meta.anonymous,
                    "detail": detail,
                    "version": s.version,
                    "features": detail.then_some(s.features.len()),
                    "geometry": if detail { s.geometry_kind() } else { Some("polygon") },
                    "bounds": if detail { s.bbox } else { units_bbox },
                    "attribution": s.meta.attribution,
                    "classification": s.meta.classification,
                    "fields": s.meta.fields,
                    "tilejson": format!("/tiles/{}.json", s.meta.id),
                }),
            )
        })
        .collect();
    Ok(Json(json!({ "tiles": tiles })))
}

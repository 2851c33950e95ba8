//! Vector tiles from the engine: `GET /tiles/{layers}/{z}/{x}/{y}.mvt` (several layers
//! joined with commas), TileJSON 3.0 at `GET /tiles/{layer}.json`, and `GET /catalog`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::access::Reader;
use super::encoding::Encoding;
use super::{ApiError, AppState, blocking};
use crate::engine::tiles::render;
use crate::engine::tiles::{MAX_ZOOM, TileId};
use crate::engine::{LayerSnapshot, Selection};
use crate::model::{LayerId, Sensitivity};

/// MIME type of Mapbox Vector Tiles.
const MVT_TYPE: &str = "application/vnd.mapbox-vector-tile";

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

/// The named layers as the caller may see them.
async fn views(state: &AppState, headers: &HeaderMap, names: &str) -> Result<Views, ApiError> {
    let reader = Reader::of(state, headers).await?;
    let all = state.engine.snapshots();
    let (mut shown, mut sources, mut key) = (Vec::new(), Vec::new(), Vec::new());
    for name in names.split(',') {
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

/// An ETag from the layer versions and `what` else the content depends on.
pub fn etag(layers: &[Arc<LayerSnapshot>], what: &str) -> String {
    let mut h = Sha256::new();
    for l in layers {
        h.update(l.meta.id.as_str());
        h.update(l.version.to_le_bytes());
        h.update([0]);
    }
    h.update(env!("CARGO_PKG_VERSION"));
    h.update(what);
    format!("\"{}\"", &hex::encode(h.finalize())[..20])
}

/// Whether a response drawn from `layers` is for its caller only: when any of them is
/// restricted (aggregates or detail by who asks) or needs a token. Marked `public`, a
/// shared cache could keep a tile fetched with a token and hand it to anyone.
pub fn private_to_caller(layers: &[Arc<LayerSnapshot>]) -> bool {
    layers
        .iter()
        .any(|l| l.meta.sensitivity == Sensitivity::Restricted || !l.meta.anonymous)
}

fn cache_control(private: bool) -> &'static str {
    if private {
        "private, max-age=60"
    } else {
        "public, max-age=60"
    }
}

/// Whether the client's `If-None-Match` names `tag`.
pub fn not_modified(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == tag || t.trim() == "*")
        })
}

/// `?properties=a,b&filter=…` of tile and feature requests.
#[derive(Debug, Default, serde::Deserialize)]
pub struct SelectionQuery {
    /// Comma-separated attribute names.
    pub properties: Option<String>,
    /// CQL2-text subset (see `engine::filter`).
    pub filter: Option<String>,
}

impl SelectionQuery {
    /// The selection, checked against the layers' fields.
    ///
    /// # Errors
    /// 400 naming the unknown field or the syntax error.
    pub fn resolve(&self, layers: &[Arc<LayerSnapshot>]) -> Result<Selection, ApiError> {
        Selection::parse(self.properties.as_deref(), self.filter.as_deref(), layers)
            .map_err(ApiError::bad_request)
    }

    fn cache_key(&self) -> String {
        format!("p={:?}&f={:?}", self.properties, self.filter)
    }
}

/// The tile of `…/{z}/{x}/{y}.mvt`; `pattern` is the route's address, for messages.
///
/// # Errors
/// 404 without `.mvt`, 400 for numbers that are not a tile.
pub fn parse_tile(z: &str, x: &str, y: &str, pattern: &str) -> Result<TileId, ApiError> {
    let bad = |what: &str, v: &str| {
        ApiError::bad_request(format!(
            "{what} '{v}' is not a whole number: tiles are {pattern}"
        ))
    };
    let y_num = y
        .strip_suffix(".mvt")
        .ok_or_else(|| ApiError::not_found(format!("no tile format '{y}': tiles end in .mvt")))?;
    TileId::new(
        z.parse().map_err(|_| bad("zoom", z))?,
        x.parse().map_err(|_| bad("x", x))?,
        y_num.parse().map_err(|_| bad("y", y_num))?,
    )
    .map_err(ApiError::bad_request)
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
        &format!(
            "{} {}/{}/{} {}",
            views.key,
            t.z,
            t.x,
            t.y,
            query.cache_key()
        ),
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

/// What identifies a tile's content, for its ETag and cache entry.
pub struct TileSource {
    /// ETag of the content before encoding: changes with every input layer version.
    pub tag: String,
    /// Layers whose new versions must purge it from the cache.
    pub ids: Vec<String>,
    /// Whether shared caches must not keep it.
    pub private: bool,
}

/// Renders (or takes from the cache) the tile `t` of `snaps`, compressed as the client
/// accepts, with ETag, `Cache-Control` and 304 / 204 handling.
///
/// # Errors
/// 500 when the tile cannot be rendered.
pub async fn serve_tile(
    state: &AppState,
    headers: &HeaderMap,
    snaps: Vec<Arc<LayerSnapshot>>,
    t: TileId,
    selection: Selection,
    source: TileSource,
) -> Result<Response, ApiError> {
    let encoding = Encoding::negotiate(headers);
    // One ETag per representation: the same tile in brotli and in gzip differ.
    let tag = format!("{}-{}\"", source.tag.trim_end_matches('"'), encoding.tag());
    let mut resp_headers = HeaderMap::new();
    resp_headers.insert(
        header::ETAG,
        HeaderValue::from_str(&tag).map_err(|e| ApiError::internal(e.to_string()))?,
    );
    resp_headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control(source.private)),
    );
    // A private tile depends on who asks (aggregates or detail, or refused).
    resp_headers.insert(
        header::VARY,
        HeaderValue::from_static(if source.private {
            "accept-encoding, authorization"
        } else {
            "accept-encoding"
        }),
    );
    if not_modified(headers, &tag) {
        return Ok((StatusCode::NOT_MODIFIED, resp_headers).into_response());
    }
    let body = match state.tiles.get(&tag) {
        Some(cached) => cached,
        None => {
            let encoded = blocking(move || {
                let raw = render(&snaps, t, &selection);
                Ok(if raw.is_empty() {
                    raw
                } else {
                    encoding.encode(&raw)
                })
            })
            .await?;
            let encoded = bytes::Bytes::from(encoded);
            state.tiles.put(tag.clone(), source.ids, encoded.clone());
            encoded
        }
    };
    if body.is_empty() {
        return Ok((StatusCode::NO_CONTENT, resp_headers).into_response());
    }
    resp_headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(MVT_TYPE));
    if let Some(coding) = encoding.header() {
        resp_headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    Ok((StatusCode::OK, resp_headers, body).into_response())
}

/// `scheme://host` of the request, for absolute links.
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:8080");
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("http");
    format!("{proto}://{host}")
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
    let tag = etag(&sources, &format!("tilejson {key} {}", base_url(&headers)));
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
        "tiles": [format!("{}/tiles/{layers}/{{z}}/{{x}}/{{y}}.mvt", base_url(&headers))],
        "minzoom": 0,
        "maxzoom": MAX_ZOOM,
        "bounds": bounds,
        "center": [(bounds[0] + bounds[2]) / 2.0, (bounds[1] + bounds[3]) / 2.0, 8],
        "vector_layers": snaps.iter().map(|s| vector_layer(s)).collect::<Vec<_>>(),
    });
    Ok((
        [
            (header::ETAG, tag),
            (
                header::CACHE_CONTROL,
                cache_control(private_to_caller(&snaps)).to_owned(),
            ),
        ],
        Json(body),
    )
        .into_response())
}

async fn catalog(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let reader = Reader::of(&state, &headers).await?;
    let tiles: serde_json::Map<String, Value> = state
        .engine
        .snapshots()
        .values()
        .filter(|s| reader.may_read(&s.meta))
        .map(|s| {
            (
                s.meta.id.to_string(),
                json!({
                    "title": s.meta.title,
                    "kind": s.meta.kind,
                    "theme": s.meta.theme,
                    "sensitivity": s.meta.sensitivity,
                    "anonymous": s.meta.anonymous,
                    "detail": reader.sees_detail(&s.meta),
                    "version": s.version,
                    "features": s.features.len(),
                    "geometry": s.geometry_kind(),
                    "bounds": s.bbox,
                    "attribution": s.meta.attribution,
                    "tilejson": format!("/tiles/{}.json", s.meta.id),
                }),
            )
        })
        .collect();
    Ok(Json(json!({ "tiles": tiles })))
}

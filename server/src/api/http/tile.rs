//! Answering with a tile: address parsing, the layers as the caller may see them, ETag
//! per representation, 304, the cache of encoded tiles, compression, 204 for empty tiles.

use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::caching::{etag, not_modified, private_to_caller, set_cache_headers};
use super::encoding::Encoding;
use super::selection::SelectionQuery;
use super::{ApiError, Reader, blocking};
use crate::api::AppState;
use crate::engine::tiles::{MAX_ZOOM, TileId, render};
use crate::engine::{LayerSnapshot, Selection};
use crate::model::LayerId;

/// MIME type of Mapbox Vector Tiles.
const MVT_TYPE: &str = "application/vnd.mapbox-vector-tile";

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

/// A choropleth's TileJSON: one layer `name` of the units of `units`, each with the
/// attributes `fields` names (name, type, meaning), at the address `tiles`.
#[must_use]
pub fn units_tilejson(
    name: &str,
    description: &str,
    version: &str,
    attribution: &str,
    tiles: &str,
    units: &LayerSnapshot,
    fields: &[(&str, &str, &str)],
) -> serde_json::Value {
    let bounds = units
        .bbox
        .unwrap_or([-180.0, -85.051_128_78, 180.0, 85.051_128_78]);
    let types: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .map(|(name, kind, _)| ((*name).to_owned(), (*kind).into()))
        .collect();
    serde_json::json!({
        "tilejson": "3.0.0",
        "name": name,
        "description": description,
        "version": version,
        "attribution": attribution,
        "scheme": "xyz",
        "tiles": [tiles],
        "minzoom": 0,
        "maxzoom": MAX_ZOOM,
        "bounds": bounds,
        "center": [f64::midpoint(bounds[0], bounds[2]), f64::midpoint(bounds[1], bounds[3]), 8],
        "vector_layers": [{
            "id": name,
            "description": fields.iter().map(|(n, _, d)| format!("{n}: {d}")).collect::<Vec<_>>().join("; "),
            "fields": types,
            "minzoom": 0,
            "maxzoom": MAX_ZOOM,
        }],
    })
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

/// The layers of a tile request as the caller may see them.
pub struct Views {
    /// What is drawn: each layer, or its aggregates (restricted, without clearance).
    pub shown: Vec<Arc<LayerSnapshot>>,
    /// Every layer the content depends on, for cache purges.
    pub sources: Vec<Arc<LayerSnapshot>>,
    /// The layers in order, aggregated ones marked: with the sources' versions, what
    /// tells one tile's content from another's (a viewer's aggregates of a layer never
    /// share an ETag or a cache entry with an analyst's detail).
    pub key: String,
}

/// Most layers one tile may combine (each named once).
const MAX_LAYERS_PER_TILE: usize = 16;

/// The named layers as the caller may see them.
pub async fn views(state: &AppState, headers: &HeaderMap, names: &str) -> Result<Views, ApiError> {
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

/// The tile `t` of the layers `names` (joined with commas) as the caller may see them,
/// with the selection of `query`.
///
/// # Errors
/// As [`views`], a bad selection, or a tile that cannot be rendered.
pub async fn layers_tile(
    state: &AppState,
    headers: &HeaderMap,
    names: &str,
    t: TileId,
    query: &SelectionQuery,
) -> Result<Response, ApiError> {
    let views = views(state, headers, names).await?;
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
        state,
        headers,
        views.shown,
        t,
        selection,
        TileSource { tag, ids, private },
    )
    .await
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
    // A private tile depends on who asks (aggregates or detail, or refused).
    set_cache_headers(&mut resp_headers, source.private);
    if not_modified(headers, &tag) {
        return Ok((StatusCode::NOT_MODIFIED, resp_headers).into_response());
    }
    let body = if let Some(cached) = state.tiles.get(&tag) {
        cached
    } else {
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

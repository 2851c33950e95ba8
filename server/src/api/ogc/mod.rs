//! OGC API – Features under `/ogc`: Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0), Part 2 (CRS by
//! reference: CRS84, EPSG:4326, 3857 and 32735) and, of Part 3, queryables and CQL2
//! filters. The landing page links the API description
//! (`service-desc`, [`description`]) and its HTML rendering (`service-doc`), so QGIS and
//! GDAL discover the collections, the page-size maximum and what can be filtered on the
//! server; items are served from the engine's snapshots ([`items`]), and each collection's
//! vector tiles as OGC API – Tiles ([`tiles`]).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::AppState;
use super::http::access::register_reader;
use super::http::{ApiError, BaseUrl, Reader, blocking};
use crate::engine::LayerSnapshot;
use crate::engine::geometry::crs::Crs;
use crate::model::{LayerId, RecordKind};

mod description;
mod html;
mod items;
mod queryables;
mod tiles;

pub use description::full as full_description;

const GEOJSON: &str = "application/geo+json";
/// Default page size. The standard's example is 10; GIS clients that read the API
/// description (QGIS) take the default as their page size, and 10 makes a layer of
/// 10,000 features a thousand requests.
const DEFAULT_LIMIT: usize = 1000;
/// Largest page (`maximum` of `limit` in the description).
const MAX_LIMIT: usize = 10_000;
const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
/// What is implemented, as the classes of Part 1, Part 3 and CQL2 name it.
const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
];

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ogc", get(landing))
        .route("/ogc/", get(landing))
        .route("/ogc/api", get(api))
        .route("/ogc/api.html", get(api_html))
        .route("/ogc/conformance", get(conformance))
        .route("/ogc/collections", get(collections))
        .route("/ogc/collections/{id}", get(collection))
        .route("/ogc/collections/{id}/queryables", get(queryables))
        .route("/ogc/collections/{id}/items", get(items::items))
        .route("/ogc/collections/{id}/items/{fid}", get(items::item))
        .merge(tiles::router())
}

/// `?f=` of the documents that have a web page.
#[derive(serde::Deserialize)]
struct FormatQuery {
    f: Option<String>,
}

/// `doc` as JSON, or as the web page `page` makes of it when the caller asks for HTML
/// (see [`html::wanted`]); the answer varies with `Accept`.
fn negotiated(
    headers: &HeaderMap,
    f: Option<&str>,
    doc: Value,
    page: impl FnOnce(&Value) -> String,
) -> Result<Response, ApiError> {
    let mut resp = if html::wanted(headers, f, &[])? {
        Html(page(&doc)).into_response()
    } else {
        Json(doc).into_response()
    };
    resp.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(resp)
}

async fn landing(
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    Query(q): Query<FormatQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let base = format!("{base}/ogc");
    let doc = json!({
        "title": "sitroom",
        "description": "Hazard, exposure and boundary layers of the situation room, as OGC API - Features and OGC API - Tiles",
        "links": [
            {"href": format!("{base}"), "rel": "self", "type": "application/json", "title": "this document"},
            {"href": format!("{base}/api"), "rel": "service-desc", "type": description::OPENAPI_JSON, "title": "the API description (OpenAPI 3.0)"},
            {"href": format!("{base}/api.html"), "rel": "service-doc", "type": "text/html", "title": "the API description as a web page"},
            {"href": format!("{base}/conformance"), "rel": "conformance", "type": "application/json", "title": "conformance classes"},
            {"href": format!("{base}/collections"), "rel": "data", "type": "application/json", "title": "collections"},
            {"href": format!("{base}/tileMatrixSets"), "rel": tiles::TILING_SCHEMES, "type": "application/json", "title": "tile matrix sets"},
            {"href": format!("{base}?f=html"), "rel": "alternate", "type": "text/html", "title": "this document as a web page"},
        ],
    });
    negotiated(&headers, q.f.as_deref(), doc, |d| html::landing(d, &base))
}

/// The registers there are that `reader` may read record by record, each as a layer
/// (its records with their units' shapes).
fn register_layers(state: &AppState, reader: &Reader) -> Vec<Arc<LayerSnapshot>> {
    let all = state.engine.snapshots();
    RecordKind::ALL
        .iter()
        .filter(|k| reads_register(reader, **k))
        .filter_map(|k| state.engine.registers.as_layer(*k, &all))
        .collect()
}

/// Whether `reader` reads `kind`'s records one by one.
fn reads_register(reader: &Reader, kind: RecordKind) -> bool {
    matches!(reader, Reader::Token(t) if t.role >= kind.reader())
}

/// The snapshots the caller may read, in id order, then the registers (to a token).
async fn readable(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Vec<Arc<LayerSnapshot>>, ApiError> {
    let reader = Reader::of(state, headers).await?;
    let mut shown: Vec<Arc<LayerSnapshot>> = state
        .engine
        .snapshots()
        .values()
        .filter(|s| reader.may_read(&s.meta))
        .cloned()
        .collect();
    let st = state.clone();
    shown.extend(blocking(move || Ok(register_layers(&st, &reader))).await?);
    Ok(shown)
}

/// The API description for this caller (the collections it may read).
async fn caller_description(
    state: &AppState,
    headers: &HeaderMap,
    base: &str,
) -> Result<Value, ApiError> {
    let shown = readable(state, headers).await?;
    let refs: Vec<&LayerSnapshot> = shown.iter().map(AsRef::as_ref).collect();
    Ok(description::ogc(&format!("{base}/ogc"), &refs))
}

async fn api(
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let doc = caller_description(&state, &headers, &base).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(description::OPENAPI_JSON),
        )],
        doc.to_string(),
    )
        .into_response())
}

async fn api_html(
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Html<String>, ApiError> {
    let doc = caller_description(&state, &headers, &base).await?;
    Ok(Html(html::description(&doc)))
}

async fn conformance(
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    Query(q): Query<FormatQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let classes: Vec<&str> = CONFORMANCE
        .iter()
        .chain(tiles::CONFORMANCE)
        .copied()
        .collect();
    negotiated(
        &headers,
        q.f.as_deref(),
        json!({ "conformsTo": classes }),
        |d| html::conformance(d, &format!("{base}/ogc")),
    )
}

fn collection_json(s: &LayerSnapshot, base: &str) -> Value {
    let id = s.meta.id.as_str();
    let bbox = s.bbox.unwrap_or([-180.0, -90.0, 180.0, 90.0]);
    json!({
        "id": id,
        "title": s.meta.title,
        "description": format!("{} layer ({}), version {}. {}", s.meta.kind, s.meta.theme.as_str(), s.version, s.meta.attribution),
        "itemType": "feature",
        "crs": Crs::ALL.map(Crs::uri),
        "storageCrs": CRS84,
        "extent": {"spatial": {"bbox": [bbox], "crs": CRS84}},
        "links": [
            {"href": format!("{base}/collections/{id}"), "rel": "self", "type": "application/json", "title": s.meta.title},
            {"href": format!("{base}/collections/{id}/items"), "rel": "items", "type": GEOJSON, "title": s.meta.title},
            {"href": format!("{base}/collections/{id}/queryables"), "rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables", "type": queryables::SCHEMA_JSON, "title": "fields to filter on"},
            {"href": format!("{base}/collections/{id}/tiles"), "rel": tiles::TILESETS_VECTOR, "type": "application/json", "title": "vector tiles"},
            {"href": format!("{base}/collections/{id}?f=html"), "rel": "alternate", "type": "text/html", "title": "this collection as a web page"},
        ],
    })
}

async fn collections(
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    State(state): State<AppState>,
    Query(q): Query<FormatQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let base = format!("{base}/ogc");
    let list: Vec<Value> = readable(&state, &headers)
        .await?
        .iter()
        .map(|s| collection_json(s, &base))
        .collect();
    let doc = json!({
        "links": [
            {"href": format!("{base}/collections"), "rel": "self", "type": "application/json"},
            {"href": format!("{base}/collections?f=html"), "rel": "alternate", "type": "text/html"},
        ],
        "collections": list,
    });
    negotiated(&headers, q.f.as_deref(), doc, |d| {
        html::collections(d, &base)
    })
}

/// Collection `id` as the caller may see it (a restricted one as aggregates by admin unit
/// without clearance).
async fn snapshot(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
) -> Result<Arc<LayerSnapshot>, ApiError> {
    let id: LayerId = id
        .parse()
        .map_err(|e: crate::model::SlugError| ApiError::bad_request(e.to_string()))?;
    let snap = match RecordKind::of_collection(id.as_str()) {
        Some(kind) => {
            register_reader(state, headers, kind, "features").await?;
            let st = state.clone();
            blocking(move || Ok(st.engine.registers.as_layer(kind, &st.engine.snapshots()))).await?
        }
        None => state.engine.layer(&id),
    }
    .ok_or_else(|| {
        ApiError::not_found(format!(
            "collection '{id}' does not exist: GET /ogc/collections lists them"
        ))
    })?;
    let reader = Reader::of(state, headers).await?;
    Ok(reader.view(state, snap, "features").await?.layer)
}

async fn collection(
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<FormatQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let snap = snapshot(&state, &headers, &id).await?;
    let base = format!("{base}/ogc");
    let doc = collection_json(&snap, &base);
    negotiated(&headers, q.f.as_deref(), doc, |d| {
        html::collection(d, &base)
    })
}

/// The queryables as `application/schema+json`, or as `application/json` to a client
/// that asks only for that (GDAL 3.6 does).
async fn queryables(
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let snap = snapshot(&state, &headers, &id).await?;
    let href = format!("{base}/ogc/collections/{id}/queryables");
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let kind = if accept.contains("application/json") && !accept.contains(queryables::SCHEMA_JSON) {
        "application/json"
    } else {
        queryables::SCHEMA_JSON
    };
    Ok((
        [(header::CONTENT_TYPE, HeaderValue::from_static(kind))],
        queryables::document(&snap, &href).to_string(),
    )
        .into_response())
}

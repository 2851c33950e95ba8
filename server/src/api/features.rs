//! OGC API – Features, Part 1 (Core, GeoJSON) under `/ogc`: landing page, conformance,
//! collections, items (`bbox`, `limit`, `offset` with next/prev links, property filters,
//! `filter`, `properties`) and single items, served from the engine's snapshots.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use super::AppState;
use super::http::selection::SelectionQuery;
use super::http::{ApiError, BaseUrl, Reader, blocking};
use crate::engine::LayerSnapshot;
use crate::engine::filter::{Filter, Literal, Op};
use crate::engine::geometry::{to_lonlat, to_mercator};
use crate::formats::geojson;
use crate::model::LayerId;

const GEOJSON: &str = "application/geo+json";
/// Default page size, as the standard suggests.
const DEFAULT_LIMIT: usize = 10;
/// Largest page.
const MAX_LIMIT: usize = 10_000;
const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
];

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ogc", get(landing))
        .route("/ogc/", get(landing))
        .route("/ogc/conformance", get(conformance))
        .route("/ogc/collections", get(collections))
        .route("/ogc/collections/{id}", get(collection))
        .route("/ogc/collections/{id}/items", get(items))
        .route("/ogc/collections/{id}/items/{fid}", get(item))
}

async fn landing(axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>) -> Json<Value> {
    let base = format!("{base}/ogc");
    Json(json!({
        "title": "sitroom",
        "description": "Hazard, exposure and boundary layers of the situation room, as OGC API - Features",
        "links": [
            {"href": format!("{base}"), "rel": "self", "type": "application/json", "title": "this document"},
            {"href": format!("{base}/conformance"), "rel": "conformance", "type": "application/json", "title": "conformance classes"},
            {"href": format!("{base}/collections"), "rel": "data", "type": "application/json", "title": "collections"},
        ],
    }))
}

async fn conformance() -> Json<Value> {
    Json(json!({ "conformsTo": CONFORMANCE }))
}

fn collection_json(s: &LayerSnapshot, base: &str) -> Value {
    let id = s.meta.id.as_str();
    let bbox = s.bbox.unwrap_or([-180.0, -90.0, 180.0, 90.0]);
    json!({
        "id": id,
        "title": s.meta.title,
        "description": format!("{} layer ({}), version {}. {}", s.meta.kind, s.meta.theme.as_str(), s.version, s.meta.attribution),
        "itemType": "feature",
        "crs": [CRS84],
        "extent": {"spatial": {"bbox": [bbox], "crs": CRS84}},
        "links": [
            {"href": format!("{base}/collections/{id}"), "rel": "self", "type": "application/json", "title": s.meta.title},
            {"href": format!("{base}/collections/{id}/items"), "rel": "items", "type": GEOJSON, "title": s.meta.title},
        ],
    })
}

async fn collections(
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let reader = Reader::of(&state, &headers).await?;
    let base = format!("{base}/ogc");
    let list: Vec<Value> = state
        .engine
        .snapshots()
        .values()
        .filter(|s| reader.may_read(&s.meta))
        .map(|s| collection_json(s, &base))
        .collect();
    Ok(Json(json!({
        "links": [{"href": format!("{base}/collections"), "rel": "self", "type": "application/json"}],
        "collections": list,
    })))
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
    let snap = state.engine.layer(&id).ok_or_else(|| {
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
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let snap = snapshot(&state, &headers, &id).await?;
    Ok(Json(collection_json(&snap, &format!("{base}/ogc"))))
}

fn feature_json(
    snap: &LayerSnapshot,
    i: usize,
    selection: &crate::engine::Selection,
) -> ::geojson::Feature {
    let f = &snap.features[i];
    let properties: Map<String, Value> = selection
        .attributes(f)
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect();
    geojson::feature(
        ::geojson::feature::Id::Number(f.fid.into()),
        &f.geometry,
        &to_lonlat,
        properties,
    )
}

/// Parsed query of an items request.
struct ItemsQuery {
    bbox: Option<[f64; 4]>,
    limit: usize,
    offset: usize,
    selection: crate::engine::Selection,
}

fn parse_items_query(
    pairs: &[(String, String)],
    snap: &Arc<LayerSnapshot>,
) -> Result<ItemsQuery, ApiError> {
    let params: HashMap<&str, &str> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let fields: Vec<String> = snap.field_names().map(str::to_owned).collect();
    let mut property_filters = Vec::new();
    for (k, v) in pairs {
        match k.as_str() {
            "bbox" | "limit" | "offset" | "datetime" | "filter" | "filter-lang" | "properties"
            | "f" | "bbox-crs" => {}
            field if fields.iter().any(|f| f == field) => property_filters.push(Filter::Compare(
                field.to_owned(),
                Op::Eq,
                v.parse::<f64>()
                    .map_or_else(|_| Literal::Text(v.clone()), Literal::Number),
            )),
            other => {
                return Err(ApiError::bad_request(format!(
                    "unknown query parameter '{other}': use bbox, limit, offset, datetime, filter, properties, or a property name ({})",
                    fields.join(", ")
                )));
            }
        }
    }
    if let Some(crs) = params.get("bbox-crs")
        && *crs != CRS84
    {
        return Err(ApiError::bad_request(format!(
            "bbox-crs '{crs}' is not supported: use {CRS84}"
        )));
    }
    let bbox = params
        .get("bbox")
        .map(|b| {
            let v: Vec<f64> = b.split(',').map(|x| x.trim().parse::<f64>()).collect::<Result<_, _>>().map_err(|_| {
                ApiError::bad_request(format!("bbox '{b}' is not four numbers: use bbox=west,south,east,north in degrees"))
            })?;
            match v.as_slice() {
                [w, s, e, n] if w <= e && s <= n && (-180.0..=180.0).contains(w) && (-90.0..=90.0).contains(s) => Ok([*w, *s, *e, *n]),
                _ => Err(ApiError::bad_request(format!(
                    "bbox '{b}' is not west,south,east,north with west <= east and south <= north in degrees"
                ))),
            }
        })
        .transpose()?;
    let number = |name: &str, default: usize, max: usize| -> Result<usize, ApiError> {
        params.get(name).map_or(Ok(default), |v| {
            v.parse::<usize>()
                .ok()
                .filter(|n| *n <= max)
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "{name} '{v}' must be a whole number from 0 to {max}"
                    ))
                })
        })
    };
    let limit = number("limit", DEFAULT_LIMIT, MAX_LIMIT)?;
    let offset = number("offset", 0, usize::MAX)?;
    let mut selection = SelectionQuery {
        properties: params.get("properties").map(|s| (*s).to_owned()),
        filter: params.get("filter").map(|s| (*s).to_owned()),
        filter_lang: params.get("filter-lang").map(|s| (*s).to_owned()),
    }
    .resolve(std::slice::from_ref(snap))?;
    for pf in property_filters {
        selection.filter = Some(match selection.filter.take() {
            Some(f) => Filter::And(Box::new(f), Box::new(pf)),
            None => pf,
        });
    }
    Ok(ItemsQuery {
        bbox,
        limit,
        offset,
        selection,
    })
}

async fn items(
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let snap = snapshot(&state, &headers, &id).await?;
    let q = parse_items_query(&pairs, &snap)?;
    let base = format!("{base}/ogc/collections/{id}/items");
    let raw = raw.unwrap_or_default();
    let body = blocking(move || {
        let candidates: Vec<usize> = match q.bbox {
            Some([w, s, e, n]) => {
                let a = to_mercator(geo::Coord { x: w, y: s });
                let b = to_mercator(geo::Coord { x: e, y: n });
                let mut v: Vec<usize> = snap.indices_in_bounds_m([a.x, a.y, b.x, b.y]).collect();
                v.sort_unstable();
                v
            }
            None => (0..snap.features.len()).collect(),
        };
        let matched: Vec<usize> = candidates
            .into_iter()
            .filter(|&i| i < snap.features.len() && q.selection.keeps(&snap.features[i]))
            .collect();
        let page: Vec<::geojson::Feature> = matched
            .iter()
            .skip(q.offset)
            .take(q.limit)
            .map(|&i| feature_json(&snap, i, &q.selection))
            .collect();
        let others: String = raw
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("offset=") && !p.starts_with("limit="))
            .map(|p| format!("&{p}"))
            .collect();
        let link = |rel: &str, offset: usize| {
            json!({"href": format!("{base}?limit={}&offset={offset}{others}", q.limit), "rel": rel, "type": GEOJSON})
        };
        let mut links = vec![link("self", q.offset)];
        if q.offset + page.len() < matched.len() {
            links.push(link("next", q.offset + q.limit));
        }
        if q.offset > 0 {
            links.push(link("prev", q.offset.saturating_sub(q.limit)));
        }
        let mut members = Map::new();
        members.insert("numberMatched".into(), json!(matched.len()));
        members.insert("numberReturned".into(), json!(page.len()));
        members.insert(
            "timeStamp".into(),
            json!(Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)),
        );
        members.insert("links".into(), Value::Array(links));
        let collection = ::geojson::FeatureCollection {
            bbox: None,
            features: page,
            foreign_members: Some(members),
        };
        Ok(collection.to_string())
    })
    .await?;
    Ok((
        [(header::CONTENT_TYPE, HeaderValue::from_static(GEOJSON))],
        body,
    )
        .into_response())
}

async fn item(
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    State(state): State<AppState>,
    Path((id, fid)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let snap = snapshot(&state, &headers, &id).await?;
    let index = fid
        .parse::<usize>()
        .ok()
        .filter(|n| *n >= 1 && *n <= snap.features.len())
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "collection '{id}' has no feature '{fid}': feature ids run from 1 to {}",
                snap.features.len()
            ))
        })?;
    let mut body = feature_json(&snap, index - 1, &crate::engine::Selection::default());
    let mut members = Map::new();
    members.insert(
        "links".into(),
        json!([
            {"href": format!("{base}/ogc/collections/{id}/items/{fid}"), "rel": "self", "type": GEOJSON},
            {"href": format!("{base}/ogc/collections/{id}"), "rel": "collection", "type": "application/json"},
        ]),
    );
    body.foreign_members = Some(members);
    Ok((
        [(header::CONTENT_TYPE, HeaderValue::from_static(GEOJSON))],
        body.to_string(),
    )
        .into_response())
}

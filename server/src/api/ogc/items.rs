//! Items of a collection (`bbox` with `bbox-crs`, `crs`, `limit`, `offset` with next/prev
//! links, `?field=value`,
//! `filter` in CQL2 text or JSON, `properties`) and single items, as GeoJSON.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::{SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use super::{CRS84, DEFAULT_LIMIT, GEOJSON, MAX_LIMIT, html, snapshot};
use crate::api::AppState;
use crate::api::http::selection::SelectionQuery;
use crate::api::http::{ApiError, BaseUrl, blocking};
use crate::engine::LayerSnapshot;
use crate::engine::filter::{Filter, Literal, Op};
use crate::engine::geometry::crs::Crs;
use crate::formats::geojson;

fn feature_json(
    snap: &LayerSnapshot,
    i: usize,
    selection: &crate::engine::Selection,
    crs: Crs,
) -> ::geojson::Feature {
    let f = &snap.features[i];
    let properties: Map<String, Value> = selection
        .attributes(f)
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect();
    geojson::feature(
        ::geojson::feature::Id::Number(f.fid.into()),
        &f.geometry,
        &|c| crs.from_mercator(c),
        properties,
    )
}

/// Parsed query of an items request.
struct ItemsQuery {
    /// West, south, east, north in Web Mercator metres.
    bbox: Option<[f64; 4]>,
    crs: Crs,
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
            | "f" | "crs" | "bbox-crs" | "filter-crs" => {}
            field if fields.iter().any(|f| f == field) => {
                property_filters.push(Filter::Compare(
                    field.to_owned(),
                    Op::Eq,
                    equality_value(snap, field, v)?,
                ));
            }
            other => {
                return Err(ApiError::bad_request(format!(
                    "unknown query parameter '{other}': use bbox, bbox-crs, crs, limit, offset, datetime, filter, filter-lang, properties, or a property name ({})",
                    fields.join(", ")
                )));
            }
        }
    }
    if let Some(crs) = params.get("filter-crs")
        && *crs != CRS84
    {
        return Err(ApiError::bad_request(format!(
            "filter-crs '{crs}' is not supported: use {CRS84}"
        )));
    }
    if let Some(d) = params.get("datetime") {
        check_datetime(d)?;
    }
    let crs = crs_param(&params, "crs")?;
    let bbox_crs = crs_param(&params, "bbox-crs")?;
    let bbox = params
        .get("bbox")
        .map(|b| parse_bbox(b, bbox_crs))
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
        crs,
        limit,
        offset,
        selection,
    })
}

/// The header naming the CRS of the coordinates sent (Part 2).
const CONTENT_CRS: header::HeaderName = header::HeaderName::from_static("content-crs");

fn content_crs(crs: Crs) -> HeaderValue {
    HeaderValue::try_from(format!("<{}>", crs.uri())).unwrap_or(HeaderValue::from_static("<>"))
}

/// The CRS parameter `name` names (CRS84 when absent).
fn crs_param(params: &HashMap<&str, &str>, name: &str) -> Result<Crs, ApiError> {
    params.get(name).map_or(Ok(Crs::Crs84), |v| {
        Crs::parse(v).map_err(|e| ApiError::bad_request(format!("{name}: {e}")))
    })
}

/// Checks `datetime` (an RFC 3339 instant, or an interval `start/end` with `..` or
/// nothing for an open end). The layers carry no time of their features, so every
/// feature is kept (Part 1 asks only features with a temporal geometry to be tested).
fn check_datetime(d: &str) -> Result<(), ApiError> {
    let instant = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s).is_ok()
            || chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
    };
    let ok = match d.split_once('/') {
        None => instant(d),
        Some((a, b)) => {
            let open = |s: &str| s.is_empty() || s == "..";
            !(open(a) && open(b)) && (open(a) || instant(a)) && (open(b) || instant(b))
        }
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "datetime '{d}' is not a date-time or an interval: use e.g. 2026-04-30T00:00:00Z, 2026-04-01/2026-04-30 or 2026-04-01/.."
        )))
    }
}

/// A `bbox` in `crs` (its axis order, minimum corner first) as Web Mercator metres; of a
/// bbox of six numbers (with heights), the heights are left aside.
fn parse_bbox(b: &str, crs: Crs) -> Result<[f64; 4], ApiError> {
    let mut v: Vec<f64> = b
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| {
            ApiError::bad_request(format!(
                "bbox '{b}' is not four numbers: use bbox=minx,miny,maxx,maxy in the bbox-crs (west,south,east,north in degrees by default)"
            ))
        })?;
    let in_range = |c: [f64; 4]| match crs {
        Crs::Crs84 => {
            (-180.0..=180.0).contains(&c[0])
                && (-90.0..=90.0).contains(&c[1])
                && c[2] <= 180.0
                && c[3] <= 90.0
        }
        Crs::Epsg4326 => {
            (-90.0..=90.0).contains(&c[0])
                && (-180.0..=180.0).contains(&c[1])
                && c[2] <= 90.0
                && c[3] <= 180.0
        }
        Crs::Epsg3857 => c
            .iter()
            .all(|x| x.abs() <= crate::engine::geometry::HALF_WORLD_M),
        // Zone 35 South: eastings within the zone's reach, northings of the southern hemisphere.
        Crs::Epsg32735 => {
            c.iter().all(|x| x.is_finite())
                && c[0] >= 0.0
                && c[2] <= 1_000_000.0
                && c[1] >= 0.0
                && c[3] <= 10_000_000.0
        }
    };
    if let [x0, y0, z0, x1, y1, z1] = v[..]
        && z0 <= z1
    {
        v = vec![x0, y0, x1, y1];
    }
    match v.as_slice() {
        [a, b2, c, d] if a <= c && b2 <= d && in_range([*a, *b2, *c, *d]) => {
            Ok(crs.bbox_to_mercator([*a, *b2, *c, *d]))
        }
        _ if crs == Crs::Crs84 => Err(ApiError::bad_request(format!(
            "bbox '{b}' is not west,south,east,north with west <= east and south <= north in degrees"
        ))),
        _ => Err(ApiError::bad_request(format!(
            "bbox '{b}' is not minx,miny,maxx,maxy with min <= max inside {} (bbox-crs)",
            crs.uri()
        ))),
    }
}

/// The value of `?field=v` as the field's type has it (the queryables say which): a
/// number field takes a number, a yes/no field `true` or `false`.
fn equality_value(snap: &LayerSnapshot, field: &str, v: &str) -> Result<Literal, ApiError> {
    let kind = snap
        .fields
        .iter()
        .find(|(n, _)| n == field)
        .map_or("String", |(_, k)| *k);
    match kind {
        "Number" => v
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Literal::Number)
            .ok_or_else(|| {
                ApiError::bad_request(format!("{field} is a number field: '{v}' is not a number"))
            }),
        "Boolean" => match v {
            "true" => Ok(Literal::Bool(true)),
            "false" => Ok(Literal::Bool(false)),
            _ => Err(ApiError::bad_request(format!(
                "{field} is a yes/no field: use true or false, not '{v}'"
            ))),
        },
        _ => Ok(Literal::Text(v.to_owned())),
    }
}

pub(super) async fn items(
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let snap = snapshot(&state, &headers, &id).await?;
    let mut q = parse_items_query(&pairs, &snap)?;
    let page = html::wanted(&headers, format_param(&pairs), &["geojson"])?;
    if page {
        // The page's map is drawn in longitude and latitude.
        q.crs = Crs::Crs84;
    }
    let crs = q.crs;
    let layer = snap.clone();
    let ogc = format!("{base}/ogc");
    let base = format!("{base}/ogc/collections/{id}/items");
    let raw = raw.unwrap_or_default();
    let body = blocking(move || {
        let candidates: Vec<usize> = match q.bbox {
            Some(b) => {
                let mut v: Vec<usize> = snap.indices_in_bounds_m(b).collect();
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
            .map(|&i| feature_json(&snap, i, &q.selection, q.crs))
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
        links.push(json!({
            "href": html::with_format(&format!("{base}?limit={}&offset={}{others}", q.limit, q.offset), "html"),
            "rel": "alternate", "type": "text/html", "title": "this page as a web page",
        }));
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
        let features = ::geojson::FeatureCollection {
            bbox: None,
            features: page,
            foreign_members: Some(members),
        };
        Ok(features.to_string())
    })
    .await?;
    answer(page, crs, body, |doc| {
        html::items(doc, &super::collection_json(&layer, &ogc), &ogc)
    })
}

/// The `f` parameter of a query.
fn format_param(pairs: &[(String, String)]) -> Option<&str> {
    pairs
        .iter()
        .find(|(k, _)| k == "f")
        .map(|(_, v)| v.as_str())
}

/// GeoJSON `body` in `crs`, or the web page `render` makes of it.
fn answer(
    page: bool,
    crs: Crs,
    body: String,
    render: impl FnOnce(&Value) -> String,
) -> Result<Response, ApiError> {
    let mut resp = if page {
        let doc: Value =
            serde_json::from_str(&body).map_err(|e| ApiError::internal(e.to_string()))?;
        Html(render(&doc)).into_response()
    } else {
        (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(GEOJSON)),
                (CONTENT_CRS, content_crs(crs)),
            ],
            body,
        )
            .into_response()
    };
    resp.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(resp)
}

pub(super) async fn item(
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    State(state): State<AppState>,
    Path((id, fid)): Path<(String, String)>,
    Query(pairs): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let snap = snapshot(&state, &headers, &id).await?;
    let params: HashMap<&str, &str> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let page = html::wanted(&headers, params.get("f").copied(), &["geojson"])?;
    let crs = if page {
        Crs::Crs84
    } else {
        crs_param(&params, "crs")?
    };
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
    let mut body = feature_json(&snap, index - 1, &crate::engine::Selection::default(), crs);
    let mut members = Map::new();
    members.insert(
        "links".into(),
        json!([
            {"href": format!("{base}/ogc/collections/{id}/items/{fid}"), "rel": "self", "type": GEOJSON},
            {"href": format!("{base}/ogc/collections/{id}/items/{fid}?f=html"), "rel": "alternate", "type": "text/html"},
            {"href": format!("{base}/ogc/collections/{id}"), "rel": "collection", "type": "application/json"},
        ]),
    );
    body.foreign_members = Some(members);
    let ogc = format!("{base}/ogc");
    answer(page, crs, body.to_string(), |doc| {
        html::item(doc, &super::collection_json(&snap, &ogc), &ogc)
    })
}

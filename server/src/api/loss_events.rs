//! Disaster events over HTTP: `GET /api/records/losses/events` (the events of the loss
//! register, the latest first; JSON, HXL CSV, or GeoJSON: the events layer, each event's
//! units as points), `POST
//! /api/records/losses/events/{event}/links` (link an event to a hazard layer version
//! and alerts: an editor's), `GET /api/records/losses/events/{event}/calibration`
//! (observed displaced against the model's, and the rates they suggest) and `GET
//! /api/records/losses/drafts` (draft loss records from an exposure run, HXL CSV for
//! field teams to confirm, or JSON: an editor's). The rules are `ops::events`'.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::http::{ApiError, access, authorise, blocking};
use crate::engine::events::Place;
use crate::engine::exposure::{ExposureRequest, Needs, Versions};
use crate::formats::csv::{cell, number};
use crate::formats::geojson::feature;
use crate::formats::records::hxl_csv;
use crate::model::{PeriodKind, RecordKind, Role};
use crate::ops::events::{self, DraftOf, EventsError, Link};

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/records/losses/events", get(list))
        .route("/api/records/losses/events/{event}/links", post(link))
        .route(
            "/api/records/losses/events/{event}/calibration",
            get(calibration),
        )
        .route("/api/records/losses/drafts", get(drafts))
}

impl From<EventsError> for ApiError {
    fn from(e: EventsError) -> Self {
        match e {
            EventsError::NoRegister | EventsError::NoSuchEvent(_) => Self::not_found(e),
            EventsError::Invalid(_) => Self::bad_request(e),
            EventsError::Unlinked(_) => {
                Self::new(StatusCode::CONFLICT, "Not linked", e.to_string())
            }
            EventsError::Exposure(x) => x.into(),
            EventsError::Store(s) => s.into(),
        }
    }
}

fn csv_response(text: String, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        text,
    )
        .into_response()
}

fn format_of(format: Option<&str>) -> Result<bool, ApiError> {
    match format.unwrap_or("json") {
        "json" => Ok(false),
        "csv" => Ok(true),
        _ => Err(ApiError::bad_request("format must be json or csv (HXL)")),
    }
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    format: Option<String>,
    /// Only the records of this kind of period…
    period: Option<String>,
    /// … and this one (its key: `2023`, `FY2022/23`, `2023-Q2`, `2023-05`).
    at: Option<String>,
}

/// The period the events (and their layer) are limited to, if the query names one.
fn period_of(q: &ListQuery) -> Result<Option<(PeriodKind, String)>, ApiError> {
    match (q.period.as_deref(), q.at.as_deref()) {
        (None, None) => Ok(None),
        (Some(_), Some(at)) if at.chars().count() > 20 => Err(ApiError::bad_request(
            "at is a period's key of at most 20 characters (2023, FY2022/23, 2023-Q2, 2023-05, 2023-05-03)",
        )),
        (Some(kind), Some(at)) => Ok(Some((
            kind.parse().map_err(ApiError::bad_request)?,
            at.to_owned(),
        ))),
        _ => Err(ApiError::bad_request(
            "give both period (year, fiscal-year, quarter, month, day) and at (its key: 2023, FY2022/23, 2023-Q2, 2023-05), or neither",
        )),
    }
}

async fn list(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorise(&state, &headers, Role::Viewer).await?;
    let at = period_of(&q)?;
    if q.format.as_deref() == Some("geojson") {
        let engine = state.engine.clone();
        let (version, places) = blocking(move || {
            Ok(events::places(
                &engine,
                at.as_ref().map(|(k, key)| (*k, key.as_str())),
            ))
        })
        .await?;
        return Ok(places_geojson(version, &places));
    }
    let csv = format_of(q.format.as_deref())
        .map_err(|_| ApiError::bad_request("format must be json, csv (HXL) or geojson (the events layer: each event's units as points)"))?;
    let (version, list) = events::events(
        &state.engine,
        at.as_ref().map(|(k, key)| (*k, key.as_str())),
    );
    if csv {
        let mut out = String::from(
            "Event,GLIDE,Name,Hazards,First,Last,Records,Units,Deaths,Missing,Injured,Directly affected,Displaced,Houses destroyed,Houses damaged,Sources,Hazard layers,Alerts\n#event+code,#event+glide,#event+name,#event+type,#date+start,#date+end,#meta+count,#adm+count,#affected+killed,#affected+missing,#affected+injured,#affected+direct,#affected+displaced,#loss+houses+destroyed,#loss+houses+damaged,#meta+source,#meta+hazard+layer,#meta+alert\n",
        );
        for e in &list {
            let toll = |k: &str| e.toll.get(k).map_or_else(String::new, |v| number(*v));
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                cell(&e.key),
                cell(e.glide.as_deref().unwrap_or("")),
                cell(e.name.as_deref().unwrap_or("")),
                cell(&e.hazards.join(" ")),
                e.first,
                e.last,
                e.records,
                e.units,
                toll("deaths"),
                toll("missing"),
                toll("injured"),
                toll("directly_affected"),
                e.displaced.map_or_else(String::new, number),
                toll("houses_destroyed"),
                toll("houses_damaged"),
                cell(&e.sources.join("; ")),
                cell(&e.hazard_layers.join(" ")),
                cell(&e.alerts.join(" ")),
            ));
        }
        return Ok(csv_response(out, "events"));
    }
    Ok(Json(json!({ "version": version, "events": list })).into_response())
}

/// The events layer: one point feature per event and unit it struck (inside the unit),
/// with the event's name, hazards and sources and what its records there say.
fn places_geojson(version: Option<i32>, places: &[Place]) -> Response {
    let features: Vec<geojson::Feature> = places
        .iter()
        .map(|p| {
            let e = &p.summary;
            let mut props = serde_json::Map::new();
            props.insert("event".into(), json!(p.event));
            props.insert("name".into(), json!(e.name));
            props.insert("glide".into(), json!(e.glide));
            props.insert("hazards".into(), json!(e.hazards));
            props.insert("first".into(), json!(e.first));
            props.insert("last".into(), json!(e.last));
            props.insert("code".into(), json!(p.code));
            props.insert("unit".into(), json!(p.unit));
            props.insert("records".into(), json!(e.records));
            for (k, v) in &e.toll {
                props.insert((*k).into(), json!(v));
            }
            props.insert("displaced".into(), json!(e.displaced));
            props.insert("sources".into(), json!(e.sources));
            feature(
                geojson::feature::Id::String(format!("{} {}", p.event, p.code)),
                &geo::Geometry::Point(geo::Point::new(p.at[0], p.at[1])),
                &|c| c,
                props,
            )
        })
        .collect();
    let mut members = serde_json::Map::new();
    members.insert("version".into(), json!(version));
    let collection = geojson::FeatureCollection {
        bbox: None,
        features,
        foreign_members: Some(members),
    };
    (
        [(header::CONTENT_TYPE, "application/geo+json")],
        geojson::GeoJson::from(collection).to_string(),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
struct LinkBody {
    hazard_layer: Option<String>,
    #[serde(default)]
    alerts: Vec<String>,
}

/// Most alerts one link names.
const MAX_ALERTS: usize = 50;

async fn link(
    State(state): State<AppState>,
    Path(event): Path<String>,
    headers: HeaderMap,
    Json(body): Json<LinkBody>,
) -> Result<Response, ApiError> {
    let token = authorise(&state, &headers, Role::Editor).await?;
    if body.alerts.len() > MAX_ALERTS {
        return Err(ApiError::bad_request(format!(
            "link at most {MAX_ALERTS} alerts at once"
        )));
    }
    let (store, engine) = (state.store.clone(), state.engine.clone());
    let version = blocking(move || {
        Ok(events::link(
            &store,
            &engine,
            &Link {
                event: &event,
                hazard_layer: body.hazard_layer.as_deref(),
                alerts: &body.alerts,
                by: &token.name,
            },
        )?)
    })
    .await?;
    state.sync_registers().await;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "kind": RecordKind::Losses, "version": version })),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
struct CalibrationQuery {
    hazard_layer: Option<String>,
    exposure: Option<String>,
    format: Option<String>,
}

async fn calibration(
    State(state): State<AppState>,
    Path(event): Path<String>,
    Query(q): Query<CalibrationQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorise(&state, &headers, Role::Viewer).await?;
    let csv = format_of(q.format.as_deref())?;
    let (store, engine) = (state.store.clone(), state.engine.clone());
    let inputs = blocking(move || {
        Ok(events::calibration_inputs(
            &store,
            &engine,
            &event,
            q.hazard_layer.as_deref(),
            q.exposure.as_deref(),
        )?)
    })
    .await?;
    let clearance = access::clearance(
        &state,
        &headers,
        &inputs.hazard.0.to_string(),
        &inputs.exposure,
    )
    .await?;
    let (store, engine) = (state.store.clone(), state.engine.clone());
    let report =
        blocking(move || Ok(events::calibrate(&store, &engine, inputs, clearance)?)).await?;
    if csv {
        let c = &report.calibration;
        let mut out = String::from(
            "Class,Counted as affected,Rate in use,People,Displaced (model),Suggested rate,Method,Observed displaced,Modelled displaced\n#severity,#indicator+affected,#indicator+rate+current,#population+total,#affected+displaced+modelled,#indicator+rate+suggested,#meta+method,#affected+displaced+observed,#affected+displaced+model\n",
        );
        let method = serde_json::to_value(c.method)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        for k in &c.classes {
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{}\n",
                k.class,
                k.affected,
                number(k.rate_in_use),
                number(k.people),
                number(k.modelled_displaced),
                k.suggested_rate.map_or_else(String::new, number),
                method,
                number(c.observed),
                number(c.modelled),
            ));
        }
        return Ok(csv_response(out, "calibration"));
    }
    Ok(Json(report).into_response())
}

#[derive(Debug, Deserialize)]
struct DraftQuery {
    hazard: String,
    exposure: String,
    by: Option<String>,
    date: NaiveDate,
    hazard_type: Option<String>,
    event: Option<String>,
    glide: Option<String>,
    format: Option<String>,
}

/// Longest event name or GLIDE number a draft takes.
const MAX_NAME: usize = 200;

async fn drafts(
    State(state): State<AppState>,
    Query(q): Query<DraftQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorise(&state, &headers, Role::Editor).await?;
    let csv = format_of(q.format.as_deref().or(Some("csv")))?;
    if q.date > chrono::Utc::now().date_naive() {
        return Err(ApiError::bad_request(format!(
            "date {} is in the future: give the event's date",
            q.date
        )));
    }
    let text_ok = |t: &Option<String>| {
        t.as_deref()
            .is_none_or(|t| t.chars().count() <= MAX_NAME && !t.chars().any(char::is_control))
    };
    if !text_ok(&q.event) || !text_ok(&q.glide) {
        return Err(ApiError::bad_request(format!(
            "event and glide are plain text of at most {MAX_NAME} characters"
        )));
    }
    let clearance = access::clearance(&state, &headers, &q.hazard, &q.exposure).await?;
    let (store, engine) = (state.store.clone(), state.engine.clone());
    let records = blocking(move || {
        Ok(events::drafts(
            &store,
            &engine,
            ExposureRequest {
                hazard: &q.hazard,
                exposure: &q.exposure,
                by: q.by.as_deref().unwrap_or("sector"),
                needs: Needs::SPHERE,
                versions: Versions::default(),
            },
            clearance,
            DraftOf {
                date: q.date,
                hazard_type: q.hazard_type.as_deref(),
                event: q.event.as_deref(),
                glide: q.glide.as_deref(),
            },
        )?)
    })
    .await?;
    let kind = RecordKind::Losses;
    if csv {
        return Ok(csv_response(hxl_csv(kind, records.iter()), "loss-drafts"));
    }
    let out: Vec<serde_json::Value> = records
        .iter()
        .map(|r| serde_json::Value::Object(r.properties(kind)))
        .collect();
    Ok(Json(json!({ "kind": kind, "drafts": out })).into_response())
}

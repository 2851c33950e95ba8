//! `GET /api/exposure?hazard=…&exposure=…&by=…` (JSON, CSV with HXL, GeoJSON; at
//! earlier versions of the two layers with `hazard_version` and `exposure_version`),
//! `POST /api/exposure/area` (an ad hoc incident area) and `GET /api/hazards/at` (what
//! is at a point). The figures are the engine's; this module only reads requests and
//! writes answers.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::AppState;
use super::http::access::clearance;
use super::http::{ApiError, Reader, blocking};
use crate::engine::exposure::{self, ExposureRequest, Needs, export, point};

/// Largest incident-area body accepted, in bytes.
const AREA_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/exposure", get(exposure_by_unit))
        .route(
            "/api/exposure/area",
            post(exposure_in_area).layer(axum::extract::DefaultBodyLimit::max(AREA_BODY_LIMIT)),
        )
        .route("/api/hazards/at", get(hazards_at))
}

/// `kcal`, `water_l`, `shelter_m2` and `people_per_latrine` of a request.
#[derive(Debug, Default, Deserialize)]
struct NeedsQuery {
    kcal: Option<f64>,
    water_l: Option<f64>,
    shelter_m2: Option<f64>,
    people_per_latrine: Option<f64>,
}

impl NeedsQuery {
    fn needs(&self) -> Result<Needs, ApiError> {
        Needs::with(
            self.kcal,
            self.water_l,
            self.shelter_m2,
            self.people_per_latrine,
        )
        .map_err(ApiError::bad_request)
    }
}

#[derive(Debug, Deserialize)]
struct PointQuery {
    lon: f64,
    lat: f64,
}

/// The hazard class of every hazard layer at a point, and the admin units it lies in.
async fn hazards_at(
    State(state): State<AppState>,
    query: Result<Query<PointQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Result<Json<point::Here>, ApiError> {
    let reader = Reader::of(&state, &headers).await?;
    let Query(q) = query.map_err(|e| {
        ApiError::bad_request(format!(
            "give lon and lat in degrees, e.g. ?lon=30.06&lat=-1.95 ({})",
            e.body_text()
        ))
    })?;
    if !point::on_map(q.lon, q.lat) {
        return Err(ApiError::bad_request(format!(
            "({}, {}) is not a point on the map: lon runs from -180 to 180, lat from -85 to 85",
            q.lon, q.lat
        )));
    }
    let engine = state.engine.clone();
    let here = blocking(move || {
        let all = engine.snapshots();
        Ok(point::here(&all, q.lon, q.lat, |s| {
            if !reader.may_read(&s.meta) {
                return None;
            }
            if reader.sees_detail(&s.meta) {
                return Some((s.clone(), false));
            }
            // Restricted, no clearance: by admin unit only, never at the point.
            engine.aggregated(s).ok().map(|(agg, _)| (agg, true))
        }))
    })
    .await?;
    Ok(Json(here))
}

#[derive(Debug, Deserialize)]
struct ExposureQuery {
    hazard: String,
    exposure: String,
    by: Option<String>,
    format: Option<String>,
    hazard_version: Option<i32>,
    exposure_version: Option<i32>,
}

/// Formats a report is offered in.
const FORMATS: &[&str] = &["json", "csv", "geojson"];

async fn exposure_by_unit(
    State(state): State<AppState>,
    Query(q): Query<ExposureQuery>,
    Query(needs): Query<NeedsQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let format = q.format.as_deref().unwrap_or("json");
    if !FORMATS.contains(&format) {
        return Err(ApiError::bad_request(format!(
            "format '{format}' is not offered: use json, csv or geojson"
        )));
    }
    let needs = needs.needs()?;
    let clearance = clearance(&state, &headers, &q.hazard, &q.exposure).await?;
    let by = q.by.clone().unwrap_or_else(|| "district".to_owned());
    let engine = state.engine.clone();
    let store = state.store.clone();
    let (report, names_layer) = blocking(move || {
        Ok(exposure::report(
            &engine,
            &store,
            ExposureRequest {
                hazard: &q.hazard,
                exposure: &q.exposure,
                by: &by,
                needs,
                versions: exposure::Versions {
                    hazard: q.hazard_version,
                    exposure: q.exposure_version,
                },
            },
            clearance,
        )?)
    })
    .await?;
    Ok(match format {
        "csv" => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"exposure-{}-{}-{}.csv\"",
                        report.hazard.layer, report.exposure.layer, report.by
                    ),
                ),
            ],
            export::to_csv(&report),
        )
            .into_response(),
        "geojson" => (
            [(header::CONTENT_TYPE, "application/geo+json")],
            export::to_geojson(&report, names_layer.as_deref()).to_string(),
        )
            .into_response(),
        _ => Json(report).into_response(),
    })
}

#[derive(Debug, Deserialize)]
struct AreaQuery {
    hazard: String,
    exposure: String,
}

/// `POST /api/exposure/area?hazard=…&exposure=…` with a GeoJSON (Multi)Polygon: the same
/// figures for an ad hoc incident area.
async fn exposure_in_area(
    State(state): State<AppState>,
    Query(q): Query<AreaQuery>,
    Query(needs): Query<NeedsQuery>,
    headers: HeaderMap,
    body: Result<Json<serde_json::Value>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<exposure::report::AreaReport>, ApiError> {
    let Json(body) = body.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                e.status(),
                "Area too large",
                format!(
                    "the area body is over {} MiB: simplify the outline",
                    AREA_BODY_LIMIT / 1024 / 1024
                ),
            )
        } else {
            ApiError::bad_request(format!(
                "send the area as a GeoJSON Polygon or MultiPolygon: {}",
                e.body_text()
            ))
        }
    })?;
    let shape = exposure::area::parse(&body).map_err(ApiError::bad_request)?;
    let needs = needs.needs()?;
    let all = state.engine.snapshots();
    exposure::layer_of_kind(&all, &q.hazard, crate::model::LayerKind::Hazard, "hazard")?;
    exposure::layer_of_kind(
        &all,
        &q.exposure,
        crate::model::LayerKind::Exposure,
        "exposure",
    )?;
    let clearance = clearance(&state, &headers, &q.hazard, &q.exposure).await?;
    let engine = state.engine.clone();
    let report = blocking(move || {
        Ok(exposure::area_report(
            &engine,
            &q.hazard,
            &q.exposure,
            &shape,
            needs,
            clearance,
        )?)
    })
    .await?;
    Ok(Json(report))
}

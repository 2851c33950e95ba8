//! Returnee households over HTTP: `GET /api/records/returnees/progress` (their progress
//! through their support per admin unit; JSON or HXL CSV): as counted from the analyst
//! role up, as published below it; the rules are `ops::returnees`' and
//! `engine::disclosure::progress`'.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::http::access::register_reader;
use super::http::{ApiError, authorise, blocking};
use super::records::unit_names;
use crate::engine::disclosure::progress::PublishedUnit;
use crate::engine::progress::{UnitProgress, WITHIN_DAYS};
use crate::formats::csv::number;
use crate::model::{AdminLevel, RecordKind, Role};
use crate::ops::returnees;

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/records/returnees/progress", get(progress))
}

#[derive(Debug, Deserialize)]
struct ProgressQuery {
    level: Option<String>,
    /// Only the units within this one.
    code: Option<String>,
    /// The day progress is read at (today when not given).
    as_of: Option<NaiveDate>,
    format: Option<String>,
}

async fn progress(
    State(state): State<AppState>,
    Query(q): Query<ProgressQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // Analysts read the figures as counted (audited); below them, the published ones.
    let token = authorise(&state, &headers, Role::Viewer).await?;
    let detail = token.role >= RecordKind::Returnees.reader();
    if detail {
        register_reader(&state, &headers, RecordKind::Returnees, "progress").await?;
    } else if q.as_of.is_some() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            format!(
                "returnee progress at another day than today is given from the analyst role up (token '{}' is a {}): set beside today's, it would single out the households that arrived or were served in between",
                token.name, token.role
            ),
        ));
    }
    let level: AdminLevel = q
        .level
        .as_deref()
        .unwrap_or("district")
        .parse()
        .map_err(ApiError::bad_request)?;
    let within = q.code.unwrap_or_default();
    if within.len() > 8 || !within.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_request(
            "code is an official admin code (1, 2, 4, 6 or 8 digits)",
        ));
    }
    let csv = match q.format.as_deref().unwrap_or("json") {
        "json" => false,
        "csv" => true,
        _ => return Err(ApiError::bad_request("format must be json or csv (HXL)")),
    };
    let today = Utc::now().date_naive();
    let as_of = q.as_of.unwrap_or(today);
    if as_of > today {
        return Err(ApiError::bad_request(format!(
            "as_of {as_of} is in the future (today is {today})"
        )));
    }
    let engine = state.engine.clone();
    let none = || {
        ApiError::not_found(
            "no returnee households yet: import them with POST /api/records/returnees/imports",
        )
    };
    if !detail {
        let (version, units) = blocking(move || {
            returnees::published_progress(&engine, level, &within, as_of).ok_or_else(none)
        })
        .await?;
        if csv {
            return Ok(csv_response(published_csv(level, &units)));
        }
        let names = unit_names(&state, level, units.iter().map(|u| u.code.as_str()));
        return Ok(Json(json!({
            "version": version,
            "level": level,
            "as_of": as_of,
            "within_days": WITHIN_DAYS,
            "published": true,
            "units": units,
            "names": names,
        }))
        .into_response());
    }
    let (version, units) =
        blocking(move || returnees::progress(&engine, level, &within, as_of).ok_or_else(none))
            .await?;
    if csv {
        return Ok(csv_response(progress_csv(level, &units)));
    }
    let names = unit_names(&state, level, units.iter().map(|u| u.code.as_str()));
    Ok(Json(json!({
        "version": version,
        "level": level,
        "as_of": as_of,
        "within_days": WITHIN_DAYS,
        "published": false,
        "units": units,
        "names": names,
    }))
    .into_response())
}

fn csv_response(text: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"returnee-progress.csv\"",
            ),
        ],
        text,
    )
        .into_response()
}

/// The published figures, one row per unit and component, with a HXL hashtag row.
fn published_csv(level: AdminLevel, units: &[PublishedUnit]) -> String {
    let mut out = format!(
        "Unit code,Households,Component,Owed,Received,Within a month,Withheld\n{}+code,#population+hh+total,#indicator+code,#population+hh+targeted,#population+hh+reached,#population+hh+reached+timely,#population+hh+withheld\n",
        level.hxl()
    );
    for u in units {
        for c in &u.components {
            out.push_str(&format!(
                "{},{},{},{},{},{},{}\n",
                u.code,
                u.households,
                c.component,
                c.eligible,
                c.received,
                c.within_month,
                c.withheld
            ));
        }
    }
    out
}

/// One row per unit and component, with a HXL hashtag row.
fn progress_csv(level: AdminLevel, units: &[UnitProgress]) -> String {
    let mut out = format!(
        "Unit code,Households,Members,Component,Owed,Received,Share received,Median days,Within a month\n{}+code,#population+hh+total,#population+total,#indicator+code,#population+hh+targeted,#population+hh+reached,#indicator+value+pct,#indicator+days+median,#population+hh+reached+timely\n",
        level.hxl()
    );
    let num = |v: Option<f64>| v.map_or_else(String::new, number);
    for u in units {
        for c in &u.components {
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{}\n",
                u.code,
                u.households,
                number(u.members),
                c.component,
                c.eligible,
                c.received,
                num(c.share),
                num(c.median_days),
                c.within_month
            ));
        }
    }
    out
}

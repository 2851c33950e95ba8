//! `GET /api/audit`: the audit log for administrators, newest first — every write
//! (loads, rollbacks, deletions, tokens) and every read of restricted detail (at most
//! one entry a minute per reader and layer). Filters: `actor`, `action`, `target`,
//! `since` (RFC 3339), `limit` (default 100, at most 10,000).

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::AppState;
use super::http::{ApiError, authorise, blocking};
use crate::model::Role;
use crate::model::{AuditEntry, AuditQuery};

/// Most entries one request returns.
const MAX_LIMIT: i64 = 10_000;

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/audit", get(log))
}

#[derive(Debug, Deserialize)]
struct LogQuery {
    actor: Option<String>,
    action: Option<String>,
    target: Option<String>,
    since: Option<String>,
    limit: Option<i64>,
}

async fn log(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LogQuery>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    authorise(&state, &headers, Role::Admin).await?;
    let since = q
        .since
        .as_deref()
        .map(|s| {
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    ApiError::bad_request(format!(
                        "since '{s}' is not an RFC 3339 time: use e.g. 2026-11-27T08:00:00Z"
                    ))
                })
        })
        .transpose()?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit {limit} is out of range: use 1 to {MAX_LIMIT}"
        )));
    }
    let query = AuditQuery {
        actor: q.actor,
        action: q.action,
        target: q.target,
        since,
        limit,
    };
    let store = state.store.clone();
    Ok(Json(blocking(move || Ok(store.audit_log(&query)?)).await?))
}

//! Early warning over HTTP: `GET /api/alert-rules`, `GET|PUT /api/alert-rules/{id}`
//! (editors write), `POST /api/alert-rules/{id}/evaluate` (now, on the current layer
//! versions), `GET /api/alerts` and `/api/alerts/{id}` (any token), and
//! `GET /cap/alerts/{id}.xml`, the alert as CAP 1.2 (issued public alerts without a
//! token). The rules and alerts are `ops::alerts`'; this module only reads requests and
//! writes answers.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::AppState;
use super::http::{ApiError, BaseUrl, Reader, authorise, blocking};
use crate::model::Role;
use crate::model::alert::{Alert, AlertState, Rule, RuleId, RuleSpec, Scope};
use crate::ops::alerts::{self, AlertError, Evaluated, Step};

/// Most alerts one list returns.
const MAX_LIMIT: i64 = 1000;

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/alert-rules", get(list_rules))
        .route("/api/alert-rules/{id}", get(get_rule).put(put_rule))
        .route("/api/alert-rules/{id}/evaluate", post(evaluate))
        .route("/api/alerts", get(list_alerts))
        .route("/api/alerts/in-force", get(in_force))
        .route("/api/alerts/{id}", get(get_alert))
        .route("/api/alerts/{id}/approve", post(approve))
        .route("/api/alerts/{id}/issue", post(issue))
        .route("/api/alerts/{id}/reject", post(reject))
        .route("/api/alerts/{id}/cancel", post(cancel))
        .route("/cap/alerts/{file}", get(cap_xml))
        .route("/cap/feed.atom", get(feed))
}

impl From<AlertError> for ApiError {
    fn from(e: AlertError) -> Self {
        match e {
            AlertError::Store(s) => s.into(),
            AlertError::UnknownRule(_) | AlertError::UnknownAlert(_) => {
                Self::not_found(e.to_string())
            }
            AlertError::Lifecycle(_) => Self::new(StatusCode::CONFLICT, "Conflict", e.to_string()),
            AlertError::Layer(l) => l.into(),
            other => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Rule refused",
                other.to_string(),
            ),
        }
    }
}

fn rule_id(id: &str) -> Result<RuleId, ApiError> {
    id.parse().map_err(ApiError::bad_request)
}

async fn list_rules(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<Rule>>, ApiError> {
    authorise(&state, &headers, Role::Viewer).await?;
    let store = state.store.clone();
    Ok(Json(blocking(move || Ok(store.rules()?)).await?))
}

async fn get_rule(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Rule>, ApiError> {
    authorise(&state, &headers, Role::Viewer).await?;
    let id = rule_id(&id)?;
    let store = state.store.clone();
    let rule = blocking(move || Ok(store.rule(&id)?.ok_or(AlertError::UnknownRule(id))?)).await?;
    Ok(Json(rule))
}

async fn put_rule(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<RuleSpec>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let editor = authorise(&state, &headers, Role::Editor).await?;
    let id = rule_id(&id)?;
    let Json(spec) = body.map_err(|e| {
        ApiError::bad_request(format!(
            "send the rule as JSON with title, condition and alert (docs/early-warning.md): {}",
            e.body_text()
        ))
    })?;
    let (engine, store) = (state.engine.clone(), state.store.clone());
    let rule = blocking(move || {
        Ok(alerts::write_rule(
            &engine,
            &store,
            &id,
            &spec,
            &editor.name,
        )?)
    })
    .await?;
    let status = if rule.version == 1 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(rule)).into_response())
}

async fn evaluate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Evaluated>, ApiError> {
    authorise(&state, &headers, Role::Editor).await?;
    let id = rule_id(&id)?;
    let (engine, store) = (state.engine.clone(), state.store.clone());
    let sender = state.settings.alerts.clone();
    let done = blocking(move || Ok(alerts::evaluate_by_id(&engine, &store, &id, &sender)?)).await?;
    Ok(Json(done))
}

#[derive(Debug, Deserialize)]
struct AlertsQuery {
    state: Option<AlertState>,
    limit: Option<i64>,
}

async fn list_alerts(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<AlertsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<Alert>>, ApiError> {
    authorise(&state, &headers, Role::Viewer).await?;
    let Query(q) = query.map_err(|e| {
        ApiError::bad_request(format!(
            "state is one of draft, approved, issued, superseded, rejected; limit 1 to {MAX_LIMIT} ({})",
            e.body_text()
        ))
    })?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit {limit} is out of range: use 1 to {MAX_LIMIT}"
        )));
    }
    let store = state.store.clone();
    let states: Vec<AlertState> = q.state.into_iter().collect();
    Ok(Json(
        blocking(move || Ok(store.alerts(&states, limit)?)).await?,
    ))
}

fn no_alert(id: i64) -> ApiError {
    ApiError::not_found(format!(
        "there is no alert {id}: GET /api/alerts lists them"
    ))
}

async fn get_alert(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Json<Alert>, ApiError> {
    authorise(&state, &headers, Role::Viewer).await?;
    let store = state.store.clone();
    let alert = blocking(move || store.alert(id)?.ok_or_else(|| no_alert(id))).await?;
    Ok(Json(alert))
}

/// Whether anyone may read the alert without a token: issued to the public.
fn public(alert: &Alert) -> bool {
    alert.scope == Scope::Public
        && matches!(alert.state, AlertState::Issued | AlertState::Superseded)
}

async fn cap_xml(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id: i64 = file
        .strip_suffix(".xml")
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "'{}' is not an alert's CAP file: ask for /cap/alerts/{{number}}.xml",
                file.chars().take(40).collect::<String>()
            ))
        })?;
    let reader = Reader::of(&state, &headers).await?;
    let store = state.store.clone();
    let alert = blocking(move || store.alert(id)?.ok_or_else(|| no_alert(id))).await?;
    if !public(&alert) {
        reader.require(Role::Viewer)?;
    }
    Ok((
        [(header::CONTENT_TYPE, "application/cap+xml; charset=utf-8")],
        crate::formats::cap::to_xml(&alert, &state.settings.alerts.name),
    )
        .into_response())
}

async fn take_step(
    state: AppState,
    id: i64,
    headers: HeaderMap,
    step: Step,
) -> Result<Json<Alert>, ApiError> {
    let editor = authorise(&state, &headers, Role::Editor).await?;
    let store = state.store.clone();
    let sender = state.settings.alerts.clone();
    let alert =
        blocking(move || Ok(alerts::step(&store, id, step, &editor.name, &sender)?)).await?;
    if step == Step::Issue {
        state.deliveries.notify_one();
    }
    Ok(Json(alert))
}

/// `POST /api/alerts/{id}/approve`: a second editor approves a draft.
async fn approve(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Json<Alert>, ApiError> {
    take_step(state, id, headers, Step::Approve).await
}

/// `POST /api/alerts/{id}/issue`: an approved alert is sent (an update or cancellation
/// supersedes the alert it references).
async fn issue(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Json<Alert>, ApiError> {
    take_step(state, id, headers, Step::Issue).await
}

/// `POST /api/alerts/{id}/reject`: a draft is set aside.
async fn reject(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Json<Alert>, ApiError> {
    take_step(state, id, headers, Step::Reject).await
}

/// `POST /api/alerts/{id}/cancel`: drafts the cancellation of an issued alert.
async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let editor = authorise(&state, &headers, Role::Editor).await?;
    let store = state.store.clone();
    let sender = state.settings.alerts.clone();
    let draft = blocking(move || Ok(alerts::cancel(&store, id, &editor.name, &sender)?)).await?;
    Ok((StatusCode::CREATED, Json(draft)).into_response())
}

/// The issued alerts, newest first (at most [`FEED_MAX`]), read again only when an
/// alert was stored or changed since they were last read (by this server or another).
async fn issued_alerts(
    state: &AppState,
    version: AlertsVersion,
) -> Result<Arc<Vec<Alert>>, ApiError> {
    if let Some((v, alerts)) = state.feed.lock().ok().and_then(|c| c.issued.clone())
        && v == version
    {
        return Ok(alerts);
    }
    let store = state.store.clone();
    let alerts =
        Arc::new(blocking(move || Ok(store.alerts(&[AlertState::Issued], FEED_MAX)?)).await?);
    if let Ok(mut c) = state.feed.lock() {
        c.issued = Some((version, alerts.clone()));
    }
    Ok(alerts)
}

/// The store's alerts version now.
async fn alerts_version(state: &AppState) -> Result<AlertsVersion, ApiError> {
    let store = state.store.clone();
    blocking(move || Ok(store.alerts_version()?)).await
}

/// `GET /api/alerts/in-force`: the alerts in force now, newest first, and who they
/// cover (Sendai G-3's numerator); without a token, the public ones only.
async fn in_force(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let reader = Reader::of(&state, &headers).await?;
    let all = reader.require(Role::Viewer).is_ok();
    let now = chrono::Utc::now();
    let issued = issued_alerts(&state, alerts_version(&state).await?).await?;
    let shown: Vec<&Alert> = issued
        .iter()
        .filter(|a| a.in_force(now) && (all || public(a)))
        .collect();
    let coverage = crate::model::alert::Coverage::of(shown.iter().copied(), now);
    Ok(
        Json(serde_json::json!({"as_of": now, "coverage": coverage, "alerts": shown}))
            .into_response(),
    )
}

/// Most entries the feed holds.
const FEED_MAX: i64 = 500;

#[derive(Debug, Deserialize)]
struct FeedQuery {
    area: Option<String>,
    hazard: Option<String>,
    content: Option<FeedContent>,
}

/// What a feed's entries carry besides the link to their CAP message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
enum FeedContent {
    /// The CAP message itself.
    Cap,
}

/// Most entries a feed carrying the CAP messages holds.
const FEED_MAX_EMBEDDED: usize = 100;

/// `GET /cap/feed.atom?area=…&hazard=…&content=cap`: public alerts in force, newest
/// first (at most 500), for anyone; `area` keeps those for that unit, its parents or its
/// children (a district's feed has its sectors' alerts), `hazard` those of that hazard
/// layer; `content=cap` puts each CAP message in its entry (at most 100 entries then).
async fn feed(
    State(state): State<AppState>,
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    query: Result<Query<FeedQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| {
        ApiError::bad_request(format!(
            "give area=CODE, hazard=LAYER and content=cap ({})",
            e.body_text()
        ))
    })?;
    if let Some(a) = q
        .area
        .as_deref()
        .filter(|a| a.is_empty() || a.len() > 8 || !a.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(ApiError::bad_request(format!(
            "area '{}' is not an official code: give 1 to 8 digits (a province 1-5, a district 11, a sector 1101, ...)",
            a.chars().take(20).collect::<String>()
        )));
    }
    let now = chrono::Utc::now();
    let version = alerts_version(&state).await?;
    let embed = q.content == Some(FeedContent::Cap);
    let key = (base.clone(), q.area.clone(), q.hazard.clone(), embed);
    if let Some(body) = state
        .feed
        .lock()
        .ok()
        .and_then(|c| c.page(&key, version, now))
    {
        return Ok(atom(body));
    }
    let issued = issued_alerts(&state, version).await?;
    let shown: Vec<&Alert> = issued
        .iter()
        .filter(|a| {
            public(a)
                && a.in_force(now)
                && q.hazard
                    .as_deref()
                    .is_none_or(|h| a.hazard.layer.as_str() == h)
                && q.area.as_deref().is_none_or(|code| {
                    a.areas
                        .iter()
                        .any(|r| r.code.starts_with(code) || code.starts_with(&r.code))
                })
        })
        .collect();
    // The page stands until the store's alerts change or the first of its alerts expires
    // (at most a minute, for its `updated` when it lists none).
    let until = shown
        .iter()
        .filter_map(|a| a.expires())
        .min()
        .unwrap_or(now + chrono::Duration::minutes(1))
        .min(now + chrono::Duration::minutes(1));
    let shown = if embed {
        &shown[..shown.len().min(FEED_MAX_EMBEDDED)]
    } else {
        &shown[..]
    };
    let body = bytes::Bytes::from(crate::formats::cap::feed(
        shown,
        &base,
        &state.settings.alerts.name,
        now,
        embed,
    ));
    if let Ok(mut c) = state.feed.lock() {
        c.keep(key, version, until, body.clone());
    }
    Ok(atom(body))
}

fn atom(body: bytes::Bytes) -> Response {
    (
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        body,
    )
        .into_response()
}

/// The store's alerts version (see [`Store::alerts_version`](crate::store::Store::alerts_version)).
type AlertsVersion = (i64, Option<chrono::DateTime<chrono::Utc>>);

/// A feed page: its base URL, area and hazard filters, and whether it carries the CAP
/// messages.
type PageKey = (String, Option<String>, Option<String>, bool);

/// A feed page as written: the alerts version it was made at, until when it stands, and
/// its bytes.
type Page = (AlertsVersion, chrono::DateTime<chrono::Utc>, bytes::Bytes);

/// Most feed pages kept (one per base URL and filters asked for).
const PAGES_KEPT: usize = 256;

/// What the feed and the alerts in force are made from, kept while the store's alerts
/// do not change: the issued alerts as read, and the feed's pages as written.
#[derive(Default)]
pub struct FeedCache {
    issued: Option<(AlertsVersion, Arc<Vec<Alert>>)>,
    pages: std::collections::HashMap<PageKey, Page>,
}

impl FeedCache {
    fn page(
        &self,
        key: &PageKey,
        version: AlertsVersion,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<bytes::Bytes> {
        self.pages
            .get(key)
            .filter(|(v, until, _)| *v == version && *until > now)
            .map(|(_, _, body)| body.clone())
    }

    fn keep(
        &mut self,
        key: PageKey,
        version: AlertsVersion,
        until: chrono::DateTime<chrono::Utc>,
        body: bytes::Bytes,
    ) {
        if self.pages.len() >= PAGES_KEPT {
            self.pages.retain(|_, (v, _, _)| *v == version);
            if self.pages.len() >= PAGES_KEPT {
                self.pages.clear();
            }
        }
        self.pages.insert(key, (version, until, body));
    }
}

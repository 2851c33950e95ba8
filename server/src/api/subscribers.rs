//! Subscribers and their deliveries over HTTP, for admins: `GET /api/subscribers`,
//! `GET|PUT /api/subscribers/{id}`, `POST /api/subscribers/{id}/rotate-secret`,
//! `GET /api/deliveries`, `GET /api/deliveries/{id}` (with every attempt),
//! `POST /api/deliveries/{id}/retry`; and for editors `GET /api/alerts/{id}/deliveries`,
//! how far an alert's delivery has come. The rules are `ops::subscribers`'.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::http::{ApiError, authorise, blocking};
use crate::model::Role;
use crate::model::subscriber::{DeliveryState, SubscriberId, SubscriberSpec};
use crate::ops::subscribers::{self, DEFAULT_GRACE_HOURS, SubscriberOpError};
use crate::store::DeliveryQuery;

/// Most deliveries one list returns.
const MAX_LIMIT: i64 = 5000;

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/subscribers", get(list))
        .route("/api/subscribers/{id}", get(get_one).put(put))
        .route("/api/subscribers/{id}/rotate-secret", post(rotate))
        .route("/api/deliveries", get(deliveries))
        .route("/api/deliveries/{id}", get(delivery))
        .route("/api/deliveries/{id}/retry", post(retry))
        .route("/api/alerts/{id}/deliveries", get(alert_deliveries))
}

impl From<SubscriberOpError> for ApiError {
    fn from(e: SubscriberOpError) -> Self {
        match e {
            SubscriberOpError::Store(s) => s.into(),
            SubscriberOpError::UnknownSubscriber(_) | SubscriberOpError::UnknownDelivery(_) => {
                Self::not_found(e.to_string())
            }
            SubscriberOpError::NotParked { .. } => {
                Self::new(StatusCode::CONFLICT, "Conflict", e.to_string())
            }
            other => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Subscriber refused",
                other.to_string(),
            ),
        }
    }
}

fn subscriber_id(id: &str) -> Result<SubscriberId, ApiError> {
    id.parse().map_err(ApiError::bad_request)
}

async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    authorise(&state, &headers, Role::Admin).await?;
    let store = state.store.clone();
    let all = blocking(move || Ok(store.subscribers()?)).await?;
    let shown: Vec<_> = all
        .iter()
        .map(crate::model::subscriber::Subscriber::hidden)
        .collect();
    Ok(Json(shown).into_response())
}

async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorise(&state, &headers, Role::Admin).await?;
    let id = subscriber_id(&id)?;
    let store = state.store.clone();
    let s = blocking(move || {
        Ok(store
            .subscriber(&id)?
            .ok_or(SubscriberOpError::UnknownSubscriber(id))?)
    })
    .await?;
    Ok(Json(s.hidden()).into_response())
}

async fn put(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<SubscriberSpec>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let admin = authorise(&state, &headers, Role::Admin).await?;
    let id = subscriber_id(&id)?;
    let Json(spec) = body.map_err(|e| {
        ApiError::bad_request(format!(
            "send the subscriber as JSON with name, contact and a webhook or e-mail (docs/early-warning.md): {}",
            e.body_text()
        ))
    })?;
    let (engine, store) = (state.engine.clone(), state.store.clone());
    let allow = state.settings.delivery.allow_private;
    let (s, secret) = blocking(move || {
        Ok(subscribers::write(
            &engine,
            &store,
            &id,
            &spec,
            allow,
            &admin.name,
        )?)
    })
    .await?;
    Ok(match secret {
        Some(secret) => (
            StatusCode::CREATED,
            Json(json!({"subscriber": s, "secret": secret.key})),
        )
            .into_response(),
        None => Json(json!({"subscriber": s})).into_response(),
    })
}

#[derive(Debug, Deserialize)]
struct RotateQuery {
    grace_hours: Option<u32>,
}

async fn rotate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    query: Result<Query<RotateQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let admin = authorise(&state, &headers, Role::Admin).await?;
    let id = subscriber_id(&id)?;
    let Query(q) = query.map_err(|e| {
        ApiError::bad_request(format!(
            "grace_hours is how long the old secret goes on signing, 0 to 720 ({})",
            e.body_text()
        ))
    })?;
    let store = state.store.clone();
    let grace = q.grace_hours.unwrap_or(DEFAULT_GRACE_HOURS);
    let (s, secret) =
        blocking(move || Ok(subscribers::rotate(&store, &id, grace, &admin.name)?)).await?;
    Ok(Json(json!({"subscriber": s, "secret": secret.key})).into_response())
}

#[derive(Debug, Deserialize)]
struct DeliveriesQuery {
    alert: Option<i64>,
    subscriber: Option<String>,
    state: Option<DeliveryState>,
    limit: Option<i64>,
}

async fn deliveries(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<DeliveriesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    authorise(&state, &headers, Role::Admin).await?;
    let Query(q) = query.map_err(|e| {
        ApiError::bad_request(format!(
            "filter by alert=N, subscriber=ID, state=pending|delivered|parked, limit 1 to {MAX_LIMIT} ({})",
            e.body_text()
        ))
    })?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit {limit} is out of range: use 1 to {MAX_LIMIT}"
        )));
    }
    let query = DeliveryQuery {
        alert: q.alert,
        subscriber: q.subscriber.as_deref().map(subscriber_id).transpose()?,
        state: q.state,
        limit,
    };
    let store = state.store.clone();
    Ok(Json(blocking(move || Ok(store.deliveries(&query)?)).await?).into_response())
}

async fn delivery(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorise(&state, &headers, Role::Admin).await?;
    let store = state.store.clone();
    let (d, attempts) = blocking(move || {
        Ok(store
            .delivery(id)?
            .ok_or(SubscriberOpError::UnknownDelivery(id))?)
    })
    .await?;
    Ok(Json(json!({"delivery": d, "attempts": attempts})).into_response())
}

async fn retry(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let admin = authorise(&state, &headers, Role::Admin).await?;
    let store = state.store.clone();
    let d = blocking(move || Ok(subscribers::retry(&store, id, &admin.name)?)).await?;
    state.deliveries.notify_one();
    Ok(Json(d).into_response())
}

async fn alert_deliveries(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorise(&state, &headers, Role::Editor).await?;
    let store = state.store.clone();
    let counts = blocking(move || {
        if store.alert(id)?.is_none() {
            return Err(ApiError::not_found(format!(
                "there is no alert {id}: GET /api/alerts lists them"
            )));
        }
        Ok(store.delivery_counts(id)?)
    })
    .await?;
    Ok(Json(counts).into_response())
}

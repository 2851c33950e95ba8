//! Token management for administrators: `POST /api/tokens` (the secret is in the
//! answer, once), `GET /api/tokens`, `DELETE /api/tokens/{name}` (revoke). The CLI's
//! `sitroom token` does the same for whoever can open the store.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::http::{ApiError, authorise, blocking};
use crate::auth;
use crate::model::ApiToken;
use crate::model::Role;

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/tokens", get(list).post(create))
        .route("/api/tokens/{name}", delete(revoke))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewToken {
    name: String,
    role: Role,
    #[serde(default, deserialize_with = "super::http::number::whole_opt")]
    expires_days: Option<u32>,
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<ApiToken>>, ApiError> {
    authorise(&state, &headers, Role::Admin).await?;
    let store = state.store.clone();
    Ok(Json(blocking(move || Ok(store.tokens()?)).await?))
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<NewToken>, axum::extract::rejection::JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let admin = authorise(&state, &headers, Role::Admin).await?;
    let Json(new) = body.map_err(|e| {
        ApiError::bad_request(format!(
            "send {{\"name\": \"…\", \"role\": \"viewer|analyst|editor|admin\", \"expires_days\": 90}}: {}",
            e.body_text()
        ))
    })?;
    auth::check_token_name(&new.name).map_err(ApiError::bad_request)?;
    let expires = new
        .expires_days
        .map(auth::expiry_in)
        .transpose()
        .map_err(ApiError::bad_request)?;
    let store = state.store.clone();
    let by = admin.name.clone();
    let (secret, token) = blocking(move || {
        if store.tokens()?.iter().any(|t| t.name == new.name) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "Conflict",
                format!(
                    "a token named '{}' exists already: pick another name",
                    new.name
                ),
            ));
        }
        Ok(auth::create_token(
            store.as_ref(),
            &new.name,
            new.role,
            expires,
            &by,
        )?)
    })
    .await?;
    let mut body: Value = serde_json::to_value(&token).unwrap_or_default();
    body["secret"] = json!(secret);
    Ok((StatusCode::CREATED, Json(body)))
}

async fn revoke(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let admin = authorise(&state, &headers, Role::Admin).await?;
    let store = state.store.clone();
    let shown = name.clone();
    let by = admin.name.clone();
    if blocking(move || Ok(store.revoke_token(&name, &by)?)).await? {
        state.token_cache.forget(&shown);
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!(
            "no active token named '{shown}': GET /api/tokens lists them"
        )))
    }
}

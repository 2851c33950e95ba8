//! `GET /api/search?q=…`: places by name or official code for the map's search box
//! (how they are found and ranked: `engine::search`).

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::http::ApiError;

/// Longest query, in characters (names are compared letter by letter).
const MAX_QUERY: usize = 100;

/// Most results returned.
const MAX_RESULTS: usize = 50;

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/search", get(search))
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    q: String,
    limit: Option<usize>,
}

async fn search(
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
    headers: axum::http::HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let reader = super::http::Reader::of(&state, &headers).await?;
    let query = crate::engine::search::fold(q.q.trim());
    let code = !query.is_empty() && query.chars().all(|c| c.is_ascii_digit());
    if !code && query.chars().count() < 2 {
        return Err(ApiError::bad_request(
            "give a code or at least two characters of a name, e.g. ?q=Rubavu or ?q=34",
        ));
    }
    if q.q.chars().count() > MAX_QUERY {
        return Err(ApiError::bad_request(format!(
            "the query is longer than {MAX_QUERY} characters: give a place's name or code"
        )));
    }
    let limit = q.limit.unwrap_or(20);
    if !(1..=MAX_RESULTS).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit {limit} is out of range: ask for 1 to {MAX_RESULTS} results"
        )));
    }
    let found = crate::engine::search::search(
        &state.engine.snapshots(),
        |m| reader.may_read(m),
        &q.q,
        limit,
    );
    Ok(Json(json!({
        "query": q.q,
        "matched": found.matched,
        "results": found.results,
    })))
}

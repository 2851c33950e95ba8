//! `GET /api/search?q=…`: places by name or official code — every admin unit of every
//! public boundary layer and every named feature of public point layers (camps, transit
//! centres) — for the map's search box. Exact matches first, then names starting with
//! the query, then names containing it; coarser levels before finer ones.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::http::ApiError;
use crate::model::AdminLevel;
use crate::model::{LayerKind, Sensitivity};

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

/// Folds case and the accents a keyboard may not have (é → e), for matching.
fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

async fn search(
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
    headers: axum::http::HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let reader = super::http::Reader::of(&state, &headers).await?;
    let query = fold(q.q.trim());
    let code = !query.is_empty() && query.chars().all(|c| c.is_ascii_digit());
    if !code && query.chars().count() < 2 {
        return Err(ApiError::bad_request(
            "give a code or at least two characters of a name, e.g. ?q=Rubavu or ?q=34",
        ));
    }
    let limit = q.limit.unwrap_or(20);
    if !(1..=MAX_RESULTS).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit {limit} is out of range: ask for 1 to {MAX_RESULTS} results"
        )));
    }
    let all = state.engine.snapshots();
    // (how well it matches, level rank, name) → result
    let mut hits: Vec<((u8, usize, String), Value)> = Vec::new();
    for snap in all.values() {
        // Restricted layers are never searched: a hit would be a precise location.
        if snap.meta.sensitivity != Sensitivity::Public || !reader.may_read(&snap.meta) {
            continue;
        }
        let level_rank = AdminLevel::of_theme(snap.meta.theme.as_str())
            .map_or(AdminLevel::ALL.len(), |l| l as usize);
        let searchable = match snap.meta.kind {
            LayerKind::Boundary => true,
            LayerKind::Exposure => !snap.has_polygons(),
            LayerKind::Hazard => false,
        };
        if !searchable {
            continue;
        }
        for f in &snap.features {
            let Some(name) = snap.name(f) else {
                continue;
            };
            let folded = fold(name);
            let code_match = f.code.as_deref().is_some_and(|c| c.starts_with(&query));
            let quality = if folded == query || f.code.as_deref() == Some(query.as_str()) {
                0
            } else if folded.starts_with(&query) || code_match {
                1
            } else if folded.contains(&query) {
                2
            } else {
                continue;
            };
            hits.push((
                (quality, level_rank, name.to_owned()),
                json!({
                    "name": name,
                    "code": f.code,
                    "layer": snap.meta.id,
                    "kind": snap.meta.kind,
                    "level": snap.meta.theme,
                    "bbox": f.lonlat_bbox(),
                }),
            ));
        }
    }
    hits.sort_by(|a, b| a.0.cmp(&b.0));
    let total = hits.len();
    let results: Vec<Value> = hits.into_iter().take(limit).map(|(_, v)| v).collect();
    Ok(Json(
        json!({ "query": q.q, "matched": total, "results": results }),
    ))
}

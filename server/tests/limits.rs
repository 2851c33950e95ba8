//! Limits a client meets: requests per second (429 with Retry-After, per token or per
//! address), over a real socket and in process.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use axum::http::{StatusCode, header};
use serde_json::Value;
use sitroom::api::AppState;
use sitroom::api::limits::RateLimiter;
use sitroom::store::Store;

async fn get(
    state: &AppState,
    uri: &str,
    token: Option<&str>,
) -> (StatusCode, Option<String>, Value) {
    let a = common::call(state, "GET", uri, token, None).await;
    let retry = a
        .headers
        .get(header::RETRY_AFTER)
        .map(|v| v.to_str().unwrap().to_owned());
    (a.status, retry, a.json())
}

#[tokio::test]
async fn each_client_gets_its_own_budget_and_is_told_when_to_retry() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("limits.db").display().to_string();
    let store: Arc<dyn Store> = Arc::from(sitroom::store::open(&db).unwrap());
    let mut state = AppState::new(store, 1 << 20).unwrap();
    // One request a second, three at once.
    state.limiter = Arc::new(RateLimiter::new(1.0, 3.0));
    for _ in 0..3 {
        assert_eq!(get(&state, "/catalog", Some("a")).await.0, StatusCode::OK);
    }
    let (status, retry, problem) = get(&state, "/catalog", Some("a")).await;
    assert_eq!(
        (status, retry.as_deref()),
        (StatusCode::TOO_MANY_REQUESTS, Some("1"))
    );
    assert_eq!(
        problem["detail"],
        "this client is over its limit of requests: retry in 1 s (the operator sets the limit with --rate-limit)"
    );
    assert_eq!(
        get(&state, "/catalog", Some("b")).await.0,
        StatusCode::OK,
        "another token has its own budget"
    );
    assert_eq!(
        get(&state, "/health", Some("a")).await.0,
        StatusCode::OK,
        "health checks are never limited"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        get(&state, "/catalog", Some("a")).await.0,
        StatusCode::OK,
        "the budget refills"
    );
}

#[test]
fn a_real_server_limits_by_address() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("limits.db").display().to_string();
    let server = common::serve(&db, &["--rate-limit", "0.5"]);
    let client = reqwest::blocking::Client::new();
    let statuses: Vec<u16> = (0..4)
        .map(|_| {
            client
                .get(format!("{}/catalog", server.base))
                .send()
                .unwrap()
                .status()
                .as_u16()
        })
        .collect();
    assert_eq!(
        statuses,
        [200, 200, 429, 429],
        "a burst of 2 at 0.5 a second"
    );
    let resp = client
        .get(format!("{}/catalog", server.base))
        .send()
        .unwrap();
    assert_eq!(resp.headers()[header::RETRY_AFTER.as_str()], "2");
}

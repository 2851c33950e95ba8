//! Limits a client meets: requests per second (429 with Retry-After, per token or per
//! address), over a real socket and in process.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt as _;
use serde_json::Value;
use sitroom::api::limits::RateLimiter;
use sitroom::api::{AppState, app};
use sitroom::store::Store;
use tower::ServiceExt as _;

async fn get(
    state: &AppState,
    uri: &str,
    token: Option<&str>,
) -> (StatusCode, Option<String>, Value) {
    let mut req = Request::get(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let resp = app(state.clone())
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let retry = resp
        .headers()
        .get(header::RETRY_AFTER)
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        retry,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
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

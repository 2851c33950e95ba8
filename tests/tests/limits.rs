//! Limits a client meets: requests per second (429 with Retry-After, per token or per
//! address), over a real socket and in process.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use axum::http::{StatusCode, header};
use serde_json::Value;
use sitroom::api::AppState;
use sitroom::config::ServerSettings;
use sitroom::store::Store;

async fn get(
    state: &AppState,
    uri: &str,
    token: Option<&str>,
) -> (StatusCode, Option<String>, Value) {
    let a = sitroom_tests::call(state, "GET", uri, token, None).await;
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
    let store: Arc<Store> = Arc::from(sitroom::store::open(&db).unwrap());
    let token = |name: &str| {
        sitroom::auth::create_token(
            store.as_ref(),
            name,
            sitroom::model::Role::Viewer,
            None,
            "tests",
        )
        .unwrap()
        .0
    };
    let (a, b) = (token("a"), token("b"));
    // One request a second, three at once.
    let state = AppState::new(
        store,
        ServerSettings {
            rate_limit: 1.0,
            rate_burst: 3.0,
            ..ServerSettings::default()
        },
    )
    .unwrap();
    for _ in 0..3 {
        assert_eq!(get(&state, "/ogc", Some(&a)).await.0, StatusCode::OK);
    }
    let (status, retry, problem) = get(&state, "/ogc", Some(&a)).await;
    assert_eq!(
        (status, retry.as_deref()),
        (StatusCode::TOO_MANY_REQUESTS, Some("1"))
    );
    assert_eq!(
        problem["detail"],
        "this client is over its limit of requests: retry in 1 s (the operator sets the limit with --rate-limit)"
    );
    assert_eq!(
        get(&state, "/ogc", Some(&b)).await.0,
        StatusCode::OK,
        "another token has its own budget"
    );
    // The same token spelt otherwise is the same client; made-up tokens are the
    // address's (here: no address, in process), never a fresh budget each.
    assert_eq!(
        get(&state, "/ogc", Some(&format!("  {a}"))).await.0,
        StatusCode::TOO_MANY_REQUESTS,
        "extra spaces are the same token"
    );
    for made_up in ["x1", "x2", "x3"] {
        get(&state, "/ogc", Some(made_up)).await;
    }
    assert_eq!(
        get(&state, "/ogc", Some("x4")).await.0,
        StatusCode::TOO_MANY_REQUESTS,
        "made-up tokens share their address's budget"
    );
    assert_eq!(
        get(&state, "/health", Some(&a)).await.0,
        StatusCode::OK,
        "health checks are never limited"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        get(&state, "/ogc", Some(&a)).await.0,
        StatusCode::OK,
        "the budget refills"
    );
}

#[test]
fn a_real_server_limits_by_address() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("limits.db").display().to_string();
    let server = sitroom_tests::serve(&db, &["--rate-limit", "0.5"]);
    let client = sitroom_tests::client();
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

/// Two square zones of four corners each (five coordinates with the closing one).
const TWO_ZONES: &str = r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"class":"high"},"geometry":{"type":"Polygon","coordinates":[[[30.0,-2.0],[30.1,-2.0],[30.1,-1.9],[30.0,-1.9],[30.0,-2.0]]]}},
 {"type":"Feature","properties":{"class":"low"},"geometry":{"type":"Polygon","coordinates":[[[30.2,-2.0],[30.3,-2.0],[30.3,-1.9],[30.2,-1.9],[30.2,-2.0]]]}}]}"#;

/// Uploads `geojson` as hazard layer `zones` with `token`.
async fn upload(state: &AppState, token: &str, geojson: &str) -> sitroom_tests::Answer {
    let (kind, body) = sitroom_tests::class_zones_upload(geojson);
    sitroom_tests::call(
        state,
        "POST",
        "/api/layers/zones",
        Some(token),
        Some((&kind, body)),
    )
    .await
}

#[tokio::test]
async fn loads_over_the_feature_or_vertex_limit_are_refused_and_keep_the_current_version() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("limits.db").display().to_string();
    let store: Arc<Store> = Arc::from(sitroom::store::open(&db).unwrap());
    let (editor, _) = sitroom::auth::create_token(
        store.as_ref(),
        "editor",
        sitroom::model::Role::Editor,
        None,
        "tests",
    )
    .unwrap();
    let mut state = AppState::new(store, ServerSettings::default()).unwrap();
    let one_zone = TWO_ZONES.replacen(
        r#",
 {"type":"Feature","properties":{"class":"low"},"geometry":{"type":"Polygon","coordinates":[[[30.2,-2.0],[30.3,-2.0],[30.3,-1.9],[30.2,-1.9],[30.2,-2.0]]]}}"#,
        "",
        1,
    );
    let first = upload(&state, &editor, &one_zone).await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.json());

    state.settings = Arc::new(ServerSettings {
        load_limits: sitroom::ingest::LoadLimits {
            features: 1,
            vertices: 100,
        },
        ..ServerSettings::default()
    });
    let refused = upload(&state, &editor, TWO_ZONES).await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        refused.json()["detail"],
        "'zone.geojson' has 2 features, more than the 1 a load may hold: split it into several layers, simplify it, or ask the operator to raise --max-features; nothing was loaded and the current version is unchanged"
    );

    state.settings = Arc::new(ServerSettings {
        load_limits: sitroom::ingest::LoadLimits {
            features: 10,
            vertices: 9,
        },
        ..ServerSettings::default()
    });
    let refused = upload(&state, &editor, TWO_ZONES).await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        refused.json()["detail"],
        "'zone.geojson' has 10 vertices, more than the 9 a load may hold: split it into several layers, simplify it, or ask the operator to raise --max-vertices; nothing was loaded and the current version is unchanged"
    );

    let layer = sitroom_tests::call(&state, "GET", "/api/layers/zones", Some(&editor), None)
        .await
        .json();
    assert_eq!(layer["current_version"], 1, "{layer}");
    assert_eq!(layer["feature_count"], 1);

    state.settings = Arc::new(ServerSettings {
        load_limits: sitroom::ingest::LoadLimits {
            features: 10,
            vertices: 10,
        },
        ..ServerSettings::default()
    });
    let loaded = upload(&state, &editor, TWO_ZONES).await;
    assert_eq!(
        loaded.status,
        StatusCode::CREATED,
        "exactly at the limits loads"
    );
}

#[test]
fn the_command_line_load_has_the_same_limits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("limits.db").display().to_string();
    let file = sitroom_tests::write(&dir, "zones.geojson", TWO_ZONES);
    let out = sitroom_tests::sitroom(
        &db,
        &[
            "load",
            file.to_str().unwrap(),
            "--layer",
            "zones",
            "--kind",
            "hazard",
            "--theme",
            "flood",
            "--hazard-field",
            "class",
            "--classification",
            "class-names",
            "--max-features",
            "1",
        ],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("has 2 features, more than the 1 a load may hold"),
        "{stderr}"
    );
}

#[tokio::test]
async fn incident_areas_are_limited_in_size_vertices_and_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("limits.db").display().to_string();
    let file = sitroom_tests::write(&dir, "zones.geojson", TWO_ZONES);
    sitroom_tests::load_class_zones(&db, &file, "zones");
    let camps = sitroom_tests::write(
        &dir,
        "camps.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"population":10},"geometry":{"type":"Point","coordinates":[30.05,-1.95]}}]}"#,
    );
    sitroom_tests::sitroom_ok(
        &db,
        &[
            "load",
            camps.to_str().unwrap(),
            "--layer",
            "camps",
            "--kind",
            "exposure",
            "--theme",
            "camp",
            "--population-field",
            "population",
            "--anonymous",
            "true",
        ],
    );
    let store: Arc<Store> = Arc::from(sitroom::store::open(&db).unwrap());
    let state = AppState::new(store, ServerSettings::default()).unwrap();
    let post = |body: String| {
        let state = state.clone();
        async move {
            sitroom_tests::call(
                &state,
                "POST",
                "/api/exposure/area?hazard=zones&exposure=camps",
                None,
                Some(("application/json", body.into_bytes())),
            )
            .await
        }
    };
    let square = |d: f64| {
        format!(
            r#"{{"type":"Polygon","coordinates":[[[30.0,-2.0],[{e},-2.0],[{e},{n}],[30.0,{n}],[30.0,-2.0]]]}}"#,
            e = 30.0 + d,
            n = -2.0 + d
        )
    };
    let fine = post(square(0.1)).await;
    assert_eq!(fine.status, StatusCode::OK, "{:?}", fine.json());

    let huge = post(square(5.0)).await;
    assert_eq!(huge.status, StatusCode::BAD_REQUEST);
    let detail = huge.json()["detail"].as_str().unwrap().to_owned();
    assert!(
        detail.starts_with("the area covers 30") && detail.contains("more than 100000 km²"),
        "{detail}"
    );

    let ring: Vec<String> = (0..=100_001)
        .map(|i| {
            let a = f64::from(i) / 100_001.0 * std::f64::consts::TAU;
            format!("[{},{}]", 30.05 + 0.01 * a.cos(), -1.95 + 0.01 * a.sin())
        })
        .chain(std::iter::once(format!("[{},{}]", 30.06, -1.95)))
        .collect();
    let many = post(format!(
        r#"{{"type":"Polygon","coordinates":[[{}]]}}"#,
        ring.join(",")
    ))
    .await;
    assert_eq!(many.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        many.json()["detail"],
        "the area has 100003 vertices, more than 100000: simplify it"
    );

    let padded = format!(
        r#"{{"type":"Polygon","pad":"{}","coordinates":[[[30.0,-2.0],[30.1,-2.0],[30.1,-1.9],[30.0,-2.0]]]}}"#,
        "x".repeat(5 * 1024 * 1024)
    );
    let big = post(padded).await;
    assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        big.json()["detail"],
        "the area body is over 4 MiB: simplify the outline"
    );
}

#[tokio::test]
async fn slow_reads_are_cut_off_with_503_and_writes_are_not() {
    use tower::ServiceExt as _;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("limits.db").display().to_string();
    let store: Arc<Store> = Arc::from(sitroom::store::open(&db).unwrap());
    let state = AppState::new(
        store,
        ServerSettings {
            request_timeout: std::time::Duration::from_millis(50),
            ..ServerSettings::default()
        },
    )
    .unwrap();
    // The real middleware around handlers that take longer than the limit.
    let slow = || async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        "done"
    };
    let app = axum::Router::new()
        .route("/api/exposure", axum::routing::get(slow))
        .route("/api/layers/zones", axum::routing::post(slow))
        .route("/events", axum::routing::get(slow))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            sitroom::api::http::limits::timeout,
        ))
        .with_state(state);
    let send = |method: &str, uri: &str| {
        let req = axum::http::Request::builder()
            .method(method)
            .uri(uri)
            .body(axum::body::Body::empty())
            .unwrap();
        app.clone().oneshot(req)
    };
    let read = send("GET", "/api/exposure").await.unwrap();
    assert_eq!(read.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = http_body_util::BodyExt::collect(read.into_body())
        .await
        .unwrap()
        .to_bytes();
    let problem: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        problem["detail"],
        "the request took longer than 0.05 s and was stopped: ask for less (a smaller area, fewer layers, a page of features), or ask the operator to raise --request-timeout-s"
    );
    let write = send("POST", "/api/layers/zones").await.unwrap();
    assert_eq!(write.status(), StatusCode::OK, "a write runs to its end");
    let stream = send("GET", "/events").await.unwrap();
    assert_eq!(
        stream.status(),
        StatusCode::OK,
        "the event stream is open by design"
    );
}

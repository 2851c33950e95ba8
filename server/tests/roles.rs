//! Who may do what: every role (and no token) against each kind of endpoint, as a table.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::Value;
use sitroom::api::AppState;
use sitroom::auth::{Role, create_token};
use sitroom::store::Store;

const POINTS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"hh":3},"geometry":{"type":"Point","coordinates":[30.06,-1.95]}},
{"type":"Feature","properties":{"hh":9},"geometry":{"type":"Point","coordinates":[30.07,-1.96]}}]}"#;

const ZONE: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"class":"high"},"geometry":{"type":"Polygon","coordinates":[[[29.9,-2.1],[30.2,-2.1],[30.2,-1.8],[29.9,-1.8],[29.9,-2.1]]]}}]}"#;

async fn call(
    state: &AppState,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
) -> (StatusCode, Value) {
    let a = common::call(state, method, uri, token, body).await;
    (a.status, a.json())
}

#[tokio::test]
async fn each_role_may_do_what_it_is_for_and_no_more() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("roles.db").display().to_string();
    common::load_admin(&db, "districts", "district");
    let pts = common::write(&dir, "hh.geojson", POINTS);
    common::sitroom_ok(
        &db,
        &[
            "load",
            pts.to_str().unwrap(),
            "--layer",
            "hh",
            "--kind",
            "exposure",
            "--theme",
            "returnee",
            "--households-field",
            "hh",
            "--sensitivity",
            "restricted",
        ],
    );
    let zone = common::write(&dir, "zone.geojson", ZONE);
    common::load_class_zones(&db, &zone, "zone");

    let store: Arc<dyn Store> = Arc::from(sitroom::store::open(&db).unwrap());
    let mut tokens = vec![(None::<String>, "anonymous")];
    for role in Role::ALL {
        let (secret, _) = create_token(store.as_ref(), role.as_str(), *role, None).unwrap();
        tokens.push((Some(secret), role.as_str()));
    }
    let state = AppState::new(store, 1 << 20).unwrap();
    let t = common::tile_at(geo::Coord { x: 30.06, y: -1.95 }, 8);
    let restricted_tile = format!("/tiles/hh/{}/{}/{}.mvt", t.z, t.x, t.y);
    let public_tile = format!("/tiles/zone/{}/{}/{}.mvt", t.z, t.x, t.y);
    let (kind, upload) = common::class_zones_upload(ZONE);

    // (what, method, uri, body?, expected status for anonymous, viewer, analyst, editor, admin)
    type Row<'a> = (&'a str, &'a str, String, bool, [u16; 5]);
    let table: Vec<Row> = vec![
        (
            "public tiles",
            "GET",
            public_tile,
            false,
            [200, 200, 200, 200, 200],
        ),
        (
            "restricted tiles",
            "GET",
            restricted_tile,
            false,
            [401, 403, 200, 200, 200],
        ),
        (
            "restricted features",
            "GET",
            "/ogc/collections/hh/items".into(),
            false,
            [401, 403, 200, 200, 200],
        ),
        (
            "public features",
            "GET",
            "/ogc/collections/zone/items".into(),
            false,
            [200, 200, 200, 200, 200],
        ),
        (
            "upload",
            "POST",
            "/api/layers/zone2".into(),
            true,
            [401, 403, 403, 201, 201],
        ),
        (
            "rollback",
            "POST",
            "/api/layers/zone/rollback".into(),
            false,
            [401, 403, 403, 400, 400],
        ),
        (
            "list tokens",
            "GET",
            "/api/tokens".into(),
            false,
            [401, 403, 403, 403, 200],
        ),
        (
            "revoke a token",
            "DELETE",
            "/api/tokens/nobody".into(),
            false,
            [401, 403, 403, 403, 404],
        ),
    ];
    for (what, method, uri, with_body, expected) in &table {
        for ((token, who), want) in tokens.iter().zip(expected) {
            let body = with_body.then(|| (kind.as_str(), upload.clone()));
            let (got, problem) = call(&state, method, uri, token.as_deref(), body).await;
            assert_eq!(got.as_u16(), *want, "{what} as {who}: {problem}");
        }
    }

    // Restricted exposure: aggregates suppressed for anonymous and viewer callers only.
    let uri = "/api/exposure?hazard=zone&exposure=hh&by=district";
    for ((token, who), redacted) in tokens.iter().zip([true, true, false, false, false]) {
        let (status, report) = call(&state, "GET", uri, token.as_deref(), None).await;
        assert_eq!(
            (status, report["redacted"].as_bool()),
            (StatusCode::OK, Some(redacted)),
            "exposure as {who}"
        );
    }

    // A viewer is told what role is needed.
    let viewer = tokens[1].0.as_deref();
    let (_, problem) = call(&state, "GET", "/api/tokens", viewer, None).await;
    assert_eq!(
        problem["detail"],
        "this needs a token with the admin role; yours (viewer) is viewer: ask an administrator"
    );

    // Administrators make and revoke tokens over HTTP; the secret is shown once.
    let admin = tokens[4].0.as_deref();
    let new = br#"{"name":"field-team","role":"analyst","expires_days":30}"#.to_vec();
    let (status, made) = call(
        &state,
        "POST",
        "/api/tokens",
        admin,
        Some(("application/json", new.clone())),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["role"], "analyst");
    assert!(made["expires_at"].is_string());
    let secret = made["secret"].as_str().unwrap().to_owned();
    let (status, _) = call(
        &state,
        "GET",
        "/ogc/collections/hh/items",
        Some(&secret),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "the new analyst token works");
    let (status, again) = call(
        &state,
        "POST",
        "/api/tokens",
        admin,
        Some(("application/json", new)),
    )
    .await;
    assert_eq!(
        (status, again["detail"].as_str()),
        (
            StatusCode::CONFLICT,
            Some("a token named 'field-team' exists already: pick another name")
        )
    );
    let (status, listed) = call(&state, "GET", "/api/tokens", admin, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t.get("secret").is_none() && t.get("token_sha256").is_none())
    );
    let (status, _) = call(&state, "DELETE", "/api/tokens/field-team", admin, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(
        &state,
        "GET",
        "/ogc/collections/hh/items",
        Some(&secret),
        None,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a revoked token stops working"
    );
    let (status, bad) = call(
        &state,
        "POST",
        "/api/tokens",
        admin,
        Some((
            "application/json",
            br#"{"name":"x","role":"boss"}"#.to_vec(),
        )),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
}

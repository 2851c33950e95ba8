//! PostGIS going away and coming back: reads keep being served from memory, writes fail
//! cleanly with 503 while it is away, and work again when it returns.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use diesel::{Connection, RunQueryDsl, pg::PgConnection};
use http_body_util::BodyExt as _;
use serde_json::Value;
use sitroom::api::{AppState, app};
use sitroom::auth::{Role, create_token};
use sitroom::store::Store;
use tower::ServiceExt as _;

const ZONE: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"class":"high"},"geometry":{"type":"Polygon","coordinates":[[[29.9,-2.1],[30.2,-2.1],[30.2,-1.8],[29.9,-1.8],[29.9,-2.1]]]}}]}"#;

async fn send(state: &AppState, req: Request<Body>) -> (StatusCode, Value) {
    let resp = app(state.clone()).oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn upload(token: &str) -> Request<Body> {
    let (kind, body) = common::class_zones_upload(ZONE);
    Request::post("/api/layers/zone")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", kind)
        .body(Body::from(body))
        .unwrap()
}

/// Closes the test database to new connections and ends the open ones (`away`), or
/// opens it again.
fn outage(url: &str, away: bool) {
    let admin = std::env::var("SITROOM_TEST_PG").unwrap();
    let name = url.rsplit('/').next().unwrap();
    let mut conn = PgConnection::establish(&admin).unwrap();
    diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS {}", !away))
        .execute(&mut conn)
        .unwrap();
    if away {
        diesel::sql_query(format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        ))
        .execute(&mut conn)
        .unwrap();
    }
}

#[tokio::test]
async fn reads_survive_a_postgis_outage_and_writes_fail_cleanly() {
    let url = common::postgis_url();
    let dir = tempfile::tempdir().unwrap();
    let zone = common::write(&dir, "zone.geojson", ZONE);
    common::load_class_zones(&url, &zone, "zone");
    let store: Arc<dyn Store> = Arc::from(sitroom::store::open(&url).unwrap());
    let (token, _) = create_token(store.as_ref(), "gis", Role::Editor, None).unwrap();
    let state = AppState::new(store, 1 << 20).unwrap();
    let t = common::tile_at(geo::Coord { x: 30.0, y: -2.0 }, 8);
    let tile = || {
        Request::get(format!("/tiles/zone/{}/{}/{}.mvt", t.z, t.x, t.y))
            .body(Body::empty())
            .unwrap()
    };

    outage(&url, true);
    state.sync_engine().await; // fails, and keeps what it has
    let (status, _) = send(&state, tile()).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "tiles come from memory while PostGIS is away"
    );
    let (status, items) = send(
        &state,
        Request::get("/ogc/collections/zone/items")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, items["numberReturned"].as_i64()),
        (StatusCode::OK, Some(1)),
        "so do features"
    );
    let (status, problem) = send(&state, upload(&token)).await;
    assert_eq!(
        (status, problem["detail"].as_str()),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Some("the database is unavailable: try again shortly")
        ),
        "a write while it is away is refused, not half done"
    );

    outage(&url, false);
    let (status, loaded) = send(&state, upload(&token)).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "writes work again once it is back: {loaded}"
    );
    assert_eq!(loaded["version"], 2);
    let (status, _) = send(&state, tile()).await;
    assert_eq!(status, StatusCode::OK);
}

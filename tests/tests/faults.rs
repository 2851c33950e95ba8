//! PostGIS going away and coming back: reads keep being served from memory, writes fail
//! cleanly with 503 while it is away, and work again when it returns.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use axum::http::StatusCode;
use diesel::{Connection, RunQueryDsl, pg::PgConnection};
use serde_json::Value;
use sitroom::api::AppState;
use sitroom::auth::create_token;
use sitroom::model::Role;
use sitroom::store::Store;

const ZONE: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"class":"high"},"geometry":{"type":"Polygon","coordinates":[[[29.9,-2.1],[30.2,-2.1],[30.2,-1.8],[29.9,-1.8],[29.9,-2.1]]]}}]}"#;

async fn upload(state: &AppState, token: &str) -> (StatusCode, Value) {
    let (kind, body) = sitroom_tests::class_zones_upload(ZONE);
    let a = sitroom_tests::call(
        state,
        "POST",
        "/api/layers/zone",
        Some(token),
        Some((&kind, body)),
    )
    .await;
    (a.status, a.json())
}

async fn get(state: &AppState, uri: &str) -> (StatusCode, Value) {
    let a = sitroom_tests::call(state, "GET", uri, None, None).await;
    (a.status, a.json())
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
    let url = sitroom_tests::postgis_url();
    let dir = tempfile::tempdir().unwrap();
    let zone = sitroom_tests::write(&dir, "zone.geojson", ZONE);
    sitroom_tests::load_class_zones(&url, &zone, "zone");
    let store: Arc<Store> = Arc::from(sitroom::store::open(&url).unwrap());
    let (token, _) = create_token(store.as_ref(), "gis", Role::Editor, None, "tests").unwrap();
    let (seen, _) = create_token(store.as_ref(), "seen", Role::Viewer, None, "tests").unwrap();
    let (unseen, _) = create_token(store.as_ref(), "unseen", Role::Viewer, None, "tests").unwrap();
    let state = AppState::new(store, sitroom::config::ServerSettings::default()).unwrap();
    let t = sitroom_tests::tile_at(geo::Coord { x: 30.0, y: -2.0 }, 8);
    let tile = format!("/tiles/zone/{}/{}/{}.mvt", t.z, t.x, t.y);
    let read_as = |token: &str| {
        let (state, tile, token) = (state.clone(), tile.clone(), token.to_owned());
        async move {
            sitroom_tests::call(&state, "GET", &tile, Some(&token), None)
                .await
                .status
        }
    };
    assert_eq!(read_as(&seen).await, StatusCode::OK);

    outage(&url, true);
    state.sync_engine().await; // fails, and keeps what it has
    let (status, _) = get(&state, &tile).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "tiles come from memory while PostGIS is away"
    );
    assert_eq!(
        read_as(&seen).await,
        StatusCode::OK,
        "a token seen before the outage keeps reading"
    );
    assert_eq!(
        read_as(&unseen).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "a token never seen cannot be checked"
    );
    let (status, items) = get(&state, "/ogc/collections/zone/items").await;
    assert_eq!(
        (status, items["numberReturned"].as_i64()),
        (StatusCode::OK, Some(1)),
        "so do features"
    );
    let (status, problem) = upload(&state, &token).await;
    assert_eq!(
        (status, problem["detail"].as_str()),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Some("the database is unavailable: try again shortly")
        ),
        "a write while it is away is refused, not half done"
    );

    outage(&url, false);
    let (status, loaded) = upload(&state, &token).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "writes work again once it is back: {loaded}"
    );
    assert_eq!(loaded["version"], 2);
    let (status, _) = get(&state, &tile).await;
    assert_eq!(status, StatusCode::OK);
}

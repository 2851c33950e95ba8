//! What the web map needs from the server besides tiles and exposure: label glyphs from
//! local fonts, place search, and the built page itself at `/`.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use axum::http::StatusCode;
use pbf_font_tools::prost::Message as _;
use serde_json::Value;
use sitroom::api::AppState;
use sitroom::store::Store;

async fn get(state: &AppState, uri: &str) -> (StatusCode, String, bytes::Bytes) {
    let a = sitroom_tests::call(state, "GET", uri, None, None).await;
    let kind = a
        .headers
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (a.status, kind, a.body)
}

fn state_with_admin() -> (tempfile::TempDir, AppState) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("web.db").display().to_string();
    sitroom_tests::load_admin(&db, "districts", "district");
    sitroom_tests::load_admin(&db, "sectors", "sector");
    let store: Arc<Store> = Arc::from(sitroom::store::open(&db).unwrap());
    (
        dir,
        AppState::new(store, sitroom::config::ServerSettings::default()).unwrap(),
    )
}

#[tokio::test]
async fn glyphs_are_rendered_from_local_fonts() {
    let (_dir, state) = state_with_admin();
    let (status, _, body) = get(&state, "/fonts").await;
    assert_eq!(status, StatusCode::OK);
    let fonts: Vec<String> = serde_json::from_slice(&body).unwrap();
    assert!(fonts.iter().any(|f| f == "DejaVu Sans Book"), "{fonts:?}");
    assert!(fonts.iter().any(|f| f == "DejaVu Sans Bold"), "{fonts:?}");

    let (status, kind, body) = get(&state, "/fonts/DejaVu%20Sans%20Book/0-255.pbf").await;
    assert_eq!(
        (status, kind.as_str()),
        (StatusCode::OK, "application/x-protobuf")
    );
    let glyphs = pbf_font_tools::Glyphs::decode(body.as_ref()).unwrap();
    let stack = &glyphs.stacks[0];
    assert_eq!(stack.name, "DejaVu Sans Book");
    assert_eq!(stack.range, "0-255");
    let a = stack
        .glyphs
        .iter()
        .find(|g| g.id == u32::from('A'))
        .unwrap();
    assert!(a.width > 0 && a.bitmap.as_ref().is_some_and(|b| !b.is_empty()));
    // Accented letters of Kinyarwanda and French place names are in the next ranges too.
    let (status, _, _) = get(
        &state,
        "/fonts/Missing%20Font,DejaVu%20Sans%20Bold/256-511.pbf",
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a stack uses the first font we have"
    );

    for (uri, status, detail) in [
        (
            "/fonts/DejaVu%20Sans%20Book/1-256.pbf",
            StatusCode::BAD_REQUEST,
            "'1-256.pbf' is not a glyph range: ask for {start}-{end}.pbf with start a multiple of 256 and end = start + 255, e.g. 0-255.pbf",
        ),
        (
            "/fonts/Comic%20Sans/0-255.pbf",
            StatusCode::NOT_FOUND,
            "no font 'Comic Sans' here: GET /fonts lists the fonts this server has",
        ),
    ] {
        let (got, _, body) = get(&state, uri).await;
        let p: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            (got, p["detail"].as_str().unwrap()),
            (status, detail),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn places_are_found_by_name_or_code() {
    let (_dir, state) = state_with_admin();
    let search = |q: &str| {
        let state = state.clone();
        let uri = format!("/api/search?q={q}");
        async move {
            let (status, _, body) = get(&state, &uri).await;
            (status, serde_json::from_slice::<Value>(&body).unwrap())
        }
    };
    let (status, r) = search("rubavu").await;
    assert_eq!(status, StatusCode::OK);
    let first = &r["results"][0];
    assert_eq!(
        (
            first["name"].as_str(),
            first["code"].as_str(),
            first["level"].as_str()
        ),
        (Some("Rubavu"), Some("33"), Some("district"))
    );
    let bbox: Vec<f64> = serde_json::from_value(first["bbox"].clone()).unwrap();
    assert!(
        bbox[0] > 29.0 && bbox[2] < 30.0 && bbox[1] < bbox[3],
        "{bbox:?}"
    );
    // Rubavu is also a sector: the district comes first.
    assert!(
        r["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["level"] == "sector" && h["name"] == "Rubavu")
    );

    let (_, r) = search("1101").await;
    assert_eq!(r["results"][0]["name"], "Gitega");
    // Each hit names the units it lies in, so two places of one name can be told apart.
    assert_eq!(
        r["results"][0]["parents"],
        serde_json::json!([{"level": "district", "code": "11", "name": "Nyarugenge"}])
    );
    // A misspelt name is found when nothing is spelt so; a short one is not guessed at.
    let (_, r) = search("Nyarugenje").await;
    assert_eq!(
        (
            r["results"][0]["name"].as_str(),
            r["results"][0]["level"].as_str()
        ),
        (Some("Nyarugenge"), Some("district"))
    );
    let (_, r) = search("Rubvau").await;
    assert_eq!(r["results"][0]["name"], "Rubavu");
    let (_, r) = search("zzq").await;
    assert_eq!(r["matched"], 0);
    let (status, _) = search(&"a".repeat(101)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, r) = search("gite").await;
    assert!(
        r["results"].as_array().unwrap().iter().all(|h| h["name"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("gite"))
    );

    let (status, r) = search("a").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r["detail"],
        "give a code or at least two characters of a name, e.g. ?q=Rubavu or ?q=34"
    );
}

#[tokio::test]
async fn the_built_web_map_is_served_at_the_root() {
    let (_dir, mut state) = state_with_admin();
    let (status, kind, body) = get(&state, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/html"));
    assert!(
        String::from_utf8_lossy(&body).contains("npm --prefix web-map run build"),
        "no web map: / says how to build it"
    );

    let web = tempfile::tempdir().unwrap();
    std::fs::write(
        web.path().join("index.html"),
        "<!doctype html><title>map</title>",
    )
    .unwrap();
    std::fs::create_dir(web.path().join("assets")).unwrap();
    std::fs::write(web.path().join("assets/app.js"), "console.log(1)").unwrap();
    let mut settings = (*state.settings).clone();
    settings.web_dir = Some(web.path().to_path_buf());
    state.settings = std::sync::Arc::new(settings);
    let (status, _, body) = get(&state, "/").await;
    assert_eq!(
        (status, body.as_ref()),
        (
            StatusCode::OK,
            b"<!doctype html><title>map</title>".as_ref()
        )
    );
    let (status, kind, _) = get(&state, "/assets/app.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.contains("javascript"), "{kind}");
    let (status, _, _) = get(&state, "/catalog").await;
    assert_eq!(status, StatusCode::OK, "the APIs still answer");
    let (status, kind, _) = get(&state, "/nothing-here").await;
    assert_eq!(
        (status, kind.as_str()),
        (StatusCode::NOT_FOUND, "application/problem+json")
    );
}

#[tokio::test]
async fn every_error_is_a_problem_document_and_the_spec_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db").display().to_string();
    let store: std::sync::Arc<sitroom::store::Store> =
        std::sync::Arc::from(sitroom::store::open(&db).unwrap());
    let state =
        sitroom::api::AppState::new(store, sitroom::config::ServerSettings::default()).unwrap();
    // The framework's own refusals: a method the path does not take, a query that does
    // not parse.
    for (method, uri, status, detail) in [
        (
            "PUT",
            "/catalog",
            405,
            "this path does not take that method: see the API table in the README",
        ),
        (
            "GET",
            "/api/hazards/at?lon=east&lat=1",
            400,
            "give lon and lat in degrees, e.g. ?lon=30.06&lat=-1.95 (Failed to deserialize query string: lon: invalid float literal)",
        ),
        (
            "GET",
            "/api/search",
            400,
            "Failed to deserialize query string: missing field `q`: see the API table in the README",
        ),
    ] {
        let a = sitroom_tests::call(&state, method, uri, None, None).await;
        assert_eq!(a.status.as_u16(), status, "{method} {uri}");
        assert_eq!(
            a.headers["content-type"], "application/problem+json",
            "{method} {uri}"
        );
        assert_eq!(a.json()["detail"], detail, "{method} {uri}");
    }
    let spec = sitroom_tests::call(&state, "GET", "/openapi.yaml", None, None).await;
    assert_eq!(spec.headers["content-type"], "application/yaml");
    assert!(String::from_utf8_lossy(&spec.body).starts_with("openapi: 3.1.0"));
}

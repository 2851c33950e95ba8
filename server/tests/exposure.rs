//! `GET /api/exposure` on real sectors with hand-placed exposure points and a hazard
//! zone: figures per unit and class, affected, displaced, needs, and redaction.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use geo::{BoundingRect, InteriorPoint};
use http_body_util::BodyExt as _;
use serde_json::Value;
use sitroom::api::{AppState, app};
use sitroom::store::Store;
use tower::ServiceExt as _;

/// A point inside sector `code` and its extent, from the source file.
fn inside_sector(code: i64) -> (geo::Point<f64>, geo::Rect<f64>) {
    let g = common::source_sector(code);
    (g.interior_point().unwrap(), g.bounding_rect().unwrap())
}

async fn get(state: &AppState, uri: &str, token: Option<&str>) -> (StatusCode, Value) {
    let mut req = Request::get(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let resp = app(state.clone())
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn exposure_by_district_with_needs_and_redaction() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db").display().to_string();
    common::load_admin(&db, "sectors", "sector");
    common::load_admin(&db, "districts", "district");
    // A high hazard zone over the whole of Gitega (1101); three points in Gitega, two in
    // sector 2101 (Nyanza district), outside the zone.
    let (g, r) = inside_sector(1101);
    let zone = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"class":"high"}},"geometry":{{"type":"Polygon","coordinates":[[[{w},{s}],[{e},{s}],[{e},{n}],[{w},{n}],[{w},{s}]]]}}}}]}}"#,
        w = r.min().x - 0.001,
        s = r.min().y - 0.001,
        e = r.max().x + 0.001,
        n = r.max().y + 0.001
    );
    let zone = common::write(&dir, "zone.geojson", &zone);
    common::sitroom_ok(
        &db,
        &[
            "load",
            zone.to_str().unwrap(),
            "--layer",
            "zone",
            "--kind",
            "hazard",
            "--theme",
            "flood",
            "--hazard-field",
            "class",
            "--classification",
            "class-names",
        ],
    );
    let (k, _) = inside_sector(2101);
    let csv = format!(
        "people,households,lon,lat\n10,1,{gx},{gy}\n20,1,{gx},{gy}\n30,1,{gx},{gy}\n40,1,{kx},{ky}\n50,1,{kx},{ky}\n",
        gx = g.x(),
        gy = g.y(),
        kx = k.x(),
        ky = k.y()
    );
    let pts = common::write(&dir, "hh.csv", &csv);
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
            "--population-field",
            "people",
            "--households-field",
            "households",
        ],
    );

    let store: Arc<dyn Store> = Arc::from(sitroom::store::open(&db).unwrap());
    let (token, _) = sitroom::auth::create_token(store.as_ref(), "analyst", None).unwrap();
    let state = AppState::new(store, 1 << 20).unwrap();

    let (status, body) = get(
        &state,
        "/api/exposure?hazard=zone&exposure=hh&by=district",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["hazard"]["version"], 1);
    assert_eq!(
        body["boundary"]["layer"], "sectors",
        "computed at the finest level"
    );
    let unit = |code: &str| {
        body["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["code"] == code)
            .unwrap()
            .clone()
    };
    let nyarugenge = unit("11");
    assert_eq!(nyarugenge["name"], "Nyarugenge");
    let high = &nyarugenge["classes"][0];
    assert_eq!(
        (high["class"].as_str(), high["population"].as_f64()),
        (Some("high"), Some(60.0))
    );
    assert_eq!(
        (high["affected"].as_f64(), high["displaced"].as_f64()),
        (Some(60.0), Some(60.0))
    );
    assert_eq!(
        nyarugenge["needs_of_displaced"]["water_litres_per_day"],
        900.0
    );
    assert_eq!(nyarugenge["needs_of_displaced"]["latrines"], 3.0);
    let nyanza = unit("21");
    assert_eq!(nyanza["classes"][0]["class"], "none");
    assert_eq!(nyanza["classes"][0]["population"], 90.0);
    assert_eq!(nyanza["classes"][0]["affected"], 0.0);

    // By sector and for the country, from the same unrounded sums.
    let (_, by_sector) = get(
        &state,
        "/api/exposure?hazard=zone&exposure=hh&by=sector",
        None,
    )
    .await;
    assert_eq!(by_sector["units"].as_array().unwrap().len(), 2);
    let (_, country) = get(
        &state,
        "/api/exposure?hazard=zone&exposure=hh&by=country",
        None,
    )
    .await;
    let total: f64 = country["total"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["population"].as_f64().unwrap())
        .sum();
    assert_eq!(total, 150.0);

    // CSV with a HXL row, naming the versions on every row; GeoJSON with unit shapes.
    let resp = app(state.clone())
        .oneshot(
            Request::get("/api/exposure?hazard=zone&exposure=hh&by=district&format=csv")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = String::from_utf8(
        resp.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "code,name,hazard_class,count,population,households,affected,displaced,hazard_layer,hazard_version,exposure_layer,exposure_version,computed_at"
    );
    assert!(
        lines[1].starts_with("#adm2+code,#adm2+name,#severity,"),
        "{}",
        lines[1]
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("11,Nyarugenge,high,3.0,60.0,3.0,60.0,60.0,zone,1,hh,1,")),
        "{csv}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("21,Nyanza,none,2.0,90.0,2.0,0.0,0.0,zone,1,hh,1,")),
        "{csv}"
    );
    let resp = app(state.clone())
        .oneshot(
            Request::get("/api/exposure?hazard=zone&exposure=hh&by=district&format=geojson")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let fc: Value =
        serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
    let f11 = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "11")
        .unwrap();
    assert!(matches!(
        f11["geometry"]["type"].as_str(),
        Some("Polygon" | "MultiPolygon")
    ));
    assert_eq!(f11["properties"]["name"], "Nyarugenge");

    // Restricted exposure: units with fewer than 5 households are suppressed without a token.
    common::sitroom_ok(
        &db,
        &[
            "load",
            pts.to_str().unwrap(),
            "--layer",
            "hh",
            "--sensitivity",
            "restricted",
        ],
    );
    state.sync_engine().await;
    let (_, open) = get(
        &state,
        "/api/exposure?hazard=zone&exposure=hh&by=district",
        None,
    )
    .await;
    assert_eq!(open["redacted"], true);
    assert!(
        open["units"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["suppressed"] == true)
    );
    let (_, cleared) = get(
        &state,
        "/api/exposure?hazard=zone&exposure=hh&by=district",
        Some(&token),
    )
    .await;
    assert_eq!(cleared["redacted"], false);
    assert!(cleared["units"][0]["classes"].is_array());

    // What is at a point: every hazard layer's class and the units it lies in.
    let (status, at) = get(
        &state,
        &format!("/api/hazards/at?lon={}&lat={}", g.x(), g.y()),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(at["hazards"][0]["layer"], "zone");
    assert_eq!(at["hazards"][0]["class"], "high");
    let levels: Vec<(&str, &str)> = at["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["level"].as_str().unwrap(), u["code"].as_str().unwrap()))
        .collect();
    assert_eq!(levels, [("district", "11"), ("sector", "1101")]);
    assert_eq!(at["units"][1]["name"], "Gitega");
    let (_, at) = get(
        &state,
        &format!("/api/hazards/at?lon={}&lat={}", k.x(), k.y()),
        None,
    )
    .await;
    assert_eq!(at["hazards"][0]["class"], Value::Null);

    for (uri, status, detail) in [
        (
            "/api/hazards/at?lon=200&lat=0",
            StatusCode::BAD_REQUEST,
            "(200, 0) is not a point on the map: lon runs from -180 to 180, lat from -85 to 85",
        ),
        (
            "/api/exposure?hazard=zone&exposure=hh&by=parish",
            StatusCode::BAD_REQUEST,
            "by 'parish' is not a level: use one of country, province, district, sector, cell, village",
        ),
        (
            "/api/exposure?hazard=zone&exposure=hh&by=village",
            StatusCode::BAD_REQUEST,
            "the finest boundary layer loaded is 'sectors' (sector): figures by village need a finer one",
        ),
        (
            "/api/exposure?hazard=hh&exposure=hh",
            StatusCode::BAD_REQUEST,
            "'hh' is not a hazard layer (it is exposure): pass a hazard layer as hazard=",
        ),
        (
            "/api/exposure?hazard=none&exposure=hh",
            StatusCode::NOT_FOUND,
            "layer 'none' does not exist: GET /catalog lists the layers",
        ),
    ] {
        let (got, body) = get(&state, uri, None).await;
        assert_eq!(
            (got, body["detail"].as_str().unwrap_or_default()),
            (status, detail),
            "{uri}"
        );
    }
}

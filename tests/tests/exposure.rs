//! `GET /api/exposure` on real sectors with hand-placed exposure points and a hazard
//! zone: figures per unit and class, affected, displaced, needs, and redaction.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::Value;
use sitroom::api::AppState;
use sitroom::store::Store;

async fn get(state: &AppState, uri: &str, token: Option<&str>) -> (StatusCode, Value) {
    let a = sitroom_tests::call(state, "GET", uri, token, None).await;
    (a.status, a.json())
}

/// Sectors and districts; a high hazard zone `zone` over the whole of Gitega (1101);
/// an exposure layer `hh` of three points in Gitega and two in sector 2101 (Nyanza
/// district), outside the zone.
struct Fixture {
    db: String,
    /// A point in Gitega and one in sector 2101.
    g: geo::Point<f64>,
    k: geo::Point<f64>,
    /// The exposure points as CSV.
    pts: std::path::PathBuf,
    /// Extent of Gitega.
    r: geo::Rect<f64>,
}

fn fixture(dir: &tempfile::TempDir) -> Fixture {
    fixture_by(dir, &["sector", "district"])
}

/// The same with boundary layers of the given levels only (layer ids: the plural).
fn fixture_by(dir: &tempfile::TempDir, levels: &[&str]) -> Fixture {
    fixture_in(dir, dir.path().join("x.db").display().to_string(), levels)
}

/// The same in the store `db` (embedded or PostGIS).
fn fixture_in(dir: &tempfile::TempDir, db: String, levels: &[&str]) -> Fixture {
    for level in levels {
        sitroom_tests::load_admin(&db, &format!("{level}s"), level);
    }
    let (g, r) = sitroom_tests::inside_sector(1101);
    sitroom_tests::load_zone(&db, dir, "zone", r, "high");
    let (k, _) = sitroom_tests::inside_sector(2101);
    let csv = format!(
        "people,households,lon,lat\n10,1,{gx},{gy}\n20,1,{gx},{gy}\n30,1,{gx},{gy}\n40,1,{kx},{ky}\n50,1,{kx},{ky}\n",
        gx = g.x(),
        gy = g.y(),
        kx = k.x(),
        ky = k.y()
    );
    let pts = sitroom_tests::write(dir, "hh.csv", &csv);
    sitroom_tests::load_households(&db, &pts);

    Fixture { db, g, k, pts, r }
}

#[tokio::test]
async fn exposure_by_district_with_needs_and_redaction() {
    let dir = tempfile::tempdir().unwrap();
    let Fixture { db, g, k, pts, .. } = fixture(&dir);
    let store: Arc<Store> = Arc::from(sitroom::store::open(&db).unwrap());
    let (token, _) = sitroom::auth::create_token(
        store.as_ref(),
        "analyst",
        sitroom::model::Role::Analyst,
        None,
        "tests",
    )
    .unwrap();
    let state = AppState::new(store, sitroom::config::ServerSettings::default()).unwrap();

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
    let resp = sitroom_tests::call(
        &state,
        "GET",
        "/api/exposure?hazard=zone&exposure=hh&by=district&format=csv",
        None,
        None,
    )
    .await;
    assert_eq!(resp.headers["content-type"], "text/csv; charset=utf-8");
    let csv = String::from_utf8(resp.body.to_vec()).unwrap();
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
    let fc = sitroom_tests::call(
        &state,
        "GET",
        "/api/exposure?hazard=zone&exposure=hh&by=district&format=geojson",
        None,
        None,
    )
    .await
    .json();
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
    sitroom_tests::sitroom_ok(
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

async fn get_bytes(state: &AppState, uri: &str) -> (StatusCode, bytes::Bytes) {
    let a = sitroom_tests::call(state, "GET", uri, None, None).await;
    (a.status, a.body)
}

#[tokio::test]
async fn results_are_kept_by_input_versions_and_drawn_as_a_choropleth() {
    let dir = tempfile::tempdir().unwrap();
    let Fixture { db, g, r, .. } = fixture(&dir);
    let store: Arc<Store> = Arc::from(sitroom::store::open(&db).unwrap());
    let state = AppState::new(store, sitroom::config::ServerSettings::default()).unwrap();
    let uri = "/api/exposure?hazard=zone&exposure=hh&by=district";

    let (_, first) = get(&state, uri, None).await;
    let computed_at = first["computed_at"].as_str().unwrap().to_owned();
    assert!(first["compute_ms"].as_f64().unwrap() >= 0.0);
    let (_, again) = get(&state, uri, None).await;
    assert_eq!(again["computed_at"], computed_at, "the same inputs: kept");

    // A new layer the result does not depend on: still kept.
    sitroom_tests::load_zone(&db, &dir, "other-zone", r, "low");
    state.sync_engine().await;
    let (_, after_other) = get(&state, uri, None).await;
    assert_eq!(after_other["computed_at"], computed_at);

    // The choropleth tile of Nyarugenge (11) shows the same figures as the report.
    let (status, tilejson) = get(
        &state,
        "/api/exposure/tiles.json?hazard=zone&exposure=hh&by=district",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tilejson}");
    assert!(
        tilejson["tiles"][0]
            .as_str()
            .unwrap()
            .ends_with("/api/exposure/tiles/{z}/{x}/{y}.mvt?hazard=zone&exposure=hh&by=district")
    );
    assert_eq!(tilejson["vector_layers"][0]["id"], "exposure");
    let t = sitroom_tests::tile_at(g.0, 9);
    let tile_uri = format!(
        "/api/exposure/tiles/{}/{}/{}.mvt?hazard=zone&exposure=hh&by=district",
        t.z, t.x, t.y
    );
    let (status, tile) = get_bytes(&state, &tile_uri).await;
    assert_eq!(status, StatusCode::OK);
    let unit = sitroom_tests::unit_in_tile(&tile, "exposure", "11");
    assert_eq!(unit["population"], 60.0);
    assert_eq!(unit["exposed"], 60.0);
    assert_eq!(unit["high"], 60.0);
    assert_eq!(unit["displaced"], 60.0, "class-names: high displaces all");
    assert_eq!(unit["exposed_share"], 1.0);

    // A new version of the hazard layer: recomputed, and the tiles follow.
    sitroom_tests::load_zone(&db, &dir, "zone", r, "medium");
    state.sync_engine().await;
    let (_, second) = get(&state, &format!("{uri}&water_l=20"), None).await;
    assert_eq!(second["hazard"]["version"], 2);
    assert_ne!(second["computed_at"], computed_at);
    let nyarugenge = second["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == "11")
        .unwrap();
    assert_eq!(nyarugenge["classes"][0]["class"], "medium");
    assert_eq!(nyarugenge["classes"][0]["displaced"], 30.0);
    assert_eq!(second["needs_standard"]["water_l"], 20.0);
    assert_eq!(
        nyarugenge["needs_of_displaced"]["water_litres_per_day"],
        600.0
    );
    let (_, tile) = get_bytes(&state, &tile_uri).await;
    let unit = sitroom_tests::unit_in_tile(&tile, "exposure", "11");
    assert_eq!(unit["medium"], 60.0);
    assert_eq!(unit["displaced"], 30.0);
    assert!(!unit.contains_key("high"));

    for (uri, status, detail) in [
        (
            format!("{uri}&kcal=-5"),
            StatusCode::BAD_REQUEST,
            "kcal=-5 is not a usable standard: give a positive number (Sphere: kcal=2100, water_l=15, shelter_m2=3.5, people_per_latrine=20)",
        ),
        (
            "/api/exposure/tiles.json?hazard=zone&exposure=hh&by=cell".to_owned(),
            StatusCode::BAD_REQUEST,
            "the finest boundary layer loaded is 'sectors' (sector): figures by cell need a finer one",
        ),
        (
            "/api/exposure/tiles/9/1/1.mvt?hazard=zone&exposure=hh&by=province".to_owned(),
            StatusCode::BAD_REQUEST,
            "no boundary layer with theme 'province' is loaded, so its units cannot be drawn: choose another level",
        ),
    ] {
        let (got, body) = get(&state, &uri, None).await;
        assert_eq!(
            (got, body["detail"].as_str().unwrap_or_default()),
            (status, detail),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn figures_at_earlier_versions_on_the_embedded_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db").display().to_string();
    figures_at_earlier_versions(&dir, db).await;
}

#[tokio::test]
async fn figures_at_earlier_versions_on_postgis() {
    let dir = tempfile::tempdir().unwrap();
    figures_at_earlier_versions(&dir, sitroom_tests::postgis_url()).await;
}

/// What the figures were before the inputs changed: a report at an earlier version of
/// the hazard or exposure layer gives exactly what that version gave when it was
/// current, in every format; callers who may not see the detail of a restricted input
/// are refused it (the difference would single out the households that changed).
async fn figures_at_earlier_versions(dir: &tempfile::TempDir, db: String) {
    let Fixture { db, k, r, .. } = fixture_in(dir, db, &["sector", "district"]);
    let store: Arc<Store> = Arc::from(sitroom::store::open(&db).unwrap());
    let token = |name, role| {
        sitroom::auth::create_token(store.as_ref(), name, role, None, "tests")
            .unwrap()
            .0
    };
    let (analyst, viewer) = (
        token("analyst", sitroom::model::Role::Analyst),
        token("viewer", sitroom::model::Role::Viewer),
    );
    let state = AppState::new(store.clone(), sitroom::config::ServerSettings::default()).unwrap();
    let uri = "/api/exposure?hazard=zone&exposure=hh&by=sector";
    let figures = |report: &Value| {
        let mut out = report["units"].clone();
        for u in out.as_array_mut().unwrap() {
            u.as_object_mut().unwrap().remove("name");
        }
        (out, report["total"].clone())
    };
    let (_, first) = get(&state, uri, None).await;
    let (_, first_csv) = get_bytes(&state, &format!("{uri}&format=csv")).await;

    // A second hazard version (medium over Gitega), then a second exposure version
    // (every household moved into sector 2101).
    sitroom_tests::load_zone(&db, dir, "zone", r, "medium");
    let moved = format!(
        "people,households,lon,lat\n7,1,{x},{y}\n8,1,{x},{y}\n",
        x = k.x(),
        y = k.y()
    );
    sitroom_tests::load_households(&db, &sitroom_tests::write(dir, "moved.csv", &moved));
    state.sync_engine().await;
    let (_, now) = get(&state, uri, None).await;
    assert_eq!(
        (
            now["hazard"]["version"].clone(),
            now["exposure"]["version"].clone()
        ),
        (2.into(), 2.into())
    );
    assert_ne!(figures(&now), figures(&first));

    // Both inputs at version 1: the first figures exactly, in JSON and CSV.
    let both = format!("{uri}&hazard_version=1&exposure_version=1");
    let (status, earlier) = get(&state, &both, None).await;
    assert_eq!(status, StatusCode::OK, "{earlier}");
    assert_eq!(earlier["hazard"]["version"], 1);
    assert_eq!(earlier["exposure"]["version"], 1);
    assert_eq!(figures(&earlier), figures(&first));
    let (_, earlier_csv) = get_bytes(&state, &format!("{both}&format=csv")).await;
    // The same rows; only when they were computed differs (the last column).
    let rows = |csv: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(csv)
            .lines()
            .map(|l| l.rsplit_once(',').unwrap().0.to_owned())
            .collect()
    };
    assert_eq!(rows(&earlier_csv), rows(&first_csv));
    assert_eq!(rows(&earlier_csv).len(), 4);
    // One input at a time: the hazard of version 1 over today's households.
    let (_, mixed) = get(&state, &format!("{uri}&hazard_version=1"), None).await;
    assert_eq!(
        (
            mixed["hazard"]["version"].clone(),
            mixed["exposure"]["version"].clone()
        ),
        (1.into(), 2.into())
    );
    let in_2101 = |r: &Value| {
        r["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["code"] == "2101")
            .unwrap()["classes"]
            .clone()
    };
    assert_eq!(
        in_2101(&mixed),
        in_2101(&now),
        "no zone reaches 2101 in either version"
    );
    // The current version asked for by number: the current figures.
    let (_, same) = get(
        &state,
        &format!("{uri}&hazard_version=2&exposure_version=2"),
        None,
    )
    .await;
    assert_eq!(figures(&same), figures(&now));
    // Many earlier versions asked for in turn (more than are kept built): each still right.
    for _ in 0..3 {
        for (h, e) in [(1, 1), (1, 2), (2, 1)] {
            let (_, again) = get(
                &state,
                &format!("{uri}&hazard_version={h}&exposure_version={e}"),
                None,
            )
            .await;
            assert_eq!(
                (
                    again["hazard"]["version"].clone(),
                    again["exposure"]["version"].clone()
                ),
                (h.into(), e.into())
            );
            if (h, e) == (1, 1) {
                assert_eq!(figures(&again), figures(&first));
            }
        }
    }

    for (uri, status, detail) in [
        (
            format!("{uri}&hazard_version=9"),
            StatusCode::NOT_FOUND,
            "layer 'zone' has no version 9: its versions are 1, 2",
        ),
        (
            format!("{uri}&exposure_version=0"),
            StatusCode::NOT_FOUND,
            "layer 'hh' has no version 0: its versions are 1, 2",
        ),
    ] {
        let (got, body) = get(&state, &uri, None).await;
        assert_eq!(
            (got, body["detail"].as_str().unwrap_or_default()),
            (status, detail),
            "{uri}"
        );
    }
    let (got, _) = get(&state, &format!("{uri}&hazard_version=one"), None).await;
    assert_eq!(got, StatusCode::BAD_REQUEST);

    // Restricted households: below the analyst role, no earlier version of either input
    // (the current ones stay answerable, as published figures).
    let restricted = sitroom::model::AccessChange {
        sensitivity: Some(sitroom::model::Sensitivity::Restricted),
        anonymous: None,
    };
    store
        .set_access(&"hh".parse().unwrap(), &restricted, "tests")
        .unwrap();
    state.sync_engine().await;
    for who in [None, Some(viewer.as_str())] {
        for earlier in [
            "hazard_version=1",
            "exposure_version=1",
            "hazard_version=1&format=csv",
            "exposure_version=1&format=geojson",
        ] {
            let a =
                sitroom_tests::call(&state, "GET", &format!("{uri}&{earlier}"), who, None).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{earlier}");
            assert!(
                a.json()["detail"]
                    .as_str()
                    .unwrap()
                    .contains("the analyst role"),
                "{:?}",
                a.json()
            );
        }
        let a = sitroom_tests::call(
            &state,
            "GET",
            &format!("{uri}&hazard_version=2&exposure_version=2"),
            who,
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "the current versions by number");
        assert_eq!(a.json()["redacted"], true);
    }
    let (status, cleared) = get(&state, &both, Some(&analyst)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(figures(&cleared), figures(&first));
    assert_eq!(cleared["redacted"], false);
}

async fn post_area(state: &AppState, body: &str) -> (StatusCode, Value) {
    let a = sitroom_tests::call(
        state,
        "POST",
        "/api/exposure/area?hazard=zone&exposure=hh",
        None,
        Some(("application/json", body.as_bytes().to_vec())),
    )
    .await;
    (a.status, a.json())
}

fn rect_polygon(w: f64, s: f64, e: f64, n: f64) -> String {
    format!(
        r#"{{"type":"Polygon","coordinates":[[[{w},{s}],[{e},{s}],[{e},{n}],[{w},{n}],[{w},{s}]]]}}"#
    )
}

#[tokio::test]
async fn an_incident_area_gets_the_figures_of_what_lies_inside_it() {
    let dir = tempfile::tempdir().unwrap();
    let Fixture { db, g, k, r, .. } = fixture(&dir);
    let store: Arc<Store> = Arc::from(sitroom::store::open(&db).unwrap());
    let state = AppState::new(store, sitroom::config::ServerSettings::default()).unwrap();
    let population = |report: &Value, class: &str| {
        report["total"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["class"] == class)
            .map_or(0.0, |t| t["population"].as_f64().unwrap())
    };

    // Gitega's extent: its three points, all in the high zone.
    let (status, around_gitega) = post_area(
        &state,
        &rect_polygon(r.min().x, r.min().y, r.max().x, r.max().y),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{around_gitega}");
    assert_eq!(population(&around_gitega, "high"), 60.0);
    assert_eq!(population(&around_gitega, "none"), 0.0);
    assert_eq!(around_gitega["hazard"]["version"], 1);

    // An area over both groups of points, as a Feature: everyone, by class.
    let (w, s) = (g.x().min(k.x()) - 0.01, g.y().min(k.y()) - 0.01);
    let (e, n) = (g.x().max(k.x()) + 0.01, g.y().max(k.y()) + 0.01);
    let feature = format!(
        r#"{{"type":"Feature","properties":{{}},"geometry":{}}}"#,
        rect_polygon(w, s, e, n)
    );
    let (_, both) = post_area(&state, &feature).await;
    assert_eq!(population(&both, "high"), 60.0);
    assert_eq!(population(&both, "none"), 90.0);

    // An area with nobody in it.
    let (_, empty) = post_area(&state, &rect_polygon(29.0, -2.8, 29.001, -2.799)).await;
    assert_eq!(population(&empty, "high") + population(&empty, "none"), 0.0);

    for (body, detail) in [
        (
            r#"{"type":"Point","coordinates":[30,-2]}"#.to_owned(),
            "the area must be a Polygon or MultiPolygon",
        ),
        (
            rect_polygon(300000.0, 9700000.0, 310000.0, 9710000.0),
            "the area has coordinates outside lon -180..180 / lat -85..85: send lon/lat degrees (RFC 7946)",
        ),
    ] {
        let (status, problem) = post_area(&state, &body).await;
        assert_eq!(
            (status, problem["detail"].as_str().unwrap_or_default()),
            (StatusCode::BAD_REQUEST, detail)
        );
    }
}

/// A 2 x 2 GeoTIFF of people per cell (55 m cells) centred on `at`: 10.5, 0, no data, 4.5.
fn population_raster(dir: &tempfile::TempDir, at: geo::Point<f64>) -> std::path::PathBuf {
    use gdal::raster::Buffer;
    let path = dir.path().join("people.tif");
    let driver = gdal::DriverManager::get_driver_by_name("GTiff").unwrap();
    let mut ds = driver
        .create_with_band_type::<f32, _>(&path, 2, 2, 1)
        .unwrap();
    let cell = 0.0005;
    ds.set_geo_transform(&[at.x() - cell, cell, 0.0, at.y() + cell, 0.0, -cell])
        .unwrap();
    ds.set_spatial_ref(&gdal::spatial_ref::SpatialRef::from_epsg(4326).unwrap())
        .unwrap();
    let mut band = ds.rasterband(1).unwrap();
    band.set_no_data_value(Some(-1.0)).unwrap();
    let mut values = Buffer::new((2, 2), vec![10.5_f32, 0.0, -1.0, 4.5]);
    band.write((0, 0), (2, 2), &mut values).unwrap();
    path
}

#[tokio::test]
async fn a_population_raster_is_summed_by_where_its_cells_lie() {
    let dir = tempfile::tempdir().unwrap();
    let Fixture { db, g, .. } = fixture(&dir);
    let tif = population_raster(&dir, g);
    let out = sitroom_tests::sitroom_ok(
        &db,
        &[
            "load",
            tif.to_str().unwrap(),
            "--layer",
            "people-grid",
            "--kind",
            "exposure",
            "--theme",
            "population",
            "--anonymous",
            "true",
            "--json",
        ],
    );
    let loaded: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        loaded["report"]["loaded"], 2,
        "cells of 0 and no data are left out: {loaded}"
    );
    let store: Arc<Store> = Arc::from(sitroom::store::open(&db).unwrap());
    let state = AppState::new(store, sitroom::config::ServerSettings::default()).unwrap();
    let (status, report) = get(
        &state,
        "/api/exposure?hazard=zone&exposure=people-grid&by=sector",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let gitega = &report["units"][0];
    assert_eq!(gitega["code"], "1101");
    assert_eq!(gitega["classes"][0]["class"], "high");
    assert_eq!(gitega["classes"][0]["population"], 15.0);
    assert_eq!(gitega["classes"][0]["count"], 2.0);

    // A raster cannot be a boundary layer.
    let out = sitroom_tests::sitroom(
        &db,
        &[
            "load",
            tif.to_str().unwrap(),
            "--layer",
            "b",
            "--kind",
            "boundary",
            "--theme",
            "district",
        ],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("a raster can be a hazard layer (classified cells) or an exposure layer (people per cell), not a boundary layer"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Layers being prepared in the background while requests ask for the same exposure,
/// on several engines at once (as a server sees just after loads): every computation
/// finishes. Preparation once ran on rayon workers, which then waited for grids that
/// requests were building with the same pool; with every worker so blocked, the pool
/// deadlocked (one run of the role tests in eight on two cores; this test, without the
/// fix, within five rounds). A watchdog turns a deadlock into a failure, not a hung run.
#[test]
fn background_preparation_and_requests_never_deadlock() {
    let dir = tempfile::tempdir().unwrap();
    let Fixture { db, .. } = fixture_by(&dir, &["district"]);
    let store: Arc<Store> = Arc::from(sitroom::store::open(&db).unwrap());
    let id = |s: &str| s.parse::<sitroom::model::LayerId>().unwrap();
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for _ in 0..20 {
            let engines: Vec<sitroom::engine::Engine> = (0..2)
                .map(|_| sitroom::engine::Engine::load(store.as_ref()).unwrap())
                .collect();
            let ids: Vec<_> = engines[0].snapshots().keys().cloned().collect();
            std::thread::scope(|s| {
                for e in &engines {
                    e.prepare_in_background(&ids);
                    s.spawn(|| {
                        let (zone, hh, districts) = (
                            e.layer(&id("zone")).unwrap(),
                            e.layer(&id("hh")).unwrap(),
                            e.layer(&id("districts")).unwrap(),
                        );
                        assert!(!e.exposure(&zone, &hh, &districts).by_unit.is_empty());
                        assert!(e.aggregated(&hh).is_ok());
                    });
                }
            });
        }
        done_tx.send(()).unwrap();
    });
    done_rx
        .recv_timeout(std::time::Duration::from_secs(300))
        .expect("exposure deadlocked: requests and background preparation wait on each other");
}

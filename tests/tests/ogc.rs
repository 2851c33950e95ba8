//! OGC API – Features: the documents and paging in-process, then GDAL's own OAPIF client
//! (ogrinfo, ogr2ogr) reading every collection from a running `sitroom serve`.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::process::Command;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use serde_json::Value;
use sitroom::api::{AppState, app};
use sitroom::store::Store;
use tower::ServiceExt as _;

async fn get(state: &AppState, uri: &str) -> (StatusCode, Value) {
    let (status, _, body) = get_with_crs(state, uri).await;
    (status, body)
}

/// Status, `Content-Crs` and body of a GET.
async fn get_with_crs(state: &AppState, uri: &str) -> (StatusCode, String, Value) {
    let resp = app(state.clone())
        .oneshot(
            Request::get(uri)
                .header("host", "test.local")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = resp.status();
    let crs = resp
        .headers()
        .get("content-crs")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        crs,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn documents_paging_filters_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = sitroom_tests::ogc_fixture(&dir);
    let store: Arc<Store> = Arc::from(sitroom::store::open(&db).unwrap());
    let state = AppState::new(store, sitroom::config::ServerSettings::default()).unwrap();

    let (status, landing) = get(&state, "/ogc").await;
    assert_eq!(status, StatusCode::OK);
    let rels: Vec<&str> = landing["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap())
        .collect();
    assert_eq!(
        rels,
        [
            "self",
            "service-desc",
            "service-doc",
            "conformance",
            "data",
            "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes",
            "alternate"
        ]
    );

    // The API description clients discover: OpenAPI 3.0, the page-size maximum where
    // QGIS looks for it, and one items path per collection this caller may read, with
    // its fields as query parameters; nothing of the restricted layer.
    let (status, api) = get(&state, "/ogc/api").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(api["openapi"], "3.0.3");
    assert_eq!(api["servers"][0]["url"], "http://test.local/ogc");
    assert_eq!(
        api["components"]["parameters"]["limit"]["schema"]["maximum"],
        10_000
    );
    let fields: Vec<&str> = api["paths"]["/collections/sectors/items"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(
        fields.contains(&"dist_id") && fields.contains(&"name"),
        "{fields:?}"
    );
    let text = api.to_string();
    assert!(
        !text.contains("hh-points"),
        "an anonymous caller learns of the restricted layer"
    );
    let (status, _) = get(&state, "/ogc/api.html").await;
    assert_eq!(status, StatusCode::OK);

    // Queryables: the fields with their types; none of the restricted layer without a token.
    let (status, q) = get(&state, "/ogc/collections/sectors/queryables").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(q["properties"]["dist_id"]["type"], "number");
    assert_eq!(q["properties"]["name"]["type"], "string");
    assert_eq!(q["additionalProperties"], false);
    let (status, _) = get(&state, "/ogc/collections/hh-points/queryables").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, conf) = get(&state, "/ogc/conformance").await;
    assert!(
        conf["conformsTo"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().ends_with("/conf/geojson"))
    );
    let (_, cols) = get(&state, "/ogc/collections").await;
    let ids: Vec<&str> = cols["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["sectors"], "without a token, only the open layers");
    assert_eq!(
        cols["collections"][0]["links"][1]["href"],
        "http://test.local/ogc/collections/sectors/items"
    );

    // Paging: follow next links until the end; every sector exactly once.
    let mut seen = HashSet::new();
    let mut uri = "/ogc/collections/sectors/items?limit=100".to_owned();
    let mut pages = 0;
    loop {
        let (status, page) = get(&state, &uri).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page["numberMatched"], 416);
        for f in page["features"].as_array().unwrap() {
            assert!(
                seen.insert(f["id"].as_i64().unwrap()),
                "feature {} twice",
                f["id"]
            );
            assert_eq!(f["geometry"]["type"], "MultiPolygon");
        }
        pages += 1;
        match page["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "next")
        {
            Some(next) => {
                uri = next["href"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("http://test.local")
                    .to_owned();
            }
            None => break,
        }
    }
    assert_eq!((seen.len(), pages), (416, 5));

    // bbox around central Kigali, a property filter, a CQL2 filter, chosen properties.
    let (_, page) = get(
        &state,
        "/ogc/collections/sectors/items?bbox=30.05,-1.96,30.07,-1.94&limit=1000",
    )
    .await;
    let names: HashSet<&str> = page["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains("Gitega") && names.contains("Nyarugenge") && names.len() < 20,
        "{names:?}"
    );
    // The same place in UTM 35S (what surveyors use) and in EPSG:4326 (latitude first):
    // coordinates come in that CRS, named by Content-Crs, and a bbox given in UTM finds
    // the sectors the degrees found.
    let utm = "http://www.opengis.net/def/crs/EPSG/0/32735";
    let (status, crs, page) = get_with_crs(
        &state,
        &format!(
            "/ogc/collections/sectors/items?bbox=30.05,-1.96,30.07,-1.94&limit=1000&crs={utm}"
        ),
    )
    .await;
    assert_eq!(
        (status, crs.as_str()),
        (StatusCode::OK, format!("<{utm}>").as_str())
    );
    let first = &page["features"][0]["geometry"]["coordinates"][0][0][0];
    let (e, n) = (first[0].as_f64().unwrap(), first[1].as_f64().unwrap());
    assert!(
        (835_000.0..846_000.0).contains(&e) && (9_778_000.0..9_790_000.0).contains(&n),
        "Kigali in UTM 35S at ({e}, {n})"
    );
    let (_, _, in_utm) = get_with_crs(
        &state,
        &format!(
            "/ogc/collections/sectors/items?bbox=839352,9783051,841584,9785261&bbox-crs={utm}&limit=1000"
        ),
    )
    .await;
    let utm_names: HashSet<&str> = in_utm["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap())
        .collect();
    assert!(
        names.is_subset(&utm_names) && utm_names.len() <= names.len() + 2,
        "in degrees {names:?}, in UTM {utm_names:?}"
    );
    let (_, crs, page) = get_with_crs(
        &state,
        "/ogc/collections/sectors/items/1?crs=http://www.opengis.net/def/crs/EPSG/0/4326",
    )
    .await;
    assert_eq!(crs, "<http://www.opengis.net/def/crs/EPSG/0/4326>");
    let p = &page["geometry"]["coordinates"][0][0][0];
    assert!(
        p[0].as_f64().unwrap() < 0.0 && p[1].as_f64().unwrap() > 28.0,
        "EPSG:4326 is latitude first: {p}"
    );

    let (_, page) = get(
        &state,
        "/ogc/collections/sectors/items?dist_id=11&limit=100",
    )
    .await;
    assert_eq!(
        page["numberMatched"], 10,
        "Nyarugenge district has 10 sectors"
    );
    let (_, page) = get(
        &state,
        "/ogc/collections/sectors/items?filter=population%20%3E%2050000&properties=name",
    )
    .await;
    assert!(page["numberMatched"].as_u64().unwrap() > 0);
    assert_eq!(
        page["features"][0]["properties"].as_object().unwrap().len(),
        1
    );

    let (status, one) = get(&state, "/ogc/collections/sectors/items/1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["properties"]["name"], "Gitega");
    let first = &one["geometry"]["coordinates"][0][0][0];
    assert_eq!(
        first[0].as_f64().unwrap(),
        30.0482873,
        "lon/lat back from the engine, 7 decimals"
    );

    for (uri, status, detail) in [
        (
            "/ogc/collections/sectors/items/9999",
            StatusCode::NOT_FOUND,
            "collection 'sectors' has no feature '9999': feature ids run from 1 to 416",
        ),
        (
            "/ogc/collections/nothing/items",
            StatusCode::NOT_FOUND,
            "collection 'nothing' does not exist: GET /ogc/collections lists them",
        ),
        (
            "/ogc/collections/sectors/items?colour=red",
            StatusCode::BAD_REQUEST,
            "unknown query parameter 'colour': use bbox, bbox-crs, crs, limit, offset, datetime, filter, filter-lang, properties, or a property name (id, name, population, household, prov_id, dist_id)",
        ),
        (
            "/ogc/collections/sectors/items?bbox=1,2,3",
            StatusCode::BAD_REQUEST,
            "bbox '1,2,3' is not west,south,east,north with west <= east and south <= north in degrees",
        ),
        (
            "/ogc/collections/sectors/items?dist_id=eleven",
            StatusCode::BAD_REQUEST,
            "dist_id is a number field: 'eleven' is not a number",
        ),
        (
            "/ogc/collections/sectors/items?crs=http://www.opengis.net/def/crs/EPSG/0/32736",
            StatusCode::BAD_REQUEST,
            "crs: 'http://www.opengis.net/def/crs/EPSG/0/32736' is not a CRS this server serves: use one of http://www.opengis.net/def/crs/OGC/1.3/CRS84, http://www.opengis.net/def/crs/EPSG/0/4326, http://www.opengis.net/def/crs/EPSG/0/3857, http://www.opengis.net/def/crs/EPSG/0/32735",
        ),
        (
            "/ogc/collections/sectors/items?bbox=0,0,20000000,20000000&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/32735",
            StatusCode::BAD_REQUEST,
            "bbox '0,0,20000000,20000000' is not minx,miny,maxx,maxy with min <= max inside http://www.opengis.net/def/crs/EPSG/0/32735 (bbox-crs)",
        ),
        (
            "/ogc/collections/sectors/items?filter-crs=EPSG:4326",
            StatusCode::BAD_REQUEST,
            "filter-crs 'EPSG:4326' is not supported: use http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        ),
        (
            "/ogc/collections/sectors/items?limit=20000",
            StatusCode::BAD_REQUEST,
            "limit '20000' must be a whole number from 0 to 10000",
        ),
        (
            "/ogc/collections/hh-points/items",
            StatusCode::UNAUTHORIZED,
            "layer 'hh-points' is not open without a token: send 'Authorization: Bearer <token>' (an administrator creates tokens with `sitroom token create NAME`)",
        ),
    ] {
        let (got, body) = get(&state, uri).await;
        assert_eq!(
            (got, body["detail"].as_str().unwrap_or_default()),
            (status, detail),
            "{uri}"
        );
    }
}

#[test]
fn gdal_oapif_reads_every_public_collection() {
    let dir = tempfile::tempdir().unwrap();
    let db = sitroom_tests::ogc_fixture(&dir);
    let server = sitroom_tests::serve(&db, &[]);
    let url = format!("OAPIF:{}/ogc", server.base);

    let out = Command::new("ogrinfo")
        .args(["-ro", "-so", &url, "sectors"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let logged = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}{logged}");
    // GDAL fetches the API description the landing page links and logs nothing.
    assert!(!logged.contains("ERROR"), "GDAL logged: {logged}");
    assert!(text.contains("Feature Count: 416"), "{text}");
    assert!(text.contains("Geometry: Multi Polygon"), "{text}");

    let copy = dir.path().join("sectors.geojson");
    let out = Command::new("ogr2ogr")
        .args(["-f", "GeoJSON", copy.to_str().unwrap(), &url, "sectors"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copied: Value = serde_json::from_str(&std::fs::read_to_string(&copy).unwrap()).unwrap();
    let features = copied["features"].as_array().unwrap();
    assert_eq!(features.len(), 416);
    let names: HashSet<&str> = features
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap())
        .collect();
    assert!(names.contains("Gitega") && names.contains("Shyrongi"));

    // Without a token GDAL lists the open collections only.
    let out = Command::new("ogrinfo")
        .args(["-ro", "-q", &url])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("sectors") && !text.contains("hh-points"),
        "{text}"
    );
}

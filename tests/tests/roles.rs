//! Who may do what: every role (and no token) against each kind of endpoint, as a table.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::Value;
use sitroom::api::AppState;
use sitroom::auth::create_token;
use sitroom::model::Role;
use sitroom::store::Store;

const POINTS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"hh":3},"geometry":{"type":"Point","coordinates":[30.06,-1.95]}},
{"type":"Feature","properties":{"hh":9},"geometry":{"type":"Point","coordinates":[30.12,-1.97]}}]}"#;

const ZONE: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"class":"high"},"geometry":{"type":"Polygon","coordinates":[[[29.9,-2.1],[30.2,-2.1],[30.2,-1.8],[29.9,-1.8],[29.9,-2.1]]]}}]}"#;

async fn call(
    state: &AppState,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
) -> (StatusCode, Value) {
    let a = sitroom_tests::call(state, method, uri, token, body).await;
    (a.status, a.json())
}

/// Districts and a flood zone open to callers without a token (a public map), a public
/// zone that is not open, and restricted returnee households (3 and 9 of them at two
/// points) that are not open either. Returns the state and the tokens of each role after
/// the anonymous caller.
fn fixture(dir: &tempfile::TempDir) -> (AppState, Vec<(Option<String>, &'static str)>) {
    let db = dir.path().join("roles.db").display().to_string();
    sitroom_tests::load_admin(&db, "districts", "district");
    let pts = sitroom_tests::write(dir, "hh.geojson", POINTS);
    sitroom_tests::sitroom_ok(
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
    let zone = sitroom_tests::write(dir, "zone.geojson", ZONE);
    sitroom_tests::load_class_zones(&db, &zone, "zone");
    sitroom_tests::sitroom_ok(
        &db,
        &[
            "load",
            zone.to_str().unwrap(),
            "--layer",
            "closed",
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
    let store: Arc<Store> = Arc::from(sitroom::store::open(&db).unwrap());
    let mut tokens = vec![(None::<String>, "anonymous")];
    for role in Role::ALL {
        let (secret, _) =
            create_token(store.as_ref(), role.as_str(), *role, None, "tests").unwrap();
        tokens.push((Some(secret), role.as_str()));
    }
    (
        AppState::new(store, sitroom::config::ServerSettings::default()).unwrap(),
        tokens,
    )
}

#[tokio::test]
async fn each_role_may_do_what_it_is_for_and_no_more() {
    let dir = tempfile::tempdir().unwrap();
    let (state, tokens) = fixture(&dir);
    let t = sitroom_tests::tile_at(geo::Coord { x: 30.06, y: -1.95 }, 8);
    let restricted_tile = format!("/tiles/hh/{}/{}/{}.mvt", t.z, t.x, t.y);
    let public_tile = format!("/tiles/zone/{}/{}/{}.mvt", t.z, t.x, t.y);
    let closed_tile = format!("/tiles/closed/{}/{}/{}.mvt", t.z, t.x, t.y);
    let (kind, upload) = sitroom_tests::class_zones_upload(ZONE);

    // (what, method, uri, body?, expected status for anonymous, viewer, analyst, editor, admin)
    type Row<'a> = (
        &'a str,
        &'a str,
        String,
        Option<(&'a str, &'a [u8])>,
        [u16; 5],
    );
    let form = (kind.as_str(), upload.as_slice());
    let open_body = ("application/json", br#"{"anonymous": true}"#.as_slice());
    let table: Vec<Row> = vec![
        (
            "open or close a layer",
            "PATCH",
            "/api/layers/zone".into(),
            Some(open_body),
            [401, 403, 403, 200, 200],
        ),
        (
            "open or close a layer that does not exist",
            "PATCH",
            "/api/layers/nowhere".into(),
            Some(open_body),
            [401, 403, 403, 404, 404],
        ),
        (
            "public tiles",
            "GET",
            public_tile,
            None,
            [200, 200, 200, 200, 200],
        ),
        (
            "tiles of a layer not open without a token",
            "GET",
            closed_tile,
            None,
            [401, 200, 200, 200, 200],
        ),
        (
            "restricted tiles (aggregates for viewers)",
            "GET",
            restricted_tile,
            None,
            [401, 200, 200, 200, 200],
        ),
        (
            "restricted features (aggregates for viewers)",
            "GET",
            "/ogc/collections/hh/items".into(),
            None,
            [401, 200, 200, 200, 200],
        ),
        (
            "restricted exposure (aggregates for viewers)",
            "GET",
            "/api/exposure?hazard=zone&exposure=hh&by=district".into(),
            None,
            [401, 200, 200, 200, 200],
        ),
        (
            "exposure to a hazard not open without a token",
            "GET",
            "/api/exposure?hazard=closed&exposure=hh&by=district".into(),
            None,
            [401, 200, 200, 200, 200],
        ),
        (
            "the situation map's style (draws what the caller may read)",
            "GET",
            "/styles/situation.json".into(),
            None,
            [200, 200, 200, 200, 200],
        ),
        (
            "the style of a layer not open without a token",
            "GET",
            "/styles/layers/closed.json".into(),
            None,
            [401, 200, 200, 200, 200],
        ),
        (
            "the style of a restricted layer (aggregates for viewers)",
            "GET",
            "/styles/layers/hh.json".into(),
            None,
            [401, 200, 200, 200, 200],
        ),
        (
            "catalog (lists what the caller may read)",
            "GET",
            "/catalog".into(),
            None,
            [200, 200, 200, 200, 200],
        ),
        (
            "a layer's versions",
            "GET",
            "/api/layers/closed".into(),
            None,
            [401, 200, 200, 200, 200],
        ),
        (
            "public features",
            "GET",
            "/ogc/collections/zone/items".into(),
            None,
            [200, 200, 200, 200, 200],
        ),
        (
            "upload",
            "POST",
            "/api/layers/zone2".into(),
            Some(form),
            [401, 403, 403, 201, 201],
        ),
        (
            "rollback",
            "POST",
            "/api/layers/zone/rollback".into(),
            None,
            [401, 403, 403, 400, 400],
        ),
        (
            "list tokens",
            "GET",
            "/api/tokens".into(),
            None,
            [401, 403, 403, 403, 200],
        ),
        (
            "revoke a token",
            "DELETE",
            "/api/tokens/nobody".into(),
            None,
            [401, 403, 403, 403, 404],
        ),
    ];
    for (what, method, uri, body, expected) in &table {
        for ((token, who), want) in tokens.iter().zip(expected) {
            let body = body.map(|(kind, bytes)| (kind, bytes.to_vec()));
            let (got, problem) = call(&state, method, uri, token.as_deref(), body).await;
            assert_eq!(got.as_u16(), *want, "{what} as {who}: {problem}");
        }
    }

    // Restricted exposure: redacted for viewers only (anonymous callers may not read it).
    let uri = "/api/exposure?hazard=zone&exposure=hh&by=district";
    for ((token, who), redacted) in
        tokens
            .iter()
            .zip([None, Some(true), Some(false), Some(false), Some(false)])
    {
        let (_, report) = call(&state, "GET", uri, token.as_deref(), None).await;
        assert_eq!(report["redacted"].as_bool(), redacted, "exposure as {who}");
    }

    // Without a token the lists hold the open layers only.
    let (_, catalog) = call(&state, "GET", "/catalog", None, None).await;
    let open: Vec<&String> = catalog["tiles"].as_object().unwrap().keys().collect();
    assert_eq!(open, ["districts", "zone"]);
    let (_, layers) = call(&state, "GET", "/api/layers", None, None).await;
    assert_eq!(layers.as_array().unwrap().len(), 2);
    let viewer = tokens[1].0.as_deref();
    let (_, catalog) = call(&state, "GET", "/catalog", viewer, None).await;
    assert_eq!(
        catalog["tiles"].as_object().unwrap().len(),
        5,
        "every layer, with the one the editor uploaded above"
    );
    assert_eq!(
        catalog["tiles"]["hh"]["detail"], false,
        "a viewer gets aggregates"
    );
    let (status, problem) = call(
        &state,
        "GET",
        "/tiles/zone/0/0/0.mvt",
        Some("sitroom_forged"),
        None,
    )
    .await;
    assert_eq!(
        (status, problem["detail"].as_str()),
        (
            StatusCode::UNAUTHORIZED,
            Some(
                "the token is not valid (unknown, revoked or expired): ask an administrator for a new one"
            )
        ),
        "a bad token is refused, not read as anonymous"
    );

    // A viewer is told what role is needed.
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

/// Loads the households of `POINTS` as `people`, a public exposure layer, open without a
/// token or not, as `editor`.
async fn upload_people(state: &AppState, editor: Option<&str>, anonymous: bool) {
    let (kind, body) = sitroom_tests::upload_form(
        "people.geojson",
        POINTS,
        &[
            ("kind", "exposure"),
            ("theme", "settlement"),
            ("households_field", "hh"),
            ("anonymous", if anonymous { "true" } else { "false" }),
        ],
    );
    let a = sitroom_tests::call(
        state,
        "POST",
        "/api/layers/people",
        editor,
        Some((&kind, body)),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
}

/// Only what anyone may read is marked for shared caches: a tile that needs a token
/// (or depends on who asks) is `private` and varies by `Authorization`, or a proxy could
/// keep a viewer's copy and hand it to callers without a token.
#[tokio::test]
async fn only_open_layers_may_be_kept_by_shared_caches() {
    let dir = tempfile::tempdir().unwrap();
    let (state, tokens) = fixture(&dir);
    let (viewer, editor) = (tokens[1].0.as_deref(), tokens[3].0.as_deref());
    // An open, public exposure layer beside the restricted one.
    upload_people(&state, editor, true).await;
    let t = sitroom_tests::tile_at(geo::Coord { x: 30.06, y: -1.95 }, 8);
    let (public, private) = ("public, max-age=60", "private, max-age=60");
    for (layers, expected) in [
        ("zone", public),
        ("zone,districts,people", public),
        ("closed", private),
        ("zone,closed", private),
        ("hh", private),
    ] {
        let uri = format!("/tiles/{layers}/{}/{}/{}.mvt", t.z, t.x, t.y);
        for path in [uri, format!("/tiles/{layers}.json")] {
            let a = sitroom_tests::call(&state, "GET", &path, viewer, None).await;
            assert_eq!(a.status, StatusCode::OK, "{path}");
            assert_eq!(a.headers["cache-control"], expected, "{path}");
        }
    }
    for (hazard, exposure, expected) in [
        ("zone", "people", public),
        ("closed", "people", private),
        ("zone", "hh", private),
    ] {
        let uri = format!(
            "/api/exposure/tiles/{}/{}/{}.mvt?hazard={hazard}&exposure={exposure}&by=district",
            t.z, t.x, t.y
        );
        let a = sitroom_tests::call(&state, "GET", &uri, viewer, None).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}");
        assert_eq!(a.headers["cache-control"], expected, "{uri}");
    }
}

#[tokio::test]
async fn restricted_layers_reach_viewers_only_as_aggregates_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let (state, tokens) = fixture(&dir);
    let (viewer, analyst) = (tokens[1].0.as_deref(), tokens[2].0.as_deref());
    let nyarugenge = serde_json::json!({"code": "11", "level": "district", "name": "Nyarugenge", "suppressed": true});
    let kicukiro = serde_json::json!({"code": "13", "level": "district", "name": "Kicukiro", "suppressed": false,
        "features": 1.0, "population": 0.0, "households": 9.0});

    // Features: district shapes with totals; 3 households in Nyarugenge are suppressed.
    let (status, items) = call(&state, "GET", "/ogc/collections/hh/items", viewer, None).await;
    assert_eq!(status, StatusCode::OK);
    let features = items["features"].as_array().unwrap();
    let props: Vec<&Value> = features.iter().map(|f| &f["properties"]).collect();
    assert_eq!(props, [&nyarugenge, &kicukiro]);
    for f in features {
        assert!(
            matches!(
                f["geometry"]["type"].as_str(),
                Some("Polygon" | "MultiPolygon")
            ),
            "{}",
            f["geometry"]["type"]
        );
    }
    let (_, one) = call(&state, "GET", "/ogc/collections/hh/items/2", viewer, None).await;
    assert_eq!(one["properties"], kicukiro);
    let (_, collection) = call(&state, "GET", "/ogc/collections/hh", viewer, None).await;
    assert_eq!(collection["title"], "hh (aggregates by district)");
    // Filters and bboxes work on the aggregates, not on the hidden points.
    let (status, problem) = call(
        &state,
        "GET",
        "/ogc/collections/hh/items?hh=3",
        viewer,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    let (_, near) = call(
        &state,
        "GET",
        "/ogc/collections/hh/items?bbox=30.0599,-1.9501,30.0601,-1.9499",
        viewer,
        None,
    )
    .await;
    assert_eq!(near["numberMatched"], 1, "the district, not the household");
    assert_ne!(near["features"][0]["geometry"]["type"], "Point");

    // Tiles: the same district shapes and figures, even when an analyst has just had
    // the households and the districts (what the aggregates are made of) in one tile.
    let t = sitroom_tests::tile_at(geo::Coord { x: 30.06, y: -1.95 }, 10);
    let detail_uri = format!("/tiles/hh,districts/{}/{}/{}.mvt", t.z, t.x, t.y);
    let detail = sitroom_tests::call(&state, "GET", &detail_uri, analyst, None).await;
    let reader = mvt_reader::Reader::new(detail.body.to_vec()).unwrap();
    assert!(
        reader.get_features(0).unwrap().iter().all(|f| matches!(
            f.geometry,
            geo::Geometry::Point(_) | geo::Geometry::MultiPoint(_)
        )),
        "the analyst gets the households"
    );
    let tile_uri = format!("/tiles/hh/{}/{}/{}.mvt", t.z, t.x, t.y);
    let tile = sitroom_tests::call(&state, "GET", &tile_uri, viewer, None).await;
    assert_ne!(tile.headers["etag"], detail.headers["etag"]);
    let reader = mvt_reader::Reader::new(tile.body.to_vec()).unwrap();
    let tiled = reader.get_features(0).unwrap();
    assert!(!tiled.is_empty());
    for f in &tiled {
        assert!(matches!(
            f.geometry,
            geo::Geometry::Polygon(_) | geo::Geometry::MultiPolygon(_)
        ));
        let p = f.properties.as_ref().unwrap();
        assert!(
            p.contains_key("suppressed") && !p.contains_key("hh"),
            "{p:?}"
        );
    }

    // Exposure, in each format: Nyarugenge suppressed, Kicukiro's 9 households shown.
    let base = "/api/exposure?hazard=zone&exposure=hh&by=district";
    let (_, report) = call(&state, "GET", base, viewer, None).await;
    assert_eq!(report["redacted"], true);
    let unit = |code: &str| {
        report["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["code"] == code)
            .cloned()
            .unwrap()
    };
    assert_eq!(unit("11")["suppressed"], true);
    assert!(unit("11").get("classes").is_none());
    assert_eq!(unit("13")["classes"][0]["households"], 9.0);
    let csv = sitroom_tests::call(&state, "GET", &format!("{base}&format=csv"), viewer, None).await;
    let csv = String::from_utf8_lossy(&csv.body).into_owned();
    let nyarugenge_row = csv.lines().find(|l| l.contains("Nyarugenge")).unwrap();
    assert!(
        nyarugenge_row.contains("suppressed") && !nyarugenge_row.contains(",3"),
        "{nyarugenge_row}"
    );
    let (_, gj) = call(
        &state,
        "GET",
        &format!("{base}&format=geojson"),
        viewer,
        None,
    )
    .await;
    let gj_unit = gj["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["code"] == "11")
        .unwrap();
    assert_eq!(gj_unit["properties"]["suppressed"], true);
    let choropleth = sitroom_tests::call(
        &state,
        "GET",
        &format!(
            "/api/exposure/tiles/{}/{}/{}.mvt?hazard=zone&exposure=hh&by=district",
            t.z, t.x, t.y
        ),
        viewer,
        None,
    )
    .await;
    assert_eq!(choropleth.status, StatusCode::OK);

    // With clearance: the households themselves, and the read is audited.
    let (_, items) = call(&state, "GET", "/ogc/collections/hh/items", analyst, None).await;
    let points: Vec<&Value> = items["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["properties"]["hh"])
        .collect();
    assert_eq!(points, [&serde_json::json!(3), &serde_json::json!(9)]);
    let admin = tokens[4].0.as_deref();
    let (_, log) = call(
        &state,
        "GET",
        "/api/audit?action=restricted.read",
        admin,
        None,
    )
    .await;
    let readers: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert_eq!(
        readers,
        ["analyst"],
        "viewers' aggregate reads are not restricted reads"
    );
}

/// An editor closes an open layer and opens it again over HTTP, and restricts a public
/// one: no new version, each change holds at once (refusals, lists, aggregates, cache
/// headers), and each is audited.
#[tokio::test]
async fn who_may_read_a_layer_changes_without_a_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let (state, tokens) = fixture(&dir);
    let (viewer, editor, admin) = (
        tokens[1].0.as_deref(),
        tokens[3].0.as_deref(),
        tokens[4].0.as_deref(),
    );
    let t = sitroom_tests::tile_at(geo::Coord { x: 30.06, y: -1.95 }, 8);
    let tile = format!("/tiles/zone/{}/{}/{}.mvt", t.z, t.x, t.y);
    let set = |anonymous: &str| {
        Some((
            "application/json",
            format!(r#"{{"anonymous": {anonymous}}}"#).into_bytes(),
        ))
    };
    assert_eq!(
        call(&state, "GET", &tile, None, None).await.0,
        StatusCode::OK
    );

    let (status, layer) = call(&state, "PATCH", "/api/layers/zone", editor, set("false")).await;
    assert_eq!(status, StatusCode::OK, "{layer}");
    assert_eq!(
        (&layer["anonymous"], &layer["current_version"]),
        (&Value::Bool(false), &serde_json::json!(1))
    );
    let (status, problem) = call(&state, "GET", &tile, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    let (_, catalog) = call(&state, "GET", "/catalog", None, None).await;
    assert!(catalog["tiles"].get("zone").is_none());
    let a = sitroom_tests::call(&state, "GET", &tile, viewer, None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers["cache-control"], "private, max-age=60");

    for (bad, why) in [
        (r#"{"anonymous": "maybe"}"#, "invalid type"),
        (r#"{"anonymous": null}"#, "invalid type: null"),
        (r#"{"sensitivity": "secret"}"#, "unknown variant `secret`"),
        (r#"{"title": "x"}"#, "unknown field `title`"),
        ("{}", "nothing to change"),
    ] {
        let body = Some(("application/json", bad.as_bytes().to_vec()));
        let (status, problem) = call(&state, "PATCH", "/api/layers/zone", editor, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.starts_with(r#"send a JSON body with "anonymous""#) && detail.contains(why),
            "{bad}: {detail}"
        );
    }

    let (status, _) = call(&state, "PATCH", "/api/layers/zone", editor, set("true")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        call(&state, "GET", &tile, None, None).await.0,
        StatusCode::OK
    );
    let (_, log) = call(&state, "GET", "/api/audit?action=layer.access", admin, None).await;
    let changes: Vec<(&str, &str, bool)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap(),
                e["target"].as_str().unwrap(),
                e["detail"]["anonymous"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [("editor", "zone", true), ("editor", "zone", false)],
        "newest first"
    );

    // A public exposure layer made restricted: viewers get aggregates from then on.
    upload_people(&state, editor, false).await;
    let items = "/ogc/collections/people/items";
    let kinds = |v: &Value| -> Vec<String> {
        v["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["geometry"]["type"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        kinds(&call(&state, "GET", items, viewer, None).await.1),
        ["Point", "Point"]
    );
    let restrict = Some((
        "application/json",
        br#"{"sensitivity": "restricted"}"#.to_vec(),
    ));
    let (status, layer) = call(&state, "PATCH", "/api/layers/people", editor, restrict).await;
    assert_eq!(
        (status, &layer["sensitivity"], &layer["current_version"]),
        (StatusCode::OK, &Value::from("restricted"), &Value::from(1))
    );
    let (_, aggregates) = call(&state, "GET", items, viewer, None).await;
    assert!(
        kinds(&aggregates).iter().all(|k| k.ends_with("Polygon")),
        "{aggregates}"
    );
    let analyst = tokens[2].0.as_deref();
    assert_eq!(
        kinds(&call(&state, "GET", items, analyst, None).await.1),
        ["Point", "Point"]
    );
}

/// The ids of a style's layers and its sources' tile addresses.
fn drawn(style: &Value) -> (Vec<String>, Vec<String>) {
    let ids = style["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_owned())
        .collect();
    let tiles = style["sources"]
        .as_object()
        .unwrap()
        .values()
        .map(|s| s["tiles"][0].as_str().unwrap().to_owned())
        .collect();
    (ids, tiles)
}

#[tokio::test]
async fn styles_draw_only_what_the_caller_may_read_and_restricted_layers_as_units() {
    let dir = tempfile::tempdir().unwrap();
    let (state, tokens) = fixture(&dir);
    let (viewer, analyst) = (tokens[1].0.as_deref(), tokens[2].0.as_deref());

    let (status, anonymous) = call(&state, "GET", "/styles/situation.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let (ids, tiles) = drawn(&anonymous);
    assert!(ids.contains(&"zone:high".to_owned()), "{ids:?}");
    assert!(
        !ids.iter()
            .any(|i| i.starts_with("closed:") || i.starts_with("hh:")),
        "a caller without a token sees no style of a layer not open to it: {ids:?}"
    );
    assert!(
        !tiles
            .iter()
            .any(|t| t.contains("/closed/") || t.contains("/hh/"))
    );

    // A viewer gets the households as units (with the withheld grey), the tiles of
    // aggregates; an analyst the points themselves.
    let (_, seen) = call(&state, "GET", "/styles/situation.json", viewer, None).await;
    let (ids, tiles) = drawn(&seen);
    assert!(ids.contains(&"hh:withheld".to_owned()) && ids.contains(&"hh:outline".to_owned()));
    assert!(!ids.contains(&"hh:circle".to_owned()), "{ids:?}");
    assert!(
        tiles
            .iter()
            .any(|t| t.contains("/tiles/hh/") && t.ends_with("&agg=1"))
    );
    let (_, cleared) = call(&state, "GET", "/styles/layers/hh.json", analyst, None).await;
    let (ids, tiles) = drawn(&cleared);
    assert_eq!(ids, ["hh:circle", "hh:label"]);
    assert!(tiles[0].ends_with("?v=1"), "{tiles:?}");

    // Only the layers asked for, in that order; a layer the caller may not read, or that
    // does not exist, is refused by name, not left out silently.
    let (_, chosen) = call(
        &state,
        "GET",
        "/styles/situation.json?layers=closed,zone",
        viewer,
        None,
    )
    .await;
    let (ids, _) = drawn(&chosen);
    let at = |id: &str| ids.iter().position(|x| x == id).unwrap();
    assert!(at("closed:high") < at("zone:high"));
    assert!(!ids.iter().any(|i| i.starts_with("hh:")), "{ids:?}");
    assert!(ids.contains(&"districts:line".to_owned()));
    let (status, problem) = call(
        &state,
        "GET",
        "/styles/situation.json?layers=closed",
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("'closed'"),
        "{problem}"
    );
    let (status, problem) = call(
        &state,
        "GET",
        "/styles/situation.json?layers=nowhere",
        viewer,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("'nowhere'"),
        "{problem}"
    );
    // A boundary layer named is drawn as it would be anyway, as the basemap.
    let (status, basemap) = call(
        &state,
        "GET",
        "/styles/situation.json?layers=districts",
        viewer,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (ids, _) = drawn(&basemap);
    assert!(ids.contains(&"districts:line".to_owned()));
    assert!(
        !ids.iter()
            .any(|i| i.starts_with("zone:") || i.starts_with("hh:")),
        "{ids:?}"
    );
}

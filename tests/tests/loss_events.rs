//! Disaster events against the model, on both backends through the HTTP API: the
//! events of the loss register as their records say; an event linked to a hazard layer
//! version (a new register version, audited), refused for a layer version or alert that
//! does not exist; the displacement rates its records suggest, equal to a hand
//! computation from where the people were put; draft loss records from an exposure run
//! that an import refuses until they are confirmed, and takes once they are; who may do
//! what.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::Value;
use sitroom::api::AppState;
use sitroom::auth::create_token;
use sitroom::model::Role;
use sitroom::store::Store;

/// An event (its GLIDE number) in four sectors, and a hailstorm without one.
const LOSSES: &str = "\
#meta+id,#date+occurred,#adm3+code,#event+type,#event+glide,#event+name,#affected+killed,#affected+evacuated,#affected+relocated
l1,2023-05-03,3401,flood,FL-2023-000067-RWA,May 2023 floods,4,200,100
l2,2023-05-03,4101,landslide,FL-2023-000067-RWA,,,50,
l3,2023-05-04,3601,flood,FL-2023-000067-RWA,,,8,
l4,2023-05-04,3402,flood,FL-2023-000067-RWA,,1,,
l5,2022-10-01,4102,hailstorm,,Hailstorm Musanze,,,
";

const EVENT: &str = "FL-2023-000067-RWA";

async fn call(
    state: &AppState,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
) -> (StatusCode, Value, String) {
    let a = sitroom_tests::call(state, method, uri, token, body).await;
    let text = String::from_utf8_lossy(&a.body).into_owned();
    (a.status, a.json(), text)
}

fn json(v: &Value) -> Option<(&'static str, Vec<u8>)> {
    Some(("application/json", v.to_string().into_bytes()))
}

fn csv(text: &str) -> Option<(&'static str, Vec<u8>)> {
    Some(("text/csv", text.as_bytes().to_vec()))
}

/// A hazard layer `zone` with class `high` over sector 3401's extent and `medium` over
/// 4101's; 1,000 people inside 3401 and 2,000 inside 4101, 70 inside 3601 (outside
/// both zones).
fn model(db: &str, dir: &tempfile::TempDir) {
    let (p1, r1) = sitroom_tests::inside_sector(3401);
    let (p2, r2) = sitroom_tests::inside_sector(4101);
    let (p3, _) = sitroom_tests::inside_sector(3601);
    let feature = |r: geo::Rect<f64>, class: &str| {
        let one: Value = serde_json::from_str(&sitroom_tests::zone_geojson(r, class)).unwrap();
        one["features"][0].clone()
    };
    let zones = serde_json::json!({
        "type": "FeatureCollection",
        "features": [feature(r1, "high"), feature(r2, "medium")],
    });
    let path = sitroom_tests::write(dir, "zones.geojson", &zones.to_string());
    sitroom_tests::load_class_zones(db, &path, "zone");
    let hh = sitroom_tests::write(
        dir,
        "hh.csv",
        &format!(
            "people,households,lon,lat\n1000,200,{},{}\n2000,400,{},{}\n70,14,{},{}\n",
            p1.x(),
            p1.y(),
            p2.x(),
            p2.y(),
            p3.x(),
            p3.y()
        ),
    );
    sitroom_tests::load_households(db, &hh);
}

async fn events_against_the_model(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    sitroom_tests::load_admin(db, "districts", "district");
    sitroom_tests::load_admin(db, "sectors", "sector");
    model(db, &dir);
    let store: Arc<Store> = Arc::from(sitroom::store::open(db).unwrap());
    let (editor, _) = create_token(store.as_ref(), "editor", Role::Editor, None, "tests").unwrap();
    let (viewer, _) = create_token(store.as_ref(), "viewer", Role::Viewer, None, "tests").unwrap();
    let state = AppState::new(store.clone(), sitroom::config::ServerSettings::default()).unwrap();
    let (ed, vw) = (Some(editor.as_str()), Some(viewer.as_str()));

    let (st, v, _) = call(&state, "GET", "/api/records/losses/events", vw, None).await;
    assert_eq!(
        (st, v["events"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(0))
    );
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/losses/imports",
        ed,
        csv(LOSSES),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");

    // The events, the latest first, as their records say.
    let (st, v, _) = call(&state, "GET", "/api/records/losses/events", vw, None).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let events = v["events"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{v}");
    let may = &events[0];
    assert_eq!(may["key"], EVENT);
    assert_eq!(may["name"], "May 2023 floods");
    assert_eq!(may["hazards"], serde_json::json!(["flood", "landslide"]));
    assert_eq!(
        (may["first"].as_str(), may["last"].as_str()),
        (Some("2023-05-03"), Some("2023-05-04"))
    );
    assert_eq!(
        (may["records"].as_u64(), may["units"].as_u64()),
        (Some(4), Some(4))
    );
    assert_eq!(may["toll"]["deaths"], 5.0);
    assert_eq!(may["displaced"], 358.0, "200 + 100 + 50 + 8");
    assert_eq!(
        events[1]["key"], "2022-10-01 hailstorm",
        "no GLIDE: its date and hazard"
    );
    assert_eq!(events[1]["name"], "Hailstorm Musanze");
    let (st, _, text) = call(
        &state,
        "GET",
        "/api/records/losses/events?format=csv",
        vw,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let read = sitroom_tests::hxl_read(&text).unwrap();
    assert_eq!(read["rows"].as_array().unwrap().len(), 2, "{read}");
    assert_eq!(read["tags"][0], "#event+code", "{read}");

    // The events layer: each event's units as points inside them (checked against the
    // mirror's own sector shapes), with what the event's records there say.
    let a = sitroom_tests::call(
        &state,
        "GET",
        "/api/records/losses/events?format=geojson",
        vw,
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        a.headers[axum::http::header::CONTENT_TYPE],
        "application/geo+json"
    );
    let layer = a.json();
    assert_eq!(layer["type"], "FeatureCollection");
    let places: Vec<(String, String)> = layer["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["event"].as_str().unwrap().to_owned(),
                p["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        (EVENT, "3401"),
        (EVENT, "3402"),
        (EVENT, "3601"),
        (EVENT, "4101"),
        ("2022-10-01 hailstorm", "4102"),
    ]
    .iter()
    .map(|(e, c)| ((*e).to_owned(), (*c).to_owned()))
    .collect();
    assert_eq!(places, want, "the latest event first, by code within it");
    for f in layer["features"].as_array().unwrap() {
        use geo::Contains as _;
        let c = &f["geometry"]["coordinates"];
        let at = geo::Point::new(c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        let code: i64 = f["properties"]["code"].as_str().unwrap().parse().unwrap();
        assert!(
            sitroom_tests::source_sector(code).contains(&at),
            "{f} lies inside sector {code}"
        );
        assert!(f["properties"]["unit"].is_string(), "{f} names its unit");
    }
    let first = &layer["features"][0]["properties"];
    assert_eq!(
        (
            first["deaths"].as_f64(),
            first["displaced"].as_f64(),
            first["records"].as_u64()
        ),
        (Some(4.0), Some(300.0), Some(1)),
        "{first}"
    );
    assert_eq!(first["name"], "May 2023 floods");
    assert_eq!(layer["features"][1]["properties"]["deaths"], 1.0);
    let (st, _, _) = call(
        &state,
        "GET",
        "/api/records/losses/events?format=geojson",
        None,
        None,
    )
    .await;
    assert_eq!(
        st,
        StatusCode::UNAUTHORIZED,
        "the events layer is a token's, as the register is"
    );
    // Limited to a period, as the map's figures are.
    let (st, v, _) = call(
        &state,
        "GET",
        "/api/records/losses/events?format=geojson&period=year&at=2022",
        vw,
        None,
    )
    .await;
    let events: Vec<&str> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        (st, events),
        (StatusCode::OK, vec!["2022-10-01 hailstorm"]),
        "{v}"
    );
    let (st, v, _) = call(
        &state,
        "GET",
        "/api/records/losses/events?format=geojson&period=month&at=2023-05",
        vw,
        None,
    )
    .await;
    assert_eq!(
        (st, v["features"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(4)),
        "{v}"
    );
    // The list is limited the same way, in every format.
    let (st, v, _) = call(
        &state,
        "GET",
        "/api/records/losses/events?period=year&at=2022",
        vw,
        None,
    )
    .await;
    let keys: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        (st, keys),
        (StatusCode::OK, vec!["2022-10-01 hailstorm"]),
        "{v}"
    );
    for format in ["geojson", "json", "csv"] {
        for bad in [
            "period=year",
            "at=2023",
            "period=decade&at=2020",
            "period=AAA",
            "period=year&at=2023-0000000000000000000",
        ] {
            let (st, v, _) = call(
                &state,
                "GET",
                &format!("/api/records/losses/events?format={format}&{bad}"),
                vw,
                None,
            )
            .await;
            assert_eq!(st, StatusCode::BAD_REQUEST, "{format} {bad}: {v}");
        }
    }
    let (st, v, _) = call(
        &state,
        "GET",
        "/api/records/losses/events?format=kml",
        vw,
        None,
    )
    .await;
    assert!(
        st == StatusCode::BAD_REQUEST && v.to_string().contains("geojson"),
        "{v}"
    );

    // Not linked yet: nothing to calibrate with.
    let calib = format!("/api/records/losses/events/{EVENT}/calibration?exposure=hh");
    let (st, v, _) = call(&state, "GET", &calib, vw, None).await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert!(
        v["detail"]
            .as_str()
            .unwrap()
            .contains("linked to no hazard layer"),
        "{v}"
    );

    // Links: refused for what does not exist, by a viewer, without a token.
    let links = format!("/api/records/losses/events/{EVENT}/links");
    for (body, want, says) in [
        (
            serde_json::json!({"hazard_layer": "zone@9"}),
            StatusCode::BAD_REQUEST,
            "has no version 9",
        ),
        (
            serde_json::json!({"hazard_layer": "hh@1"}),
            StatusCode::BAD_REQUEST,
            "not a hazard layer",
        ),
        (
            serde_json::json!({"hazard_layer": "nowhere@1"}),
            StatusCode::BAD_REQUEST,
            "no layer 'nowhere'",
        ),
        (
            serde_json::json!({"hazard_layer": "zone"}),
            StatusCode::BAD_REQUEST,
            "id@version",
        ),
        (
            serde_json::json!({"alerts": ["rw.gov.minema.77"]}),
            StatusCode::BAD_REQUEST,
            "no alert",
        ),
        (
            serde_json::json!({}),
            StatusCode::BAD_REQUEST,
            "give the hazard layer version",
        ),
    ] {
        let (st, v, _) = call(&state, "POST", &links, ed, json(&body)).await;
        assert_eq!(st, want, "{body}: {v}");
        assert!(v["detail"].as_str().unwrap().contains(says), "{body}: {v}");
    }
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/losses/events/No%20such%20event/links",
        ed,
        json(&serde_json::json!({"hazard_layer": "zone@1"})),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    let good = serde_json::json!({"hazard_layer": "zone@1"});
    let (st, _, _) = call(&state, "POST", &links, vw, json(&good)).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _, _) = call(&state, "POST", &links, None, json(&good)).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (_, reg, _) = call(&state, "GET", "/api/records/losses", vw, None).await;
    assert_eq!(reg["register"]["current_version"], 1, "nothing was written");

    // An alert drafted from the zones for the sector with people in high: linked by
    // its CAP identifier alone, the event takes the alert's hazard layer version.
    let rule = serde_json::json!({
        "title": "Floods in sectors",
        "condition": {"hazard": "zone", "exposure": "hh", "level": "sector",
            "classes": ["high"], "measure": "people", "at_least": 1},
        "alert": {
            "category": "Met", "event": {"en": "Flood"}, "response_type": "Evacuate",
            "urgency": "Expected", "severity": "Severe", "certainty": "Likely",
            "headline": {"en": "Flood warning"}, "description": {"en": "{people} people"},
            "instruction": {"en": "Move to higher ground."}, "hours": 48
        }
    });
    let (st, v, _) = call(&state, "PUT", "/api/alert-rules/floods", ed, json(&rule)).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (_, done, _) = call(&state, "POST", "/api/alert-rules/floods/evaluate", ed, None).await;
    let identifier = done["alert"]["identifier"].as_str().unwrap().to_owned();
    assert_eq!(done["alert"]["hazard"]["version"], 1, "{done}");
    let by_alert = serde_json::json!({"alerts": [identifier]});
    let (st, v, _) = call(&state, "POST", &links, ed, json(&by_alert)).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["version"]["version"], 2);
    assert_eq!(v["version"]["report"]["format"], "link");
    assert_eq!(v["version"]["report"]["imported"], 4);
    let (_, v, _) = call(&state, "GET", "/api/records/losses/events", vw, None).await;
    assert_eq!(
        v["events"][0]["hazard_layers"],
        serde_json::json!(["zone@1"])
    );
    assert_eq!(v["events"][0]["alerts"], serde_json::json!([identifier]));
    // Linked again to the version itself: the alert stays, nothing doubles.
    let (st, v, _) = call(&state, "POST", &links, ed, json(&good)).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (_, v, _) = call(&state, "GET", "/api/records/losses/events", vw, None).await;
    assert_eq!(v["events"][0]["alerts"], serde_json::json!([identifier]));
    // Without exposure=, the calibration counts people with the alert's exposure layer.
    let (st, v, _) = call(
        &state,
        "GET",
        &format!("/api/records/losses/events/{EVENT}/calibration"),
        vw,
        None,
    )
    .await;
    assert_eq!(
        (st, v["exposure"]["layer"].as_str()),
        (StatusCode::OK, Some("hh")),
        "{v}"
    );
    let (_, v, _) = call(&state, "GET", "/api/records/losses/events", vw, None).await;
    assert_eq!(
        v["events"][1]["hazard_layers"],
        serde_json::json!([]),
        "the other event is untouched"
    );
    let (_, v, _) = call(
        &state,
        "GET",
        "/api/records/losses/items?code=4102",
        vw,
        None,
    )
    .await;
    assert!(v["records"][0]["hazard_layer"].is_null(), "{v}");
    let audit = store
        .audit_log(&sitroom::model::AuditQuery {
            limit: 1000,
            ..Default::default()
        })
        .unwrap();
    assert!(audit.iter().any(|a| a.action == "records.link"), "audited");

    // Calibration: observed against the model, from where the people were put. The
    // rules in use displace all of high and half of medium; observed: 300 of the 1,000
    // in high (3401), 50 of the 2,000 in medium (4101), and 8 in 3601 where the model
    // has nobody in a zone.
    let (st, v, _) = call(&state, "GET", &calib, vw, None).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let c = &v["calibration"];
    assert_eq!(c["method"], "least-squares", "{v}");
    assert_eq!(c["units"], 3);
    assert_eq!(c["observed"], 358.0);
    assert_eq!(c["observed_outside_zones"], 8.0);
    assert!(
        (c["modelled"].as_f64().unwrap() - (1000.0 + 0.5 * 2000.0)).abs() < 1e-6,
        "{v}"
    );
    let class = |name: &str| {
        c["classes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["class"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} in {v}"))
    };
    let (high, medium) = (class("high"), class("medium"));
    assert_eq!(
        (high["people"].as_f64(), medium["people"].as_f64()),
        (Some(1000.0), Some(2000.0))
    );
    assert_eq!(
        (high["rate_in_use"].as_f64(), medium["rate_in_use"].as_f64()),
        (Some(1.0), Some(0.5))
    );
    assert!(
        (high["suggested_rate"].as_f64().unwrap() - 0.3).abs() < 1e-9,
        "{v}"
    );
    assert!(
        (medium["suggested_rate"].as_f64().unwrap() - 0.025).abs() < 1e-9,
        "{v}"
    );
    assert!(
        class("low").get("suggested_rate").is_none(),
        "nobody lives in low: {v}"
    );
    assert!(
        v["notes"]
            .to_string()
            .contains("1 record(s) of the event say nothing"),
        "{v}"
    );
    assert_eq!(v["hazard"]["version"], 1);
    let (st, _, text) = call(&state, "GET", &format!("{calib}&format=csv"), vw, None).await;
    assert_eq!(st, StatusCode::OK);
    let read = sitroom_tests::hxl_read(&text).unwrap();
    assert!(
        read["tags"]
            .to_string()
            .contains("#indicator+rate+suggested"),
        "{read}"
    );
    // A second version of the zones (everything low) does not change what the event is
    // calibrated against: the version it is linked to.
    let (_, r1) = sitroom_tests::inside_sector(3401);
    sitroom_tests::load_zone(db, &dir, "zone", r1, "low");
    state.sync_engine().await;
    let (st, again, _) = call(&state, "GET", &calib, vw, None).await;
    assert_eq!(st, StatusCode::OK, "{again}");
    assert_eq!(again["calibration"], v["calibration"]);
    for (uri, want) in [
        (format!("{calib}&hazard_layer=zone@2"), StatusCode::CONFLICT),
        (
            "/api/records/losses/events/2022-10-01%20hailstorm/calibration?exposure=hh".into(),
            StatusCode::CONFLICT,
        ),
        (
            "/api/records/losses/events/nothing/calibration?exposure=hh".into(),
            StatusCode::NOT_FOUND,
        ),
        (format!("{calib}&format=xml"), StatusCode::BAD_REQUEST),
    ] {
        let (st, v, _) = call(&state, "GET", &uri, vw, None).await;
        assert_eq!(st, want, "{uri}: {v}");
    }
    let (st, _, _) = call(&state, "GET", &calib, None, None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);

    // Drafts from an exposure run (the zones' first version is no longer current: the
    // drafts use the current one, all low: 1,000 people affected in 3401, 10% displaced).
    let drafts = "/api/records/losses/drafts?hazard=zone&exposure=hh&by=sector&date=2024-04-20&glide=FL-2024-000050-RWA&event=April%202024%20floods";
    let (st, _, _) = call(&state, "GET", drafts, vw, None).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "an editor's");
    let (st, _, text) = call(&state, "GET", drafts, ed, None).await;
    assert_eq!(st, StatusCode::OK, "{text}");
    let read = sitroom_tests::hxl_read(&text).unwrap();
    let rows = read["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "one sector with people affected: {read}");
    let (st, v, _) = call(&state, "GET", &format!("{drafts}&format=json"), ed, None).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let d = &v["drafts"][0];
    assert_eq!(d["code"], "3401");
    assert_eq!(d["directly_affected"], 1000.0);
    assert_eq!(d["evacuated"], 100.0);
    assert_eq!(d["hazard"], "flood", "the layer's theme");
    assert_eq!(d["hazard_layer"], "zone@2");
    assert_eq!(d["verification"], "draft");
    assert!(
        d["source"]
            .as_str()
            .unwrap()
            .starts_with("sitroom exposure model: hazard zone@2, exposure hh@1"),
        "{d}"
    );
    for (q, says) in [
        ("date=2099-01-01", "in the future"),
        ("date=2024-04-20&hazard_type=tsunami", "not a hazard type"),
    ] {
        let (st, v, _) = call(
            &state,
            "GET",
            &format!("/api/records/losses/drafts?hazard=zone&exposure=hh&{q}"),
            ed,
            None,
        )
        .await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{q}: {v}");
        assert!(v["detail"].as_str().unwrap().contains(says), "{q}: {v}");
    }

    // Imported as drafted: refused, every row saying what to do.
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/losses/imports?mode=merge",
        ed,
        csv(&text),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let issues = v["report"]["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 1, "{v}");
    assert!(
        issues[0]["reason"]
            .as_str()
            .unwrap()
            .contains("set #status+verified to confirmed"),
        "{v}"
    );
    // Confirmed (and corrected) in the field: taken.
    let confirmed = text
        .replace(",draft", ",confirmed")
        .replace(",100,", ",120,");
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/losses/imports?mode=merge",
        ed,
        csv(&confirmed),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (_, v, _) = call(&state, "GET", "/api/records/losses/events", vw, None).await;
    let april = &v["events"][0];
    assert_eq!(april["key"], "FL-2024-000050-RWA", "{v}");
    assert_eq!(april["displaced"], 120.0, "{v}");
    assert_eq!(april["hazard_layers"], serde_json::json!(["zone@2"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn events_on_sqlite() {
    let s = sitroom_tests::sqlite();
    events_against_the_model(&s.url).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn events_on_postgis() {
    let s = sitroom_tests::postgis();
    events_against_the_model(&s.url).await;
}

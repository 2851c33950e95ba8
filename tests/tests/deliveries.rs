//! Delivery of issued alerts on both store backends, to real local webhook receivers:
//! the outbox written by the issue names exactly the subscribers concerned (units at
//! any level, themes, severity, scope); every request is signed as Standard Webhooks
//! say (checked by its reference library) and carries the alert with its CAP document
//! (checked against the OASIS schema); a failing receiver is tried again with the same
//! id until it answers, each attempt recorded; one that keeps failing is parked and an
//! admin's retry delivers it; a rotated secret signs beside the old one; subscribers
//! that are not ones, or on private addresses where they are not allowed, are refused
//! saying what to fix, and only admins manage them.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{Value, json};
use sitroom::api::AppState;
use sitroom::store::Store;
use sitroom_tests::receiver::Receiver;

async fn call(
    state: &AppState,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let body = body.map(|b| ("application/json", b.to_string().into_bytes()));
    let a = sitroom_tests::call(state, method, uri, token, body).await;
    (a.status, a.json())
}

fn rule() -> Value {
    json!({
        "title": "Floods in sectors",
        "condition": {"hazard": "zone", "exposure": "hh", "level": "sector",
            "classes": ["high"], "measure": "people", "at_least": 50},
        "alert": {
            "category": "Met", "event": {"en": "Flood", "fr": "Inondation"},
            "response_type": "Evacuate", "urgency": "Expected", "severity": "Severe",
            "certainty": "Likely",
            "headline": {"en": "Flood warning: {people} people in {units}", "fr": "Alerte : {units}"},
            "instruction": {"en": "Move to higher ground.", "fr": "Gagnez les hauteurs."},
            "hours": 48
        }
    })
}

fn subscriber(receiver: &Receiver, path: &str, extra: &Value) -> Value {
    let mut s = json!({"name": format!("Receiver {path}"), "contact": "duty officer, +250 788 000 000",
        "webhook": format!("{}/{path}", receiver.base)});
    for (k, v) in extra.as_object().unwrap() {
        s[k] = v.clone();
    }
    s
}

/// Waits until `done` holds of what `receiver` got, for at most a minute.
async fn until(
    receiver: &Receiver,
    what: &str,
    done: impl Fn(&[sitroom_tests::receiver::Received]) -> bool,
) {
    for _ in 0..600 {
        if done(&receiver.received()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{what} within a minute; received {:?}",
        receiver.received_without_bodies()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deliveries_on_the_embedded_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db").display().to_string();
    deliveries(&dir, db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deliveries_on_postgis() {
    let dir = tempfile::tempdir().unwrap();
    deliveries(&dir, sitroom_tests::postgis_url()).await;
}

#[expect(clippy::too_many_lines)]
async fn deliveries(dir: &tempfile::TempDir, db: String) {
    sitroom_tests::load_admin(&db, "sectors", "sector");
    sitroom_tests::load_admin(&db, "districts", "district");
    let (_, gitega) = sitroom_tests::inside_sector(1101);
    sitroom_tests::load_zone(&db, dir, "zone", gitega, "high");
    let (g, _) = sitroom_tests::inside_sector(1101);
    let csv = format!("people,households,lon,lat\n60,1,{},{}\n", g.x(), g.y());
    sitroom_tests::load_households(&db, &sitroom_tests::write(dir, "hh.csv", &csv));
    let store: Arc<Store> = Arc::from(sitroom::store::open(&db).unwrap());
    let token = |name, role| {
        sitroom::auth::create_token(store.as_ref(), name, role, None, "tests")
            .unwrap()
            .0
    };
    use sitroom::model::Role;
    let admin = token("admin", Role::Admin);
    let (ed1, ed2) = (token("ed1", Role::Editor), token("ed2", Role::Editor));
    let mut settings = sitroom::config::ServerSettings::default();
    let strict = AppState::new(store.clone(), settings.clone()).unwrap();
    settings.delivery.allow_private = true;
    settings.delivery.backoff.base_s = 0.2;
    settings.delivery.backoff.attempts = 3;
    settings.delivery.timeout = Duration::from_secs(5);
    settings.delivery.poll = Duration::from_millis(100);
    let sink = sitroom_tests::smtp_sink::SmtpSink::start().await;
    settings.delivery.smtp = Some(sitroom::delivery::SmtpSettings {
        url: sink.url.clone(),
        from: "MINEMA alerts <alerts@minema.example.org>".into(),
    });
    let state = AppState::new(store.clone(), settings).unwrap();
    let receiver = Receiver::start(Duration::ZERO).await;
    let ad = Some(admin.as_str());

    // Subscribers that are not ones, each refused saying what to fix; none written.
    for (body, on, status, says) in [
        (
            json!({"name": "X", "contact": "y", "webhook": "ftp://example.org/x"}),
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            "must start with https:// or http://",
        ),
        (
            json!({"name": "X", "contact": "y"}),
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            "nowhere to be sent alerts",
        ),
        (
            json!({"name": "X", "contact": "y", "webhook": "https://example.org/", "areas": ["1199"]}),
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            "area '1199' is not a sector of the loaded boundaries",
        ),
        (
            json!({"name": "X", "contact": "y", "webhook": "https://example.org/", "areas": ["110101"]}),
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            "no boundary layer of level 'cell'",
        ),
        (
            json!({"name": "X", "contact": "y", "webhook": "http://10.0.0.7/hook"}),
            &strict,
            StatusCode::UNPROCESSABLE_ENTITY,
            "10.0.0.7, a private, loopback or link-local address",
        ),
        (
            json!({"name": "X", "contact": "y", "webhook": format!("{}/x", receiver.base)}),
            &strict,
            StatusCode::UNPROCESSABLE_ENTITY,
            "--allow-private-webhooks",
        ),
        (
            json!({"name": "X", "contact": "y", "webhook": "http://localhost:9/x"}),
            &strict,
            StatusCode::UNPROCESSABLE_ENTITY,
            "--allow-private-webhooks",
        ),
        (
            json!({"name": "X", "contact": "y", "webhook": "https://example.org/", "colour": "red"}),
            &state,
            StatusCode::BAD_REQUEST,
            "unknown field `colour`",
        ),
    ] {
        let (got, problem) = call(on, "PUT", "/api/subscribers/x", ad, Some(&body)).await;
        assert_eq!(got, status, "{problem}");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(says), "{detail}");
    }
    let x = subscriber(&receiver, "x", &json!({}));
    for t in [&ed1, &ed2] {
        let (got, _) = call(&state, "PUT", "/api/subscribers/x", Some(t), Some(&x)).await;
        assert_eq!(
            got,
            StatusCode::FORBIDDEN,
            "editors do not manage subscribers"
        );
    }
    assert_eq!(
        call(&state, "GET", "/api/subscribers", Some(&ed1), None)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&state, "GET", "/api/subscribers", ad, None).await.1,
        json!([])
    );

    // Who should and should not receive a Severe public flood alert for sector 1101.
    let cases = [
        ("district", json!({"areas": ["11"]}), true),
        (
            "sector",
            json!({"areas": ["1101"], "languages": ["fr"]}),
            true,
        ),
        ("country", json!({}), true),
        ("flaky", json!({"themes": ["flood"]}), true),
        ("down", json!({"min_severity": "Severe"}), true),
        (
            "mail",
            json!({"webhook": null, "email": "ddmo@gasabo.example.org", "areas": ["1101"]}),
            true,
        ),
        ("other-district", json!({"areas": ["21"]}), false),
        ("extreme-only", json!({"min_severity": "Extreme"}), false),
        ("landslides", json!({"themes": ["landslide"]}), false),
        ("disabled", json!({"enabled": false}), false),
        ("cleared", json!({"restricted": true}), true),
    ];
    let mut secrets = std::collections::HashMap::new();
    for (path, extra, _) in &cases {
        let (got, written) = call(
            &state,
            "PUT",
            &format!("/api/subscribers/{path}"),
            ad,
            Some(&subscriber(&receiver, path, extra)),
        )
        .await;
        assert_eq!(got, StatusCode::CREATED, "{written}");
        let secret = written["secret"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("whsec_"), "{secret}");
        assert_eq!(
            written["subscriber"]["secrets"][0].get("key"),
            None,
            "a secret is shown once"
        );
        secrets.insert(format!("/{path}"), secret);
    }
    let (_, listed) = call(&state, "GET", "/api/subscribers", ad, None).await;
    assert_eq!(listed.as_array().unwrap().len(), cases.len());
    assert!(
        !listed.to_string().contains("whsec_"),
        "no list shows a secret"
    );
    // A second version keeps its secret.
    let (got, again) = call(
        &state,
        "PUT",
        "/api/subscribers/district",
        ad,
        Some(&subscriber(
            &receiver,
            "district",
            &json!({"areas": ["11"], "contact": "DDMO"}),
        )),
    )
    .await;
    assert_eq!(
        (
            got,
            again["subscriber"]["version"].clone(),
            again.get("secret")
        ),
        (StatusCode::OK, json!(2), None)
    );

    state.start_delivery().unwrap();
    receiver.fail("/flaky", 2);
    receiver.fail("/down", 1000);

    // A rule drafts the alert; a second editor approves it; issuing it owes the outbox.
    let (got, _) = call(
        &state,
        "PUT",
        "/api/alert-rules/floods",
        Some(&ed1),
        Some(&rule()),
    )
    .await;
    assert_eq!(got, StatusCode::CREATED);
    let (_, done) = call(
        &state,
        "POST",
        "/api/alert-rules/floods/evaluate",
        Some(&ed1),
        None,
    )
    .await;
    let id = done["alert"]["id"].as_i64().unwrap();
    let (got, _) = call(
        &state,
        "POST",
        &format!("/api/alerts/{id}/approve"),
        Some(&ed2),
        None,
    )
    .await;
    assert_eq!(got, StatusCode::OK);
    let (got, issued) = call(
        &state,
        "POST",
        &format!("/api/alerts/{id}/issue"),
        Some(&ed2),
        None,
    )
    .await;
    assert_eq!(got, StatusCode::OK, "{issued}");
    let (_, owed) = call(
        &state,
        "GET",
        &format!("/api/deliveries?alert={id}"),
        ad,
        None,
    )
    .await;
    let mut owed_to: Vec<String> = owed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["subscriber"].as_str().unwrap().to_owned())
        .collect();
    owed_to.sort();
    let mut wanted: Vec<String> = cases
        .iter()
        .filter(|c| c.2)
        .map(|c| c.0.to_owned())
        .collect();
    wanted.sort();
    assert_eq!(
        owed_to, wanted,
        "the outbox names exactly the subscribers concerned"
    );

    // Every subscriber concerned but the one that is down receives it, signed, once
    // acknowledged; the flaky one on its third try.
    let ok_paths = ["/district", "/sector", "/country", "/flaky", "/cleared"];
    until(&receiver, "every receiver up acknowledged", |got| {
        ok_paths.iter().all(|p| {
            got.iter()
                .any(|r| r.path == *p && r.status == StatusCode::NO_CONTENT)
        })
    })
    .await;
    let got = receiver.received();
    for r in &got {
        assert!(
            wanted.iter().any(|w| r.path == format!("/{w}")),
            "{} was not concerned",
            r.path
        );
        assert!(r.verifies_with(&secrets[&r.path]), "{} signature", r.path);
        let other = &secrets[if r.path == "/country" {
            "/sector"
        } else {
            "/country"
        }];
        assert!(
            !r.verifies_with(other),
            "{} verifies with another's secret",
            r.path
        );
        let body = r.json();
        assert_eq!(body["type"], "cap.alert");
        assert_eq!(body["data"]["identifier"], issued["identifier"]);
        assert_eq!(body["data"]["areas"][0]["code"], "1101");
        assert_eq!(body["data"]["areas"][0]["exposed"], 60.0);
        assert_eq!(
            r.header("webhook-id"),
            format!("msg_alert{id}_{}_webhook", &r.path[1..])
        );
    }
    let sector = got.iter().find(|r| r.path == "/sector").unwrap().json();
    let langs: Vec<&str> = sector["data"]["info"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["language"].as_str().unwrap())
        .collect();
    assert_eq!(
        langs,
        ["fr"],
        "a subscriber reading French gets the French texts"
    );
    sitroom_tests::cap_schema_check(sector["data"]["cap"].as_str().unwrap()).unwrap();
    let flaky: Vec<_> = got.iter().filter(|r| r.path == "/flaky").collect();
    assert_eq!(flaky.len(), 3, "two failures, then delivered");
    assert!(
        flaky
            .iter()
            .all(|r| r.header("webhook-id") == flaky[0].header("webhook-id")
                && r.body == flaky[0].body),
        "every try carries the same id and body"
    );

    // The e-mail subscriber has one e-mail through the relay, its CAP attached.
    for _ in 0..600 {
        if !sink.mails().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mails = sink.mails();
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mail = &mails[0];
    assert_eq!(mail.to, ["ddmo@gasabo.example.org"]);
    assert_eq!(mail.from, "alerts@minema.example.org");
    assert_eq!(
        mail.header("Message-ID").unwrap(),
        format!("<msg_alert{id}_mail_email@minema.example.org>")
    );
    let subject = mail.header("Subject").unwrap();
    assert!(
        subject.contains("Severe") && subject.contains("Flood warning"),
        "{subject}"
    );
    assert!(
        mail.data.contains("Gitega (sector 1101): 60"),
        "{}",
        mail.data
    );
    assert!(
        mail.data.contains(&format!("filename=\"alert-{id}.xml\"")),
        "{}",
        mail.data
    );
    assert!(mail.data.contains("application/cap+xml"));

    // Every attempt is recorded with its answer and latency.
    let (_, list) = call(
        &state,
        "GET",
        &format!("/api/deliveries?alert={id}&subscriber=flaky"),
        ad,
        None,
    )
    .await;
    let flaky_id = list[0]["id"].as_i64().unwrap();
    let (_, detail) = call(
        &state,
        "GET",
        &format!("/api/deliveries/{flaky_id}"),
        ad,
        None,
    )
    .await;
    assert_eq!(detail["delivery"]["state"], "delivered", "{detail}");
    let statuses: Vec<Value> = detail["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].clone())
        .collect();
    assert_eq!(statuses, [json!(503), json!(503), json!(204)]);
    assert!(
        detail["attempts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["latency_ms"].as_f64().unwrap() >= 0.0)
    );

    // The one that is down is parked after its third try; an admin retries it once it
    // is up again.
    let mut parked = Value::Null;
    for _ in 0..600 {
        parked = call(&state, "GET", "/api/deliveries?state=parked", ad, None)
            .await
            .1;
        if parked.as_array().is_some_and(|p| !p.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(parked[0]["subscriber"], "down", "{parked}");
    assert_eq!(parked[0]["attempts"], 3);
    assert!(
        parked[0]["last_error"].as_str().unwrap().contains("503"),
        "{parked}"
    );
    let down = parked[0]["id"].as_i64().unwrap();
    let (_, counts) = call(
        &state,
        "GET",
        &format!("/api/alerts/{id}/deliveries"),
        Some(&ed1),
        None,
    )
    .await;
    assert_eq!(counts, json!({"pending": 0, "delivered": 6, "parked": 1}));
    assert_eq!(
        call(
            &state,
            "POST",
            &format!("/api/deliveries/{down}/retry"),
            Some(&ed1),
            None
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    let (got, again) = call(
        &state,
        "POST",
        &format!("/api/deliveries/{}/retry", down - 1000),
        ad,
        None,
    )
    .await;
    assert_eq!(got, StatusCode::NOT_FOUND, "{again}");
    receiver.fail("/down", 0);
    let (got, retried) = call(
        &state,
        "POST",
        &format!("/api/deliveries/{down}/retry"),
        ad,
        None,
    )
    .await;
    assert_eq!(
        (got, retried["state"].clone(), retried["attempts"].clone()),
        (StatusCode::OK, json!("pending"), json!(0))
    );
    until(&receiver, "the parked delivery retried", |got| {
        got.iter()
            .any(|r| r.path == "/down" && r.status == StatusCode::NO_CONTENT)
    })
    .await;
    let (got, twice) = call(
        &state,
        "POST",
        &format!("/api/deliveries/{down}/retry"),
        ad,
        None,
    )
    .await;
    assert_eq!(got, StatusCode::CONFLICT, "{twice}");
    let mut detail = Value::Null;
    for _ in 0..100 {
        detail = call(&state, "GET", &format!("/api/deliveries/{down}"), ad, None)
            .await
            .1;
        if detail["delivery"]["state"] == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        (
            detail["delivery"]["state"].clone(),
            detail["delivery"]["tries"].clone()
        ),
        (json!("delivered"), json!(4)),
        "{detail}"
    );

    // A rotated secret: the cancellation is signed with the new and the old secret.
    let (got, rotated) = call(
        &state,
        "POST",
        "/api/subscribers/country/rotate-secret",
        ad,
        None,
    )
    .await;
    assert_eq!(got, StatusCode::OK, "{rotated}");
    let new_secret = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, secrets["/country"]);
    let (got, cancel) = call(
        &state,
        "POST",
        &format!("/api/alerts/{id}/cancel"),
        Some(&ed1),
        None,
    )
    .await;
    assert_eq!(got, StatusCode::CREATED, "{cancel}");
    let cid = cancel["id"].as_i64().unwrap();
    call(
        &state,
        "POST",
        &format!("/api/alerts/{cid}/approve"),
        Some(&ed2),
        None,
    )
    .await;
    let (got, _) = call(
        &state,
        "POST",
        &format!("/api/alerts/{cid}/issue"),
        Some(&ed2),
        None,
    )
    .await;
    assert_eq!(got, StatusCode::OK);
    until(&receiver, "the cancellation delivered", |got| {
        got.iter()
            .any(|r| r.path == "/country" && r.json()["type"] == "cap.cancel")
    })
    .await;
    let got = receiver.received();
    let cancelled = got
        .iter()
        .find(|r| r.path == "/country" && r.json()["type"] == "cap.cancel")
        .unwrap();
    assert!(
        cancelled.verifies_with(&new_secret),
        "signed with the new secret"
    );
    assert!(
        cancelled.verifies_with(&secrets["/country"]),
        "and, for the grace, with the old"
    );
    assert_eq!(cancelled.header("webhook-signature").split(' ').count(), 2);
    let references = cancelled.json()["data"]["references"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        references.starts_with(&format!(
            "{},{},",
            issued["sender"].as_str().unwrap(),
            issued["identifier"].as_str().unwrap()
        )),
        "{references}"
    );

    for _ in 0..600 {
        if sink.mails().len() > 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let subject = sink.mails()[1].header("Subject").unwrap();
    assert!(subject.starts_with("Cancelled: "), "{subject}");

    // A restricted alert goes only to the subscriber cleared for restricted alerts, and
    // is in no answer given without a token: not the alerts in force, not the feed (with
    // or without the messages), not its CAP file.
    let mut secret_rule = rule();
    secret_rule["alert"]["scope"] = json!("Restricted");
    let (got, _) = call(
        &state,
        "PUT",
        "/api/alert-rules/restricted-floods",
        Some(&ed1),
        Some(&secret_rule),
    )
    .await;
    assert_eq!(got, StatusCode::CREATED);
    let (_, done) = call(
        &state,
        "POST",
        "/api/alert-rules/restricted-floods/evaluate",
        Some(&ed1),
        None,
    )
    .await;
    let r = done["alert"]["id"].as_i64().unwrap();
    assert_eq!(done["alert"]["scope"], "Restricted", "{done}");
    call(
        &state,
        "POST",
        &format!("/api/alerts/{r}/approve"),
        Some(&ed2),
        None,
    )
    .await;
    let (got, _) = call(
        &state,
        "POST",
        &format!("/api/alerts/{r}/issue"),
        Some(&ed2),
        None,
    )
    .await;
    assert_eq!(got, StatusCode::OK);
    let (_, owed) = call(
        &state,
        "GET",
        &format!("/api/deliveries?alert={r}"),
        ad,
        None,
    )
    .await;
    let owed_to: Vec<&str> = owed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["subscriber"].as_str().unwrap())
        .collect();
    assert_eq!(
        owed_to,
        ["cleared"],
        "only the cleared subscriber is owed a restricted alert"
    );
    until(
        &receiver,
        "the restricted alert delivered to the cleared subscriber",
        |got| {
            got.iter().any(|r2| {
                r2.path == "/cleared" && r2.alert == r && r2.status == StatusCode::NO_CONTENT
            })
        },
    )
    .await;
    assert!(
        receiver
            .received_without_bodies()
            .iter()
            .all(|x| x.alert != r || x.path == "/cleared"),
        "nobody else received it"
    );
    let (_, public_in_force) = call(&state, "GET", "/api/alerts/in-force", None, None).await;
    assert!(
        public_in_force["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["id"] != r),
        "{public_in_force}"
    );
    assert_eq!(
        public_in_force["coverage"]["alerts"], 0,
        "{public_in_force}"
    );
    let (_, staff_in_force) = call(&state, "GET", "/api/alerts/in-force", Some(&ed1), None).await;
    assert_eq!(staff_in_force["alerts"][0]["id"], r, "staff see it");
    let identifier = done["alert"]["identifier"].as_str().unwrap().to_owned();
    for uri in [
        "/cap/feed.atom",
        "/cap/feed.atom?content=cap",
        "/cap/feed.atom?area=1101",
    ] {
        let a = sitroom_tests::call(&state, "GET", uri, None, None).await;
        assert!(
            !String::from_utf8_lossy(&a.body).contains(&identifier),
            "{uri} shows the restricted alert"
        );
    }
    let a = sitroom_tests::call(&state, "GET", &format!("/cap/alerts/{r}.xml"), None, None).await;
    assert_eq!(
        a.status,
        StatusCode::UNAUTHORIZED,
        "its CAP file needs a token"
    );

    // All of it is in the audit log, without a secret.
    let (_, audit) = call(&state, "GET", "/api/audit?limit=500", ad, None).await;
    let text = audit.to_string();
    for action in ["subscriber.write", "subscriber.rotate", "delivery.retry"] {
        assert!(text.contains(action), "{action} audited");
    }
    assert!(!text.contains("whsec_"), "no secret is audited");
}

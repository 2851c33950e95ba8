//! A server killed (SIGKILL) while it delivers two alerts to 1,000 webhook receivers
//! each: after a restart every receiver has acknowledged both, each alert always with
//! the one `webhook-id` it was first sent with, and the outbox says every delivery is
//! delivered — on both store backends. The alerts are issued from outside the server
//! (as the CLI or another server would), so its worker finds them by itself.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use sitroom::engine::Engine;
use sitroom::engine::rules::Sender;
use sitroom::model::subscriber::{DeliveryState, SubscriberSpec};
use sitroom::ops::alerts::{self, Step};
use sitroom::store::{DeliveryQuery, Store};
use sitroom_tests::receiver::Receiver;

const RECEIVERS: usize = 1000;

#[test]
fn killed_mid_delivery_on_the_embedded_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db").display().to_string();
    killed_mid_delivery(&dir, &db);
}

#[test]
fn killed_mid_delivery_on_postgis() {
    let dir = tempfile::tempdir().unwrap();
    killed_mid_delivery(&dir, &sitroom_tests::postgis_url());
}

fn issue(store: &Store, id: i64, sender: &Sender) {
    alerts::step(store, id, Step::Approve, "second-editor", sender).unwrap();
    alerts::step(store, id, Step::Issue, "second-editor", sender).unwrap();
}

#[expect(clippy::too_many_lines)]
fn killed_mid_delivery(dir: &tempfile::TempDir, db: &str) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let receiver = runtime.block_on(Receiver::start(Duration::from_millis(50)));
    sitroom_tests::load_admin(db, "sectors", "sector");
    let (g, gitega) = sitroom_tests::inside_sector(1101);
    sitroom_tests::load_zone(db, dir, "zone", gitega, "high");
    let csv = format!("people,households,lon,lat\n60,1,{},{}\n", g.x(), g.y());
    sitroom_tests::load_households(db, &sitroom_tests::write(dir, "hh.csv", &csv));
    let store: Arc<Store> = Arc::from(sitroom::store::open(db).unwrap());
    let engine = Engine::load(store.as_ref()).unwrap();
    let mut secrets = BTreeMap::new();
    for n in 0..RECEIVERS {
        let spec: SubscriberSpec = serde_json::from_value(serde_json::json!({
            "name": format!("Receiver {n}"), "contact": "tests",
            "webhook": format!("{}/r{n}", receiver.base)
        }))
        .unwrap();
        let id = format!("r{n}").parse().unwrap();
        let (_, secret) =
            sitroom::ops::subscribers::write(&engine, &store, &id, &spec, true, "tests").unwrap();
        secrets.insert(format!("/r{n}"), secret.unwrap().key);
    }
    let rule: sitroom::model::alert::RuleSpec = serde_json::from_value(serde_json::json!({
        "title": "Floods", "condition": {"hazard": "zone", "exposure": "hh", "level": "sector",
            "classes": ["high"], "measure": "people", "at_least": 50},
        "alert": {"category": "Met", "event": {"en": "Flood"}, "response_type": "Evacuate",
            "urgency": "Expected", "severity": "Severe", "certainty": "Likely",
            "headline": {"en": "Flood warning for {units}"},
            "instruction": {"en": "Move to higher ground."}, "hours": 48}
    }))
    .unwrap();
    let sender = Sender::default();
    let rule_id = "floods".parse().unwrap();
    alerts::write_rule(&engine, &store, &rule_id, &rule, "author").unwrap();

    let args = [
        "--allow-private-webhooks",
        "--delivery-timeout-s",
        "2",
        "--delivery-retry-s",
        "0.5",
    ];
    let server = sitroom_tests::serve(db, &args);
    // Two alerts issued from outside the server: the flood alert and its cancellation.
    let first = alerts::evaluate_by_id(&engine, &store, &rule_id, &sender)
        .unwrap()
        .alert
        .unwrap()
        .id;
    issue(&store, first, &sender);
    let cancel = alerts::cancel(&store, first, "author", &sender).unwrap().id;
    issue(&store, cancel, &sender);
    let started = Instant::now();
    while receiver.count() < 400 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the server delivered nothing in two minutes"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    drop(server); // SIGKILL
    let at_kill = receiver.count();
    let acknowledged_at_kill = receiver
        .received_without_bodies()
        .iter()
        .filter(|r| r.status == StatusCode::NO_CONTENT)
        .count();
    assert!(
        acknowledged_at_kill < 2 * RECEIVERS,
        "the server was killed after it had delivered everything: nothing was in flight"
    );
    let server = sitroom_tests::serve(db, &args);

    // Every receiver acknowledges both alerts.
    let started = Instant::now();
    let wanted: BTreeSet<(String, i64)> = (0..RECEIVERS)
        .flat_map(|n| [(format!("/r{n}"), first), (format!("/r{n}"), cancel)])
        .collect();
    let mut ids: BTreeMap<(String, i64), BTreeSet<String>> = BTreeMap::new();
    loop {
        ids.clear();
        let mut acked = BTreeSet::new();
        for r in receiver.received_without_bodies() {
            let alert = r.alert;
            ids.entry((r.path.clone(), alert))
                .or_default()
                .insert(r.id.clone());
            if r.status == StatusCode::NO_CONTENT {
                acked.insert((r.path, alert));
            }
        }
        if acked == wanted {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "after the restart {} of {} deliveries were acknowledged in three minutes",
            acked.len(),
            wanted.len()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    for ((path, alert), seen) in &ids {
        assert_eq!(seen.len(), 1, "{path} got alert {alert} with ids {seen:?}");
    }
    let got = receiver.received();
    for r in got.iter().step_by(97) {
        assert!(r.verifies_with(&secrets[&r.path]), "{} signature", r.path);
    }
    let repeats = got.len() - wanted.len();
    eprintln!(
        "killed after {at_kill} requests ({acknowledged_at_kill} acknowledged); {} requests in all, {repeats} repeats (at least once, same id)",
        got.len()
    );
    // The outbox agrees: every delivery delivered.
    let all = store
        .deliveries(&DeliveryQuery {
            limit: 10_000,
            ..DeliveryQuery::default()
        })
        .unwrap();
    assert_eq!(all.len(), 2 * RECEIVERS);
    let mut undelivered = 0;
    for _ in 0..100 {
        undelivered = store
            .deliveries(&DeliveryQuery {
                state: Some(DeliveryState::Pending),
                limit: 10_000,
                ..DeliveryQuery::default()
            })
            .unwrap()
            .len();
        if undelivered == 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        undelivered, 0,
        "deliveries still pending after every receiver acknowledged"
    );
    drop(server);
}

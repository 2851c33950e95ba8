//! The early-warning benchmark (run by `scripts/bench-alerts.sh` against a running
//! release server holding the demo): from the commit of a new version of the demo's
//! flood forecast to the last of N local webhook receivers acknowledging the alert it
//! drafted (approved and issued by this program as soon as it appears), beside the same
//! N posts of the same body made straight from one client (no store, no signing, no
//! outbox); then the Atom feed with M public alerts in force, beside nginx serving the
//! same bytes from disk. Prints one JSON object.
#![allow(clippy::unwrap_used, clippy::cast_precision_loss, missing_docs)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

struct Args {
    base: String,
    db: String,
    admin: String,
    loader: String,
    approver: String,
    forecast: String,
    receivers: usize,
    feed: usize,
    nginx: Option<String>,
    feed_file: Option<String>,
}

fn args() -> Args {
    let mut m: HashMap<String, String> = HashMap::new();
    let mut it = std::env::args().skip(1);
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        m.insert(k.trim_start_matches('-').to_owned(), v);
    }
    let get = |k: &str| {
        m.get(k)
            .cloned()
            .unwrap_or_else(|| panic!("--{k} is needed"))
    };
    Args {
        base: get("base"),
        db: get("db"),
        admin: get("admin"),
        loader: get("loader"),
        approver: get("approver"),
        forecast: get("forecast"),
        receivers: get("receivers").parse().unwrap(),
        feed: get("feed").parse().unwrap(),
        nginx: m.get("nginx").cloned(),
        feed_file: m.get("feed-file").cloned(),
    }
}

/// Acknowledgements by alert number, with the time of each.
#[derive(Default)]
struct Acks {
    by_alert: HashMap<i64, Vec<Instant>>,
    first_body: Option<bytes::Bytes>,
}

async fn receiver(acks: Arc<Mutex<Acks>>) -> String {
    let app =
        axum::Router::new().fallback(move |headers: axum::http::HeaderMap, body: bytes::Bytes| {
            let acks = acks.clone();
            async move {
                let id = headers
                    .get("webhook-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                // msg_alert{N}_{subscriber}_webhook
                let alert = id
                    .strip_prefix("msg_alert")
                    .and_then(|r| r.split('_').next())
                    .and_then(|n| n.parse::<i64>().ok())
                    .unwrap_or(-1);
                let mut a = acks.lock().unwrap();
                a.by_alert.entry(alert).or_default().push(Instant::now());
                if a.first_body.is_none() {
                    a.first_body = Some(body);
                }
                axum::http::StatusCode::NO_CONTENT
            }
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e5).round() / 100.0
}

/// The value at `permille` thousandths of `sorted` (nearest rank below).
fn percentile(sorted: &[f64], permille: usize) -> f64 {
    sorted[(sorted.len() - 1) * permille / 1000]
}

async fn timed_gets(client: &reqwest::Client, url: &str, n: usize) -> (f64, f64, usize) {
    let mut times = Vec::with_capacity(n);
    let mut size = 0;
    for _ in 0..n {
        let t = Instant::now();
        let r = client.get(url).send().await.unwrap();
        assert!(r.status().is_success(), "{url}: {}", r.status());
        size = r.bytes().await.unwrap().len();
        times.push(ms(t.elapsed()));
    }
    times.sort_by(f64::total_cmp);
    (percentile(&times, 500), percentile(&times, 990), size)
}

#[tokio::main]
#[expect(clippy::too_many_lines)]
async fn main() {
    let a = args();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(600))
        .build()
        .unwrap();
    let acks: Arc<Mutex<Acks>> = Arc::default();
    let hooks = receiver(acks.clone()).await;
    let auth = |t: &str| format!("Bearer {t}");

    // The feed first, before anyone subscribes: M public alerts in force, each a copy of
    // the demo's sector alert issued through the store as an editor would.
    let store = sitroom::store::open(&a.db).unwrap();
    let sender = sitroom::engine::rules::Sender::default();
    let model = store
        .alerts(&[], 1000)
        .unwrap()
        .into_iter()
        .find(|x| x.scope == sitroom::model::alert::Scope::Public)
        .expect("the demo's public draft");
    for _ in 0..a.feed {
        let mut copy = model.clone();
        copy.rule = None;
        copy.state = sitroom::model::alert::AlertState::Draft;
        copy.drafted_by = "bench".into();
        copy.author = "bench".into();
        let stored = store.add_alert(copy, |n| sender.identifier(n)).unwrap();
        use sitroom::ops::alerts::{Step, step};
        step(&store, stored.id, Step::Approve, "bench-approver", &sender).unwrap();
        step(&store, stored.id, Step::Issue, "bench-approver", &sender).unwrap();
    }
    let feed_url = format!("{}/cap/feed.atom", a.base);
    let first = client
        .get(&feed_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let entries = first.matches("<entry>").count();
    if let Some(f) = &a.feed_file {
        std::fs::write(f, &first).unwrap();
    }
    let (feed_p50, feed_p99, feed_bytes) = timed_gets(&client, &feed_url, 300).await;
    let nginx = match &a.nginx {
        Some(url) => Some(timed_gets(&client, url, 300).await),
        None => None,
    };

    // N subscribers, one receiver path each.
    let t = Instant::now();
    for n in 0..a.receivers {
        let r = client
            .put(format!("{}/api/subscribers/bench-{n}", a.base))
            .header("authorization", auth(&a.admin))
            .json(
                &json!({"name": format!("Bench receiver {n}"), "contact": "bench",
                "webhook": format!("{hooks}/r{n}")}),
            )
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    }
    let subscribe_s = t.elapsed().as_secs_f64();

    // A new forecast version, uploaded as the layers page does.
    let bytes = std::fs::read(&a.forecast).unwrap();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name("forecast.tif"),
    );
    let upload_started = Instant::now();
    let r = client
        .post(format!("{}/api/layers/flood-forecast", a.base))
        .header("authorization", auth(&a.loader))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let committed = Instant::now();
    let loaded: Value = r.json().await.unwrap();
    let version = loaded["version"].as_i64().expect("a new version");

    // Its draft, approved and issued at once.
    let draft = loop {
        let r: Value = client
            .get(format!("{}/api/alerts?state=draft&limit=20", a.base))
            .header("authorization", auth(&a.approver))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if let Some(d) = r.as_array().unwrap().iter().find(|d| {
            d["hazard"]["layer"] == "flood-forecast"
                && d["hazard"]["version"] == version
                && d["scope"] == "Public"
        }) {
            break d.clone();
        }
        assert!(
            committed.elapsed() < Duration::from_secs(300),
            "no draft in 5 minutes"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let drafted = Instant::now();
    let id = draft["id"].as_i64().unwrap();
    for step in ["approve", "issue"] {
        let r = client
            .post(format!("{}/api/alerts/{id}/{step}", a.base))
            .header("authorization", auth(&a.approver))
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_success(),
            "{step}: {}",
            r.text().await.unwrap()
        );
    }
    let issued = Instant::now();
    let last = loop {
        let done = acks
            .lock()
            .unwrap()
            .by_alert
            .get(&id)
            .filter(|v| v.len() >= a.receivers)
            .map(|v| *v.iter().max().unwrap());
        if let Some(t) = done {
            break t;
        }
        assert!(
            issued.elapsed() < Duration::from_secs(600),
            "not delivered in 10 minutes"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let body = acks.lock().unwrap().first_body.clone().unwrap();

    // The same N posts of the same body straight from one client, 64 at a time.
    let t = Instant::now();
    let sem = Arc::new(tokio::sync::Semaphore::new(64));
    let mut tasks = Vec::new();
    for n in 0..a.receivers {
        let (client, body, url) = (client.clone(), body.clone(), format!("{hooks}/raw{n}"));
        let permit = sem.clone().acquire_owned().await.unwrap();
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(url)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            drop(permit);
            r.status().is_success()
        }));
    }
    for task in tasks {
        assert!(task.await.unwrap());
    }
    let raw = t.elapsed();

    let out = json!({
        "receivers": a.receivers,
        "areas": draft["areas"].as_array().map_or(0, Vec::len),
        "body_bytes": body.len(),
        "subscribe_s": (subscribe_s * 100.0).round() / 100.0,
        "upload_ms": ms(committed - upload_started),
        "commit_to_draft_ms": ms(drafted - committed),
        "draft_to_issued_ms": ms(issued - drafted),
        "issued_to_last_ack_ms": ms(last - issued),
        "commit_to_last_ack_ms": ms(last - committed),
        "raw_fan_out_ms": ms(raw),
        "feed_entries": entries,
        "feed_bytes": feed_bytes,
        "feed_p50_ms": feed_p50,
        "feed_p99_ms": feed_p99,
        "nginx_p50_ms": nginx.map(|n| n.0),
        "nginx_p99_ms": nginx.map(|n| n.1),
    });
    println!("{out}");
}

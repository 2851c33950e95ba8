//! What operators see: Prometheus scrapes `/metrics` of a running server and finds the
//! requests it answered, the tile cache, the snapshots built and the store's
//! connections; `--log-format json` writes one JSON object a line.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::io::BufRead as _;

/// The samples of an OpenMetrics exposition: `name{labels}` → value. Panics on a line
/// that is neither a comment nor `name[{labels}] value`, and without the closing `# EOF`.
fn samples(text: &str) -> HashMap<String, f64> {
    assert!(text.ends_with("# EOF\n"), "no closing # EOF:\n{text}");
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let (key, value) = l
                .rsplit_once(' ')
                .unwrap_or_else(|| panic!("bad line: {l}"));
            (
                key.to_owned(),
                value
                    .parse::<f64>()
                    .unwrap_or_else(|_| panic!("bad value: {l}")),
            )
        })
        .collect()
}

#[test]
fn prometheus_finds_what_the_server_did() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db").display().to_string();
    sitroom_tests::load_admin(&db, "sectors", "sector");
    let server = sitroom_tests::serve(&db, &[]);
    let client = reqwest::blocking::Client::new();
    let get = |path: &str| client.get(format!("{}{path}", server.base)).send().unwrap();
    for _ in 0..3 {
        assert_eq!(get("/health").status(), 200);
    }
    // The same tile twice: made once, then answered from the cache.
    assert_eq!(get("/tiles/sectors/8/149/129.mvt").status(), 200);
    assert_eq!(get("/tiles/sectors/8/149/129.mvt").status(), 200);
    assert_eq!(get("/no/such/thing").status(), 404);

    let scrape = get("/metrics");
    assert_eq!(scrape.status(), 200);
    let kind = scrape.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    let text = scrape.text().unwrap();
    let s = samples(&text);
    let at = |key: &str| *s.get(key).unwrap_or_else(|| panic!("no {key} in\n{text}"));

    assert!(at(r#"sitroom_http_requests_total{route="/health",method="GET",status="200"}"#) >= 3.0);
    assert!(
        at(
            r#"sitroom_http_requests_total{route="/tiles/{layers}/{z}/{x}/{y}",method="GET",status="200"}"#
        ) >= 2.0
    );
    assert!(
        at(r#"sitroom_http_requests_total{route="unmatched",method="GET",status="404"}"#) >= 1.0
    );
    assert!(at(r#"sitroom_http_request_duration_seconds_count{route="/health"}"#) >= 3.0);
    assert!(at("sitroom_tile_cache_hits_total") >= 1.0);
    assert!(at("sitroom_tile_cache_misses_total") >= 1.0);
    assert!(at("sitroom_tile_cache_entries") >= 1.0);
    assert!(at("sitroom_tile_cache_bytes") > 0.0);
    assert!(at("sitroom_snapshot_builds_total") >= 1.0);
    assert!(at("sitroom_snapshot_build_duration_seconds_count") >= 1.0);
    assert_eq!(at("sitroom_layers"), 1.0);
    assert!(
        at(r#"sitroom_store_connections{state="idle"}"#)
            + at(r#"sitroom_store_connections{state="in_use"}"#)
            >= 1.0
    );
    assert!(
        text.contains("sitroom_exposure_computations_total"),
        "{text}"
    );
    assert!(text.contains("sitroom_upload_size_bytes_count"), "{text}");
    // Nothing names a layer or a place.
    assert!(
        !text.contains("sectors"),
        "a layer id in the metrics:\n{text}"
    );
}

#[test]
fn json_logs_are_one_object_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("j.db").display().to_string();
    sitroom_tests::load_admin(&db, "sectors", "sector");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bind = format!("127.0.0.1:{port}");
    let mut child =
        sitroom_tests::sitroom(&db, &["--log-format", "json", "serve", "--bind", &bind])
            .env("RUST_LOG", "sitroom=info")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = Vec::new();
    for line in std::io::BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
    {
        let serving = line.contains("sitroom serving on");
        lines.push(line);
        if serving {
            break;
        }
    }
    child.kill().unwrap();
    let _ = child.wait();
    assert!(lines.len() >= 2, "{lines:?}");
    for line in &lines {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(
            v["timestamp"].is_string() && v["level"].is_string(),
            "{line}"
        );
        assert!(v["message"].is_string(), "{line}");
    }
}

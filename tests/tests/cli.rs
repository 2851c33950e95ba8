//! The `sitroom` binary end to end: CLI commands with their JSON output, and `serve`
//! answering a real HTTP client over a socket.
#![allow(clippy::unwrap_used)]

use std::io::{Read as _, Write as _};
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;

fn sitroom(db: &str, args: &[&str]) -> Output {
    sitroom_tests::sitroom(db, args).output().unwrap()
}

fn ok_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

const ZONES: &str = r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"depth":2.0},"geometry":{"type":"Polygon","coordinates":[[[30,-2],[30.1,-2],[30.1,-1.9],[30,-2]]]}},
 {"type":"Feature","properties":{"depth":0.5},"geometry":{"type":"Polygon","coordinates":[[[30.2,-2],[30.3,-2],[30.3,-1.9],[30.2,-2]]]}}]}"#;

#[test]
fn load_list_show_rollback_delete() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db").display().to_string();
    let file = sitroom_tests::write(&dir, "zones.geojson", ZONES);
    let file = file.to_str().unwrap();
    let load = |extra: &[&str]| {
        let mut args = vec!["load", file, "--layer", "flood", "--json"];
        args.extend_from_slice(extra);
        sitroom(&db, &args)
    };
    let v1 = ok_json(&load(&[
        "--kind",
        "hazard",
        "--theme",
        "flood",
        "--hazard-field",
        "depth",
    ]));
    assert_eq!(v1["version"], 1);
    assert_eq!(v1["report"]["loaded"], 2);
    let v2 = ok_json(&load(&["--title", "Flood 2026"]));
    assert_eq!(v2["version"], 2);

    let layers = ok_json(&sitroom(&db, &["layers", "--json"]));
    assert_eq!(layers[0]["id"], "flood");
    assert_eq!(layers[0]["kind"], "hazard");
    assert_eq!(layers[0]["theme"], "flood");
    assert_eq!(layers[0]["current_version"], 2);
    assert_eq!(layers[0]["feature_count"], 2);
    assert_eq!(layers[0]["title"], "Flood 2026");

    let back = ok_json(&sitroom(&db, &["rollback", "flood", "1", "--json"]));
    assert_eq!(back["current_version"], 1);
    assert_eq!(
        back["title"], "flood",
        "rollback restores version 1's metadata"
    );
    let shown = ok_json(&sitroom(&db, &["layer", "flood", "--json"]));
    assert_eq!(shown["versions"].as_array().unwrap().len(), 2);

    // A refused load: exit code 1, the reason on stderr, the report as JSON on stdout.
    let bad = sitroom_tests::write(
        &dir,
        "points.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"depth":1},"geometry":{"type":"Point","coordinates":[30,-2]}}]}"#,
    );
    let out = sitroom(
        &db,
        &["load", bad.to_str().unwrap(), "--layer", "flood", "--json"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nothing was loaded into 'flood'; its current version is unchanged")
            && err.contains("Point geometry cannot be in a hazard layer"),
        "{err}"
    );
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["report"]["rejected"], 1);
    assert_eq!(
        ok_json(&sitroom(&db, &["layers", "--json"]))[0]["current_version"],
        1
    );

    let out = sitroom(&db, &["rollback", "flood", "7"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("layer 'flood' has no version 7: its versions are 1, 2")
    );

    let out = sitroom(
        &db,
        &["load", file, "--layer", "../etc", "--kind", "hazard"],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("layer id '../etc' is not a valid slug"));

    assert!(sitroom(&db, &["delete", "flood"]).status.success());
    assert_eq!(
        ok_json(&sitroom(&db, &["layers", "--json"])),
        Value::Array(vec![])
    );
}

#[test]
fn every_command_has_complete_help() {
    for cmd in [
        "serve", "load", "layers", "layer", "rollback", "delete", "token", "exposure", "demo",
    ] {
        let out = Command::new(sitroom_tests::bin())
            .args([cmd, "--help"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{cmd} --help failed");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("--db"), "{cmd} --help does not mention --db");
    }
    let out = Command::new(sitroom_tests::bin())
        .args(["load", "--help"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--kind",
        "--theme",
        "--srs",
        "--source-layer",
        "--hazard-field",
        "--classification",
        "--allow-rejects",
        "--json",
    ] {
        assert!(text.contains(flag), "load --help lacks {flag}");
    }
}

#[test]
fn serve_answers_a_real_http_client() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("serve.db").display().to_string();
    let token =
        String::from_utf8(sitroom(&db, &["token", "create", "gis", "--role", "editor"]).stdout)
            .unwrap();
    let token = token.trim();
    let server = sitroom_tests::serve(&db, &["--upload-limit-mb", "1"]);
    let base = server.base.clone();
    let client = sitroom_tests::client();

    let health: Value = client
        .get(format!("{base}/health"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["store"], "sqlite");

    let form = reqwest::blocking::multipart::Form::new()
        .text("kind", "hazard")
        .text("theme", "flood")
        .text("hazard_field", "depth")
        .part(
            "file",
            reqwest::blocking::multipart::Part::bytes(ZONES.as_bytes().to_vec())
                .file_name("zones.geojson"),
        );
    let resp = client
        .post(format!("{base}/api/layers/flood"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 201);
    let body: Value = resp.json().unwrap();
    assert_eq!(body["report"]["loaded"], 2);

    // Over the 1 MiB limit: refused from the declared length alone. Only the headers are
    // sent; the answer comes without the server waiting for (or buffering) the body.
    let mut stream = std::net::TcpStream::connect(base.trim_start_matches("http://")).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST /api/layers/flood HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 2097152\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&answer).contains("--upload-limit-mb") {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "connection closed without an answer");
        answer.extend_from_slice(&buf[..n]);
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("uploads are limited to 1 MiB: split the file, or ask the operator to raise --upload-limit-mb"),
        "{answer}"
    );

    let layers: Value = client
        .get(format!("{base}/api/layers"))
        .bearer_auth(token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(layers[0]["current_version"], 1);
}

#[test]
fn a_load_by_another_process_reaches_a_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sync.db").display().to_string();
    let file = sitroom_tests::write(&dir, "zones.geojson", ZONES);
    let file = file.to_str().unwrap();
    sitroom_tests::sitroom_ok(
        &db,
        &[
            "load",
            file,
            "--layer",
            "flood",
            "--kind",
            "hazard",
            "--theme",
            "flood",
            "--hazard-field",
            "depth",
            // Read below without a token; the next load keeps it open.
            "--anonymous",
            "true",
        ],
    );
    let server = sitroom_tests::serve(&db, &[]);
    let client = sitroom_tests::client();
    let version = || -> Value {
        let catalog: Value = client
            .get(format!("{}/catalog", server.base))
            .send()
            .unwrap()
            .json()
            .unwrap();
        catalog["tiles"]["flood"]["version"].clone()
    };
    assert_eq!(version(), 1);
    let wait_for = |wanted: Value, what: &str| {
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while version() != wanted {
            assert!(std::time::Instant::now() < deadline, "{what}");
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    sitroom_tests::sitroom_ok(&db, &["load", file, "--layer", "flood"]);
    wait_for(2.into(), "the new version never reached the server");
    // Closed to callers without a token: gone from their catalog; open again: back.
    let closed = sitroom_tests::sitroom_ok(&db, &["access", "flood", "--anonymous", "false"]);
    assert_eq!(
        String::from_utf8_lossy(&closed.stdout).trim(),
        "flood: public, a token is needed to read it (running servers follow within 3 s)"
    );
    wait_for(
        Value::Null,
        "the closed layer is still served without a token",
    );
    sitroom_tests::sitroom_ok(&db, &["access", "flood", "--anonymous", "yes"]);
    wait_for(2.into(), "the reopened layer never came back");
    let refused = sitroom_tests::sitroom(&db, &["access", "nowhere", "--anonymous", "true"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("layer 'nowhere' does not exist"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    sitroom_tests::sitroom_ok(&db, &["delete", "flood"]);
    wait_for(Value::Null, "the deleted layer is still served");
}

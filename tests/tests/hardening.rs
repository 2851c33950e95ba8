//! Hostile requests against a real `sitroom serve` over real HTTP: each is refused with
//! a message, costs little, and leaves the server serving; and what every answer says
//! about itself (security and cache headers, links) cannot be steered by the client.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use reqwest::blocking::Response;
use serde_json::{Value, json};

const ZONE: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"class":"high"},"geometry":{"type":"Polygon","coordinates":[[[29.9,-2.1],[30.2,-2.1],[30.2,-1.8],[29.9,-1.8],[29.9,-2.1]]]}}]}"#;

/// The store a test runs on: a SQLite file in `dir`, or a fresh PostGIS database.
fn store_url(dir: &tempfile::TempDir, postgis: bool) -> String {
    if postgis {
        sitroom_tests::postgis_url()
    } else {
        dir.path().join("h.db").display().to_string()
    }
}

/// Districts (open), an open flood zone, the same zone as a restricted layer, and
/// restricted households (open to read, as aggregates) in the store `db`; an editor's
/// token.
fn fixture(dir: &tempfile::TempDir, db: String) -> (String, String) {
    sitroom_tests::load_admin(&db, "districts", "district");
    let zone = sitroom_tests::write(dir, "zone.geojson", ZONE);
    sitroom_tests::load_class_zones(&db, &zone, "zone");
    let load = |file: &std::path::Path, extra: &[&str]| {
        let mut args = vec!["load", file.to_str().unwrap()];
        args.extend_from_slice(extra);
        sitroom_tests::sitroom_ok(&db, &args);
    };
    load(
        &zone,
        &[
            "--layer",
            "secret-zone",
            "--kind",
            "hazard",
            "--theme",
            "flood",
            "--hazard-field",
            "class",
            "--classification",
            "class-names",
            "--sensitivity",
            "restricted",
            "--anonymous",
            "true",
        ],
    );
    let pts = sitroom_tests::write(
        dir,
        "hh.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"hh":1},"geometry":{"type":"Point","coordinates":[30.06,-1.95]}}]}"#,
    );
    load(
        &pts,
        &[
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
            "--anonymous",
            "true",
        ],
    );
    let out = sitroom_tests::sitroom_ok(&db, &["token", "create", "gis", "--role", "editor"]);
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    (db, token)
}

fn problem(resp: Response) -> (u16, String) {
    let status = resp.status().as_u16();
    let body: Value = resp.json().unwrap_or(Value::Null);
    (
        status,
        body["detail"].as_str().unwrap_or_default().to_owned(),
    )
}

fn hostile_requests_are_refused_cheaply_and_the_server_keeps_serving(postgis: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (db, token) = fixture(&dir, store_url(&dir, postgis));
    let server = sitroom_tests::serve(&db, &["--rate-limit", "0"]);
    let c = sitroom_tests::client();
    let get = |path: &str| c.get(format!("{}{path}", server.base)).send().unwrap();
    let t = sitroom_tests::tile_at(geo::Coord { x: 30.05, y: -1.95 }, 8);
    let zxy = format!("{}/{}/{}", t.z, t.x, t.y);

    // Filters nested 3,000 deep, on features and tiles: 400, not a crashed process.
    let deep = format!("{}class='high'{}", "(".repeat(3000), ")".repeat(3000));
    for path in [
        format!("/ogc/collections/zone/items?filter={deep}"),
        format!("/tiles/zone/{zxy}.mvt?filter={deep}"),
    ] {
        let (status, detail) = problem(get(&path));
        assert_eq!(status, 400, "{detail}");
        assert!(
            detail.starts_with("the filter is 6012 characters long"),
            "{detail}"
        );
    }
    let nested = format!("{}class='high'{}", "(".repeat(40), ")".repeat(40));
    let (status, detail) = problem(get(&format!("/ogc/collections/zone/items?filter={nested}")));
    assert_eq!(
        (status, detail.contains("deeper than 32")),
        (400, true),
        "{detail}"
    );

    // A tile naming one layer 200 times: refused before any work, duplicates merged.
    let many = vec!["zone"; 200].join(",");
    assert_eq!(get(&format!("/tiles/{many}/{zxy}.mvt")).status(), 200);
    let distinct: Vec<String> = (0..20).map(|i| format!("l{i}")).collect();
    let (status, detail) = problem(get(&format!("/tiles/{}/{zxy}.mvt", distinct.join(","))));
    assert_eq!(status, 400);
    assert_eq!(
        detail,
        "20 layers in one tile is more than the 16 a tile may combine: ask for fewer at a time"
    );

    // Incident areas checked in lon/lat before any work: the antimeridian, the world, an
    // extent of too many cells.
    let area = |body: Value| {
        c.post(format!(
            "{}/api/exposure/area?hazard=zone&exposure=hh",
            server.base
        ))
        .json(&body)
        .send()
        .unwrap()
    };
    let (status, detail) = problem(area(json!({"type": "Polygon", "coordinates": [[
        [179.0, 0.0], [-179.0, 0.0], [-179.0, 1.0], [179.0, 1.0], [179.0, 0.0]]]})));
    assert_eq!(status, 400);
    assert!(
        detail.starts_with("the area crosses the antimeridian"),
        "{detail}"
    );
    let (status, detail) = problem(area(json!({"type": "Polygon", "coordinates": [[
        [0.0, 0.0], [60.0, 0.0], [60.0, 0.001], [0.0, 0.001], [0.0, 0.0]]]})));
    assert_eq!(status, 400);
    assert!(
        detail.starts_with("the area spans 60.0° of longitude"),
        "{detail}"
    );
    // A thin frame 15° across: little ground, millions of grid cells to cut it into.
    let (status, detail) = problem(area(json!({"type": "Polygon", "coordinates": [
        [[0.0, 0.0], [15.0, 0.0], [15.0, 15.0], [0.0, 15.0], [0.0, 0.0]],
        [[0.001, 0.001], [0.001, 14.999], [14.999, 14.999], [14.999, 0.001], [0.001, 0.001]]]})));
    assert_eq!(status, 400);
    assert!(
        detail.starts_with("the area's extent spans") && detail.contains("more than 250000"),
        "{detail}"
    );

    // Uploads: only the documented formats, each with its one driver; no VRT, no
    // virtual file systems; no server path in any message.
    let upload = |name: &str, bytes: &[u8]| {
        let form = reqwest::blocking::multipart::Form::new()
            .part(
                "file",
                reqwest::blocking::multipart::Part::bytes(bytes.to_vec())
                    .file_name(name.to_owned()),
            )
            .text("kind", "exposure")
            .text("theme", "camp");
        c.post(format!("{}/api/layers/probe", server.base))
            .bearer_auth(&token)
            .multipart(form)
            .send()
            .unwrap()
    };
    let vrt = format!(
        r#"<OGRVRTDataSource><OGRVRTLayer name="t"><SrcDataSource>{db}</SrcDataSource><SrcLayer>api_tokens</SrcLayer></OGRVRTLayer></OGRVRTDataSource>"#
    );
    let (status, detail) = problem(upload("tokens.vrt", vrt.as_bytes()));
    assert_eq!(status, 422, "{detail}");
    assert!(
        detail.starts_with("'tokens.vrt' is not in a format sitroom loads"),
        "{detail}"
    );
    // The same VRT under a name we do read is read as that format, and fails as one.
    let (status, detail) = problem(upload("tokens.csv", vrt.as_bytes()));
    assert_eq!(status, 422, "{detail}");
    let (status, detail) = problem(upload("broken.gpkg", b"not a geopackage at all"));
    assert_eq!(status, 422);
    assert!(
        !detail.contains("/tmp") && !detail.contains(".tmp"),
        "{detail}"
    );
    let (status, detail) = problem(upload(&format!("{}.geojson", "x".repeat(300)), b"{}"));
    assert_eq!(status, 400);
    assert!(
        detail.starts_with("the file name is 308 bytes long"),
        "{detail}"
    );
    let out = sitroom_tests::sitroom(
        &db,
        &[
            "load",
            "/vsicurl/http://127.0.0.1:9/x.geojson",
            "--layer",
            "x",
            "--kind",
            "hazard",
            "--theme",
            "flood",
        ],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("is a GDAL virtual file system path"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Tokens may not take the audit log's own names.
    for name in ["anonymous", "cli:root", "Demo", "system"] {
        let (status, detail) = problem(
            c.post(format!("{}/api/tokens", server.base))
                .bearer_auth(admin_token(&db))
                .json(&json!({"name": name, "role": "viewer"}))
                .send()
                .unwrap(),
        );
        assert_eq!(status, 400, "{name}");
        assert!(
            detail.contains("is reserved for the audit log's own actors"),
            "{detail}"
        );
    }

    // A restricted hazard layer is never answered at a point: by unit only.
    let here: Value = get("/api/hazards/at?lon=30.0&lat=-1.95").json().unwrap();
    let secret = here["hazards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["layer"] == "secret-zone")
        .unwrap();
    assert_eq!(secret["by_unit"], true);
    let open = here["hazards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["layer"] == "zone")
        .unwrap();
    assert_eq!(open["class"], "high");
    assert!(open.get("by_unit").is_none());

    assert_eq!(get("/health").status(), 200, "still serving");
}

/// Each test on both store backends.
macro_rules! on_both_stores {
    ($($name:ident),+ $(,)?) => {
        mod sqlite_backend {
            $(#[test] fn $name() { super::$name(false); })+
        }
        mod postgis_backend {
            $(#[test] fn $name() { super::$name(true); })+
        }
    };
}

on_both_stores!(
    hostile_requests_are_refused_cheaply_and_the_server_keeps_serving,
    links_headers_and_caching_cannot_be_steered_by_the_client,
    csv_cells_are_never_spreadsheet_formulas,
);

/// An administrator's token in store `db`, made once per store (the tests of both
/// backends run side by side, each with its own store).
fn admin_token(db: &str) -> String {
    static ADMIN: std::sync::Mutex<BTreeMap<String, String>> =
        std::sync::Mutex::new(BTreeMap::new());
    let mut made = ADMIN.lock().unwrap();
    made.entry(db.to_owned())
        .or_insert_with(|| {
            let out =
                sitroom_tests::sitroom_ok(db, &["token", "create", "root", "--role", "admin"]);
            String::from_utf8(out.stdout).unwrap().trim().to_owned()
        })
        .clone()
}

fn links_headers_and_caching_cannot_be_steered_by_the_client(postgis: bool) {
    let dir = tempfile::tempdir().unwrap();
    let (db, token) = fixture(&dir, store_url(&dir, postgis));
    let c = sitroom_tests::client();
    let forged = |base: &str, path: &str| {
        c.get(format!("{base}{path}"))
            .header("x-forwarded-host", "evil.example")
            .header("x-forwarded-proto", "https")
            .send()
            .unwrap()
    };
    {
        let server = sitroom_tests::serve(&db, &["--rate-limit", "0"]);
        let tj: Value = forged(&server.base, "/tiles/zone.json").json().unwrap();
        let tiles = tj["tiles"][0].as_str().unwrap();
        assert!(tiles.starts_with(&server.base), "{tiles}");
        let landing: Value = forged(&server.base, "/ogc").json().unwrap();
        assert!(!landing.to_string().contains("evil.example"));

        // Every answer: what browsers must not do with it.
        for path in [
            "/",
            "/catalog",
            "/nowhere",
            "/api/tokens",
            "/tiles/zone/8/151/130.mvt",
        ] {
            let resp = c.get(format!("{}{path}", server.base)).send().unwrap();
            let h = resp.headers();
            assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
            assert_eq!(h["x-frame-options"], "DENY", "{path}");
            assert!(
                h["content-security-policy"]
                    .to_str()
                    .unwrap()
                    .contains("frame-ancestors 'none'"),
                "{path}"
            );
        }
        // What depends on the token is the caller's alone.
        for path in [
            "/ogc/collections/hh/items",
            "/api/exposure?hazard=zone&exposure=hh&by=district",
            "/catalog",
            "/api/layers",
        ] {
            for auth in [None, Some(token.as_str())] {
                let mut req = c.get(format!("{}{path}", server.base));
                if let Some(t) = auth {
                    req = req.bearer_auth(t);
                }
                let resp = req.send().unwrap();
                let h = resp.headers();
                let cache = h["cache-control"].to_str().unwrap();
                assert!(cache.starts_with("private"), "{path}: {cache}");
                assert!(
                    h["vary"]
                        .to_str()
                        .unwrap()
                        .to_ascii_lowercase()
                        .contains("authorization"),
                    "{path}"
                );
            }
        }
    }
    {
        let server =
            sitroom_tests::serve(&db, &["--rate-limit", "0", "--trusted-proxy", "127.0.0.1"]);
        let tj: Value = forged(&server.base, "/tiles/zone.json").json().unwrap();
        assert!(
            tj["tiles"][0]
                .as_str()
                .unwrap()
                .starts_with("https://evil.example/"),
            "a trusted proxy's forwarded host is used"
        );
    }
    {
        let server = sitroom_tests::serve(
            &db,
            &[
                "--rate-limit",
                "0",
                "--public-url",
                "https://sitroom.example.org/",
            ],
        );
        let tj: Value = forged(&server.base, "/tiles/zone.json").json().unwrap();
        assert!(
            tj["tiles"][0]
                .as_str()
                .unwrap()
                .starts_with("https://sitroom.example.org/tiles/"),
            "{tj}"
        );
    }
}

fn csv_cells_are_never_spreadsheet_formulas(postgis: bool) {
    let dir = tempfile::tempdir().unwrap();
    let db = store_url(&dir, postgis);
    let units = sitroom_tests::write(
        &dir,
        "units.geojson",
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"11","name":"=HYPERLINK(\"http://evil.example\",\"click\")"},"geometry":{"type":"Polygon","coordinates":[[[29.9,-2.1],[30.0,-2.1],[30.0,-2.0],[29.9,-2.0],[29.9,-2.1]]]}},
{"type":"Feature","properties":{"id":"12","name":"@SUM(1+1)"},"geometry":{"type":"Polygon","coordinates":[[[30.0,-2.1],[30.1,-2.1],[30.1,-2.0],[30.0,-2.0],[30.0,-2.1]]]}}]}"#,
    );
    sitroom_tests::sitroom_ok(
        &db,
        &[
            "load",
            units.to_str().unwrap(),
            "--layer",
            "units",
            "--kind",
            "boundary",
            "--theme",
            "district",
            "--code-field",
            "id",
            "--name-field",
            "name",
            "--anonymous",
            "true",
        ],
    );
    let zone = sitroom_tests::write(&dir, "zone.geojson", ZONE);
    sitroom_tests::load_class_zones(&db, &zone, "zone");
    let pts = sitroom_tests::write(
        &dir,
        "p.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"n":7},"geometry":{"type":"Point","coordinates":[29.95,-2.05]}},{"type":"Feature","properties":{"n":3},"geometry":{"type":"Point","coordinates":[30.05,-2.05]}}]}"#,
    );
    sitroom_tests::sitroom_ok(
        &db,
        &[
            "load",
            pts.to_str().unwrap(),
            "--layer",
            "people",
            "--kind",
            "exposure",
            "--theme",
            "settlement",
            "--population-field",
            "n",
            "--anonymous",
            "true",
        ],
    );
    let server = sitroom_tests::serve(&db, &["--rate-limit", "0"]);
    let csv = sitroom_tests::client()
        .get(format!(
            "{}/api/exposure?hazard=zone&exposure=people&by=district&format=csv",
            server.base
        ))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let mut rows = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    let names: Vec<String> = rows
        .records()
        .skip(2)
        .map(|r| r.unwrap()[1].to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "'=HYPERLINK(\"http://evil.example\",\"click\")",
            "'@SUM(1+1)"
        ],
        "{csv}"
    );
}

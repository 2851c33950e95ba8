//! The OGC API conformance suite run here, as a client sees the server (a running
//! `sitroom serve`, real HTTP): the abstract test suite of OGC API – Features Part 1
//! (OGC 17-069r4, Annex A: core, GeoJSON, HTML, OpenAPI 3.0) and the tests of OGC API –
//! Tiles Part 1 for what is implemented (core, tileset, tilesets list, geodata tilesets,
//! MVT) with 2D TMS. Each check names the abstract test it follows. GDAL then reads what
//! its own parsers can: the tile matrix set (its TMS reader, through GeoPackage's
//! `TILING_SCHEME`) and a tile from the OGC address (its MVT driver). Debian's GDAL 3.6
//! builds its OGCAPI driver without vector tiles, so it cannot follow the tilesets itself.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::process::Command;

use serde_json::Value;

/// The server under test and a client.
struct Api {
    client: reqwest::blocking::Client,
    base: String,
}

/// One answer: status, media type, body.
struct Got {
    status: u16,
    kind: String,
    body: Vec<u8>,
    version: reqwest::Version,
    etag: String,
}

impl Got {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Api {
    /// GET `href` (absolute, or a path under the server) with `accept`.
    fn get(&self, href: &str, accept: &str) -> Got {
        let url = if href.starts_with("http") {
            href.to_owned()
        } else {
            format!("{}{href}", self.base)
        };
        let resp = self
            .client
            .get(&url)
            .header("accept", accept)
            .send()
            .unwrap();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        let (kind, etag) = (header("content-type"), header("etag"));
        Got {
            status: resp.status().as_u16(),
            version: resp.version(),
            kind,
            etag,
            body: resp.bytes().unwrap().to_vec(),
        }
    }

    /// GET `href` as JSON, which must answer 200 with a JSON media type.
    fn json(&self, href: &str, test: &str) -> Value {
        let got = self.get(href, "application/json");
        assert_eq!(got.status, 200, "{test}: GET {href}: {}", got.text());
        assert!(got.kind.contains("json"), "{test}: {href} is {}", got.kind);
        got.json()
    }
}

/// The address of the first link of `rel` in a document.
fn link<'a>(doc: &'a Value, rel: &str) -> Option<&'a str> {
    doc["links"]
        .as_array()?
        .iter()
        .find(|l| l["rel"] == rel)
        .and_then(|l| l["href"].as_str())
}

/// Whether `page` is an HTML 5 document whose elements all close, in order (what the
/// HTML conformance class asks: a valid document a browser shows as is).
fn well_formed(page: &str) -> Result<(), String> {
    const VOID: &[&str] = &["meta", "link", "br", "img", "input", "hr", "col", "wbr"];
    if !page.to_ascii_lowercase().starts_with("<!doctype html>") {
        return Err("no <!doctype html>".into());
    }
    if !page.contains("<title>") || !page.contains("<html lang=") {
        return Err("no title or no language".into());
    }
    let mut open: Vec<String> = Vec::new();
    let mut rest = page;
    let mut in_style = false;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let end = rest.find('>').ok_or("a tag is not closed")?;
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if in_style && tag != "/style" {
            return Err("'<' inside a style sheet".into());
        }
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            match open.pop() {
                Some(top) if top == name => in_style = false,
                top => return Err(format!("</{name}> closes {top:?}")),
            }
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            return Err(format!("a bare '<' before {tag:.20}"));
        }
        if tag.ends_with('/') || VOID.contains(&name.as_str()) {
            continue;
        }
        in_style = name == "style";
        open.push(name);
    }
    if open.is_empty() {
        Ok(())
    } else {
        Err(format!("never closed: {open:?}"))
    }
}

/// Every `$ref` under `v` that does not resolve in `doc`.
fn dangling(doc: &Value, v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            if let Some(r) = o.get("$ref").and_then(Value::as_str)
                && r.strip_prefix('#').is_none_or(|p| doc.pointer(p).is_none())
            {
                out.push(r.to_owned());
            }
            o.values().for_each(|x| dangling(doc, x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| dangling(doc, x, out)),
        _ => {}
    }
}

/// West, south, east, north of a GeoJSON geometry's coordinates.
fn envelope(coords: &Value, b: &mut [f64; 4]) {
    match coords.as_array() {
        Some(a) if a.first().is_some_and(Value::is_number) => {
            let (x, y) = (a[0].as_f64().unwrap(), a[1].as_f64().unwrap());
            *b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        }
        Some(a) => a.iter().for_each(|c| envelope(c, b)),
        None => {}
    }
}

/// A running server over the OGC fixture, its folder and a client of it.
fn start() -> (tempfile::TempDir, sitroom_tests::Server, Api) {
    let dir = tempfile::tempdir().unwrap();
    let db = sitroom_tests::ogc_fixture(&dir);
    let server = sitroom_tests::serve(&db, &[]);
    let api = Api {
        client: sitroom_tests::client(),
        base: server.base.clone(),
    };
    (dir, server, api)
}

#[test]
#[expect(clippy::too_many_lines)]
fn features_part_1_abstract_test_suite() {
    let (_dir, _server, api) = start();

    // /conf/core/http, /conf/core/root-op, /conf/core/root-success.
    let root = api.get("/ogc", "application/json");
    assert_eq!(root.version, reqwest::Version::HTTP_11, "/conf/core/http");
    assert_eq!(root.status, 200, "/conf/core/root-op");
    let landing = root.json();
    for rel in ["service-desc", "conformance", "data"] {
        assert!(
            link(&landing, rel).is_some(),
            "/conf/core/root-success: {rel}"
        );
    }
    for l in landing["links"].as_array().unwrap() {
        assert!(
            l["href"].is_string() && l["rel"].is_string(),
            "/conf/core/root-success: {l}"
        );
    }

    // /conf/core/api-definition-op and -success; /conf/oas30/oas-definition-1 and -2,
    // /conf/oas30/completeness, /conf/oas30/exceptions-codes.
    let desc = api.get(
        link(&landing, "service-desc").unwrap(),
        "application/vnd.oai.openapi+json;version=3.0",
    );
    assert_eq!(desc.status, 200, "/conf/core/api-definition-op");
    assert_eq!(
        desc.kind, "application/vnd.oai.openapi+json;version=3.0",
        "/conf/oas30/oas-definition-1"
    );
    let oas = desc.json();
    assert!(
        oas["openapi"].as_str().unwrap().starts_with("3.0."),
        "/conf/oas30/oas-definition-2"
    );
    assert!(oas["info"]["title"].is_string() && oas["info"]["version"].is_string());
    let mut bad = Vec::new();
    dangling(&oas, &oas, &mut bad);
    assert!(
        bad.is_empty(),
        "/conf/oas30/oas-definition-2: $ref to nothing: {bad:?}"
    );
    let doc_page = api.get(link(&landing, "service-doc").unwrap(), "text/html");
    assert_eq!(
        (doc_page.status, doc_page.kind.starts_with("text/html")),
        (200, true)
    );
    let paths = oas["paths"].as_object().unwrap();
    for p in [
        "/",
        "/conformance",
        "/collections",
        "/collections/{id}",
        "/collections/{id}/items",
        "/collections/{id}/items/{fid}",
    ] {
        let op = &paths
            .get(p)
            .unwrap_or_else(|| panic!("/conf/oas30/completeness: {p}"))["get"];
        assert!(
            op["responses"]["200"].is_object(),
            "/conf/oas30/oas-impl: {p}"
        );
    }
    for code in ["400", "404"] {
        assert!(
            paths["/collections/{id}/items"]["get"]["responses"][code].is_object(),
            "/conf/oas30/exceptions-codes: {code}"
        );
    }

    // /conf/core/conformance-op and -success.
    let conf = api.json(
        link(&landing, "conformance").unwrap(),
        "/conf/core/conformance-op",
    );
    let classes: HashSet<&str> = conf["conformsTo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for class in ["core", "geojson", "html", "oas30"] {
        assert!(
            classes.contains(
                format!("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{class}").as_str()
            ),
            "/conf/core/conformance-success: {class}"
        );
    }

    // /conf/core/fc-md-op, -success, -links, -items, -extent; /conf/core/sfc-md-op, -success.
    let cols = api.json(link(&landing, "data").unwrap(), "/conf/core/fc-md-op");
    assert!(link(&cols, "self").is_some(), "/conf/core/fc-md-success");
    let list = cols["collections"].as_array().unwrap();
    assert!(!list.is_empty(), "/conf/core/fc-md-success");
    for c in list {
        let id = c["id"].as_str().expect("/conf/core/fc-md-items: id");
        let items = link(c, "items").expect("/conf/core/fc-md-links: items");
        assert_eq!(
            api.get(items, "application/geo+json").status,
            200,
            "/conf/core/fc-md-links"
        );
        let b: Vec<f64> = c["extent"]["spatial"]["bbox"][0]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        assert!(
            b.len() == 4
                && (-180.0..=180.0).contains(&b[0])
                && (-180.0..=180.0).contains(&b[2])
                && (-90.0..=90.0).contains(&b[1])
                && b[1] <= b[3]
                && b[3] <= 90.0,
            "/conf/core/fc-md-extent: {id} {b:?}"
        );
        let one = api.json(&format!("/ogc/collections/{id}"), "/conf/core/sfc-md-op");
        for member in ["id", "title", "extent", "links"] {
            assert_eq!(
                one[member], c[member],
                "/conf/core/sfc-md-success: {id} {member}"
            );
        }
    }

    // /conf/core/fc-op; /conf/geojson/definition.
    let items_href = "/ogc/collections/sectors/items";
    let page = api.get(items_href, "application/geo+json");
    assert_eq!(page.status, 200, "/conf/core/fc-op");
    assert!(
        page.kind.starts_with("application/geo+json"),
        "/conf/geojson/definition"
    );

    // /conf/core/fc-limit-definition, fc-bbox-definition, fc-time-definition.
    let params: Vec<Value> = paths["/collections/{id}/items"]["parameters"]
        .as_array()
        .into_iter()
        .chain(paths["/collections/{id}/items"]["get"]["parameters"].as_array())
        .flatten()
        .map(|p| {
            p["$ref"]
                .as_str()
                .and_then(|r| oas.pointer(&r[1..]))
                .unwrap_or(p)
                .clone()
        })
        .collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|p| p["name"] == name)
            .cloned()
            .unwrap_or(Value::Null)
    };
    let limit = param("limit");
    assert_eq!(limit["in"], "query", "/conf/core/fc-limit-definition");
    assert_eq!(
        limit["schema"]["type"], "integer",
        "/conf/core/fc-limit-definition"
    );
    let max = limit["schema"]["maximum"].as_u64().unwrap();
    assert!(limit["schema"]["default"].as_u64().unwrap() <= max);
    let bbox = param("bbox");
    assert_eq!(
        (
            &bbox["schema"]["type"],
            &bbox["schema"]["items"]["type"],
            &bbox["style"],
            &bbox["explode"]
        ),
        (
            &Value::from("array"),
            &Value::from("number"),
            &Value::from("form"),
            &Value::from(false)
        ),
        "/conf/core/fc-bbox-definition"
    );
    let datetime = param("datetime");
    assert_eq!(
        (
            &datetime["schema"]["type"],
            &datetime["style"],
            &datetime["explode"]
        ),
        (
            &Value::from("string"),
            &Value::from("form"),
            &Value::from(false)
        ),
        "/conf/core/fc-time-definition"
    );

    // /conf/core/fc-limit-response.
    let seven = api.json(
        &format!("{items_href}?limit=7"),
        "/conf/core/fc-limit-response",
    );
    assert_eq!(seven["numberReturned"], 7, "/conf/core/fc-limit-response");
    assert_eq!(seven["features"].as_array().unwrap().len(), 7);
    assert_eq!(
        api.get(
            &format!("{items_href}?limit={}", max + 1),
            "application/json"
        )
        .status,
        400,
        "/conf/core/fc-limit-response: a limit above the maximum"
    );

    // /conf/core/fc-bbox-response: every feature returned meets the box, and a box of six
    // numbers (with heights) finds the same.
    let boxed = api.json(
        &format!("{items_href}?bbox=30.05,-1.96,30.07,-1.94"),
        "fc-bbox",
    );
    let found = boxed["features"].as_array().unwrap();
    assert!(
        !found.is_empty() && found.len() < 30,
        "/conf/core/fc-bbox-response"
    );
    for f in found {
        let mut e = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        envelope(&f["geometry"]["coordinates"], &mut e);
        assert!(
            e[0] <= 30.07 && e[2] >= 30.05 && e[1] <= -1.94 && e[3] >= -1.96,
            "/conf/core/fc-bbox-response: feature {} at {e:?}",
            f["id"]
        );
    }
    let boxed3 = api.json(
        &format!("{items_href}?bbox=30.05,-1.96,0,30.07,-1.94,100"),
        "fc-bbox 3D",
    );
    assert_eq!(
        boxed3["numberMatched"], boxed["numberMatched"],
        "/conf/core/fc-bbox-response (6 numbers)"
    );

    // /conf/core/fc-time-response: the features carry no time, so a datetime keeps all;
    // one that is not a date-time is refused.
    for d in [
        "2026-01-01T00:00:00Z",
        "2025-07-01/2026-06-30",
        "../2026-06-30",
    ] {
        let timed = api.json(&format!("{items_href}?datetime={d}&limit=1"), "fc-time");
        assert_eq!(
            timed["numberMatched"], 416,
            "/conf/core/fc-time-response: {d}"
        );
    }
    assert_eq!(
        api.get(
            &format!("{items_href}?datetime=yesterday"),
            "application/json"
        )
        .status,
        400
    );

    // /conf/core/fc-response, fc-links, fc-timeStamp, fc-numberMatched, fc-numberReturned;
    // /conf/geojson/content: follow next to the end.
    let mut next = Some(format!("{items_href}?limit=150"));
    let (mut total, mut ids) = (0, HashSet::new());
    let mut matched = None;
    while let Some(href) = next {
        let p = api.json(&href, "/conf/core/fc-response");
        assert_eq!(p["type"], "FeatureCollection", "/conf/core/fc-response");
        let features = p["features"].as_array().unwrap();
        assert_eq!(
            p["numberReturned"],
            features.len(),
            "/conf/core/fc-numberReturned"
        );
        assert!(
            chrono::DateTime::parse_from_rfc3339(p["timeStamp"].as_str().unwrap()).is_ok(),
            "/conf/core/fc-timeStamp"
        );
        assert!(link(&p, "self").is_some(), "/conf/core/fc-links: self");
        let alternate = p["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "alternate" && l["type"] == "text/html");
        assert!(alternate.is_some(), "/conf/core/fc-links: alternate");
        matched = matched.or(p["numberMatched"].as_u64());
        for f in features {
            assert_eq!(f["type"], "Feature", "/conf/geojson/content");
            assert!(f["properties"].is_object(), "/conf/geojson/content");
            assert!(
                matches!(
                    f["geometry"]["type"].as_str(),
                    Some("Polygon" | "MultiPolygon")
                ),
                "/conf/geojson/content"
            );
            assert!(ids.insert(f["id"].clone()), "feature {} twice", f["id"]);
        }
        total += features.len();
        next = link(&p, "next").map(str::to_owned);
    }
    assert_eq!(Some(total as u64), matched, "/conf/core/fc-numberMatched");
    assert_eq!(total, 416);

    // /conf/core/f-op, /conf/core/f-success.
    let first = seven["features"][0]["id"].clone();
    let feature = api.json(&format!("{items_href}/{first}"), "/conf/core/f-op");
    assert_eq!(feature["type"], "Feature", "/conf/core/f-success");
    assert_eq!(feature["id"], first, "/conf/core/f-success");
    for rel in ["self", "alternate", "collection"] {
        assert!(link(&feature, rel).is_some(), "/conf/core/f-success: {rel}");
    }
    let missing = api.get("/ogc/collections/sectors/items/100000", "application/json");
    assert_eq!(
        missing.status, 404,
        "/req/core/query-param-invalid: no such feature"
    );
    assert_eq!(
        api.get("/ogc/collections/nothing", "application/json")
            .status,
        404
    );

    // /conf/html/definition and /conf/html/content: every resource of the core as a web
    // page, for a browser's Accept and for f=html, that is well formed.
    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    let first_id = first.to_string();
    for href in [
        "/ogc".to_owned(),
        "/ogc/conformance".to_owned(),
        "/ogc/collections".to_owned(),
        "/ogc/collections/sectors".to_owned(),
        format!("{items_href}?limit=20"),
        format!("{items_href}/{first_id}"),
    ] {
        for (path, accept) in [
            (href.clone(), browser),
            (
                format!("{href}{}f=html", if href.contains('?') { '&' } else { '?' }),
                "*/*",
            ),
        ] {
            let got = api.get(&path, accept);
            assert_eq!(got.status, 200, "/conf/html/definition: {path}");
            assert!(
                got.kind.starts_with("text/html"),
                "/conf/html/definition: {path} is {}",
                got.kind
            );
            let text = got.text();
            well_formed(&text).unwrap_or_else(|e| panic!("/conf/html/content: {path}: {e}"));
        }
        // A GIS client's Accept still gets JSON.
        let gdal = api.get(&href, "application/geo+json, application/json");
        assert!(
            gdal.kind.contains("json"),
            "{href} to a GIS client is {}",
            gdal.kind
        );
    }
    // The page of items draws what it lists: one shape per feature, each linked to its
    // own page, and the next page's link keeps the page size.
    let items_page = api
        .get(&format!("{items_href}?limit=20&f=html"), "*/*")
        .text();
    let shapes = items_page.matches("<path ").count();
    assert_eq!(shapes, 20, "one shape per feature listed");
    assert_eq!(
        items_page.matches("<tr><td><a href=").count(),
        20,
        "one row per feature"
    );
    assert!(
        items_page.contains("416 features match"),
        "the page says how many match"
    );
    assert!(
        items_page.contains("limit=20&amp;offset=20") && items_page.contains("f=html"),
        "the next page is linked as a page"
    );
    assert!(
        api.get("/ogc/collections/sectors/items/1?f=html", "*/*")
            .text()
            .contains("Gitega")
    );
    assert_eq!(api.get("/ogc?f=xml", "*/*").status, 400);
    // The restricted collection stays closed to a page as to JSON.
    let closed = api.get("/ogc/collections/hh-points/items?f=html", browser);
    assert_eq!(closed.status, 401);
    assert!(
        !closed.text().contains("30.06"),
        "a refused page shows no coordinates"
    );
}

#[test]
fn tiles_part_1_tests_and_gdal() {
    let (dir, _server, api) = start();
    let conf = api.json("/ogc/conformance", "conformance");
    let classes: Vec<&str> = conf["conformsTo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for class in [
        "core",
        "tileset",
        "tilesets-list",
        "geodata-tilesets",
        "mvt",
    ] {
        assert!(
            classes.contains(
                &format!("http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/{class}").as_str()
            ),
            "conformance: {class}"
        );
    }

    // The tiling schemes from the landing page; the definition (2D TMS 2.0): zooms 0 to
    // 22, each cell half the one before, 2^z tiles a side.
    let landing = api.json("/ogc", "landing");
    let schemes = api.json(
        link(
            &landing,
            "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes",
        )
        .unwrap(),
        "tiling schemes",
    );
    let wmq = &schemes["tileMatrixSets"][0];
    assert_eq!(wmq["id"], "WebMercatorQuad");
    let tms = api.json(link(wmq, "self").unwrap(), "tile matrix set");
    assert_eq!(tms["crs"], "http://www.opengis.net/def/crs/EPSG/0/3857");
    let matrices = tms["tileMatrices"].as_array().unwrap();
    assert_eq!(matrices.len(), 23);
    for (z, m) in matrices.iter().enumerate() {
        let cell = m["cellSize"].as_f64().unwrap();
        assert!(
            (cell * 256.0 * f64::from(1u32 << z) - 40_075_016.685_578_5).abs() < 1e-3,
            "z{z}"
        );
        assert_eq!(m["matrixWidth"], 1u64 << z);
        assert_eq!(m["id"], z.to_string());
    }
    assert_eq!(
        api.get("/ogc/tileMatrixSets/WorldCRS84Quad", "application/json")
            .status,
        404
    );

    // /conf/geodata-tilesets: the collection links its tilesets; the list links each
    // tileset and its tiling scheme; the tileset its tiles.
    let collection = api.json("/ogc/collections/sectors", "collection");
    let sets = api.json(
        link(
            &collection,
            "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector",
        )
        .unwrap(),
        "/conf/tilesets-list",
    );
    let summary = &sets["tilesets"][0];
    assert_eq!(summary["dataType"], "vector", "/conf/tilesets-list");
    assert!(
        link(
            summary,
            "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
        )
        .is_some()
    );
    let tileset = api.json(link(summary, "self").unwrap(), "/conf/tileset");
    assert_eq!(
        tileset["tileMatrixSetURI"],
        "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
    );
    let template = tileset["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "item" && l["type"] == "application/vnd.mapbox-vector-tile")
        .and_then(|l| l["href"].as_str())
        .expect("/conf/tileset: a tile template");
    assert_eq!(tileset["layers"][0]["id"], "sectors");
    assert_eq!(tileset["layers"][0]["geometryDimension"], 2);
    assert_eq!(
        tileset["layers"][0]["propertiesSchema"]["properties"]["dist_id"]["type"],
        "number"
    );

    // The limits at each zoom are the tiles over the collection's extent (worked out
    // here from its corners); Kigali's tile is inside and drawn, tiles beyond are empty.
    let extent: Vec<f64> = collection["extent"]["spatial"]["bbox"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    for z in [0, 5, 9, 14, 22] {
        let nw = sitroom_tests::tile_at(geo::coord! { x: extent[0], y: extent[3] }, z);
        let se = sitroom_tests::tile_at(geo::coord! { x: extent[2], y: extent[1] }, z);
        let l = tileset["tileMatrixSetLimits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["tileMatrix"].as_str() == Some(z.to_string().as_str()))
            .unwrap();
        assert_eq!(
            [
                &l["minTileCol"],
                &l["minTileRow"],
                &l["maxTileCol"],
                &l["maxTileRow"]
            ],
            [nw.x, nw.y, se.x, se.y].map(Value::from).each_ref(),
            "limits at zoom {z}"
        );
    }
    let limits = tileset["tileMatrixSetLimits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["tileMatrix"] == "9")
        .unwrap();
    let n = |k: &str| u32::try_from(limits[k].as_u64().unwrap()).unwrap();
    let kigali = sitroom_tests::tile_at(geo::coord! { x: 30.06, y: -1.95 }, 9);
    assert!((n("minTileCol")..=n("maxTileCol")).contains(&kigali.x));
    assert!((n("minTileRow")..=n("maxTileRow")).contains(&kigali.y));
    let tile = |z: u32, row: u32, col: u32| {
        template
            .replace("{tileMatrix}", &z.to_string())
            .replace("{tileRow}", &row.to_string())
            .replace("{tileCol}", &col.to_string())
    };
    let inside = api.get(&tile(9, kigali.y, kigali.x), "*/*");
    assert_eq!(inside.status, 200, "/conf/core/tc-success");
    assert_eq!(
        inside.kind, "application/vnd.mapbox-vector-tile",
        "/conf/mvt"
    );
    let same = api.get(
        &format!("/tiles/sectors/9/{}/{}.mvt", kigali.x, kigali.y),
        "*/*",
    );
    assert_eq!(
        (same.body.clone(), same.etag.clone()),
        (inside.body.clone(), inside.etag.clone()),
        "the same tile as /tiles"
    );
    for (row, col) in [
        (n("minTileRow") - 2, kigali.x),
        (kigali.y, n("maxTileCol") + 2),
    ] {
        assert_eq!(
            api.get(&tile(9, row, col), "*/*").status,
            204,
            "beyond the limits is empty"
        );
    }
    // /conf/core/tc-error: no such tile matrix, row or column is 404; a word is 400.
    assert_eq!(api.get(&tile(23, 0, 0), "*/*").status, 404);
    assert_eq!(api.get(&tile(9, 512, 0), "*/*").status, 404);
    assert_eq!(
        api.get(&tile(9, 0, 0).replace("/9/", "/nine/"), "*/*")
            .status,
        400
    );
    assert_eq!(
        api.get(&format!("{}?f=png", tile(9, kigali.y, kigali.x)), "*/*")
            .status,
        400
    );
    assert_eq!(
        api.get(
            "/ogc/collections/hh-points/tiles/WebMercatorQuad/9/0/0",
            "*/*"
        )
        .status,
        401
    );
    assert_eq!(
        api.get("/ogc/collections/hh-points/tiles", "*/*").status,
        401
    );

    // Each sector is named once over the whole country: its label point is in one tile
    // only, whatever number of tiles its polygon crosses.
    let mut named: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
    let (nw, se) = (
        sitroom_tests::tile_at(geo::coord! { x: extent[0], y: extent[3] }, 9),
        sitroom_tests::tile_at(geo::coord! { x: extent[2], y: extent[1] }, 9),
    );
    for row in nw.y..=se.y {
        for col in nw.x..=se.x {
            let got = api.get(&tile(9, row, col), "*/*");
            if got.status == 204 {
                continue;
            }
            let reader = mvt_reader::Reader::new(got.body).unwrap();
            let names = reader.get_layer_names().unwrap();
            let Some(at) = names.iter().position(|n| n == "sectors:labels") else {
                continue;
            };
            for f in reader.get_features(at).unwrap() {
                *named.entry(f.id.unwrap()).or_default() += 1;
            }
        }
    }
    let twice: Vec<&u64> = named
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(id, _)| id)
        .collect();
    assert!(twice.is_empty(), "sectors named in two tiles: {twice:?}");
    assert!(
        named.len() > 300,
        "{} of 416 sectors named at zoom 9",
        named.len()
    );

    // GDAL reads the tile matrix set with its own TMS parser (a GeoPackage tiled by it)…
    let tms_file = dir.path().join("wmq.json");
    std::fs::write(
        &tms_file,
        api.get(link(wmq, "self").unwrap(), "application/json").body,
    )
    .unwrap();
    let tif = dir.path().join("small.tif");
    let made = Command::new("gdal_create")
        .args([
            "-of",
            "GTiff",
            "-outsize",
            "64",
            "64",
            "-bands",
            "1",
            "-burn",
            "7",
            "-a_srs",
            "EPSG:3857",
        ])
        .args([
            "-a_ullr",
            "3340000",
            "-215000",
            "3350000",
            "-225000",
            tif.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let gpkg = dir.path().join("tiled.gpkg");
    let scheme = format!("TILING_SCHEME={}", tms_file.display());
    let out = Command::new("gdal_translate")
        .args([
            "-of",
            "GPKG",
            "-co",
            &scheme,
            tif.to_str().unwrap(),
            gpkg.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let logged = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !logged.contains("ERROR"),
        "GDAL's TMS reader: {logged}"
    );
    // …and the tile from the OGC address with its MVT driver: Kigali's sectors, placed
    // in Kigali.
    let mvt = dir.path().join("kigali.mvt");
    std::fs::write(&mvt, &inside.body).unwrap();
    let out = Command::new("ogrinfo")
        .args(["-ro", "-so", "-al", mvt.to_str().unwrap()])
        .args([
            "-oo",
            "Z=9",
            "-oo",
            &format!("X={}", kigali.x),
            "-oo",
            &format!("Y={}", kigali.y),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Layer name: sectors"), "{text}");
    let count: u32 = text
        .lines()
        .find_map(|l| l.strip_prefix("Feature Count: "))
        .and_then(|c| c.trim().parse().ok())
        .unwrap();
    assert!(count > 5, "{text}");
    let extent = text.lines().find(|l| l.starts_with("Extent: ")).unwrap();
    let numbers: Vec<f64> = extent
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter_map(|t| t.parse().ok())
        .collect();
    // GDAL places them where the tile is (within its buffer), and over Kigali.
    let [w, s, e, n] = kigali.buffered_m(sitroom::engine::tiles::BUFFER);
    let at = sitroom::engine::geometry::to_mercator(geo::coord! { x: 30.06, y: -1.95 });
    assert!(
        numbers[0] >= w - 1.0
            && numbers[2] <= e + 1.0
            && numbers[1] >= s - 1.0
            && numbers[3] <= n + 1.0,
        "the tile's features are in the tile: {extent}"
    );
    assert!(
        numbers[0] <= at.x && at.x <= numbers[2] && numbers[1] <= at.y && at.y <= numbers[3],
        "the tile's features cover Kigali: {extent}"
    );
}

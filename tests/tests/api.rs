//! The HTTP API, called in-process (no socket) with `oneshot`, on both store backends.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use sitroom::api::{AppState, app};
use sitroom::store::Store;
use tower::ServiceExt as _;

const BOUNDARY: &str = "sitroomTestBoundary";

struct Api {
    state: AppState,
    token: String,
    _keep: sitroom_tests::TestStore,
}

impl Api {
    fn new(t: sitroom_tests::TestStore, upload_limit: u64) -> Self {
        let store: Arc<Store> = Arc::from(sitroom::store::open(&t.url).unwrap());
        let (token, _) = sitroom::auth::create_token(
            store.as_ref(),
            "tester",
            sitroom::model::Role::Editor,
            None,
            "tests",
        )
        .unwrap();
        Self {
            state: AppState::new(
                store,
                sitroom::config::ServerSettings {
                    upload_limit_bytes: upload_limit,
                    ..sitroom::config::ServerSettings::default()
                },
            )
            .unwrap(),
            token,
            _keep: t,
        }
    }

    async fn send(&self, req: Request<Body>) -> (StatusCode, Option<String>, Value) {
        let resp = app(self.state.clone()).oneshot(req).await.unwrap();
        let status = resp.status();
        let ctype = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned());
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap()
        };
        (status, ctype, body)
    }

    /// A read with the tester's token (anonymous reads are `tests/roles.rs`'s).
    async fn get(&self, path: &str) -> (StatusCode, Option<String>, Value) {
        self.send(self.read(path)).await
    }

    fn read(&self, path: &str) -> Request<Body> {
        Request::get(path)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token))
            .body(Body::empty())
            .unwrap()
    }

    fn upload_request(
        &self,
        id: &str,
        token: Option<&str>,
        fields: &[(&str, &str)],
        file: (&str, &[u8]),
    ) -> Request<Body> {
        form_request(&format!("/api/layers/{id}"), token, fields, file)
    }

    async fn upload(
        &self,
        id: &str,
        fields: &[(&str, &str)],
        file: (&str, &[u8]),
    ) -> (StatusCode, Option<String>, Value) {
        let req = self.upload_request(id, Some(&self.token.clone()), fields, file);
        self.send(req).await
    }

    async fn preview(
        &self,
        id: &str,
        fields: &[(&str, &str)],
        file: (&str, &[u8]),
    ) -> (StatusCode, Value) {
        let req = form_request(
            &format!("/api/layers/{id}/preview"),
            Some(&self.token.clone()),
            fields,
            file,
        );
        let (status, _, body) = self.send(req).await;
        (status, body)
    }
}

/// A multipart POST of `fields` and `file` to `path`, with `token` when given.
fn form_request(
    path: &str,
    token: Option<&str>,
    fields: &[(&str, &str)],
    file: (&str, &[u8]),
) -> Request<Body> {
    let body = multipart(fields, file);
    let mut req = Request::post(path)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::CONTENT_LENGTH, body.len());
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    req.body(Body::from(body)).unwrap()
}

fn multipart(fields: &[(&str, &str)], (name, bytes): (&str, &[u8])) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn zones(depths: &[f64]) -> Vec<u8> {
    let feats: Vec<Value> = depths
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let x = 30.0 + f64::from(u8::try_from(i).unwrap()) * 0.1;
            json!({"type": "Feature", "properties": {"depth": d},
                   "geometry": {"type": "Polygon", "coordinates": [[[x, -2.0], [x + 0.1, -2.0], [x + 0.1, -1.9], [x, -1.9], [x, -2.0]]]}})
        })
        .collect();
    serde_json::to_vec(&json!({"type": "FeatureCollection", "features": feats})).unwrap()
}

const NEW_FLOOD: &[(&str, &str)] = &[
    ("kind", "hazard"),
    ("theme", "flood"),
    ("hazard_field", "depth"),
    ("title", "Flood zones"),
];

async fn uploads_make_versions_and_failures_change_nothing(api: Api) {
    let (status, _, body) = api.get("/api/layers").await;
    assert_eq!((status, body), (StatusCode::OK, json!([])));

    let (status, _, body) = api
        .upload("flood", NEW_FLOOD, ("zones.geojson", &zones(&[2.0, 1.0])))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["version"], 1);
    assert_eq!(body["feature_count"], 2);
    assert_eq!(body["report"]["loaded"], 2);

    // A new version needs only the file: the metadata is kept.
    let (status, _, body) = api
        .upload("flood", &[], ("zones.geojson", &zones(&[2.0, 1.0, 0.5])))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["version"], 2);

    // A broken file: 422 with the reason, and version 2 stays current.
    let cut = zones(&[2.0]);
    let (status, ctype, body) = api
        .upload("flood", &[], ("zones.geojson", &cut[..cut.len() - 10]))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(ctype.as_deref(), Some("application/problem+json"));
    assert_eq!(
        body["detail"],
        "'zones.geojson' could not be read as GeoJSON: the file ends early (line 1, column 185): it is truncated; export or upload it again; nothing was loaded and the current version is unchanged"
    );
    // Rejected features come back with the report naming them.
    let points = br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"depth":1},"geometry":{"type":"Point","coordinates":[30,-2]}}]}"#;
    let (status, _, body) = api.upload("flood", &[], ("points.geojson", points)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["report"]["rejected"], 1);
    assert_eq!(body["report"]["issues"][0]["index"], 1);
    assert_eq!(
        body["report"]["issues"][0]["reason"],
        "Point geometry cannot be in a hazard layer: hazard layers need Polygon or MultiPolygon"
    );

    let (status, _, body) = api.get("/api/layers/flood").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["current_version"], 2);
    assert_eq!(body["feature_count"], 3);
    assert_eq!(body["title"], "Flood zones");
    assert_eq!(body["versions"].as_array().unwrap().len(), 2);
    assert_eq!(body["versions"][0]["loaded_by"], "tester");

    // Roll back, then delete.
    let req = Request::post("/api/layers/flood/rollback")
        .header(header::AUTHORIZATION, format!("Bearer {}", api.token))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"version": 1}"#))
        .unwrap();
    let (status, _, body) = api.send(req).await;
    assert_eq!(
        (status, &body["current_version"]),
        (StatusCode::OK, &json!(1))
    );
    let req = Request::delete("/api/layers/flood")
        .header(header::AUTHORIZATION, format!("Bearer {}", api.token))
        .body(Body::empty())
        .unwrap();
    assert_eq!(api.send(req).await.0, StatusCode::NO_CONTENT);
    assert_eq!(api.get("/api/layers/flood").await.0, StatusCode::NOT_FOUND);
}

/// A preview reads the file as the load would, says what the load would store and
/// whether it would commit, and writes nothing.
async fn previews_say_what_a_load_would_do_and_write_nothing(api: Api) {
    let file = zones(&[2.0, 1.0, 0.5, 1.0]);
    let (status, body) = api
        .preview("flood", NEW_FLOOD, ("zones.geojson", &file))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["would_load"], true);
    assert!(body.get("why_not").is_none(), "{body}");
    assert_eq!(body["layer"]["kind"], "hazard");
    assert_eq!(body["layer"]["fields"]["hazard"], "depth");
    assert_eq!(body["report"]["source_crs"], "EPSG:4326");
    assert_eq!(body["report"]["loaded"], 4);
    assert_eq!(
        body["fields"],
        json!([{"name": "depth", "type": "number", "filled": 4, "examples": [2.0, 1.0, 0.5]}])
    );
    assert_eq!(body["mapped"]["code"], 0);
    assert_eq!(body["rows"].as_array().unwrap().len(), 4);
    assert_eq!(body["rows"][2]["properties"]["depth"], 0.5);
    assert_eq!(body["sampled"], 4);
    assert_eq!(body["sample"]["type"], "FeatureCollection");
    assert_eq!(body["sample"]["features"][3]["geometry"]["type"], "Polygon");
    let b = body["bbox"].as_array().unwrap();
    assert_eq!((b[0].as_f64(), b[3].as_f64()), (Some(30.0), Some(-1.9)));
    // Every classified feature is in a class, as the rows say.
    let classed = body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["hazard_class"].is_string())
        .count();
    assert_eq!(body["mapped"]["hazard_class"], classed);
    // Nothing was written.
    assert_eq!(api.get("/api/layers").await.2, json!([]));
    assert_eq!(api.get("/api/layers/flood").await.0, StatusCode::NOT_FOUND);

    // Features the load would reject: named, and the load would not commit unless the
    // good ones may go alone.
    let mixed = br#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"depth":1},"geometry":{"type":"Point","coordinates":[30,-2]}},
        {"type":"Feature","properties":{"depth":2},"geometry":{"type":"Polygon","coordinates":[[[30,-2],[30.1,-2],[30.1,-1.9],[30,-2]]]}}]}"#;
    let (status, body) = api
        .preview("flood", NEW_FLOOD, ("mixed.geojson", mixed))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["would_load"], false);
    assert_eq!(
        body["why_not"],
        "1 of 2 features would be rejected (listed in the report): fix them in the file, or load the good features only (the page's check box, upload field allow_rejects=true, CLI --allow-rejects)"
    );
    assert_eq!(body["report"]["rejected"], 1);
    assert_eq!(body["report"]["issues"][0]["index"], 1);
    assert_eq!(body["report"]["loaded"], 1);
    let allowed = [NEW_FLOOD, &[("allow_rejects", "true")]].concat();
    let (_, body) = api
        .preview("flood", &allowed, ("mixed.geojson", mixed))
        .await;
    assert_eq!(body["would_load"], true, "{body}");

    // What stops a load stops its preview, with the same problem.
    let cut = &file[..file.len() - 10];
    let (status, preview) = api
        .preview("flood", NEW_FLOOD, ("zones.geojson", cut))
        .await;
    let (_, _, upload) = api.upload("flood", NEW_FLOOD, ("zones.geojson", cut)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(preview["detail"], upload["detail"]);
    let (status, body) = api.preview("flood", &[], ("zones.geojson", &file)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("kind"), "{body}");
    let csv = b"x,y,name\n500000,9800000,a\n";
    let (status, body) = api
        .preview(
            "sites",
            &[("kind", "exposure"), ("theme", "settlements")],
            ("sites.csv", csv),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("srs"), "{body}");
    let (status, body) = api
        .preview(
            "sites",
            &[
                ("kind", "exposure"),
                ("theme", "settlements"),
                ("srs", "EPSG:32735"),
                ("name_field", "name"),
            ],
            ("sites.csv", csv),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["report"]["source_crs"], "EPSG:32735");
    assert_eq!(body["mapped"]["name"], 1);
    let lon = body["sample"]["features"][0]["geometry"]["coordinates"][0]
        .as_f64()
        .unwrap();
    assert!((26.9..27.1).contains(&lon), "{body}");

    // Once loaded, a preview of a new file keeps the layer's settings, as a load would.
    assert_eq!(
        api.upload("flood", NEW_FLOOD, ("zones.geojson", &file))
            .await
            .0,
        StatusCode::CREATED
    );
    let (_, body) = api.preview("flood", &[], ("zones.geojson", &file)).await;
    assert_eq!(body["layer"]["title"], "Flood zones");
    assert_eq!(api.get("/api/layers/flood").await.2["current_version"], 1);

    // The editor's role, as for a load.
    let req = form_request(
        "/api/layers/flood/preview",
        None,
        &[],
        ("zones.geojson", &file),
    );
    assert_eq!(api.send(req).await.0, StatusCode::UNAUTHORIZED);
}

/// Bad requests, each with its status and exact message.
async fn bad_requests_get_exact_problems(api: Api) {
    let file = zones(&[2.0]);
    let cases: Vec<(&str, Request<Body>, StatusCode, &str)> = vec![
        (
            "no token",
            api.upload_request("flood", None, NEW_FLOOD, ("z.geojson", &file)),
            StatusCode::UNAUTHORIZED,
            "this request needs a token: send 'Authorization: Bearer <token>' (create one with `sitroom token create NAME`)",
        ),
        (
            "a bad token",
            api.upload_request(
                "flood",
                Some("sitroom_0000"),
                NEW_FLOOD,
                ("z.geojson", &file),
            ),
            StatusCode::UNAUTHORIZED,
            "the token is not valid (unknown, revoked or expired): ask an administrator for a new one",
        ),
        (
            "a layer id with path characters",
            api.upload_request(
                "..%2F..%2Fetc",
                Some(&api.token),
                NEW_FLOOD,
                ("z.geojson", &file),
            ),
            StatusCode::BAD_REQUEST,
            "layer id '../../etc' is not a valid slug: use 1-64 lowercase ASCII letters, digits, '-' or '_', starting with a letter or digit (e.g. 'flood-2026')",
        ),
        (
            "an upload over the limit",
            api.upload_request(
                "flood",
                Some(&api.token),
                NEW_FLOOD,
                ("z.geojson", &vec![b' '; 3000]),
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
            "uploads are limited to 2048 bytes: split the file, or ask the operator to raise --upload-limit-mb",
        ),
        (
            "a new layer without its kind",
            api.upload_request(
                "flood",
                Some(&api.token),
                &[("theme", "flood")],
                ("z.geojson", &file),
            ),
            StatusCode::BAD_REQUEST,
            "layer 'flood' is new: give its kind (hazard, exposure, boundary or context)",
        ),
        (
            "an unknown form field",
            api.upload_request(
                "flood",
                Some(&api.token),
                &[("colour", "red")],
                ("z.geojson", &file),
            ),
            StatusCode::BAD_REQUEST,
            "unknown form field 'colour': send 'file' and any of title, kind, theme, sensitivity, anonymous, attribution, classification, name_field, code_field, population_field, households_field, hazard_field, srs, source_layer, allow_rejects",
        ),
        (
            "a file name without extension",
            api.upload_request("flood", Some(&api.token), NEW_FLOOD, ("zones", &file)),
            StatusCode::BAD_REQUEST,
            "the 'file' part needs a file name with an extension (e.g. zones.geojson, camps.csv, roads.zip)",
        ),
        (
            "an unknown layer",
            Request::get("/api/layers/nowhere")
                .body(Body::empty())
                .unwrap(),
            StatusCode::NOT_FOUND,
            "layer 'nowhere' does not exist: GET /api/layers lists the layers there are",
        ),
        (
            "an unknown path",
            Request::get("/api/nothing").body(Body::empty()).unwrap(),
            StatusCode::NOT_FOUND,
            "no resource at '/api/nothing': see /api/layers and /health",
        ),
    ];
    let mut failures = Vec::new();
    for (what, req, status, detail) in cases {
        let (got_status, ctype, body) = api.send(req).await;
        if got_status != status
            || body["detail"] != detail
            || ctype.as_deref() != Some("application/problem+json")
            || body["status"] != status.as_u16()
        {
            failures.push(format!(
                "{what}: expected {status} {detail:?}\n   got {got_status} {ctype:?} {body}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        api.get("/api/layers").await.2,
        json!([]),
        "nothing was created"
    );
}

async fn a_streamed_upload_over_the_limit_is_cut_off(api: Api) {
    // No Content-Length: the limit is enforced while streaming.
    let body = multipart(NEW_FLOOD, ("z.geojson", &vec![b' '; 100_000]));
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        body.chunks(1000).map(|c| Ok(c.to_vec())).collect();
    let req = Request::post("/api/layers/flood")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::AUTHORIZATION, format!("Bearer {}", api.token))
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap();
    let (status, _, body) = api.send(req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
}

async fn health_names_the_store(api: Api) {
    let (status, _, body) = api.get("/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["store"], api.state.store.backend());
    assert_eq!(body["layers"], 0);
}

macro_rules! api_tests {
    ($($name:ident: $limit:expr),+ $(,)?) => {
        mod sqlite_backend {
            $(#[tokio::test] async fn $name() { super::$name(super::Api::new(sitroom_tests::sqlite(), $limit)).await; })+
        }
        mod postgis_backend {
            $(#[tokio::test] async fn $name() { super::$name(super::Api::new(sitroom_tests::postgis(), $limit)).await; })+
        }
    };
}

api_tests!(
    uploads_make_versions_and_failures_change_nothing: 10 * 1024 * 1024,
    previews_say_what_a_load_would_do_and_write_nothing: 1024 * 1024,
    bad_requests_get_exact_problems: 2048,
    a_streamed_upload_over_the_limit_is_cut_off: 10_000,
    health_names_the_store: 1024,
    events_announce_new_versions: 1024 * 1024,
    events_tell_a_caller_what_it_may_no_longer_read: 1024 * 1024,
);

async fn events_announce_new_versions(api: Api) {
    let resp = app(api.state.clone())
        .oneshot(api.read("/events"))
        .await
        .unwrap();
    assert_eq!(resp.headers()[header::CONTENT_TYPE], "text/event-stream");
    let mut body = resp.into_body();
    let (status, _, _) = api
        .upload("flood", NEW_FLOOD, ("zones.geojson", &zones(&[2.0])))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        next_event(&mut body).await,
        "event: layer\ndata: {\"layer\":\"flood\",\"version\":1}\n\n"
    );

    // The new layer is in the engine: its tiles are served, the second time from cache.
    for _ in 0..2 {
        let resp = app(api.state.clone())
            .oneshot(api.read("/tiles/flood/8/149/129.mvt"))
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
    }
    let (_, _, health) = api.get("/health").await;
    assert_eq!(health["tile_cache"]["hits"], 1);
    assert_eq!(health["tile_cache"]["misses"], 1);
}

/// The next event of an SSE body, as its text.
async fn next_event(body: &mut Body) -> String {
    let mut seen = String::new();
    while !seen.contains("\n\n") {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(10), body.frame())
            .await
            .expect("no event within 10 s")
            .unwrap()
            .unwrap();
        if let Ok(data) = frame.into_data() {
            seen.push_str(&String::from_utf8_lossy(&data));
        }
    }
    seen
}

async fn events_tell_a_caller_what_it_may_no_longer_read(api: Api) {
    let public: Vec<(&str, &str)> = NEW_FLOOD
        .iter()
        .copied()
        .chain([("anonymous", "true")])
        .collect();
    let (status, _, _) = api
        .upload("flood", &public, ("zones.geojson", &zones(&[2.0])))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    // An anonymous page (EventSource sends no token) listens.
    let resp = app(api.state.clone())
        .oneshot(Request::get("/events").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let mut body = resp.into_body();
    let access = |change: &str| {
        Request::patch("/api/layers/flood")
            .header(header::AUTHORIZATION, format!("Bearer {}", api.token))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(change.to_owned()))
            .unwrap()
    };
    // Closed to callers without a token: the page hears the layer is gone for it.
    let (status, _, _) = api.send(access(r#"{"anonymous":false}"#)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        next_event(&mut body).await,
        "event: layer\ndata: {\"layer\":\"flood\",\"version\":null}\n\n"
    );
    // A new version while closed is not announced to it (nor is any layer it may not
    // read): the next event it hears is the layer opened again.
    let (status, _, _) = api
        .upload("flood", &[], ("zones.geojson", &zones(&[2.0, 1.0])))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _, _) = api.send(access(r#"{"anonymous":true}"#)).await;
    assert_eq!(status, StatusCode::OK);
    let event = next_event(&mut body).await;
    assert!(
        event.starts_with("event: layer\ndata: {\"layer\":\"flood\",\"version\":")
            && !event.contains("null"),
        "{event}"
    );
}

//! Tile and query parameters through the real router: the input picks a route and
//! supplies the rest of its address (path segments and query string), sent in process to
//! the app over a small fixture (two districts, a flood zone, households). Any answer but
//! a 5xx is fine; a 5xx, a panic or a crash is a finding.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use sitroom::api::{AppState, app};
use sitroom::model::{FieldMapping, MetaChanges};
use sitroom::load::{LoadSource, load_file};
use tower::ServiceExt as _;

const ROUTES: &[&str] = &[
    "/tiles/",
    "/tiles/zones/",
    "/tiles/zones,districts,households/",
    "/ogc/collections/households/items?",
    "/ogc/collections/zones/items?",
    "/ogc/collections/districts/items/",
    "/api/exposure?hazard=zones&exposure=households&",
    "/api/exposure?",
    "/api/exposure/tiles/",
    "/api/exposure/tiles.json?hazard=zones&exposure=households&",
    "/api/search?",
    "/api/hazards/at?",
    "/catalog?",
    "/fonts/",
    "/api/layers/",
];

const DISTRICTS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"11","name":"West"},"geometry":{"type":"Polygon","coordinates":[[[30.0,-2.0],[30.1,-2.0],[30.1,-1.9],[30.0,-1.9],[30.0,-2.0]]]}},
{"type":"Feature","properties":{"code":"12","name":"East"},"geometry":{"type":"Polygon","coordinates":[[[30.1,-2.0],[30.2,-2.0],[30.2,-1.9],[30.1,-1.9],[30.1,-2.0]]]}}]}"#;

const ZONES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"class":"high"},"geometry":{"type":"Polygon","coordinates":[[[30.05,-1.98],[30.15,-1.98],[30.15,-1.92],[30.05,-1.92],[30.05,-1.98]]]}}]}"#;

const HOUSEHOLDS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"hh":3,"people":12},"geometry":{"type":"Point","coordinates":[30.06,-1.95]}},
{"type":"Feature","properties":{"hh":9,"people":40},"geometry":{"type":"Point","coordinates":[30.16,-1.95]}}]}"#;

struct Fixture {
    runtime: tokio::runtime::Runtime,
    state: AppState,
    _dir: tempfile::TempDir,
}

fn load(store: &sitroom::store::Store, dir: &std::path::Path, id: &str, text: &str, meta: MetaChanges) {
    let path = dir.join(format!("{id}.geojson"));
    std::fs::write(&path, text).expect("write fixture");
    let id = id.parse().expect("layer id");
    let meta = meta.resolve(&id, None).expect("metadata");
    let name = format!("{id}.geojson");
    load_file(
        store,
        &meta,
        &LoadSource {
            path: &path,
            name: &name,
            srs: None,
            source_layer: None,
            allow_rejects: false,
            limits: sitroom::ingest::LoadLimits::default(),
        },
        "fuzz",
        &|_, _| {},
    )
    .expect("load fixture");
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("fuzz.db").display().to_string();
        let store: Arc<sitroom::store::Store> =
            Arc::from(sitroom::store::open(&db).expect("store"));
        let open = |kind: &str, theme: &str, fields: FieldMapping| MetaChanges {
            kind: Some(kind.into()),
            theme: Some(theme.into()),
            anonymous: Some("true".into()),
            fields,
            ..MetaChanges::default()
        };
        load(
            store.as_ref(),
            dir.path(),
            "districts",
            DISTRICTS,
            open(
                "boundary",
                "district",
                FieldMapping {
                    code: Some("code".into()),
                    name: Some("name".into()),
                    ..FieldMapping::default()
                },
            ),
        );
        load(
            store.as_ref(),
            dir.path(),
            "zones",
            ZONES,
            MetaChanges {
                classification: Some("class-names".into()),
                ..open(
                    "hazard",
                    "flood",
                    FieldMapping {
                        hazard: Some("class".into()),
                        ..FieldMapping::default()
                    },
                )
            },
        );
        load(
            store.as_ref(),
            dir.path(),
            "households",
            HOUSEHOLDS,
            MetaChanges {
                sensitivity: Some("restricted".into()),
                ..open(
                    "exposure",
                    "returnee",
                    FieldMapping {
                        households: Some("hh".into()),
                        population: Some("people".into()),
                        ..FieldMapping::default()
                    },
                )
            },
        );
        let state = AppState::new(
            store,
            sitroom::config::ServerSettings {
                rate_limit: 0.0,
                ..sitroom::config::ServerSettings::default()
            },
        )
        .expect("state");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        Fixture {
            runtime,
            state,
            _dir: dir,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(rest) = std::str::from_utf8(rest) else {
        return;
    };
    let uri = format!("{}{rest}", ROUTES[usize::from(pick) % ROUTES.len()]);
    let Ok(request) = axum::http::Request::get(uri.as_str()).body(axum::body::Body::empty()) else {
        return;
    };
    let f = fixture();
    let Ok(response) = f.runtime.block_on(app(f.state.clone()).oneshot(request));
    let status = response.status();
    assert!(!status.is_server_error(), "{uri} answered {status}");
});

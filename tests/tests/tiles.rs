//! Vector tiles decoded with an independent MVT reader (mvt-reader) and checked against
//! the source geometry; TileJSON, catalog, ETag/304, compression, invalidation by a new
//! version, restricted layers, point counts, and tile sizes on the real village layer.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use geo::{Area, BoundingRect, Centroid, Coord, Euclidean, Length, MapCoords, MultiPolygon};
use http_body_util::BodyExt as _;
use mvt_reader::Reader;
use serde_json::Value;
use sitroom::api::{AppState, app};
use sitroom::engine::geometry::to_mercator;
use sitroom::load::{LoadSource, load_file};
use sitroom::model::{FieldMapping, LayerKind, LayerMeta, Sensitivity};
use sitroom::store::Store;
use tower::ServiceExt as _;

fn meta(id: &str, kind: LayerKind, theme: &str, code: Option<&str>) -> LayerMeta {
    LayerMeta {
        id: id.parse().unwrap(),
        title: id.into(),
        kind,
        theme: theme.parse().unwrap(),
        sensitivity: Sensitivity::Public,
        anonymous: true,
        fields: FieldMapping {
            code: code.map(str::to_owned),
            ..FieldMapping::default()
        },
        classification: None,
        attribution: "test".into(),
    }
}

fn load(store: &Store, m: &LayerMeta, path: &std::path::Path) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    load_file(
        store,
        m,
        &LoadSource {
            path,
            name: &name,
            srs: None,
            source_layer: None,
            allow_rejects: false,
            limits: sitroom::ingest::LoadLimits::default(),
        },
        "test",
        &|_, _| {},
    )
    .unwrap();
}

struct Served {
    state: AppState,
    _keep: sitroom_tests::TestStore,
}

impl Served {
    async fn get(
        &self,
        uri: &str,
        headers: &[(&str, &str)],
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let mut req = Request::get(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = app(self.state.clone())
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        (status, headers, body)
    }
}

/// A served store holding one real admin layer from the mirror.
/// Settings whose request timeout outlasts a debug build's first tiles of all villages
/// on two busy cores (what these tests check is the tiles, not the timeout, which
/// `limits.rs` tests).
fn patient() -> sitroom::config::ServerSettings {
    sitroom::config::ServerSettings {
        request_timeout: std::time::Duration::from_secs(600),
        ..sitroom::config::ServerSettings::default()
    }
}

fn served_with(id: &str, theme: &str, file: &str) -> Served {
    let t = sitroom_tests::sqlite();
    load(
        &t.store,
        &meta(id, LayerKind::Boundary, theme, Some("id")),
        &sitroom_tests::mirror().join(file),
    );
    let store: Arc<Store> = Arc::from(sitroom::store::open(&t.url).unwrap());
    Served {
        state: AppState::new(store, patient()).unwrap(),
        _keep: t,
    }
}

fn with_sectors() -> Served {
    served_with("sectors", "sector", "admin/rwa_sectors.geojson")
}

fn with_villages() -> Served {
    served_with("villages", "village", "admin/rwa_villages.geojson")
}

fn source_sector(code: i64) -> MultiPolygon<f64> {
    match sitroom_tests::source_sector(code) {
        geo::Geometry::MultiPolygon(m) => m,
        geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
        _ => panic!("not a polygon"),
    }
}

#[tokio::test]
async fn a_sector_in_a_tile_covers_its_true_area_within_a_pixel() {
    let s = with_sectors();
    // Gitega (Nyarugenge, Kigali), code 1101, about 1.5 km².
    let sector = source_sector(1101);
    let merc = sector.map_coords(to_mercator);
    let mut checked = 0;
    for z in 9u32..=15 {
        let t = sitroom_tests::tile_at(sector.centroid().unwrap().0, z);
        let [w, s_, e, n] = t.bounds_m();
        let r = merc.bounding_rect().unwrap();
        if !(r.min().x > w && r.max().x < e && r.min().y > s_ && r.max().y < n) {
            continue; // the sector straddles tiles at this zoom
        }
        checked += 1;

        let (status, headers, body) = s
            .get(&format!("/tiles/sectors/{}/{}/{}.mvt", t.z, t.x, t.y), &[])
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "application/vnd.mapbox-vector-tile"
        );
        let reader = Reader::new(body).unwrap();
        assert_eq!(reader.get_layer_names().unwrap(), ["sectors"]);
        let meta = &reader.get_layer_metadata().unwrap()[0];
        assert_eq!(meta.extent, 4096);
        let features = reader.get_features(0).unwrap();
        let gitega = features
            .iter()
            .find(|f| {
                matches!(
                    f.properties.as_ref().and_then(|p| p.get("id")),
                    Some(
                        mvt_reader::feature::Value::SInt(1101)
                            | mvt_reader::feature::Value::Int(1101)
                            | mvt_reader::feature::Value::UInt(1101)
                    )
                )
            })
            .expect("Gitega is in its tile");
        // Tile units to metres: 4096 units per tile span.
        let unit_m = t.span_m() / 4096.0;
        let tile_area_m2 = match &gitega.geometry {
            geo::Geometry::MultiPolygon(m) => m
                .map_coords(|c| Coord {
                    x: f64::from(c.x),
                    y: f64::from(c.y),
                })
                .unsigned_area(),
            geo::Geometry::Polygon(p) => p
                .map_coords(|c| Coord {
                    x: f64::from(c.x),
                    y: f64::from(c.y),
                })
                .unsigned_area(),
            other => panic!("sector decoded as {other:?}"),
        } * unit_m
            * unit_m;
        let true_area_m2 = merc.unsigned_area();
        let perimeter_m: f64 = merc.iter().map(|p| Euclidean.length(p.exterior())).sum();
        // A 512-pixel tile: one pixel is span / 512.
        let pixel_m = t.span_m() / 512.0;
        let diff = (tile_area_m2 - true_area_m2).abs();
        assert!(
            diff <= perimeter_m * pixel_m,
            "z{z}: tile area {tile_area_m2:.0} m² vs true {true_area_m2:.0} m² (off by {diff:.0}, allowed {:.0})",
            perimeter_m * pixel_m
        );
    }
    assert!(
        checked >= 2,
        "the sector fitted in one tile at only {checked} zooms"
    );
}

#[tokio::test]
async fn http_caching_compression_tilejson_catalog_and_invalidation() {
    let s = with_sectors();
    let t = sitroom_tests::tile_at(Coord { x: 30.06, y: -1.95 }, 10);
    let uri = format!("/tiles/sectors/{}/{}/{}.mvt", t.z, t.x, t.y);
    let (status, headers, body) = s.get(&uri, &[]).await;
    assert_eq!(status, StatusCode::OK);
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=60");
    let (status, _, empty) = s.get(&uri, &[("if-none-match", &etag)]).await;
    assert_eq!((status, empty.len()), (StatusCode::NOT_MODIFIED, 0));

    // Compression by Accept-Encoding.
    for enc in ["gzip", "br"] {
        let (status, headers, compressed) = s.get(&uri, &[("accept-encoding", enc)]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_ENCODING], enc);
        assert!(
            compressed.len() < body.len(),
            "{enc} did not shrink the tile"
        );
    }

    // Choosing attributes and filtering features.
    let (status, _, body) = s
        .get(&format!("{uri}?properties=name,population&filter=name%20IN%20('Gitega','Kigali')%20AND%20population%20%3E%200"), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    let features = Reader::new(body).unwrap().get_features(0).unwrap();
    assert_eq!(features.len(), 2, "{features:?}");
    for f in &features {
        let p = f.properties.as_ref().unwrap();
        let mut keys: Vec<&String> = p.keys().collect();
        keys.sort();
        assert_eq!(keys, ["name", "population"]);
    }
    for (query, detail) in [
        (
            "properties=colour",
            "unknown property 'colour': the fields are id, name, population, household, prov_id, dist_id",
        ),
        (
            "filter=colour%3D'red'",
            "unknown field 'colour' in filter: the fields are id, name, population, household, prov_id, dist_id",
        ),
        (
            "filter=name%3D",
            "the filter is not CQL2 text: at position 6, expected a value ('text', a number, TRUE or FALSE), or a field, or '('",
        ),
    ] {
        let (status, _, body) = s.get(&format!("{uri}?{query}"), &[]).await;
        let p: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            (status, p["detail"].as_str().unwrap()),
            (StatusCode::BAD_REQUEST, detail),
            "{query}"
        );
    }

    // An empty tile (the middle of the Pacific) is 204.
    let (status, _, _) = s.get("/tiles/sectors/6/0/31.mvt", &[]).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    // TileJSON 3.0.
    let (status, _, tj) = s
        .get("/tiles/sectors.json", &[("host", "maps.example:8080")])
        .await;
    assert_eq!(status, StatusCode::OK);
    let tj: Value = serde_json::from_slice(&tj).unwrap();
    assert_eq!(tj["tilejson"], "3.0.0");
    assert_eq!(
        tj["tiles"][0],
        "http://maps.example:8080/tiles/sectors/{z}/{x}/{y}.mvt"
    );
    assert_eq!(tj["vector_layers"][0]["id"], "sectors");
    assert_eq!(tj["vector_layers"][0]["fields"]["name"], "String");
    assert_eq!(tj["vector_layers"][0]["fields"]["population"], "Number");
    let b = tj["bounds"].as_array().unwrap();
    assert!(
        (b[0].as_f64().unwrap() - 28.86).abs() < 0.05
            && (b[3].as_f64().unwrap() + 1.05).abs() < 0.05,
        "{b:?}"
    );

    let (_, _, catalog) = s.get("/catalog", &[]).await;
    let catalog: Value = serde_json::from_slice(&catalog).unwrap();
    assert_eq!(catalog["tiles"]["sectors"]["version"], 1);
    assert_eq!(catalog["tiles"]["sectors"]["features"], 416);

    // A new version: the old ETag no longer matches and the tile shows the new data.
    let dir = tempfile::tempdir().unwrap();
    let one = sitroom_tests::write(
        &dir,
        "one.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":9999,"name":"Only"},
            "geometry":{"type":"Polygon","coordinates":[[[29.9,-2.1],[30.3,-2.1],[30.3,-1.8],[29.9,-1.8],[29.9,-2.1]]]}}]}"#,
    );
    load(
        s.state.store.as_ref(),
        &meta("sectors", LayerKind::Boundary, "sector", Some("id")),
        &one,
    );
    // Before the engine syncs, readers keep the complete previous version.
    let (status, _, _) = s.get(&uri, &[("if-none-match", &etag)]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    s.state.sync_engine().await;
    let (status, headers, body) = s.get(&uri, &[("if-none-match", &etag)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(headers[header::ETAG].to_str().unwrap(), etag);
    let features = Reader::new(body).unwrap().get_features(0).unwrap();
    assert_eq!(features.len(), 1);

    // Bad addresses are 400s that say why.
    for (uri, detail) in [
        (
            "/tiles/sectors/23/0/0.mvt",
            "zoom 23 is out of range: use 0 to 22",
        ),
        (
            "/tiles/sectors/2/9/0.mvt",
            "tile 2/9/0 does not exist: at zoom 2, x and y run from 0 to 3",
        ),
        (
            "/tiles/sectors/a/0/0.mvt",
            "zoom 'a' is not a whole number: tiles are /tiles/{layers}/{z}/{x}/{y}.mvt",
        ),
    ] {
        let (status, _, body) = s.get(uri, &[]).await;
        let p: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            (status, p["detail"].as_str().unwrap()),
            (StatusCode::BAD_REQUEST, detail),
            "{uri}"
        );
    }
    let (status, _, body) = s.get("/tiles/nothing/0/0/0.mvt", &[]).await;
    let p: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        p["detail"],
        "layer 'nothing' does not exist: GET /catalog lists the tile layers"
    );
}

#[tokio::test]
async fn several_layers_in_one_tile_restricted_points_and_counts() {
    let t = sitroom_tests::sqlite();
    let store = &t.store;
    load(
        store,
        &meta("sectors", LayerKind::Boundary, "sector", Some("id")),
        &sitroom_tests::mirror().join("admin/rwa_sectors.geojson"),
    );
    // 500 points in a 100 m square: at low zoom they merge, with their count kept.
    let dir = tempfile::tempdir().unwrap();
    let points: Vec<String> = (0..500)
        .map(|i| {
            let (dx, dy) = (f64::from(i % 25) * 0.00004, f64::from(i / 25) * 0.00004);
            format!(r#"{{"type":"Feature","properties":{{"n":{i}}},"geometry":{{"type":"Point","coordinates":[{},{}]}}}}"#, 30.06 + dx, -1.95 + dy)
        })
        .collect();
    let file = sitroom_tests::write(
        &dir,
        "hh.geojson",
        &format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            points.join(",")
        ),
    );
    let restricted = LayerMeta {
        sensitivity: Sensitivity::Restricted,
        ..meta("households", LayerKind::Exposure, "returnee", None)
    };
    load(store, &restricted, &file);
    let (token, _) = sitroom::auth::create_token(
        store,
        "analyst",
        sitroom::model::Role::Analyst,
        None,
        "tests",
    )
    .unwrap();
    let shared: Arc<Store> = Arc::from(sitroom::store::open(&t.url).unwrap());
    let s = Served {
        state: AppState::new(shared, patient()).unwrap(),
        _keep: t,
    };

    let tile = sitroom_tests::tile_at(Coord { x: 30.06, y: -1.95 }, 8);
    let uri = format!(
        "/tiles/sectors,households/{}/{}/{}.mvt",
        tile.z, tile.x, tile.y
    );
    // Without clearance: the restricted layer comes as its sector's aggregate (its
    // households are not mapped, so features are counted: 500, enough to show), never
    // as points.
    let (status, headers, body) = s.get(&uri, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "private, max-age=60");
    assert_eq!(headers[header::VARY], "accept-encoding, authorization");
    let reader = Reader::new(body).unwrap();
    let agg = reader.get_features(1).unwrap();
    assert_eq!(agg.len(), 1, "one sector holds the points");
    assert!(matches!(
        agg[0].geometry,
        geo::Geometry::Polygon(_) | geo::Geometry::MultiPolygon(_)
    ));
    let props = agg[0].properties.as_ref().unwrap();
    assert_eq!(
        props.get("suppressed"),
        Some(&mvt_reader::feature::Value::Bool(false))
    );
    assert_eq!(
        props.get("features"),
        Some(&mvt_reader::feature::Value::Double(500.0))
    );
    assert!(props.get("n").is_none(), "no attribute of a household");
    let auth = format!("Bearer {token}");
    let (status, headers, body) = s.get(&uri, &[("authorization", &auth)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "private, max-age=60");
    let reader = Reader::new(body).unwrap();
    assert_eq!(reader.get_layer_names().unwrap(), ["sectors", "households"]);
    let hh = reader.get_features(1).unwrap();
    assert!(
        hh.len() < 20,
        "500 points in 100 m should merge at zoom 8, got {}",
        hh.len()
    );
    let total: i64 = hh
        .iter()
        .map(
            |f| match f.properties.as_ref().and_then(|p| p.get("point_count")) {
                Some(mvt_reader::feature::Value::UInt(n)) => i64::try_from(*n).unwrap(),
                Some(mvt_reader::feature::Value::SInt(n) | mvt_reader::feature::Value::Int(n)) => {
                    *n
                }
                None => 1,
                other => panic!("point_count {other:?}"),
            },
        )
        .sum();
    assert_eq!(total, 500, "merged points keep their count");

    // At zoom 20 they are apart again.
    let tile = sitroom_tests::tile_at(
        Coord {
            x: 30.0604,
            y: -1.9496,
        },
        20,
    );
    let (_, _, body) = s
        .get(
            &format!("/tiles/households/{}/{}/{}.mvt", tile.z, tile.x, tile.y),
            &[("authorization", &auth)],
        )
        .await;
    let hh = Reader::new(body).unwrap().get_features(0).unwrap();
    assert!(
        hh.iter()
            .all(|f| f.properties.as_ref().unwrap().get("point_count").is_none())
    );
}

#[tokio::test]
async fn no_village_tile_is_larger_than_500_kb() {
    let s = with_villages();
    let (west, south, east, north) = (28.86, -2.84, 30.9, -1.05);
    let mut largest = (0usize, String::new());
    for z in 0..=12u32 {
        let a = sitroom_tests::tile_at(Coord { x: west, y: north }, z);
        let b = sitroom_tests::tile_at(Coord { x: east, y: south }, z);
        // Every tile up to zoom 9; beyond, a sample of columns and rows across the country.
        let step = if z <= 9 { 1 } else { 1 + (b.x - a.x) / 6 };
        for x in (a.x..=b.x).step_by(step as usize) {
            for y in (a.y..=b.y).step_by(step as usize) {
                let (status, _, body) = s
                    .get(&format!("/tiles/villages/{z}/{x}/{y}.mvt"), &[])
                    .await;
                assert!(status == StatusCode::OK || status == StatusCode::NO_CONTENT);
                if body.len() > largest.0 {
                    largest = (body.len(), format!("{z}/{x}/{y}"));
                }
            }
        }
    }
    assert!(
        largest.0 < 500 * 1024,
        "tile {} is {} bytes",
        largest.1,
        largest.0
    );
    let _ = Euclidean;
}

#[tokio::test]
async fn in_a_tile_of_several_layers_the_last_is_not_crowded_out() {
    let t = sitroom_tests::sqlite();
    for (id, theme, file) in [
        ("villages", "village", "admin/rwa_villages.geojson"),
        ("cells", "cell", "admin/rwa_cells.geojson"),
    ] {
        load(
            &t.store,
            &meta(id, LayerKind::Boundary, theme, Some("id")),
            &sitroom_tests::mirror().join(file),
        );
    }
    let store: Arc<Store> = Arc::from(sitroom::store::open(&t.url).unwrap());
    // A debug build beside the other tests takes its time over these tiles.
    let settings = sitroom::config::ServerSettings {
        request_timeout: std::time::Duration::from_secs(600),
        ..sitroom::config::ServerSettings::default()
    };
    let s = Served {
        state: AppState::new(store, settings).unwrap(),
        _keep: t,
    };
    // Zoom 8 over the east of the country: the villages alone fill the budget.
    let tile = sitroom_tests::tile_at(Coord { x: 30.2, y: -1.9 }, 8);
    let at = |layers: &str| format!("/tiles/{layers}/{}/{}/{}.mvt", tile.z, tile.x, tile.y);
    let count = |body: &[u8], layer: usize| {
        Reader::new(body.to_vec())
            .unwrap()
            .get_features(layer)
            .unwrap()
            .len()
    };
    let get = |layers: &'static str| {
        let (s, at) = (&s, at(layers));
        async move {
            let (status, _, body) = s.get(&at, &[]).await;
            assert_eq!(
                status,
                StatusCode::OK,
                "{at}: {}",
                String::from_utf8_lossy(&body)
            );
            body
        }
    };
    let alone = get("cells").await;
    let villages = get("villages").await;
    assert!(villages.len() > 400 * 1024, "{} bytes", villages.len());
    let both = get("villages,cells").await;
    let names: Vec<String> = Reader::new(both.clone())
        .unwrap()
        .get_layer_names()
        .unwrap();
    assert_eq!(names, ["villages", "cells"]);
    assert!(both.len() < 500 * 1024, "{} bytes", both.len());
    let cells_alone = count(&alone, 0);
    assert!(
        count(&both, 1) * 2 >= cells_alone,
        "the cells keep at least half their features beside the villages: {} of {cells_alone}",
        count(&both, 1)
    );
    assert!(count(&both, 0) > 0 && count(&both, 0) <= count(&villages, 0));
}

#[tokio::test]
async fn village_polygons_in_tiles_are_valid() {
    use geo::Validation;
    let s = with_villages();
    let (mut polygons, mut invalid) = (0, Vec::new());
    for z in [8u32, 10, 12, 14] {
        for (lon, lat) in [(30.06, -1.95), (29.6, -1.7), (29.3, -2.4), (30.5, -2.2)] {
            let tile = sitroom_tests::tile_at(Coord { x: lon, y: lat }, z);
            let (_, _, body) = s
                .get(
                    &format!("/tiles/villages/{}/{}/{}.mvt", tile.z, tile.x, tile.y),
                    &[],
                )
                .await;
            if body.is_empty() {
                continue;
            }
            for f in Reader::new(body).unwrap().get_features(0).unwrap() {
                let g = f.geometry.map_coords(|c| Coord {
                    x: f64::from(c.x),
                    y: f64::from(c.y),
                });
                polygons += 1;
                if let Err(e) = g.check_validation() {
                    invalid.push(format!("z{z} feature {:?}: {e}", f.id));
                }
            }
        }
    }
    assert!(polygons > 1000, "only {polygons} polygons checked");
    assert!(
        invalid.is_empty(),
        "{} of {polygons} invalid, e.g. {:?}",
        invalid.len(),
        &invalid[..invalid.len().min(5)]
    );
}

//! The crates the design card names against what sitroom does by hand, on real data, in
//! one process: reading GeoJSON (the `geojson` crate's streaming `FeatureReader` against
//! our one-pass reader), writing GeoJSON geometries (the `geojson` crate against
//! `formats::geojson`), and encoding vector tiles (the `mvt` crate against
//! `engine::tiles::mvt`). Prints medians of RUNS; asserts nothing. The results and what
//! was decided are in docs/decisions/crates.md.
//!
//!   cargo bench -p sitroom --bench crates            # RUNS=5, the mirror's villages
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::Instant;

use sitroom::engine::LayerSnapshot;
use sitroom::engine::geometry::to_lonlat;
use sitroom::engine::tiles::TileId;
use sitroom::engine::tiles::mvt::{LayerBuilder, TileGeometry};
use sitroom::engine::tiles::shape::to_tile;
use sitroom::model::{FieldMapping, LayerKind, LayerMeta, Sensitivity};

/// One feature ready to encode: id, tile geometry, attributes.
type Prepared = (u64, TileGeometry, Vec<(String, serde_json::Value)>);

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut out = None;
    let times = (0..runs)
        .map(|_| {
            let t = Instant::now();
            out = Some(f());
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    (median(times), out.unwrap())
}

fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let mirror = std::env::var("SITROOM_MIRROR")
        .unwrap_or_else(|_| format!("{}/../../shared/data", env!("CARGO_MANIFEST_DIR")));
    let path = format!("{mirror}/admin/rwa_villages.geojson");
    let bytes = std::fs::read(&path).unwrap();
    println!(
        "{} ({} MB), median of {runs}",
        path,
        bytes.len() / 1_000_000
    );

    // 1. Reading: every feature with its geometry and properties.
    let (ours, n) = time(runs, || {
        sitroom::ingest::geojson::read(&bytes, "villages", "villages")
            .unwrap()
            .features
            .len()
    });
    let (theirs, m) = time(runs, || {
        geojson::FeatureReader::from_reader(bytes.as_slice())
            .features()
            .map(|f| usize::from(f.unwrap().geometry.is_some()))
            .sum::<usize>()
    });
    assert_eq!(n, m);
    println!(
        "read   ours {ours:8.1} ms   geojson::FeatureReader {theirs:8.1} ms   ratio {:.2}",
        theirs / ours
    );

    // A snapshot of the villages, as the server holds them.
    let features = sitroom::ingest::read(
        std::path::Path::new(&path),
        "villages",
        &sitroom::ingest::LoadOptions {
            kind: LayerKind::Boundary,
            srs: None,
            source_layer: None,
            fields: FieldMapping::default(),
            classification: None,
            allow_rejects: true,
            limits: sitroom::ingest::LoadLimits::default(),
        },
        &|_, _| {},
    )
    .unwrap();
    let meta = LayerMeta {
        id: "villages".parse().unwrap(),
        title: "villages".into(),
        kind: LayerKind::Boundary,
        theme: "village".parse().unwrap(),
        sensitivity: Sensitivity::Public,
        anonymous: true,
        fields: FieldMapping::default(),
        classification: None,
        attribution: String::new(),
    };
    let snap = LayerSnapshot::build(meta, 1, features.bbox, features.features).unwrap();

    // 2. Writing GeoJSON geometries in lon/lat.
    let (ours, a) = time(runs, || {
        snap.features
            .iter()
            .map(|f| {
                sitroom::formats::geojson::geometry(&f.geometry, &to_lonlat)
                    .to_string()
                    .len()
            })
            .sum::<usize>()
    });
    let (theirs, b) = time(runs, || {
        use geo::MapCoords as _;
        snap.features
            .iter()
            .map(|f| {
                let g = f.geometry.map_coords(|c| {
                    let c = to_lonlat(c);
                    geo::Coord {
                        x: (c.x * 1e7).round() / 1e7,
                        y: (c.y * 1e7).round() / 1e7,
                    }
                });
                geojson::Geometry::from(&g).to_string().len()
            })
            .sum::<usize>()
    });
    println!(
        "write  ours {ours:8.1} ms   geojson::Geometry       {theirs:8.1} ms   ratio {:.2}   ({a} vs {b} bytes)",
        theirs / ours
    );

    // 3. Encoding tiles: the same tile geometries and attributes, zooms 8 to 12.
    let mut tiles = Vec::new();
    for z in 8..=12u32 {
        let t0 = sitroom_tile(30.06, -1.95, z);
        for dx in 0..3 {
            for dy in 0..3 {
                tiles.push(TileId::new(z, t0.x + dx, t0.y + dy).unwrap());
            }
        }
    }
    let prepared: Vec<Vec<Prepared>> = tiles
        .iter()
        .map(|t| {
            let [w, s, e, n] = t.buffered_m(64.0);
            snap.in_bounds_m([w, s, e, n])
                .filter_map(|f| {
                    let g = to_tile(&f.geometry, *t)?;
                    let attrs = f
                        .properties
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    Some((u64::try_from(f.fid).unwrap(), g, attrs))
                })
                .collect()
        })
        .collect();
    let (ours, a) = time(runs, || {
        prepared
            .iter()
            .map(|feats| {
                let mut b = LayerBuilder::new("villages");
                for (id, g, attrs) in feats {
                    b.add(*id, g, attrs.iter().map(|(k, v)| (k.as_str(), v)));
                }
                let mut out = Vec::new();
                b.finish_into(&mut out);
                out.len()
            })
            .sum::<usize>()
    });
    let (theirs, b) = time(runs, || {
        prepared
            .iter()
            .map(|feats| {
                let tile = mvt::Tile::new(4096);
                let mut layer = tile.create_layer("villages");
                for (id, g, attrs) in feats {
                    let data = encode_with_mvt(g);
                    let mut f = layer.into_feature(data);
                    f.set_id(*id);
                    for (k, v) in attrs {
                        match v {
                            serde_json::Value::String(s) => f.add_tag_string(k, s),
                            serde_json::Value::Number(n) => {
                                f.add_tag_double(k, n.as_f64().unwrap_or(0.0));
                            }
                            serde_json::Value::Bool(x) => f.add_tag_bool(k, *x),
                            _ => {}
                        }
                    }
                    layer = f.into_layer();
                }
                let mut tile = tile;
                tile.add_layer(layer).unwrap();
                tile.to_bytes().unwrap().len()
            })
            .sum::<usize>()
    });
    println!(
        "encode ours {ours:8.1} ms   mvt::Tile               {theirs:8.1} ms   ratio {:.2}   ({} tiles, {a} vs {b} bytes)",
        theirs / ours,
        tiles.len()
    );
}

fn encode_with_mvt(g: &TileGeometry) -> mvt::GeomData {
    match g {
        TileGeometry::Points(pts) => {
            let mut e = mvt::GeomEncoder::new(mvt::GeomType::Point);
            for p in pts {
                e.add_point(f64::from(p[0]), f64::from(p[1])).unwrap();
            }
            e.encode().unwrap()
        }
        TileGeometry::Lines(lines) => {
            let mut e = mvt::GeomEncoder::new(mvt::GeomType::Linestring);
            for l in lines {
                for p in l {
                    e.add_point(f64::from(p[0]), f64::from(p[1])).unwrap();
                }
                e.complete_geom().unwrap();
            }
            e.encode().unwrap()
        }
        TileGeometry::Polygons(polys) => {
            let mut e = mvt::GeomEncoder::new(mvt::GeomType::Polygon);
            for rings in polys {
                for r in rings {
                    for p in r {
                        e.add_point(f64::from(p[0]), f64::from(p[1])).unwrap();
                    }
                    e.complete_geom().unwrap();
                }
            }
            e.encode().unwrap()
        }
    }
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn sitroom_tile(lon: f64, lat: f64, z: u32) -> TileId {
    let m = sitroom::engine::geometry::to_mercator(geo::Coord { x: lon, y: lat });
    let h = sitroom::engine::geometry::HALF_WORLD_M;
    let span = 2.0 * h / f64::from(1u32 << z);
    TileId::new(z, ((m.x + h) / span) as u32, ((h - m.y) / span) as u32).unwrap()
}

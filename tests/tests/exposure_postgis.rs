//! Our exposure figures on the real demo against the same computation done
//! independently in PostGIS SQL (`scripts/sql/`): ST_Intersection areas for the census
//! population polygons, ST_Intersects for the returnee points. Per sector and class, the
//! two agree within 0.1%.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use sitroom::engine::Engine;
use sitroom::engine::exposure::{ExposureRequest, Needs, Versions, report};
use sitroom::store::Store;

/// Population per (sector code, class) from our report by sector.
fn ours(
    engine: &Engine,
    store: &Store,
    hazard: &str,
    exposure: &str,
) -> BTreeMap<(String, String), f64> {
    let (report, _) = report(
        engine,
        store,
        ExposureRequest {
            hazard,
            exposure,
            by: "sector",
            needs: Needs::SPHERE,
            versions: Versions::default(),
        },
        sitroom::engine::disclosure::Clearance::Detail,
    )
    .unwrap();
    let report = serde_json::to_value(report).unwrap();
    let mut out = BTreeMap::new();
    for u in report["units"].as_array().unwrap() {
        for c in u["classes"].as_array().unwrap() {
            out.insert(
                (
                    u["code"].as_str().unwrap().to_owned(),
                    c["class"].as_str().unwrap().to_owned(),
                ),
                c["population"].as_f64().unwrap(),
            );
        }
    }
    out
}

/// Population per (sector code, class) from the SQL scripts.
fn postgis(
    url: &str,
    hazard: &str,
    exposure: &str,
    script: &str,
) -> BTreeMap<(String, String), f64> {
    let sql = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/sql");
    let out = std::process::Command::new("psql")
        .arg(url)
        .args(["-q", "-v", &format!("hazard={hazard}")])
        .args([
            "-v",
            &format!("exposure={exposure}"),
            "-v",
            "units=rwa-villages",
        ])
        .arg("-f")
        .arg(sql.join("exposure-common.sql"))
        .arg("-f")
        .arg(sql.join(script))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let classes = ["none", "high", "medium", "low", "very_low"];
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split(',').collect();
            (cols[0].len() == 4).then(|| {
                (
                    (
                        cols[0].to_owned(),
                        classes[cols[1].parse::<usize>().unwrap()].to_owned(),
                    ),
                    cols[3].parse::<f64>().unwrap(),
                )
            })
        })
        .collect()
}

fn assert_agree(
    what: &str,
    ours: &BTreeMap<(String, String), f64>,
    sql: &BTreeMap<(String, String), f64>,
) {
    let sectors: std::collections::BTreeSet<&String> = sql.keys().map(|(s, _)| s).collect();
    assert!(sectors.len() > 400, "{what}: {} sectors", sectors.len());
    let mut worst = (0.0_f64, String::new());
    for key in ours.keys().chain(sql.keys()) {
        let (a, b) = (
            ours.get(key).copied().unwrap_or(0.0),
            sql.get(key).copied().unwrap_or(0.0),
        );
        // Within 0.1% (and a millionth of a person, for classes both put at ~0).
        let allowed = 0.001 * b.abs() + 1e-6;
        assert!(
            (a - b).abs() <= allowed,
            "{what}, sector {} class {}: ours {a} vs PostGIS {b}",
            key.0,
            key.1
        );
        if b > 0.0 && (a - b).abs() / b > worst.0 {
            worst = ((a - b).abs() / b, format!("{key:?}"));
        }
    }
    eprintln!(
        "{what}: worst relative difference {:.2e} at {}",
        worst.0, worst.1
    );
}

#[test]
fn per_sector_figures_match_postgis_sql_on_the_demo() {
    let url = sitroom_tests::postgis_url();
    sitroom_tests::demo(&url, &[]);
    let store = sitroom::store::open(&url).unwrap();
    let engine = Engine::load(&store).unwrap();

    let (hazard, exposure) = ("flood-zones", "population-2022");
    assert_agree(
        "census polygons x flood",
        &ours(&engine, &store, hazard, exposure),
        &postgis(&url, hazard, exposure, "exposure-polygons.sql"),
    );
    let (hazard, exposure) = ("landslide-susceptibility", "returnee-households");
    assert_agree(
        "returnee points x landslide",
        &ours(&engine, &store, hazard, exposure),
        &postgis(&url, hazard, exposure, "exposure-points.sql"),
    );
}

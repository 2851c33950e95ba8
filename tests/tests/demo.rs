//! `sitroom demo` on the real Rwanda data: counts, census scaling, camps, hazard
//! geography, labels, and a second run that changes nothing.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use geo::{Area, Centroid, Contains, Geometry as Geo, MultiPolygon};
use serde_json::Value;
use sitroom::model::{Feature, LayerId, Sensitivity};
use sitroom::store::{self, Store};

fn run_demo(db: &str) -> Value {
    let out = sitroom_tests::demo(db, &["--json"]);
    serde_json::from_slice(&out.stdout).unwrap()
}

fn features(s: &Store, id: &str) -> Vec<Feature> {
    let id: LayerId = id.parse().unwrap();
    let v = s.layer(&id).unwrap().unwrap().layer.current_version;
    s.features(&id, v).unwrap()
}

fn shape(f: &Feature) -> Geo<f64> {
    gdal::vector::Geometry::from_wkb(&f.wkb)
        .unwrap()
        .to_geo()
        .unwrap()
}

fn polygons(f: &Feature) -> MultiPolygon<f64> {
    match shape(f) {
        Geo::MultiPolygon(m) => m,
        Geo::Polygon(p) => MultiPolygon(vec![p]),
        other => panic!("not polygonal: {other:?}"),
    }
}

#[test]
fn demo_loads_real_rwanda_and_reruns_as_a_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db").display().to_string();
    let first = run_demo(&db);
    let counts: HashMap<String, i64> = first
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["layer"].as_str().unwrap().to_owned(),
                l["feature_count"].as_i64().unwrap(),
            )
        })
        .collect();
    for (layer, n) in [
        ("rwa-provinces", 5),
        ("rwa-districts", 30),
        ("rwa-sectors", 416),
        ("rwa-cells", 2148),
        ("rwa-villages", 14_814),
        ("population-2022", 14_814),
        ("camps", 10),
        ("volcanic-zones", 3),
        ("returnee-households", 3000),
        ("countries", 5),
        ("lakes", 18),
        ("rivers", 31),
    ] {
        assert_eq!(counts.get(layer), Some(&n), "{layer}");
    }
    assert!(counts["flood-zones"] > 1000 && counts["landslide-susceptibility"] > 1000);

    let s = store::open(&db).unwrap();
    let s = &s;

    // Official codes: each level's code starts with its parent's.
    let villages = features(s, "rwa-villages");
    assert!(
        villages
            .iter()
            .all(|v| v.code.as_deref().is_some_and(|c| c.len() == 8))
    );
    let cells: std::collections::HashSet<String> = features(s, "rwa-cells")
        .into_iter()
        .filter_map(|c| c.code)
        .collect();
    assert!(
        villages
            .iter()
            .all(|v| cells.contains(&v.code.as_ref().unwrap()[..6]))
    );

    // Population: the 2022 census total, every village with a figure.
    let population = features(s, "population-2022");
    let total: f64 = population.iter().map(|p| p.population.unwrap()).sum();
    assert_eq!(total, 13_246_394.0);
    // Gitega (Nyarugenge) has 26,668 people in the census.
    let gitega: f64 = population
        .iter()
        .filter(|p| p.code.as_deref().is_some_and(|c| c.starts_with("1101")))
        .map(|p| p.population.unwrap())
        .sum();
    assert_eq!(gitega, 26_668.0);

    // Camps: Mahama at its site; the others inside their sector, flagged.
    let sectors: HashMap<String, MultiPolygon<f64>> = features(s, "rwa-sectors")
        .iter()
        .map(|f| (f.code.clone().unwrap(), polygons(f)))
        .collect();
    for camp in features(s, "camps") {
        let Geo::Point(p) = shape(&camp) else {
            panic!("camp is not a point")
        };
        if camp.name.as_deref() == Some("Mahama") {
            assert_eq!((p.x(), p.y()), (30.8419, -2.3139));
            assert_eq!(camp.population, Some(55_240.0));
        } else {
            assert_eq!(camp.properties["location_precision"], "sector");
            let sector = &sectors[camp.code.as_ref().unwrap()];
            assert!(sector.contains(&p), "{:?} is outside its sector", camp.name);
        }
    }

    // Landslide susceptibility sits in the steep West and North.
    let districts: Vec<(String, MultiPolygon<f64>)> = features(s, "rwa-districts")
        .iter()
        .map(|f| (f.name.clone().unwrap(), polygons(f)))
        .collect();
    let mut high_by_district: HashMap<String, f64> = HashMap::new();
    let mut high_total = 0.0;
    for f in features(s, "landslide-susceptibility") {
        if f.hazard_class.as_deref() != Some("high") {
            continue;
        }
        let shape = polygons(&f);
        let area = shape.unsigned_area();
        high_total += area;
        if let Some(c) = shape.centroid()
            && let Some((name, _)) = districts.iter().find(|(_, d)| d.contains(&c))
        {
            *high_by_district.entry(name.clone()).or_default() += area;
        }
    }
    let named = [
        "Ngororero",
        "Rubavu",
        "Nyabihu",
        "Karongi",
        "Rutsiro",
        "Musanze",
        "Gakenke",
        "Burera",
    ];
    let share = |names: &dyn Fn(&str) -> bool| {
        let (mut high, mut land) = (0.0, 0.0);
        for (name, d) in &districts {
            if names(name) {
                high += high_by_district.get(name).copied().unwrap_or(0.0);
                land += d.unsigned_area();
            }
        }
        high / land
    };
    let in_named = share(&|n| named.contains(&n));
    let elsewhere = share(&|n| !named.contains(&n));
    assert!(
        in_named > 2.0 * elsewhere,
        "high landslide susceptibility covers {in_named:.3} of the named western/northern districts vs {elsewhere:.3} elsewhere"
    );
    let provinces = features(s, "rwa-provinces");
    let west_north: Vec<MultiPolygon<f64>> = provinces
        .iter()
        .filter(|p| matches!(p.code.as_deref(), Some("3" | "4")))
        .map(polygons)
        .collect();
    let high_in_west_north: f64 = districts
        .iter()
        .filter(|(_, d)| {
            d.centroid()
                .is_some_and(|c| west_north.iter().any(|p| p.contains(&c)))
        })
        .map(|(n, _)| high_by_district.get(n).copied().unwrap_or(0.0))
        .sum();
    assert!(
        high_in_west_north > 0.6 * high_total,
        "only {:.2} of high susceptibility is in the Western and Northern provinces",
        high_in_west_north / high_total
    );

    // Flood zones in all three classes.
    let classes: std::collections::HashSet<String> = features(s, "flood-zones")
        .into_iter()
        .filter_map(|f| f.hazard_class)
        .collect();
    assert_eq!(classes.len(), 3, "{classes:?}");

    // The synthetic hazards lie on Rwanda's land: no zone reaches more than 100 m past
    // the provinces' outline (not into the DEM's frame in the neighbouring countries).
    let country = provinces
        .iter()
        .map(|p| gdal::vector::Geometry::from_wkb(&p.wkb).unwrap())
        .reduce(|a, b| a.union(&b).unwrap())
        .unwrap();
    let near = country.buffer(100.0 / 111_320.0, 8).unwrap();
    for id in ["flood-zones", "flood-forecast", "landslide-susceptibility"] {
        let outside: Vec<String> = features(s, id)
            .iter()
            .filter_map(|f| {
                let g = gdal::vector::Geometry::from_wkb(&f.wkb).unwrap();
                (!g.within(&near)).then(|| format!("{} {:?}", f.fid, g.envelope()))
            })
            .collect();
        assert!(
            outside.is_empty(),
            "{id}: {} features reach more than 100 m outside Rwanda, e.g. {:?}",
            outside.len(),
            outside.first()
        );
    }

    // Synthetic layers say so; returnees are restricted.
    for id in [
        "flood-zones",
        "flood-forecast",
        "landslide-susceptibility",
        "returnee-households",
    ] {
        let l = s.layer(&id.parse().unwrap()).unwrap().unwrap().layer;
        assert!(
            l.meta.attribution.contains("SYNTHETIC"),
            "{id}: {}",
            l.meta.attribution
        );
        assert!(l.meta.title.contains("synthetic"), "{id}: {}", l.meta.title);
    }
    let returnees = s
        .layer(&"returnee-households".parse().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(returnees.layer.meta.sensitivity, Sensitivity::Restricted);

    // The demo's alert rules on the synthetic forecast: written and evaluated, the
    // sectors rule having drafted a CAP alert for the forecast's sectors.
    let rules = s.rules().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        ["forecast-floods-returnees", "forecast-floods-sectors"]
    );
    let alerts = s.alerts(&[], 100).unwrap();
    let alert = alerts
        .iter()
        .find(|a| {
            a.rule
                .as_ref()
                .is_some_and(|(r, _)| r.as_str() == "forecast-floods-sectors")
        })
        .expect("the synthetic forecast fires the sectors rule");
    assert!(
        !alert.areas.is_empty()
            && alert
                .areas
                .iter()
                .all(|a| a.code.len() == 4 && a.exposed >= 2000.0),
        "{:?}",
        alert
            .areas
            .iter()
            .map(|a| (&a.code, a.exposed))
            .collect::<Vec<_>>()
    );
    assert_eq!(alert.info.len(), 3, "en, fr and rw");
    let alerts_before = s.alerts(&[], 100).unwrap().len();
    let xml = sitroom::formats::cap::to_xml(alert, "sitroom demo");
    sitroom_tests::cap_schema_check(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));

    // A second run finds everything unchanged and adds no versions.
    let second = run_demo(&db);
    for l in second.as_array().unwrap() {
        assert_eq!(l["loaded"], false, "{l}");
        assert_eq!(l["version"], 1, "{l}");
    }
    assert!(
        s.rules().unwrap().iter().all(|r| r.version == 1),
        "rules unchanged: no new version"
    );
    assert_eq!(
        s.alerts(&[], 100).unwrap().len(),
        alerts_before,
        "and no new draft"
    );
}

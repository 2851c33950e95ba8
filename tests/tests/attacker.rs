//! An attacker against the real demo over real HTTP: anonymous and viewer callers try to
//! locate returnee households, or learn a count of 1 to 4 of them, by every way the API
//! offers — reports at every level, for every hazard layer, in every format; incident
//! areas closing in on one household (a quadtree) or cutting a hole around it; tiles,
//! features, filters and bboxes; the catalog and the layer's metadata; search. They
//! must learn nothing: every household figure they see is none or at least 5, every
//! difference between nested figures too, the answers for small areas do not depend on
//! whether a household is in them, and no coordinate of a household ever leaves the
//! server. The test also prints what the control costs (`--no-capture`).
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Value, json};
use sitroom::model::LayerId;

const MIN: f64 = 5.0;

/// Whether a published household figure is one the control allows.
fn allowed(n: f64) -> bool {
    n.abs() < 1e-6 || n >= MIN - 1e-6
}

struct Attacker {
    base: String,
    client: reqwest::blocking::Client,
    token: Option<String>,
}

impl Attacker {
    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let mut req = self.client.get(format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().unwrap();
        (resp.status().as_u16(), resp.bytes().unwrap().to_vec())
    }

    fn json(&self, path: &str) -> Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap()
    }

    fn area(&self, hazard: &str, geometry: &Value) -> Value {
        let mut req = self
            .client
            .post(format!(
                "{}/api/exposure/area?hazard={hazard}&exposure=returnee-households",
                self.base
            ))
            .json(geometry);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        resp.json().unwrap()
    }
}

/// Every household figure of a report unit (or area): per class and withheld.
fn unit_households(u: &Value) -> Vec<f64> {
    let mut out: Vec<f64> = u["classes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| c["households"].as_f64().unwrap())
        .collect();
    if let Some(w) = u["withheld"]["households"].as_f64() {
        out.push(w);
    }
    out
}

/// A position in units of 1e-7 degree.
#[expect(clippy::cast_possible_truncation)]
fn position(lon: f64, lat: f64) -> (i64, i64) {
    ((lon * 1e7).round() as i64, (lat * 1e7).round() as i64)
}

/// Every position in GeoJSON coordinates, however nested.
fn positions_in(v: &Value, out: &mut Vec<(i64, i64)>) {
    match v.as_array() {
        Some(a) if a.len() >= 2 && a[0].is_number() => {
            out.push(position(a[0].as_f64().unwrap(), a[1].as_f64().unwrap()));
        }
        Some(a) => a.iter().for_each(|x| positions_in(x, out)),
        None => {}
    }
}

fn box_around(lon: f64, lat: f64, half: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[
        [lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
        [lon - half, lat + half], [lon - half, lat - half]]]})
}

#[test]
fn an_attacker_learns_nothing_on_the_embedded_store() {
    let dir = tempfile::tempdir().unwrap();
    attack(&dir.path().join("demo.db").display().to_string());
}

#[test]
fn an_attacker_learns_nothing_on_postgis() {
    attack(&sitroom_tests::postgis_url());
}

fn attack(db: &str) {
    let db = db.to_owned();
    sitroom_tests::demo(&db, &[]);
    let out = sitroom_tests::sitroom_ok(&db, &["token", "create", "curious", "--role", "viewer"]);
    let viewer = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    // No rate limit (the attacker asks a lot), and a request timeout that outlasts a
    // debug build's first controlled answers on two busy cores.
    let server = sitroom_tests::serve(&db, &["--rate-limit", "0", "--request-timeout-s", "600"]);

    // What the attacker is after (read from the store, as only the server can).
    let store = sitroom::store::open(&db).unwrap();
    let id: LayerId = "returnee-households".parse().unwrap();
    let layer = store.layer(&id).unwrap().unwrap().layer;
    let households = store.features(&id, layer.current_version).unwrap();
    let mut true_by_village: BTreeMap<String, f64> = BTreeMap::new();
    for h in &households {
        *true_by_village.entry(h.code.clone().unwrap()).or_default() += 1.0;
    }
    // Each household's position, in units of 1e-7 degree (as GeoJSON is written).
    let positions: HashSet<(i64, i64)> = households
        .iter()
        .map(|h| position(h.bbox[0], h.bbox[1]))
        .collect();

    // An editor links a recorded event with displaced people to the flood layer, so that
    // its calibration can be asked for with the returnee households as exposure.
    let out = sitroom_tests::sitroom_ok(&db, &["token", "create", "linker", "--role", "editor"]);
    let editor = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let client = sitroom_tests::client();
    let events: Value = client
        .get(format!("{}/api/records/losses/events", server.base))
        .bearer_auth(&editor)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let linked = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["displaced"].as_f64().unwrap_or(0.0) > 0.0)
        .unwrap()["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let resp = client
        .post(format!(
            "{}/api/records/losses/events/{}/links",
            server.base,
            linked.replace(' ', "%20")
        ))
        .bearer_auth(&editor)
        .json(&json!({"hazard_layer": "flood-zones@1"}))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);

    for token in [None, Some(viewer.clone())] {
        let who = if token.is_some() {
            "viewer"
        } else {
            "anonymous"
        };
        let a = Attacker {
            base: server.base.clone(),
            client: sitroom_tests::client(),
            token,
        };

        // 1. Reports by every level and hazard: figures, nested differences, totals
        //    that agree across hazard layers.
        let mut totals: HashMap<(String, String), f64> = HashMap::new();
        for hazard in ["flood-zones", "landslide-susceptibility", "volcanic-zones"] {
            let mut by_level: Vec<BTreeMap<String, f64>> = Vec::new();
            for level in [
                "country", "province", "district", "sector", "cell", "village",
            ] {
                let r = a.json(&format!(
                    "/api/exposure?hazard={hazard}&exposure=returnee-households&by={level}"
                ));
                assert_eq!(r["redacted"], true, "{who} {hazard} {level}");
                let mut level_totals = BTreeMap::new();
                for u in r["units"].as_array().unwrap() {
                    let code = u["code"].as_str().unwrap().to_owned();
                    let figures = unit_households(u);
                    for n in &figures {
                        assert!(allowed(*n), "{who} {hazard} {level} {code}: {n}");
                    }
                    let total: f64 = figures.iter().sum();
                    level_totals.insert(code.clone(), total);
                    let seen = totals
                        .entry((level.to_owned(), code.clone()))
                        .or_insert(total);
                    assert!(
                        (*seen - total).abs() < 1e-6,
                        "{level} {code}: {seen} with one hazard, {total} with {hazard}"
                    );
                }
                by_level.push(level_totals);
            }
            let digits = [0usize, 1, 2, 4, 6, 8];
            for pair in 0..5 {
                for (parent, total) in &by_level[pair] {
                    let children: f64 = by_level[pair + 1]
                        .iter()
                        .filter(|(c, _)| c.get(..digits[pair]) == Some(parent.as_str()))
                        .map(|(_, t)| t)
                        .sum();
                    assert!(
                        allowed(total - children),
                        "{who} {hazard}: {parent} less its children is {}",
                        total - children
                    );
                }
            }
        }

        // 2. The same in CSV and GeoJSON: no household figure from 1 to 4.
        let (_, csv) = a.get(
            "/api/exposure?hazard=flood-zones&exposure=returnee-households&by=village&format=csv",
        );
        let csv = String::from_utf8(csv).unwrap();
        for line in csv.lines().skip(2) {
            let cells: Vec<&str> = line.split(',').collect();
            if let Ok(n) = cells[5].parse::<f64>() {
                assert!(allowed(n), "{who} CSV: {line}");
            }
        }
        let gj = a.json(
            "/api/exposure?hazard=landslide-susceptibility&exposure=returnee-households&by=cell&format=geojson",
        );
        for f in gj["features"].as_array().unwrap() {
            for n in unit_households(&f["properties"]) {
                assert!(allowed(n), "{who} GeoJSON: {n}");
            }
        }

        // 3. Incident areas closing in on households (a quadtree), and the same box
        //    with and without a hole around one: the answer never depends on it.
        for h in households.iter().step_by(600) {
            let (lon, lat) = (h.bbox[0], h.bbox[1]);
            let mut half = 0.1;
            let mut centre = (lon + 0.031, lat - 0.027);
            for step in 0..20 {
                let r = a.area("flood-zones", &box_around(centre.0, centre.1, half));
                for n in unit_households(&r["area"]) {
                    assert!(allowed(n), "{who} quadtree step {step}: {n}");
                }
                half /= 2.0;
                centre = (
                    centre.0 + if lon > centre.0 { half } else { -half },
                    centre.1 + if lat > centre.1 { half } else { -half },
                );
                if half < 0.002 {
                    // Smaller than any village: what it holds is never shown.
                    assert_eq!(
                        unit_households(&r["area"]).iter().sum::<f64>(),
                        0.0,
                        "{who}: a box of {half}° shows households"
                    );
                }
            }
            let outer = box_around(lon, lat, 0.05);
            let d = 0.0002;
            let holed = json!({"type": "Polygon", "coordinates": [
                outer["coordinates"][0],
                [[lon - d, lat - d], [lon - d, lat + d], [lon + d, lat + d], [lon + d, lat - d], [lon - d, lat - d]]
            ]});
            let (with, without) = (a.area("flood-zones", &outer), a.area("flood-zones", &holed));
            assert_eq!(
                with["area"], without["area"],
                "{who}: a 40 m hole around a household changes the answer"
            );
        }

        // 3b. Figures the records pages compute from the exposure report (a calibration's
        //     people per class, funding against need's displaced) are the published
        //     report's, never finer; anonymous callers get none.
        let calibration = format!(
            "/api/records/losses/events/{}/calibration?exposure=returnee-households",
            linked.replace(' ', "%20")
        );
        let need = "/api/records/disbursements/against-need?hazard=flood-zones&exposure=returnee-households&by=village";
        if a.token.is_none() {
            assert_eq!(a.get(&calibration).0, 401, "{who}");
            assert_eq!(a.get(need).0, 401, "{who}");
        } else {
            let c = a.json(&calibration);
            assert_eq!(c["redacted"], true, "{who}");
            match c["calibration"]["fits"].get(0) {
                // The unit's figures are withheld: left out, and said so.
                None => assert!(c["notes"].to_string().contains("withheld"), "{who}: {c}"),
                Some(fit) => {
                    let code = fit["code"].as_str().unwrap();
                    let level = [
                        "country", "province", "district", "", "sector", "", "cell", "", "village",
                    ][code.len()];
                    let report = a.json(&format!(
                        "/api/exposure?hazard=flood-zones&exposure=returnee-households&by={level}"
                    ));
                    let published: f64 = report["units"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|u| u["code"] == code)
                        .flat_map(|u| u["classes"].as_array().cloned().unwrap_or_default())
                        .filter(|k| k["class"] != "none")
                        .map(|k| k["population"].as_f64().unwrap())
                        .sum();
                    let people: f64 = c["calibration"]["classes"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|k| k["people"].as_f64().unwrap())
                        .sum();
                    assert!(
                        (people - published).abs() < 1e-6,
                        "{who}: the calibration counts {people} people in {code}'s zones, the published report {published}"
                    );
                }
            }
            let n = a.json(need);
            let report =
                a.json("/api/exposure?hazard=flood-zones&exposure=returnee-households&by=village");
            let displaced: HashMap<String, f64> = report["units"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| {
                    let d = u["classes"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|k| k["displaced"].as_f64().unwrap())
                        .sum();
                    (u["code"].as_str().unwrap().to_owned(), d)
                })
                .collect();
            for u in n["units"].as_array().unwrap() {
                let code = u["code"].as_str().unwrap();
                let d = u["displaced"].as_f64().unwrap();
                assert!(
                    (d - displaced.get(code).copied().unwrap_or(0.0)).abs() < 1e-6,
                    "{who}: funding against need shows {d} displaced in {code}, the published report {:?}",
                    displaced.get(code)
                );
            }
        }

        // 4. Tiles, features, filters, bboxes: unit shapes with published totals only.
        let h = &households[0];
        let t = sitroom_tests::tile_at(
            geo::Coord {
                x: h.bbox[0],
                y: h.bbox[1],
            },
            14,
        );
        let (status, tile) = a.get(&format!(
            "/tiles/returnee-households/{}/{}/{}.mvt",
            t.z, t.x, t.y
        ));
        assert!(status == 200 || status == 204);
        if status == 200 {
            let reader = mvt_reader::Reader::new(tile).unwrap();
            for f in reader.get_features(0).unwrap() {
                assert!(
                    matches!(
                        f.geometry,
                        geo::Geometry::Polygon(_) | geo::Geometry::MultiPolygon(_)
                    ),
                    "{who}: a tile holds a point"
                );
                let props = f.properties.unwrap_or_default();
                if let Some(mvt_reader::feature::Value::Double(n)) = props.get("households") {
                    assert!(allowed(*n), "{who} tile: {n}");
                }
            }
        }
        for query in [
            format!(
                "bbox={},{},{},{}",
                h.bbox[0] - 1e-4,
                h.bbox[1] - 1e-4,
                h.bbox[0] + 1e-4,
                h.bbox[1] + 1e-4
            ),
            "filter=suppressed%20%3D%20false&limit=1000".to_owned(),
            "filter=code%20LIKE%20%2734%25%27&limit=1000".to_owned(),
            "limit=10000".to_owned(),
        ] {
            let items = a.json(&format!(
                "/ogc/collections/returnee-households/items?{query}"
            ));
            for f in items["features"].as_array().unwrap() {
                assert_ne!(f["geometry"]["type"], "Point", "{who} items: a point");
                if let Some(n) = f["properties"]["households"].as_f64() {
                    assert!(allowed(n), "{who} items {query}: {n}");
                }
                assert!(f["properties"].get("household_id").is_none());
            }
            let mut seen = Vec::new();
            for f in items["features"].as_array().unwrap() {
                positions_in(&f["geometry"]["coordinates"], &mut seen);
            }
            assert!(
                !seen.iter().any(|p| positions.contains(p)),
                "{who}: a household's position in {query}"
            );
        }

        // 5. Metadata: no extent, count or load report of the households.
        let catalog = a.json("/catalog");
        let entry = &catalog["tiles"]["returnee-households"];
        assert_eq!(entry["detail"], false);
        assert!(entry["features"].is_null());
        let units_bounds = &catalog["tiles"]["rwa-villages"]["bounds"];
        assert_eq!(
            &entry["bounds"], units_bounds,
            "the villages' extent, not theirs"
        );
        let meta = a.json("/api/layers/returnee-households");
        assert!(meta["feature_count"].is_null());
        for v in meta["versions"].as_array().unwrap() {
            assert!(v.get("report").is_none() && v.get("bbox").is_none());
        }
        let listed = a.json("/api/layers");
        let listed = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["id"] == "returnee-households")
            .unwrap();
        assert!(listed["feature_count"].is_null());

        // 6. Search never finds a household.
        let found = a.json("/api/search?q=SYN-RH");
        assert_eq!(found["matched"], 0);
    }

    // The CLI's published table is the anonymous answer, figure for figure; without
    // `--published` the operator sees the detail (households of 1 to 4 among them).
    let a = Attacker {
        base: server.base.clone(),
        client: sitroom_tests::client(),
        token: None,
    };
    let cli = |extra: &[&str]| -> Value {
        let mut args = vec![
            "exposure",
            "--hazard",
            "flood-zones",
            "--exposure",
            "returnee-households",
            "--by",
            "sector",
        ];
        args.extend_from_slice(extra);
        serde_json::from_slice(&sitroom_tests::sitroom_ok(&db, &args).stdout).unwrap()
    };
    let units = |r: &Value| r["units"].clone();
    let published = cli(&["--published"]);
    assert_eq!(published["redacted"], true);
    let api = a.json("/api/exposure?hazard=flood-zones&exposure=returnee-households&by=sector");
    assert_eq!(
        units(&published),
        units(&api),
        "CLI --published and the API differ"
    );
    let detail = cli(&[]);
    assert_ne!(detail["redacted"], true);
    assert!(
        detail["units"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(unit_households)
            .any(|n| !allowed(n)),
        "the operator's detail should hold small figures on the demo"
    );

    // What the control costs: published against true totals by level (no hazard).
    let mut lines = Vec::new();
    for (level, digits) in [
        ("country", 0),
        ("district", 2),
        ("sector", 4),
        ("cell", 6),
        ("village", 8),
    ] {
        let r = a.json(&format!(
            "/api/exposure?hazard=flood-zones&exposure=returnee-households&by={level}"
        ));
        let mut true_units: BTreeMap<String, f64> = BTreeMap::new();
        for (v, n) in &true_by_village {
            *true_units.entry(v[..digits].to_owned()).or_default() += n;
        }
        let published: BTreeMap<String, f64> = r["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| {
                (
                    u["code"].as_str().unwrap().to_owned(),
                    unit_households(u).iter().sum(),
                )
            })
            .collect();
        let (mut shown, mut exact, mut gap) = (0, 0, 0.0_f64);
        for (code, n) in &true_units {
            let p = published.get(code).copied().unwrap_or(0.0);
            if p > 0.0 {
                shown += 1;
            }
            if (p - n).abs() < 1e-6 {
                exact += 1;
            }
            gap = gap.max(n - p);
        }
        let class_shown: f64 = r["units"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|u| u["classes"].as_array().cloned().unwrap_or_default())
            .map(|c| c["households"].as_f64().unwrap())
            .sum();
        let true_total: f64 = true_units.values().sum();
        lines.push(format!(
            "{level:<8} units {:>5}: shown {shown:>5}, exact {exact:>5}, largest shortfall {gap:.0} households; by class {:.0}% of {true_total:.0}",
            true_units.len(),
            100.0 * class_shown / true_total
        ));
    }
    eprintln!(
        "disclosure control on the demo's {} returnee households:\n{}",
        households.len(),
        lines.join("\n")
    );
}

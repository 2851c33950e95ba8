//! Synthetic returnee households: points placed at random inside villages, villages drawn
//! in proportion to their population and weighted towards the districts that receive most
//! returnees (the border districts of the West, North-West and East). Every household is
//! invented: the layer must say so wherever it is shown.

use std::path::Path;

use anyhow::Context as _;
use gdal::Dataset;
use gdal::vector::LayerAccess as _;
use geo::{BoundingRect, Contains, MultiPolygon, Point};
use rand::distr::{Distribution, weighted::WeightedIndex};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

/// District codes weighted up (x4) as main return areas: Rubavu, Rusizi, Nyamasheke,
/// Nyabihu, Musanze, Burera, Gicumbi, Nyagatare, Gatsibo, Kirehe.
pub const RETURN_DISTRICTS: [&str; 10] =
    ["34", "36", "35", "33", "41", "44", "45", "51", "53", "55"];

/// Countries returnees come back from, with relative frequency.
const ORIGINS: [(&str, u32); 5] = [
    ("DR Congo", 55),
    ("Uganda", 15),
    ("Burundi", 10),
    ("Tanzania", 10),
    ("Malawi", 10),
];

/// A village with the weight it is drawn with.
pub(crate) struct Village {
    pub(crate) code: String,
    pub(crate) shape: MultiPolygon<f64>,
    pub(crate) weight: f64,
}

/// The villages of the mirror's file, weighted by population (x4 in the main return
/// districts when `return_boost`).
pub(crate) fn read_villages(path: &Path, return_boost: bool) -> anyhow::Result<Vec<Village>> {
    let ds = Dataset::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut layer = ds.layer(0)?;
    let mut out = Vec::new();
    for f in layer.features() {
        let Some(g) = f.geometry() else { continue };
        let shape: MultiPolygon<f64> = match g.to_geo()? {
            geo::Geometry::MultiPolygon(m) => m,
            geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
            _ => continue,
        };
        let code = f
            .field_as_integer64(f.field_index("id")?)?
            .map(|c| c.to_string())
            .unwrap_or_default();
        #[expect(clippy::cast_precision_loss)]
        let population = f
            .field_as_integer64(f.field_index("population")?)?
            .unwrap_or(0)
            .max(1) as f64;
        let boost = if return_boost && RETURN_DISTRICTS.iter().any(|d| code.starts_with(d)) {
            4.0
        } else {
            1.0
        };
        out.push(Village {
            code,
            shape,
            weight: population * boost,
        });
    }
    Ok(out)
}

/// A uniformly random point inside `shape` (rejection sampling in its extent).
pub(crate) fn point_in(shape: &MultiPolygon<f64>, rng: &mut ChaCha8Rng) -> Option<Point<f64>> {
    let rect = shape.bounding_rect()?;
    for _ in 0..1000 {
        let p = Point::new(
            rng.random_range(rect.min().x..=rect.max().x),
            rng.random_range(rect.min().y..=rect.max().y),
        );
        if shape.contains(&p) {
            return Some(p);
        }
    }
    None
}

/// A GeoJSON FeatureCollection of `count` synthetic returnee households.
///
/// # Errors
/// When the villages file cannot be read.
pub fn households(villages_path: &Path, count: usize, seed: u64) -> anyhow::Result<Value> {
    let villages = read_villages(villages_path, true)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let pick = WeightedIndex::new(villages.iter().map(|v| v.weight))?;
    let origin = WeightedIndex::new(ORIGINS.iter().map(|o| o.1))?;
    let mut features = Vec::with_capacity(count);
    while features.len() < count {
        let v = &villages[pick.sample(&mut rng)];
        let Some(p) = point_in(&v.shape, &mut rng) else {
            continue;
        };
        let size: u32 = 1
            + (0..8u32)
                .filter(|_| rng.random_bool(0.42))
                .map(|_| 1)
                .sum::<u32>();
        features.push(json!({
            "type": "Feature",
            "properties": {
                "household_id": format!("SYN-RH-{:05}", features.len() + 1),
                "household_size": size,
                "return_year": rng.random_range(2019..=2025),
                "country_of_asylum": ORIGINS[origin.sample(&mut rng)].0,
                "village_code": v.code,
                "households": 1,
                "synthetic": true,
            },
            "geometry": {"type": "Point", "coordinates": [
                (p.x() * 1e6).round() / 1e6, (p.y() * 1e6).round() / 1e6
            ]},
        }));
    }
    Ok(json!({
        "type": "FeatureCollection",
        "name": "synthetic_returnee_households",
        "features": features,
    }))
}

/// ISO 3166-1 alpha-3 of each origin's name.
fn iso3(origin: &str) -> &'static str {
    match origin {
        "DR Congo" => "COD",
        "Uganda" => "UGA",
        "Burundi" => "BDI",
        "Tanzania" => "TZA",
        _ => "MWI",
    }
}

/// Transit centres returnees pass through (the ministry's, by the border they cross).
const TRANSIT: [&str; 4] = ["Nyarushishi", "Kijote", "Nyagatare", "Bugesera"];

/// No support is dated after this day: the register must read the same whatever day it
/// is generated on.
const LAST_DAY: (i32, u32, u32) = (2026, 11, 30);

/// How one support component reaches the synthetic households.
struct Support {
    /// Its status field (the column's header).
    status: &'static str,
    /// Its date field.
    date: &'static str,
    /// The chance it was received.
    received: f64,
    /// The chance the household is not eligible.
    not_eligible: f64,
    /// The days after arrival it comes, at the soonest and latest.
    delay: (i64, i64),
}

const fn support(
    status: &'static str,
    date: &'static str,
    received: f64,
    not_eligible: f64,
    delay: (i64, i64),
) -> Support {
    Support {
        status,
        date,
        received,
        not_eligible,
        delay,
    }
}

/// Each support component but school (which follows the children's enrolment), in the
/// register's order.
const SUPPORT: [Support; 8] = [
    support("food", "food_date", 0.97, 0.0, (0, 3)),
    support("cash_grant", "cash_grant_date", 0.85, 0.0, (5, 60)),
    support(
        "health_insurance",
        "health_insurance_date",
        0.75,
        0.0,
        (10, 120),
    ),
    support("shelter", "shelter_date", 0.40, 0.10, (60, 400)),
    support(
        "vocational_training",
        "vocational_training_date",
        0.35,
        0.15,
        (90, 500),
    ),
    support("startup_kit", "startup_kit_date", 0.30, 0.15, (120, 540)),
    support("microloan", "microloan_date", 0.15, 0.30, (120, 700)),
    support(
        "community_dialogue",
        "community_dialogue_date",
        0.60,
        0.0,
        (30, 365),
    ),
];

/// The register of the same households as [`households`]'s points (read from its
/// GeoJSON): each at its village from an arrival day in its return year, its members by
/// sex and age, its children of school age and enrolled, and its support, received or
/// not, each on a day after arrival; HXL CSV for `sitroom records import returnees`.
/// Every household and every figure is invented: the file's name says so, and the
/// register imported from it is marked synthetic wherever it shows.
///
/// # Errors
/// When the points are not [`households`]'s, or the file cannot be written.
pub fn write_register(points: &Value, seed: u64, out: &Path) -> anyhow::Result<()> {
    use chrono::{Days, NaiveDate};
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let last = NaiveDate::from_ymd_opt(LAST_DAY.0, LAST_DAY.1, LAST_DAY.2).context("last day")?;
    let mut w = csv::Writer::from_path(out)?;
    let mut head: Vec<String> = [
        "Household",
        "Arrived",
        "Village",
        "Origin",
        "Transit centre",
        "Members",
        "Female",
        "Male",
        "Aged 0-4",
        "Aged 5-17",
        "Aged 18-59",
        "Aged 60+",
        "School age",
        "Enrolled",
    ]
    .map(str::to_owned)
    .to_vec();
    let mut tags: Vec<String> = [
        "#meta+id",
        "#date+arrival",
        "#adm5+code",
        "#country+code+origin",
        "#loc+name+transit",
        "#population+hh+total",
        "#population+hh+f",
        "#population+hh+m",
        "#population+hh+age0_4",
        "#population+hh+age5_17",
        "#population+hh+age18_59",
        "#population+hh+age60plus",
        "#population+hh+children+school_age",
        "#population+hh+children+enrolled",
    ]
    .map(str::to_owned)
    .to_vec();
    for c in &SUPPORT {
        head.extend([c.status.to_owned(), c.date.to_owned()]);
    }
    head.extend(["school".into(), "school_date".into()]);
    // The support's hashtags, as the register names them.
    let support_tags = [
        ("#status+food", "#date+food"),
        ("#status+cash", "#date+cash"),
        ("#status+health+insurance", "#date+health+insurance"),
        ("#status+shelter", "#date+shelter"),
        ("#status+livelihood+training", "#date+livelihood+training"),
        ("#status+livelihood+kit", "#date+livelihood+kit"),
        ("#status+livelihood+loan", "#date+livelihood+loan"),
        ("#status+dialogue", "#date+dialogue"),
    ];
    for (s, d) in support_tags {
        tags.extend([s.to_owned(), d.to_owned()]);
    }
    tags.extend(["#status+education".into(), "#date+education".into()]);
    w.write_record(&head)?;
    w.write_record(&tags)?;
    let features = points["features"].as_array().context("no features")?;
    for f in features {
        let p = &f["properties"];
        let id = p["household_id"].as_str().context("household_id")?;
        let village = p["village_code"].as_str().context("village_code")?;
        let year = i32::try_from(p["return_year"].as_i64().context("return_year")?)?;
        let members = u32::try_from(p["household_size"].as_u64().context("household_size")?)?;
        let origin = iso3(p["country_of_asylum"].as_str().unwrap_or(""));
        let start = NaiveDate::from_ymd_opt(year, 1, 1).context("year")?;
        let arrived = (start + Days::new(rng.random_range(0..365))).min(last);
        // The first member an adult; the others of any age.
        let mut ages = vec![rng.random_range(18..60u32)];
        for _ in 1..members {
            let band = rng.random_range(0..100u32);
            ages.push(match band {
                0..18 => rng.random_range(0..5),
                18..53 => rng.random_range(5..18),
                53..95 => rng.random_range(18..60),
                _ => rng.random_range(60..90),
            });
        }
        let females = (0..members).filter(|_| rng.random_bool(0.52)).count();
        let count = |lo: u32, hi: u32| ages.iter().filter(|a| (lo..=hi).contains(*a)).count();
        let school_age = count(6, 17);
        let enrolled = (0..school_age).filter(|_| rng.random_bool(0.8)).count();
        let mut row: Vec<String> = vec![
            id.to_owned(),
            arrived.to_string(),
            village.to_owned(),
            origin.to_owned(),
            TRANSIT[rng.random_range(0..TRANSIT.len())].to_owned(),
            members.to_string(),
            females.to_string(),
            (members as usize - females).to_string(),
            count(0, 4).to_string(),
            count(5, 17).to_string(),
            count(18, 59).to_string(),
            count(60, 200).to_string(),
            school_age.to_string(),
            enrolled.to_string(),
        ];
        let mut dated = |received: f64, not_eligible: f64, (lo, hi): (i64, i64)| {
            let draw: f64 = rng.random();
            if draw < not_eligible {
                return ("not-eligible".to_owned(), String::new());
            }
            if draw < not_eligible + received {
                let on = arrived + Days::new(rng.random_range(lo..=hi).unsigned_abs());
                if on <= last {
                    return ("received".to_owned(), on.to_string());
                }
            }
            let status = if rng.random_bool(0.5) {
                "in-progress"
            } else {
                "pending"
            };
            (status.to_owned(), String::new())
        };
        for c in &SUPPORT {
            let (s, d) = dated(c.received, c.not_eligible, c.delay);
            row.extend([s, d]);
        }
        // School: owed only with children of school age, received once all are enrolled.
        let (s, d) = if school_age == 0 {
            (String::new(), String::new())
        } else if enrolled == school_age {
            let on = (arrived + Days::new(rng.random_range(14..=120))).min(last);
            ("received".to_owned(), on.to_string())
        } else {
            ("in-progress".to_owned(), String::new())
        };
        row.extend([s, d]);
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

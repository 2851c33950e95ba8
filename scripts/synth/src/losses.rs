//! Synthetic disaster loss records for the demo: ten years of datacards (2016–2025) in
//! real villages, drawn in proportion to their population and weighted towards the
//! western and northern highlands for floods and landslides, in the two rainy seasons,
//! with figures of a plausible size. Every record is invented: its source says so, and so
//! must every place that shows it. Written as CSV with a HXL hashtag row, as
//! `sitroom records import losses` reads it.

use std::fmt::Write as _;
use std::ops::RangeInclusive;
use std::path::Path;

use rand::distr::{Distribution, weighted::WeightedIndex};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::returnees::read_villages;

/// First and last year of the records.
pub const YEARS: (i32, i32) = (2016, 2025);

/// Hazard types with their relative frequency.
const HAZARDS: [(&str, u32); 7] = [
    ("flood", 25),
    ("landslide", 25),
    ("heavy-rain", 20),
    ("windstorm", 10),
    ("lightning", 8),
    ("hailstorm", 7),
    ("drought", 5),
];

/// Weights of the months (January first): the long rains (March–May) and the short
/// rains (September–December) hold most events.
const MONTHS: [u32; 12] = [1, 1, 4, 5, 4, 1, 1, 1, 2, 3, 3, 2];

/// The two header rows.
const HEADER: &str = "Record id,Date of the event,Village code,Hazard type,Event as recorded,Deaths,Missing,Injured,Directly affected people,Evacuated,Relocated,Houses destroyed,Houses damaged,Schools affected,Health facilities affected,Crops (ha),Livestock lost,Roads (km),Economic loss (RWF),Economic loss (USD),Source,Comments
#meta+id,#date+occurred,#adm5+code,#event+type,#event+name,#affected+killed,#affected+missing,#affected+injured,#affected+direct,#affected+evacuated,#affected+relocated,#loss+houses+destroyed,#loss+houses+damaged,#loss+schools,#loss+health,#loss+crops+ha,#loss+livestock,#loss+roads+km,#value+loss+rwf,#value+loss+usd,#meta+source,#description
";

/// A count that is usually small and now and then large.
fn count(rng: &mut ChaCha8Rng, chance: f64, typical: u32, rare: u32) -> u32 {
    if !rng.random_bool(chance) {
        0
    } else if rng.random_bool(0.05) {
        rng.random_range(typical..=rare.max(typical))
    } else {
        rng.random_range(1..=typical)
    }
}

/// Events a year in the demo.
pub const DEMO_EVENTS: RangeInclusive<u32> = 30..=60;

/// Writes synthetic loss records of the villages in `villages` to `out`, a number drawn
/// from `events` each year; returns how many.
///
/// # Errors
/// When the villages cannot be read or the file written.
pub fn write_csv(
    villages: &Path,
    seed: u64,
    events: RangeInclusive<u32>,
    out: &Path,
) -> anyhow::Result<usize> {
    let villages = read_villages(villages, false)?;
    let highland = |code: &str| code.starts_with('3') || code.starts_with('4');
    let weights = |boost: f64| {
        WeightedIndex::new(villages.iter().map(|v| {
            if highland(&v.code) {
                v.weight * boost
            } else {
                v.weight
            }
        }))
    };
    let (plain, highlands) = (weights(1.0)?, weights(3.0)?);
    let hazards = WeightedIndex::new(HAZARDS.iter().map(|(_, w)| *w))?;
    let months = WeightedIndex::new(MONTHS)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut text = String::from(HEADER);
    let mut n = 0;
    for year in YEARS.0..=YEARS.1 {
        let n_events = rng.random_range(events.clone());
        for i in 1..=n_events {
            let (hazard, _) = HAZARDS[hazards.sample(&mut rng)];
            let wet = matches!(hazard, "flood" | "landslide" | "heavy-rain");
            let village = &villages[if wet { &highlands } else { &plain }.sample(&mut rng)];
            let month = months.sample(&mut rng) + 1;
            let day = rng.random_range(1..=28);
            let deadly = match hazard {
                "landslide" => 0.45,
                "flood" => 0.3,
                "lightning" => 0.6,
                "drought" => 0.0,
                _ => 0.1,
            };
            let deaths = count(&mut rng, deadly, 4, 30);
            let missing = count(&mut rng, deadly / 4.0, 2, 6);
            let injured = count(&mut rng, 0.4, 8, 40);
            let destroyed = if hazard == "drought" || hazard == "lightning" {
                0
            } else {
                count(&mut rng, 0.6, 25, 300)
            };
            let damaged = if hazard == "lightning" {
                count(&mut rng, 0.3, 2, 5)
            } else {
                count(&mut rng, 0.8, 60, 900)
            };
            let evacuated = destroyed * rng.random_range(3..=5);
            let relocated = destroyed * rng.random_range(0..=2);
            let direct = damaged * rng.random_range(1..=3);
            let schools = count(&mut rng, 0.08, 1, 3);
            let health = count(&mut rng, 0.03, 1, 2);
            let crops: f64 = if hazard == "lightning" {
                0.0
            } else {
                f64::from(count(&mut rng, 0.7, 40, 600)) + f64::from(rng.random_range(0..10)) / 10.0
            };
            let livestock = count(&mut rng, 0.4, 15, 120);
            let roads: f64 = if wet {
                f64::from(count(&mut rng, 0.4, 3, 12)) + f64::from(rng.random_range(0..10)) / 10.0
            } else {
                0.0
            };
            let usd = f64::from(destroyed) * 3_000.0
                + f64::from(damaged) * 600.0
                + crops * 400.0
                + roads * 50_000.0
                + f64::from(schools) * 40_000.0
                + f64::from(health) * 60_000.0;
            let rwf = (usd * 1_300.0).round();
            writeln!(
                text,
                "synth-{year}-{i:03},{year}-{month:02}-{day:02},{code},{hazard},{name},{deaths},{missing},{injured},{direct},{evacuated},{relocated},{destroyed},{damaged},{schools},{health},{crops},{livestock},{roads},{rwf},{usd},SYNTHETIC (sitroom-synth seed {seed}): not a real event,synthetic record for the demo",
                code = village.code,
                name = hazard.to_uppercase().replace('-', " "),
            )?;
            n += 1;
        }
    }
    std::fs::write(out, text)?;
    Ok(n)
}

//! The roll-up of records in one process, for profiles: the loss records of a file that
//! `sitroom-synth losses` writes (default `target/bench/losses-20000.csv`, 200,000
//! records), deaths rolled up to every level in one pass (as the server
//! does) by year, month and day. Prints medians of RUNS; asserts
//! nothing. The end-to-end figures, beside PostgreSQL, are scripts/bench-records.sh's.
//!
//!   target/release/sitroom-synth losses ../shared/data 20000 target/bench/losses-20000.csv
//!   cargo bench -p sitroom --bench rollup            # RUNS=9; LOSSES=path to another file
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::Instant;

use chrono::NaiveDate;
use sitroom::engine::rollup::{Columns, roll_up_levels};
use sitroom::model::record::Value;
use sitroom::model::{PeriodKind, Record, RecordKind};

fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(9);
    let path = std::env::var("LOSSES").unwrap_or_else(|_| {
        format!(
            "{}/../target/bench/losses-20000.csv",
            env!("CARGO_MANIFEST_DIR")
        )
    });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{path}: {e} (write it with `sitroom-synth losses MIRROR 20000 {path}`)")
    });
    let kind = RecordKind::Losses;
    let (deaths, spec) = kind.field("deaths").unwrap();
    // The file's columns: id, date, village code, hazard, event, deaths, ….
    let records: Vec<Record> = text
        .lines()
        .skip(2)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            let mut values = vec![Value::Empty; kind.fields().len()];
            values[0] = Value::Text(cells[3].to_owned());
            values[deaths] = Value::Number(cells[5].parse().unwrap());
            Record {
                id: cells[0].to_owned(),
                code: cells[2].to_owned(),
                date: NaiveDate::parse_from_str(cells[1], "%Y-%m-%d").unwrap(),
                values,
            }
        })
        .collect();
    println!("{} records from {path}, median of {runs}", records.len());
    let time = |f: &mut dyn FnMut()| {
        let mut times: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    };
    let numeric: Vec<usize> = kind
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| f.is_numeric())
        .map(|(i, _)| i)
        .collect();
    let ms = time(&mut || {
        std::hint::black_box(Columns::of(&records, numeric.iter().copied()));
    });
    println!("columns (made once per register version, when it is loaded) {ms:8.2} ms");
    let columns = Columns::of(&records, numeric.iter().copied());
    for period in [PeriodKind::Year, PeriodKind::Month, PeriodKind::Day] {
        let mut rows = 0;
        let ms = time(&mut || {
            let all = roll_up_levels(&columns, None, deaths, spec, period);
            rows = all.iter().map(|r| r.rows.len()).sum();
        });
        println!("every level by {period:<5} {ms:8.2} ms ({rows} rows)");
    }
}

//! Records as CSV with a HXL hashtag row: a header row of titles, the hashtag row, then
//! one row per record with its unit's code at every level down to its own (so a village
//! record reads as its country, province, district, sector, cell and village; a national
//! record, as its country alone), its date, and each
//! field. Read back by the HXL import as it was written.

use super::csv::{cell, number};
use crate::model::level::COUNTRY_ISO3;
use crate::model::record::{ID_HXL, Value};
use crate::model::{AdminLevel, Record, RecordKind};

/// The levels a record's code is written at (the country's as its ISO code).
const LEVELS: [AdminLevel; 6] = [
    AdminLevel::Country,
    AdminLevel::Province,
    AdminLevel::District,
    AdminLevel::Sector,
    AdminLevel::Cell,
    AdminLevel::Village,
];

/// The two header rows (titles, hashtags) of `kind`'s HXL CSV.
#[must_use]
pub fn header(kind: RecordKind) -> String {
    let mut titles = vec!["Record id".to_owned()];
    let mut tags = vec![ID_HXL.to_owned()];
    for level in LEVELS {
        titles.push(format!("{} code", capitalised(level.as_str())));
        tags.push(format!("{}+code", level.hxl()));
    }
    titles.push(kind.date_title().to_owned());
    tags.push(kind.date_hxl().to_owned());
    for f in kind.fields() {
        titles.push(f.title.to_owned());
        tags.push(f.hxl.to_owned());
    }
    let line = |cells: Vec<String>| cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",");
    format!("{}\n{}\n", line(titles), line(tags))
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// One record's row.
#[must_use]
pub fn row(record: &Record) -> String {
    let mut cells = vec![cell(&record.id)];
    for level in LEVELS {
        cells.push(if level == AdminLevel::Country {
            COUNTRY_ISO3.to_owned()
        } else if record.code.len() >= level.digits() {
            cell(level.ancestor(&record.code))
        } else {
            String::new()
        });
    }
    cells.push(record.date.format("%Y-%m-%d").to_string());
    for v in &record.values {
        cells.push(match v {
            Value::Empty => String::new(),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
            Value::Number(n) => number(*n),
            Value::Text(t) => cell(t),
        });
    }
    let mut line = cells.join(",");
    line.push('\n');
    line
}

/// A whole register as HXL CSV.
#[must_use]
pub fn hxl_csv<'a>(kind: RecordKind, records: impl IntoIterator<Item = &'a Record>) -> String {
    let mut out = header(kind);
    for r in records {
        out.push_str(&row(r));
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::ingest::records::hxl;

    #[test]
    fn written_rows_read_back() {
        let kind = RecordKind::Losses;
        let mut values = vec![Value::Empty; kind.fields().len()];
        let at = |name: &str| kind.field(name).expect("field").0;
        values[at("hazard")] = Value::Text("landslide".into());
        values[at("deaths")] = Value::Number(4.0);
        values[at("crops_ha")] = Value::Number(2.5);
        values[at("comments")] = Value::Text("=cmd, \"quoted\"".into());
        let r = Record {
            id: "di-17".into(),
            code: "4106".into(),
            date: NaiveDate::from_ymd_opt(2023, 5, 3).expect("date"),
            values,
        };
        let national = Record {
            id: "rw-1".into(),
            code: String::new(),
            ..r.clone()
        };
        let text = hxl_csv(kind, [&r, &national]);
        assert!(
            text.contains("di-17,RWA,4,41,4106,,,2023-05-03,landslide"),
            "{text}"
        );
        assert!(
            text.contains("rw-1,RWA,,,,,,2023-05-03,landslide"),
            "{text}"
        );
        let table = hxl::read(kind, text.as_bytes()).expect("reads back");
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[1].code.as_deref(), Some(""), "the whole country");
        let raw = &table.rows[0];
        assert_eq!(raw.code.as_deref(), Some("4106"));
        assert_eq!(raw.id.as_deref(), Some("di-17"));
        assert_eq!(raw.cells[at("deaths")].as_deref(), Some("4"));
        assert_eq!(raw.cells[at("crops_ha")].as_deref(), Some("2.5"));
        assert_eq!(
            raw.cells[at("comments")].as_deref(),
            Some("'=cmd, \"quoted\"")
        );
        assert!(table.ignored.is_empty());
    }
}

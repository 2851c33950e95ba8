//! The one roll-up of records: any numeric field of a register version, summed (or
//! averaged, as the field says) by admin unit at one level and by period. A record counts
//! in the unit of that level that holds its code; a record coded coarser than the level
//! (a district's record, asked by sector) cannot be placed in any of its units and is
//! counted apart, so that every level's rows and that remainder add up to the country.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::record::{Aggregate, FieldSpec, Record};
use crate::model::{AdminLevel, PeriodKind};

/// One unit in one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollRow {
    /// The unit's official code (`""` for the country).
    pub code: String,
    /// The period's key (`2023`, `FY2022/23`, `2023-Q2`…).
    pub period: String,
    /// The field's sum, or mean.
    pub value: f64,
    /// Records with a value for the field that went into it.
    pub records: u64,
}

/// A field rolled up to one level by one kind of period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollUp {
    /// The field.
    pub field: &'static str,
    /// How it was rolled up.
    pub aggregate: Aggregate,
    /// The level.
    pub level: AdminLevel,
    /// The kind of period.
    pub period: PeriodKind,
    /// By unit and period, in code then period order.
    pub rows: Vec<RollRow>,
    /// Per period, what records coded coarser than the level hold (code `""`).
    pub coarser: Vec<RollRow>,
}

#[derive(Default, Clone, Copy)]
struct Acc {
    sum: f64,
    n: u64,
}

impl Acc {
    fn row(self, code: String, period: String, aggregate: Aggregate) -> RollRow {
        let value = match aggregate {
            Aggregate::Sum => self.sum,
            #[expect(clippy::cast_precision_loss, reason = "a count of records")]
            Aggregate::Mean if self.n > 0 => self.sum / self.n as f64,
            Aggregate::Mean => 0.0,
        };
        RollRow {
            code,
            period,
            value,
            records: self.n,
        }
    }
}

/// Rolls field number `index` (`field`, numeric) of `records` up to `level` by `period`.
#[must_use]
pub fn roll_up<'a>(
    records: impl IntoIterator<Item = &'a Record>,
    index: usize,
    field: &'static FieldSpec,
    level: AdminLevel,
    period: PeriodKind,
) -> RollUp {
    let aggregate = field.aggregate.unwrap_or(Aggregate::Sum);
    let digits = level.digits();
    let mut by: BTreeMap<(&str, String), Acc> = BTreeMap::new();
    let mut coarser: BTreeMap<String, Acc> = BTreeMap::new();
    for r in records {
        let Some(v) = r
            .values
            .get(index)
            .and_then(crate::model::record::Value::number)
        else {
            continue;
        };
        let key = period.key(r.date);
        let acc = if r.code.len() < digits {
            coarser.entry(key).or_default()
        } else {
            by.entry((level.ancestor(&r.code), key)).or_default()
        };
        acc.sum += v;
        acc.n += 1;
    }
    RollUp {
        field: field.name,
        aggregate,
        level,
        period,
        rows: by
            .into_iter()
            .map(|((code, p), acc)| acc.row(code.to_owned(), p, aggregate))
            .collect(),
        coarser: coarser
            .into_iter()
            .map(|(p, acc)| acc.row(String::new(), p, aggregate))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::model::RecordKind;
    use crate::model::record::Value;

    fn rec(code: &str, y: i32, m: u32, deaths: f64) -> Record {
        let mut values = vec![Value::Empty; RecordKind::Losses.fields().len()];
        values[0] = Value::Text("flood".into());
        let (i, _) = RecordKind::Losses.field("deaths").expect("field");
        values[i] = Value::Number(deaths);
        Record {
            id: format!("{code}-{y}-{m}"),
            code: code.into(),
            date: NaiveDate::from_ymd_opt(y, m, 1).expect("date"),
            values,
        }
    }

    #[test]
    fn sums_by_unit_and_period_and_keeps_coarser_records_apart() {
        let records = [
            rec("41060101", 2023, 5, 2.0),
            rec("41060202", 2023, 5, 3.0),
            rec("4107", 2023, 6, 1.0),
            rec("41", 2023, 7, 4.0),
            rec("51", 2022, 1, 7.0),
        ];
        let (i, f) = RecordKind::Losses.field("deaths").expect("field");
        let by_sector = roll_up(&records, i, f, AdminLevel::Sector, PeriodKind::FiscalYear);
        let rows: Vec<(&str, &str, f64)> = by_sector
            .rows
            .iter()
            .map(|r| (r.code.as_str(), r.period.as_str(), r.value))
            .collect();
        assert_eq!(
            rows,
            vec![("4106", "FY2022/23", 5.0), ("4107", "FY2022/23", 1.0)]
        );
        let coarser: Vec<(&str, f64)> = by_sector
            .coarser
            .iter()
            .map(|r| (r.period.as_str(), r.value))
            .collect();
        assert_eq!(coarser, vec![("FY2021/22", 7.0), ("FY2023/24", 4.0)]);
        let country = roll_up(&records, i, f, AdminLevel::Country, PeriodKind::Year);
        let total: f64 = country.rows.iter().map(|r| r.value).sum();
        assert_eq!(total, 17.0);
        assert!(country.coarser.is_empty());
        let district = roll_up(&records, i, f, AdminLevel::District, PeriodKind::Year);
        assert_eq!(district.rows[0].code, "41");
        assert_eq!(district.rows[0].value, 10.0);
        assert_eq!(district.rows[0].records, 4);
    }
}

//! The one roll-up of records: any numeric field of a register version, summed (or
//! averaged, as the field says) by admin unit at one level and by period. A record counts
//! in the unit of that level that holds its code; a record coded coarser than the level
//! (a district's record, asked by sector) cannot be placed in any of its units and is
//! counted apart, so that every level's rows and that remainder add up to the country.

use std::collections::HashMap;

use chrono::NaiveDate;

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

/// What the roll-up reads of a register version, in columns, made once per version:
/// each record's code (by its rank among the version's codes in code order), its date
/// and the values of each numeric field (NaN: none).
#[derive(Debug, Default)]
pub struct Columns {
    codes: Vec<String>,
    rank: Vec<u32>,
    dates: Vec<NaiveDate>,
    /// By field number: a numeric field's values, nothing for the others.
    numbers: Vec<Vec<f64>>,
}

impl Columns {
    /// The columns of `records` with the numeric fields numbered `numeric`.
    #[must_use]
    pub fn of(records: &[Record], numeric: impl IntoIterator<Item = usize>) -> Self {
        let mut codes: Vec<&str> = records.iter().map(|r| r.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        let ids: HashMap<&str, u32> = codes
            .iter()
            .enumerate()
            .map(|(i, c)| (*c, u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        let mut numbers: Vec<Vec<f64>> = Vec::new();
        for i in numeric {
            if numbers.len() <= i {
                numbers.resize_with(i + 1, Vec::new);
            }
            numbers[i] = records
                .iter()
                .map(|r| {
                    r.values
                        .get(i)
                        .and_then(crate::model::record::Value::number)
                        .unwrap_or(f64::NAN)
                })
                .collect();
        }
        Self {
            rank: records.iter().map(|r| ids[r.code.as_str()]).collect(),
            dates: records.iter().map(|r| r.date).collect(),
            codes: codes.into_iter().map(str::to_owned).collect(),
            numbers,
        }
    }
}

/// Rolls field number `index` (`field`, numeric) of the records in `columns` (those
/// marked in `keep`, when given) up to every level (in the order of
/// [`AdminLevel::ALL`]) by `period`: the values summed by code and period, then those
/// sums folded up level by level (in code order, the codes under one unit of any level
/// lie together).
#[must_use]
pub fn roll_up_levels(
    columns: &Columns,
    keep: Option<&[bool]>,
    index: usize,
    field: &'static FieldSpec,
    period: PeriodKind,
) -> Vec<RollUp> {
    let aggregate = field.aggregate.unwrap_or(Aggregate::Sum);
    let values = columns.numbers.get(index).map_or(&[][..], Vec::as_slice);
    let kept = |i: usize| keep.is_none_or(|k| k.get(i).copied().unwrap_or(false));
    let ordinals: Vec<i32> = columns.dates.iter().map(|d| period.ordinal(*d)).collect();
    let first = ordinals.iter().copied().min().unwrap_or(0);
    // (code rank, period from the first) of each value, in that order.
    let mut keyed: Vec<(u64, f64)> = values
        .iter()
        .enumerate()
        .filter(|(i, v)| !v.is_nan() && kept(*i))
        .map(|(i, v)| {
            let p = u64::from((ordinals[i] - first).cast_unsigned());
            ((u64::from(columns.rank[i]) << 32) | p, *v)
        })
        .collect();
    keyed.sort_unstable_by_key(|k| k.0);
    // (code rank, period number, sum) of each code and period.
    let mut cells: Vec<(usize, usize, Acc)> = Vec::new();
    let mut periods: Vec<usize> = Vec::new();
    for (key, v) in keyed {
        let r = usize::try_from(key >> 32).unwrap_or(usize::MAX);
        let p = usize::try_from(key & 0xffff_ffff).unwrap_or(usize::MAX);
        match cells.last_mut() {
            Some((lr, lp, acc)) if *lr == r && *lp == p => {
                acc.sum += v;
                acc.n += 1;
            }
            _ => {
                cells.push((r, p, Acc { sum: v, n: 1 }));
                periods.push(p);
            }
        }
    }
    // The periods with values, numbered densely in order, with their keys.
    periods.sort_unstable();
    periods.dedup();
    let dense: HashMap<usize, usize> = periods.iter().enumerate().map(|(i, p)| (*p, i)).collect();
    for cell in &mut cells {
        cell.1 = dense[&cell.1];
    }
    let labels: Vec<String> = periods
        .iter()
        .map(|p| period.label(first + i32::try_from(*p).unwrap_or(i32::MAX)))
        .collect();
    let ranked: Vec<&str> = columns.codes.iter().map(String::as_str).collect();
    AdminLevel::ALL
        .iter()
        .map(|level| fold(&cells, &ranked, &labels, *level, field, aggregate, period))
        .collect()
}

/// The sums by code and period (`cells`, in code then period order; codes by rank in
/// `ranked`, periods by number in `labels`) folded up to `level`.
fn fold(
    cells: &[(usize, usize, Acc)],
    ranked: &[&str],
    labels: &[String],
    level: AdminLevel,
    field: &'static FieldSpec,
    aggregate: Aggregate,
    period: PeriodKind,
) -> RollUp {
    let digits = level.digits();
    // The unit of the level holding each code (by rank), numbered in code order; none
    // for a code coarser than the level.
    let mut units: Vec<&str> = Vec::new();
    let unit_of: Vec<Option<usize>> = ranked
        .iter()
        .map(|code| {
            if code.len() < digits {
                return None;
            }
            let ancestor = level.ancestor(code);
            if units.last() != Some(&ancestor) {
                units.push(ancestor);
            }
            Some(units.len() - 1)
        })
        .collect();
    let mut rows = Vec::new();
    let mut coarser = vec![Acc::default(); labels.len()];
    let mut sums = vec![Acc::default(); labels.len()];
    let mut touched: Vec<usize> = Vec::new();
    let mut current: Option<usize> = None;
    let mut flush = |unit: Option<usize>, sums: &mut [Acc], touched: &mut Vec<usize>| {
        let Some(u) = unit else { return };
        touched.sort_unstable();
        for p in touched.drain(..) {
            let acc = std::mem::take(&mut sums[p]);
            rows.push(acc.row(units[u].to_owned(), labels[p].clone(), aggregate));
        }
    };
    for (r, p, acc) in cells {
        let Some(u) = unit_of[*r] else {
            coarser[*p].sum += acc.sum;
            coarser[*p].n += acc.n;
            continue;
        };
        if current != Some(u) {
            flush(current, &mut sums, &mut touched);
            current = Some(u);
        }
        let sum = &mut sums[*p];
        if sum.n == 0 {
            touched.push(*p);
        }
        sum.sum += acc.sum;
        sum.n += acc.n;
    }
    flush(current, &mut sums, &mut touched);
    RollUp {
        field: field.name,
        aggregate,
        level,
        period,
        rows,
        coarser: coarser
            .into_iter()
            .enumerate()
            .filter(|(_, acc)| acc.n > 0)
            .map(|(p, acc)| acc.row(String::new(), labels[p].clone(), aggregate))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::model::RecordKind;
    use crate::model::record::Value;

    /// Field number `index` (`field`) of `records` rolled up to `level` by `period`.
    fn roll_up(
        records: &[Record],
        index: usize,
        field: &'static FieldSpec,
        level: AdminLevel,
        period: PeriodKind,
    ) -> RollUp {
        let columns = Columns::of(records, [index]);
        let mut all = roll_up_levels(&columns, None, index, field, period);
        let at = AdminLevel::ALL
            .iter()
            .position(|l| *l == level)
            .unwrap_or(0);
        all.swap_remove(at)
    }

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

//! Periods records are rolled up by: day, month, quarter, Rwanda's July–June fiscal year
//! and the calendar year. A period is named by its key (`2023-05-03`, `2023-05`,
//! `2023-Q2`, `FY2022/23`, `2023`), which sorts in time order within one kind of period.

use chrono::{Datelike, NaiveDate};

use crate::model::macros::string_enum;

string_enum! {
    /// A kind of period.
    PeriodKind, "period" {
        /// One day.
        Day => "day",
        /// A calendar month.
        Month => "month",
        /// A calendar quarter (Q1 = January–March).
        Quarter => "quarter",
        /// Rwanda's fiscal year, 1 July to 30 June (FY2022/23 begins 1 July 2022).
        FiscalYear => "fiscal-year",
        /// A calendar year.
        Year => "year",
    }
}

impl PeriodKind {
    /// The number of the period of this kind that holds `date`: consecutive periods
    /// have consecutive numbers ([`PeriodKind::label`] gives its key back).
    #[must_use]
    pub fn ordinal(self, date: NaiveDate) -> i32 {
        let (y, m) = (date.year(), date.month0().cast_signed());
        match self {
            Self::Day => date.num_days_from_ce(),
            Self::Month => y * 12 + m,
            Self::Quarter => y * 4 + m / 3,
            Self::FiscalYear => Self::fiscal_year_start(date).year(),
            Self::Year => y,
        }
    }

    /// The key of the period numbered `ordinal` (see [`PeriodKind::ordinal`]).
    #[must_use]
    pub fn label(self, ordinal: i32) -> String {
        let (y, r) = (ordinal.div_euclid(12), ordinal.rem_euclid(12));
        match self {
            Self::Day => NaiveDate::from_num_days_from_ce_opt(ordinal)
                .map(|d| self.key(d))
                .unwrap_or_default(),
            Self::Month => format!("{y:04}-{:02}", r + 1),
            Self::Quarter => format!(
                "{:04}-Q{}",
                ordinal.div_euclid(4),
                ordinal.rem_euclid(4) + 1
            ),
            Self::FiscalYear => format!("FY{ordinal:04}/{:02}", (ordinal + 1).rem_euclid(100)),
            Self::Year => format!("{ordinal:04}"),
        }
    }

    /// The key of the period of this kind that holds `date`.
    #[must_use]
    pub fn key(self, date: NaiveDate) -> String {
        let (y, m) = (date.year(), date.month());
        match self {
            Self::Day => date.format("%Y-%m-%d").to_string(),
            Self::Month => format!("{y:04}-{m:02}"),
            Self::Quarter => format!("{y:04}-Q{}", (m - 1) / 3 + 1),
            Self::FiscalYear => {
                let start = if m >= 7 { y } else { y - 1 };
                format!("FY{start:04}/{:02}", (start + 1).rem_euclid(100))
            }
            Self::Year => format!("{y:04}"),
        }
    }

    /// The first day of the fiscal year that holds `date`.
    #[must_use]
    pub fn fiscal_year_start(date: NaiveDate) -> NaiveDate {
        let start = if date.month() >= 7 {
            date.year()
        } else {
            date.year() - 1
        };
        NaiveDate::from_ymd_opt(start, 7, 1).unwrap_or(date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn keys_of_each_period() {
        let may = d(2023, 5, 3);
        assert_eq!(PeriodKind::Day.key(may), "2023-05-03");
        assert_eq!(PeriodKind::Month.key(may), "2023-05");
        assert_eq!(PeriodKind::Quarter.key(may), "2023-Q2");
        assert_eq!(PeriodKind::Year.key(may), "2023");
        assert_eq!(PeriodKind::FiscalYear.key(may), "FY2022/23");
        assert_eq!(PeriodKind::FiscalYear.key(d(2023, 7, 1)), "FY2023/24");
        assert_eq!(PeriodKind::FiscalYear.key(d(2023, 6, 30)), "FY2022/23");
        assert_eq!(PeriodKind::FiscalYear.key(d(1999, 12, 31)), "FY1999/00");
        assert_eq!(PeriodKind::Quarter.key(d(2023, 12, 31)), "2023-Q4");
        assert_eq!(PeriodKind::fiscal_year_start(may), d(2022, 7, 1));
    }

    #[test]
    fn periods_are_numbered_in_order_and_labelled_by_their_keys() {
        for kind in PeriodKind::ALL {
            let mut day = d(1999, 6, 25);
            let mut last = (kind.ordinal(day), kind.key(day));
            while day < d(2024, 1, 10) {
                let (n, key) = (kind.ordinal(day), kind.key(day));
                assert_eq!(kind.label(n), key, "{kind} {day}");
                if key == last.1 {
                    assert_eq!(n, last.0, "{kind} {day}: one period, one number");
                } else {
                    assert_eq!(
                        n,
                        last.0 + 1,
                        "{kind} {day}: the next period, the next number"
                    );
                    assert!(key > last.1, "{kind} {day}: keys in order");
                }
                last = (n, key);
                day = day.succ_opt().expect("a day after");
            }
        }
    }
}

//! The rate table disbursements are converted with: Rwandan francs per unit of each
//! currency, by year (annual averages), from a configured file. A record is converted at
//! the rate of its value date's year, or of the latest earlier year the table has; a
//! currency the table does not have, or a year before its first, refuses the record (a
//! value in francs is taken without a dollar rate, and has then no value in dollars).

use std::collections::BTreeMap;

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use crate::model::record::{Record, RecordKind, Value};

/// Rwandan francs per unit of each currency, by year.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RateTable {
    /// Where the rates come from (shown with every total converted by them).
    pub source: String,
    /// RWF per unit, by currency (ISO 4217) and year.
    pub rwf_per: BTreeMap<String, BTreeMap<i32, f64>>,
}

impl RateTable {
    /// RWF per unit of `currency` in `year` (the latest year up to it).
    ///
    /// # Errors
    /// What the table lacks, in words.
    pub fn rate(&self, currency: &str, year: i32) -> Result<f64, String> {
        if currency == "RWF" {
            return Ok(1.0);
        }
        let by_year = self.rwf_per.get(currency).ok_or_else(|| {
            format!(
                "unknown currency '{currency}': the rate table has RWF{}{}",
                if self.rwf_per.is_empty() { "" } else { ", " },
                self.rwf_per.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        })?;
        by_year
            .range(..=year)
            .next_back()
            .map(|(_, r)| *r)
            .filter(|r| *r > 0.0)
            .ok_or_else(|| {
                format!(
                    "the rate table has no {currency} rate for {year} or before (its first is {})",
                    by_year
                        .keys()
                        .next()
                        .map_or_else(|| "none".into(), ToString::to_string)
                )
            })
    }

    /// Fills each disbursement's value in RWF and USD from its value and currency.
    ///
    /// # Errors
    /// For the first record that cannot be converted: its position and why.
    pub fn convert(&self, record: &mut Record) -> Result<(), String> {
        let kind = RecordKind::Disbursements;
        let at = |name: &str| kind.field(name).map(|(i, _)| i);
        let (Some(v), Some(c), Some(rwf), Some(usd)) = (
            at("value"),
            at("currency"),
            at("value_rwf"),
            at("value_usd"),
        ) else {
            return Ok(());
        };
        let value = record.values.get(v).and_then(Value::number).unwrap_or(0.0);
        let currency = record
            .values
            .get(c)
            .and_then(Value::text)
            .unwrap_or("RWF")
            .to_owned();
        let year = record.date.year();
        let in_rwf = value * self.rate(&currency, year)?;
        record.values[rwf] = Value::Number(in_rwf);
        // A value in francs is taken without a dollar rate; it has no value in dollars.
        record.values[usd] = match self.rate("USD", year) {
            Ok(per_usd) => Value::Number(in_rwf / per_usd),
            Err(_) if currency == "RWF" => Value::Empty,
            Err(why) => return Err(why),
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_by_year_and_what_is_missing() {
        let t = RateTable {
            source: "test".into(),
            rwf_per: BTreeMap::from([
                (
                    "USD".into(),
                    BTreeMap::from([(2020, 1_000.0), (2023, 1_200.0)]),
                ),
                ("EUR".into(), BTreeMap::from([(2022, 1_100.0)])),
            ]),
        };
        assert_eq!(t.rate("RWF", 1990), Ok(1.0));
        assert_eq!(t.rate("USD", 2022), Ok(1_000.0), "the latest year up to it");
        assert_eq!(t.rate("USD", 2024), Ok(1_200.0));
        assert!(
            t.rate("USD", 2019)
                .unwrap_err()
                .contains("its first is 2020")
        );
        assert!(
            t.rate("KES", 2023)
                .unwrap_err()
                .contains("unknown currency 'KES'")
        );
    }
}

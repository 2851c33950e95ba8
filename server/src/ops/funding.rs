//! Funding against need: per admin unit, what partners disbursed (the disbursement
//! register rolled up, in US dollars) beside what the people displaced by a hazard need
//! (the exposure engine's figures, published as the caller may see them), and the
//! dollars per displaced person, the units with the least first — the gap map and its
//! ranked table.

use serde::Serialize;

use crate::engine::Engine;
use crate::engine::disclosure::Clearance;
use crate::engine::exposure::needs::NeedsOf;
use crate::engine::exposure::{self, ExposureError, ExposureRequest};
use crate::engine::registers::RollRequest;
use crate::model::{PeriodKind, RecordKind};
use crate::store::Store;

/// One unit's funding and need.
#[derive(Debug, Clone, Serialize)]
pub struct UnitFunding {
    /// Official code.
    pub code: String,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// People displaced (as published to the caller).
    pub displaced: f64,
    /// What they need.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs_of_displaced: Option<NeedsOf>,
    /// Disbursed to the unit, US dollars.
    pub disbursed_usd: f64,
    /// Dollars per displaced person (none where nobody is displaced).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usd_per_displaced: Option<f64>,
    /// 1 for the least funded per displaced person; none where nobody is displaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<usize>,
}

/// Funding against need at one level.
#[derive(Debug, Serialize)]
pub struct FundingReport {
    /// The exposure figures' inputs and how they were published.
    pub exposure: serde_json::Value,
    /// The disbursement register's version.
    pub disbursements_version: Option<i32>,
    /// The fiscal year counted (all, when none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fiscal_year: Option<String>,
    /// Disbursements to units coarser than the level (not placed in any of its units).
    pub disbursed_coarser_usd: f64,
    /// Every unit with displaced people or funding, least funded first.
    pub units: Vec<UnitFunding>,
}

/// Funding against the needs of `req`'s displaced, by its level.
///
/// # Errors
/// The exposure report's.
pub fn against_need(
    engine: &Engine,
    store: &Store,
    req: ExposureRequest<'_>,
    clearance: Clearance,
    fiscal_year: Option<&str>,
) -> Result<FundingReport, ExposureError> {
    let (report, _) = exposure::report(engine, store, req, clearance)?;
    let level = report.by;
    let register = engine.registers.get(RecordKind::Disbursements);
    let mut disbursed = std::collections::BTreeMap::<String, f64>::new();
    let mut coarser = 0.0;
    if let Some(r) = &register
        && let Ok(roll) = engine.registers.roll_up(
            r,
            RollRequest {
                field: "value_usd",
                level,
                period: PeriodKind::FiscalYear,
                only: Some(("transaction", "disbursement")),
            },
        )
    {
        let counted = |p: &str| fiscal_year.is_none_or(|fy| fy == p);
        for row in roll.rows.iter().filter(|r| counted(&r.period)) {
            *disbursed.entry(row.code.clone()).or_default() += row.value;
        }
        coarser = roll
            .coarser
            .iter()
            .filter(|r| counted(&r.period))
            .map(|r| r.value)
            .sum();
    }
    let mut units: Vec<UnitFunding> = report
        .units
        .iter()
        .map(|u| {
            let displaced: f64 = u.classes.iter().map(|c| c.figures.displaced).sum();
            let usd = disbursed.remove(&u.code).unwrap_or(0.0);
            UnitFunding {
                code: u.code.clone(),
                name: u.name.clone(),
                displaced,
                needs_of_displaced: u.needs_of_displaced,
                disbursed_usd: usd,
                usd_per_displaced: (displaced > 0.0).then(|| usd / displaced),
                rank: None,
            }
        })
        .filter(|u| u.displaced > 0.0 || u.disbursed_usd > 0.0)
        .collect();
    // Funding to units the report has no row for (nobody exposed there).
    units.extend(disbursed.into_iter().map(|(code, usd)| UnitFunding {
        code,
        name: None,
        displaced: 0.0,
        needs_of_displaced: None,
        disbursed_usd: usd,
        usd_per_displaced: None,
        rank: None,
    }));
    units.sort_by(|a, b| {
        let key = |u: &UnitFunding| u.usd_per_displaced.unwrap_or(f64::INFINITY);
        key(a)
            .total_cmp(&key(b))
            .then(b.displaced.total_cmp(&a.displaced))
            .then(a.code.cmp(&b.code))
    });
    for (i, u) in units
        .iter_mut()
        .filter(|u| u.usd_per_displaced.is_some())
        .enumerate()
    {
        u.rank = Some(i + 1);
    }
    Ok(FundingReport {
        exposure: serde_json::json!({
            "hazard": report.hazard,
            "exposure": report.exposure,
            "boundary": report.boundary,
            "by": report.by,
            "redacted": report.redacted,
            "disclosure": report.disclosure,
            "needs_standard": report.needs_standard,
        }),
        disbursements_version: register.map(|r| r.version),
        fiscal_year: fiscal_year.map(str::to_owned),
        disbursed_coarser_usd: coarser,
        units,
    })
}

//! Returnee households followed to reintegration: their progress through their support
//! per admin unit, from the register's current version (the rules are
//! [`crate::engine::progress`]'s).

use chrono::NaiveDate;

use crate::engine::Engine;
use crate::engine::disclosure::progress::{self as published, PublishedUnit};
use crate::engine::progress::{self, UnitProgress};
use crate::model::{AdminLevel, RecordKind};

/// The progress of the households that arrived by `as_of`, per unit of `level`, only
/// those within unit `within` (a code prefix; `""` all): the register's version and the
/// units, or `None` when there is no register yet.
#[must_use]
pub fn progress(
    engine: &Engine,
    level: AdminLevel,
    within: &str,
    as_of: NaiveDate,
) -> Option<(i32, Vec<UnitProgress>)> {
    let register = engine.registers.get(RecordKind::Returnees)?;
    let mut units = progress::progress(&register.records, level, as_of);
    units.retain(|u| u.code.starts_with(within));
    Some((register.version, units))
}

/// [`progress`] as a caller without clearance may see it: households by whole atoms,
/// each component's stages by whole pools (see [`crate::engine::disclosure::progress`]).
#[must_use]
pub fn published_progress(
    engine: &Engine,
    level: AdminLevel,
    within: &str,
    as_of: NaiveDate,
) -> Option<(i32, Vec<PublishedUnit>)> {
    let register = engine.registers.get(RecordKind::Returnees)?;
    let mut units = published::published(&register.records, level, as_of);
    units.retain(|u| u.code.starts_with(within));
    Some((register.version, units))
}

/// The choice lists the returnee household form (`data/forms/returnee-household.xlsx`)
/// chooses a destination from, district → sector → cell → village, written from the
/// loaded boundary layers: (file name, CSV with `name` the official code, `label` the
/// unit's name and the code of the unit it is in), coarsest first.
///
/// # Errors
/// The level whose boundary layer is not loaded.
pub fn form_lists(engine: &Engine) -> Result<Vec<(&'static str, String)>, AdminLevel> {
    let all = engine.snapshots();
    let mut out = Vec::new();
    for (file, level, parent) in [
        ("districts.csv", AdminLevel::District, None),
        (
            "sectors.csv",
            AdminLevel::Sector,
            Some(AdminLevel::District),
        ),
        ("cells.csv", AdminLevel::Cell, Some(AdminLevel::Sector)),
        ("villages.csv", AdminLevel::Village, Some(AdminLevel::Cell)),
    ] {
        let units = crate::engine::boundary_of(&all, level).ok_or(level)?;
        let mut rows: Vec<(String, String)> = units
            .features
            .iter()
            .filter_map(|f| {
                let code = f.code.as_deref().filter(|c| c.len() == level.digits())?;
                Some((code.to_owned(), units.name(f).unwrap_or(code).to_owned()))
            })
            .collect();
        rows.sort();
        rows.dedup_by(|a, b| a.0 == b.0);
        let mut text = match parent {
            Some(p) => format!("name,label,{p}\n"),
            None => "name,label\n".to_owned(),
        };
        for (code, name) in rows {
            text.push_str(&code);
            text.push(',');
            text.push_str(&crate::formats::csv::cell(&name));
            if let Some(p) = parent {
                text.push(',');
                text.push_str(p.ancestor(&code));
            }
            text.push('\n');
        }
        out.push((file, text));
    }
    Ok(out)
}

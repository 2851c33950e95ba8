//! Returnee households followed to reintegration: their progress through their support
//! per admin unit, from the register's current version (the rules are
//! [`crate::engine::progress`]'s).

use chrono::NaiveDate;

use crate::engine::Engine;
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

//! Record imports and rollbacks: a file is read in its format, every row checked against
//! its kind's fields and the admin units of the loaded boundaries (current, or retired
//! in an earlier boundary version), merged with the current version when asked, and
//! committed as one new version of the register, or nothing.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sha2::{Digest, Sha256};

use crate::engine::Engine;
use crate::ingest::records::{self, AdminCodes, CodeStatus, RecordsError};
use crate::model::{
    AdminLevel, ImportMode, ImportReport, LayerKind, Record, RecordKind, Register, RegisterVersion,
};
use crate::store::{NewRegisterVersion, Store, StoreError};

/// Why an import or rollback failed; nothing was then written.
#[derive(Debug, thiserror::Error)]
pub enum RecordsOpError {
    /// The file or its rows.
    #[error(transparent)]
    Records(#[from] RecordsError),
    /// No boundary layer to check codes against.
    #[error(
        "no boundary layer is loaded to check admin codes against: load the admin units first (`sitroom load --kind boundary --theme village …`)"
    )]
    NoBoundaries,
    /// The store.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A file to import.
#[derive(Debug, Clone, Copy)]
pub struct Import<'a> {
    /// Into which register.
    pub kind: RecordKind,
    /// The file's name (its extension says the format).
    pub source_name: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
    /// Replace the register or merge into it.
    pub mode: ImportMode,
    /// Import the good rows even when some are refused.
    pub allow_rejects: bool,
    /// Who imports.
    pub by: &'a str,
}

/// The admin codes of the loaded boundary layers, and (looked up only when a code is
/// not among them) those of their earlier versions.
struct Units<'a> {
    current: HashSet<String>,
    store: &'a Store,
    boundaries: Vec<(crate::model::LayerId, i32)>,
    earlier: std::cell::OnceCell<HashMap<String, String>>,
}

impl<'a> Units<'a> {
    fn of(engine: &Engine, store: &'a Store) -> Result<Self, RecordsOpError> {
        let mut current = HashSet::new();
        let mut boundaries = Vec::new();
        for s in engine.snapshots().values() {
            if s.meta.kind != LayerKind::Boundary
                || AdminLevel::of_theme(s.meta.theme.as_str()).is_none()
            {
                continue;
            }
            current.extend(s.features.iter().filter_map(|f| f.code.clone()));
            boundaries.push((s.meta.id.clone(), s.version));
        }
        if boundaries.is_empty() {
            return Err(RecordsOpError::NoBoundaries);
        }
        Ok(Self {
            current,
            store,
            boundaries,
            earlier: std::cell::OnceCell::new(),
        })
    }

    /// Codes of earlier boundary versions only, with where each was last seen.
    fn earlier(&self) -> &HashMap<String, String> {
        self.earlier.get_or_init(|| {
            let mut out = HashMap::new();
            for (id, current) in &self.boundaries {
                let Ok(Some(detail)) = self.store.layer(id) else {
                    continue;
                };
                for v in detail.versions.iter().filter(|v| v.version != *current) {
                    let Ok(features) = self.store.features(id, v.version) else {
                        continue;
                    };
                    for code in features.into_iter().filter_map(|f| f.code) {
                        if !self.current.contains(&code) {
                            out.entry(code).or_insert_with(|| {
                                format!("in version {} of layer '{id}', not in its current version {current}", v.version)
                            });
                        }
                    }
                }
            }
            out
        })
    }
}

impl AdminCodes for Units<'_> {
    fn status(&self, code: &str) -> CodeStatus {
        if self.current.contains(code) {
            CodeStatus::Current
        } else if let Some(where_) = self.earlier().get(code) {
            CodeStatus::Retired(where_.clone())
        } else {
            CodeStatus::Unknown
        }
    }
}

/// Imports a file into its register: a new current version, audited, or nothing.
///
/// # Errors
/// When the file cannot be read, rows are refused (and rejects are not allowed), no
/// boundaries are loaded, or the store fails.
pub fn import(
    store: &Store,
    engine: &Engine,
    file: &Import<'_>,
) -> Result<RegisterVersion, RecordsOpError> {
    let kind = file.kind;
    let sha256 = hex::encode(Sha256::digest(file.bytes));
    let table = records::hxl::read(kind, file.bytes)?;
    let units = Units::of(engine, store)?;
    let report = ImportReport {
        source_name: file.source_name.to_owned(),
        format: "hxl-csv".into(),
        mode: Some(file.mode),
        read: table.issues.len() as u64,
        ignored_columns: table.ignored,
        issues: table.issues,
        ..ImportReport::default()
    };
    let checked = records::check(
        kind,
        table.rows,
        &units,
        Utc::now().date_naive(),
        &sha256[..8],
        file.allow_rejects,
        report,
    )?;
    let base = store.register(kind)?.map(|r| r.current_version);
    let mut report = checked.report;
    let all = match (file.mode, base) {
        (ImportMode::Merge, Some(version)) => {
            let (all, replaced) = merge(store.records(kind, version)?, checked.records);
            report.replaced = replaced;
            all
        }
        _ => checked.records,
    };
    report.records = all.len() as u64;
    Ok(store.commit_register(
        &NewRegisterVersion {
            kind,
            source_name: file.source_name.to_owned(),
            source_sha256: sha256,
            report,
            imported_by: file.by.to_owned(),
            base_version: base,
        },
        &all,
    )?)
}

/// The current records with `new` merged in: a new record replaces the one with its id
/// in place, the others come after. Returns them and how many were replaced.
fn merge(current: Vec<Record>, new: Vec<Record>) -> (Vec<Record>, u64) {
    let mut by_id: HashMap<String, Record> =
        new.iter().map(|r| (r.id.clone(), r.clone())).collect();
    let mut replaced = 0;
    let mut out: Vec<Record> = current
        .into_iter()
        .map(|r| match by_id.remove(&r.id) {
            Some(n) => {
                replaced += 1;
                n
            }
            None => r,
        })
        .collect();
    out.extend(new.into_iter().filter(|r| by_id.contains_key(&r.id)));
    (out, replaced)
}

/// Makes an earlier version of a register current again.
///
/// # Errors
/// When the register or version does not exist.
pub fn rollback(
    store: &Store,
    kind: RecordKind,
    version: i32,
    by: &str,
) -> Result<Register, RecordsOpError> {
    Ok(store.rollback_register(kind, version, by)?)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn rec(id: &str, code: &str) -> Record {
        Record {
            id: id.into(),
            code: code.into(),
            date: NaiveDate::from_ymd_opt(2023, 5, 3).expect("date"),
            values: vec![],
        }
    }

    #[test]
    fn merge_replaces_in_place_and_appends() {
        let (all, replaced) = merge(
            vec![rec("a", "41"), rec("b", "42")],
            vec![rec("c", "43"), rec("a", "4106")],
        );
        let got: Vec<(&str, &str)> = all
            .iter()
            .map(|r| (r.id.as_str(), r.code.as_str()))
            .collect();
        assert_eq!(got, vec![("a", "4106"), ("b", "42"), ("c", "43")]);
        assert_eq!(replaced, 1);
    }
}

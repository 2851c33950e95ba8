//! Registers in memory: each kind's current version, loaded from the store and replaced
//! whole when another becomes current, and its roll-ups, kept until then.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, RwLock};

use super::rollup::{RollUp, roll_up};
use crate::model::{AdminLevel, PeriodKind, Record, RecordKind};
use crate::store::{Store, StoreError};

/// One register version in memory.
#[derive(Debug)]
pub struct RegisterSnapshot {
    /// Its kind.
    pub kind: RecordKind,
    /// Its version.
    pub version: i32,
    /// Its records, in stored order.
    pub records: Vec<Record>,
}

type RollKey = (
    RecordKind,
    i32,
    usize,
    AdminLevel,
    PeriodKind,
    Option<(usize, String)>,
);

/// Why a roll-up cannot be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RollUpError {
    /// No such field.
    #[error("{kind} records have no field '{field}': they have {}", numeric(*.kind))]
    UnknownField {
        /// The kind.
        kind: RecordKind,
        /// The field asked for.
        field: String,
    },
    /// A field that does not roll up.
    #[error("{kind} field '{field}' is text and does not roll up: use one of {}", numeric(*.kind))]
    NotNumeric {
        /// The kind.
        kind: RecordKind,
        /// The field asked for.
        field: String,
    },
}

fn numeric(kind: RecordKind) -> String {
    kind.fields()
        .iter()
        .filter(|f| f.is_numeric())
        .map(|f| f.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Current registers and their roll-ups.
#[derive(Default)]
pub struct Registers {
    current: RwLock<BTreeMap<RecordKind, Arc<RegisterSnapshot>>>,
    rollups: Mutex<HashMap<RollKey, Arc<RollUp>>>,
}

impl Registers {
    /// The current version of `kind`'s register, if it has one.
    #[must_use]
    pub fn get(&self, kind: RecordKind) -> Option<Arc<RegisterSnapshot>> {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&kind)
            .cloned()
    }

    /// Loads registers whose current version changed in the store. Returns the kinds
    /// changed.
    ///
    /// # Errors
    /// When the store cannot be read; the registers in memory stay as they were.
    pub fn sync(&self, store: &Store) -> Result<Vec<RecordKind>, StoreError> {
        let mut changed = Vec::new();
        let mut loaded = Vec::new();
        for (kind, version) in store.register_versions()? {
            if self.get(kind).is_some_and(|s| s.version == version) {
                continue;
            }
            let records = store.records(kind, version)?;
            loaded.push(Arc::new(RegisterSnapshot {
                kind,
                version,
                records,
            }));
            changed.push(kind);
        }
        if !loaded.is_empty() {
            let mut current = self
                .current
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for s in loaded {
                current.insert(s.kind, s);
            }
            let versions: BTreeMap<RecordKind, i32> =
                current.iter().map(|(k, s)| (*k, s.version)).collect();
            self.rollups
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .retain(|key, _| versions.get(&key.0) == Some(&key.1));
        }
        Ok(changed)
    }

    /// Field `field` of `register` rolled up to `level` by `period` — of the records
    /// whose field `only.0` is `only.1`, when given — kept until the register gets
    /// another current version.
    ///
    /// # Errors
    /// When the kind has no such numeric field.
    pub fn roll_up(
        &self,
        register: &RegisterSnapshot,
        field: &str,
        level: AdminLevel,
        period: PeriodKind,
        only: Option<(&str, &str)>,
    ) -> Result<Arc<RollUp>, RollUpError> {
        let kind = register.kind;
        let only = match only {
            None => None,
            Some((name, value)) => {
                let (i, spec) = kind.field(name).ok_or_else(|| RollUpError::UnknownField {
                    kind,
                    field: name.chars().take(64).collect(),
                })?;
                if spec.is_numeric() {
                    return Err(RollUpError::NotNumeric {
                        kind,
                        field: format!("{name} (a filter takes a term or text field)"),
                    });
                }
                Some((i, value.to_owned()))
            }
        };
        let (index, spec) = kind.field(field).ok_or_else(|| RollUpError::UnknownField {
            kind,
            field: field.chars().take(64).collect(),
        })?;
        if !spec.is_numeric() {
            return Err(RollUpError::NotNumeric {
                kind,
                field: field.to_owned(),
            });
        }
        let key = (kind, register.version, index, level, period, only.clone());
        if let Some(hit) = self
            .rollups
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
        {
            return Ok(hit.clone());
        }
        let kept = register.records.iter().filter(|r| {
            only.as_ref().is_none_or(|(i, value)| {
                r.values.get(*i).and_then(crate::model::record::Value::text) == Some(value.as_str())
            })
        });
        let made = Arc::new(roll_up(kept, index, spec, level, period));
        self.rollups
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key, made.clone());
        Ok(made)
    }
}

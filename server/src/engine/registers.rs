//! Registers in memory: each kind's current version, loaded from the store and replaced
//! whole when another becomes current, and its roll-ups, kept until then.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use super::rollup::{Columns, RollUp, roll_up_levels};

use super::snapshot::LayerSnapshot;
use super::{Snapshots, boundary_of, records_layer, rollup_layer};
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
    columns: OnceLock<Columns>,
}

impl RegisterSnapshot {
    /// Version `version` of `kind`'s register, holding `records`.
    #[must_use]
    pub fn new(kind: RecordKind, version: i32, records: Vec<Record>) -> Self {
        Self {
            kind,
            version,
            records,
            columns: OnceLock::new(),
        }
    }

    /// What roll-ups read of its records, made on first use.
    pub fn columns(&self) -> &Columns {
        self.columns.get_or_init(|| {
            let numeric = self
                .kind
                .fields()
                .iter()
                .enumerate()
                .filter(|(_, f)| f.is_numeric())
                .map(|(i, _)| i);
            Columns::of(&self.records, numeric)
        })
    }
}

type RollKey = (
    RecordKind,
    i32,
    usize,
    AdminLevel,
    PeriodKind,
    Option<(usize, String)>,
);

/// A roll-up drawn for one period on one version of a boundary layer.
type DrawKey = (
    (
        RecordKind,
        i32,
        String,
        AdminLevel,
        PeriodKind,
        Option<(String, String)>,
    ),
    Option<String>,
    String,
    i32,
);

/// Roll-ups drawn and kept at most (each holds the geometry of its level's units).
const DRAWN_KEPT: usize = 32;

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
    /// A period without records.
    #[error("no {kind} records in period '{period}': periods with records are {have}")]
    NoSuchPeriod {
        /// The kind.
        kind: RecordKind,
        /// The period asked for.
        period: String,
        /// Those with records.
        have: String,
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
    drawn: Mutex<HashMap<DrawKey, Arc<LayerSnapshot>>>,
    as_layers: Mutex<HashMap<RecordKind, (LayerKey, Arc<LayerSnapshot>)>>,
    layer_builds: AtomicI32,
}

/// What a register drawn as a layer depends on: its version and the boundary layers'.
type LayerKey = (i32, Vec<(String, i32)>);

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

    /// The current register of `kind` as a layer: each record with the shape of its unit
    /// in the boundary layers of `all`; rebuilt when the register or those layers change,
    /// each build numbered anew (its layer version), so that nothing kept of an earlier
    /// build is taken for it.
    #[must_use]
    pub fn as_layer(&self, kind: RecordKind, all: &Snapshots) -> Option<Arc<LayerSnapshot>> {
        let register = self.get(kind)?;
        let key: LayerKey = (
            register.version,
            AdminLevel::ALL
                .iter()
                .filter_map(|l| boundary_of(all, *l))
                .map(|s| (s.meta.id.to_string(), s.version))
                .collect(),
        );
        let mut layers = self
            .as_layers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((k, layer)) = layers.get(&kind)
            && *k == key
        {
            return Some(layer.clone());
        }
        let build = self.layer_builds.fetch_add(1, Ordering::Relaxed) + 1;
        let (layer, unplaced) =
            records_layer::layer(kind, register.version, &register.records, all, build);
        if unplaced > 0 {
            tracing::warn!(%kind, unplaced, "records whose unit is not loaded are left out of the register's collection");
        }
        let layer = Arc::new(layer);
        layers.insert(kind, (key, layer.clone()));
        Some(layer)
    }

    /// Makes `snapshot` current: the version this process just committed, so that the
    /// next sync need not read it back from the store.
    pub fn install(&self, snapshot: RegisterSnapshot) {
        snapshot.columns();
        self.make_current(vec![Arc::new(snapshot)]);
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
            let snapshot = RegisterSnapshot::new(kind, version, store.records(kind, version)?);
            // Made now, not at the first roll-up someone waits for.
            snapshot.columns();
            loaded.push(Arc::new(snapshot));
            changed.push(kind);
        }
        self.make_current(loaded);
        Ok(changed)
    }

    /// Makes `loaded` the current versions of their kinds and drops what was kept of
    /// the versions they replace.
    fn make_current(&self, loaded: Vec<Arc<RegisterSnapshot>>) {
        if loaded.is_empty() {
            return;
        }
        let mut current = self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let replaced: Vec<Arc<RegisterSnapshot>> = loaded
            .into_iter()
            .filter_map(|s| current.insert(s.kind, s))
            .collect();
        let versions: BTreeMap<RecordKind, i32> =
            current.iter().map(|(k, s)| (*k, s.version)).collect();
        drop(current);
        // Freeing a replaced version's records (a hundred thousand of them take a
        // tenth of a second) is no reason to keep the import waiting.
        if !replaced.is_empty() {
            std::thread::spawn(move || drop(replaced));
        }
        self.rollups
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .retain(|key, _| versions.get(&key.0) == Some(&key.1));
        self.drawn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .retain(|key, _| versions.get(&key.0.0) == Some(&key.0.1));
    }

    /// `register` rolled up as `request` asks, kept until the register gets another
    /// current version.
    ///
    /// # Errors
    /// When the kind has no such numeric field.
    pub fn roll_up(
        &self,
        register: &RegisterSnapshot,
        request: RollRequest<'_>,
    ) -> Result<Arc<RollUp>, RollUpError> {
        let RollRequest {
            field,
            level,
            period,
            only,
        } = request;
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
        let key = (kind, register.version, index, level, period, only);
        Ok(self.roll_up_keyed(register, key, spec))
    }

    fn roll_up_keyed(
        &self,
        register: &RegisterSnapshot,
        key: RollKey,
        spec: &'static crate::model::record::FieldSpec,
    ) -> Arc<RollUp> {
        if let Some(hit) = self
            .rollups
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
        {
            return hit.clone();
        }
        let (kind, version, index, level, period, only) = key;
        let keep: Option<Vec<bool>> = only.as_ref().map(|(i, value)| {
            register
                .records
                .iter()
                .map(|r| {
                    r.values.get(*i).and_then(crate::model::record::Value::text)
                        == Some(value.as_str())
                })
                .collect()
        });
        // Every level at once: one pass, and the next level asked for is ready.
        let all = roll_up_levels(register.columns(), keep.as_deref(), index, spec, period);
        let mut wanted = None;
        let mut kept_rollups = self
            .rollups
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for made in all {
            let made = Arc::new(made);
            if made.level == level {
                wanted = Some(made.clone());
            }
            kept_rollups.insert(
                (kind, version, index, made.level, period, only.clone()),
                made,
            );
        }
        wanted.unwrap_or_else(|| unreachable!("every level is rolled up"))
    }

    /// The roll-up of `request` for period `at` (all periods when `None`) drawn on
    /// `units`, the boundary layer of its level; kept until the register or the units
    /// get another version.
    ///
    /// # Errors
    /// As [`Registers::roll_up`], and when no record falls in period `at`.
    pub fn drawn(
        &self,
        register: &RegisterSnapshot,
        request: RollRequest<'_>,
        at: Option<&str>,
        units: &LayerSnapshot,
    ) -> Result<Arc<LayerSnapshot>, RollUpError> {
        let roll = self.roll_up(register, request)?;
        if let Some(p) = at
            && !roll.rows.iter().chain(&roll.coarser).any(|r| r.period == p)
        {
            let mut have: Vec<&str> = roll.rows.iter().map(|r| r.period.as_str()).collect();
            have.sort_unstable();
            have.dedup();
            return Err(RollUpError::NoSuchPeriod {
                kind: register.kind,
                period: p.chars().take(32).collect(),
                have: if have.is_empty() {
                    "none".into()
                } else {
                    have.join(", ")
                },
            });
        }
        let key = (
            (
                register.kind,
                register.version,
                request.field.to_owned(),
                request.level,
                request.period,
                request.only.map(|(f, v)| (f.to_owned(), v.to_owned())),
            ),
            at.map(str::to_owned),
            units.meta.id.to_string(),
            units.version,
        );
        let mut drawn = self
            .drawn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(hit) = drawn.get(&key) {
            return Ok(hit.clone());
        }
        let title = format!(
            "{} of the {} register by {}, {}",
            roll.field,
            register.kind,
            request.level,
            at.unwrap_or("all periods")
        );
        let made = Arc::new(rollup_layer::layer(&roll, at, units, title));
        if drawn.len() >= DRAWN_KEPT {
            drawn.clear();
        }
        drawn.insert(key, made.clone());
        Ok(made)
    }
}

/// What to roll up: a numeric field to a level by a kind of period, of the records whose
/// term or text field `only.0` is `only.1` when given.
#[derive(Debug, Clone, Copy)]
pub struct RollRequest<'a> {
    /// The numeric field.
    pub field: &'a str,
    /// The level.
    pub level: AdminLevel,
    /// The kind of period.
    pub period: PeriodKind,
    /// A term or text field and its value.
    pub only: Option<(&'a str, &'a str)>,
}

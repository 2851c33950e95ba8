//! Exposure results kept by their inputs: the hazard, exposure and boundary layer
//! versions. A result is computed once (concurrent requests for it wait for the same
//! computation) and dropped when any of its layers gets a new version; results that do
//! not depend on the changed layer stay.
//!
//! The classification travels with the hazard layer's version and the rates and needs
//! are applied when a report is written, so the versions are the whole key.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use chrono::{DateTime, Utc};

use super::compute;
use crate::engine::disclosure::NO_HAZARD_VERSION;
use crate::engine::tally::ByUnit;
use crate::engine::{LayerSnapshot, Snapshots};
use crate::model::LayerId;

/// A layer version.
type Version = (LayerId, i32);

/// What a result depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Inputs {
    hazard: Version,
    exposure: Version,
    units: Version,
}

fn version(s: &LayerSnapshot) -> Version {
    (s.meta.id.clone(), s.version)
}

impl Inputs {
    fn current_in(&self, all: &Snapshots) -> bool {
        // Version 0 of a hazard stands for no hazard at all; a negative version of a
        // layer for its units' areas (see `disclosure::unit_areas`).
        let current = |(id, v): &Version| {
            *v == NO_HAZARD_VERSION || all.get(id).is_some_and(|s| s.version == v.abs())
        };
        [&self.hazard, &self.exposure, &self.units]
            .into_iter()
            .all(current)
    }
}

/// Something kept with a result.
type Derived = Arc<dyn Any + Send + Sync>;

/// One computed exposure at the finest boundary level, with what was derived from it.
#[derive(Debug)]
pub struct Computed {
    /// Figures per unit of the boundary layer and hazard class.
    pub by_unit: ByUnit,
    /// When it was computed.
    pub computed_at: DateTime<Utc>,
    /// How long the computation took, in milliseconds.
    pub millis: f64,
    derived: Mutex<HashMap<String, Derived>>,
}

impl Computed {
    /// Something derived from this result (a choropleth layer of one level, the
    /// published figures, ...), made once per `key` and kept as long as the result.
    pub fn derived<T: Send + Sync + 'static>(&self, key: &str, make: impl FnOnce() -> T) -> Arc<T> {
        if let Some(found) = self
            .lock()
            .get(key)
            .cloned()
            .and_then(|a| a.downcast::<T>().ok())
        {
            return found;
        }
        let made = Arc::new(make());
        self.lock().insert(key.to_owned(), made.clone());
        made
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Derived>> {
        self.derived
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Results by their inputs.
#[derive(Debug, Default)]
pub struct Results {
    map: Mutex<HashMap<Inputs, Arc<OnceLock<Arc<Computed>>>>>,
}

impl Results {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Inputs, Arc<OnceLock<Arc<Computed>>>>> {
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The exposure of `exposure` to `hazard` by the units of `units`, computed now or
    /// earlier from these same versions.
    pub fn get(
        &self,
        hazard: &LayerSnapshot,
        exposure: &LayerSnapshot,
        units: &LayerSnapshot,
    ) -> Arc<Computed> {
        let key = Inputs {
            hazard: version(hazard),
            exposure: version(exposure),
            units: version(units),
        };
        let slot = self.lock().entry(key).or_default().clone();
        slot.get_or_init(|| {
            let started = Instant::now();
            let by_unit = compute(hazard, exposure, units);
            let millis = started.elapsed().as_secs_f64() * 1000.0;
            let m = crate::metrics::get();
            m.exposure_computations.inc();
            m.exposure_seconds.observe(millis / 1000.0);
            let hazard_id = if hazard.version == NO_HAZARD_VERSION {
                "none (aggregates)".to_owned()
            } else {
                hazard.meta.id.to_string()
            };
            tracing::info!(
                hazard = %hazard_id, exposure = %exposure.meta.id, units = %units.meta.id,
                millis = format!("{millis:.0}"), "exposure computed"
            );
            Arc::new(Computed {
                by_unit,
                computed_at: Utc::now(),
                millis,
                derived: Mutex::default(),
            })
        })
        .clone()
    }

    /// Drops the results computed from version `version` of layer `id`.
    pub fn forget(&self, id: &LayerId, version: i32) {
        let gone = (id.clone(), version);
        self.lock()
            .retain(|k, _| ![&k.hazard, &k.exposure, &k.units].contains(&&gone));
    }

    /// Drops the results of layer versions that are no longer current.
    pub fn retain_current(&self, all: &Snapshots) {
        self.lock().retain(|k, _| k.current_in(all));
    }
}

//! The engine: an in-memory, immutable snapshot of every layer's current version, built
//! from the store at start and replaced whole when a layer gets a new current version,
//! so readers never wait for a load and never see half of one. Tiles are rendered from
//! the snapshots.

pub mod calibration;
pub mod disclosure;
pub mod events;
pub mod exposure;
pub mod filter;
pub mod geometry;
pub mod progress;
pub mod records_layer;
pub mod registers;
pub mod rollup;
pub mod rollup_layer;
pub mod rules;
pub mod search;
pub mod selection;
pub mod sendai;
pub mod snapshot;
pub mod tally;
pub mod tiles;

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, RwLock};

use crate::model::{AdminLevel, LayerId, LayerKind};
use crate::store::{Store, StoreError};
pub use selection::Selection;
pub use snapshot::LayerSnapshot;

/// The boundary layer of the finest admin level loaded, and its level: exposure is
/// computed by its units and rolled up from there.
#[must_use]
pub fn finest_boundary(all: &Snapshots) -> Option<(Arc<LayerSnapshot>, AdminLevel)> {
    AdminLevel::ALL
        .iter()
        .rev()
        .find_map(|level| boundary_of(all, *level).map(|s| (s, *level)))
}

/// The boundary layer of `level`, if one is loaded.
#[must_use]
pub fn boundary_of(all: &Snapshots, level: AdminLevel) -> Option<Arc<LayerSnapshot>> {
    all.values()
        .find(|s| s.meta.kind == LayerKind::Boundary && s.meta.theme.as_str() == level.as_str())
        .cloned()
}

/// The current snapshots, by layer id.
pub type Snapshots = BTreeMap<LayerId, Arc<LayerSnapshot>>;

/// Why the engine could not (re)build a layer.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored geometry could not be decoded.
    #[error(transparent)]
    Build(#[from] snapshot::SnapshotError),
}

/// How many earlier layer versions are kept built (for figures compared across
/// versions); the least recently asked for is dropped first, with its results.
const EARLIER_KEPT: usize = 3;

/// The in-memory engine shared by every request.
#[derive(Default)]
pub struct Engine {
    current: RwLock<Arc<Snapshots>>,
    results: exposure::results::Results,
    /// Earlier versions built on demand, most recently asked for last.
    earlier: Mutex<VecDeque<Arc<LayerSnapshot>>>,
    /// Registers of records and their roll-ups.
    pub registers: registers::Registers,
}

fn build(store: &Store, id: &LayerId) -> Result<Option<LayerSnapshot>, EngineError> {
    let Some(detail) = store.layer(id)? else {
        return Ok(None);
    };
    let version = detail.layer.current_version;
    let bbox = detail
        .versions
        .iter()
        .find(|v| v.version == version)
        .and_then(|v| v.bbox);
    let features = store.features(id, version)?;
    Ok(Some(LayerSnapshot::build(
        detail.layer.meta,
        version,
        bbox,
        features,
    )?))
}

impl Engine {
    /// Builds snapshots of every layer's current version.
    ///
    /// # Errors
    /// When the store cannot be read.
    pub fn load(store: &Store) -> Result<Self, EngineError> {
        let engine = Self::default();
        engine.sync(store)?;
        engine.registers.sync(store)?;
        Ok(engine)
    }

    /// All current snapshots (a cheap shared copy: later changes do not affect it).
    #[must_use]
    pub fn snapshots(&self) -> Arc<Snapshots> {
        self.current
            .read()
            .map_or_else(|e| e.into_inner().clone(), |g| g.clone())
    }

    /// One layer's current snapshot.
    #[must_use]
    pub fn layer(&self, id: &LayerId) -> Option<Arc<LayerSnapshot>> {
        self.snapshots().get(id).cloned()
    }

    /// Version `version` of layer `id`: the current snapshot when that version is
    /// current, else one built from the store with the metadata the version was loaded
    /// with and the layer's present access (the last few kept).
    ///
    /// # Errors
    /// When the layer or version does not exist, or the store cannot be read.
    pub fn at_version(
        &self,
        store: &Store,
        id: &LayerId,
        version: i32,
    ) -> Result<Arc<LayerSnapshot>, EngineError> {
        if let Some(s) = self.layer(id).filter(|s| s.version == version) {
            return Ok(s);
        }
        let mut kept = self
            .earlier
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(at) = kept
            .iter()
            .position(|s| &s.meta.id == id && s.version == version)
        {
            let s = kept.remove(at).unwrap_or_else(|| unreachable!());
            kept.push_back(s.clone());
            return Ok(s);
        }
        let meta = store.version_meta(id, version)?;
        let bbox = store
            .layer(id)?
            .and_then(|d| d.versions.into_iter().find(|v| v.version == version))
            .and_then(|v| v.bbox);
        let built = Arc::new(LayerSnapshot::build(
            meta,
            version,
            bbox,
            store.features(id, version)?,
        )?);
        kept.push_back(built.clone());
        while kept.len() > EARLIER_KEPT {
            if let Some(old) = kept.pop_front() {
                self.results.forget(&old.meta.id, old.version);
            }
        }
        Ok(built)
    }

    /// The exposure of `exposure` to `hazard` by the units of `units`, kept until one of
    /// the three layers gets a new version.
    pub fn exposure(
        &self,
        hazard: &LayerSnapshot,
        exposure: &LayerSnapshot,
        units: &LayerSnapshot,
    ) -> Arc<exposure::results::Computed> {
        self.results.get(hazard, exposure, units)
    }

    /// The partition of restricted exposure layer `exposure`'s households into atoms
    /// over the units of `units` (see [`disclosure::Partition`]), kept with the
    /// hazard-free result of the two.
    #[must_use]
    pub fn partition(
        &self,
        exposure: &LayerSnapshot,
        units: &LayerSnapshot,
    ) -> Arc<disclosure::Partition> {
        let computed = self.exposure(&disclosure::no_hazard(&exposure.meta), exposure, units);
        let finest = AdminLevel::of_theme(units.meta.theme.as_str()).unwrap_or(AdminLevel::Village);
        computed.derived("partition", || {
            disclosure::Partition::build(
                &computed.by_unit,
                finest,
                disclosure::Protect::of(&exposure.meta),
            )
        })
    }

    /// What a caller without clearance may see of `exposure` × `hazard` by the units of
    /// `units` (see [`disclosure::Published`]), kept with the result.
    #[must_use]
    pub fn published(
        &self,
        hazard: &LayerSnapshot,
        exposure: &LayerSnapshot,
        units: &LayerSnapshot,
    ) -> Arc<disclosure::Published> {
        let partition = self.partition(exposure, units);
        let computed = self.exposure(hazard, exposure, units);
        computed.derived("published", || {
            disclosure::Published::new(partition, &computed.by_unit)
        })
    }

    /// `layer` as aggregates by the units of the finest boundary level (see
    /// [`disclosure::exposure_by_unit`] and [`disclosure::hazard_by_unit`]), with that
    /// boundary layer; kept until either gets a new version.
    ///
    /// # Errors
    /// When no boundary layer is loaded, or `layer` is a boundary layer itself.
    pub fn aggregated(
        &self,
        layer: &LayerSnapshot,
    ) -> Result<(Arc<LayerSnapshot>, Arc<LayerSnapshot>), disclosure::AggregateError> {
        let id = layer.meta.id.to_string();
        let (units, _) = finest_boundary(&self.snapshots())
            .ok_or_else(|| disclosure::AggregateError::NoBoundary(id.clone()))?;
        let agg = match layer.meta.kind {
            LayerKind::Exposure => {
                let partition = self.partition(layer, &units);
                let computed = self.exposure(&disclosure::no_hazard(&layer.meta), layer, &units);
                computed.derived("aggregate", || {
                    disclosure::exposure_by_unit(layer, &units, &partition)
                })
            }
            LayerKind::Hazard => {
                let computed = self.exposure(layer, &disclosure::unit_areas(&units), &units);
                computed.derived("aggregate", || {
                    disclosure::hazard_by_unit(layer, &units, &computed.by_unit)
                })
            }
            LayerKind::Boundary | LayerKind::Context => {
                return Err(disclosure::AggregateError::Unitless(id, layer.meta.kind));
            }
        };
        Ok((agg, units))
    }

    /// Prepares, on a thread of its own, what exposure needs from the given layers (their
    /// cell grids, or points sorted by cell), so the first request does not wait for it.
    /// Exposure's inputs are prepared for hazard and exposure layers and the finest
    /// boundary layer; the basemap's polygon layers get their label points.
    ///
    /// Not on a rayon worker: a request may be building the same grid (which uses the
    /// pool), and a worker waiting for that grid would take a thread from the very pool
    /// the grid needs; with every worker so blocked, the pool and all exposure would
    /// deadlock.
    pub fn prepare_in_background(&self, ids: &[LayerId]) {
        let all = self.snapshots();
        let finest = finest_boundary(&all).map(|(s, _)| s.meta.id.clone());
        let layers: Vec<Arc<LayerSnapshot>> =
            ids.iter().filter_map(|id| all.get(id).cloned()).collect();
        let spawned = std::thread::Builder::new()
            .name("prepare-exposure".into())
            .spawn(move || {
                for s in layers {
                    let started = std::time::Instant::now();
                    match s.meta.kind {
                        LayerKind::Exposure if !s.has_polygons() => {
                            s.points_by_cell();
                        }
                        LayerKind::Hazard | LayerKind::Exposure => {
                            s.cells();
                        }
                        LayerKind::Boundary if Some(&s.meta.id) == finest.as_ref() => {
                            s.cells();
                        }
                        LayerKind::Boundary | LayerKind::Context => {}
                    }
                    if s.label_field().is_some() || s.meta.kind == LayerKind::Boundary {
                        // Label points of the tiles; and incident areas over restricted
                        // layers stand for whole units of the finest boundary layer.
                        s.representative_points();
                    }
                    tracing::info!(layer = %s.meta.id, millis = started.elapsed().as_millis(), "prepared for exposure");
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "could not start preparing layers; the first request will");
        }
    }

    fn publish(&self, next: Snapshots) {
        self.results.retain_current(&next);
        let next = Arc::new(next);
        match self.current.write() {
            Ok(mut g) => *g = next,
            Err(e) => *e.into_inner() = next,
        }
    }

    /// Brings the snapshots in line with the store: rebuilds layers whose current
    /// version changed, adds new ones, drops deleted ones. Returns the ids changed.
    ///
    /// # Errors
    /// When the store cannot be read; the previous snapshots stay in place.
    pub fn sync(&self, store: &Store) -> Result<Vec<LayerId>, EngineError> {
        let now = self.snapshots();
        let layers = store.layers()?;
        let mut next: Snapshots = BTreeMap::new();
        let mut changed = Vec::new();
        for l in layers {
            let id = l.meta.id.clone();
            match now.get(&id) {
                Some(s) if s.version == l.current_version && s.meta == l.meta => {
                    next.insert(id, s.clone());
                }
                _ => {
                    let started = std::time::Instant::now();
                    let built = build(store, &id)?;
                    let m = crate::metrics::get();
                    m.snapshot_builds.inc();
                    m.snapshot_build_seconds
                        .observe(started.elapsed().as_secs_f64());
                    if let Some(s) = built {
                        next.insert(id.clone(), Arc::new(s));
                        changed.push(id);
                    }
                }
            }
        }
        changed.extend(now.keys().filter(|id| !next.contains_key(*id)).cloned());
        if !changed.is_empty() {
            self.publish(next);
        }
        Ok(changed)
    }
}

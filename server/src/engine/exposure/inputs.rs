//! The layers an exposure question is asked of, checked: a hazard layer, an exposure
//! layer, the finest boundary layer loaded (figures are computed by its units) and the
//! boundary layer of the level asked for (names and shapes).

use std::sync::Arc;

use super::area::AreaError;
use super::needs::NeedsError;
use crate::engine::disclosure::Control;
use crate::engine::{Engine, EngineError, LayerSnapshot, Snapshots, boundary_of, finest_boundary};
use crate::model::{AdminLevel, LayerId, LayerKind, SlugError};
use crate::store::Store;

/// Why an exposure question cannot be answered.
#[derive(Debug, thiserror::Error)]
pub enum ExposureError {
    /// A layer id that is not a slug.
    #[error(transparent)]
    BadId(#[from] SlugError),
    /// No such layer.
    #[error("layer '{0}' does not exist: GET /catalog lists the layers")]
    UnknownLayer(LayerId),
    /// A layer of another kind than the question needs.
    #[error("'{id}' is not a {want} layer (it is {is}): pass a {want} layer as {param}=")]
    WrongKind {
        /// The layer.
        id: LayerId,
        /// The kind needed.
        want: LayerKind,
        /// Its kind.
        is: LayerKind,
        /// The parameter it was given as.
        param: &'static str,
    },
    /// `by` is not a level.
    #[error(
        "by '{0}' is not a level: use one of country, province, district, sector, cell, village"
    )]
    UnknownLevel(String),
    /// No boundary layer at all.
    #[error("no boundary layer is loaded (themes province, district, sector, cell or village)")]
    NoBoundary,
    /// Figures by a level finer than the finest boundary layer.
    #[error(
        "the finest boundary layer loaded is '{id}' ({finest}): figures by {by} need a finer one"
    )]
    TooCoarse {
        /// The finest boundary layer.
        id: LayerId,
        /// Its level.
        finest: AdminLevel,
        /// The level asked for.
        by: AdminLevel,
    },
    /// A choropleth of a level with no boundary layer to draw.
    #[error(
        "no boundary layer with theme '{0}' is loaded, so its units cannot be drawn: choose another level"
    )]
    NothingToDraw(AdminLevel),
    /// A bad incident area.
    #[error(transparent)]
    Area(#[from] AreaError),
    /// A bad standard of needs.
    #[error(transparent)]
    Needs(#[from] NeedsError),
    /// An earlier version asked for by a caller who may not compare versions.
    #[error(
        "figures at an earlier version of '{0}' are given only to callers who see the detail of both layers (the analyst role): set beside the current figures, they would single out the households that changed between the versions (docs/security.md)"
    )]
    EarlierWithheld(LayerId),
    /// An earlier version that could not be had (no such version, or the store failed).
    #[error(transparent)]
    Earlier(#[from] EngineError),
}

impl ExposureError {
    /// Whether the error is that a layer does not exist (404 rather than 400).
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::UnknownLayer(_))
    }
}

/// The versions of the hazard and exposure layers to compute with, when not the current
/// ones (the boundary layers are always current: units keep their codes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Versions {
    /// The hazard layer's version.
    pub hazard: Option<i32>,
    /// The exposure layer's version.
    pub exposure: Option<i32>,
}

/// The layer `id` of kind `kind`, given as parameter `param`.
///
/// # Errors
/// When the id is not a slug, the layer does not exist or is of another kind.
pub fn layer_of_kind(
    all: &Snapshots,
    id: &str,
    kind: LayerKind,
    param: &'static str,
) -> Result<Arc<LayerSnapshot>, ExposureError> {
    let id: LayerId = id.parse()?;
    let snap = all
        .get(&id)
        .ok_or_else(|| ExposureError::UnknownLayer(id.clone()))?;
    if snap.meta.kind != kind {
        return Err(ExposureError::WrongKind {
            id,
            want: kind,
            is: snap.meta.kind,
            param,
        });
    }
    Ok(snap.clone())
}

/// The layers a report by one level is made from.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The hazard layer.
    pub hazard: Arc<LayerSnapshot>,
    /// The exposure layer.
    pub exposed: Arc<LayerSnapshot>,
    /// The finest boundary layer loaded: figures are computed by its units.
    pub finest: Arc<LayerSnapshot>,
    /// Its level.
    pub finest_level: AdminLevel,
    /// The level asked for.
    pub level: AdminLevel,
    /// The boundary layer of the level asked for (names and shapes), if loaded.
    pub names_layer: Option<Arc<LayerSnapshot>>,
}

impl Inputs {
    /// The layers for `hazard` × `exposure` by the level `by`.
    ///
    /// # Errors
    /// An [`ExposureError`] naming the missing or wrong layer or level.
    pub fn resolve(
        all: &Snapshots,
        hazard: &str,
        exposure: &str,
        by: &str,
    ) -> Result<Self, ExposureError> {
        let hazard = layer_of_kind(all, hazard, LayerKind::Hazard, "hazard")?;
        let exposed = layer_of_kind(all, exposure, LayerKind::Exposure, "exposure")?;
        let level: AdminLevel = by
            .parse()
            .map_err(|_| ExposureError::UnknownLevel(by.chars().take(40).collect()))?;
        let (finest, finest_level) = finest_boundary(all).ok_or(ExposureError::NoBoundary)?;
        if finest_level < level {
            return Err(ExposureError::TooCoarse {
                id: finest.meta.id.clone(),
                finest: finest_level,
                by: level,
            });
        }
        Ok(Self {
            hazard,
            exposed,
            finest,
            finest_level,
            level,
            names_layer: boundary_of(all, level),
        })
    }

    /// The same inputs with the hazard and exposure layers at `versions`, for a caller
    /// under `control`.
    ///
    /// # Errors
    /// [`ExposureError::EarlierWithheld`] when a version other than the current one is
    /// asked for and `control` does not allow comparing versions; [`ExposureError::Earlier`]
    /// when that version does not exist or cannot be read.
    pub fn at_versions(
        mut self,
        engine: &Engine,
        store: &Store,
        versions: Versions,
        control: Control,
    ) -> Result<Self, ExposureError> {
        for (layer, version) in [
            (&mut self.hazard, versions.hazard),
            (&mut self.exposed, versions.exposure),
        ] {
            let Some(version) = version.filter(|v| *v != layer.version) else {
                continue;
            };
            if !control.compares_versions() {
                return Err(ExposureError::EarlierWithheld(layer.meta.id.clone()));
            }
            *layer = engine.at_version(store, &layer.meta.id, version)?;
        }
        Ok(self)
    }

    /// Every layer the figures depend on (for ETags and cache purges).
    #[must_use]
    pub fn sources(&self) -> Vec<Arc<LayerSnapshot>> {
        let mut out = vec![
            self.hazard.clone(),
            self.exposed.clone(),
            self.finest.clone(),
        ];
        out.extend(self.names_layer.clone());
        out
    }
}

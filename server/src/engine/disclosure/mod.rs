//! Disclosure control: what a caller below the analyst role may learn of restricted
//! layers. Every answer that draws on a restricted layer for such a caller — reports at
//! any level and in any format, choropleth tiles, incident areas, point queries, tiles,
//! features, the catalog — is made from what this module publishes, never from detail.
//! The method and why it holds are in `docs/security.md`; in short:
//!
//! - **Counts** (a restricted exposure layer: returnee households): the households are
//!   partitioned into *atoms* of at least [`MIN_HOUSEHOLDS`], each made of whole
//!   villages of one admin unit and published at that unit (`partition`); splits by
//!   hazard class are published by *pools* of whole atoms whose every class part is
//!   nothing or at least [`MIN_HOUSEHOLDS`] (`split`). Every published figure of any
//!   unit, class or area is a sum of whole atoms or pools (`published`), so neither a
//!   figure nor any difference between nested figures (a parent less its children, a
//!   unit's total less its classes, one area less a smaller one) is ever 1 to 4
//!   households. Totals are the same in every table, whatever the hazard layer.
//! - **Places** (any restricted layer, exposure or hazard): nothing is answered finer
//!   than the finest admin unit. An incident area stands for the whole finest units
//!   whose representative point lies in it (`snap`); a restricted hazard layer is
//!   drawn by unit, with the highest class in each and the share of it in each class
//!   (`aggregate`), and its class at a point is not given.
//! - **Versions**: figures at an earlier version of an input are given only when nothing
//!   is controlled ([`Control::compares_versions`]): set beside the current ones, two
//!   versions' published figures would single out the households that changed between
//!   them, which no partition of one version can prevent.

mod aggregate;
mod partition;
pub mod progress;
mod published;
mod snap;
mod split;

pub use aggregate::{
    AggregateError, NO_HAZARD_VERSION, exposure_by_unit, hazard_by_unit, no_hazard, unit_areas,
};
pub use partition::Partition;
pub use published::Published;
pub use snap::units_in;

use crate::engine::tally::Tally;
use crate::model::{LayerMeta, Sensitivity};

/// The fewest households (or, for a layer without a households field, features) any
/// published figure of a restricted layer may count, other than none.
pub const MIN_HOUSEHOLDS: f64 = 5.0;

/// What a caller may see of restricted layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clearance {
    /// Everything (the analyst role and above, and whoever opens the store).
    Detail,
    /// Published aggregates only.
    Aggregates,
}

/// What is counted to decide whether a group is large enough to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protect {
    /// Households (the layer maps a households field).
    Households,
    /// Features (each one a household or a person).
    Features,
}

impl Protect {
    /// What a layer's groups are counted in.
    #[must_use]
    pub fn of(meta: &LayerMeta) -> Self {
        if meta.fields.households.is_some() {
            Self::Households
        } else {
            Self::Features
        }
    }

    /// The protected count of a tally.
    #[must_use]
    pub fn count(self, t: &Tally) -> f64 {
        match self {
            Self::Households => t.households,
            Self::Features => t.count,
        }
    }
}

/// The controls an answer is made under.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Control {
    /// The exposure layer's counts are published figures only.
    pub counts: bool,
    /// Nothing finer than the finest admin unit.
    pub places: bool,
}

impl Control {
    /// The controls for a caller of `clearance` asking about `hazard` × `exposure`.
    #[must_use]
    pub fn of(hazard: &LayerMeta, exposure: &LayerMeta, clearance: Clearance) -> Self {
        if clearance == Clearance::Detail {
            return Self::default();
        }
        let restricted = |m: &LayerMeta| m.sensitivity == Sensitivity::Restricted;
        Self {
            counts: restricted(exposure),
            places: restricted(exposure) || restricted(hazard),
        }
    }

    /// Whether anything is controlled.
    #[must_use]
    pub fn any(self) -> bool {
        self.counts || self.places
    }

    /// Whether the caller may have figures at an earlier version of an input: only when
    /// nothing is controlled, since the difference between two versions' figures is
    /// what changed between them, household by household.
    #[must_use]
    pub fn compares_versions(self) -> bool {
        !self.any()
    }
}

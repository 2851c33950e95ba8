//! Affected and displaced people, from the hazard layer's classification: people in a
//! class marked `affected` are affected, and the class's displacement rate of them are
//! displaced. The arithmetic of every report, choropleth and brief.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::tally::Tally;
use crate::model::{HazardClass, LayerMeta};

/// Per class of a classification: whether people count as affected, and the share of
/// them displaced.
#[derive(Debug, Clone, Default)]
pub struct ClassRules(BTreeMap<HazardClass, (bool, f64)>);

/// Figures of one unit and class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Exposure features (or feature-equivalents of polygons).
    pub count: f64,
    /// People.
    pub population: f64,
    /// Households.
    pub households: f64,
    /// People in a class that counts as affected.
    pub affected: f64,
    /// Affected people times the class's displacement rate.
    pub displaced: f64,
}

impl ClassRules {
    /// The rules of a hazard layer's classification (none: nobody is affected).
    #[must_use]
    pub fn of(hazard: &LayerMeta) -> Self {
        Self(
            hazard
                .classification
                .iter()
                .flat_map(|c| c.rules.iter())
                .map(|r| (r.class, (r.affected, r.displacement_rate)))
                .collect(),
        )
    }

    /// Whether people in `class` are affected, and the share of them displaced (outside
    /// every class: not affected).
    #[must_use]
    pub fn rule(&self, class: Option<HazardClass>) -> (bool, f64) {
        class
            .and_then(|c| self.0.get(&c).copied())
            .unwrap_or((false, 0.0))
    }

    /// The figures of tally `t` in `class`.
    #[must_use]
    pub fn figures(&self, class: Option<HazardClass>, t: &Tally) -> Figures {
        let (affected, rate) = self.rule(class);
        let affected = if affected { t.population } else { 0.0 };
        Figures {
            count: t.count,
            population: t.population,
            households: t.households,
            affected,
            displaced: affected * rate,
        }
    }
}

/// The name of a class in reports: its own, or `none` outside every hazard zone.
#[must_use]
pub fn class_name(class: Option<HazardClass>) -> &'static str {
    class.map_or("none", HazardClass::as_str)
}

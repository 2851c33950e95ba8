//! Exposure figures as the engine keeps them: per unit code and hazard class, how many
//! features, people and households; rolled up by code (a unit's code begins with its
//! parent's); and the figures of one unit as published, with what is withheld.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::HazardClass;

/// Exposed quantities in one unit and class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Tally {
    /// Exposure features (points) or feature-equivalents (area shares of polygons).
    pub count: f64,
    /// People.
    pub population: f64,
    /// Households.
    pub households: f64,
}

impl Tally {
    /// `n` households of four people, one feature each (for tests of the rules that
    /// count households).
    #[cfg(test)]
    #[must_use]
    pub fn households(n: f64) -> Self {
        Self {
            count: n,
            population: n * 4.0,
            households: n,
        }
    }

    /// Adds `share` of a feature carrying `population` and `households`.
    pub fn add_share(&mut self, share: f64, population: Option<f64>, households: Option<f64>) {
        self.count += share;
        self.population += share * population.unwrap_or(0.0);
        self.households += share * households.unwrap_or(0.0);
    }

    /// Adds another tally's figures to this one.
    pub fn merge(&mut self, o: &Tally) {
        self.count += o.count;
        self.population += o.population;
        self.households += o.households;
    }

    /// This tally less `o` (never below zero: rounding).
    #[must_use]
    pub fn minus(&self, o: &Tally) -> Tally {
        Tally {
            count: (self.count - o.count).max(0.0),
            population: (self.population - o.population).max(0.0),
            households: (self.households - o.households).max(0.0),
        }
    }

    /// Whether there is nothing in it.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.count <= 0.0 && self.population <= 0.0 && self.households <= 0.0
    }
}

/// Figures per class (`None`: outside every hazard zone).
pub type ByClass = BTreeMap<Option<HazardClass>, Tally>;

/// Figures per unit code, then per hazard class.
pub type ByUnit = BTreeMap<String, ByClass>;

/// The sum of every class.
#[must_use]
pub fn total(classes: &ByClass) -> Tally {
    let mut t = Tally::default();
    for c in classes.values() {
        t.merge(c);
    }
    t
}

/// Sums unit figures up to the level whose codes have `digits` characters (e.g. 2 for
/// districts, 0 for the country), from the unrounded unit sums.
#[must_use]
pub fn roll_up(by_unit: &ByUnit, digits: usize) -> ByUnit {
    let mut out: ByUnit = BTreeMap::new();
    for (code, classes) in by_unit {
        let parent = code
            .get(..digits.min(code.len()))
            .unwrap_or(code)
            .to_owned();
        let entry = out.entry(parent).or_default();
        for (class, t) in classes {
            entry.entry(*class).or_default().merge(t);
        }
    }
    out
}

/// One unit's figures as a report shows them: per class, and what could not be shown by
/// class (restricted exposure: households whose class would single some out). A unit
/// with people in it whose figures are all withheld is `suppressed`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnitFigures {
    /// Per class.
    pub classes: ByClass,
    /// Counted in the unit, but in no class shown.
    pub withheld: Tally,
    /// Everything in the unit is withheld.
    pub suppressed: bool,
}

impl UnitFigures {
    /// Figures with nothing withheld.
    #[must_use]
    pub fn exact(classes: ByClass) -> Self {
        Self {
            classes,
            withheld: Tally::default(),
            suppressed: false,
        }
    }

    /// Everything the unit holds: its classes and what is withheld.
    #[must_use]
    pub fn total(&self) -> Tally {
        let mut t = total(&self.classes);
        t.merge(&self.withheld);
        t
    }
}

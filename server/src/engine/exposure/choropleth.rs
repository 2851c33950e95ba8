//! Exposure by unit as a layer to draw: the units of one level with their figures as
//! attributes, for choropleth tiles. Made from the same kept result as the reports, so
//! map and table always agree.

use serde_json::json;

use std::collections::BTreeMap;

use super::figures::ClassRules;
use super::inputs::Inputs;
use crate::engine::snapshot::LayerSnapshot;
use crate::engine::tally::UnitFigures;

/// Attributes of each unit, with their types and meaning.
pub const UNIT_FIELDS: &[(&str, &str, &str)] = &[
    ("code", "String", "official code of the unit"),
    ("name", "String", "name of the unit"),
    ("population", "Number", "everyone counted in the unit"),
    (
        "exposed",
        "Number",
        "people in any hazard class (each counted once, in the highest)",
    ),
    ("exposed_share", "Number", "exposed / population (0-1)"),
    (
        "affected",
        "Number",
        "people in classes that count as affected",
    ),
    (
        "displaced",
        "Number",
        "affected x the class displacement rate",
    ),
    ("high", "Number", "people in the high class"),
    ("medium", "Number", "people in the medium class"),
    ("low", "Number", "people in the low class"),
    ("very_low", "Number", "people in the very low class"),
    (
        "withheld",
        "Number",
        "people counted in the unit whose hazard class is withheld (restricted layers)",
    ),
    (
        "suppressed",
        "Boolean",
        "true where a restricted layer's figures are all withheld (too few households)",
    ),
];

/// The units of `units` (a boundary layer of `inputs.level`) with their `figures` (as
/// the caller may see them) as attributes.
#[must_use]
pub fn layer(
    inputs: &Inputs,
    units: &LayerSnapshot,
    figures: &BTreeMap<String, UnitFigures>,
) -> LayerSnapshot {
    let rules = ClassRules::of(&inputs.hazard.meta);
    units.units_drawn(
        "exposure",
        format!(
            "Exposure of {} to {} by {}",
            inputs.exposed.meta.title, inputs.hazard.meta.title, inputs.level
        ),
        |u, p| {
            let f = u.code.as_ref().and_then(|c| figures.get(c));
            if f.is_some_and(|f| f.suppressed) {
                p.insert("suppressed".into(), json!(true));
            } else {
                let (mut population, mut exposed, mut affected, mut displaced) =
                    (0.0, 0.0, 0.0, 0.0);
                for (class, t) in f.into_iter().flat_map(|f| &f.classes) {
                    let fig = rules.figures(*class, t);
                    population += fig.population;
                    affected += fig.affected;
                    displaced += fig.displaced;
                    let Some(class) = class else { continue };
                    exposed += fig.population;
                    p.insert(class.as_str().into(), json!(fig.population));
                }
                if let Some(w) = f.map(|f| f.withheld).filter(|w| !w.is_empty()) {
                    population += w.population;
                    p.insert("withheld".into(), json!(w.population));
                }
                p.insert("population".into(), json!(population));
                p.insert("exposed".into(), json!(exposed));
                if population > 0.0 {
                    p.insert("exposed_share".into(), json!(exposed / population));
                }
                p.insert("affected".into(), json!(affected));
                p.insert("displaced".into(), json!(displaced));
            }
        },
    )
}

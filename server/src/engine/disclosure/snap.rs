//! Incident areas at the resolution of admin units: the finest units whose
//! representative point (a point inside each, fixed for the version) lies in the area.
//! Which units an area selects depends only on the area and the public boundaries,
//! never on where restricted features are.

use std::collections::HashSet;

use crate::engine::LayerSnapshot;

/// The codes of the units of `units` (Web Mercator) whose representative point lies in
/// `area` (a one-unit layer in Web Mercator, see `exposure::area::as_units`).
#[must_use]
pub fn units_in(units: &LayerSnapshot, area: &LayerSnapshot) -> HashSet<String> {
    let grid = area.cells();
    let points = units.representative_points();
    units
        .indices_in_bounds_m(area.extent_m())
        .filter_map(|i| {
            let p = points[i]?;
            grid.at(p).next()?;
            units.features[i].code.clone()
        })
        .collect()
}

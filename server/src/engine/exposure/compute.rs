//! Exposure: who and what lies in each hazard class, per administrative unit.
//!
//! Points count where they fall; polygons carrying a population are split by the share
//! of their area in each unit and class. Overlapping hazard zones count once, in their
//! highest class. Figures are computed for the units of the boundary layer given (the
//! finest level) and rolled up by official code to every level above (codes begin with
//! their parent's code), from unrounded sums.
//!
//! Both go through the layers' cell grids (see `cells`): points are located among the
//! few small pieces of their cell, and shared areas come from exact edge sums rather
//! than a polygon overlay, cell by cell and in parallel.
//!
//! Areas are taken in Web Mercator, where the snapshots hold geometries. Only shares of
//! one polygon's area are used, and across a village or a hazard zone the Mercator scale
//! changes by far less than a part in a thousand, so the shares are those on the ground.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use geo::{Area, BooleanOps, Coord, Intersects, Point};
use rayon::prelude::*;

use super::cells::{
    CellGrid, CellId, CellPoint, Piece, Span, locate_cell, multipolygon_rings, overlap, spans_of,
};
use crate::engine::snapshot::{LayerSnapshot, SnapFeature};
use crate::engine::tally::{ByUnit, Tally};
use crate::model::HazardClass;

/// The highest hazard class of the zones containing `p` (R-tree and exact test: for one
/// point, with no preparation; bulk work goes through the cell grid).
pub fn class_at(hazard: &LayerSnapshot, p: Point<f64>) -> Option<HazardClass> {
    hazard
        .in_bounds_m([p.x(), p.y(), p.x(), p.y()])
        .filter(|h| h.geometry.intersects(&p))
        .filter_map(SnapFeature::class)
        .min_by_key(|c| c.code())
}

/// The unit containing `p` (the first found when units overlap at a shared edge).
pub fn unit_at(units: &LayerSnapshot, p: Point<f64>) -> Option<&SnapFeature> {
    units
        .in_bounds_m([p.x(), p.y(), p.x(), p.y()])
        .find(|u| u.geometry.intersects(&p))
}

/// Slot of a hazard class code in a row of figures: 0 for none, 1-4 for the classes.
const SLOTS: usize = 5;

fn class_of_slot(slot: usize) -> Option<HazardClass> {
    HazardClass::ALL.get(slot.checked_sub(1)?).copied()
}

/// Per unit (by index in the boundary layer), figures per slot.
type UnitRows = Vec<[Tally; SLOTS]>;

/// The points of `exposure` within `bounds` in cell order (see `CellPoint`), from the
/// layer's points kept sorted by cell: for the whole layer that list itself, for a
/// smaller area the runs of it in the area's cells (one run per column of cells).
fn located_points(exposure: &LayerSnapshot, bounds: [f64; 4]) -> Cow<'_, [CellPoint]> {
    let all = exposure.points_by_cell();
    let e = exposure.extent_m();
    if bounds[0] <= e[0] && bounds[1] <= e[1] && bounds[2] >= e[2] && bounds[3] >= e[3] {
        return Cow::Borrowed(all);
    }
    let ((c0, r0), _) = locate_cell(Coord {
        x: bounds[0],
        y: bounds[1],
    });
    let ((c1, r1), _) = locate_cell(Coord {
        x: bounds[2],
        y: bounds[3],
    });
    let mut out = Vec::new();
    for c in c0..=c1 {
        let lo = all.partition_point(|p| p.cell < (c, r0));
        let hi = all.partition_point(|p| p.cell <= (c, r1));
        out.extend_from_slice(&all[lo..hi]);
    }
    Cow::Owned(out)
}

/// Points: each counts in the unit and the highest hazard class it falls in. Only the
/// points within `bounds` (the units' extent) are looked at.
fn points(
    hazard: &CellGrid,
    exposure: &LayerSnapshot,
    units: &CellGrid,
    n_units: usize,
    bounds: [f64; 4],
) -> UnitRows {
    let located = located_points(exposure, bounds);
    let chunk = (located.len() / (4 * rayon::current_num_threads())).max(4096);
    located
        .par_chunks(chunk)
        .map(|points| {
            let mut rows: UnitRows = vec![[Tally::default(); SLOTS]; n_units];
            let mut cell: Option<(CellId, &[Piece], &[Piece])> = None;
            for l in points {
                let (_, in_units, zones) = match cell {
                    Some(c) if c.0 == l.cell => c,
                    _ => *cell.insert((l.cell, units.pieces(l.cell), hazard.pieces(l.cell))),
                };
                let local = locate_cell(l.at).1;
                let Some(unit) = in_units.iter().find(|u| u.contains(local)) else {
                    continue;
                };
                // Hazard pieces do not overlap and come most severe first in their cell.
                let slot = zones
                    .iter()
                    .find(|h| h.contains(local))
                    .map_or(0, |h| h.rank);
                let t = &mut rows[unit.label as usize][usize::from(slot)];
                t.count += l.count;
                t.population += l.population;
                t.households += l.households;
            }
            rows
        })
        .reduce(
            || vec![[Tally::default(); SLOTS]; n_units],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(&b) {
                    for (t, u) in x.iter_mut().zip(y) {
                        t.merge(u);
                    }
                }
                a
            },
        )
}

/// Per exposure polygon and unit: the area they share (slot 0) and the parts of it in
/// each hazard class (slots 1-4).
type SharedAreas = HashMap<(u32, u32), [f64; SLOTS]>;

/// Area of `a` in each hazard class of the cell (slot 1-4).
fn class_areas(a: &[Span], bbox: &Piece, hazard: &[Piece]) -> [f64; SLOTS] {
    let mut out = [0.0; SLOTS];
    for h in hazard.iter().filter(|h| h.meets(bbox)) {
        out[usize::from(h.rank)] += overlap(a, &h.spans);
    }
    out
}

/// Polygons: the area each shares with each unit and, inside it, with each class;
/// cell by cell over the units' cells, in parallel.
fn polygon_areas(hazard: &CellGrid, exposure: &CellGrid, units: &CellGrid) -> SharedAreas {
    let cells: Vec<_> = units.iter().collect();
    cells
        .par_iter()
        .fold(SharedAreas::new, |mut acc, (id, in_cell)| {
            let zones = hazard.pieces(**id);
            for a in exposure.pieces(**id) {
                let mut whole: Option<[f64; SLOTS]> = None;
                for u in in_cell.iter().filter(|u| u.meets(a)) {
                    let shared = overlap(&a.spans, &u.spans);
                    if shared <= 0.0 {
                        continue;
                    }
                    // Wholly inside the unit: the piece's own class areas; across a unit
                    // edge: those of the part inside (a small overlay within the cell).
                    let mut row = if shared >= a.area * (1.0 - 1e-9) {
                        *whole.get_or_insert_with(|| class_areas(&a.spans, a, zones))
                    } else {
                        let part = a.to_multipolygon().intersection(&u.to_multipolygon());
                        class_areas(&spans_of(&multipolygon_rings(&part)), a, zones)
                    };
                    row[0] = shared;
                    let slot = acc.entry((a.label, u.label)).or_insert([0.0; SLOTS]);
                    for (s, v) in slot.iter_mut().zip(row) {
                        *s += v;
                    }
                }
            }
            acc
        })
        .reduce(SharedAreas::new, |mut a, b| {
            for (key, row) in b {
                let slot = a.entry(key).or_insert([0.0; SLOTS]);
                for (s, v) in slot.iter_mut().zip(row) {
                    *s += v;
                }
            }
            a
        })
}

/// Exposure of `exposure` to `hazard` in each unit of `units` (keyed by unit code).
#[must_use]
pub fn compute(hazard: &LayerSnapshot, exposure: &LayerSnapshot, units: &LayerSnapshot) -> ByUnit {
    let (hazard_cells, unit_cells) = (hazard.cells(), units.cells());
    let mut rows = points(
        hazard_cells,
        exposure,
        unit_cells,
        units.features.len(),
        units.extent_m(),
    );
    let shared = if exposure.has_polygons() {
        polygon_areas(hazard_cells, exposure.cells(), unit_cells)
    } else {
        SharedAreas::new()
    };
    // Units that overlap one another (slivers between neighbours) must not count the same
    // people twice: a polygon's shares never add up to more than one.
    let mut covered: HashMap<u32, f64> = HashMap::new();
    for ((label, _), r) in &shared {
        *covered.entry(*label).or_default() += r[0];
    }
    for ((label, unit), r) in shared {
        let f = &exposure.features[label as usize];
        let denominator = f.geometry.unsigned_area().max(covered[&label]);
        if denominator <= 0.0 {
            continue;
        }
        let classed: f64 = r[1..].iter().sum();
        let row = &mut rows[unit as usize];
        row[0].add_share(
            (r[0] - classed).max(0.0) / denominator,
            f.population,
            f.households,
        );
        for slot in 1..SLOTS {
            if r[slot] > 0.0 {
                row[slot].add_share(r[slot] / denominator, f.population, f.households);
            }
        }
    }
    let mut out: ByUnit = BTreeMap::new();
    for (unit, row) in units.features.iter().zip(rows) {
        let Some(code) = &unit.code else { continue };
        for (slot, t) in row.iter().enumerate() {
            if t.count > 0.0 {
                out.entry(code.clone())
                    .or_default()
                    .entry(class_of_slot(slot))
                    .or_default()
                    .merge(t);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tally::roll_up;
    use crate::model::Classification;
    use crate::model::{FieldMapping, LayerKind, LayerMeta, Sensitivity};
    use geo::{BoundingRect, Geometry, polygon};
    use serde_json::Map;

    fn meta(kind: LayerKind) -> LayerMeta {
        LayerMeta {
            id: "x".parse().unwrap(),
            title: "x".into(),
            kind,
            theme: "t".parse().unwrap(),
            sensitivity: Sensitivity::Public,
            anonymous: true,
            fields: FieldMapping::default(),
            classification: Some(Classification::class_names()),
            attribution: String::new(),
        }
    }

    fn square(x: f64, y: f64, side: f64) -> Geometry<f64> {
        Geometry::Polygon(geo::Rect::new((x, y), (x + side, y + side)).to_polygon())
    }

    fn feature(
        g: Geometry<f64>,
        code: Option<&str>,
        class: Option<&str>,
        pop: Option<f64>,
    ) -> SnapFeature {
        let r = g.bounding_rect().unwrap();
        SnapFeature {
            fid: 0,
            bbox_m: [r.min().x, r.min().y, r.max().x, r.max().y],
            geometry: g,
            properties: Map::new(),
            hazard_class: class.map(str::to_owned),
            code: code.map(str::to_owned),
            population: pop,
            households: pop.map(|p| p / 4.0),
        }
    }

    fn snapshot(kind: LayerKind, features: Vec<SnapFeature>) -> LayerSnapshot {
        LayerSnapshot::from_features(meta(kind), 1, features)
    }

    /// Two units side by side, 10 x 10 each: codes 1101 (west) and 1102 (east).
    fn units() -> LayerSnapshot {
        snapshot(
            LayerKind::Boundary,
            vec![
                feature(square(0.0, 0.0, 10.0), Some("1101"), None, None),
                feature(square(10.0, 0.0, 10.0), Some("1102"), None, None),
            ],
        )
    }

    #[test]
    fn points_count_where_they_fall_in_their_highest_class() {
        // A high zone over x 0..5 and a low zone over x 0..15 overlapping it.
        let hazard = snapshot(
            LayerKind::Hazard,
            vec![
                feature(square(0.0, 0.0, 5.0), None, Some("high"), None),
                feature(
                    Geometry::Polygon(geo::Rect::new((0.0, 0.0), (15.0, 5.0)).to_polygon()),
                    None,
                    Some("low"),
                    None,
                ),
            ],
        );
        let pt = |x: f64, y: f64, pop: f64| {
            feature(Geometry::Point(Point::new(x, y)), None, None, Some(pop))
        };
        let exposure = snapshot(
            LayerKind::Exposure,
            vec![
                pt(1.0, 1.0, 10.0),   // high (also inside low): counts once, as high
                pt(12.0, 1.0, 20.0),  // low, unit 1102
                pt(12.0, 8.0, 30.0),  // no hazard, unit 1102
                pt(5.0, 2.0, 40.0),   // on the edge of the high zone: inside (boundary counts)
                pt(50.0, 50.0, 99.0), // outside every unit: not counted
            ],
        );
        let r = compute(&hazard, &exposure, &units());
        let west = &r["1101"];
        assert_eq!(west[&Some(HazardClass::High)].count, 2.0);
        assert_eq!(west[&Some(HazardClass::High)].population, 50.0);
        assert!(
            !west.contains_key(&Some(HazardClass::Low)),
            "the overlap counts once"
        );
        let east = &r["1102"];
        assert_eq!(east[&Some(HazardClass::Low)].population, 20.0);
        assert_eq!(east[&None].population, 30.0);
        let country = roll_up(&r, 0);
        let total: f64 = country[""].values().map(|t| t.population).sum();
        assert_eq!(total, 100.0);
    }

    #[test]
    fn polygons_split_by_intersected_area() {
        // An exposure square of 400 people over x 5..15, y 0..10: half in each unit.
        // Hazard: high over x 0..10, y 0..5; medium over x 0..20, y 0..10 (overlapping).
        let hazard = snapshot(
            LayerKind::Hazard,
            vec![
                feature(
                    Geometry::Polygon(geo::Rect::new((0.0, 0.0), (10.0, 5.0)).to_polygon()),
                    None,
                    Some("high"),
                    None,
                ),
                feature(
                    Geometry::Polygon(geo::Rect::new((0.0, 0.0), (20.0, 10.0)).to_polygon()),
                    None,
                    Some("medium"),
                    None,
                ),
            ],
        );
        let exposure = snapshot(
            LayerKind::Exposure,
            vec![feature(
                square(5.0, 0.0, 10.0),
                Some("x"),
                None,
                Some(400.0),
            )],
        );
        let r = compute(&hazard, &exposure, &units());
        // West half (x 5..10): high on y 0..5 = 25 of 100 area -> 100 people; medium rest 25.
        assert!((r["1101"][&Some(HazardClass::High)].population - 100.0).abs() < 1e-9);
        assert!((r["1101"][&Some(HazardClass::Medium)].population - 100.0).abs() < 1e-9);
        // East half: all medium -> 200 people.
        assert!((r["1102"][&Some(HazardClass::Medium)].population - 200.0).abs() < 1e-9);
        assert!(!r["1102"].contains_key(&Some(HazardClass::High)));
        let total: f64 = roll_up(&r, 2)["11"].values().map(|t| t.population).sum();
        assert!((total - 400.0).abs() < 1e-9);
        assert!((roll_up(&r, 2)["11"][&Some(HazardClass::Medium)].households - 75.0).abs() < 1e-9);
    }

    #[test]
    fn overlapping_units_do_not_count_people_twice() {
        // Units 1101 (x 0..10) and 1199 (x 8..18) overlap on x 8..10; a square of 100
        // people over x 5..15 is 50% in 1101 and 70% in 1199: shares are scaled to 1.
        let units = snapshot(
            LayerKind::Boundary,
            vec![
                feature(square(0.0, 0.0, 10.0), Some("1101"), None, None),
                feature(square(8.0, 0.0, 10.0), Some("1199"), None, None),
            ],
        );
        let hazard = snapshot(LayerKind::Hazard, vec![]);
        let exposure = snapshot(
            LayerKind::Exposure,
            vec![feature(square(5.0, 0.0, 10.0), None, None, Some(100.0))],
        );
        let r = compute(&hazard, &exposure, &units);
        let total: f64 = roll_up(&r, 0)[""].values().map(|t| t.population).sum();
        assert!((total - 100.0).abs() < 1e-9, "{total}");
        assert!((r["1101"][&None].population - 100.0 * 50.0 / 120.0).abs() < 1e-9);
    }

    #[test]
    fn a_triangle_of_known_area() {
        // Right triangle with legs 10 inside unit 1101, 100 people; high zone x 0..5 cuts
        // it into a trapezoid of area 37.5 (of 50) -> 75 people high, 25 outside.
        let tri =
            Geometry::Polygon(polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 0.0, y: 10.0)]);
        let hazard = snapshot(
            LayerKind::Hazard,
            vec![feature(
                Geometry::Polygon(geo::Rect::new((0.0, 0.0), (5.0, 10.0)).to_polygon()),
                None,
                Some("high"),
                None,
            )],
        );
        let exposure = snapshot(
            LayerKind::Exposure,
            vec![feature(tri, None, None, Some(100.0))],
        );
        let r = compute(&hazard, &exposure, &units());
        assert!((r["1101"][&Some(HazardClass::High)].population - 75.0).abs() < 1e-9);
        assert!((r["1101"][&None].population - 25.0).abs() < 1e-9);
    }
}

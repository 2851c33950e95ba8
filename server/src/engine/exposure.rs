//! Exposure: who and what lies in each hazard class, per administrative unit.
//!
//! Points count where they fall; polygons carrying a population are split by the share
//! of their area in each unit and class. Overlapping hazard zones count once, in their
//! highest class. Figures are computed for the units of the boundary layer given (the
//! finest level) and rolled up by official code to every level above (codes begin with
//! their parent's code), from unrounded sums.
//!
//! Areas are taken in Web Mercator, where the snapshots hold geometries. Only shares of
//! one polygon's area are used, and across a village or a hazard zone the Mercator scale
//! changes by far less than a part in a thousand, so the shares are those on the ground.

use std::collections::BTreeMap;

use geo::{Area, BooleanOps, BoundingRect, Contains, Geometry, Intersects, MultiPolygon, Point};
use serde::Serialize;

use super::snapshot::{LayerSnapshot, SnapFeature};
use crate::classify::HazardClass;

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
    fn add(&mut self, share: f64, f: &SnapFeature) {
        self.count += share;
        self.population += share * f.population.unwrap_or(0.0);
        self.households += share * f.households.unwrap_or(0.0);
    }

    fn merge(&mut self, o: &Tally) {
        self.count += o.count;
        self.population += o.population;
        self.households += o.households;
    }
}

/// Figures per unit code, then per hazard class (`None`: outside every hazard zone).
pub type ByUnit = BTreeMap<String, BTreeMap<Option<HazardClass>, Tally>>;

fn polygons(g: &Geometry<f64>) -> Option<MultiPolygon<f64>> {
    match g {
        Geometry::Polygon(p) => Some(MultiPolygon(vec![p.clone()])),
        Geometry::MultiPolygon(m) => Some(m.clone()),
        _ => None,
    }
}

fn class_of(f: &SnapFeature) -> Option<HazardClass> {
    f.hazard_class.as_deref().and_then(|c| c.parse().ok())
}

/// The highest hazard class of the zones containing `p`.
pub fn class_at(hazard: &LayerSnapshot, p: Point<f64>) -> Option<HazardClass> {
    hazard
        .in_bounds_m([p.x(), p.y(), p.x(), p.y()])
        .filter(|h| h.geometry.intersects(&p))
        .filter_map(class_of)
        .min_by_key(|c| c.code())
}

/// The unit containing `p` (the first found when units overlap at a shared edge).
pub fn unit_at(units: &LayerSnapshot, p: Point<f64>) -> Option<&SnapFeature> {
    units
        .in_bounds_m([p.x(), p.y(), p.x(), p.y()])
        .find(|u| u.geometry.contains(&p) || u.geometry.intersects(&p))
}

/// Splits `shape` among hazard classes, each part counted once in its highest class:
/// returns (class, area) pairs and the unclassified rest.
fn split_by_class(
    hazard: &LayerSnapshot,
    shape: &MultiPolygon<f64>,
) -> Vec<(Option<HazardClass>, f64)> {
    let Some(r) = shape.bounding_rect() else {
        return Vec::new();
    };
    let total = shape.unsigned_area();
    let zones: Vec<(HazardClass, MultiPolygon<f64>)> = hazard
        .in_bounds_m([r.min().x, r.min().y, r.max().x, r.max().y])
        .filter_map(|h| Some((class_of(h)?, polygons(&h.geometry)?)))
        .collect();
    let mut out = Vec::new();
    let mut covered = MultiPolygon::<f64>(vec![]);
    let mut counted = 0.0;
    for class in HazardClass::ALL {
        let union = zones
            .iter()
            .filter(|(c, _)| c == class)
            .fold(MultiPolygon(vec![]), |acc, (_, z)| acc.union(z));
        if union.0.is_empty() {
            continue;
        }
        // What this class adds beyond the more severe ones, inside the shape.
        let part = shape.intersection(&union).difference(&covered);
        let area = part.unsigned_area();
        covered = covered.union(&shape.intersection(&union));
        if area > 0.0 {
            out.push((Some(*class), area));
            counted += area;
        }
    }
    out.push((None, (total - counted).max(0.0)));
    out
}

/// Exposure of `exposure` to `hazard` in each unit of `units` (keyed by unit code).
#[must_use]
pub fn compute(hazard: &LayerSnapshot, exposure: &LayerSnapshot, units: &LayerSnapshot) -> ByUnit {
    let mut out: ByUnit = BTreeMap::new();
    for f in &exposure.features {
        match &f.geometry {
            Geometry::Point(p) => {
                let Some(code) = unit_at(units, *p).and_then(|u| u.code.clone()) else {
                    continue;
                };
                out.entry(code)
                    .or_default()
                    .entry(class_at(hazard, *p))
                    .or_default()
                    .add(1.0, f);
            }
            Geometry::MultiPoint(mp) => {
                let share = 1.0 / mp.0.len().max(1) as f64;
                for p in mp.iter() {
                    if let Some(code) = unit_at(units, *p).and_then(|u| u.code.clone()) {
                        out.entry(code)
                            .or_default()
                            .entry(class_at(hazard, *p))
                            .or_default()
                            .add(share, f);
                    }
                }
            }
            g => {
                let Some(shape) = polygons(g) else { continue };
                let total = shape.unsigned_area();
                if total <= 0.0 {
                    continue;
                }
                let parts: Vec<(String, MultiPolygon<f64>, f64)> = units
                    .in_bounds_m(f.bbox_m)
                    .filter_map(|u| {
                        let inside = shape.intersection(&polygons(&u.geometry)?);
                        let area = inside.unsigned_area();
                        if area > 0.0 {
                            Some((u.code.clone()?, inside, area))
                        } else {
                            None
                        }
                    })
                    .collect();
                // Units that overlap one another (slivers between neighbours) must not
                // count the same people twice: shares never add up to more than one.
                let covered: f64 = parts.iter().map(|p| p.2).sum();
                let denominator = total.max(covered);
                for (code, inside, _) in parts {
                    for (class, area) in split_by_class(hazard, &inside) {
                        if area > 0.0 {
                            out.entry(code.clone())
                                .or_default()
                                .entry(class)
                                .or_default()
                                .add(area / denominator, f);
                        }
                    }
                }
            }
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Classification;
    use crate::layer::{FieldMapping, LayerKind, LayerMeta, Sensitivity};
    use geo::polygon;
    use serde_json::Map;

    fn meta(kind: LayerKind) -> LayerMeta {
        LayerMeta {
            id: "x".parse().unwrap(),
            title: "x".into(),
            kind,
            theme: "t".parse().unwrap(),
            sensitivity: Sensitivity::Public,
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

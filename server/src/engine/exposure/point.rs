//! "What is here": the class of every hazard layer at one point and the admin units it
//! lies in.

use serde::Serialize;

use super::{class_at, unit_at};
use std::sync::Arc;

use crate::engine::geometry::to_mercator;
use crate::engine::{LayerSnapshot, Snapshots};
use crate::model::{AdminLevel, LayerId, LayerKind, Theme};

/// A hazard layer's class at the point.
#[derive(Debug, Clone, Serialize)]
pub struct HazardHere {
    /// The layer.
    pub layer: LayerId,
    /// Its title.
    pub title: String,
    /// Its theme.
    pub theme: Theme,
    /// Its version.
    pub version: i32,
    /// The highest class of its zones at the point (none outside every zone); for a
    /// restricted layer seen as aggregates, the highest class in the admin unit there.
    pub class: Option<String>,
    /// `class` is that of the admin unit, not of the point (restricted layer, caller
    /// without clearance).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub by_unit: bool,
}

/// An admin unit the point lies in.
#[derive(Debug, Clone, Serialize)]
pub struct UnitHere {
    /// The boundary layer.
    pub layer: LayerId,
    /// Its level.
    pub level: Theme,
    /// The unit's code.
    pub code: Option<String>,
    /// The unit's name.
    pub name: Option<String>,
}

/// What is at a point.
#[derive(Debug, Clone, Serialize)]
pub struct Here {
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// Every hazard layer's class there.
    pub hazards: Vec<HazardHere>,
    /// The units, coarsest first.
    pub units: Vec<UnitHere>,
}

/// Whether lon/lat is a point of the map (Web Mercator's range).
#[must_use]
pub fn on_map(lon: f64, lat: f64) -> bool {
    (-180.0..=180.0).contains(&lon) && (-85.0..=85.0).contains(&lat)
}

/// How a caller sees one layer: `None` not at all, else the layer itself or, for a
/// restricted one without clearance, its aggregates by admin unit (`true`).
pub type Sight = Option<(Arc<LayerSnapshot>, bool)>;

/// What is at lon/lat in the layers as `see` shows them.
#[must_use]
pub fn here(
    all: &Snapshots,
    lon: f64,
    lat: f64,
    see: impl Fn(&Arc<LayerSnapshot>) -> Sight,
) -> Here {
    let p = geo::Point::from(to_mercator(geo::Coord { x: lon, y: lat }));
    let hazards = all
        .values()
        .filter(|s| s.meta.kind == LayerKind::Hazard)
        .filter_map(|s| {
            let (shown, by_unit) = see(s)?;
            let class = if by_unit {
                unit_at(&shown, p).and_then(|u| u.hazard_class.clone())
            } else {
                class_at(&shown, p).map(|c| c.as_str().to_owned())
            };
            Some(HazardHere {
                layer: s.meta.id.clone(),
                title: s.meta.title.clone(),
                theme: s.meta.theme.clone(),
                version: s.version,
                class,
                by_unit,
            })
        })
        .collect();
    let mut units: Vec<(Option<AdminLevel>, UnitHere)> = all
        .values()
        .filter(|s| s.meta.kind == LayerKind::Boundary && see(s).is_some_and(|(_, agg)| !agg))
        .filter_map(|s| {
            let u = unit_at(s, p)?;
            Some((
                AdminLevel::of_theme(s.meta.theme.as_str()),
                UnitHere {
                    layer: s.meta.id.clone(),
                    level: s.meta.theme.clone(),
                    code: u.code.clone(),
                    name: s.name(u).map(str::to_owned),
                },
            ))
        })
        .collect();
    // Levels coarsest first; boundary layers of other themes last.
    units.sort_by_key(|(level, _)| level.map_or(usize::MAX, |l| l as usize));
    Here {
        lon,
        lat,
        hazards,
        units: units.into_iter().map(|(_, u)| u).collect(),
    }
}

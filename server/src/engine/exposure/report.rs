//! Exposure reports: per unit of a level and per hazard class, the exposed count,
//! people and households, affected, displaced and the needs of the displaced, with the
//! layer versions, classification and standards they came from and when they were
//! computed. The API and the CLI write these; nothing else computes report figures.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::figures::{ClassRules, Figures, class_name};
use super::inputs::{ExposureError, Inputs, layer_of_kind};
use super::needs::{Needs, NeedsOf};
use super::{ByUnit, Tally, roll_up};
use crate::engine::disclosure;
use crate::engine::{Engine, LayerSnapshot};
use crate::model::{AdminLevel, Classification, HazardClass, LayerId, LayerKind, Sensitivity};

/// Which layer version a report came from.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// The layer.
    pub layer: LayerId,
    /// Its version.
    pub version: i32,
    /// Its title.
    pub title: String,
    /// Its credit and licence.
    pub attribution: String,
    /// The classification used (hazard layers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classification: Option<Classification>,
}

impl Source {
    /// The version of `s` (and, for a hazard layer, its classification).
    #[must_use]
    pub fn of(s: &LayerSnapshot) -> Self {
        Self {
            layer: s.meta.id.clone(),
            version: s.version,
            title: s.meta.title.clone(),
            attribution: s.meta.attribution.clone(),
            classification: (s.meta.kind == LayerKind::Hazard)
                .then(|| s.meta.classification.clone())
                .flatten(),
        }
    }
}

/// The figures of one hazard class (`none`: outside every zone).
#[derive(Debug, Clone, Serialize)]
pub struct ClassRow {
    /// `high`, `medium`, `low`, `very_low` or `none`.
    pub class: &'static str,
    /// Its figures.
    #[serde(flatten)]
    pub figures: Figures,
}

/// One unit of a report.
#[derive(Debug, Clone, Serialize)]
pub struct UnitReport {
    /// Official code.
    pub code: String,
    /// Name, when the level's boundary layer is loaded.
    pub name: Option<String>,
    /// Extent in lon/lat, when the level's boundary layer is loaded.
    pub bbox: Option<[f64; 4]>,
    /// Figures withheld (restricted exposure, too few households to show).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub suppressed: bool,
    /// Figures per class.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<ClassRow>,
    /// What the displaced of the unit need.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs_of_displaced: Option<NeedsOf>,
}

/// A report by the units of one level.
#[derive(Debug, Clone, Serialize)]
pub struct ExposureReport {
    /// The hazard layer version and classification.
    pub hazard: Source,
    /// The exposure layer version.
    pub exposure: Source,
    /// The boundary layer figures were computed by (the finest loaded).
    pub boundary: Source,
    /// The level of the units.
    pub by: AdminLevel,
    /// The standards needs are computed with.
    pub needs_standard: Needs,
    /// When the figures were computed (RFC 3339, UTC).
    pub computed_at: String,
    /// How long that took, in milliseconds.
    pub compute_ms: f64,
    /// Whether figures are withheld for the caller (restricted exposure).
    pub redacted: bool,
    /// The units.
    pub units: Vec<UnitReport>,
    /// Totals per class over all units.
    pub total: Vec<ClassRow>,
}

/// A report for one ad hoc area.
#[derive(Debug, Clone, Serialize)]
pub struct AreaReport {
    /// The hazard layer version and classification.
    pub hazard: Source,
    /// The exposure layer version.
    pub exposure: Source,
    /// The standards needs are computed with.
    pub needs_standard: Needs,
    /// When the figures were computed.
    pub computed_at: String,
    /// Whether figures are withheld for the caller.
    pub redacted: bool,
    /// The area's figures (none when nothing lies in it).
    pub area: Option<UnitReport>,
    /// Totals per class.
    pub total: Vec<ClassRow>,
}

/// What to compute.
#[derive(Debug, Clone, Copy)]
pub struct ExposureRequest<'a> {
    /// Hazard layer id.
    pub hazard: &'a str,
    /// Exposure layer id.
    pub exposure: &'a str,
    /// Level: country, province, district, sector, cell or village.
    pub by: &'a str,
    /// Minimum needs per displaced person.
    pub needs: Needs,
}

/// A unit's name and extent.
struct UnitInfo {
    name: String,
    bbox: [f64; 4],
}

fn unit_names(layer: Option<&LayerSnapshot>) -> BTreeMap<String, UnitInfo> {
    layer
        .map(|s| {
            s.features
                .iter()
                .filter_map(|f| {
                    Some((
                        f.code.clone()?,
                        UnitInfo {
                            name: s.name(f)?.to_owned(),
                            bbox: f.lonlat_bbox(),
                        },
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The rows of a report: per unit (each class with its figures, and the needs of the
/// displaced) and the totals per class, from unrounded sums.
fn unit_rows(
    rules: &ClassRules,
    rolled: &ByUnit,
    names: &BTreeMap<String, UnitInfo>,
    redact: bool,
    needs: &Needs,
) -> (Vec<UnitReport>, Vec<ClassRow>) {
    let mut total = BTreeMap::<Option<HazardClass>, Tally>::new();
    let mut units = Vec::new();
    for (code, classes) in rolled {
        for (class, t) in classes {
            total.entry(*class).or_default().merge(t);
        }
        let info = names.get(code);
        let mut unit = UnitReport {
            code: code.clone(),
            name: info.map(|i| i.name.clone()),
            bbox: info.map(|i| i.bbox),
            suppressed: false,
            classes: Vec::new(),
            needs_of_displaced: None,
        };
        let households: f64 = classes.values().map(|t| t.households).sum();
        if redact && disclosure::aggregate::withheld(households) {
            unit.suppressed = true;
            units.push(unit);
            continue;
        }
        unit.classes = classes
            .iter()
            .map(|(class, t)| ClassRow {
                class: class_name(*class),
                figures: rules.figures(*class, t),
            })
            .collect();
        let displaced: f64 = unit.classes.iter().map(|c| c.figures.displaced).sum();
        unit.needs_of_displaced = Some(needs.of(displaced));
        units.push(unit);
    }
    let total_rows = total
        .iter()
        .map(|(class, t)| ClassRow {
            class: class_name(*class),
            figures: rules.figures(*class, t),
        })
        .collect();
    (units, total_rows)
}

/// Whether figures of `exposed` are withheld for a caller who sees detail or not.
fn redacts(exposed: &LayerSnapshot, detail: bool) -> bool {
    exposed.meta.sensitivity == Sensitivity::Restricted && !detail
}

/// The exposure report, and the boundary layer of the level asked for (for unit names
/// and shapes). Callers who see `detail` get restricted exposure in full; others get
/// units of fewer than 5 households suppressed.
///
/// # Errors
/// An [`ExposureError`] for an unknown layer, a wrong kind or level, or a missing
/// boundary layer.
pub fn report(
    engine: &Engine,
    req: ExposureRequest<'_>,
    detail: bool,
) -> Result<(ExposureReport, Option<Arc<LayerSnapshot>>), ExposureError> {
    let inputs = Inputs::resolve(&engine.snapshots(), req.hazard, req.exposure, req.by)?;
    let computed = engine.exposure(&inputs.hazard, &inputs.exposed, &inputs.finest);
    let redact = redacts(&inputs.exposed, detail);
    let rolled = roll_up(&computed.by_unit, inputs.level.digits());
    let names = unit_names(inputs.names_layer.as_deref());
    let rules = ClassRules::of(&inputs.hazard.meta);
    let (units, total) = unit_rows(&rules, &rolled, &names, redact, &req.needs);
    let report = ExposureReport {
        hazard: Source::of(&inputs.hazard),
        exposure: Source::of(&inputs.exposed),
        boundary: Source::of(&inputs.finest),
        by: inputs.level,
        needs_standard: req.needs,
        computed_at: timestamp(computed.computed_at),
        compute_ms: computed.millis,
        redacted: redact,
        units,
        total,
    };
    Ok((report, inputs.names_layer))
}

/// The figures of `exposure` × `hazard` inside an ad hoc incident area (lon/lat), for a
/// caller who sees `detail` or not.
///
/// # Errors
/// An [`ExposureError`] for an unknown layer or a wrong kind.
pub fn area_report(
    engine: &Engine,
    hazard: &str,
    exposure: &str,
    area: &geo::MultiPolygon<f64>,
    needs: Needs,
    detail: bool,
) -> Result<AreaReport, ExposureError> {
    let all = engine.snapshots();
    let hazard = layer_of_kind(&all, hazard, LayerKind::Hazard, "hazard")?;
    let exposed = layer_of_kind(&all, exposure, LayerKind::Exposure, "exposure")?;
    let units = super::area::as_units(area, &exposed.meta);
    let computed = super::compute(&hazard, &exposed, &units);
    let redact = redacts(&exposed, detail);
    let rules = ClassRules::of(&hazard.meta);
    let (rows, total) = unit_rows(&rules, &computed, &BTreeMap::new(), redact, &needs);
    Ok(AreaReport {
        hazard: Source::of(&hazard),
        exposure: Source::of(&exposed),
        needs_standard: needs,
        computed_at: timestamp(Utc::now()),
        redacted: redact,
        area: rows.into_iter().next(),
        total,
    })
}

//! Exposure reports: per unit of a level and per hazard class, the exposed count,
//! people and households, affected, displaced and the needs of the displaced, with the
//! layer versions, classification and standards they came from and when they were
//! computed. The API and the CLI write these; nothing else computes report figures.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::figures::{ClassRules, Figures, class_name};
use super::inputs::{ExposureError, Inputs, Versions, layer_of_kind};
use super::needs::{Needs, NeedsOf};
use super::results::Computed;
use crate::engine::disclosure::{self, Clearance, Control, MIN_HOUSEHOLDS};
use crate::engine::tally::{ByClass, Tally, UnitFigures, roll_up};
use crate::engine::{Engine, LayerSnapshot, finest_boundary};
use crate::model::{AdminLevel, Classification, LayerId, LayerKind};
use crate::store::Store;

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

/// What a unit holds that cannot be shown by class (restricted exposure).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Withheld {
    /// Features (or feature-equivalents).
    pub count: f64,
    /// People.
    pub population: f64,
    /// Households.
    pub households: f64,
}

impl From<Tally> for Withheld {
    fn from(t: Tally) -> Self {
        Self {
            count: t.count,
            population: t.population,
            households: t.households,
        }
    }
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
    /// Everything the unit holds is withheld (restricted exposure: too few households to
    /// show, published further up only).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub suppressed: bool,
    /// Figures per class.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<ClassRow>,
    /// Counted in the unit but in no class shown (restricted exposure: their split by
    /// class would single some out). Neither affected nor displaced is counted of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withheld: Option<Withheld>,
    /// What the displaced of the unit need.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs_of_displaced: Option<NeedsOf>,
}

/// How an answer was controlled for its caller, when it was.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct DisclosureNote {
    /// Counts are published figures: sums of groups of at least `min_households`.
    pub counts: bool,
    /// Nothing finer than the finest admin unit (areas stand for whole units).
    pub places: bool,
    /// The fewest households a published figure counts, other than none.
    pub min_households: f64,
    /// Where the method is described.
    pub method: &'static str,
}

impl DisclosureNote {
    fn of(control: Control) -> Option<Self> {
        control.any().then_some(Self {
            counts: control.counts,
            places: control.places,
            min_households: MIN_HOUSEHOLDS,
            method: "docs/security.md",
        })
    }
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
    /// How the answer was controlled, when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disclosure: Option<DisclosureNote>,
    /// The units.
    pub units: Vec<UnitReport>,
    /// Totals per class over all units.
    pub total: Vec<ClassRow>,
    /// Counted in all, but in no class shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_withheld: Option<Withheld>,
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
    /// Whether figures are withheld or coarsened for the caller.
    pub redacted: bool,
    /// How the answer was controlled, when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disclosure: Option<DisclosureNote>,
    /// The admin units the area stands for, when places are controlled (whole units
    /// whose representative point lies in the area).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub units_in_area: Option<usize>,
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
    /// Earlier versions of the hazard or exposure layer to compute with, if any.
    pub versions: Versions,
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

fn class_rows(rules: &ClassRules, classes: &ByClass) -> Vec<ClassRow> {
    classes
        .iter()
        .map(|(class, t)| ClassRow {
            class: class_name(*class),
            figures: rules.figures(*class, t),
        })
        .collect()
}

fn withheld(f: &UnitFigures) -> Option<Withheld> {
    (!f.withheld.is_empty()).then(|| f.withheld.into())
}

/// One unit's row: its classes with their figures, what is withheld, and the needs of
/// the displaced.
fn unit_row(
    code: &str,
    f: &UnitFigures,
    rules: &ClassRules,
    info: Option<&UnitInfo>,
    needs: &Needs,
) -> UnitReport {
    let mut unit = UnitReport {
        code: code.to_owned(),
        name: info.map(|i| i.name.clone()),
        bbox: info.map(|i| i.bbox),
        suppressed: f.suppressed,
        classes: Vec::new(),
        withheld: None,
        needs_of_displaced: None,
    };
    if f.suppressed {
        return unit;
    }
    unit.classes = class_rows(rules, &f.classes);
    unit.withheld = withheld(f);
    let displaced: f64 = unit.classes.iter().map(|c| c.figures.displaced).sum();
    unit.needs_of_displaced = Some(needs.of(displaced));
    unit
}

/// The figures by unit of the level asked for and for the whole country, as `control`
/// lets the caller see them: published figures for restricted exposure, exact ones
/// otherwise.
#[must_use]
pub fn figures(
    engine: &Engine,
    inputs: &Inputs,
    computed: &Computed,
    control: Control,
) -> (BTreeMap<String, UnitFigures>, UnitFigures) {
    if control.counts {
        let published = engine.published(&inputs.hazard, &inputs.exposed, &inputs.finest);
        let country = published
            .at(AdminLevel::Country)
            .remove("")
            .unwrap_or_default();
        return (published.at(inputs.level), country);
    }
    let by_level = roll_up(&computed.by_unit, inputs.level.digits())
        .into_iter()
        .map(|(code, classes)| (code, UnitFigures::exact(classes)))
        .collect();
    let country = roll_up(&computed.by_unit, 0)
        .remove("")
        .map(UnitFigures::exact)
        .unwrap_or_default();
    (by_level, country)
}

/// The exposure report, and the boundary layer of the level asked for (for unit names
/// and shapes), as a caller of `clearance` may see it (see [`Control`]); earlier
/// versions of its inputs are read from `store` when asked for.
///
/// # Errors
/// An [`ExposureError`] for an unknown layer, a wrong kind or level, a missing boundary
/// layer, or an earlier version that does not exist or may not be compared.
pub fn report(
    engine: &Engine,
    store: &Store,
    req: ExposureRequest<'_>,
    clearance: Clearance,
) -> Result<(ExposureReport, Option<Arc<LayerSnapshot>>), ExposureError> {
    let inputs = Inputs::resolve(&engine.snapshots(), req.hazard, req.exposure, req.by)?;
    let control = Control::of(&inputs.hazard.meta, &inputs.exposed.meta, clearance);
    let inputs = inputs.at_versions(engine, store, req.versions, control)?;
    let computed = engine.exposure(&inputs.hazard, &inputs.exposed, &inputs.finest);
    let (by_level, country) = figures(engine, &inputs, &computed, control);
    let names = unit_names(inputs.names_layer.as_deref());
    let rules = ClassRules::of(&inputs.hazard.meta);
    let units = by_level
        .iter()
        .map(|(code, f)| unit_row(code, f, &rules, names.get(code), &req.needs))
        .collect();
    let report = ExposureReport {
        hazard: Source::of(&inputs.hazard),
        exposure: Source::of(&inputs.exposed),
        boundary: Source::of(&inputs.finest),
        by: inputs.level,
        needs_standard: req.needs,
        computed_at: timestamp(computed.computed_at),
        compute_ms: computed.millis,
        redacted: control.counts,
        disclosure: DisclosureNote::of(control),
        units,
        total: class_rows(&rules, &country.classes),
        total_withheld: withheld(&country),
    };
    Ok((report, inputs.names_layer))
}

/// The figures of `exposure` × `hazard` inside an ad hoc incident area (lon/lat), as a
/// caller of `clearance` may see them: exact, or, when a layer is restricted, for the
/// whole finest units the area stands for (published figures for restricted exposure).
///
/// # Errors
/// An [`ExposureError`] for an unknown layer, a wrong kind or no boundary layer.
pub fn area_report(
    engine: &Engine,
    hazard: &str,
    exposure: &str,
    area: &geo::MultiPolygon<f64>,
    needs: Needs,
    clearance: Clearance,
) -> Result<AreaReport, ExposureError> {
    let all = engine.snapshots();
    let hazard = layer_of_kind(&all, hazard, LayerKind::Hazard, "hazard")?;
    let exposed = layer_of_kind(&all, exposure, LayerKind::Exposure, "exposure")?;
    let control = Control::of(&hazard.meta, &exposed.meta, clearance);
    let area_units = super::area::as_units(area, &exposed.meta);
    let (figures, units_in_area) = if control.places {
        let (finest, _) = finest_boundary(&all).ok_or(ExposureError::NoBoundary)?;
        let inside = disclosure::units_in(&finest, &area_units);
        let figures = if control.counts {
            let published = engine.published(&hazard, &exposed, &finest);
            let p = published.partition();
            let selected: Vec<bool> = p.units.iter().map(|c| inside.contains(c)).collect();
            published.within(&selected)
        } else {
            let computed = engine.exposure(&hazard, &exposed, &finest);
            let mut classes = ByClass::new();
            for code in &inside {
                for (c, t) in computed.by_unit.get(code).into_iter().flatten() {
                    classes.entry(*c).or_default().merge(t);
                }
            }
            UnitFigures::exact(classes)
        };
        (figures, Some(inside.len()))
    } else {
        let computed = super::compute(&hazard, &exposed, &area_units);
        let classes = computed.get("area").cloned().unwrap_or_default();
        (UnitFigures::exact(classes), None)
    };
    let rules = ClassRules::of(&hazard.meta);
    let has_any = !figures.total().is_empty() || figures.suppressed;
    Ok(AreaReport {
        hazard: Source::of(&hazard),
        exposure: Source::of(&exposed),
        needs_standard: needs,
        computed_at: timestamp(Utc::now()),
        redacted: control.any(),
        disclosure: DisclosureNote::of(control),
        units_in_area,
        area: has_any.then(|| unit_row("area", &figures, &rules, None, &needs)),
        total: if figures.suppressed {
            Vec::new()
        } else {
            class_rows(&rules, &figures.classes)
        },
    })
}

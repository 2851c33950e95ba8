//! Disaster events set against the model: an event linked to the hazard layer version
//! and the CAP alerts that concerned it (a new version of the loss register, audited);
//! the displacement rates its records suggest beside those in use; and draft loss
//! records written from an exposure run for field teams to confirm or correct.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::engine::Engine;
use crate::engine::calibration::{self, Calibration, ClassRule, Observation};
use crate::engine::disclosure::Clearance;
use crate::engine::events::{self as ev, Event};
use crate::engine::exposure::{self, ExposureError, ExposureRequest, Needs, Versions};
use crate::engine::registers::RegisterSnapshot;
use crate::model::alert::Alert;
use crate::model::record::{HAZARD_TYPES, Value};
use crate::model::{
    AdminLevel, ImportMode, ImportReport, LayerId, LayerKind, PeriodKind, Record, RecordKind,
    RegisterVersion,
};
use crate::store::{NewRegisterVersion, Store, StoreError};

/// Why an event could not be linked, calibrated or drafted.
#[derive(Debug, thiserror::Error)]
pub enum EventsError {
    /// No loss records yet.
    #[error("no loss records are imported yet: import a DesInventar export or a HXL CSV first")]
    NoRegister,
    /// No such event.
    #[error(
        "no disaster event '{0}' in the loss register (an event is its records' GLIDE number, or their date and hazard type: 2023-05-03 flood): GET /api/records/losses/events lists them"
    )]
    NoSuchEvent(String),
    /// A request that cannot be met as given.
    #[error("{0}")]
    Invalid(String),
    /// The event lacks what the request needs.
    #[error("{0}")]
    Unlinked(String),
    /// The exposure computation.
    #[error(transparent)]
    Exposure(#[from] ExposureError),
    /// The store.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The events of the current loss register, the latest first — of its records in period
/// `at` when given (a period's key, as the roll-ups name it).
#[must_use]
pub fn events(engine: &Engine, at: Option<(PeriodKind, &str)>) -> (Option<i32>, Vec<Event>) {
    engine
        .registers
        .get(RecordKind::Losses)
        .map_or((None, Vec::new()), |r| {
            (Some(r.version), ev::events(within(&r.records, at)))
        })
}

/// The records of period `at`, or all.
fn within<'a>(
    records: &'a [Record],
    at: Option<(PeriodKind, &'a str)>,
) -> impl Iterator<Item = &'a Record> {
    records
        .iter()
        .filter(move |rec| at.is_none_or(|(kind, key)| kind.key(rec.date) == key))
}

/// Where the events of the current loss register struck — of its records in period `at`
/// when given (a period's key, as the roll-ups name it) — each event's units, each at a
/// point inside it (a unit whose boundary layer is not loaded is left out, and logged).
#[must_use]
pub fn places(engine: &Engine, at: Option<(PeriodKind, &str)>) -> (Option<i32>, Vec<ev::Place>) {
    let Some(r) = engine.registers.get(RecordKind::Losses) else {
        return (None, Vec::new());
    };
    let (places, unplaced) = ev::places(within(&r.records, at), &engine.snapshots());
    if unplaced > 0 {
        tracing::warn!(
            unplaced,
            "event places whose unit is not loaded are left out of the events layer"
        );
    }
    (Some(r.version), places)
}

/// What to link an event to.
#[derive(Debug, Clone, Copy)]
pub struct Link<'a> {
    /// The event's key.
    pub event: &'a str,
    /// A hazard layer version, `id@version` (when none, the first alert's).
    pub hazard_layer: Option<&'a str>,
    /// CAP alert identifiers.
    pub alerts: &'a [String],
    /// Who links.
    pub by: &'a str,
}

/// A layer version written `id@version`.
fn layer_version(s: &str) -> Option<(LayerId, i32)> {
    let (id, v) = s.rsplit_once('@')?;
    Some((id.parse().ok()?, v.parse().ok().filter(|v| *v > 0)?))
}

/// Hazard layer version `text` as stored, or why it is not one.
fn hazard_version(store: &Store, text: &str) -> Result<(LayerId, i32), EventsError> {
    let (id, version) = layer_version(text).ok_or_else(|| {
        EventsError::Invalid(format!(
            "'{}' is not a layer version: write id@version (e.g. flood-zones@3)",
            text.chars().take(60).collect::<String>()
        ))
    })?;
    let detail = store.layer(&id)?.ok_or_else(|| {
        EventsError::Invalid(format!("no layer '{id}': GET /api/layers lists them"))
    })?;
    if detail.layer.meta.kind != LayerKind::Hazard {
        return Err(EventsError::Invalid(format!(
            "layer '{id}' is a {} layer, not a hazard layer",
            detail.layer.meta.kind
        )));
    }
    if !detail.versions.iter().any(|v| v.version == version) {
        return Err(EventsError::Invalid(format!(
            "layer '{id}' has no version {version} (it has {})",
            detail
                .versions
                .iter()
                .map(|v| v.version.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok((id, version))
}

/// The stored alert of CAP identifier `identifier` (`{prefix}.{number}`).
fn alert(store: &Store, identifier: &str) -> Result<Alert, EventsError> {
    let unknown = || {
        EventsError::Invalid(format!(
            "no alert '{}': give a CAP identifier as GET /api/alerts lists them",
            identifier.chars().take(80).collect::<String>()
        ))
    };
    let number: i64 = identifier
        .rsplit('.')
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or_else(unknown)?;
    store
        .alert(number)?
        .filter(|a| a.identifier == identifier)
        .ok_or_else(unknown)
}

/// Links event `link.event` to a hazard layer version and alerts: every record of the
/// event in a new version of the loss register, audited as `records.link`.
///
/// # Errors
/// No register or event, an unknown layer version or alert, nothing to link, the store.
pub fn link(
    store: &Store,
    engine: &Engine,
    link: &Link<'_>,
) -> Result<RegisterVersion, EventsError> {
    let register = engine
        .registers
        .get(RecordKind::Losses)
        .ok_or(EventsError::NoRegister)?;
    if ev::records_of(&register.records, link.event)
        .next()
        .is_none()
    {
        return Err(EventsError::NoSuchEvent(link.event.to_owned()));
    }
    let alerts = link
        .alerts
        .iter()
        .map(|a| alert(store, a.trim()))
        .collect::<Result<Vec<_>, _>>()?;
    let hazard = match (link.hazard_layer, alerts.first()) {
        (Some(text), _) => Some(hazard_version(store, text)?),
        (None, Some(a)) => Some((a.hazard.layer.clone(), a.hazard.version)),
        (None, None) => None,
    };
    if hazard.is_none() {
        return Err(EventsError::Invalid(
            "give the hazard layer version (hazard_layer: id@version) or the alerts (alerts: [identifier]) the event is linked to".into(),
        ));
    }
    let (i_layer, _) = RecordKind::Losses
        .field("hazard_layer")
        .expect("loss field");
    let (i_alerts, _) = RecordKind::Losses.field("alerts").expect("loss field");
    let mut linked = 0_u64;
    let records: Vec<Record> = register
        .records
        .iter()
        .map(|r| {
            if ev::key_of(r) != link.event {
                return r.clone();
            }
            linked += 1;
            let mut r = r.clone();
            if let Some((id, v)) = &hazard {
                r.values[i_layer] = Value::Text(format!("{id}@{v}"));
            }
            let mut all: Vec<String> = ev::alerts_of(&r).map(str::to_owned).collect();
            all.extend(alerts.iter().map(|a| a.identifier.clone()));
            all.sort();
            all.dedup();
            if !all.is_empty() {
                r.values[i_alerts] = Value::Text(all.join(" "));
            }
            r
        })
        .collect();
    let what = format!(
        "event '{}' linked to {}{}",
        link.event,
        hazard
            .as_ref()
            .map_or_else(String::new, |(id, v)| format!("hazard layer {id}@{v}")),
        if alerts.is_empty() {
            String::new()
        } else {
            format!(
                " and alerts {}",
                alerts
                    .iter()
                    .map(|a| a.identifier.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    let total = records.len() as u64;
    let version = store.commit_register(
        &NewRegisterVersion {
            kind: RecordKind::Losses,
            source_name: format!("link: {}", link.event.chars().take(150).collect::<String>()),
            source_sha256: hex::encode(Sha256::digest(what.as_bytes())),
            report: ImportReport {
                source_name: format!("link: {}", link.event),
                format: "link".into(),
                mode: Some(ImportMode::Merge),
                read: linked,
                imported: linked,
                replaced: linked,
                records: total,
                notes: vec![what],
                ..ImportReport::default()
            },
            imported_by: link.by.to_owned(),
            action: "records.link",
            base_version: Some(register.version),
        },
        &records,
    )?;
    engine.registers.install(RegisterSnapshot::new(
        RecordKind::Losses,
        version.version,
        records,
    ));
    Ok(version)
}

/// What a calibration is computed from: the event's hazard layer version and exposure
/// layer, found before the caller's clearance for them is known.
#[derive(Debug, Clone)]
pub struct CalibrationInputs {
    /// The event.
    pub event: Event,
    /// The hazard layer and version.
    pub hazard: (LayerId, i32),
    /// The exposure layer.
    pub exposure: String,
    /// Displaced as recorded, by unit (nested units counted in the coarser one).
    observed: BTreeMap<String, f64>,
    /// What was read differently from the records.
    notes: Vec<String>,
}

/// The inputs of event `key`'s calibration: the hazard layer version it is linked to
/// (or `hazard_layer` when it is linked to several), the exposure layer `exposure`
/// (or its first alert's), and its displaced people per unit.
///
/// # Errors
/// No register or event, no link, an ambiguous link, no exposure layer, no displaced
/// people recorded.
pub fn calibration_inputs(
    store: &Store,
    engine: &Engine,
    key: &str,
    hazard_layer: Option<&str>,
    exposure: Option<&str>,
) -> Result<CalibrationInputs, EventsError> {
    let register = engine
        .registers
        .get(RecordKind::Losses)
        .ok_or(EventsError::NoRegister)?;
    let records: Vec<&Record> = ev::records_of(&register.records, key).collect();
    let Some(event) = ev::events(records.iter().copied()).into_iter().next() else {
        return Err(EventsError::NoSuchEvent(key.to_owned()));
    };
    let hazard = match (hazard_layer, event.hazard_layers.as_slice()) {
        (Some(h), linked) if linked.iter().any(|l| l == h) => hazard_version(store, h)?,
        (Some(h), _) => {
            return Err(EventsError::Unlinked(format!(
                "event '{key}' is not linked to {}: link it first (POST …/events/{{event}}/links), or choose among {}",
                h.chars().take(60).collect::<String>(),
                list(&event.hazard_layers)
            )));
        }
        (None, [one]) => hazard_version(store, one)?,
        (None, []) => {
            return Err(EventsError::Unlinked(format!(
                "event '{key}' is linked to no hazard layer version: link it to the version that concerned it (POST /api/records/losses/events/{{event}}/links)"
            )));
        }
        (None, many) => {
            return Err(EventsError::Unlinked(format!(
                "event '{key}' is linked to {} hazard layer versions ({}): choose one with hazard_layer=",
                many.len(),
                list(many)
            )));
        }
    };
    let exposure = match exposure {
        Some(e) => e.to_owned(),
        None => match event.alerts.first() {
            Some(a) => alert(store, a)?.exposure.layer.to_string(),
            None => {
                return Err(EventsError::Invalid(
                    "give the exposure layer the model counts people with (exposure=population)"
                        .into(),
                ));
            }
        },
    };
    let (observed, notes) = observed(&records);
    if observed.is_empty() {
        return Err(EventsError::Unlinked(format!(
            "no record of event '{key}' says how many people were displaced (evacuated or relocated): nothing to calibrate against"
        )));
    }
    Ok(CalibrationInputs {
        event,
        hazard,
        exposure,
        observed,
        notes,
    })
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// Displaced as recorded by unit: a unit inside another unit with records is counted in
/// that one (and said so).
fn observed(records: &[&Record]) -> (BTreeMap<String, f64>, Vec<String>) {
    let mut by_code: BTreeMap<&str, f64> = BTreeMap::new();
    let mut unsaid = 0;
    for r in records {
        match ev::displaced(r) {
            Some(d) => *by_code.entry(r.code.as_str()).or_default() += d,
            None => unsaid += 1,
        }
    }
    let mut codes: Vec<&str> = by_code.keys().copied().collect();
    codes.sort_by_key(|c| (c.len(), *c));
    let mut out: BTreeMap<String, f64> = BTreeMap::new();
    let mut notes = Vec::new();
    for code in codes {
        let value = by_code[code];
        match out.keys().find(|u| code.starts_with(u.as_str())).cloned() {
            Some(outer) => {
                notes.push(format!(
                    "records of unit {code} lie within unit {outer}, which has records too: counted together as {outer}"
                ));
                *out.get_mut(&outer).expect("present") += value;
            }
            None => {
                out.insert(code.to_owned(), value);
            }
        }
    }
    if unsaid > 0 {
        notes.push(format!(
            "{unsaid} record(s) of the event say nothing of displaced people (no evacuated or relocated): left out"
        ));
    }
    (out, notes)
}

/// An event's calibration.
#[derive(Debug, Clone, Serialize)]
pub struct EventCalibration {
    /// The event.
    pub event: Event,
    /// The hazard layer version.
    pub hazard: exposure::report::Source,
    /// The exposure layer version.
    pub exposure: exposure::report::Source,
    /// Whether the model's figures are published ones (a restricted exposure layer).
    pub redacted: bool,
    /// Observed against modelled, and the suggested rates.
    pub calibration: Calibration,
    /// Unit names by code.
    pub names: BTreeMap<String, String>,
    /// What was read differently from the records.
    pub notes: Vec<String>,
}

/// The calibration of `inputs`, with the exposure figures as a caller of `clearance` may
/// see them.
///
/// # Errors
/// The exposure computation's (a level without boundaries, a layer version gone).
pub fn calibrate(
    store: &Store,
    engine: &Engine,
    inputs: CalibrationInputs,
    clearance: Clearance,
) -> Result<EventCalibration, EventsError> {
    let CalibrationInputs {
        event,
        hazard,
        exposure: exposure_id,
        observed,
        mut notes,
    } = inputs;
    let hazard_id = hazard.0.to_string();
    let mut levels: Vec<AdminLevel> = observed
        .keys()
        .filter_map(|c| AdminLevel::of_code(c))
        .collect();
    levels.sort();
    levels.dedup();
    let mut units = BTreeMap::new();
    let mut sources = None;
    for level in levels {
        let (report, _) = exposure::report(
            engine,
            store,
            ExposureRequest {
                hazard: &hazard_id,
                exposure: &exposure_id,
                by: level.as_str(),
                needs: Needs::SPHERE,
                versions: Versions {
                    hazard: Some(hazard.1),
                    exposure: None,
                },
            },
            clearance,
        )?;
        for u in report.units {
            units.insert(u.code.clone(), u);
        }
        sources.get_or_insert((report.hazard, report.exposure, report.redacted));
    }
    let Some((hazard_source, exposure_source, redacted)) = sources else {
        return Err(EventsError::Invalid(
            "the event's units are not admin codes of any level".into(),
        ));
    };
    let mut rules: Vec<ClassRule> = Vec::new();
    for r in hazard_source
        .classification
        .iter()
        .flat_map(|c| c.rules.iter())
    {
        if rules.iter().all(|k| k.class != r.class.as_str()) {
            rules.push(ClassRule {
                class: r.class.as_str(),
                affected: r.affected,
                rate: r.displacement_rate,
            });
        }
    }
    let mut observations = Vec::new();
    let mut names = BTreeMap::new();
    let mut withheld = Vec::new();
    for (code, displaced) in &observed {
        let unit = units.get(code);
        if unit.is_some_and(|u| u.suppressed) {
            withheld.push(code.as_str());
            continue;
        }
        if let Some(name) = unit.and_then(|u| u.name.clone()) {
            names.insert(code.clone(), name);
        }
        let people = rules
            .iter()
            .map(|rule| {
                unit.into_iter()
                    .flat_map(|u| &u.classes)
                    .filter(|c| c.class == rule.class)
                    .map(|c| c.figures.population)
                    .sum()
            })
            .collect();
        observations.push(Observation {
            code: code.clone(),
            observed: *displaced,
            people,
        });
    }
    if !withheld.is_empty() {
        notes.push(format!(
            "the model's figures of {} unit(s) are withheld from you by disclosure control and left out: {}",
            withheld.len(),
            withheld.join(", ")
        ));
    }
    let calibration = calibration::calibrate(&rules, &observations);
    Ok(EventCalibration {
        event,
        hazard: hazard_source,
        exposure: exposure_source,
        redacted,
        calibration,
        names,
        notes,
    })
}

/// What a draft names the event by.
#[derive(Debug, Clone, Copy)]
pub struct DraftOf<'a> {
    /// The event's date.
    pub date: NaiveDate,
    /// Hazard type (one of [`HAZARD_TYPES`]; the hazard layer's theme when none).
    pub hazard_type: Option<&'a str>,
    /// Event name.
    pub event: Option<&'a str>,
    /// GLIDE number.
    pub glide: Option<&'a str>,
}

/// Draft loss records from the exposure run `req`: one per unit of its level where the
/// model counts people affected, with the model's affected as directly affected and its
/// displaced as evacuated, marked `draft` (an import refuses them until they are
/// confirmed), linked to the hazard layer version, figures as `clearance` may see them.
///
/// # Errors
/// The exposure computation's; a hazard type that is not one.
pub fn drafts(
    store: &Store,
    engine: &Engine,
    req: ExposureRequest<'_>,
    clearance: Clearance,
    of: DraftOf<'_>,
) -> Result<Vec<Record>, EventsError> {
    let (report, _) = exposure::report(engine, store, req, clearance)?;
    let hazard = match of.hazard_type {
        Some(h) => h.to_owned(),
        None => engine
            .snapshots()
            .get(&report.hazard.layer)
            .map(|s| s.meta.theme.to_string())
            .unwrap_or_default(),
    };
    if !HAZARD_TYPES.contains(&hazard.as_str()) {
        return Err(EventsError::Invalid(format!(
            "'{}' is not a hazard type of the loss register: give hazard_type= one of {}",
            hazard.chars().take(40).collect::<String>(),
            HAZARD_TYPES.join(", ")
        )));
    }
    let kind = RecordKind::Losses;
    let source = format!(
        "sitroom exposure model: hazard {}@{}, exposure {}@{}, computed {}{}",
        report.hazard.layer,
        report.hazard.version,
        report.exposure.layer,
        report.exposure.version,
        report.computed_at,
        if report.redacted {
            " (published figures)"
        } else {
            ""
        }
    );
    let tag = of.glide.unwrap_or("draft");
    let set = |values: &mut Vec<Value>, name: &str, v: Value| {
        let (i, _) = kind.field(name).expect("loss field");
        values[i] = v;
    };
    let mut out = Vec::new();
    for u in report.units.iter().filter(|u| !u.suppressed) {
        let affected: f64 = u.classes.iter().map(|c| c.figures.affected).sum();
        if affected <= 0.0 {
            continue;
        }
        let displaced: f64 = u.classes.iter().map(|c| c.figures.displaced).sum();
        let mut values = vec![Value::Empty; kind.fields().len()];
        set(&mut values, "hazard", Value::Text(hazard.clone()));
        if let Some(e) = of.event {
            set(&mut values, "event", Value::Text(e.to_owned()));
        }
        if let Some(g) = of.glide {
            set(&mut values, "glide", Value::Text(g.to_owned()));
        }
        if let Some(n) = &u.name {
            set(&mut values, "place", Value::Text(n.clone()));
        }
        set(
            &mut values,
            "directly_affected",
            Value::Number(affected.round()),
        );
        set(&mut values, "evacuated", Value::Number(displaced.round()));
        set(&mut values, "source", Value::Text(source.clone()));
        set(
            &mut values,
            "comments",
            Value::Text(format!(
                "Drafted from the model ({}): check every figure in the field, fill in deaths and damage, then set the verification to confirmed",
                u.classes
                    .iter()
                    .filter(|c| c.figures.affected > 0.0)
                    .map(|c| format!("{} {}", c.class, c.figures.affected.round()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
        set(
            &mut values,
            "hazard_layer",
            Value::Text(format!("{}@{}", report.hazard.layer, report.hazard.version)),
        );
        set(&mut values, "verification", Value::Text("draft".into()));
        out.push(Record {
            id: format!("{tag}-{}-{}", of.date, u.code),
            code: u.code.clone(),
            date: of.date,
            values,
        });
    }
    Ok(out)
}

//! Alert rules evaluated on exposure: which units of the rule's level hold at least its
//! threshold of people (or share of their people) in the classes it counts, with the
//! figures a caller below the analyst role may see — an alert goes to institutions and
//! the public, so a restricted exposure layer is counted in published figures only —
//! and a draft CAP alert for them, its areas outlined for CAP.

use chrono::Utc;
use geo::{Area, Simplify};

use super::disclosure::Clearance;
use super::exposure::{self, ExposureError, ExposureRequest, Needs, Versions};
use super::{Engine, LayerSnapshot, boundary_of};
use crate::model::alert::{
    Alert, AlertArea, AlertState, InfoText, LANGUAGES, LayerUsed, MAX_AREA_VERTICES, Measure,
    MsgType, Rule, Status, Texts,
};
use crate::model::{AdminLevel, HazardClass};
use crate::store::Store;

/// Who sends the ministry's alerts and how they are numbered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// CAP `sender` (e-mail-like, e.g. `alerts@ministry.example`).
    pub sender: String,
    /// CAP `senderName`: the ministry's name as the public reads it.
    pub name: String,
    /// The OID the ministry registered with WMO for its alerts: identifiers are
    /// `urn:oid:{oid}.{number}`.
    pub oid: String,
    /// CAP `status` of what is drafted (`Actual` in service, `Exercise` in drills).
    pub status: Status,
}

impl Default for Sender {
    fn default() -> Self {
        Self {
            sender: "sitroom@localhost".into(),
            name: "sitroom".into(),
            oid: "2.49.0.0.646.0".into(),
            status: Status::Actual,
        }
    }
}

impl Sender {
    /// The CAP identifier of alert number `n`.
    #[must_use]
    pub fn identifier(&self, n: i64) -> String {
        format!("urn:oid:{}.{n}", self.oid)
    }
}

/// Why a rule could not be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum EvaluationError {
    /// A layer, level or boundary the rule names is not there (or of another kind).
    #[error("rule '{rule}': {source}")]
    Exposure {
        /// The rule.
        rule: String,
        /// Why.
        #[source]
        source: Box<ExposureError>,
    },
    /// No boundary layer of the rule's level to outline the units with.
    #[error(
        "rule '{0}': no boundary layer of its level '{1}' is loaded, so its units cannot be outlined for CAP"
    )]
    NoOutlines(String, AdminLevel),
}

/// The figures of one unit, summed over the rule's classes.
struct Counted {
    exposed: f64,
    affected: f64,
    displaced: f64,
    population: f64,
}

fn counted(unit: &exposure::report::UnitReport, classes: &[HazardClass]) -> Counted {
    let mut c = Counted {
        exposed: 0.0,
        affected: 0.0,
        displaced: 0.0,
        population: 0.0,
    };
    for row in &unit.classes {
        c.population += row.figures.population;
        if classes.iter().any(|k| k.as_str() == row.class) {
            c.exposed += row.figures.population;
            c.affected += row.figures.affected;
            c.displaced += row.figures.displaced;
        }
    }
    if let Some(w) = &unit.withheld {
        c.population += w.population;
    }
    c
}

/// A unit's outline for CAP: the exterior ring of its largest polygon (holes dropped),
/// simplified until it has at most [`MAX_AREA_VERTICES`] vertices, closed, in lon/lat.
#[must_use]
pub fn outline(layer: &LayerSnapshot, code: &str) -> Option<Vec<[f64; 2]>> {
    let f = layer
        .features
        .iter()
        .find(|f| f.code.as_deref() == Some(code))?;
    let largest = match &f.geometry {
        geo::Geometry::Polygon(p) => p.clone(),
        geo::Geometry::MultiPolygon(m) => {
            m.0.iter()
                .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))?
                .clone()
        }
        _ => return None,
    };
    let mut ring = largest.exterior().clone();
    let mut epsilon = 10.0;
    while ring.0.len() > MAX_AREA_VERTICES {
        ring = largest.exterior().simplify(epsilon);
        epsilon *= 1.5;
    }
    let mut out: Vec<[f64; 2]> = ring
        .0
        .iter()
        .map(|c| {
            let ll = super::geometry::to_lonlat(*c);
            [ll.x, ll.y]
        })
        .collect();
    if out.first() != out.last() {
        out.pop();
        if let Some(first) = out.first().copied() {
            out.push(first);
        }
    }
    (out.len() >= 4).then_some(out)
}

/// `template` with its names filled in.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut s = template.to_owned();
    for (k, v) in values {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// A whole number written as `lang` writes it (groups of three).
fn people(n: f64, lang: &str) -> String {
    let digits = format!("{:.0}", n.max(0.0).round());
    let sep = match lang {
        "fr" => "\u{202f}",
        "rw" => ".",
        _ => ",",
    };
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push_str(sep);
        }
        out.push(ch);
    }
    out
}

/// The units named in a text: all of them up to five, else the first five and how many
/// more.
fn unit_names(areas: &[AlertArea], lang: &str) -> String {
    let names: Vec<&str> = areas.iter().take(5).map(|a| a.name.as_str()).collect();
    let names = names.join(", ");
    match (areas.len().saturating_sub(5), lang) {
        (0, _) => names,
        (n, "fr") => format!("{names} et {n} autres"),
        (n, "rw") => format!("{names} n\u{2019}izindi {n}"),
        (n, _) => format!("{names} and {n} more"),
    }
}

fn text(texts: &Texts, lang: &str) -> Option<String> {
    texts
        .get(lang)
        .or_else(|| texts.get("en"))
        .filter(|t| !t.trim().is_empty())
        .cloned()
}

/// One `<info>` per language the rule's texts are written in (English always).
fn infos(rule: &Rule, areas: &[AlertArea], hazard: &str) -> Vec<InfoText> {
    let a = &rule.spec.alert;
    LANGUAGES
        .iter()
        .filter(|lang| {
            **lang == "en"
                || [&a.event, &a.headline, &a.instruction, &a.description]
                    .iter()
                    .any(|t| t.contains_key(**lang))
        })
        .map(|lang| {
            let total: f64 = areas.iter().map(|x| x.exposed).sum();
            let values = [
                ("units", unit_names(areas, lang)),
                (
                    "unit",
                    areas.first().map(|x| x.name.clone()).unwrap_or_default(),
                ),
                ("count", areas.len().to_string()),
                ("people", people(total, lang)),
                ("hazard", hazard.to_owned()),
                ("rule", rule.spec.title.clone()),
            ];
            let get = |t: &Texts| text(t, lang).map(|s| fill(&s, &values)).unwrap_or_default();
            InfoText {
                language: (*lang).to_owned(),
                event: get(&a.event),
                headline: get(&a.headline),
                description: get(&a.description),
                instruction: get(&a.instruction),
            }
        })
        .collect()
}

/// What evaluating a rule found on the current versions of its layers.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// The hazard layer version counted.
    pub hazard: LayerUsed,
    /// The exposure layer version counted.
    pub exposure: LayerUsed,
    /// The draft alert it makes, or `None` when no unit meets its condition. Its number
    /// and identifier are given when it is stored.
    pub alert: Option<Alert>,
}

/// Evaluates `rule` on the current versions of its layers.
///
/// # Errors
/// An [`EvaluationError`] naming what the rule needs and is not there.
pub fn evaluate(
    engine: &Engine,
    store: &Store,
    rule: &Rule,
    sender: &Sender,
) -> Result<Evaluation, EvaluationError> {
    let c = &rule.spec.condition;
    let in_rule = |source| EvaluationError::Exposure {
        rule: rule.id.to_string(),
        source: Box::new(source),
    };
    let (report, _) = exposure::report(
        engine,
        store,
        ExposureRequest {
            hazard: c.hazard.as_str(),
            exposure: c.exposure.as_str(),
            by: c.level.as_str(),
            needs: Needs::SPHERE,
            versions: Versions::default(),
        },
        Clearance::Aggregates,
    )
    .map_err(in_rule)?;
    let outlines = boundary_of(&engine.snapshots(), c.level)
        .ok_or_else(|| EvaluationError::NoOutlines(rule.id.to_string(), c.level))?;
    let mut areas: Vec<AlertArea> = report
        .units
        .iter()
        .filter(|u| !u.suppressed)
        .filter_map(|u| {
            let n = counted(u, &c.classes);
            let measure = match c.measure {
                Measure::People => n.exposed,
                Measure::Share if n.population > 0.0 => n.exposed / n.population,
                Measure::Share => 0.0,
            };
            (measure >= c.at_least && n.exposed > 0.0).then(|| AlertArea {
                code: u.code.clone(),
                name: u.name.clone().unwrap_or_else(|| u.code.clone()),
                level: c.level,
                exposed: n.exposed,
                affected: n.affected,
                displaced: n.displaced,
                population: n.population,
                polygon: outline(&outlines, &u.code).unwrap_or_default(),
            })
        })
        .collect();
    let used = |s: &exposure::report::Source| LayerUsed {
        layer: s.layer.clone(),
        version: s.version,
        title: s.title.clone(),
    };
    let (hazard, exposure) = (used(&report.hazard), used(&report.exposure));
    if areas.is_empty() {
        return Ok(Evaluation {
            hazard,
            exposure,
            alert: None,
        });
    }
    areas.sort_by(|a, b| b.exposed.total_cmp(&a.exposed).then(a.code.cmp(&b.code)));
    let a = &rule.spec.alert;
    let alert = Alert {
        id: 0,
        identifier: String::new(),
        sender: sender.sender.clone(),
        status: sender.status,
        msg_type: MsgType::Alert,
        scope: a.scope,
        references: None,
        rule: Some((rule.id.clone(), rule.version)),
        hazard: hazard.clone(),
        exposure: exposure.clone(),
        category: a.category,
        response_type: a.response_type,
        urgency: a.urgency,
        severity: a.severity,
        certainty: a.certainty,
        hours: a.hours,
        info: infos(rule, &areas, &report.hazard.title),
        areas,
        published_figures: report.redacted,
        state: AlertState::Draft,
        drafted_by: format!("rule:{}", rule.id),
        drafted_at: Utc::now(),
        approved_by: None,
        sent: None,
        author: rule.written_by.clone(),
        supersedes: None,
        superseded_by: None,
    };
    Ok(Evaluation {
        hazard,
        exposure,
        alert: Some(alert),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_as_each_language_writes_them() {
        assert_eq!(people(1_234_567.4, "en"), "1,234,567");
        assert_eq!(people(1_234_567.0, "fr"), "1\u{202f}234\u{202f}567");
        assert_eq!(people(12_345.0, "rw"), "12.345");
        assert_eq!(people(999.0, "en"), "999");
        assert_eq!(people(0.0, "en"), "0");
    }

    #[test]
    fn templates_are_filled_by_name() {
        let v = [
            ("units", "Gitega, Kigali".to_owned()),
            ("people", "1,200".to_owned()),
        ];
        assert_eq!(
            fill("{people} people in {units}; {other}", &v),
            "1,200 people in Gitega, Kigali; {other}"
        );
    }
}

//! Early warning: alert rules (a condition on exposure per admin unit that drafts an
//! alert when a hazard layer's new version meets it) and alerts in the terms of the
//! OASIS Common Alerting Protocol 1.2 — the values of its enumerations as CAP spells
//! them, the texts of each `<info>` per language, and the lifecycle draft → approved →
//! issued, after which an alert is only ever superseded (updated or cancelled).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::macros::{slug_type, string_enum};
use super::{AdminLevel, HazardClass, LayerId};

slug_type! {
    /// The id of an alert rule (an ASCII slug).
    RuleId, "rule id"
}

string_enum! {
    /// `status`: how the alert is to be handled.
    Status, "CAP status" {
        Actual => "Actual",
        Exercise => "Exercise",
        System => "System",
        Test => "Test",
        Draft => "Draft",
    }
}

string_enum! {
    /// `msgType`: what the message does.
    MsgType, "CAP msgType" {
        Alert => "Alert",
        Update => "Update",
        Cancel => "Cancel",
    }
}

string_enum! {
    /// `scope`: who the alert is for.
    Scope, "CAP scope" {
        Public => "Public",
        Restricted => "Restricted",
    }
}

string_enum! {
    /// `category`: the kind of event.
    Category, "CAP category" {
        Geo => "Geo",
        Met => "Met",
        Safety => "Safety",
        Security => "Security",
        Rescue => "Rescue",
        Fire => "Fire",
        Health => "Health",
        Env => "Env",
        Transport => "Transport",
        Infra => "Infra",
        Cbrne => "CBRNE",
        Other => "Other",
    }
}

string_enum! {
    /// `responseType`: the action recommended.
    ResponseType, "CAP responseType" {
        Shelter => "Shelter",
        Evacuate => "Evacuate",
        Prepare => "Prepare",
        Execute => "Execute",
        Avoid => "Avoid",
        Monitor => "Monitor",
        Assess => "Assess",
        AllClear => "AllClear",
        None => "None",
    }
}

string_enum! {
    /// `urgency`: how soon to act.
    Urgency, "CAP urgency" {
        Immediate => "Immediate",
        Expected => "Expected",
        Future => "Future",
        Past => "Past",
        Unknown => "Unknown",
    }
}

string_enum! {
    /// `severity`: how bad the event is.
    Severity, "CAP severity" {
        Extreme => "Extreme",
        Severe => "Severe",
        Moderate => "Moderate",
        Minor => "Minor",
        Unknown => "Unknown",
    }
}

string_enum! {
    /// `certainty`: how sure the event is.
    Certainty, "CAP certainty" {
        Observed => "Observed",
        Likely => "Likely",
        Possible => "Possible",
        Unlikely => "Unlikely",
        Unknown => "Unknown",
    }
}

/// The languages an alert carries one `<info>` each in.
pub const LANGUAGES: &[&str] = &["en", "fr", "rw"];

/// A text in each language (`en` required; `fr` and `rw` when given). Templates may name
/// `{unit}`, `{units}`, `{people}`, `{hazard}`, `{level}` and `{rule}`.
pub type Texts = BTreeMap<String, String>;

/// What an exposure figure of a unit is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// People in the classes named.
    People,
    /// People in the classes named per person of the unit, 0–1.
    Share,
}

/// The condition an alert rule checks in every unit of a level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The hazard layer whose new versions are checked.
    pub hazard: LayerId,
    /// The exposure layer counted (people).
    pub exposure: LayerId,
    /// The level of the units checked.
    pub level: AdminLevel,
    /// The hazard classes counted.
    pub classes: Vec<HazardClass>,
    /// What is compared.
    pub measure: Measure,
    /// The least figure that fires (people, or a share 0–1).
    pub at_least: f64,
}

/// What an alert drafted by a rule says: CAP's `<info>` values and its texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertTemplate {
    /// CAP `category`.
    pub category: Category,
    /// CAP `event`, per language.
    pub event: Texts,
    /// CAP `responseType`.
    pub response_type: ResponseType,
    /// CAP `urgency`.
    pub urgency: Urgency,
    /// CAP `severity`.
    pub severity: Severity,
    /// CAP `certainty`.
    pub certainty: Certainty,
    /// CAP `headline`, per language (a template).
    pub headline: Texts,
    /// CAP `description`, per language (a template).
    #[serde(default)]
    pub description: Texts,
    /// CAP `instruction`, per language (a template).
    pub instruction: Texts,
    /// How long an issued alert stays in force, in hours (CAP `expires`).
    pub hours: u32,
    /// CAP `scope`.
    #[serde(default = "public")]
    pub scope: Scope,
}

const fn public() -> Scope {
    Scope::Public
}

/// An alert rule as an editor writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// A human title.
    pub title: String,
    /// What is checked.
    pub condition: Condition,
    /// What the drafted alert says.
    pub alert: AlertTemplate,
    /// Whether new versions of the hazard layer are checked by themselves (else only on
    /// demand).
    #[serde(default = "yes")]
    pub enabled: bool,
}

const fn yes() -> bool {
    true
}

/// Why a rule cannot be stored as written (before any layer is looked at).
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RuleError {
    /// A text without its English version.
    #[error(
        "'{0}' needs an English text ('en'); French ('fr') and Kinyarwanda ('rw') are optional"
    )]
    NoEnglish(&'static str),
    /// A text in a language alerts are not written in.
    #[error("'{field}' has a text in '{lang}': alerts are written in en, fr and rw only")]
    Language {
        /// The field.
        field: &'static str,
        /// The language given.
        lang: String,
    },
    /// No class to count.
    #[error(
        "name at least one hazard class to count in condition.classes (high, medium, low, very_low)"
    )]
    NoClasses,
    /// A threshold that cannot fire sensibly.
    #[error(
        "condition.at_least must be a positive number of people, or a share above 0 and at most 1 (measure 'share'); got {0}"
    )]
    Threshold(f64),
    /// A rule checked at country level (alerts name units).
    #[error(
        "condition.level must be a level of units with codes: province, district, sector, cell or village"
    )]
    Country,
    /// An alert that would never be in force, or for years.
    #[error("alert.hours must be 1 to 720 (30 days); got {0}")]
    Hours(u32),
    /// An empty title.
    #[error("give the rule a title")]
    NoTitle,
}

impl RuleSpec {
    /// Checks what can be checked without the store: texts, classes, threshold, level.
    ///
    /// # Errors
    /// The first [`RuleError`] found.
    pub fn check(&self) -> Result<(), RuleError> {
        if self.title.trim().is_empty() {
            return Err(RuleError::NoTitle);
        }
        let c = &self.condition;
        if c.classes.is_empty() {
            return Err(RuleError::NoClasses);
        }
        let fits = match c.measure {
            Measure::People => c.at_least.is_finite() && c.at_least > 0.0,
            Measure::Share => c.at_least > 0.0 && c.at_least <= 1.0,
        };
        if !fits {
            return Err(RuleError::Threshold(c.at_least));
        }
        if c.level == AdminLevel::Country {
            return Err(RuleError::Country);
        }
        let a = &self.alert;
        if !(1..=720).contains(&a.hours) {
            return Err(RuleError::Hours(a.hours));
        }
        for (field, texts, required) in [
            ("alert.event", &a.event, true),
            ("alert.headline", &a.headline, true),
            ("alert.instruction", &a.instruction, true),
            ("alert.description", &a.description, false),
        ] {
            if let Some(lang) = texts.keys().find(|l| !LANGUAGES.contains(&l.as_str())) {
                return Err(RuleError::Language {
                    field,
                    lang: lang.chars().take(10).collect(),
                });
            }
            if required && texts.get("en").is_none_or(|t| t.trim().is_empty()) {
                return Err(RuleError::NoEnglish(field));
            }
        }
        Ok(())
    }
}

/// A stored version of a rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    /// Its id.
    pub id: RuleId,
    /// Its version (1 on creation, one more on each change).
    pub version: i32,
    /// What it says.
    #[serde(flatten)]
    pub spec: RuleSpec,
    /// Who wrote this version.
    pub written_by: String,
    /// When.
    pub written_at: chrono::DateTime<chrono::Utc>,
}

/// Where an alert is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    /// Drafted by a rule or an editor; not sent.
    Draft,
    /// Approved by a second editor; not sent yet.
    Approved,
    /// Sent; in force until it expires or is superseded.
    Issued,
    /// Replaced by an update or a cancellation.
    Superseded,
    /// Set aside without being sent.
    Rejected,
}

/// A layer version an alert was computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerUsed {
    /// The layer.
    pub layer: LayerId,
    /// Its version.
    pub version: i32,
    /// Its title.
    pub title: String,
}

/// One admin unit an alert is for, with its figures and its outline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertArea {
    /// Official code (CAP `geocode`).
    pub code: String,
    /// Name (CAP `areaDesc`).
    pub name: String,
    /// Its level.
    pub level: AdminLevel,
    /// People in the classes the rule counts.
    pub exposed: f64,
    /// People affected.
    pub affected: f64,
    /// People likely displaced.
    pub displaced: f64,
    /// People of the unit (all classes and none).
    pub population: f64,
    /// The outline, lon/lat, closed, at most [`MAX_AREA_VERTICES`] vertices.
    pub polygon: Vec<[f64; 2]>,
}

/// The most vertices a CAP `<polygon>` of ours has.
pub const MAX_AREA_VERTICES: usize = 100;

/// The texts of one `<info>`, written from the rule's templates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InfoText {
    /// RFC 3066 language (CAP `language`): `en-GB`, `fr-FR`, `rw-RW`.
    pub language: String,
    /// CAP `event`.
    pub event: String,
    /// CAP `headline`.
    pub headline: String,
    /// CAP `description`.
    pub description: String,
    /// CAP `instruction`.
    pub instruction: String,
}

/// An alert: what CAP says of it, what it was computed from, and where it is in its life.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// The store's number for it.
    pub id: i64,
    /// CAP `identifier` (`{oid prefix}.{id}`).
    pub identifier: String,
    /// CAP `sender`.
    pub sender: String,
    /// CAP `status`.
    pub status: Status,
    /// CAP `msgType`.
    pub msg_type: MsgType,
    /// CAP `scope`.
    pub scope: Scope,
    /// CAP `references` of an update or cancellation: the alert it supersedes, as
    /// `sender,identifier,sent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub references: Option<String>,
    /// The rule that drafted it, and its version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<(RuleId, i32)>,
    /// The hazard layer version.
    pub hazard: LayerUsed,
    /// The exposure layer version.
    pub exposure: LayerUsed,
    /// CAP `category`.
    pub category: Category,
    /// CAP `responseType`.
    pub response_type: ResponseType,
    /// CAP `urgency`.
    pub urgency: Urgency,
    /// CAP `severity`.
    pub severity: Severity,
    /// CAP `certainty`.
    pub certainty: Certainty,
    /// Hours in force once issued.
    pub hours: u32,
    /// One per language.
    pub info: Vec<InfoText>,
    /// The units.
    pub areas: Vec<AlertArea>,
    /// Whether the exposure figures are published ones (a restricted exposure layer).
    pub published_figures: bool,
    /// Where it is in its life.
    pub state: AlertState,
    /// Who drafted it (`rule:{id}` for a rule).
    pub drafted_by: String,
    /// When.
    pub drafted_at: chrono::DateTime<chrono::Utc>,
    /// Who approved it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    /// When it was sent (CAP `sent` once issued).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent: Option<chrono::DateTime<chrono::Utc>>,
    /// Who is answerable for its content: the writer of the rule version that drafted
    /// it, or the editor who asked for it (a cancellation). May not approve it.
    pub author: String,
    /// The alert an update or cancellation supersedes once issued (its number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<i64>,
    /// The update or cancellation that superseded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<i64>,
}

/// Who the alerts in force cover (the numerator of Sendai indicator G-3): each unit of
/// their areas once, a unit inside another covered unit not again, with the people the
/// alert counted in it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Coverage {
    /// Alerts in force.
    pub alerts: usize,
    /// Units covered (none inside another).
    pub units: usize,
    /// People of those units.
    pub people: f64,
}

impl Coverage {
    /// The coverage of `alerts`, those in force at `now` counted.
    #[must_use]
    pub fn of<'a>(
        alerts: impl IntoIterator<Item = &'a Alert>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Self {
        let mut alerts_in_force = 0;
        let mut units: BTreeMap<&str, f64> = BTreeMap::new();
        for a in alerts.into_iter().filter(|a| a.in_force(now)) {
            alerts_in_force += 1;
            for area in &a.areas {
                let people = units.entry(area.code.as_str()).or_insert(0.0);
                *people = people.max(area.population);
            }
        }
        // Codes sort after their parents: a unit is dropped when a covered unit holds it.
        let mut kept: Vec<(&str, f64)> = Vec::new();
        for (code, people) in units {
            if !kept.iter().any(|(parent, _)| code.starts_with(parent)) {
                kept.push((code, people));
            }
        }
        Self {
            alerts: alerts_in_force,
            units: kept.len(),
            people: kept.iter().map(|(_, p)| p).sum(),
        }
    }
}

/// Why an alert cannot go where it was asked to.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LifecycleError {
    /// A step its state does not allow.
    #[error(
        "alert {id} is {state:?}: it cannot be {step} (a draft is approved, then issued; an issued alert is cancelled or updated by a new one)"
    )]
    State {
        /// The alert.
        id: i64,
        /// Its state.
        state: AlertState,
        /// The step asked for.
        step: &'static str,
    },
    /// The author or drafter approving their own alert.
    #[error("alert {id} was written by {who}: a second editor approves it, not its author")]
    OwnApproval {
        /// The alert.
        id: i64,
        /// Who asked.
        who: String,
    },
    /// A cancellation of an alert already cancelled or updated.
    #[error("alert {id} is already superseded by alert {by}: cancel or update that one")]
    Superseded {
        /// The alert.
        id: i64,
        /// The alert superseding it.
        by: i64,
    },
}

impl Alert {
    /// People in all its areas (the rule's classes).
    #[must_use]
    pub fn exposed(&self) -> f64 {
        self.areas.iter().map(|a| a.exposed).sum()
    }

    /// When an issued alert stops being in force.
    #[must_use]
    pub fn expires(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.sent
            .map(|t| t + chrono::Duration::hours(i64::from(self.hours)))
    }

    /// Whether it is issued and not expired at `now` (superseded alerts are not, nor is
    /// a cancellation: it ends an alert, it warns of nothing).
    #[must_use]
    pub fn in_force(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        self.state == AlertState::Issued
            && self.msg_type != MsgType::Cancel
            && self.expires().is_some_and(|e| e > now)
    }

    fn refuse(&self, step: &'static str) -> LifecycleError {
        LifecycleError::State {
            id: self.id,
            state: self.state,
            step,
        }
    }

    /// Approved by `by`, who is neither its author nor its drafter.
    ///
    /// # Errors
    /// When it is not a draft, or `by` wrote it.
    pub fn approve(mut self, by: &str) -> Result<Self, LifecycleError> {
        if self.state != AlertState::Draft {
            return Err(self.refuse("approved"));
        }
        if by == self.author || by == self.drafted_by {
            return Err(LifecycleError::OwnApproval {
                id: self.id,
                who: by.to_owned(),
            });
        }
        self.state = AlertState::Approved;
        self.approved_by = Some(by.to_owned());
        Ok(self)
    }

    /// Sent at `now` with `status` (Actual, Exercise, Test, ...).
    ///
    /// # Errors
    /// When it is not approved.
    pub fn issue(
        mut self,
        now: chrono::DateTime<chrono::Utc>,
        status: Status,
    ) -> Result<Self, LifecycleError> {
        if self.state != AlertState::Approved {
            return Err(self.refuse("issued"));
        }
        self.state = AlertState::Issued;
        self.status = status;
        self.sent = Some(now);
        Ok(self)
    }

    /// Set aside without being sent.
    ///
    /// # Errors
    /// When it was issued already.
    pub fn reject(mut self) -> Result<Self, LifecycleError> {
        if !matches!(self.state, AlertState::Draft | AlertState::Approved) {
            return Err(self.refuse("rejected"));
        }
        self.state = AlertState::Rejected;
        Ok(self)
    }

    /// Superseded by the alert numbered `by` as that one is issued.
    ///
    /// # Errors
    /// When it is not issued, or already superseded.
    pub fn superseded(mut self, by: i64) -> Result<Self, LifecycleError> {
        if let Some(other) = self.superseded_by {
            return Err(LifecycleError::Superseded {
                id: self.id,
                by: other,
            });
        }
        if self.state != AlertState::Issued {
            return Err(self.refuse("superseded"));
        }
        self.state = AlertState::Superseded;
        self.superseded_by = Some(by);
        Ok(self)
    }

    /// CAP `references` to this issued alert: `sender,identifier,sent`.
    #[must_use]
    pub fn reference(&self) -> Option<String> {
        self.sent.map(|t| {
            format!(
                "{},{},{}",
                self.sender,
                self.identifier,
                t.format("%Y-%m-%dT%H:%M:%S-00:00")
            )
        })
    }

    /// A draft of the message that supersedes this issued alert as `msg_type` (Update or
    /// Cancel), asked for by `by` at `now`, with `from`'s content (this alert's own for a
    /// cancellation, a new evaluation's for an update).
    ///
    /// # Errors
    /// When this alert is not issued.
    pub fn successor(
        &self,
        msg_type: MsgType,
        from: Self,
        by: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Self, LifecycleError> {
        if self.state != AlertState::Issued {
            return Err(self.refuse(if msg_type == MsgType::Cancel {
                "cancelled"
            } else {
                "updated"
            }));
        }
        Ok(Self {
            id: 0,
            identifier: String::new(),
            msg_type,
            references: self.reference(),
            supersedes: Some(self.id),
            state: AlertState::Draft,
            drafted_by: by.to_owned(),
            drafted_at: now,
            approved_by: None,
            sent: None,
            superseded_by: None,
            author: if msg_type == MsgType::Cancel {
                by.to_owned()
            } else {
                from.author.clone()
            },
            ..from
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> RuleSpec {
        serde_json::from_value(serde_json::json!({
            "title": "Floods in sectors",
            "condition": {"hazard": "flood-zones", "exposure": "population", "level": "sector",
                "classes": ["high", "medium"], "measure": "people", "at_least": 500},
            "alert": {"category": "Met", "event": {"en": "Flood"}, "response_type": "Evacuate",
                "urgency": "Expected", "severity": "Severe", "certainty": "Likely",
                "headline": {"en": "Flood warning for {units}"},
                "instruction": {"en": "Move to higher ground."}, "hours": 48}
        }))
        .unwrap()
    }

    #[test]
    fn cap_values_are_written_as_cap_spells_them() {
        assert_eq!(serde_json::to_value(Category::Cbrne).unwrap(), "CBRNE");
        assert_eq!(
            serde_json::to_value(ResponseType::AllClear).unwrap(),
            "AllClear"
        );
        assert_eq!(
            "AllClear".parse::<ResponseType>().unwrap(),
            ResponseType::AllClear
        );
        let e = "Severeish".parse::<Severity>().unwrap_err().to_string();
        assert_eq!(
            e,
            "unknown CAP severity 'Severeish': use one of Extreme, Severe, Moderate, Minor, Unknown"
        );
    }

    #[test]
    fn a_rule_says_what_to_fix() {
        assert_eq!(spec().check(), Ok(()));
        assert_eq!(spec().alert.scope, Scope::Public);
        let mut s = spec();
        s.condition.at_least = -1.0;
        assert_eq!(s.check(), Err(RuleError::Threshold(-1.0)));
        let mut s = spec();
        s.condition.measure = Measure::Share;
        assert_eq!(s.check(), Err(RuleError::Threshold(500.0)));
        let mut s = spec();
        s.alert.headline.remove("en");
        s.alert.headline.insert("fr".into(), "Alerte".into());
        assert_eq!(s.check(), Err(RuleError::NoEnglish("alert.headline")));
        let mut s = spec();
        s.alert.instruction.insert("de".into(), "Hoch".into());
        assert!(s.check().unwrap_err().to_string().contains("'de'"));
        let mut s = spec();
        s.condition.classes.clear();
        assert_eq!(s.check(), Err(RuleError::NoClasses));
        let mut s = spec();
        s.condition.level = AdminLevel::Country;
        assert_eq!(s.check(), Err(RuleError::Country));
        let mut s = spec();
        s.alert.hours = 0;
        assert_eq!(s.check(), Err(RuleError::Hours(0)));
    }
}

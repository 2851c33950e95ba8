//! Early warning: writing alert rules (checked against the layers they name), evaluating
//! them — on demand, and by themselves when a new version of a layer they count commits
//! — and storing the draft alert each firing makes, once per rule version and input
//! versions however many times or servers evaluate it.

use crate::engine::exposure::{self, ExposureError};
use crate::engine::rules::{self, EvaluationError, Sender};
use crate::engine::{Engine, boundary_of};
use crate::model::alert::{
    Alert, AlertState, LifecycleError, MsgType, Rule, RuleError, RuleId, RuleSpec,
};
use crate::model::{LayerId, LayerKind};
use crate::store::{DraftKey, Store, StoreError};

/// Why a rule could not be written or evaluated.
#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    /// The rule as written does not hold.
    #[error(transparent)]
    Rule(#[from] RuleError),
    /// A layer it names is not there or of another kind.
    #[error(transparent)]
    Layer(#[from] ExposureError),
    /// It cannot be evaluated.
    #[error(transparent)]
    Evaluation(#[from] EvaluationError),
    /// No boundary layer of the rule's level.
    #[error(
        "no boundary layer of level '{0}' is loaded: an alert outlines its units with it (load one with theme {0}, or choose another level)"
    )]
    NoBoundary(crate::model::AdminLevel),
    /// No such rule.
    #[error("alert rule '{0}' does not exist: GET /api/alert-rules lists the rules")]
    UnknownRule(RuleId),
    /// No such alert.
    #[error("there is no alert {0}: GET /api/alerts lists them")]
    UnknownAlert(i64),
    /// A step of its life the alert is not at.
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What evaluating a rule did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Evaluated {
    /// The rule version evaluated.
    pub rule: RuleId,
    /// Its version.
    pub version: i32,
    /// The draft it made (or had made before from the same versions): an alert when a
    /// unit meets its condition, an update of its alert in force, or the cancellation of
    /// that alert when no unit meets its condition any more.
    pub alert: Option<Alert>,
    /// Whether that draft is new.
    pub drafted: bool,
}

/// Checks `spec` and that the layers it names are loaded, of the right kinds, and that
/// its level has a boundary layer to outline units with.
///
/// # Errors
/// An [`AlertError`] saying what to fix.
pub fn check(engine: &Engine, spec: &RuleSpec) -> Result<(), AlertError> {
    spec.check()?;
    let all = engine.snapshots();
    let c = &spec.condition;
    exposure::layer_of_kind(
        &all,
        c.hazard.as_str(),
        LayerKind::Hazard,
        "condition.hazard",
    )?;
    exposure::layer_of_kind(
        &all,
        c.exposure.as_str(),
        LayerKind::Exposure,
        "condition.exposure",
    )?;
    if boundary_of(&all, c.level).is_none() {
        return Err(AlertError::NoBoundary(c.level));
    }
    Ok(())
}

/// Writes rule `id` (a new one, or the next version), after [`check`].
///
/// # Errors
/// An [`AlertError`] saying what to fix, or the store's.
pub fn write_rule(
    engine: &Engine,
    store: &Store,
    id: &RuleId,
    spec: &RuleSpec,
    by: &str,
) -> Result<Rule, AlertError> {
    check(engine, spec)?;
    Ok(store.write_rule(id, spec, by)?)
}

/// Evaluates `rule` on the current versions of its layers and stores the draft it makes.
///
/// # Errors
/// When the rule cannot be evaluated or the store fails.
pub fn evaluate(
    engine: &Engine,
    store: &Store,
    rule: &Rule,
    sender: &Sender,
) -> Result<Evaluated, AlertError> {
    // What this rule version drafted from the current versions already is the answer:
    // nothing to count again (a server starting, a second server, a rerun demo).
    let current = |id: &LayerId| engine.layer(id).map(|s| s.version);
    let c = &rule.spec.condition;
    if let (Some(hv), Some(ev)) = (current(&c.hazard), current(&c.exposure)) {
        let key = DraftKey {
            rule: &rule.id,
            version: rule.version,
            hazard: (c.hazard.as_str(), hv),
            exposure: (c.exposure.as_str(), ev),
        };
        if let Some(found) = store.drafted(key)? {
            return Ok(Evaluated {
                rule: rule.id.clone(),
                version: rule.version,
                alert: Some(found),
                drafted: false,
            });
        }
    }
    let found = rules::evaluate(engine, store, rule, sender)?;
    let by_rule = format!("rule:{}", rule.id);
    let draft = match (found.alert, in_force(store, &rule.id)?) {
        // While an alert of this rule is in force, what it drafts updates it...
        (Some(alert), Some(current)) => Some(current.successor(
            MsgType::Update,
            alert.clone(),
            &alert.drafted_by,
            alert.drafted_at,
        )?),
        (Some(alert), None) => Some(alert),
        // ...and when it no longer fires, it drafts the alert's cancellation, counted
        // from the versions that no longer meet it (its author the rule's writer).
        (None, Some(current)) => {
            let mut cancel = current.successor(
                MsgType::Cancel,
                current.clone(),
                &by_rule,
                chrono::Utc::now(),
            )?;
            cancel.rule = Some((rule.id.clone(), rule.version));
            cancel.hazard = found.hazard;
            cancel.exposure = found.exposure;
            cancel.author.clone_from(&rule.written_by);
            Some(cancel)
        }
        (None, None) => None,
    };
    let drafted = match draft {
        Some(alert) => {
            let (alert, new) =
                store.draft_alert(&rule.id, rule.version, alert, |n| sender.identifier(n))?;
            (Some(alert), new)
        }
        None => (None, false),
    };
    Ok(Evaluated {
        rule: rule.id.clone(),
        version: rule.version,
        alert: drafted.0,
        drafted: drafted.1,
    })
}

/// Evaluates rule `id` on demand.
///
/// # Errors
/// When there is no such rule, it cannot be evaluated or the store fails.
pub fn evaluate_by_id(
    engine: &Engine,
    store: &Store,
    id: &RuleId,
    sender: &Sender,
) -> Result<Evaluated, AlertError> {
    let rule = store
        .rule(id)?
        .ok_or_else(|| AlertError::UnknownRule(id.clone()))?;
    evaluate(engine, store, &rule, sender)
}

/// Evaluates every enabled rule that counts one of the `changed` layers (all enabled
/// rules when `changed` is `None`, as at start), logging what each did; a rule that
/// cannot be evaluated is logged and the others go on.
pub fn evaluate_changed(
    engine: &Engine,
    store: &Store,
    changed: Option<&[LayerId]>,
    sender: &Sender,
) -> Vec<Evaluated> {
    let rules = match store.rules() {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "alert rules could not be read; not evaluated");
            return Vec::new();
        }
    };
    let concerned = |r: &Rule| {
        let c = &r.spec.condition;
        changed.is_none_or(|ids| ids.contains(&c.hazard) || ids.contains(&c.exposure))
    };
    let mut out = Vec::new();
    for rule in rules.iter().filter(|r| r.spec.enabled && concerned(r)) {
        match evaluate(engine, store, rule, sender) {
            Ok(e) => {
                if let Some(a) = e.alert.as_ref().filter(|_| e.drafted) {
                    tracing::info!(rule = %rule.id, alert = %a.identifier, areas = a.areas.len(), "alert drafted");
                }
                out.push(e);
            }
            Err(e) => tracing::warn!(rule = %rule.id, error = %e, "alert rule not evaluated"),
        }
    }
    out
}

/// The newest alert drafted by rule `id` that is in force now.
fn in_force(store: &Store, id: &RuleId) -> Result<Option<Alert>, AlertError> {
    let now = chrono::Utc::now();
    Ok(store
        .alerts_of_rule(id, &[AlertState::Issued], 100)?
        .into_iter()
        .find(|a| a.in_force(now)))
}

/// A step of an alert's life an editor asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Approve a draft (a second editor).
    Approve,
    /// Send an approved alert.
    Issue,
    /// Set a draft aside.
    Reject,
}

/// Takes alert `id` one `step` on, as editor `by`.
///
/// # Errors
/// When there is no such alert, the step is not its next, `by` may not take it, or the
/// store fails.
pub fn step(
    store: &Store,
    id: i64,
    step: Step,
    by: &str,
    sender: &Sender,
) -> Result<Alert, AlertError> {
    let now = chrono::Utc::now();
    let action = match step {
        Step::Approve => "alert.approve",
        Step::Issue => "alert.issue",
        Step::Reject => "alert.reject",
    };
    store
        .change_alert(id, by, action, |a: Alert| -> Result<Alert, AlertError> {
            Ok(match step {
                Step::Approve => a.approve(by)?,
                Step::Issue => a.issue(now, sender.status)?,
                Step::Reject => a.reject()?,
            })
        })?
        .ok_or(AlertError::UnknownAlert(id))?
}

/// Drafts the cancellation of issued alert `id`, asked for by editor `by`: a new alert
/// (msgType Cancel, referencing it) that a second editor approves and issues, which then
/// supersedes it.
///
/// # Errors
/// When there is no such alert, it is not issued, or the store fails.
pub fn cancel(store: &Store, id: i64, by: &str, sender: &Sender) -> Result<Alert, AlertError> {
    let current = store.alert(id)?.ok_or(AlertError::UnknownAlert(id))?;
    if let Some(other) = current.superseded_by {
        return Err(LifecycleError::Superseded { id, by: other }.into());
    }
    let cancel = current.successor(MsgType::Cancel, current.clone(), by, chrono::Utc::now())?;
    Ok(store.add_alert(cancel, |n| sender.identifier(n))?)
}

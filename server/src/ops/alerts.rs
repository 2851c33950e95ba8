//! Early warning: writing alert rules (checked against the layers they name), evaluating
//! them — on demand, and by themselves when a new version of a layer they count commits
//! — and storing the draft alert each firing makes, once per rule version and input
//! versions however many times or servers evaluate it.

use crate::engine::exposure::{self, ExposureError};
use crate::engine::rules::{self, EvaluationError, Sender};
use crate::engine::{Engine, boundary_of};
use crate::model::alert::{Alert, Rule, RuleError, RuleId, RuleSpec};
use crate::model::{LayerId, LayerKind};
use crate::store::{Store, StoreError};

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
    /// The draft it made (or had made before from the same versions), if any unit met
    /// its condition.
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
    let drafted = match rules::evaluate(engine, store, rule, sender)? {
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

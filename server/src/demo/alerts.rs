//! The demo's alert rules (`data/demo-alert-rules.json`, compiled in): written when
//! missing or changed and evaluated, so that the demo holds the draft alerts the
//! synthetic flood forecast makes. Running it again writes and drafts nothing.

use anyhow::Context as _;

use crate::engine::Engine;
use crate::model::alert::{RuleId, RuleSpec};
use crate::store::Store;

/// The rules, by id.
const RULES: &str = include_str!("../../../data/demo-alert-rules.json");

/// A demo rule, whether this run wrote it, and the draft it made.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoRule {
    /// The rule.
    pub rule: String,
    /// Its current version.
    pub version: i32,
    /// Whether this run wrote that version.
    pub written: bool,
    /// The draft alert it made from the demo's layers (its number and areas), if it fired.
    pub alert: Option<(i64, usize)>,
    /// Whether this run drafted it.
    pub drafted: bool,
}

/// The demo's rules, by id (keys starting with `_` are comments).
///
/// # Errors
/// When the compiled-in file does not parse (a bug).
pub fn rules() -> anyhow::Result<Vec<(RuleId, RuleSpec)>> {
    let all: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(RULES).context("data/demo-alert-rules.json")?;
    all.into_iter()
        .filter(|(k, _)| !k.starts_with('_'))
        .map(|(k, v)| {
            let spec = serde_json::from_value(v)
                .with_context(|| format!("data/demo-alert-rules.json: rule {k}"))?;
            Ok((k.parse()?, spec))
        })
        .collect()
}

/// Writes each demo rule whose current version differs from it (checked against the
/// layers loaded) and evaluates it, as `by`.
///
/// # Errors
/// When a rule does not hold against the demo's layers, or the store fails.
pub fn write(store: &Store, by: &str) -> anyhow::Result<Vec<DemoRule>> {
    // The layers are read only when a rule is written or has not counted the current
    // versions yet (a rerun reads none).
    let mut engine: Option<Engine> = None;
    let current: std::collections::HashMap<String, i32> = store
        .layers()?
        .into_iter()
        .map(|l| (l.meta.id.to_string(), l.current_version))
        .collect();
    let sender = crate::engine::rules::Sender::default();
    let mut out = Vec::new();
    for (id, spec) in rules()? {
        let unchanged = store.rule(&id)?.filter(|r| r.spec == spec);
        let c = &spec.condition;
        let counted = match (
            &unchanged,
            current.get(c.hazard.as_str()),
            current.get(c.exposure.as_str()),
        ) {
            (Some(r), Some(hv), Some(ev)) => store.drafted(crate::store::DraftKey {
                rule: &id,
                version: r.version,
                hazard: (c.hazard.as_str(), *hv),
                exposure: (c.exposure.as_str(), *ev),
            })?,
            _ => None,
        };
        if let (Some(r), Some(a)) = (&unchanged, &counted) {
            out.push(DemoRule {
                rule: id.to_string(),
                version: r.version,
                written: false,
                alert: Some((a.id, a.areas.len())),
                drafted: false,
            });
            continue;
        }
        let engine = match &mut engine {
            Some(e) => e,
            None => engine.insert(Engine::load(store)?),
        };
        let (rule, written) = match unchanged {
            Some(r) => (r, false),
            None => (
                crate::ops::alerts::write_rule(engine, store, &id, &spec, by)
                    .with_context(|| format!("demo alert rule {id}"))?,
                true,
            ),
        };
        let done = crate::ops::alerts::evaluate(engine, store, &rule, &sender)
            .with_context(|| format!("evaluating demo alert rule {id}"))?;
        out.push(DemoRule {
            rule: id.to_string(),
            version: rule.version,
            written,
            alert: done.alert.map(|a| (a.id, a.areas.len())),
            drafted: done.drafted,
        });
    }
    Ok(out)
}

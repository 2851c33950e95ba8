//! The audit log: who did what to what, and when.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One entry of the audit log: who did what to what, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Token name, `cli:<user>`, or `anonymous`.
    pub actor: String,
    /// `layer.load`, `layer.rollback`, `layer.delete`, `token.create`, `token.revoke`,
    /// `restricted.read`.
    pub action: String,
    /// The layer or token acted on.
    pub target: String,
    /// Anything else worth keeping (version, feature count, what was read).
    pub detail: serde_json::Value,
}

impl AuditEntry {
    /// An entry for something `actor` did just now.
    #[must_use]
    pub fn now(actor: &str, action: &str, target: &str, detail: serde_json::Value) -> Self {
        Self {
            at: Utc::now(),
            actor: actor.to_owned(),
            action: action.to_owned(),
            target: target.to_owned(),
            detail,
        }
    }
}

/// Which audit entries to read (newest first).
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only this actor.
    pub actor: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// Only this target.
    pub target: Option<String>,
    /// Only from then on.
    pub since: Option<DateTime<Utc>>,
    /// At most this many.
    pub limit: i64,
}

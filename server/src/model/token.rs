//! API tokens and their roles.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::macros::string_enum;

string_enum! {
    /// What a token may do; each role may do everything the ones before it may.
    Role, "role" {
        /// Reads public layers, tiles, features and exposure (aggregates of restricted
        /// layers only).
        Viewer => "viewer",
        /// Also sees restricted layers in detail (protection-sensitive locations).
        Analyst => "analyst",
        /// Also loads, rolls back and deletes layers.
        Editor => "editor",
        /// Also manages tokens and reads the audit log.
        Admin => "admin",
    }
}

/// An API token as stored (its secret only as a hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    /// Unique name, e.g. the person or system using it.
    pub name: String,
    /// SHA-256 of the secret, hex.
    #[serde(skip)]
    pub token_sha256: String,
    /// What it may do.
    pub role: Role,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    /// Whether the token may be used at `now`.
    #[must_use]
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

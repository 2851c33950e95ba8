//! API tokens: random secrets shown once, stored only as SHA-256 hashes.

use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::layer::string_enum;
use crate::store::{ApiToken, Store, StoreError};

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

/// Prefix that makes our tokens recognisable in logs and secret scanners.
const PREFIX: &str = "sitroom_";

/// Why a request's credentials were refused.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No `Authorization` header.
    #[error(
        "this request needs a token: send 'Authorization: Bearer <token>' (create one with `sitroom token create NAME`)"
    )]
    Missing,
    /// Not a bearer token.
    #[error("the Authorization header must be 'Bearer <token>'")]
    Malformed,
    /// Unknown, revoked or expired.
    #[error(
        "the token is not valid (unknown, revoked or expired): ask an administrator for a new one"
    )]
    Invalid,
    /// Valid, but its role is not enough.
    #[error(
        "this needs a token with the {need} role; yours ({name}) is {have}: ask an administrator"
    )]
    Forbidden {
        /// The token's name.
        name: String,
        /// Its role.
        have: Role,
        /// The role needed.
        need: Role,
    },
    /// The token store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// SHA-256 of a secret, hex.
#[must_use]
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Creates a token named `name`; returns the secret (shown once) and the stored record.
///
/// # Errors
/// When the name is taken or the store fails.
pub fn create_token(
    store: &dyn Store,
    name: &str,
    role: Role,
    expires_at: Option<DateTime<Utc>>,
) -> Result<(String, ApiToken), StoreError> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!("{PREFIX}{}", hex::encode(bytes));
    let token = ApiToken {
        name: name.to_owned(),
        token_sha256: hash_secret(&secret),
        role,
        created_at: Utc::now(),
        expires_at,
        revoked_at: None,
    };
    store.add_token(&token)?;
    Ok((secret, token))
}

/// Checks an `Authorization` header value against the stored tokens, and that the
/// token's role is at least `need`.
///
/// # Errors
/// An [`AuthError`] saying what is wrong.
pub fn verify_role(
    store: &dyn Store,
    header: Option<&str>,
    need: Role,
) -> Result<ApiToken, AuthError> {
    let token = verify(store, header)?;
    if token.role < need {
        return Err(AuthError::Forbidden {
            name: token.name,
            have: token.role,
            need,
        });
    }
    Ok(token)
}

/// Checks an `Authorization` header value against the stored tokens.
///
/// # Errors
/// An [`AuthError`] saying what is wrong.
pub fn verify(store: &dyn Store, header: Option<&str>) -> Result<ApiToken, AuthError> {
    let value = header.ok_or(AuthError::Missing)?;
    let secret = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or(AuthError::Malformed)?;
    match store.token_by_hash(&hash_secret(secret))? {
        Some(t) if t.is_usable(Utc::now()) => Ok(t),
        _ => Err(AuthError::Invalid),
    }
}

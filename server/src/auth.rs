//! API tokens: random secrets shown once, stored only as SHA-256 hashes.

use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::model::{ApiToken, Role};
use crate::store::{Store, StoreError};

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

/// Actor names the audit log uses for callers that are not tokens: a token may not take
/// them (nor begin with `cli:`), or its entries could pass for theirs.
const RESERVED_NAMES: &[&str] = &["anonymous", "cli", "demo", "system", "sitroom"];

/// Checks a new token's name: a letter or digit, then up to 99 letters, digits, spaces
/// or `. _ : @ -` (who or what uses it: a person, a team, a system), and none of the
/// names the audit log keeps for itself.
///
/// # Errors
/// A [`NewTokenError`] saying what a name may hold.
pub fn check_token_name(name: &str) -> Result<(), NewTokenError> {
    let folded = name.to_ascii_lowercase();
    let shown = || name.chars().take(120).collect();
    if RESERVED_NAMES.contains(&folded.as_str()) || folded.starts_with("cli:") {
        return Err(NewTokenError::Reserved(shown()));
    }
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.len() <= 100
        && !name.ends_with(' ')
        && chars.all(|c| c.is_ascii_alphanumeric() || " ._:@-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(NewTokenError::Invalid(shown()))
    }
}

/// Why a token cannot be made as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NewTokenError {
    /// One the audit log keeps for itself.
    #[error(
        "token name '{0}' is reserved for the audit log's own actors (anonymous, cli, cli:<user>, demo, system, sitroom): choose another, e.g. the person or team using it"
    )]
    Reserved(String),
    /// Characters or a length a name may not have.
    #[error(
        "token name '{0}' is not allowed: use 1 to 100 letters, digits, spaces or . _ : @ -, starting with a letter or digit and not ending with a space (who or what uses it, e.g. 'field-team')"
    )]
    Invalid(String),
    /// A lifetime out of range.
    #[error(
        "expires_days {0} is out of range: give 1 to {MAX_EXPIRES_DAYS} days, or none for a token that does not expire"
    )]
    Expiry(u32),
}

/// Longest a token may be made to last, in days (ten years).
pub const MAX_EXPIRES_DAYS: u32 = 3650;

/// When a token made now for `days` days expires.
///
/// # Errors
/// [`NewTokenError::Expiry`] when `days` is not from 1 to [`MAX_EXPIRES_DAYS`].
pub fn expiry_in(days: u32) -> Result<DateTime<Utc>, NewTokenError> {
    if !(1..=MAX_EXPIRES_DAYS).contains(&days) {
        return Err(NewTokenError::Expiry(days));
    }
    Ok(Utc::now() + chrono::Duration::days(i64::from(days)))
}

/// SHA-256 of a secret, hex.
#[must_use]
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Creates a token named `name` on behalf of `by` (audited); returns the secret (shown
/// once) and the stored record.
///
/// # Errors
/// When the name is taken or the store fails.
pub fn create_token(
    store: &Store,
    name: &str,
    role: Role,
    expires_at: Option<DateTime<Utc>>,
    by: &str,
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
    store.add_token(&token, by)?;
    Ok((secret, token))
}

/// `token` if its role is at least `need`.
///
/// # Errors
/// [`AuthError::Forbidden`] naming the role needed.
pub fn require(token: ApiToken, need: Role) -> Result<ApiToken, AuthError> {
    if token.role < need {
        return Err(AuthError::Forbidden {
            name: token.name,
            have: token.role,
            need,
        });
    }
    Ok(token)
}

/// The secret of an `Authorization: Bearer …` header value.
fn bearer(header: Option<&str>) -> Result<&str, AuthError> {
    let value = header.ok_or(AuthError::Missing)?;
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or(AuthError::Malformed)
}

/// Checks an `Authorization` header value against the stored tokens.
///
/// # Errors
/// An [`AuthError`] saying what is wrong.
pub fn verify(store: &Store, header: Option<&str>) -> Result<ApiToken, AuthError> {
    lookup(store, &hash_secret(bearer(header)?))
}

/// The usable token whose secret hashes to `hash`.
fn lookup(store: &Store, hash: &str) -> Result<ApiToken, AuthError> {
    match store.token_by_hash(hash)? {
        Some(t) if t.is_usable(Utc::now()) => Ok(t),
        _ => Err(AuthError::Invalid),
    }
}

/// How long a verified token is trusted before the store is asked again: a revocation
/// made elsewhere (the CLI, another replica) takes effect within this time.
pub const TOKEN_FRESH_FOR: std::time::Duration = std::time::Duration::from_secs(10);

/// Tokens verified lately, by secret hash. Spares the store a query on every tile, and
/// keeps known tokens working while the store is unavailable: no token can be revoked
/// then either, since revoking is a write to the store. Expiry is checked every time.
#[derive(Debug, Default)]
pub struct TokenCache {
    map: std::sync::Mutex<std::collections::HashMap<String, (ApiToken, std::time::Instant)>>,
}

impl TokenCache {
    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, (ApiToken, std::time::Instant)>>
    {
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// [`verify`], through the cache.
    ///
    /// # Errors
    /// An [`AuthError`] saying what is wrong.
    pub fn verify(&self, store: &Store, header: Option<&str>) -> Result<ApiToken, AuthError> {
        let hash = hash_secret(bearer(header)?);
        let now = Utc::now();
        let cached = self.lock().get(&hash).cloned();
        if let Some((t, at)) = &cached
            && at.elapsed() < TOKEN_FRESH_FOR
        {
            return if t.is_usable(now) {
                Ok(t.clone())
            } else {
                Err(AuthError::Invalid)
            };
        }
        match lookup(store, &hash) {
            Ok(t) => {
                let mut map = self.lock();
                if map.len() > 10_000 {
                    map.retain(|_, (_, at)| at.elapsed() < TOKEN_FRESH_FOR);
                }
                map.insert(hash, (t.clone(), std::time::Instant::now()));
                Ok(t)
            }
            Err(AuthError::Invalid) => {
                self.lock().remove(&hash);
                Err(AuthError::Invalid)
            }
            Err(AuthError::Store(StoreError::Unavailable(why))) => match cached {
                Some((t, _)) if t.is_usable(now) => Ok(t),
                _ => Err(StoreError::Unavailable(why).into()),
            },
            Err(e) => Err(e),
        }
    }

    /// The token of an `Authorization` header value if this cache verified it within
    /// the last [`TOKEN_FRESH_FOR`] and it is still usable; never asks the store.
    #[must_use]
    pub fn known(&self, header: &str) -> Option<ApiToken> {
        let hash = hash_secret(bearer(Some(header)).ok()?);
        let (t, at) = self.lock().get(&hash).cloned()?;
        (at.elapsed() < TOKEN_FRESH_FOR && t.is_usable(Utc::now())).then_some(t)
    }

    /// Forgets the token named `name` (revoked through this server: at once).
    pub fn forget(&self, name: &str) {
        self.lock().retain(|_, (t, _)| t.name != name);
    }
}

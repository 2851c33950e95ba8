//! API tokens: stored as hashes, created and revoked with an audit entry each.

use chrono::Utc;
use diesel::prelude::*;
use serde_json::json;

use super::audit::append;
use super::connection::write;
use super::schema::api_tokens;
use super::types::Time;
use super::{Store, StoreError, StoreResult};
use crate::model::{ApiToken, AuditEntry, UnknownValue};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = api_tokens)]
struct TokenRow {
    name: String,
    token_sha256: String,
    created_at: Time,
    expires_at: Option<Time>,
    revoked_at: Option<Time>,
    role: String,
}

impl TokenRow {
    fn into_token(self) -> StoreResult<ApiToken> {
        Ok(ApiToken {
            role: self
                .role
                .parse()
                .map_err(|e: UnknownValue| StoreError::Corrupt {
                    what: format!("token {}", self.name),
                    source: e.into(),
                })?,
            name: self.name,
            token_sha256: self.token_sha256,
            created_at: self.created_at.0,
            expires_at: self.expires_at.map(|t| t.0),
            revoked_at: self.revoked_at.map(|t| t.0),
        })
    }
}

impl Store {
    /// Adds a token (its hash), audited as `token.create` by `by`.
    ///
    /// # Errors
    /// When the name is taken or the database fails.
    pub fn add_token(&self, token: &ApiToken, by: &str) -> StoreResult<()> {
        let mut conn = self.conn()?;
        write(&mut conn, |c| {
            diesel::insert_into(api_tokens::table)
                .values(&TokenRow {
                    name: token.name.clone(),
                    token_sha256: token.token_sha256.clone(),
                    created_at: Time(token.created_at),
                    expires_at: token.expires_at.map(Time),
                    revoked_at: token.revoked_at.map(Time),
                    role: token.role.as_str().to_owned(),
                })
                .execute(c)?;
            append(
                c,
                &AuditEntry::now(
                    by,
                    "token.create",
                    &token.name,
                    json!({"role": token.role, "expires_at": token.expires_at}),
                ),
            )
        })
    }

    /// The token whose secret hashes to `sha256`, if any.
    ///
    /// # Errors
    /// When the database fails.
    pub fn token_by_hash(&self, sha256: &str) -> StoreResult<Option<ApiToken>> {
        api_tokens::table
            .filter(api_tokens::token_sha256.eq(sha256))
            .select(TokenRow::as_select())
            .first(&mut *self.conn()?)
            .optional()?
            .map(TokenRow::into_token)
            .transpose()
    }

    /// Every token (without secrets), by name.
    ///
    /// # Errors
    /// When the database fails.
    pub fn tokens(&self) -> StoreResult<Vec<ApiToken>> {
        api_tokens::table
            .order(api_tokens::name)
            .select(TokenRow::as_select())
            .load(&mut *self.conn()?)?
            .into_iter()
            .map(TokenRow::into_token)
            .collect()
    }

    /// Revokes a token by name, audited as `token.revoke` by `by`. Returns whether a
    /// usable token was revoked.
    ///
    /// # Errors
    /// When the database fails.
    pub fn revoke_token(&self, name: &str, by: &str) -> StoreResult<bool> {
        let mut conn = self.conn()?;
        write(&mut conn, |c| {
            let revoked = diesel::update(
                api_tokens::table
                    .filter(api_tokens::name.eq(name))
                    .filter(api_tokens::revoked_at.is_null()),
            )
            .set(api_tokens::revoked_at.eq(Time(Utc::now())))
            .execute(c)?
                > 0;
            if revoked {
                append(c, &AuditEntry::now(by, "token.revoke", name, json!({})))?;
            }
            Ok(revoked)
        })
    }
}

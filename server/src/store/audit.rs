//! The audit log: appended to by every write in its own transaction, read by admins.

use diesel::prelude::*;

use super::connection::Conn;
use super::schema::audit_log;
use super::types::{Json, Time};
use super::{Store, StoreResult};
use crate::model::{AuditEntry, AuditQuery};

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
struct AuditRow {
    at: Time,
    actor: String,
    action: String,
    target: String,
    detail: Json,
}

/// Appends `entry` on `conn` (inside the caller's transaction, if any).
///
/// # Errors
/// When the database fails.
pub(super) fn append(conn: &mut Conn, entry: &AuditEntry) -> StoreResult<()> {
    diesel::insert_into(audit_log::table)
        .values(&AuditRow {
            at: Time(entry.at),
            actor: entry.actor.clone(),
            action: entry.action.clone(),
            target: entry.target.clone(),
            detail: Json(entry.detail.clone()),
        })
        .execute(conn)?;
    Ok(())
}

impl Store {
    /// Appends an entry to the audit log (for what is not a write of the store itself:
    /// reads of restricted detail).
    ///
    /// # Errors
    /// When the database fails.
    pub fn record(&self, entry: &AuditEntry) -> StoreResult<()> {
        append(&mut *self.conn()?, entry)
    }

    /// Audit entries matching `query`, newest first.
    ///
    /// # Errors
    /// When the database fails.
    pub fn audit_log(&self, q: &AuditQuery) -> StoreResult<Vec<AuditEntry>> {
        let mut conn = self.conn()?;
        let mut query = audit_log::table.into_boxed();
        if let Some(a) = &q.actor {
            query = query.filter(audit_log::actor.eq(a));
        }
        if let Some(a) = &q.action {
            query = query.filter(audit_log::action.eq(a));
        }
        if let Some(t) = &q.target {
            query = query.filter(audit_log::target.eq(t));
        }
        if let Some(since) = q.since {
            query = query.filter(audit_log::at.ge(Time(since)));
        }
        Ok(query
            .order(audit_log::id.desc())
            .limit(q.limit)
            .select(AuditRow::as_select())
            .load(&mut *conn)?
            .into_iter()
            .map(|r| AuditEntry {
                at: r.at.0,
                actor: r.actor,
                action: r.action,
                target: r.target,
                detail: r.detail.0,
            })
            .collect())
    }
}

//! Subscribers, each written with its audit entry in one transaction; their signing
//! secrets are kept apart from what they say, and never audited.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::audit::append;
use super::connection::{Conn, write};
use super::schema::subscribers;
use super::types::{Json, Time};
use super::{Store, StoreError, StoreResult};
use crate::model::AuditEntry;
use crate::model::subscriber::{Secret, Subscriber, SubscriberId, SubscriberSpec};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = subscribers)]
struct SubscriberRow {
    id: String,
    version: i32,
    spec: Json,
    secrets: Json,
    written_by: String,
    written_at: Time,
}

fn corrupt(id: &str, e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Corrupt {
        what: format!("subscriber {id}"),
        source: Box::new(e),
    }
}

impl SubscriberRow {
    fn of(s: &Subscriber) -> StoreResult<Self> {
        let id = s.id.as_str();
        Ok(Self {
            id: id.to_owned(),
            version: s.version,
            spec: Json(serde_json::to_value(&s.spec).map_err(|e| corrupt(id, e))?),
            secrets: Json(serde_json::to_value(&s.secrets).map_err(|e| corrupt(id, e))?),
            written_by: s.written_by.clone(),
            written_at: Time(s.written_at),
        })
    }

    fn into_subscriber(self) -> StoreResult<Subscriber> {
        let id = self.id.clone();
        Ok(Subscriber {
            id: self.id.parse().map_err(|e| corrupt(&id, e))?,
            version: self.version,
            spec: serde_json::from_value(self.spec.0).map_err(|e| corrupt(&id, e))?,
            secrets: serde_json::from_value(self.secrets.0).map_err(|e| corrupt(&id, e))?,
            written_by: self.written_by,
            written_at: self.written_at.0,
        })
    }
}

pub(super) fn load_subscriber(c: &mut Conn, id: &str) -> StoreResult<Option<Subscriber>> {
    subscribers::table
        .find(id)
        .select(SubscriberRow::as_select())
        .first(c)
        .optional()?
        .map(SubscriberRow::into_subscriber)
        .transpose()
}

pub(super) fn all_subscribers(c: &mut Conn) -> StoreResult<Vec<Subscriber>> {
    subscribers::table
        .order(subscribers::id)
        .select(SubscriberRow::as_select())
        .load(c)?
        .into_iter()
        .map(SubscriberRow::into_subscriber)
        .collect()
}

/// The subscribers of `ids` that exist.
pub(super) fn some_subscribers(c: &mut Conn, ids: &[String]) -> StoreResult<Vec<Subscriber>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<SubscriberRow> = subscribers::table
            .filter(subscribers::id.eq_any(chunk))
            .select(SubscriberRow::as_select())
            .load(c)?;
        for row in rows {
            out.push(row.into_subscriber()?);
        }
    }
    Ok(out)
}

fn save(c: &mut Conn, s: &Subscriber, by: &str, action: &str) -> StoreResult<()> {
    let row = SubscriberRow::of(s)?;
    if s.version == 1 {
        diesel::insert_into(subscribers::table)
            .values(&row)
            .execute(c)?;
    } else {
        diesel::update(subscribers::table.find(s.id.as_str()))
            .set(&row)
            .execute(c)?;
    }
    // What the subscriber says is audited; its secrets are not.
    append(
        c,
        &AuditEntry::now(
            by,
            action,
            s.id.as_str(),
            json!({"version": s.version, "spec": s.spec, "secrets": s.secrets.len()}),
        ),
    )
}

impl Store {
    /// Writes subscriber `id`: version 1 of a new one, signing with `secret`, or the next
    /// version of an existing one with its secrets kept. Audited as `subscriber.write`.
    ///
    /// # Errors
    /// When the database fails.
    pub fn write_subscriber(
        &self,
        id: &SubscriberId,
        spec: &SubscriberSpec,
        by: &str,
        secret: Secret,
    ) -> StoreResult<Subscriber> {
        let mut conn = self.conn()?;
        write(&mut conn, |c| {
            let before = load_subscriber(c, id.as_str())?;
            let s = Subscriber {
                id: id.clone(),
                version: before.as_ref().map_or(1, |b| b.version + 1),
                spec: spec.clone(),
                secrets: before.map_or_else(|| vec![secret], |b| b.secrets),
                written_by: by.to_owned(),
                written_at: Utc::now(),
            };
            save(c, &s, by, "subscriber.write")?;
            Ok(s)
        })
    }

    /// Gives subscriber `id` the new signing secret `secret`; its other secrets keep
    /// signing until `old_until` at the latest, and those expired are dropped. Audited
    /// as `subscriber.rotate`. `None` when there is no such subscriber.
    ///
    /// # Errors
    /// When the database fails.
    pub fn rotate_secret(
        &self,
        id: &SubscriberId,
        secret: Secret,
        old_until: DateTime<Utc>,
        by: &str,
    ) -> StoreResult<Option<Subscriber>> {
        let mut conn = self.conn()?;
        write(&mut conn, |c| {
            let Some(mut s) = load_subscriber(c, id.as_str())? else {
                return Ok(None);
            };
            let now = secret.created_at;
            let mut kept: Vec<Secret> = s
                .secrets
                .into_iter()
                .filter(|k| k.signs(now))
                .map(|mut k| {
                    k.expires_at = Some(k.expires_at.map_or(old_until, |e| e.min(old_until)));
                    k
                })
                .collect();
            kept.insert(0, secret);
            s.secrets = kept;
            s.version += 1;
            s.written_by = by.to_owned();
            s.written_at = now;
            save(c, &s, by, "subscriber.rotate")?;
            Ok(Some(s))
        })
    }

    /// Every subscriber, by id.
    ///
    /// # Errors
    /// When the database fails or a stored subscriber does not parse.
    pub fn subscribers(&self) -> StoreResult<Vec<Subscriber>> {
        all_subscribers(&mut *self.conn()?)
    }

    /// Subscriber `id`, if there is one.
    ///
    /// # Errors
    /// When the database fails.
    pub fn subscriber(&self, id: &SubscriberId) -> StoreResult<Option<Subscriber>> {
        load_subscriber(&mut *self.conn()?, id.as_str())
    }
}

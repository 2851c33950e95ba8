//! The outbox: the deliveries an issued alert owes (written in the transaction that
//! issues it, so an alert is never issued without them nor they written for an alert
//! not issued), claimed by a delivery worker for a lease — a worker killed mid-try
//! leaves them due again when the lease ends, so every delivery is made at least once,
//! always with the same message id — and every attempt recorded.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::audit::append;
use super::connection::{Conn, lock_layer, write};
use super::schema::{deliveries, delivery_attempts, layers};
use super::subscribers::{all_subscribers, some_subscribers};
use super::types::{Json, Time};
use super::{Store, StoreError, StoreResult};
use crate::model::AuditEntry;
use crate::model::alert::Alert;
use crate::model::subscriber::{
    Attempt, Channel, Delivery, DeliveryState, Subscriber, SubscriberId,
};

/// The lock every claim of deliveries takes (two servers never claim the same one).
const DELIVERIES_LOCK: &str = "sitroom:deliveries";

/// Ids per update (well inside both backends' limits on bound values).
const CHUNK: usize = 500;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = deliveries)]
struct DeliveryRow {
    id: i64,
    alert_id: i64,
    subscriber_id: String,
    channel: String,
    message_id: String,
    state: String,
    attempts: i32,
    tries: i32,
    next_attempt_at: Time,
    created_at: Time,
    delivered_at: Option<Time>,
    last_error: Option<String>,
}

fn corrupt(id: i64, e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Corrupt {
        what: format!("delivery {id}"),
        source: Box::new(e),
    }
}

impl DeliveryRow {
    fn into_delivery(self) -> StoreResult<Delivery> {
        let id = self.id;
        Ok(Delivery {
            id,
            alert: self.alert_id,
            subscriber: self.subscriber_id.parse().map_err(|e| corrupt(id, e))?,
            channel: self.channel.parse().map_err(|e| corrupt(id, e))?,
            message_id: self.message_id,
            state: self.state.parse().map_err(|e| corrupt(id, e))?,
            attempts: self.attempts,
            tries: self.tries,
            next_attempt_at: self.next_attempt_at.0,
            created_at: self.created_at.0,
            delivered_at: self.delivered_at.map(|t| t.0),
            last_error: self.last_error,
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = delivery_attempts)]
struct AttemptRow {
    delivery_id: i64,
    number: i32,
    at: Time,
    status: Option<i32>,
    latency_ms: f64,
    error: Option<String>,
}

impl AttemptRow {
    fn into_attempt(self) -> Attempt {
        Attempt {
            delivery: self.delivery_id,
            number: self.number,
            at: self.at.0,
            status: self.status,
            latency_ms: self.latency_ms,
            error: self.error,
        }
    }
}

/// The theme of layer `id` as it is now, if the layer is there.
fn theme_of(c: &mut Conn, id: &str) -> StoreResult<Option<String>> {
    let meta: Option<Json> = layers::table
        .find(id)
        .select(layers::meta)
        .first(c)
        .optional()?;
    Ok(meta.and_then(|m| m.0.get("theme")?.as_str().map(str::to_owned)))
}

/// Writes the deliveries issued `alert` owes: one per subscriber that wants it and
/// channel it has. Runs inside the transaction that issues the alert.
pub(super) fn write_outbox(c: &mut Conn, alert: &Alert) -> StoreResult<usize> {
    let theme = theme_of(c, alert.hazard.layer.as_str())?;
    let now = Time(alert.sent.unwrap_or_else(Utc::now));
    let last: Option<i64> = deliveries::table
        .select(diesel::dsl::max(deliveries::id))
        .first(c)?;
    let mut next = last.unwrap_or(0);
    let mut rows = Vec::new();
    for s in all_subscribers(c)? {
        if !s.spec.wants(alert, theme.as_deref()) {
            continue;
        }
        let channels = [
            (Channel::Webhook, s.spec.webhook.is_some()),
            (Channel::Email, s.spec.email.is_some()),
        ];
        for (channel, _) in channels.into_iter().filter(|(_, has)| *has) {
            next += 1;
            rows.push(DeliveryRow {
                id: next,
                alert_id: alert.id,
                subscriber_id: s.id.to_string(),
                channel: channel.as_str().to_owned(),
                message_id: Delivery::message_id(alert.id, &s.id, channel),
                state: DeliveryState::Pending.as_str().to_owned(),
                attempts: 0,
                tries: 0,
                next_attempt_at: now,
                created_at: now,
                delivered_at: None,
                last_error: None,
            });
        }
    }
    // One row at a time: diesel's multi-backend connection has no batch insert (a
    // thousand rows take milliseconds inside the one transaction).
    for row in &rows {
        diesel::insert_into(deliveries::table)
            .values(row)
            .execute(c)?;
    }
    Ok(rows.len())
}

/// What became of one try.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The try, as made (its `number` is set when it is recorded).
    pub attempt: Attempt,
    /// When to try again after a failure; `None` parks it.
    pub retry_at: Option<DateTime<Utc>>,
}

/// Which deliveries a list holds.
#[derive(Debug, Clone, Default)]
pub struct DeliveryQuery {
    /// Of this alert.
    pub alert: Option<i64>,
    /// To this subscriber.
    pub subscriber: Option<SubscriberId>,
    /// In this state.
    pub state: Option<DeliveryState>,
    /// At most this many, newest first.
    pub limit: i64,
}

/// How many of an alert's deliveries are where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryCounts {
    /// Still to be made.
    pub pending: i64,
    /// Acknowledged.
    pub delivered: i64,
    /// Given up until an admin retries.
    pub parked: i64,
}

fn load(c: &mut Conn, id: i64) -> StoreResult<Option<Delivery>> {
    deliveries::table
        .find(id)
        .select(DeliveryRow::as_select())
        .first(c)
        .optional()?
        .map(DeliveryRow::into_delivery)
        .transpose()
}

impl Store {
    /// Claims up to `limit` deliveries due at `now` for a try lasting at most `lease`,
    /// each with its subscriber as it is now (its address and secrets; `None` if it is
    /// gone): they are not due again (for this or another server) until the lease ends,
    /// when a try that never reported (a killed server) is made again.
    ///
    /// # Errors
    /// When the database fails.
    pub fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: i64,
    ) -> StoreResult<Vec<(Delivery, Option<Subscriber>)>> {
        let mut conn = self.conn()?;
        write(&mut conn, |c| {
            lock_layer(c, DELIVERIES_LOCK)?;
            let due: Vec<DeliveryRow> = deliveries::table
                .filter(deliveries::state.eq(DeliveryState::Pending.as_str()))
                .filter(deliveries::next_attempt_at.le(Time(now)))
                .order((deliveries::next_attempt_at, deliveries::id))
                .limit(limit)
                .select(DeliveryRow::as_select())
                .load(c)?;
            let ids: Vec<i64> = due.iter().map(|d| d.id).collect();
            for chunk in ids.chunks(CHUNK) {
                diesel::update(deliveries::table.filter(deliveries::id.eq_any(chunk)))
                    .set(deliveries::next_attempt_at.eq(Time(now + lease)))
                    .execute(c)?;
            }
            let named: Vec<String> = due.iter().map(|d| d.subscriber_id.clone()).collect();
            let to: std::collections::HashMap<String, Subscriber> = some_subscribers(c, &named)?
                .into_iter()
                .map(|s| (s.id.to_string(), s))
                .collect();
            due.into_iter()
                .map(|row| {
                    let s = to.get(&row.subscriber_id).cloned();
                    row.into_delivery().map(|d| (d, s))
                })
                .collect()
        })
    }

    /// Records tries and what they make of their deliveries, in one transaction: each
    /// attempt numbered after the delivery's earlier ones; a delivery acknowledged is
    /// delivered (and stays so if another try of it fails later), a failure is due again
    /// at its retry time or parked.
    ///
    /// # Errors
    /// When the database fails.
    pub fn record_attempts(&self, outcomes: &[Outcome]) -> StoreResult<()> {
        let mut conn = self.conn()?;
        write(&mut conn, |c| {
            lock_layer(c, DELIVERIES_LOCK)?;
            for o in outcomes {
                let a = &o.attempt;
                let Some(d) = load(c, a.delivery)? else {
                    continue;
                };
                diesel::insert_into(delivery_attempts::table)
                    .values(&AttemptRow {
                        delivery_id: d.id,
                        number: d.tries + 1,
                        at: Time(a.at),
                        status: a.status,
                        latency_ms: a.latency_ms,
                        error: a.error.clone(),
                    })
                    .execute(c)?;
                let tries = deliveries::tries.eq(d.tries + 1);
                let target = deliveries::table.find(d.id);
                if d.state == DeliveryState::Delivered {
                    diesel::update(target).set(tries).execute(c)?;
                } else if a.delivered() {
                    diesel::update(target)
                        .set((
                            tries,
                            deliveries::attempts.eq(d.attempts + 1),
                            deliveries::state.eq(DeliveryState::Delivered.as_str()),
                            deliveries::delivered_at.eq(Some(Time(a.at))),
                            deliveries::last_error.eq(None::<String>),
                        ))
                        .execute(c)?;
                } else {
                    let (state, next) = match o.retry_at {
                        Some(t) => (DeliveryState::Pending, t),
                        None => (DeliveryState::Parked, a.at),
                    };
                    diesel::update(target)
                        .set((
                            tries,
                            deliveries::attempts.eq(d.attempts + 1),
                            deliveries::state.eq(state.as_str()),
                            deliveries::next_attempt_at.eq(Time(next)),
                            deliveries::last_error.eq(a.error.clone()),
                        ))
                        .execute(c)?;
                }
            }
            Ok(())
        })
    }

    /// Deliveries as `q` asks, newest first.
    ///
    /// # Errors
    /// When the database fails.
    pub fn deliveries(&self, q: &DeliveryQuery) -> StoreResult<Vec<Delivery>> {
        let mut conn = self.conn()?;
        let mut query = deliveries::table.into_boxed();
        if let Some(a) = q.alert {
            query = query.filter(deliveries::alert_id.eq(a));
        }
        if let Some(s) = &q.subscriber {
            query = query.filter(deliveries::subscriber_id.eq(s.as_str().to_owned()));
        }
        if let Some(s) = q.state {
            query = query.filter(deliveries::state.eq(s.as_str()));
        }
        query
            .order(deliveries::id.desc())
            .limit(q.limit)
            .select(DeliveryRow::as_select())
            .load(&mut *conn)?
            .into_iter()
            .map(DeliveryRow::into_delivery)
            .collect()
    }

    /// How many of alert `alert`'s deliveries are pending, delivered and parked.
    ///
    /// # Errors
    /// When the database fails.
    pub fn delivery_counts(&self, alert: i64) -> StoreResult<DeliveryCounts> {
        let mut conn = self.conn()?;
        let rows: Vec<(String, i64)> = deliveries::table
            .filter(deliveries::alert_id.eq(alert))
            .group_by(deliveries::state)
            .select((deliveries::state, diesel::dsl::count_star()))
            .load(&mut *conn)?;
        let mut counts = DeliveryCounts::default();
        for (state, n) in rows {
            match state.parse::<DeliveryState>() {
                Ok(DeliveryState::Pending) => counts.pending = n,
                Ok(DeliveryState::Delivered) => counts.delivered = n,
                Ok(DeliveryState::Parked) => counts.parked = n,
                Err(e) => return Err(corrupt(alert, e)),
            }
        }
        Ok(counts)
    }

    /// Delivery `id` with every attempt, if there is one.
    ///
    /// # Errors
    /// When the database fails.
    pub fn delivery(&self, id: i64) -> StoreResult<Option<(Delivery, Vec<Attempt>)>> {
        let mut conn = self.conn()?;
        let Some(d) = load(&mut conn, id)? else {
            return Ok(None);
        };
        let attempts = delivery_attempts::table
            .filter(delivery_attempts::delivery_id.eq(id))
            .order(delivery_attempts::number)
            .select(AttemptRow::as_select())
            .load(&mut *conn)?
            .into_iter()
            .map(AttemptRow::into_attempt)
            .collect();
        Ok(Some((d, attempts)))
    }

    /// Makes parked delivery `id` due now with its count of attempts started again,
    /// asked for by admin `by`; audited as `delivery.retry`. `None` when there is no such
    /// delivery; `Some(Err(state))` when it is not parked.
    ///
    /// # Errors
    /// When the database fails.
    pub fn retry_delivery(
        &self,
        id: i64,
        by: &str,
    ) -> StoreResult<Option<Result<Delivery, DeliveryState>>> {
        let mut conn = self.conn()?;
        write(&mut conn, |c| {
            lock_layer(c, DELIVERIES_LOCK)?;
            let Some(d) = load(c, id)? else {
                return Ok(None);
            };
            if d.state != DeliveryState::Parked {
                return Ok(Some(Err(d.state)));
            }
            let now = Utc::now();
            diesel::update(deliveries::table.find(id))
                .set((
                    deliveries::state.eq(DeliveryState::Pending.as_str()),
                    deliveries::attempts.eq(0),
                    deliveries::next_attempt_at.eq(Time(now)),
                ))
                .execute(c)?;
            append(
                c,
                &AuditEntry::now(
                    by,
                    "delivery.retry",
                    &d.message_id,
                    json!({"delivery": id, "alert": d.alert, "subscriber": d.subscriber, "tries": d.tries}),
                ),
            )?;
            Ok(load(c, id)?.map(Ok))
        })
    }
}

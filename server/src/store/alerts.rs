//! Alert rules (every version kept) and alerts (each in its life), written with their
//! audit entries in one transaction, the same on both backends.

use chrono::Utc;
use diesel::prelude::*;
use serde_json::json;

use super::audit::append;
use super::connection::{Conn, lock_layer, write};
use super::schema::{alert_rules, alerts};
use super::types::{Json, Time};
use super::{Store, StoreError, StoreResult};
use crate::model::AuditEntry;
use crate::model::alert::{Alert, AlertState, LifecycleError, Rule, RuleId, RuleSpec};

/// The lock every write of alerts takes (numbers are handed out in order).
const ALERTS_LOCK: &str = "sitroom:alerts";

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = alert_rules)]
struct RuleRow {
    id: String,
    version: i32,
    spec: Json,
    written_by: String,
    written_at: Time,
}

fn corrupt(what: String, e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Corrupt {
        what,
        source: Box::new(e),
    }
}

impl RuleRow {
    fn into_rule(self) -> StoreResult<Rule> {
        let what = || format!("alert rule {} v{}", self.id, self.version);
        Ok(Rule {
            spec: serde_json::from_value(self.spec.0.clone()).map_err(|e| corrupt(what(), e))?,
            id: self.id.parse().map_err(|e| corrupt(what(), e))?,
            version: self.version,
            written_by: self.written_by,
            written_at: self.written_at.0,
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = alerts)]
struct AlertRow {
    id: i64,
    rule_id: Option<String>,
    rule_version: Option<i32>,
    hazard_layer: String,
    hazard_version: i32,
    exposure_layer: String,
    exposure_version: i32,
    state: String,
    doc: Json,
    updated_at: Time,
}

fn state_name(s: AlertState) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl AlertRow {
    fn of(alert: &Alert) -> StoreResult<Self> {
        Ok(Self {
            id: alert.id,
            rule_id: alert.rule.as_ref().map(|(r, _)| r.to_string()),
            rule_version: alert.rule.as_ref().map(|(_, v)| *v),
            hazard_layer: alert.hazard.layer.to_string(),
            hazard_version: alert.hazard.version,
            exposure_layer: alert.exposure.layer.to_string(),
            exposure_version: alert.exposure.version,
            state: state_name(alert.state),
            doc: Json(
                serde_json::to_value(alert)
                    .map_err(|e| corrupt(format!("alert {}", alert.id), e))?,
            ),
            updated_at: Time(Utc::now()),
        })
    }

    fn into_alert(self) -> StoreResult<Alert> {
        serde_json::from_value(self.doc.0).map_err(|e| corrupt(format!("alert {}", self.id), e))
    }
}

fn latest_rule(c: &mut Conn, id: &str) -> StoreResult<Option<RuleRow>> {
    Ok(alert_rules::table
        .filter(alert_rules::id.eq(id))
        .order(alert_rules::version.desc())
        .select(RuleRow::as_select())
        .first(c)
        .optional()?)
}

/// What a rule's draft is found by: the rule version and the layer versions it counted.
#[derive(Debug, Clone, Copy)]
pub struct DraftKey<'a> {
    /// The rule.
    pub rule: &'a RuleId,
    /// Its version.
    pub version: i32,
    /// The hazard layer and its version.
    pub hazard: (&'a str, i32),
    /// The exposure layer and its version.
    pub exposure: (&'a str, i32),
}

impl<'a> DraftKey<'a> {
    /// The key of `alert` drafted by version `version` of `rule`.
    #[must_use]
    pub fn of(rule: &'a RuleId, version: i32, alert: &'a Alert) -> Self {
        Self {
            rule,
            version,
            hazard: (alert.hazard.layer.as_str(), alert.hazard.version),
            exposure: (alert.exposure.layer.as_str(), alert.exposure.version),
        }
    }
}

/// The draft the rule version made from these input versions, if it made one (an
/// editor's cancellation of it has the same inputs but is not a rule's draft).
fn existing_draft(c: &mut Conn, k: DraftKey<'_>) -> StoreResult<Option<Alert>> {
    let rows: Vec<AlertRow> = alerts::table
        .filter(alerts::rule_id.eq(k.rule.as_str()))
        .filter(alerts::rule_version.eq(k.version))
        .filter(alerts::hazard_layer.eq(k.hazard.0))
        .filter(alerts::hazard_version.eq(k.hazard.1))
        .filter(alerts::exposure_layer.eq(k.exposure.0))
        .filter(alerts::exposure_version.eq(k.exposure.1))
        .order(alerts::id)
        .select(AlertRow::as_select())
        .load(c)?;
    for row in rows {
        let found = row.into_alert()?;
        if found.drafted_by.starts_with("rule:") {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// Numbers `alert` next, names it by `identifier` and stores it, with its audit entry.
fn insert(
    c: &mut Conn,
    mut alert: Alert,
    identifier: &dyn Fn(i64) -> String,
    action: &str,
) -> StoreResult<Alert> {
    let last: Option<i64> = alerts::table
        .select(diesel::dsl::max(alerts::id))
        .first(c)?;
    alert.id = last.unwrap_or(0) + 1;
    alert.identifier = identifier(alert.id);
    diesel::insert_into(alerts::table)
        .values(&AlertRow::of(&alert)?)
        .execute(c)?;
    append(
        c,
        &AuditEntry::now(
            &alert.drafted_by,
            action,
            &alert.identifier,
            json!({"id": alert.id, "rule": alert.rule, "msg_type": alert.msg_type, "hazard": alert.hazard, "exposure": alert.exposure, "areas": alert.areas.len(), "supersedes": alert.supersedes}),
        ),
    )?;
    Ok(alert)
}

/// Alerts newest first, at most `limit`: those rule `rule` drafted when given, those in
/// `states` unless it is empty.
fn alerts_where(
    c: &mut Conn,
    rule: Option<&RuleId>,
    states: &[AlertState],
    limit: i64,
) -> StoreResult<Vec<Alert>> {
    let mut q = alerts::table.into_boxed();
    if let Some(r) = rule {
        q = q.filter(alerts::rule_id.eq(r.as_str().to_owned()));
    }
    if !states.is_empty() {
        q = q.filter(alerts::state.eq_any(states.iter().map(|s| state_name(*s))));
    }
    q.order(alerts::id.desc())
        .limit(limit)
        .select(AlertRow::as_select())
        .load(c)?
        .into_iter()
        .map(AlertRow::into_alert)
        .collect()
}

fn load_alert(c: &mut Conn, id: i64) -> StoreResult<Option<Alert>> {
    alerts::table
        .find(id)
        .select(AlertRow::as_select())
        .first(c)
        .optional()?
        .map(AlertRow::into_alert)
        .transpose()
}

fn save(c: &mut Conn, alert: &Alert) -> StoreResult<()> {
    let row = AlertRow::of(alert)?;
    diesel::update(alerts::table.find(alert.id))
        .set((
            alerts::state.eq(row.state),
            alerts::doc.eq(row.doc),
            alerts::updated_at.eq(row.updated_at),
        ))
        .execute(c)?;
    Ok(())
}

impl Store {
    /// Writes a rule: version 1 of a new id, or the next version of an existing one.
    /// Audited as `rule.write`.
    ///
    /// # Errors
    /// When the database fails.
    pub fn write_rule(&self, id: &RuleId, spec: &RuleSpec, by: &str) -> StoreResult<Rule> {
        let mut conn = self.conn()?;
        let value =
            serde_json::to_value(spec).map_err(|e| corrupt(format!("alert rule {id}"), e))?;
        write(&mut conn, |c| {
            lock_layer(c, ALERTS_LOCK)?;
            let version = latest_rule(c, id.as_str())?.map_or(1, |r| r.version + 1);
            let row = RuleRow {
                id: id.to_string(),
                version,
                spec: Json(value.clone()),
                written_by: by.to_owned(),
                written_at: Time(Utc::now()),
            };
            diesel::insert_into(alert_rules::table)
                .values(&row)
                .execute(c)?;
            append(
                c,
                &AuditEntry::now(by, "rule.write", id.as_str(), json!({"version": version})),
            )?;
            row.into_rule()
        })
    }

    /// The current version of every rule, by id.
    ///
    /// # Errors
    /// When the database fails or a stored rule does not parse.
    pub fn rules(&self) -> StoreResult<Vec<Rule>> {
        let mut conn = self.conn()?;
        let rows: Vec<RuleRow> = alert_rules::table
            .order((alert_rules::id, alert_rules::version.desc()))
            .select(RuleRow::as_select())
            .load(&mut *conn)?;
        let mut out: Vec<Rule> = Vec::new();
        for row in rows {
            if out.last().is_none_or(|r| r.id.as_str() != row.id) {
                out.push(row.into_rule()?);
            }
        }
        Ok(out)
    }

    /// The current version of rule `id`, if it exists.
    ///
    /// # Errors
    /// When the database fails.
    pub fn rule(&self, id: &RuleId) -> StoreResult<Option<Rule>> {
        latest_rule(&mut *self.conn()?, id.as_str())?
            .map(RuleRow::into_rule)
            .transpose()
    }

    /// Stores the draft `alert` drafted by version `version` of rule `rule` from its input
    /// versions, numbered next (its `id` and `identifier` are set here, the identifier
    /// from `identifier(id)`), unless that rule version already drafted one from the same
    /// versions: then that one is returned and `false`. Audited as `alert.draft`.
    ///
    /// # Errors
    /// When the database fails.
    pub fn draft_alert(
        &self,
        rule: &RuleId,
        version: i32,
        mut alert: Alert,
        identifier: impl Fn(i64) -> String,
    ) -> StoreResult<(Alert, bool)> {
        let mut conn = self.conn()?;
        write(&mut conn, |c| {
            lock_layer(c, ALERTS_LOCK)?;
            if let Some(found) = existing_draft(c, DraftKey::of(rule, version, &alert))? {
                return Ok((found, false));
            }
            alert.rule = Some((rule.clone(), version));
            Ok((insert(c, alert, &identifier, "alert.draft")?, true))
        })
    }

    /// Stores `alert` (an update or cancellation an editor asked for), numbered next.
    /// Audited as `alert.draft`.
    ///
    /// # Errors
    /// When the database fails.
    pub fn add_alert(
        &self,
        alert: Alert,
        identifier: impl Fn(i64) -> String,
    ) -> StoreResult<Alert> {
        let mut conn = self.conn()?;
        write(&mut conn, |c| {
            lock_layer(c, ALERTS_LOCK)?;
            insert(c, alert, &identifier, "alert.draft")
        })
    }

    /// Changes alert `id` by `change` (a step of its life: `change` gets the alert as
    /// stored and says what it becomes, or why not) in one transaction with its audit
    /// entry `action` by `by`. An update or cancellation that is issued supersedes the
    /// alert it references in the same transaction, and an alert issued writes the
    /// deliveries it owes its subscribers to the outbox in it too. `None` when there is no such alert;
    /// nothing is written when `change` or superseding refuses.
    ///
    /// # Errors
    /// When the database fails.
    pub fn change_alert<E: From<LifecycleError>>(
        &self,
        id: i64,
        by: &str,
        action: &str,
        change: impl FnOnce(Alert) -> Result<Alert, E>,
    ) -> StoreResult<Option<Result<Alert, E>>> {
        let mut conn = self.conn()?;
        write(&mut conn, |c| {
            lock_layer(c, ALERTS_LOCK)?;
            let Some(before) = load_alert(c, id)? else {
                return Ok(None);
            };
            let was_issued = before.state == AlertState::Issued;
            let after = match change(before) {
                Ok(a) => a,
                Err(e) => return Ok(Some(Err(e))),
            };
            let issued_now = !was_issued && after.state == AlertState::Issued;
            if let (AlertState::Issued, Some(old)) = (after.state, after.supersedes) {
                let Some(previous) = load_alert(c, old)? else {
                    return Err(StoreError::Corrupt {
                        what: format!("alert {id}"),
                        source: format!("it supersedes alert {old}, which is not stored").into(),
                    });
                };
                match previous.superseded(id) {
                    Ok(p) => save(c, &p)?,
                    Err(e) => return Ok(Some(Err(e.into()))),
                }
            }
            save(c, &after)?;
            // An alert issued owes its deliveries from the same transaction.
            let deliveries = if issued_now {
                super::deliveries::write_outbox(c, &after)?
            } else {
                0
            };
            append(
                c,
                &AuditEntry::now(
                    by,
                    action,
                    &after.identifier,
                    json!({"id": id, "state": after.state, "deliveries": deliveries}),
                ),
            )?;
            Ok(Some(Ok(after)))
        })
    }

    /// The draft a rule version made from these layer versions, if it made one.
    ///
    /// # Errors
    /// When the database fails.
    pub fn drafted(&self, key: DraftKey<'_>) -> StoreResult<Option<Alert>> {
        existing_draft(&mut *self.conn()?, key)
    }

    /// Alerts, newest first, at most `limit`; only those in `states` when given.
    ///
    /// # Errors
    /// When the database fails or a stored alert does not parse.
    pub fn alerts(&self, states: &[AlertState], limit: i64) -> StoreResult<Vec<Alert>> {
        alerts_where(&mut *self.conn()?, None, states, limit)
    }

    /// What changes whenever any alert is stored or changed: how many there are and the
    /// last time one was written (for caches of what is read from them).
    ///
    /// # Errors
    /// When the database fails.
    pub fn alerts_version(&self) -> StoreResult<(i64, Option<chrono::DateTime<Utc>>)> {
        let mut conn = self.conn()?;
        let n: i64 = alerts::table.count().get_result(&mut *conn)?;
        let last: Option<Time> = alerts::table
            .select(alerts::updated_at)
            .order(alerts::updated_at.desc())
            .first(&mut *conn)
            .optional()?;
        Ok((n, last.map(|t| t.0)))
    }

    /// The alerts rule `rule` drafted (any version of it) that are in `states` (all when
    /// empty), newest first, at most `limit`.
    ///
    /// # Errors
    /// When the database fails or a stored alert does not parse.
    pub fn alerts_of_rule(
        &self,
        rule: &RuleId,
        states: &[AlertState],
        limit: i64,
    ) -> StoreResult<Vec<Alert>> {
        alerts_where(&mut *self.conn()?, Some(rule), states, limit)
    }

    /// Alert number `id`, if it exists.
    ///
    /// # Errors
    /// When the database fails.
    pub fn alert(&self, id: i64) -> StoreResult<Option<Alert>> {
        load_alert(&mut *self.conn()?, id)
    }
}

//! Registers of records: each import a new version holding all the register's records
//! (written in chunks of compact JSON, values by field name, read back whole), made current in the same
//! transaction with its audit entry; rollback makes an earlier version current again.
//! One code path for both backends: nothing here differs between them.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::audit::append;
use super::connection::{Conn, lock_layer, write};
use super::schema::{record_chunks, register_versions, registers};
use super::types::{Json, Time};
use super::{Store, StoreError, StoreResult, from_json, to_json};
use crate::model::record::Value;
use crate::model::{AuditEntry, ImportReport, Record, RecordKind, Register, RegisterVersion};

/// Records per stored chunk: few rows to write, none too large to read.
const CHUNK: usize = 2_000;

/// A new register version as the import made it.
#[derive(Debug, Clone)]
pub struct NewRegisterVersion {
    /// The kind.
    pub kind: RecordKind,
    /// File imported.
    pub source_name: String,
    /// SHA-256 of the file, hex.
    pub source_sha256: String,
    /// Its report.
    pub report: ImportReport,
    /// Who imports it.
    pub imported_by: String,
    /// What the audit calls the change (`records.import`, `records.link`).
    pub action: &'static str,
    /// The version the import was made against (a merge's base, or what a replacement
    /// saw): the commit fails if another import made a later one current meanwhile.
    pub base_version: Option<i32>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = registers)]
struct RegisterRow {
    kind: String,
    current_version: i32,
    updated_by: String,
    updated_at: Time,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = register_versions)]
struct VersionRow {
    kind: String,
    version: i32,
    source_name: String,
    source_sha256: String,
    record_count: i64,
    report: Json,
    imported_by: String,
    imported_at: Time,
}

impl VersionRow {
    fn into_version(self) -> StoreResult<RegisterVersion> {
        Ok(RegisterVersion {
            version: self.version,
            source_name: self.source_name,
            source_sha256: self.source_sha256,
            record_count: self.record_count,
            report: from_json("import report", self.report.0)?,
            imported_by: self.imported_by,
            imported_at: self.imported_at.0,
        })
    }
}

/// A record as stored: `[id, code, date, {field: value, …}]`, its values by field name
/// (empty ones left out), so that records stored before a kind gained a field still read.
/// Written straight from the record, with no map made per record on the way.
struct Stored<'a> {
    kind: RecordKind,
    record: &'a Record,
}

impl serde::Serialize for Stored<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        struct Values<'a>(&'a Stored<'a>);
        impl serde::Serialize for Values<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_map(
                    self.0
                        .kind
                        .fields()
                        .iter()
                        .zip(&self.0.record.values)
                        .filter(|(_, v)| **v != Value::Empty)
                        .map(|(f, v)| (f.name, v)),
                )
            }
        }
        let r = self.record;
        let mut t = s.serialize_tuple(4)?;
        t.serialize_element(&r.id)?;
        t.serialize_element(&r.code)?;
        t.serialize_element(&r.date)?;
        t.serialize_element(&Values(self))?;
        t.end()
    }
}

fn encode(kind: RecordKind, records: &[Record]) -> String {
    let rows: Vec<Stored<'_>> = records
        .iter()
        .map(|record| Stored { kind, record })
        .collect();
    serde_json::to_string(&rows).unwrap_or_default()
}

fn decode(kind: RecordKind, text: &str) -> StoreResult<Vec<Record>> {
    // Field names are plain words: read in place, not copied.
    let rows: Vec<(String, String, NaiveDate, BTreeMap<&str, Value>)> = serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt {
            what: "records".into(),
            source: Box::new(e),
        })?;
    Ok(rows
        .into_iter()
        .map(|(id, code, date, mut by_name)| Record {
            id,
            code,
            date,
            values: kind
                .fields()
                .iter()
                .map(|f| by_name.remove(f.name).unwrap_or(Value::Empty))
                .collect(),
        })
        .collect())
}

/// The lock every write of a kind's register takes (as a layer's, in its own space).
fn lock(conn: &mut Conn, kind: RecordKind) -> StoreResult<()> {
    lock_layer(conn, &format!("register:{kind}"))
}

fn register_row(conn: &mut Conn, kind: RecordKind) -> StoreResult<Option<RegisterRow>> {
    Ok(registers::table
        .find(kind.as_str())
        .select(RegisterRow::as_select())
        .first(conn)
        .optional()?)
}

fn versions(conn: &mut Conn, kind: RecordKind) -> StoreResult<Vec<RegisterVersion>> {
    register_versions::table
        .filter(register_versions::kind.eq(kind.as_str()))
        .order(register_versions::version.desc())
        .select(VersionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(VersionRow::into_version)
        .collect()
}

fn register_of(conn: &mut Conn, kind: RecordKind) -> StoreResult<Option<Register>> {
    let Some(row) = register_row(conn, kind)? else {
        return Ok(None);
    };
    Ok(Some(Register {
        kind,
        current_version: row.current_version,
        updated_by: row.updated_by,
        updated_at: row.updated_at.0,
        versions: versions(conn, kind)?,
    }))
}

/// The "has no version N" error of a register.
fn no_version(kind: RecordKind, version: i32, existing: &[RegisterVersion]) -> StoreError {
    let mut numbers: Vec<i32> = existing.iter().map(|v| v.version).collect();
    numbers.sort_unstable();
    StoreError::RegisterVersionNotFound {
        kind,
        version,
        available: if numbers.is_empty() {
            "none".into()
        } else {
            numbers
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        },
    }
}

impl Store {
    /// The register of `kind` with all its versions, or `None` before its first import.
    ///
    /// # Errors
    /// When the database fails.
    pub fn register(&self, kind: RecordKind) -> StoreResult<Option<Register>> {
        register_of(&mut *self.conn()?, kind)
    }

    /// The current version of every register there is.
    ///
    /// # Errors
    /// When the database fails.
    pub fn register_versions(&self) -> StoreResult<Vec<(RecordKind, i32)>> {
        let rows: Vec<(String, i32)> = registers::table
            .select((registers::kind, registers::current_version))
            .load(&mut *self.conn()?)?;
        Ok(rows
            .into_iter()
            .filter_map(|(k, v)| Some((k.parse().ok()?, v)))
            .collect())
    }

    /// Stores a new version of a register holding `records` and makes it current, in one
    /// transaction with its audit entry (`new.action`).
    ///
    /// # Errors
    /// [`StoreError::RegisterChanged`] when another import made a version current after
    /// `new.base_version`; the database's. Nothing is then written.
    pub fn commit_register(
        &self,
        new: &NewRegisterVersion,
        records: &[Record],
    ) -> StoreResult<RegisterVersion> {
        let mut conn = self.conn()?;
        let kind = new.kind;
        let now = Utc::now();
        let count = i64::try_from(records.len()).unwrap_or(i64::MAX);
        write(&mut conn, |c| {
            lock(c, kind)?;
            let current = register_row(c, kind)?.map(|r| r.current_version);
            if current != new.base_version {
                return Err(StoreError::RegisterChanged {
                    kind,
                    expected: new.base_version,
                    found: current,
                });
            }
            let latest: Option<i32> = register_versions::table
                .filter(register_versions::kind.eq(kind.as_str()))
                .select(diesel::dsl::max(register_versions::version))
                .first(c)?;
            let version = latest.unwrap_or(0) + 1;
            diesel::insert_into(register_versions::table)
                .values(&VersionRow {
                    kind: kind.as_str().to_owned(),
                    version,
                    source_name: new.source_name.clone(),
                    source_sha256: new.source_sha256.clone(),
                    record_count: count,
                    report: Json(to_json(&new.report)),
                    imported_by: new.imported_by.clone(),
                    imported_at: Time(now),
                })
                .execute(c)?;
            for (i, chunk) in records.chunks(CHUNK).enumerate() {
                diesel::insert_into(record_chunks::table)
                    .values((
                        record_chunks::kind.eq(kind.as_str()),
                        record_chunks::version.eq(version),
                        record_chunks::chunk.eq(i32::try_from(i).unwrap_or(i32::MAX)),
                        record_chunks::records.eq(encode(kind, chunk)),
                    ))
                    .execute(c)?;
            }
            set_current(c, kind, version, &new.imported_by, current.is_none())?;
            append(
                c,
                &AuditEntry::now(
                    &new.imported_by,
                    new.action,
                    kind.as_str(),
                    json!({
                        "version": version,
                        "records": count,
                        "source": new.source_name,
                        "rejected": new.report.rejected,
                    }),
                ),
            )?;
            Ok(RegisterVersion {
                version,
                source_name: new.source_name.clone(),
                source_sha256: new.source_sha256.clone(),
                record_count: count,
                report: new.report.clone(),
                imported_by: new.imported_by.clone(),
                imported_at: now,
            })
        })
    }

    /// Makes an earlier version of a register current again, audited as
    /// `records.rollback`.
    ///
    /// # Errors
    /// When the register or version does not exist or the database fails.
    pub fn rollback_register(
        &self,
        kind: RecordKind,
        version: i32,
        by: &str,
    ) -> StoreResult<Register> {
        let mut conn = self.conn()?;
        write(&mut conn, |c| {
            lock(c, kind)?;
            let existing = versions(c, kind)?;
            if !existing.iter().any(|v| v.version == version) {
                return Err(no_version(kind, version, &existing));
            }
            set_current(c, kind, version, by, false)?;
            append(
                c,
                &AuditEntry::now(
                    by,
                    "records.rollback",
                    kind.as_str(),
                    json!({"version": version}),
                ),
            )?;
            register_of(c, kind)?.ok_or(StoreError::RegisterNotFound(kind))
        })
    }

    /// The records of one version of a register, in stored order.
    ///
    /// # Errors
    /// When the register or version does not exist or the stored records do not parse.
    pub fn records(&self, kind: RecordKind, version: i32) -> StoreResult<Vec<Record>> {
        let mut conn = self.conn()?;
        let existing = versions(&mut conn, kind)?;
        if existing.is_empty() {
            return Err(StoreError::RegisterNotFound(kind));
        }
        if !existing.iter().any(|v| v.version == version) {
            return Err(no_version(kind, version, &existing));
        }
        let chunks: Vec<String> = record_chunks::table
            .filter(record_chunks::kind.eq(kind.as_str()))
            .filter(record_chunks::version.eq(version))
            .order(record_chunks::chunk)
            .select(record_chunks::records)
            .load(&mut *conn)?;
        let mut out = Vec::new();
        for chunk in chunks {
            out.extend(decode(kind, &chunk)?);
        }
        Ok(out)
    }
}

fn set_current(
    conn: &mut Conn,
    kind: RecordKind,
    version: i32,
    by: &str,
    create: bool,
) -> StoreResult<()> {
    let row = RegisterRow {
        kind: kind.as_str().to_owned(),
        current_version: version,
        updated_by: by.to_owned(),
        updated_at: Time(Utc::now()),
    };
    if create {
        diesel::insert_into(registers::table)
            .values(&row)
            .execute(conn)?;
    } else {
        diesel::update(registers::table.find(kind.as_str()))
            .set((
                registers::current_version.eq(version),
                registers::updated_by.eq(by),
                registers::updated_at.eq(row.updated_at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_read_back_as_stored_empty_values_left_out() {
        let kind = RecordKind::Losses;
        let mut values = vec![Value::Empty; kind.fields().len()];
        values[kind.field("hazard").unwrap().0] = Value::Text("flood \"x\"".into());
        values[kind.field("deaths").unwrap().0] = Value::Number(3.0);
        let records = vec![Record {
            id: "e1".into(),
            code: "3401".into(),
            date: NaiveDate::from_ymd_opt(2023, 5, 3).unwrap(),
            values,
        }];
        let text = encode(kind, &records);
        assert_eq!(
            text,
            r#"[["e1","3401","2023-05-03",{"hazard":"flood \"x\"","deaths":3.0}]]"#
        );
        assert_eq!(decode(kind, &text).unwrap(), records);
    }
}

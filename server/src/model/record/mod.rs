//! Records: what the ministry records that is not a map feature — disaster losses, and
//! (in later kinds) disbursements, returnee households, targets. A record of a kind has
//! an id, an official admin code of any level, a date and the kind's typed fields. Each
//! kind's records form its register; every import makes a new complete version of the
//! register (or nothing), older versions are kept for rollback, as for layers.

pub mod field;
pub mod kind;
pub mod period;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use field::{Aggregate, FieldSpec, FieldType, Value};
pub use kind::{
    FormNames, HAZARD_TYPES, ID_HXL, RecordKind, SUPPORT_COMPONENTS, SUPPORT_STATUSES,
    TRANSACTION_TYPES,
};
pub use period::PeriodKind;

use crate::model::macros::string_enum;

/// One record: its id (unique in its register version), the official code of the admin
/// unit it concerns (any level, `""` for the whole country), its date and one value per
/// field of its kind, in the kind's field order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Unique within the register.
    pub id: String,
    /// Official admin code.
    pub code: String,
    /// When (the event's date, the transaction's value date…).
    pub date: NaiveDate,
    /// One value per field of the kind.
    pub values: Vec<Value>,
}

impl Record {
    /// Its id, code, date and each field of `kind` by name, as JSON (an empty value as
    /// `null`).
    #[must_use]
    pub fn properties(&self, kind: RecordKind) -> serde_json::Map<String, serde_json::Value> {
        let mut obj = serde_json::Map::new();
        obj.insert("id".into(), self.id.clone().into());
        obj.insert("code".into(), self.code.clone().into());
        obj.insert("date".into(), self.date.to_string().into());
        for (f, v) in kind.fields().iter().zip(&self.values) {
            obj.insert(
                f.name.into(),
                serde_json::to_value(v).unwrap_or(serde_json::Value::Null),
            );
        }
        obj
    }
}

string_enum! {
    /// How an import makes the register's new version.
    ImportMode, "import mode" {
        /// The file is the whole register: the new version holds exactly its records.
        Replace => "replace",
        /// The file adds to the current version: records with an id already there replace
        /// it, the others are added.
        Merge => "merge",
    }
}

/// One row of an import that was not taken as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowIssue {
    /// 1-based line of the row in the file (the HXL hashtag row counts), or the position
    /// of the datacard in an XML export.
    pub row: u64,
    /// The record's id, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The field at fault, when one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What is wrong and what to do.
    pub reason: String,
}

/// What an import did: counts and every rejected row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    /// File name as given.
    pub source_name: String,
    /// How the file was read (`hxl-csv`, `desinventar-xml`, …).
    pub format: String,
    /// How the new version was made.
    pub mode: Option<ImportMode>,
    /// Rows read.
    pub read: u64,
    /// Rows taken.
    pub imported: u64,
    /// Rows refused (each in `issues`).
    pub rejected: u64,
    /// Records of the current version a merge replaced.
    pub replaced: u64,
    /// Records in the new version.
    pub records: u64,
    /// Columns of the file no field takes (by their hashtags or names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored_columns: Vec<String>,
    /// What the import read differently from the file's words, for the whole file (e.g.
    /// DesInventar's -1, "some, number unknown", read as no value).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Every row refused.
    pub issues: Vec<RowIssue>,
}

/// One version of a register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterVersion {
    /// 1, 2, …
    pub version: i32,
    /// File imported.
    pub source_name: String,
    /// SHA-256 of the file, hex.
    pub source_sha256: String,
    /// Records it holds.
    pub record_count: i64,
    /// Its import report.
    pub report: ImportReport,
    /// Who imported it.
    pub imported_by: String,
    /// When.
    pub imported_at: DateTime<Utc>,
}

/// A register: the records of one kind, its current version and its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Register {
    /// Its kind.
    pub kind: RecordKind,
    /// The version served.
    pub current_version: i32,
    /// Who last changed which version is current.
    pub updated_by: String,
    /// When.
    pub updated_at: DateTime<Utc>,
    /// Every version, newest first.
    pub versions: Vec<RegisterVersion>,
}

impl Register {
    /// The current version's entry.
    #[must_use]
    pub fn current(&self) -> Option<&RegisterVersion> {
        self.versions
            .iter()
            .find(|v| v.version == self.current_version)
    }
}

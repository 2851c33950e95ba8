//! Reading record imports: a file (CSV with a HXL hashtag row, or a kind's own standard)
//! becomes raw rows, and every row is checked against its kind's fields and the admin
//! units there are. A row that fails is named in the report with why; nothing is taken
//! from a file with rejected rows unless the caller allows it.

pub mod desinventar;
pub mod hxl;
pub mod iati;
pub mod rates;
pub mod returnees;
mod value;

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::model::AdminLevel;
use crate::model::record::{ImportReport, Record, RecordKind, RowIssue};

pub use value::shorten;

/// A record's field at fault (its name) and what to write instead.
pub type Fault = (&'static str, String);

/// A row as read from a file, before any check: its cells by the kind's fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawRecord {
    /// 1-based line (or datacard position) in the file.
    pub row: u64,
    /// The id written in the file, if any.
    pub id: Option<String>,
    /// The admin code written.
    pub code: Option<String>,
    /// The date written.
    pub date: Option<String>,
    /// One cell per field of the kind (`None`: no column for it).
    pub cells: Vec<Option<String>>,
}

/// Whether an admin code names a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeStatus {
    /// A unit of the current boundaries.
    Current,
    /// A unit of earlier boundaries only; the text says where it was.
    Retired(String),
    /// No unit has it.
    Unknown,
}

/// The admin units an import's codes are checked against.
pub trait AdminCodes {
    /// Whether `code` names a unit.
    fn status(&self, code: &str) -> CodeStatus;
}

/// Why an import was refused as a whole.
#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    /// The file cannot be read as the format.
    #[error("{0}")]
    Unreadable(String),
    /// The file has no column the kind needs.
    #[error("{0}")]
    MissingColumn(String),
    /// Rows were refused and rejects were not allowed.
    #[error(
        "{} of {} rows were refused (the report names each and why); fix them, or import the others with --allow-rejects (allow_rejects=true)",
        .0.rejected, .0.read
    )]
    Rejected(Box<ImportReport>),
    /// Nothing to import.
    #[error("the file holds no records: nothing was imported")]
    Empty,
}

impl RecordsError {
    /// The report, when rows were refused.
    #[must_use]
    pub fn report(&self) -> Option<&ImportReport> {
        match self {
            Self::Rejected(r) => Some(r),
            _ => None,
        }
    }
}

/// What checking an import's rows gave.
#[derive(Debug)]
pub struct Checked {
    /// The records taken, in file order.
    pub records: Vec<Record>,
    /// Counts and every refused row.
    pub report: ImportReport,
}

/// What rows are checked against.
pub struct Rules<'a> {
    /// The admin units there are.
    pub codes: &'a dyn AdminCodes,
    /// No date after it.
    pub today: NaiveDate,
    /// Ids of rows without one are made from it and the row.
    pub id_prefix: &'a str,
    /// Take the good rows when some are refused.
    pub allow_rejects: bool,
    /// Fills what the kind derives (converted values) and checks what its fields must
    /// agree on, or says which field is wrong and why.
    pub complete: &'a dyn Fn(&mut Record) -> Result<(), Fault>,
}

/// Checks every row: the id (given, or made from the prefix and the row), the admin
/// code, the date (not after today) and each field, then has the kind derive what it
/// derives; ids repeated in the file are refused after their first row.
///
/// # Errors
/// [`RecordsError::Empty`] for no rows, [`RecordsError::Rejected`] when a row was
/// refused and rejects are not allowed.
pub fn check(
    kind: RecordKind,
    rows: Vec<RawRecord>,
    rules: &Rules<'_>,
    mut report: ImportReport,
) -> Result<Checked, RecordsError> {
    let Rules {
        codes,
        today,
        id_prefix,
        allow_rejects,
        complete,
    } = *rules;
    if rows.is_empty() {
        return Err(RecordsError::Empty);
    }
    let fields = kind.fields();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut records = Vec::with_capacity(rows.len());
    for raw in rows {
        report.read += 1;
        let row = raw.row;
        let id = raw
            .id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map_or_else(|| format!("{id_prefix}-{row}"), str::to_owned);
        let issue = |field: Option<&str>, reason: String| RowIssue {
            row,
            id: Some(id.clone()),
            field: field.map(str::to_owned),
            reason,
        };
        if let Some(first) = seen.get(&id) {
            report.issues.push(issue(
                None,
                format!(
                    "id '{}' repeats row {first}: give each record its own id",
                    shorten(&id)
                ),
            ));
            continue;
        }
        let code = match admin_code(raw.code.as_deref(), codes) {
            Ok(c) => c,
            Err(why) => {
                report.issues.push(issue(Some("code"), why));
                continue;
            }
        };
        if let Some(level) = kind.level()
            && AdminLevel::of_code(&code) != Some(level)
        {
            report.issues.push(issue(
                Some("code"),
                format!(
                    "{kind} records are kept at {level} level: '{}' is {}; give the {}-digit code of the {level}",
                    shorten(&code),
                    AdminLevel::of_code(&code).map_or_else(|| "the whole country".to_owned(), |l| format!("a {l} code")),
                    level.digits()
                ),
            ));
            continue;
        }
        let date = match value::date(raw.date.as_deref().unwrap_or(""), kind.date_title(), today) {
            Ok(d) => d,
            Err(why) => {
                report.issues.push(issue(Some("date"), why));
                continue;
            }
        };
        let mut values = Vec::with_capacity(fields.len());
        let mut bad = None;
        for (field, cell) in fields
            .iter()
            .zip(raw.cells.iter().chain(std::iter::repeat(&None)))
        {
            match value::parse(field, cell.as_deref().unwrap_or(""), today) {
                Ok(v) => values.push(v),
                Err(why) => {
                    bad = Some(issue(Some(field.name), why));
                    break;
                }
            }
        }
        if let Some(b) = bad {
            report.issues.push(b);
            continue;
        }
        let mut record = Record {
            id: id.clone(),
            code,
            date,
            values,
        };
        if let Err((field, why)) = complete(&mut record) {
            report.issues.push(issue(Some(field), why));
            continue;
        }
        seen.insert(record.id.clone(), row);
        records.push(record);
    }
    report.rejected = report.issues.len() as u64;
    report.imported = records.len() as u64;
    if report.rejected > 0 && !allow_rejects {
        return Err(RecordsError::Rejected(Box::new(report)));
    }
    if records.is_empty() {
        return Err(RecordsError::Empty);
    }
    Ok(Checked { records, report })
}

/// The admin code of a row, checked against the units there are.
fn admin_code(raw: Option<&str>, codes: &dyn AdminCodes) -> Result<String, String> {
    let mut code = raw.map_or("", str::trim).to_owned();
    // A spreadsheet may have made a code a number (`11.0`).
    if let Some(whole) = code.strip_suffix(".0") {
        code = whole.to_owned();
    }
    if code.is_empty() && raw.is_some() {
        // The whole country (a `#country+code` column).
        return Ok(code);
    }
    if code.is_empty() {
        return Err("no admin code: give the official code of the unit (e.g. 41 for Musanze district, 4106 for its Kinigi sector)".into());
    }
    match codes.status(&code) {
        CodeStatus::Current => Ok(code),
        CodeStatus::Retired(where_) => Err(format!(
            "admin code '{code}' is retired ({where_}): give the code of the unit it is now part of"
        )),
        CodeStatus::Unknown => Err(format!(
            "unknown admin code '{}': no province, district, sector, cell or village has it (codes are NISR's: 1 digit province, 2 district, 4 sector, 6 cell, 8 village)",
            shorten(&code)
        )),
    }
}

/// The text of a reference: a predefined entity or a character reference.
pub(crate) fn entity(name: &str) -> Option<String> {
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some(c.to_string())
}

//! Record imports and rollbacks: a file is read in its format (CSV with a HXL hashtag
//! row, or a DesInventar export whose units are placed among ours), every row checked against
//! its kind's fields and the admin units of the loaded boundaries (current, or retired
//! in an earlier boundary version), merged with the current version when asked, and
//! committed as one new version of the register, or nothing.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sha2::{Digest, Sha256};

use crate::engine::Engine;
use crate::engine::registers::RegisterSnapshot;
use crate::engine::search::fold;
use crate::ingest::records::desinventar::Place;
use crate::ingest::records::rates::RateTable;
use crate::ingest::records::{self, AdminCodes, CodeStatus, RecordsError, shorten};
use crate::model::RowIssue;
use crate::model::{
    AdminLevel, ImportMode, ImportReport, LayerKind, Record, RecordKind, Register, RegisterVersion,
};
use crate::store::{NewRegisterVersion, Store, StoreError};

/// Why an import or rollback failed; nothing was then written.
#[derive(Debug, thiserror::Error)]
pub enum RecordsOpError {
    /// The file or its rows.
    #[error(transparent)]
    Records(#[from] RecordsError),
    /// No boundary layer to check codes against.
    #[error(
        "no boundary layer is loaded to check admin codes against: load the admin units first (`sitroom load --kind boundary --theme village …`)"
    )]
    NoBoundaries,
    /// The store.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How an import file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// CSV with a HXL hashtag row.
    HxlCsv,
    /// An XLSX workbook laid out as the CSV is.
    Xlsx,
    /// A DesInventar export (zip or XML).
    DesInventar,
    /// An IATI 2.03 activity file.
    Iati,
}

impl Format {
    /// By the file's first bytes (a workbook, another zip, XML) or, failing that, its
    /// name.
    fn of(kind: RecordKind, name: &str, bytes: &[u8]) -> Result<Self, RecordsError> {
        let head = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let lower = name.to_ascii_lowercase();
        if head.starts_with(b"PK")
            && zip::ZipArchive::new(std::io::Cursor::new(head))
                .is_ok_and(|z| z.index_for_name("xl/workbook.xml").is_some())
        {
            return Ok(Self::Xlsx);
        }
        if lower.ends_with(".xlsx") {
            return Err(RecordsError::Unreadable(
                "the file is named .xlsx but is not an Excel workbook: save it from the spreadsheet as Excel Workbook (.xlsx), or as CSV UTF-8".into(),
            ));
        }
        let xml = head.starts_with(b"PK") || head.trim_ascii_start().starts_with(b"<");
        match (
            kind,
            xml || lower.ends_with(".zip") || lower.ends_with(".xml"),
        ) {
            (RecordKind::Losses, true) => Ok(Self::DesInventar),
            (RecordKind::Disbursements, true) => Ok(Self::Iati),
            (RecordKind::Returnees, true) => Err(RecordsError::Unreadable(
                "returnee households are imported as CSV with a HXL hashtag row or as an Excel workbook (.xlsx), not XML".into(),
            )),
            (_, false) => Ok(Self::HxlCsv),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::HxlCsv => "hxl-csv",
            Self::Xlsx => "hxl-xlsx",
            Self::DesInventar => "desinventar",
            Self::Iati => "iati-2.03",
        }
    }
}

/// A file to import.
#[derive(Debug, Clone, Copy)]
pub struct Import<'a> {
    /// Into which register.
    pub kind: RecordKind,
    /// The file's name (its extension says the format).
    pub source_name: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
    /// Replace the register or merge into it.
    pub mode: ImportMode,
    /// Import the good rows even when some are refused.
    pub allow_rejects: bool,
    /// Who imports.
    pub by: &'a str,
    /// DesInventar geography codes to official ones (DesInventar exports only).
    pub mapping: &'a HashMap<String, String>,
    /// The rates disbursements are converted to RWF and USD with.
    pub rates: &'a RateTable,
}

/// The admin codes of the loaded boundary layers, and (looked up only when a code is
/// not among them) those of their earlier versions.
struct Units<'a> {
    current: HashSet<String>,
    /// Codes of the units of each folded name.
    named: HashMap<String, Vec<String>>,
    store: &'a Store,
    boundaries: Vec<(crate::model::LayerId, i32)>,
    earlier: std::cell::OnceCell<HashMap<String, String>>,
}

impl<'a> Units<'a> {
    fn of(engine: &Engine, store: &'a Store) -> Result<Self, RecordsOpError> {
        let mut current = HashSet::new();
        let mut named: HashMap<String, Vec<String>> = HashMap::new();
        let mut boundaries = Vec::new();
        for s in engine.snapshots().values() {
            if s.meta.kind != LayerKind::Boundary
                || AdminLevel::of_theme(s.meta.theme.as_str()).is_none()
            {
                continue;
            }
            for f in &s.features {
                if let Some(code) = &f.code {
                    current.insert(code.clone());
                    if let Some(name) = s.name(f) {
                        named
                            .entry(fold(name.trim()))
                            .or_default()
                            .push(code.clone());
                    }
                }
            }
            boundaries.push((s.meta.id.clone(), s.version));
        }
        if boundaries.is_empty() {
            return Err(RecordsOpError::NoBoundaries);
        }
        Ok(Self {
            current,
            named,
            store,
            boundaries,
            earlier: std::cell::OnceCell::new(),
        })
    }

    /// Codes of earlier boundary versions only, with where each was last seen.
    fn earlier(&self) -> &HashMap<String, String> {
        self.earlier.get_or_init(|| {
            let mut out = HashMap::new();
            for (id, current) in &self.boundaries {
                let Ok(Some(detail)) = self.store.layer(id) else {
                    continue;
                };
                for v in detail.versions.iter().filter(|v| v.version != *current) {
                    let Ok(features) = self.store.features(id, v.version) else {
                        continue;
                    };
                    for code in features.into_iter().filter_map(|f| f.code) {
                        if !self.current.contains(&code) {
                            out.entry(code).or_insert_with(|| {
                                format!("in version {} of layer '{id}', not in its current version {current}", v.version)
                            });
                        }
                    }
                }
            }
            out
        })
    }
}

impl Units<'_> {
    /// The official code of a DesInventar datacard's unit: from the mapping file, else
    /// by its names level by level (each inside the unit the coarser one named), else its
    /// own code when it is one of ours.
    fn place(&self, place: &Place, mapping: &HashMap<String, String>) -> Result<String, String> {
        if let Some(code) = place.codes.iter().rev().find_map(|c| mapping.get(c)) {
            return Ok(code.clone());
        }
        let names: Vec<&str> = place
            .names
            .iter()
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
            .collect();
        let mut within = String::new();
        let mut missed = None;
        for name in &names {
            let found: Vec<&String> = self
                .named
                .get(&fold(name))
                .into_iter()
                .flatten()
                .filter(|c| c.starts_with(&within) && c.len() > within.len())
                .collect();
            let coarsest = found.iter().map(|c| c.len()).min();
            let at: Vec<&&String> = found.iter().filter(|c| Some(c.len()) == coarsest).collect();
            match at.as_slice() {
                [one] => {
                    within.clone_from(one);
                    missed = None;
                }
                [] => {
                    missed = Some(format!(
                        "no unit named '{}'{}",
                        shorten(name),
                        if within.is_empty() {
                            String::new()
                        } else {
                            format!(" inside {within}")
                        }
                    ));
                }
                many => {
                    missed = Some(format!(
                        "'{}' names {} units ({}{})",
                        shorten(name),
                        many.len(),
                        many.iter()
                            .take(3)
                            .map(|c| c.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                        if many.len() > 3 { ", …" } else { "" }
                    ));
                }
            }
        }
        if !within.is_empty() && missed.is_none() {
            return Ok(within);
        }
        if let Some(code) = place.codes.iter().rev().find(|c| !c.is_empty())
            && self.current.contains(code)
        {
            return Ok(code.clone());
        }
        Err(format!(
            "cannot place DesInventar unit {} ({}): {}; give a mapping file of DesInventar codes to official ones (columns di_code,code)",
            place
                .codes
                .iter()
                .filter(|c| !c.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join("/"),
            names.join(" / "),
            missed.unwrap_or_else(|| "its names are not given".into())
        ))
    }
}

/// A mapping file of DesInventar codes to official ones: CSV with columns `di_code` and
/// `code` (a HXL row, if any, is skipped).
///
/// # Errors
/// When it is not such a file.
pub fn read_mapping(bytes: &[u8]) -> Result<HashMap<String, String>, RecordsError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| RecordsError::Unreadable(format!("the mapping is not CSV: {e}")))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(di), Some(code)) = (col("di_code"), col("code")) else {
        return Err(RecordsError::MissingColumn(
            "the mapping needs columns di_code (DesInventar's geography code) and code (the official one)".into(),
        ));
    };
    let mut out = HashMap::new();
    for row in reader.records() {
        let row =
            row.map_err(|e| RecordsError::Unreadable(format!("the mapping is not CSV: {e}")))?;
        let (Some(d), Some(c)) = (row.get(di), row.get(code)) else {
            continue;
        };
        if d.starts_with('#') || d.trim().is_empty() {
            continue;
        }
        out.insert(d.trim().to_owned(), c.trim().to_owned());
    }
    Ok(out)
}

impl AdminCodes for Units<'_> {
    fn status(&self, code: &str) -> CodeStatus {
        if self.current.contains(code) {
            CodeStatus::Current
        } else if let Some(where_) = self.earlier().get(code) {
            CodeStatus::Retired(where_.clone())
        } else {
            CodeStatus::Unknown
        }
    }
}

/// Imports a file into its register: a new current version, audited, or nothing; the
/// engine holds the new version at once.
///
/// # Errors
/// When the file cannot be read, rows are refused (and rejects are not allowed), no
/// boundaries are loaded, or the store fails.
pub fn import(
    store: &Store,
    engine: &Engine,
    file: &Import<'_>,
) -> Result<RegisterVersion, RecordsOpError> {
    let kind = file.kind;
    let sha256 = hex::encode(Sha256::digest(file.bytes));
    let units = Units::of(engine, store)?;
    let format = Format::of(kind, file.source_name, file.bytes)?;
    let (rows, report) = match format {
        Format::HxlCsv | Format::Xlsx => {
            let table = if format == Format::Xlsx {
                records::hxl::read_xlsx(kind, file.bytes)?
            } else {
                records::hxl::read(kind, file.bytes)?
            };
            (
                table.rows,
                ImportReport {
                    read: table.issues.len() as u64,
                    ignored_columns: table.ignored,
                    issues: table.issues,
                    ..ImportReport::default()
                },
            )
        }
        Format::DesInventar => {
            let export = records::desinventar::read(file.bytes)?;
            let mut report = ImportReport {
                notes: export.notes,
                ..ImportReport::default()
            };
            let mut rows = Vec::with_capacity(export.rows.len());
            for (mut raw, place) in export.rows {
                match units.place(&place, file.mapping) {
                    Ok(code) => {
                        raw.code = Some(code);
                        rows.push(raw);
                    }
                    Err(reason) => {
                        report.read += 1;
                        report.issues.push(RowIssue {
                            row: raw.row,
                            id: raw.id,
                            field: Some("code".into()),
                            reason,
                        });
                    }
                }
            }
            (rows, report)
        }
        Format::Iati => {
            let read = records::iati::read(file.bytes)?;
            (
                read.rows,
                ImportReport {
                    read: read.issues.len() as u64,
                    issues: read.issues,
                    notes: read.notes,
                    ..ImportReport::default()
                },
            )
        }
    };
    let report = ImportReport {
        source_name: file.source_name.to_owned(),
        format: format.as_str().into(),
        mode: Some(file.mode),
        ..report
    };
    let complete = |r: &mut Record| match kind {
        RecordKind::Disbursements => file.rates.convert(r).map_err(|why| ("currency", why)),
        RecordKind::Returnees => records::returnees::check(r),
        RecordKind::Losses => Ok(()),
    };
    let rules = records::Rules {
        codes: &units,
        today: Utc::now().date_naive(),
        id_prefix: &sha256[..8],
        allow_rejects: file.allow_rejects,
        complete: &complete,
    };
    let checked = records::check(kind, rows, &rules, report)?;
    let base = store.register(kind)?.map(|r| r.current_version);
    let mut report = checked.report;
    let all = match (file.mode, base) {
        (ImportMode::Merge, Some(version)) => {
            let (all, replaced) = merge(store.records(kind, version)?, checked.records);
            report.replaced = replaced;
            all
        }
        _ => checked.records,
    };
    report.records = all.len() as u64;
    let version = store.commit_register(
        &NewRegisterVersion {
            kind,
            source_name: file.source_name.to_owned(),
            source_sha256: sha256,
            report,
            imported_by: file.by.to_owned(),
            action: "records.import",
            base_version: base,
        },
        &all,
    )?;
    engine
        .registers
        .install(RegisterSnapshot::new(kind, version.version, all));
    Ok(version)
}

/// The current records with `new` merged in: a new record replaces the one with its id
/// in place, the others come after. Returns them and how many were replaced.
fn merge(current: Vec<Record>, new: Vec<Record>) -> (Vec<Record>, u64) {
    let mut by_id: HashMap<String, Record> =
        new.iter().map(|r| (r.id.clone(), r.clone())).collect();
    let mut replaced = 0;
    let mut out: Vec<Record> = current
        .into_iter()
        .map(|r| match by_id.remove(&r.id) {
            Some(n) => {
                replaced += 1;
                n
            }
            None => r,
        })
        .collect();
    out.extend(new.into_iter().filter(|r| by_id.contains_key(&r.id)));
    (out, replaced)
}

/// Makes an earlier version of a register current again.
///
/// # Errors
/// When the register or version does not exist.
pub fn rollback(
    store: &Store,
    kind: RecordKind,
    version: i32,
    by: &str,
) -> Result<Register, RecordsOpError> {
    Ok(store.rollback_register(kind, version, by)?)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn rec(id: &str, code: &str) -> Record {
        Record {
            id: id.into(),
            code: code.into(),
            date: NaiveDate::from_ymd_opt(2023, 5, 3).expect("date"),
            values: vec![],
        }
    }

    #[test]
    fn merge_replaces_in_place_and_appends() {
        let (all, replaced) = merge(
            vec![rec("a", "41"), rec("b", "42")],
            vec![rec("c", "43"), rec("a", "4106")],
        );
        let got: Vec<(&str, &str)> = all
            .iter()
            .map(|r| (r.id.as_str(), r.code.as_str()))
            .collect();
        assert_eq!(got, vec![("a", "4106"), ("b", "42"), ("c", "43")]);
        assert_eq!(replaced, 1);
    }
}

/// Why Sendai indicators cannot be computed.
#[derive(Debug, thiserror::Error)]
pub enum SendaiError {
    /// No loss records.
    #[error(
        "there are no loss records yet: import them first (`sitroom records import losses FILE`)"
    )]
    NoRecords,
    /// No public population layer.
    #[error(
        "no public exposure layer of theme 'population' is loaded to give the rates' population: load one (e.g. the census by village)"
    )]
    NoPopulation,
    /// No boundaries.
    #[error("no boundary layer is loaded to count population by unit")]
    NoBoundaries,
}

/// Sendai indicators of the current loss records, with what they were computed from.
#[derive(Debug, serde::Serialize)]
pub struct SendaiReport {
    /// The loss register's version.
    pub losses_version: i32,
    /// The population layer and version the rates are per 100,000 of.
    pub population: (crate::model::LayerId, i32),
    /// The boundary layer and version household sizes come from (its population over its
    /// households, unit by unit).
    pub households: (crate::model::LayerId, i32),
    /// Where GDP and costs come from.
    pub economy_source: String,
    /// Every indicator's definition.
    pub definitions: &'static [crate::engine::sendai::Definition],
    /// By unit and year.
    pub rows: Vec<crate::engine::sendai::UnitYear>,
}

/// Sendai indicators of the current loss records by unit of `level` and year (`year`
/// only, when given).
///
/// # Errors
/// Without loss records, a public population layer or boundaries.
pub fn sendai(
    engine: &Engine,
    level: AdminLevel,
    year: Option<i32>,
    economy: &crate::engine::sendai::Economy,
) -> Result<SendaiReport, SendaiError> {
    use crate::engine::sendai::{Denominators, indicators};
    let losses = engine
        .registers
        .get(RecordKind::Losses)
        .ok_or(SendaiError::NoRecords)?;
    let all = engine.snapshots();
    let (units, _) = crate::engine::finest_boundary(&all).ok_or(SendaiError::NoBoundaries)?;
    let population = all
        .values()
        .find(|s| {
            s.meta.kind == LayerKind::Exposure
                && s.meta.theme.as_str() == "population"
                && s.meta.sensitivity == crate::model::Sensitivity::Public
        })
        .cloned()
        .ok_or(SendaiError::NoPopulation)?;
    // A population layer keyed by the official codes of the finest units is counted by
    // its codes (the census's own figures); any other by where its features lie.
    let unit_codes: HashSet<&str> = units
        .features
        .iter()
        .filter_map(|f| f.code.as_deref())
        .collect();
    let coded = !population.features.is_empty()
        && population
            .features
            .iter()
            .all(|f| f.code.as_deref().is_some_and(|c| unit_codes.contains(c)));
    let people: Vec<(String, f64)> = if coded {
        population
            .features
            .iter()
            .filter_map(|f| Some((f.code.clone()?, f.population.unwrap_or(0.0))))
            .collect()
    } else {
        let computed = engine.exposure(
            &crate::engine::disclosure::no_hazard(&population.meta),
            &population,
            &units,
        );
        computed
            .by_unit
            .iter()
            .map(|(code, by_class)| (code.clone(), by_class.values().map(|t| t.population).sum()))
            .collect()
    };
    let households: Vec<(String, f64, f64)> = units
        .features
        .iter()
        .filter_map(|f| Some((f.code.clone()?, f.population?, f.households?)))
        .collect();
    let denominators = Denominators::from_finest(&people, &households);
    let mut rows = indicators(&losses.records, level, &denominators, economy);
    if let Some(y) = year {
        rows.retain(|r| r.year == y);
    }
    Ok(SendaiReport {
        losses_version: losses.version,
        population: (population.meta.id.clone(), population.version),
        households: (units.meta.id.clone(), units.version),
        economy_source: economy.source.clone(),
        definitions: crate::engine::sendai::INDICATORS,
        rows,
    })
}

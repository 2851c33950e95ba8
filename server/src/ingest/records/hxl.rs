//! CSV with a HXL hashtag row (the Humanitarian Exchange Language): the row of hashtags
//! (`#affected+killed`, `#adm3+code`) under any header rows names what each column holds,
//! whatever the headers say. A column serves a field when its hashtag is the field's
//! and has at least the field's attributes (`#affected+killed+f` serves `#affected+killed`).

use std::collections::BTreeSet;

use super::{RawRecord, RecordsError};
use crate::model::AdminLevel;
use crate::model::level::COUNTRY_ISO3;
use crate::model::record::{ID_HXL, RecordKind, RowIssue};

/// How many rows may come before the hashtag row.
const MAX_HEADER_ROWS: usize = 25;

/// A hashtag with its attributes, lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// `affected` of `#affected+killed`.
    pub name: String,
    /// `killed` of `#affected+killed`.
    pub attributes: BTreeSet<String>,
}

impl Tag {
    /// Reads `#name +attr +attr` (spaces allowed), or `None` if it is not a hashtag.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let rest = compact.strip_prefix('#')?;
        let mut parts = rest.split('+');
        let name = parts.next()?.to_ascii_lowercase();
        let word =
            |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !word(&name) || !name.as_bytes()[0].is_ascii_alphabetic() {
            return None;
        }
        let attributes: BTreeSet<String> = parts.map(str::to_ascii_lowercase).collect();
        if !attributes.iter().all(|a| word(a)) {
            return None;
        }
        Some(Self { name, attributes })
    }

    /// Whether a column tagged `self` serves a field tagged `want`: same hashtag, and at
    /// least its attributes.
    #[must_use]
    pub fn serves(&self, want: &Self) -> bool {
        self.name == want.name && want.attributes.is_subset(&self.attributes)
    }
}

/// The rows of a HXL CSV file and the rows refused before any field was checked.
#[derive(Debug, Default)]
pub struct Table {
    /// One per data row.
    pub rows: Vec<RawRecord>,
    /// Rows refused as read (codes of different levels that disagree).
    pub issues: Vec<RowIssue>,
    /// Columns no field takes.
    pub ignored: Vec<String>,
}

/// Which column serves what.
struct Columns {
    id: Option<usize>,
    date: usize,
    /// Code columns, coarsest level first.
    codes: Vec<(AdminLevel, usize)>,
    fields: Vec<Option<usize>>,
}

/// The column that best serves `want` (fewest extra attributes, then first).
fn best(tags: &[Option<Tag>], want: &Tag, taken: &[bool]) -> Option<usize> {
    tags.iter()
        .enumerate()
        .filter(|(i, t)| !taken[*i] && t.as_ref().is_some_and(|t| t.serves(want)))
        .min_by_key(|(i, t)| (t.as_ref().map_or(0, |t| t.attributes.len()), *i))
        .map(|(i, _)| i)
}

fn tag(text: &str) -> Tag {
    Tag::parse(text).unwrap_or(Tag {
        name: String::new(),
        attributes: BTreeSet::new(),
    })
}

fn columns(
    kind: RecordKind,
    tags: &[Option<Tag>],
    raw: &[String],
) -> Result<(Columns, Vec<String>), RecordsError> {
    let mut taken = vec![false; tags.len()];
    let take = |want: &Tag, taken: &mut Vec<bool>| {
        let i = best(tags, want, taken)?;
        taken[i] = true;
        Some(i)
    };
    // Where the record is: never a column of where someone came from (HXL's +origin,
    // `#country+code+origin` of a returnee household).
    let origin: Vec<bool> = tags
        .iter()
        .map(|t| t.as_ref().is_some_and(|t| t.attributes.contains("origin")))
        .collect();
    let mut codes = Vec::new();
    for level in AdminLevel::ALL {
        let want = tag(&format!("{}+code", level.hxl()));
        let mut open: Vec<bool> = taken.iter().zip(&origin).map(|(t, o)| *t || *o).collect();
        if let Some(i) = take(&want, &mut open) {
            taken[i] = true;
            codes.push((*level, i));
        }
    }
    if codes.is_empty() {
        return Err(RecordsError::MissingColumn(
            "no admin code column: tag the official codes #adm1+code (province), #adm2+code (district), #adm3+code (sector), #adm4+code (cell) or #adm5+code (village)".into(),
        ));
    }
    // A bare #date stands for the record's date, never a dated field's column
    // (`#date+food` is when a returnee household received food, not when it arrived).
    let bare_date = tags.iter().position(|t| {
        t.as_ref()
            .is_some_and(|t| t.name == "date" && t.attributes.is_empty())
    });
    let date = take(&tag(kind.date_hxl()), &mut taken)
        .or_else(|| {
            let i = bare_date.filter(|i| !taken[*i])?;
            taken[i] = true;
            Some(i)
        })
        .ok_or_else(|| {
            RecordsError::MissingColumn(format!(
                "no date column: tag it {} (or #date), written YYYY-MM-DD",
                kind.date_hxl()
            ))
        })?;
    let id = take(&tag(ID_HXL), &mut taken);
    // The most specific hashtags choose first (`#org+impl` before `#org`), so that a
    // plain one does not take a column a specific one is for.
    let mut order: Vec<usize> = (0..kind.fields().len()).collect();
    order.sort_by_key(|i| std::cmp::Reverse(tag(kind.fields()[*i].hxl).attributes.len()));
    let mut fields = vec![None; kind.fields().len()];
    for i in order {
        let f = &kind.fields()[i];
        let col = take(&tag(f.hxl), &mut taken);
        if col.is_none() && f.required {
            return Err(RecordsError::MissingColumn(format!(
                "no column tagged {} ({}), which every {} record needs",
                f.hxl, f.title, kind
            )));
        }
        fields[i] = col;
    }
    let ignored = raw
        .iter()
        .enumerate()
        .filter(|(i, t)| !taken[*i] && !t.trim().is_empty())
        .map(|(_, t)| t.trim().to_owned())
        .collect();
    Ok((
        Columns {
            id,
            date,
            codes,
            fields,
        },
        ignored,
    ))
}

/// Reads a HXL CSV file of `kind` records.
///
/// # Errors
/// When the bytes are not UTF-8 CSV, have no hashtag row in their first rows, or lack a
/// column every record needs.
pub fn read(kind: RecordKind, bytes: &[u8]) -> Result<Table, RecordsError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    read_rows(
        kind,
        reader.byte_records().map(|rec| {
            let rec = rec.map_err(unreadable)?;
            Ok((rec.position().map_or(0, csv::Position::line), utf8(&rec)?))
        }),
    )
}

/// Reads the first sheet of an XLSX workbook of `kind` records laid out as a HXL CSV
/// file is (header rows, the hashtag row, then one row per record): dates as
/// YYYY-MM-DD, whole numbers without a decimal point.
///
/// # Errors
/// When the bytes are not a workbook with a sheet, or as [`read`].
pub fn read_xlsx(kind: RecordKind, bytes: &[u8]) -> Result<Table, RecordsError> {
    use calamine::{Data, Reader as _, Xlsx};
    let unreadable = |e: &dyn std::fmt::Display| {
        RecordsError::Unreadable(format!(
            "not a readable XLSX workbook ({e}): save it from the spreadsheet as Excel Workbook (.xlsx), or as CSV UTF-8"
        ))
    };
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let sheet = book
        .worksheet_range_at(0)
        .ok_or_else(|| unreadable(&"it has no sheet"))?
        .map_err(|e| unreadable(&e))?;
    let first = sheet.start().map_or(0, |(row, _)| u64::from(row));
    let cell = |d: &Data| -> String {
        match d {
            Data::Empty => String::new(),
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Int(i) => i.to_string(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            Data::Float(f) => f.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::DateTime(t) => t
                .as_datetime()
                .map_or_else(|| t.as_f64().to_string(), |d| d.date().to_string()),
            Data::Error(e) => format!("#{e:?}"),
        }
    };
    read_rows(
        kind,
        sheet
            .rows()
            .zip(1..)
            .map(|(row, i)| Ok((first + i, row.iter().map(cell).collect()))),
    )
}

/// Reads `rows` (each with its 1-based line) of a HXL table of `kind` records.
fn read_rows(
    kind: RecordKind,
    rows: impl Iterator<Item = Result<(u64, Vec<String>), RecordsError>>,
) -> Result<Table, RecordsError> {
    // The first rows, kept: the hashtag row is looked for among them, and without one
    // the first is read as a field form's export's question names.
    let mut first: Vec<(u64, Vec<String>)> = Vec::new();
    let mut rows = rows;
    let mut tagged_at = None;
    while first.len() < MAX_HEADER_ROWS {
        let Some(rec) = rows.next() else { break };
        let (row, cells) = rec?;
        let tags: Vec<Option<Tag>> = cells.iter().map(|c| Tag::parse(c)).collect();
        let non_empty = cells.iter().filter(|c| !c.trim().is_empty()).count();
        let tagged = tags.iter().filter(|t| t.is_some()).count();
        first.push((row, cells));
        if tagged > 0 && tagged == non_empty {
            tagged_at = Some((first.len() - 1, tags));
            break;
        }
    }
    let (cols, ignored, data_from) = match tagged_at {
        Some((i, tags)) => {
            let (cols, ignored) = columns(kind, &tags, &first[i].1)?;
            (cols, ignored, i + 1)
        }
        None => match first
            .first()
            .and_then(|(_, names)| named_columns(kind, names))
        {
            Some(named) => {
                let (cols, ignored) = named?;
                (cols, ignored, 1)
            }
            None => {
                return Err(RecordsError::Unreadable(format!(
                    "no HXL hashtag row in the first {MAX_HEADER_ROWS} rows: add a row of hashtags under the headers (e.g. #adm3+code, {}, #affected+killed); `sitroom records fields {kind}` lists them",
                    kind.date_hxl()
                )));
            }
        },
    };
    let rows = first.into_iter().skip(data_from).map(Ok).chain(rows);
    let mut table = Table {
        ignored,
        ..Table::default()
    };
    for rec in rows {
        let (row, mut cells) = rec?;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // Each column serves one thing: its cell is moved out, trimmed, not copied.
        let mut cell = |i: usize| {
            cells.get_mut(i).map(|c| {
                let trimmed = c.trim();
                if trimmed.len() == c.len() {
                    std::mem::take(c)
                } else {
                    trimmed.to_owned()
                }
            })
        };
        let id = cols.id.and_then(&mut cell);
        let date = cell(cols.date);
        let code = finest_code(&cols.codes, &mut cell);
        match code {
            Ok(code) => table.rows.push(RawRecord {
                row,
                id,
                code,
                date,
                cells: cols.fields.iter().map(|c| c.and_then(&mut cell)).collect(),
            }),
            Err(reason) => table.issues.push(RowIssue {
                row,
                id,
                field: Some("code".into()),
                reason,
            }),
        }
    }
    Ok(table)
}

/// The columns of an export of the kind's field form (ODK Central, KoboToolbox: a header
/// row of question names, a group's name before a `/` or `-`), when the first row names
/// the form's id, date and code questions; `None` when it is no such export.
fn named_columns(
    kind: RecordKind,
    header: &[String],
) -> Option<Result<(Columns, Vec<String>), RecordsError>> {
    let form = kind.form_names()?;
    let level = kind.level()?;
    let names: Vec<&str> = header
        .iter()
        .map(|h| h.trim().rsplit(['/', '-']).next().unwrap_or(""))
        .collect();
    let find = |name: &str| names.iter().position(|n| *n == name);
    let (id, date, code) = (find(form.id)?, find(form.date)?, find(form.code)?);
    let mut fields = Vec::with_capacity(kind.fields().len());
    for f in kind.fields() {
        let col = find(f.name);
        if col.is_none() && f.required {
            return Some(Err(RecordsError::MissingColumn(format!(
                "the form's export has no column {} ({}), which every {kind} record needs: export it from the form in data/forms",
                f.name, f.title
            ))));
        }
        fields.push(col);
    }
    let used: Vec<usize> = [id, date, code]
        .into_iter()
        .chain(fields.iter().flatten().copied())
        .collect();
    let ignored = header
        .iter()
        .enumerate()
        .filter(|(i, h)| !used.contains(i) && !h.trim().is_empty())
        .map(|(_, h)| h.trim().to_owned())
        .collect();
    Some(Ok((
        Columns {
            id: Some(id),
            date,
            codes: vec![(level, code)],
            fields,
        },
        ignored,
    )))
}

/// The finest code given on a row, after checking that every coarser one contains it
/// (a national row's is empty).
fn finest_code(
    codes: &[(AdminLevel, usize)],
    cell: &mut dyn FnMut(usize) -> Option<String>,
) -> Result<Option<String>, String> {
    let mut given: Vec<(AdminLevel, String)> = codes
        .iter()
        .filter_map(|(l, i)| cell(*i).filter(|c| !c.is_empty()).map(|c| (*l, c)))
        .collect();
    // The country's column names the whole country, whose code is empty.
    if let Some((AdminLevel::Country, iso)) = given.first() {
        if !iso.eq_ignore_ascii_case(COUNTRY_ISO3) {
            return Err(format!(
                "'{}' is not this country: a national record's #country+code is {COUNTRY_ISO3}",
                crate::ingest::records::shorten(iso)
            ));
        }
        given[0].1 = String::new();
    }
    let Some((finest_level, finest)) = given.last() else {
        return Ok(None);
    };
    for (level, code) in &given {
        if !finest.starts_with(code.as_str()) {
            return Err(format!(
                "{finest_level} {finest} is not in {level} {code}: correct one of the two codes"
            ));
        }
    }
    Ok(given.pop().map(|(_, code)| code))
}

fn utf8(rec: &csv::ByteRecord) -> Result<Vec<String>, RecordsError> {
    rec.iter()
        .map(|c| {
            String::from_utf8(c.to_vec()).map_err(|_| {
                RecordsError::Unreadable(format!(
                    "line {} is not UTF-8 text: save the file as \"CSV UTF-8\"",
                    rec.position().map_or(0, csv::Position::line)
                ))
            })
        })
        .collect()
}

fn unreadable(e: csv::Error) -> RecordsError {
    RecordsError::Unreadable(format!("not a readable CSV file: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_matching() {
        let t = Tag::parse("#Affected +Killed +f").expect("tag");
        assert_eq!(t.name, "affected");
        assert!(t.serves(&Tag::parse("#affected+killed").expect("tag")));
        assert!(!t.serves(&Tag::parse("#affected+injured").expect("tag")));
        assert!(Tag::parse("Deaths").is_none());
        assert!(Tag::parse("#").is_none());
        assert!(Tag::parse("#9x").is_none());
    }

    #[test]
    fn reads_rows_under_headers_and_tags() {
        let csv = "\u{feff}Date,District,Sector,Hazard,Deaths,Note\n#date+occurred,#adm2+code,#adm3+code,#event+type,#affected+killed,#x_note\n2023-05-03,41,4106,flood,3,a\n,,,,,\n2023-05-04,41,4201,landslide,1,b\n";
        let t = read(RecordKind::Losses, csv.as_bytes()).expect("reads");
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].row, 3);
        assert_eq!(t.rows[0].code.as_deref(), Some("4106"));
        assert_eq!(t.rows[0].cells[0].as_deref(), Some("flood"));
        assert_eq!(t.issues.len(), 1);
        assert_eq!(t.issues[0].row, 5);
        assert!(
            t.issues[0]
                .reason
                .contains("sector 4201 is not in district 41")
        );
        assert_eq!(t.ignored, vec!["#x_note".to_owned()]);
        let err = read(RecordKind::Losses, b"#adm2+code,#date\n41,2023-01-01\n").unwrap_err();
        assert!(err.to_string().contains("#event+type"), "{err}");
        let err = read(RecordKind::Losses, b"a,b\n1,2\n").unwrap_err();
        assert!(err.to_string().contains("no HXL hashtag row"), "{err}");
    }

    #[test]
    fn a_national_row_names_the_country() {
        let csv = "#date+occurred,#country+code,#adm2+code,#event+type\n2023-05-03,RWA,,flood\n2023-05-03,rwa,41,flood\n2023-05-03,UGA,,flood\n2023-05-03,,,flood\n";
        let t = read(RecordKind::Losses, csv.as_bytes()).expect("reads");
        let codes: Vec<Option<&str>> = t.rows.iter().map(|r| r.code.as_deref()).collect();
        assert_eq!(
            codes,
            [Some(""), Some("41"), None],
            "the whole country, then Musanze"
        );
        assert_eq!(t.issues.len(), 1);
        assert!(
            t.issues[0].reason.contains("is not this country"),
            "{:?}",
            t.issues
        );
    }
}

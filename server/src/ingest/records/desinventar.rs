//! DesInventar exports as they come: the `DI_export_<country>.xml` inside the zip the
//! DesInventar server gives (or the XML alone). The XML holds the database's tables, each
//! an element of `<TR>` rows whose children are its columns: `eventos` (event names in
//! Spanish and English), `causas`, the geography (`lev0`, `lev1`, `lev2`) and `fichas`,
//! the datacards, whose fields carry DesInventar's Spanish names (`muertos`,
//! `desaparece`, `heridos`, `damnificados`, `afectados`, `evacuados`, `reubicados`,
//! `vivdest`, `vivafec`, …). It is read as a stream, so a national export does not sit
//! in memory twice.
//!
//! Its geography codes are DesInventar's own; each datacard's unit becomes one of ours
//! by, in order: a mapping file (DesInventar code → official code), the code itself
//! when it is one of ours, or its names level by level (the province by name, then the
//! district of that name inside it, …). A datacard whose unit cannot be placed is
//! refused, naming the code and names it has.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read as _;

use quick_xml::events::Event;

use super::{RawRecord, RecordsError, entity};
use crate::model::RecordKind;

/// Largest XML read from an export (a zip may say less than it holds).
const MAX_XML_BYTES: u64 = 512 * 1024 * 1024;

/// DesInventar's English event names and the hazard types they are.
const EVENTS: &[(&str, &str)] = &[
    ("FLOOD", "flood"),
    ("INUNDACION", "flood"),
    ("FLASH FLOOD", "flash-flood"),
    ("LANDSLIDE", "landslide"),
    ("DESLIZAMIENTO", "landslide"),
    ("MUDSLIDE", "landslide"),
    ("ALLUVION", "landslide"),
    ("RAIN", "heavy-rain"),
    ("RAINS", "heavy-rain"),
    ("HEAVY RAIN", "heavy-rain"),
    ("RAINSTORM", "heavy-rain"),
    ("LLUVIAS", "heavy-rain"),
    ("WINDSTORM", "windstorm"),
    ("STRONG WIND", "windstorm"),
    ("STORM", "windstorm"),
    ("VENDAVAL", "windstorm"),
    ("HAILSTORM", "hailstorm"),
    ("HAIL STORM", "hailstorm"),
    ("GRANIZADA", "hailstorm"),
    ("LIGHTNING", "lightning"),
    ("ELECTRIC STORM", "lightning"),
    ("THUNDERSTORM", "lightning"),
    ("TEMPESTAD", "lightning"),
    ("DROUGHT", "drought"),
    ("SEQUIA", "drought"),
    ("EARTHQUAKE", "earthquake"),
    ("SISMO", "earthquake"),
    ("ERUPTION", "volcanic"),
    ("VOLCANO", "volcanic"),
    ("ERUPCION", "volcanic"),
    ("FIRE", "fire"),
    ("FOREST FIRE", "fire"),
    ("INCENDIO", "fire"),
    ("EPIDEMIC", "epidemic"),
    ("BIOLOGICAL", "epidemic"),
    ("EPIDEMIA", "epidemic"),
];

/// Datacard columns and the loss fields they fill.
const COLUMNS: &[(&str, &str)] = &[
    ("muertos", "deaths"),
    ("desaparece", "missing"),
    ("heridos", "injured"),
    ("damnificados", "directly_affected"),
    ("afectados", "affected"),
    ("evacuados", "evacuated"),
    ("reubicados", "relocated"),
    ("vivdest", "houses_destroyed"),
    ("vivafec", "houses_damaged"),
    ("nescuelas", "schools"),
    ("nhospitales", "health_facilities"),
    ("nhectareas", "crops_ha"),
    ("cabezas", "livestock"),
    ("kmvias", "roads_km"),
    ("valorloc", "loss_local"),
    ("valorus", "loss_usd"),
    ("fuentes", "source"),
    ("di_comments", "comments"),
    ("glide", "glide"),
    ("lugar", "place"),
];

/// One row of a table: its columns' texts.
type Row = HashMap<String, String>;

/// A datacard's unit as the export gives it: its codes and names at each level,
/// coarsest first, and the datacard's position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// DesInventar codes, coarsest first (empty where not given).
    pub codes: Vec<String>,
    /// Names, coarsest first (empty where not given).
    pub names: Vec<String>,
}

/// The datacards of an export before their units are placed.
#[derive(Debug, Default)]
pub struct Export {
    /// One per datacard, with its place.
    pub rows: Vec<(RawRecord, Place)>,
    /// Notes on what was read differently.
    pub notes: Vec<String>,
}

/// The XML text of an export: the `DI_export_*.xml` of a zip, or the bytes themselves.
///
/// # Errors
/// A zip without such a file, one too large, or text that is neither UTF-8 nor Latin-1.
fn xml_text(bytes: &[u8]) -> Result<String, RecordsError> {
    let raw: Cow<'_, [u8]> = if bytes.starts_with(b"PK") {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .map_err(|e| RecordsError::Unreadable(format!("not a readable zip: {e}")))?;
        let name = archive
            .file_names()
            .find(|n| {
                let base = n.rsplit('/').next().unwrap_or(n).to_ascii_lowercase();
                base.starts_with("di_export") && base.ends_with(".xml")
            })
            .map(str::to_owned)
            .ok_or_else(|| {
                RecordsError::Unreadable(
                    "the zip holds no DI_export_*.xml: export the database from DesInventar (Admin → Export) and import the zip it gives".into(),
                )
            })?;
        let file = archive
            .by_name(&name)
            .map_err(|e| RecordsError::Unreadable(format!("cannot read {name}: {e}")))?;
        let mut out = Vec::new();
        file.take(MAX_XML_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|e| RecordsError::Unreadable(format!("cannot read {name}: {e}")))?;
        if out.len() as u64 > MAX_XML_BYTES {
            return Err(RecordsError::Unreadable(format!(
                "{name} is larger than {} MiB: split the export by year",
                MAX_XML_BYTES / 1024 / 1024
            )));
        }
        Cow::Owned(out)
    } else {
        Cow::Borrowed(bytes)
    };
    let raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&raw).to_vec();
    Ok(String::from_utf8(raw).unwrap_or_else(|e| {
        // Older exports are in Latin-1.
        e.into_bytes().iter().map(|b| char::from(*b)).collect()
    }))
}

/// Reads the tables of an export: the small ones whole, the datacards through `card`.
fn tables(
    text: &str,
    mut card: impl FnMut(u64, Row),
) -> Result<HashMap<String, Vec<Row>>, RecordsError> {
    let mut reader = quick_xml::Reader::from_str(text);
    // Not trimmed event by event: text around an entity (`Jenda &amp; Bigogwe`) keeps its
    // spaces; each value is trimmed whole.
    reader.config_mut().trim_text(false);
    let mut small: HashMap<String, Vec<Row>> = HashMap::new();
    let mut path: Vec<String> = Vec::new();
    let mut row: Row = HashMap::new();
    let mut cell = String::new();
    let mut cards = 0u64;
    let bad = |reader: &quick_xml::Reader<&[u8]>, e: &dyn std::fmt::Display| {
        RecordsError::Unreadable(format!(
            "not a readable DesInventar export (XML error at byte {}): {e}",
            reader.buffer_position()
        ))
    };
    loop {
        match reader.read_event().map_err(|e| bad(&reader, &e))? {
            Event::Start(e) => {
                path.push(e.local_name().as_ref().to_ascii_lowercase());
                cell.clear();
            }
            Event::Empty(_) => {}
            Event::Text(t) => cell.push_str(&t.xml10_content()),
            Event::CData(t) => cell.push_str(&t.into_inner()),
            Event::GeneralRef(r) => {
                let name = r.into_inner();
                cell.push_str(
                    &entity(&name)
                        .ok_or_else(|| bad(&reader, &format!("unknown entity &{name};")))?,
                );
            }
            Event::End(_) => {
                match path.len() {
                    // A column of a row of a table.
                    4 => {
                        if let Some(col) = path.last() {
                            row.insert(col.clone(), std::mem::take(&mut cell));
                        }
                    }
                    // A row.
                    3 => {
                        let table = path.get(1).cloned().unwrap_or_default();
                        let done = std::mem::take(&mut row);
                        if table == "fichas" {
                            cards += 1;
                            card(cards, done);
                        } else {
                            small.entry(table).or_default().push(done);
                        }
                    }
                    _ => {}
                }
                path.pop();
                cell.clear();
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if cards == 0 && !small.contains_key("eventos") {
        return Err(RecordsError::Unreadable(
            "no DesInventar tables (eventos, fichas) in this XML: import the DI_export file of a DesInventar export".into(),
        ));
    }
    Ok(small)
}

/// The hazard type of a DesInventar event: by its English name, then its own.
fn hazard(english: &str, own: &str) -> &'static str {
    let find = |name: &str| {
        let key = name.trim().to_ascii_uppercase();
        EVENTS.iter().find(|(n, _)| *n == key).map(|(_, h)| *h)
    };
    find(english).or_else(|| find(own)).unwrap_or("other")
}

/// Reads a DesInventar export into raw loss records with their places.
///
/// # Errors
/// When the bytes are not such an export.
pub fn read(bytes: &[u8]) -> Result<Export, RecordsError> {
    let kind = RecordKind::Losses;
    let text = xml_text(bytes)?;
    let mut cards: Vec<(u64, Row)> = Vec::new();
    let small = tables(&text, |n, row| cards.push((n, row)))?;
    let english = |table: &str, key: &str, en: &str| -> HashMap<String, String> {
        small
            .get(table)
            .into_iter()
            .flatten()
            .filter_map(|r| {
                let k = r.get(key)?.clone();
                let v = r.get(en).filter(|s| !s.is_empty()).unwrap_or(&k).clone();
                Some((k, v))
            })
            .collect()
    };
    let events = english("eventos", "nombre", "nombre_en");
    let causes = english("causas", "causa", "causa_en");
    let index = |name: &str| kind.field(name).map(|(i, _)| i);
    let mut unknown_quantity = 0u64;
    let mut day_unknown = 0u64;
    let mut out = Export::default();
    for (n, card) in cards {
        let get = |k: &str| card.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
        let mut cells: Vec<Option<String>> = vec![None; kind.fields().len()];
        let event = get("evento").unwrap_or("");
        let english_event = events.get(event).map_or(event, String::as_str);
        if let Some(i) = index("hazard") {
            cells[i] = Some(hazard(english_event, event).to_owned());
        }
        if let Some(i) = index("event") {
            cells[i] = Some(english_event.to_owned()).filter(|s| !s.is_empty());
        }
        if let (Some(i), Some(c)) = (index("cause"), get("causa")) {
            cells[i] = Some(causes.get(c).cloned().unwrap_or_else(|| c.to_owned()));
        }
        for (column, field) in COLUMNS {
            let (Some(i), Some(v)) = (index(field), get(column)) else {
                continue;
            };
            // DesInventar writes -1 for "there were some, number unknown".
            if v == "-1" || v == "-1.0" {
                unknown_quantity += 1;
                continue;
            }
            cells[i] = Some(v.to_owned());
        }
        let year = get("fechano").unwrap_or("");
        let month = get("fechames")
            .and_then(|m| m.parse::<u32>().ok())
            .unwrap_or(0);
        let day = get("fechadia")
            .and_then(|d| d.parse::<u32>().ok())
            .unwrap_or(0);
        if month == 0 || day == 0 {
            day_unknown += 1;
        }
        let date = format!("{year}-{:02}-{:02}", month.max(1), day.max(1));
        let place = Place {
            codes: (0..3)
                .map(|l| get(&format!("level{l}")).unwrap_or("").to_owned())
                .collect(),
            names: (0..3)
                .map(|l| get(&format!("name{l}")).unwrap_or("").to_owned())
                .collect(),
        };
        out.rows.push((
            RawRecord {
                row: n,
                id: get("serial").map(|s| format!("di-{s}")),
                code: None,
                date: Some(date),
                cells,
            },
            place,
        ));
    }
    if unknown_quantity > 0 {
        out.notes.push(format!(
            "{unknown_quantity} values of -1 (DesInventar: there were some, number unknown) read as no value"
        ));
    }
    if day_unknown > 0 {
        out.notes.push(format!(
            "{day_unknown} datacards without a month or day dated the first of their month or year"
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPORT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<DESINVENTAR>
 <eventos><TR><nombre>INUNDACION</nombre><nombre_en>FLOOD</nombre_en></TR>
  <TR><nombre>DESLIZAMIENTO</nombre><nombre_en>LANDSLIDE</nombre_en></TR>
  <TR><nombre>PLAGA</nombre><nombre_en>PLAGUE</nombre_en></TR></eventos>
 <causas><TR><causa>LLUVIAS</causa><causa_en>RAINS</causa_en></TR></causas>
 <fichas>
  <TR><serial>0012</serial><level0>3</level0><level1>34</level1><name0>West</name0><name1>Nyabihu</name1>
   <evento>INUNDACION</evento><causa>LLUVIAS</causa><lugar>Jenda &amp; Bigogwe</lugar>
   <fechano>2023</fechano><fechames>5</fechames><fechadia>3</fechadia>
   <muertos>5</muertos><desaparece>-1</desaparece><vivdest>12</vivdest><di_comments><![CDATA[<b>night</b>]]></di_comments></TR>
  <TR><serial>0013</serial><level0>4</level0><evento>PLAGA</evento><fechano>2019</fechano><fechames>0</fechames><fechadia>0</fechadia><heridos>2</heridos></TR>
 </fichas>
</DESINVENTAR>"#;

    #[test]
    fn reads_datacards_with_their_names_and_places() {
        let e = read(EXPORT.as_bytes()).expect("reads");
        assert_eq!(e.rows.len(), 2);
        let kind = RecordKind::Losses;
        let at = |name: &str| kind.field(name).expect("field").0;
        let (first, place) = &e.rows[0];
        assert_eq!(first.id.as_deref(), Some("di-0012"));
        assert_eq!(first.date.as_deref(), Some("2023-05-03"));
        assert_eq!(first.cells[at("hazard")].as_deref(), Some("flood"));
        assert_eq!(first.cells[at("event")].as_deref(), Some("FLOOD"));
        assert_eq!(first.cells[at("cause")].as_deref(), Some("RAINS"));
        assert_eq!(first.cells[at("place")].as_deref(), Some("Jenda & Bigogwe"));
        assert_eq!(first.cells[at("deaths")].as_deref(), Some("5"));
        assert_eq!(first.cells[at("missing")], None, "-1 is no number");
        assert_eq!(first.cells[at("comments")].as_deref(), Some("<b>night</b>"));
        assert_eq!(place.codes, vec!["3", "34", ""]);
        assert_eq!(place.names[1], "Nyabihu");
        let (second, _) = &e.rows[1];
        assert_eq!(second.cells[at("hazard")].as_deref(), Some("other"));
        assert_eq!(second.date.as_deref(), Some("2019-01-01"));
        assert_eq!(e.notes.len(), 2, "{:?}", e.notes);
    }

    #[test]
    fn broken_exports_say_what_they_are() {
        let err = read(b"<DESINVENTAR><fichas><TR><serial>1</serial></fichas>").unwrap_err();
        assert!(err.to_string().contains("XML error"), "{err}");
        let err = read(b"<html><body>login</body></html>").unwrap_err();
        assert!(err.to_string().contains("no DesInventar tables"), "{err}");
        let err = read(b"<a><b><TR><x>&bomb;</x></TR></b></a>").unwrap_err();
        assert!(err.to_string().contains("unknown entity"), "{err}");
        let err = read(b"PK\x03\x04garbage").unwrap_err();
        assert!(err.to_string().contains("zip"), "{err}");
    }
}

//! One cell of an import read as its field's type: what a field accepts and, when it
//! does not, a message that says what to write instead.

use chrono::NaiveDate;

use crate::model::record::{FieldSpec, FieldType, Value};

/// Longest text accepted in one field.
const MAX_TEXT: usize = 4_000;

/// Reads `raw` as a value of `field`.
///
/// # Errors
/// What is wrong with the cell, in words.
pub fn parse(field: &FieldSpec, raw: &str) -> Result<Value, String> {
    let raw = unquote(raw.trim());
    if raw.is_empty() {
        return if field.required {
            Err(format!("{} ({}) is required", field.title, field.name))
        } else {
            Ok(Value::Empty)
        };
    }
    match field.kind {
        FieldType::Count => {
            let n = number(field, raw)?;
            if n.fract() != 0.0 {
                return Err(format!(
                    "{} must be a whole number, not '{raw}'",
                    field.title
                ));
            }
            Ok(Value::Number(n))
        }
        FieldType::Quantity | FieldType::Money => number(field, raw).map(Value::Number),
        FieldType::Currency => {
            let code = raw.to_ascii_uppercase();
            if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
                Ok(Value::Text(code))
            } else {
                Err(format!(
                    "'{raw}' is not an ISO 4217 currency code (three letters, e.g. RWF, USD)"
                ))
            }
        }
        FieldType::SectorCode => {
            if raw.len() == 5 && raw.bytes().all(|b| b.is_ascii_digit()) {
                Ok(Value::Text(raw.to_owned()))
            } else {
                Err(format!(
                    "'{}' is not an OECD DAC 5-digit purpose code (e.g. 74020, multi-hazard response preparedness)",
                    shorten(raw)
                ))
            }
        }
        FieldType::Term => {
            let slug = raw.trim().to_lowercase().replace([' ', '_'], "-");
            field
                .terms
                .iter()
                .find(|t| **t == slug)
                .map(|t| Value::Text((*t).to_owned()))
                .ok_or_else(|| {
                    format!(
                        "unknown {} '{}': use one of {}",
                        field.title.to_lowercase(),
                        shorten(raw),
                        field.terms.join(", ")
                    )
                })
        }
        FieldType::LayerVersion => match raw.rsplit_once('@') {
            Some((id, v))
                if id.parse::<crate::model::LayerId>().is_ok()
                    && v.parse::<i32>().is_ok_and(|v| v > 0) =>
            {
                Ok(Value::Text(raw.to_owned()))
            }
            _ => Err(format!(
                "'{}' is not a layer version: write the layer's id and version as id@version (e.g. flood-zones@3)",
                shorten(raw)
            )),
        },
        FieldType::Verification => match raw.to_ascii_lowercase().as_str() {
            "confirmed" => Ok(Value::Text("confirmed".into())),
            "draft" => Err(
                "this record is a draft made from the exposure model: check its figures in the field, correct them and set #status+verified to confirmed".into(),
            ),
            _ => Err(format!(
                "verification '{}' is not known: write confirmed once the figures were checked in the field",
                shorten(raw)
            )),
        },
        FieldType::Text => {
            if raw.chars().count() > MAX_TEXT {
                Err(format!(
                    "{} is longer than {MAX_TEXT} characters",
                    field.title
                ))
            } else {
                Ok(Value::Text(raw.to_owned()))
            }
        }
    }
}

fn number(field: &FieldSpec, raw: &str) -> Result<f64, String> {
    let n: f64 = raw
        .replace([',', ' ', '\u{a0}'], "")
        .parse()
        .map_err(|_| format!("{} must be a number, not '{}'", field.title, shorten(raw)))?;
    if !n.is_finite() {
        return Err(format!("{} must be a finite number", field.title));
    }
    if n < 0.0 {
        let what = if field.kind == FieldType::Count {
            "count"
        } else {
            "value"
        };
        return Err(format!(
            "{} is a negative {what} ({raw}): write 0 or more, or leave it empty if unknown",
            field.title
        ));
    }
    Ok(n)
}

/// Reads a record's date: ISO 8601 (`2023-05-03`, a time after it is ignored) and not
/// after `today`.
///
/// # Errors
/// What is wrong, in words.
pub fn date(raw: &str, title: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let raw = unquote(raw.trim());
    if raw.is_empty() {
        return Err(format!("{title} is required"));
    }
    let day = raw.get(..10).unwrap_or(raw);
    let d = NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| {
        format!(
            "{title} '{}' is not a date: write it as YYYY-MM-DD (e.g. 2023-05-03)",
            shorten(raw)
        )
    })?;
    if d > today {
        return Err(format!(
            "{title} {d} is in the future (today is {today}): check the year and month"
        ));
    }
    Ok(d)
}

/// A cell as our own CSV exports write text that looks like a formula (`'=…`), read
/// back as the text.
fn unquote(raw: &str) -> &str {
    match raw.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => raw,
    }
}

/// At most 40 characters of a cell, for messages.
pub fn shorten(raw: &str) -> String {
    let mut s: String = raw.chars().take(40).collect();
    if raw.chars().count() > 40 {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RecordKind;
    use crate::model::record::HAZARD_TYPES;

    #[test]
    fn cells_read_or_say_why_not() {
        let deaths = FieldSpec::count("deaths", "#affected+killed", "Deaths");
        assert_eq!(parse(&deaths, " 12 "), Ok(Value::Number(12.0)));
        assert_eq!(parse(&deaths, "1,204"), Ok(Value::Number(1204.0)));
        assert_eq!(parse(&deaths, ""), Ok(Value::Empty));
        assert!(parse(&deaths, "-3").unwrap_err().contains("negative count"));
        assert!(parse(&deaths, "2.5").unwrap_err().contains("whole number"));
        assert!(
            parse(&deaths, "many")
                .unwrap_err()
                .contains("must be a number")
        );
        assert!(parse(&deaths, "inf").is_err());
        let hazard =
            FieldSpec::term("hazard", "#event+type", "Hazard type", HAZARD_TYPES).required();
        assert_eq!(
            parse(&hazard, "Flash flood"),
            Ok(Value::Text("flash-flood".into()))
        );
        assert_eq!(
            parse(&hazard, "LANDSLIDE"),
            Ok(Value::Text("landslide".into()))
        );
        assert!(parse(&hazard, "").unwrap_err().contains("required"));
        assert!(
            parse(&hazard, "tsunami")
                .unwrap_err()
                .contains("use one of flood")
        );
        let text = FieldSpec::text("comments", "#description", "Comments");
        assert_eq!(parse(&text, "'=1+1"), Ok(Value::Text("=1+1".into())));
        let (_, layer) = RecordKind::Losses.field("hazard_layer").expect("field");
        assert_eq!(
            parse(layer, "flood-zones@3"),
            Ok(Value::Text("flood-zones@3".into()))
        );
        for bad in ["flood-zones", "flood-zones@0", "Flood Zones@2", "a@b", "@4"] {
            assert!(
                parse(layer, bad).unwrap_err().contains("id@version"),
                "{bad}"
            );
        }
        let (_, verified) = RecordKind::Losses.field("verification").expect("field");
        assert_eq!(
            parse(verified, "Confirmed"),
            Ok(Value::Text("confirmed".into()))
        );
        assert_eq!(parse(verified, ""), Ok(Value::Empty));
        assert!(
            parse(verified, "draft")
                .unwrap_err()
                .contains("check its figures in the field")
        );
        assert!(parse(verified, "ok").unwrap_err().contains("not known"));
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        assert_eq!(
            date("2023-05-03T00:00:00Z", "Date", today),
            Ok(NaiveDate::from_ymd_opt(2023, 5, 3).expect("date"))
        );
        assert!(
            date("2027-01-01", "Date", today)
                .unwrap_err()
                .contains("future")
        );
        assert!(
            date("03/05/2023", "Date", today)
                .unwrap_err()
                .contains("YYYY-MM-DD")
        );
    }
}

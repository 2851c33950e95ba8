//! One cell of an import read as its field's type: what a field accepts and, when it
//! does not, a message that says what to write instead.

use chrono::NaiveDate;

use crate::model::record::{FieldSpec, FieldType, Value};

/// Longest text accepted in one field.
const MAX_TEXT: usize = 4_000;

/// Reads `raw` as a value of `field` (a date not after `today`).
///
/// # Errors
/// What is wrong with the cell, in words.
pub fn parse(field: &FieldSpec, raw: &str, today: NaiveDate) -> Result<Value, String> {
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
        FieldType::Date => date(raw, field.title, today).map(|d| Value::Text(d.to_string())),
        FieldType::Country => {
            let code = raw.to_ascii_uppercase();
            if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
                Ok(Value::Text(code))
            } else {
                Err(format!(
                    "'{}' is not an ISO 3166-1 alpha-3 country code (three letters, e.g. COD, UGA, BDI)",
                    shorten(raw)
                ))
            }
        }
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
    let separated = raw.contains([',', ' ', '\u{a0}']);
    let n: f64 = if separated {
        std::borrow::Cow::Owned(raw.replace([',', ' ', '\u{a0}'], ""))
    } else {
        std::borrow::Cow::Borrowed(raw)
    }
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

    const TODAY: NaiveDate = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    use crate::model::RecordKind;
    use crate::model::record::HAZARD_TYPES;

    #[test]
    fn cells_read_or_say_why_not() {
        let deaths = FieldSpec::count("deaths", "#affected+killed", "Deaths");
        assert_eq!(parse(&deaths, " 12 ", TODAY), Ok(Value::Number(12.0)));
        assert_eq!(parse(&deaths, "1,204", TODAY), Ok(Value::Number(1204.0)));
        assert_eq!(parse(&deaths, "", TODAY), Ok(Value::Empty));
        assert!(
            parse(&deaths, "-3", TODAY)
                .unwrap_err()
                .contains("negative count")
        );
        assert!(
            parse(&deaths, "2.5", TODAY)
                .unwrap_err()
                .contains("whole number")
        );
        assert!(
            parse(&deaths, "many", TODAY)
                .unwrap_err()
                .contains("must be a number")
        );
        assert!(parse(&deaths, "inf", TODAY).is_err());
        let hazard =
            FieldSpec::term("hazard", "#event+type", "Hazard type", HAZARD_TYPES).required();
        assert_eq!(
            parse(&hazard, "Flash flood", TODAY),
            Ok(Value::Text("flash-flood".into()))
        );
        assert_eq!(
            parse(&hazard, "LANDSLIDE", TODAY),
            Ok(Value::Text("landslide".into()))
        );
        assert!(parse(&hazard, "", TODAY).unwrap_err().contains("required"));
        assert!(
            parse(&hazard, "tsunami", TODAY)
                .unwrap_err()
                .contains("use one of flood")
        );
        let text = FieldSpec::text("comments", "#description", "Comments");
        assert_eq!(parse(&text, "'=1+1", TODAY), Ok(Value::Text("=1+1".into())));
        let (_, layer) = RecordKind::Losses.field("hazard_layer").expect("field");
        assert_eq!(
            parse(layer, "flood-zones@3", TODAY),
            Ok(Value::Text("flood-zones@3".into()))
        );
        for bad in ["flood-zones", "flood-zones@0", "Flood Zones@2", "a@b", "@4"] {
            assert!(
                parse(layer, bad, TODAY).unwrap_err().contains("id@version"),
                "{bad}"
            );
        }
        let (_, verified) = RecordKind::Losses.field("verification").expect("field");
        assert_eq!(
            parse(verified, "Confirmed", TODAY),
            Ok(Value::Text("confirmed".into()))
        );
        assert_eq!(parse(verified, "", TODAY), Ok(Value::Empty));
        assert!(
            parse(verified, "draft", TODAY)
                .unwrap_err()
                .contains("check its figures in the field")
        );
        assert!(
            parse(verified, "ok", TODAY)
                .unwrap_err()
                .contains("not known")
        );
        let food = FieldSpec::date("food_date", "#date+food", "Food received");
        assert_eq!(
            parse(&food, "2025-03-10T09:00", TODAY),
            Ok(Value::Text("2025-03-10".into()))
        );
        assert!(
            parse(&food, "2027-01-01", TODAY)
                .unwrap_err()
                .contains("in the future")
        );
        assert!(
            parse(&food, "10/03/2025", TODAY)
                .unwrap_err()
                .contains("YYYY-MM-DD")
        );
        let origin = FieldSpec {
            kind: FieldType::Country,
            ..FieldSpec::text("origin", "#country+code+origin", "Country of origin")
        };
        assert_eq!(parse(&origin, "cod", TODAY), Ok(Value::Text("COD".into())));
        assert!(
            parse(&origin, "Congo", TODAY)
                .unwrap_err()
                .contains("alpha-3")
        );
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

//! CSV cells as spreadsheets should read them: quoted when they hold a separator, a
//! quote or a line break, and never taken for a formula (OWASP's advice for CSV
//! injection: a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is
//! prefixed with a single quote, so Excel and LibreOffice show it as text).

use serde_json::Value;

/// Whether a spreadsheet would read `text` as the start of a formula.
fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// One CSV cell of `text`.
#[must_use]
pub fn cell(text: &str) -> String {
    let text = if looks_like_formula(text) && text.parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// One CSV cell of a JSON value: empty for null, numbers as JSON writes them.
#[must_use]
pub fn value_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => cell(s),
        other => cell(&other.to_string()),
    }
}

/// One CSV cell of a number, written as JSON writes it (`3.0`, `0.5`); empty when not
/// finite.
#[must_use]
pub fn number(v: f64) -> String {
    serde_json::Number::from_f64(v).map_or_else(String::new, |n| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        assert_eq!(
            cell("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(cell("+1+2"), "'+1+2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("-12.5"), "-12.5", "a negative number stays a number");
        assert_eq!(cell("Kigali, Gasabo"), "\"Kigali, Gasabo\"");
        assert_eq!(cell("Nyarugenge"), "Nyarugenge");
        assert_eq!(value_cell(&Value::Null), "");
        assert_eq!(value_cell(&serde_json::json!(-3.5)), "-3.5");
        assert_eq!(number(3.0), "3.0");
        assert_eq!(number(f64::NAN), "");
    }
}

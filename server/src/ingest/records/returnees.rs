//! What a returnee household's fields must agree on, beyond each field's own type: its
//! members by sex and by age add up to its members, no more children enrolled than of
//! school age, and each support component's status and date tell one story (received
//! with the day it was, never before the household arrived).

use chrono::NaiveDate;

use super::Fault;
use crate::model::record::{Record, RecordKind, SUPPORT_COMPONENTS, Value};

/// Checks a returnee household record.
///
/// # Errors
/// The first field at fault and what to write instead.
pub fn check(record: &Record) -> Result<(), Fault> {
    let kind = RecordKind::Returnees;
    let field = |name: &str| {
        kind.field(name)
            .and_then(|(i, _)| record.values.get(i))
            .unwrap_or(&Value::Empty)
    };
    let count = |name: &str| field(name).number();
    let members = count("members").unwrap_or(0.0);
    if members < 1.0 {
        return Err((
            "members",
            "a household has at least one member: give how many arrived".into(),
        ));
    }
    for (what, parts) in [
        ("sex", &["females", "males"][..]),
        (
            "age",
            &["age_0_4", "age_5_17", "age_18_59", "age_60_plus"][..],
        ),
    ] {
        let given: Vec<f64> = parts.iter().filter_map(|p| count(p)).collect();
        let sum: f64 = given.iter().sum();
        let all = given.len() == parts.len();
        if sum > members || (all && sum != members) {
            return Err((
                parts[0],
                format!(
                    "the members by {what} ({}) add up to {sum}, not the household's {members} members: correct them or leave the unknown ones empty",
                    parts.join(" + ")
                ),
            ));
        }
    }
    let school_age = count("school_age");
    if school_age.is_some_and(|n| n > members) {
        return Err((
            "school_age",
            format!("more children of school age than the household's {members} members"),
        ));
    }
    if let (Some(enrolled), Some(of_age)) = (count("enrolled"), school_age)
        && enrolled > of_age
    {
        return Err((
            "enrolled",
            format!(
                "{enrolled} children enrolled but {of_age} of school age: enrolled counts only children of school age"
            ),
        ));
    }
    for (status, date) in SUPPORT_COMPONENTS {
        let title = kind.field(status).map_or(*status, |(_, f)| f.title);
        let day = field(date).text().and_then(|d| d.parse::<NaiveDate>().ok());
        match (field(status).text(), day) {
            (Some("received"), None) => {
                return Err((
                    date,
                    format!("{title} is received: give the date it was, as YYYY-MM-DD"),
                ));
            }
            (Some("received"), Some(d)) if d < record.date => {
                return Err((
                    date,
                    format!(
                        "{title} received on {d}, before the household arrived on {}: check the dates",
                        record.date
                    ),
                ));
            }
            (s, Some(_)) if s != Some("received") => {
                return Err((
                    status,
                    format!(
                        "{title} has a date but its status is {}: set it to received, or clear the date",
                        s.unwrap_or("empty")
                    ),
                ));
            }
            _ => {}
        }
    }
    if let (Some("received"), Some(enrolled), Some(of_age)) =
        (field("school").text(), count("enrolled"), school_age)
        && enrolled < of_age
    {
        return Err((
            "school",
            format!(
                "school enrolment is received but {enrolled} of {of_age} children of school age are enrolled: set it to in-progress until all are"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn household(cells: &[(&str, Value)]) -> Record {
        let kind = RecordKind::Returnees;
        let mut values = vec![Value::Empty; kind.fields().len()];
        for (name, v) in cells {
            values[kind.field(name).unwrap().0] = v.clone();
        }
        Record {
            id: "HH-1".into(),
            code: "41010101".into(),
            date: NaiveDate::from_ymd_opt(2025, 3, 10).unwrap(),
            values,
        }
    }

    fn n(v: f64) -> Value {
        Value::Number(v)
    }

    fn s(v: &str) -> Value {
        Value::Text(v.into())
    }

    #[test]
    fn a_consistent_household_passes() {
        let h = household(&[
            ("origin", s("COD")),
            ("members", n(5.0)),
            ("females", n(3.0)),
            ("males", n(2.0)),
            ("age_5_17", n(2.0)),
            ("school_age", n(2.0)),
            ("enrolled", n(2.0)),
            ("food", s("received")),
            ("food_date", s("2025-03-10")),
            ("school", s("received")),
            ("school_date", s("2025-04-01")),
            ("shelter", s("pending")),
        ]);
        assert_eq!(check(&h), Ok(()));
    }

    #[test]
    fn what_does_not_add_up_is_named() {
        let fault = |cells: &[(&str, Value)]| {
            let mut all = vec![("members", n(4.0))];
            all.extend_from_slice(cells);
            check(&household(&all)).unwrap_err()
        };
        assert_eq!(
            fault(&[("females", n(3.0)), ("males", n(2.0))]).0,
            "females"
        );
        assert!(
            fault(&[
                ("age_0_4", n(1.0)),
                ("age_5_17", n(1.0)),
                ("age_18_59", n(1.0)),
                ("age_60_plus", n(0.0)),
            ])
            .1
            .contains("add up to 3")
        );
        assert_eq!(fault(&[("school_age", n(5.0))]).0, "school_age");
        assert_eq!(
            fault(&[("school_age", n(1.0)), ("enrolled", n(2.0))]).0,
            "enrolled"
        );
        assert_eq!(fault(&[("food", s("received"))]).0, "food_date");
        let early = fault(&[("food", s("received")), ("food_date", s("2025-03-01"))]);
        assert!(
            early
                .1
                .contains("before the household arrived on 2025-03-10")
        );
        assert_eq!(
            fault(&[("shelter", s("pending")), ("shelter_date", s("2025-05-01"))]).0,
            "shelter"
        );
        assert_eq!(
            fault(&[
                ("school_age", n(2.0)),
                ("enrolled", n(1.0)),
                ("school", s("received")),
                ("school_date", s("2025-04-01")),
            ])
            .0,
            "school"
        );
        assert_eq!(check(&household(&[])).unwrap_err().0, "members");
    }
}

//! The typed fields of a record kind and the values records hold in them.

use serde::{Deserialize, Serialize};

use crate::model::macros::string_enum;

string_enum! {
    /// What a field holds and how its values are checked.
    FieldType, "field type" {
        /// A whole number of people, houses, facilities, animals: 0 or more.
        Count => "count",
        /// A measured quantity (hectares, kilometres): 0 or more, fractions allowed.
        Quantity => "quantity",
        /// An amount of money in the record's currency or in a named one: 0 or more.
        Money => "money",
        /// An ISO 4217 currency code (three capital letters) from the rate table.
        Currency => "currency",
        /// An OECD DAC 5-digit purpose code (sector).
        SectorCode => "sector-code",
        /// One of the field's listed terms.
        Term => "term",
        /// Free text.
        Text => "text",
        /// A day, ISO 8601 (`2024-03-18`), not after today.
        Date => "date",
        /// An ISO 3166-1 alpha-3 country code (`COD`, `UGA`).
        Country => "country",
        /// A version of a layer, written `id@version` (`flood-zones@3`).
        LayerVersion => "layer-version",
        /// Whether a record was confirmed in the field: `confirmed`; a `draft` made from
        /// the exposure model is refused until someone has checked it.
        Verification => "verification",
    }
}

string_enum! {
    /// How a numeric field rolls up from units to their parents and over periods.
    Aggregate, "aggregate" {
        /// Added up (counts, amounts).
        Sum => "sum",
        /// Averaged over the records (rates, scores).
        Mean => "mean",
    }
}

/// One field of a record kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FieldSpec {
    /// Its name in JSON and the API (`deaths`).
    pub name: &'static str,
    /// Its HXL hashtag with attributes (`#affected+killed`).
    pub hxl: &'static str,
    /// Its title in English.
    pub title: &'static str,
    /// What it holds.
    #[serde(rename = "type")]
    pub kind: FieldType,
    /// Whether every record must have it.
    pub required: bool,
    /// How it rolls up, for numeric fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aggregate: Option<Aggregate>,
    /// The terms a [`FieldType::Term`] field allows.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub terms: &'static [&'static str],
}

impl FieldSpec {
    /// A summed count.
    #[must_use]
    pub const fn count(name: &'static str, hxl: &'static str, title: &'static str) -> Self {
        Self {
            name,
            hxl,
            title,
            kind: FieldType::Count,
            required: false,
            aggregate: Some(Aggregate::Sum),
            terms: &[],
        }
    }

    /// A summed quantity or amount of `kind`.
    #[must_use]
    pub const fn summed(
        name: &'static str,
        hxl: &'static str,
        title: &'static str,
        kind: FieldType,
    ) -> Self {
        Self {
            aggregate: Some(Aggregate::Sum),
            kind,
            ..Self::count(name, hxl, title)
        }
    }

    /// A text field.
    #[must_use]
    pub const fn text(name: &'static str, hxl: &'static str, title: &'static str) -> Self {
        Self {
            kind: FieldType::Text,
            aggregate: None,
            ..Self::count(name, hxl, title)
        }
    }

    /// A field of listed terms.
    #[must_use]
    pub const fn term(
        name: &'static str,
        hxl: &'static str,
        title: &'static str,
        terms: &'static [&'static str],
    ) -> Self {
        Self {
            kind: FieldType::Term,
            aggregate: None,
            terms,
            ..Self::count(name, hxl, title)
        }
    }

    /// A date field (when something happened besides the record's own date).
    #[must_use]
    pub const fn date(name: &'static str, hxl: &'static str, title: &'static str) -> Self {
        Self {
            kind: FieldType::Date,
            ..Self::text(name, hxl, title)
        }
    }

    /// The same field, required.
    #[must_use]
    pub const fn required(self) -> Self {
        Self {
            required: true,
            ..self
        }
    }

    /// Whether the field rolls up (has a numeric aggregate).
    #[must_use]
    pub fn is_numeric(&self) -> bool {
        self.aggregate.is_some()
    }
}

/// A value a record holds in one field: nothing, a number or text. Written in JSON as
/// `null`, a number or a string.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// No value given.
    Empty,
    /// A number (counts are whole numbers).
    Number(f64),
    /// Text, a term or a currency code.
    Text(String),
}

/// Read straight from what the JSON holds: serde's `untagged` would first copy every
/// value aside to try each variant in turn, which was most of the time a register took
/// to load.
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Value;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("null, a number or a string")
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Empty)
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Empty)
            }
            fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
                Ok(Value::Number(v))
            }
            #[expect(
                clippy::cast_precision_loss,
                reason = "counts and amounts are well below 2^53"
            )]
            fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
                Ok(Value::Number(v as f64))
            }
            #[expect(
                clippy::cast_precision_loss,
                reason = "counts and amounts are well below 2^53"
            )]
            fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
                Ok(Value::Number(v as f64))
            }
            fn visit_str<E>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Text(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Value, E> {
                Ok(Value::Text(v))
            }
        }
        d.deserialize_any(Visit)
    }
}

impl Value {
    /// The number, if the value is one.
    #[must_use]
    pub fn number(&self) -> Option<f64> {
        match self {
            Self::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The text, if the value is text.
    #[must_use]
    pub fn text(&self) -> Option<&str> {
        match self {
            Self::Text(t) => Some(t),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Value;

    #[test]
    fn values_read_back_as_written() {
        let values = vec![
            Value::Empty,
            Value::Number(3.0),
            Value::Number(2.5),
            Value::Number(-1.0),
            Value::Text("flood".into()),
            Value::Text("12".into()),
        ];
        let text = serde_json::to_string(&values).unwrap();
        assert_eq!(text, r#"[null,3.0,2.5,-1.0,"flood","12"]"#);
        let back: Vec<Value> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, values);
        let ints: Vec<Value> = serde_json::from_str("[7, 18446744073709551615, -3]").unwrap();
        assert_eq!(ints[0], Value::Number(7.0));
        assert_eq!(ints[2], Value::Number(-3.0));
        assert!(
            serde_json::from_str::<Value>("[1]").is_err(),
            "a list is no value"
        );
    }
}

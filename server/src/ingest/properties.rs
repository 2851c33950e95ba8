//! Feature attributes: GDAL field values to JSON, and the field mapping that fills the
//! engine's normalised columns (name, code, population, households, hazard class).

use gdal::vector::{Feature, FieldValue};
use serde_json::{Map, Value};

use super::{IngestError, LoadOptions};
use crate::model::LayerKind;
use crate::model::{Classification, HazardClass};

/// A feature's attributes as JSON (nulls kept, so every feature has every field).
pub fn to_json(f: &Feature<'_>) -> Map<String, Value> {
    f.fields()
        .map(|(name, value)| (name, value.map_or(Value::Null, field_to_json)))
        .collect()
}

fn field_to_json(v: FieldValue) -> Value {
    match v {
        FieldValue::IntegerValue(i) => Value::from(i),
        FieldValue::Integer64Value(i) => Value::from(i),
        FieldValue::RealValue(r) => {
            serde_json::Number::from_f64(r).map_or(Value::Null, Value::Number)
        }
        FieldValue::StringValue(s) => Value::String(s),
        FieldValue::IntegerListValue(l) => l.into_iter().map(Value::from).collect(),
        FieldValue::Integer64ListValue(l) => l.into_iter().map(Value::from).collect(),
        FieldValue::RealListValue(l) => l
            .into_iter()
            .map(|r| serde_json::Number::from_f64(r).map_or(Value::Null, Value::Number))
            .collect(),
        FieldValue::StringListValue(l) => l.into_iter().map(Value::String).collect(),
        FieldValue::DateValue(d) => Value::String(d.to_string()),
        FieldValue::DateTimeValue(d) => Value::String(d.to_rfc3339()),
    }
}

/// The mapped values of one feature.
#[derive(Debug, Default)]
pub struct Mapped {
    pub name: Option<String>,
    pub code: Option<String>,
    pub population: Option<f64>,
    pub households: Option<f64>,
    pub hazard_class: Option<HazardClass>,
}

/// The checked field mapping of one load.
pub struct Mapping {
    name: Option<String>,
    code: Option<String>,
    population: Option<String>,
    households: Option<String>,
    hazard: Option<(String, Classification)>,
}

impl Mapping {
    /// Checks that every mapped field exists and that a hazard layer names its value field.
    pub fn new(path: &str, fields: &[String], opts: &LoadOptions) -> Result<Self, IngestError> {
        for (role, field) in opts.fields.roles() {
            if !fields.iter().any(|f| f == field) {
                return Err(IngestError::UnknownField {
                    path: path.to_owned(),
                    role: role.to_owned(),
                    field: field.to_owned(),
                    available: available(fields),
                });
            }
        }
        let hazard = match (opts.kind, &opts.fields.hazard) {
            (LayerKind::Hazard, None) => {
                return Err(IngestError::NoHazardField {
                    path: path.to_owned(),
                    available: available(fields),
                });
            }
            (_, Some(field)) => Some((
                field.clone(),
                opts.classification
                    .clone()
                    .unwrap_or_else(Classification::class_names),
            )),
            (_, None) => None,
        };
        Ok(Self {
            name: opts.fields.name.clone(),
            code: opts.fields.code.clone(),
            population: opts.fields.population.clone(),
            households: opts.fields.households.clone(),
            hazard,
        })
    }

    /// Whether hazard values are classified in this load.
    pub fn has_hazard(&self) -> bool {
        self.hazard.is_some()
    }

    /// Reads the mapped values; `warn` is told of values that cannot be read.
    pub fn apply(&self, props: &Map<String, Value>, warn: &mut dyn FnMut(String)) -> Mapped {
        let get = |field: &Option<String>| {
            field
                .as_ref()
                .and_then(|f| props.get(f))
                .filter(|v| !v.is_null())
        };
        let mut number = |role: &str, field: &Option<String>| -> Option<f64> {
            let v = get(field)?;
            let n = match v {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().replace(',', "").parse::<f64>().ok(),
                _ => None,
            };
            match n {
                Some(n) if n.is_finite() && n >= 0.0 => Some(n),
                _ => {
                    warn(format!(
                        "{role} '{}' in field '{}' is not a non-negative number: left empty",
                        text(v),
                        field.as_deref().unwrap_or_default()
                    ));
                    None
                }
            }
        };
        let population = number("population", &self.population);
        let households = number("households", &self.households);
        Mapped {
            name: get(&self.name).map(text),
            code: get(&self.code).map(text),
            population,
            households,
            hazard_class: self
                .hazard
                .as_ref()
                .and_then(|(field, c)| props.get(field).and_then(|v| c.classify(v))),
        }
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn available(fields: &[String]) -> String {
    if fields.is_empty() {
        "(none)".into()
    } else {
        fields.join(", ")
    }
}

//! Hazard classification: how a layer's raw hazard values map to ordered classes
//! (high / medium / low / very low), each with an `affected` flag and a
//! displacement rate, as InaSAFE does.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::macros::string_enum;

string_enum! {
    /// Ordered hazard classes, most severe first.
    HazardClass, "hazard class" {
        /// Most severe.
        High => "high",
        /// Moderate.
        Medium => "medium",
        /// Minor.
        Low => "low",
        /// Barely any.
        VeryLow => "very_low",
    }
}

impl HazardClass {
    /// 1 = high, 2 = medium, 3 = low, 4 = very low (0 is left for "no class").
    #[must_use]
    pub fn code(self) -> u8 {
        match self {
            Self::High => 1,
            Self::Medium => 2,
            Self::Low => 3,
            Self::VeryLow => 4,
        }
    }
}

/// One class and the raw values that fall in it.
///
/// Numeric ranges are open below and closed above: `min < value <= max`, so with the
/// flood defaults a depth of exactly 1.5 m is `medium` and anything deeper is `high`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassRule {
    /// The class assigned.
    pub class: HazardClass,
    /// Exclusive lower bound of a numeric value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Inclusive upper bound of a numeric value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Categorical values (compared as text, case-insensitively) that map to the class.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// Whether people in this class count as affected.
    pub affected: bool,
    /// Share of the affected population expected to be displaced (0-1).
    pub displacement_rate: f64,
}

/// A named set of class rules; the first rule that matches wins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    /// Preset name or a name given by the operator.
    pub name: String,
    /// Unit of numeric values (e.g. `m`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Rules, most severe first.
    pub rules: Vec<ClassRule>,
}

/// Default `affected` flag and displacement rate of each class. Configurable per layer by
/// giving a classification file; these follow the InaSAFE convention that the two most
/// severe classes displace people and the lowest class is not counted as affected.
fn class_defaults(class: HazardClass) -> (bool, f64) {
    match class {
        HazardClass::High => (true, 1.0),
        HazardClass::Medium => (true, 0.5),
        HazardClass::Low => (true, 0.1),
        HazardClass::VeryLow => (false, 0.0),
    }
}

fn range_rule(class: HazardClass, min: Option<f64>, max: Option<f64>) -> ClassRule {
    let (affected, displacement_rate) = class_defaults(class);
    ClassRule {
        class,
        min,
        max,
        values: Vec::new(),
        affected,
        displacement_rate,
    }
}

fn value_rule(class: HazardClass, values: &[&str]) -> ClassRule {
    let (affected, displacement_rate) = class_defaults(class);
    ClassRule {
        class,
        min: None,
        max: None,
        values: values.iter().map(|v| (*v).to_owned()).collect(),
        affected,
        displacement_rate,
    }
}

/// Names of the built-in classifications, for help texts and errors.
pub const PRESETS: &[&str] = &["flood-depth", "landslide-susceptibility", "class-names"];

impl Classification {
    /// Flood depth in metres: high > 1.5, medium 0.7-1.5, low 0.1-0.7.
    #[must_use]
    pub fn flood_depth() -> Self {
        Self {
            name: "flood-depth".into(),
            unit: Some("m".into()),
            rules: vec![
                range_rule(HazardClass::High, Some(1.5), None),
                range_rule(HazardClass::Medium, Some(0.7), Some(1.5)),
                range_rule(HazardClass::Low, Some(0.1), Some(0.7)),
            ],
        }
    }

    /// Landslide susceptibility 4/3/2/1 = high/medium/low/very low (or the class names).
    #[must_use]
    pub fn landslide_susceptibility() -> Self {
        Self {
            name: "landslide-susceptibility".into(),
            unit: None,
            rules: vec![
                value_rule(HazardClass::High, &["4", "high"]),
                value_rule(HazardClass::Medium, &["3", "medium"]),
                value_rule(HazardClass::Low, &["2", "low"]),
                value_rule(HazardClass::VeryLow, &["1", "very_low", "very low"]),
            ],
        }
    }

    /// The field already holds class names (`high`, `medium`, `low`, `very_low`).
    #[must_use]
    pub fn class_names() -> Self {
        Self {
            name: "class-names".into(),
            unit: None,
            rules: HazardClass::ALL
                .iter()
                .map(|c| value_rule(*c, &[c.as_str()]))
                .collect(),
        }
    }

    /// Checks the rules make sense: at least one, rates within 0-1, ranges ordered.
    ///
    /// # Errors
    /// A [`ClassificationError`] naming the first bad rule.
    pub fn validate(&self) -> Result<(), ClassificationError> {
        if self.rules.is_empty() {
            return Err(ClassificationError::NoRules(self.name.clone()));
        }
        for (i, r) in self.rules.iter().enumerate() {
            let rule = || RuleAt {
                classification: self.name.clone(),
                number: i + 1,
                class: r.class,
            };
            if !(0.0..=1.0).contains(&r.displacement_rate) {
                return Err(ClassificationError::Rate(rule(), r.displacement_rate));
            }
            if let (Some(lo), Some(hi)) = (r.min, r.max)
                && lo >= hi
            {
                return Err(ClassificationError::Range(rule(), lo, hi));
            }
            if r.values.is_empty() && r.min.is_none() && r.max.is_none() {
                return Err(ClassificationError::Matches(rule()));
            }
        }
        Ok(())
    }

    /// The class of a raw value, or `None` when no rule matches (not hazardous).
    #[must_use]
    pub fn classify(&self, raw: &serde_json::Value) -> Option<HazardClass> {
        let text = match raw {
            serde_json::Value::String(s) => s.trim().to_owned(),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            _ => return None,
        };
        let number = match raw {
            serde_json::Value::Number(n) => n.as_f64(),
            _ => text.parse::<f64>().ok(),
        };
        self.rules.iter().find_map(|rule| {
            let by_value = rule.values.iter().any(|v| {
                v.eq_ignore_ascii_case(&text)
                    || number.is_some_and(|n| v.parse::<f64>().is_ok_and(|w| w == n))
            });
            let by_range = (rule.min.is_some() || rule.max.is_some())
                && number.is_some_and(|n| {
                    n.is_finite()
                        && rule.min.is_none_or(|lo| n > lo)
                        && rule.max.is_none_or(|hi| n <= hi)
                });
            (by_value || by_range).then_some(rule.class)
        })
    }

    /// The class of a numeric raw value (a raster cell), or `None`.
    #[must_use]
    pub fn classify_number(&self, n: f64) -> Option<HazardClass> {
        serde_json::Number::from_f64(n).and_then(|n| self.classify(&serde_json::Value::Number(n)))
    }

    /// Rules that read class codes (1 = high ... 4 = very low, see [`HazardClass::code`])
    /// with this classification's `affected` flags and displacement rates: how the features
    /// polygonised from a classified raster are read back.
    #[must_use]
    pub fn by_class_code(&self) -> Self {
        Self {
            name: self.name.clone(),
            unit: None,
            rules: self
                .rules
                .iter()
                .map(|r| ClassRule {
                    class: r.class,
                    min: None,
                    max: None,
                    values: vec![r.class.code().to_string()],
                    affected: r.affected,
                    displacement_rate: r.displacement_rate,
                })
                .collect(),
        }
    }
}

/// Which rule of which classification an error is about.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleAt {
    classification: String,
    number: usize,
    class: HazardClass,
}

impl std::fmt::Display for RuleAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "classification '{}' rule {} ({})",
            self.classification, self.number, self.class
        )
    }
}

/// Why a classification cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ClassificationError {
    /// It has no rules.
    #[error("classification '{0}' has no rules")]
    NoRules(String),
    /// A displacement rate outside 0-1.
    #[error("{0}: displacement_rate {1} is not between 0 and 1")]
    Rate(RuleAt, f64),
    /// A range whose minimum is not below its maximum.
    #[error("{0}: min {1} is not below max {2}")]
    Range(RuleAt, f64, f64),
    /// A rule that matches nothing.
    #[error("{0}: give values, min or max")]
    Matches(RuleAt),
    /// Inline JSON that does not parse as a classification.
    #[error("classification JSON is not valid: {0}")]
    Json(#[source] serde_json::Error),
    /// Neither a preset nor JSON.
    #[error("unknown classification '{0}': use one of {presets} or a JSON object", presets = PRESETS.join(", "))]
    Unknown(String),
}

impl FromStr for Classification {
    type Err = ClassificationError;

    /// A preset name, or a JSON classification inline.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let c = match s {
            "flood-depth" => Self::flood_depth(),
            "landslide-susceptibility" => Self::landslide_susceptibility(),
            "class-names" => Self::class_names(),
            json if json.trim_start().starts_with('{') => {
                serde_json::from_str(json).map_err(ClassificationError::Json)?
            }
            other => {
                return Err(ClassificationError::Unknown(
                    other.chars().take(80).collect(),
                ));
            }
        };
        c.validate()?;
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flood_depth_thresholds_are_open_below_closed_above() {
        let c = Classification::flood_depth();
        let class = |v: serde_json::Value| c.classify(&v);
        assert_eq!(class(json!(2.0)), Some(HazardClass::High));
        assert_eq!(class(json!(1.5)), Some(HazardClass::Medium));
        assert_eq!(class(json!(0.7)), Some(HazardClass::Low));
        assert_eq!(class(json!("0.71")), Some(HazardClass::Medium));
        assert_eq!(class(json!(0.1)), None);
        assert_eq!(class(json!(null)), None);
        assert_eq!(class(json!("deep")), None);
    }

    #[test]
    fn landslide_codes_and_names() {
        let c = Classification::landslide_susceptibility();
        assert_eq!(c.classify(&json!(4)), Some(HazardClass::High));
        assert_eq!(c.classify(&json!("3")), Some(HazardClass::Medium));
        assert_eq!(c.classify(&json!(3.0)), Some(HazardClass::Medium));
        assert_eq!(c.classify(&json!("Very Low")), Some(HazardClass::VeryLow));
        assert_eq!(c.classify(&json!(5)), None);
    }

    #[test]
    fn parses_presets_and_json_and_rejects_nonsense() {
        assert_eq!(
            "flood-depth".parse::<Classification>().unwrap(),
            Classification::flood_depth()
        );
        let custom: Classification = r#"{"name":"lahar","rules":[{"class":"high","values":["A"],"affected":true,"displacement_rate":0.8}]}"#
            .parse()
            .unwrap();
        assert_eq!(custom.classify(&json!("a")), Some(HazardClass::High));
        assert_eq!(
            "depth".parse::<Classification>().unwrap_err().to_string(),
            "unknown classification 'depth': use one of flood-depth, landslide-susceptibility, class-names or a JSON object"
        );
        let bad = r#"{"name":"x","rules":[{"class":"high","min":1,"affected":true,"displacement_rate":2}]}"#;
        assert_eq!(
            bad.parse::<Classification>().unwrap_err().to_string(),
            "classification 'x' rule 1 (high): displacement_rate 2 is not between 0 and 1"
        );
    }
}

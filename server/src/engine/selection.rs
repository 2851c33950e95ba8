//! Which features and attributes a request wants: `?properties=a,b` and `?filter=…`,
//! checked against the fields of the layers asked for.

use std::sync::Arc;

use serde_json::Value;

use super::filter;
use super::snapshot::{LayerSnapshot, SnapFeature};

/// Why a selection cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum SelectionError {
    /// `?properties=` names a field none of the layers has.
    #[error("unknown property '{0}': the fields are {1}")]
    UnknownProperty(String, String),
    /// The filter cannot be used.
    #[error(transparent)]
    Filter(#[from] filter::FilterError),
}

/// Which features and attributes a request wants.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only these attributes (all when `None`).
    pub properties: Option<Vec<String>>,
    /// Only features matching.
    pub filter: Option<filter::Filter>,
}

impl Selection {
    /// Parses `?properties=a,b` and `?filter=…` (CQL2 text, or CQL2 JSON when `json`)
    /// against the fields of `layers`.
    ///
    /// # Errors
    /// A [`SelectionError`] naming an unknown field or a syntax error.
    pub fn parse(
        properties: Option<&str>,
        filter: Option<&str>,
        json: bool,
        layers: &[Arc<LayerSnapshot>],
    ) -> Result<Self, SelectionError> {
        let mut fields: Vec<String> = Vec::new();
        for name in layers.iter().flat_map(|l| l.field_names()) {
            if !fields.iter().any(|f| f == name) {
                fields.push(name.to_owned());
            }
        }
        let properties = properties
            .map(|p| {
                p.split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(|n| {
                        if fields.iter().any(|f| f == n) {
                            Ok(n.to_owned())
                        } else {
                            Err(SelectionError::UnknownProperty(
                                n.chars().take(80).collect(),
                                fields.join(", "),
                            ))
                        }
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        let filter = filter
            .filter(|f| !f.trim().is_empty())
            .map(|f| {
                if json {
                    filter::Filter::parse_json(f, &fields)
                } else {
                    filter::Filter::parse(f, &fields)
                }
            })
            .transpose()?;
        Ok(Self { properties, filter })
    }

    /// What tells one selection's answers from another's, for ETags and cache keys: of
    /// the selection as parsed, so that two spellings of one filter share an entry.
    #[must_use]
    pub fn key(&self) -> String {
        let mut properties = self.properties.clone();
        if let Some(p) = properties.as_mut() {
            p.sort_unstable();
            p.dedup();
        }
        format!("p={properties:?}&f={:?}", self.filter)
    }

    /// Whether a feature passes the filter.
    #[must_use]
    pub fn keeps(&self, f: &SnapFeature) -> bool {
        self.filter
            .as_ref()
            .is_none_or(|flt| flt.matches(&f.properties))
    }

    /// The attributes to send for a feature.
    pub fn attributes<'a>(
        &'a self,
        f: &'a SnapFeature,
    ) -> impl Iterator<Item = (&'a str, &'a Value)> {
        f.properties
            .iter()
            .filter(|(k, _)| {
                self.properties
                    .as_ref()
                    .is_none_or(|p| p.iter().any(|n| n == *k))
            })
            .map(|(k, v)| (k.as_str(), v))
    }
}

//! `?properties=a,b&filter=…` of tile and feature requests.

use std::sync::Arc;

use super::ApiError;
use crate::engine::{LayerSnapshot, Selection};

/// The query parameters that select features and attributes.
#[derive(Debug, Default, serde::Deserialize)]
pub struct SelectionQuery {
    /// Comma-separated attribute names.
    pub properties: Option<String>,
    /// CQL2 text (see `engine::filter`).
    pub filter: Option<String>,
    /// `cql2-text` (the default) or `cql2-json`.
    #[serde(rename = "filter-lang")]
    pub filter_lang: Option<String>,
}

impl SelectionQuery {
    /// The selection, checked against the layers' fields.
    ///
    /// # Errors
    /// 400 naming the unknown field or the syntax error.
    pub fn resolve(&self, layers: &[Arc<LayerSnapshot>]) -> Result<Selection, ApiError> {
        let json = match self.filter_lang.as_deref() {
            None | Some("cql2-text") => false,
            Some("cql2-json") => true,
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "filter-lang '{other}' is not supported: use cql2-text or cql2-json"
                )));
            }
        };
        Selection::parse(
            self.properties.as_deref(),
            self.filter.as_deref(),
            json,
            layers,
        )
        .map_err(ApiError::bad_request)
    }
}

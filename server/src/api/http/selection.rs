//! `?properties=a,b&filter=…` of tile and feature requests.

use std::sync::Arc;

use super::ApiError;
use crate::engine::{LayerSnapshot, Selection};

/// The query parameters that select features and attributes.
#[derive(Debug, Default, serde::Deserialize)]
pub struct SelectionQuery {
    /// Comma-separated attribute names.
    pub properties: Option<String>,
    /// CQL2-text subset (see `engine::filter`).
    pub filter: Option<String>,
}

impl SelectionQuery {
    /// The selection, checked against the layers' fields.
    ///
    /// # Errors
    /// 400 naming the unknown field or the syntax error.
    pub fn resolve(&self, layers: &[Arc<LayerSnapshot>]) -> Result<Selection, ApiError> {
        Selection::parse(self.properties.as_deref(), self.filter.as_deref(), layers)
            .map_err(ApiError::bad_request)
    }
}

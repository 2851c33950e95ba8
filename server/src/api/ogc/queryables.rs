//! Queryables (OGC API – Features, Part 3): the fields of a collection a client may filter
//! on, as a JSON Schema at `/ogc/collections/{id}/queryables`, so that clients send
//! `filter=` (CQL2) or `?field=value` to the server instead of filtering a full download.
//! The fields are those of the version the caller may read: for a restricted layer read
//! as aggregates, the aggregate's fields.

use serde_json::{Map, Value, json};

use crate::engine::LayerSnapshot;

/// Media type of a JSON Schema document.
pub const SCHEMA_JSON: &str = "application/schema+json";

/// JSON Schema type of a field type as the snapshot names it (`Number`, `Boolean`,
/// `String`).
pub fn json_type(kind: &str) -> &'static str {
    match kind {
        "Number" => "number",
        "Boolean" => "boolean",
        _ => "string",
    }
}

/// The queryables document of `s`, published at `href`.
pub fn document(s: &LayerSnapshot, href: &str) -> Value {
    let properties: Map<String, Value> = s
        .fields
        .iter()
        .map(|(name, kind)| {
            (
                name.clone(),
                json!({"title": name, "type": json_type(kind)}),
            )
        })
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": href,
        "type": "object",
        "title": s.meta.title,
        "description": "Fields that filter= (CQL2 text or JSON) and ?field=value may name",
        "properties": properties,
        "additionalProperties": false,
    })
}

//! The API description of OGC API – Features (`/ogc/api`, the landing page's
//! `service-desc`), which QGIS and GDAL read before anything else: OpenAPI 3.0 JSON made
//! from the same `docs/openapi.yaml` as `/openapi.yaml` (3.1). Its `/ogc` paths are
//! re-rooted at `/ogc` with every component, lowered to 3.0 (see [`lower`]), and one
//! items path is added per collection the caller may read, listing its fields as query
//! parameters (`?dist_id=11`): QGIS reads those to filter on the server.

use std::sync::LazyLock;

use serde_json::{Map, Value, json};

use crate::engine::LayerSnapshot;

/// Media type of an OpenAPI 3.0 JSON document.
pub const OPENAPI_JSON: &str = "application/vnd.oai.openapi+json;version=3.0";

/// The whole description (3.1) as JSON, parsed once.
static FULL: LazyLock<Value> = LazyLock::new(|| {
    // Compiled in and parsed by the unit tests below, so this cannot fail at run time.
    serde_yaml_ng::from_str(include_str!("../../../../docs/openapi.yaml"))
        .expect("docs/openapi.yaml parses")
});

/// The `/ogc` part, lowered to OpenAPI 3.0 and re-rooted, without a server address.
static OGC: LazyLock<Value> = LazyLock::new(|| ogc_part(&FULL));

/// The whole description as JSON (3.1), for clients that want JSON at `/openapi.json`.
pub fn full() -> &'static Value {
    &FULL
}

/// The description of the OGC API at `base` (the address of `/ogc`) for a caller who may
/// read `collections`.
pub fn ogc(base: &str, collections: &[&LayerSnapshot]) -> Value {
    let mut doc = OGC.clone();
    doc["servers"] = json!([{"url": base, "description": "this server"}]);
    let generic = doc["paths"]["/collections/{id}/items"]["get"].clone();
    if let Some(paths) = doc["paths"].as_object_mut() {
        for s in collections {
            paths.insert(
                format!("/collections/{}/items", s.meta.id),
                json!({"get": collection_items(s, &generic)}),
            );
        }
    }
    doc
}

/// The items operation of one collection: the generic one with the collection's fields
/// as query parameters.
fn collection_items(s: &LayerSnapshot, generic: &Value) -> Value {
    let mut op = generic.clone();
    let id = s.meta.id.as_str();
    op["operationId"] = json!(format!("items-{id}"));
    op["summary"] = json!(format!("Features of {}", s.meta.title));
    let mut parameters: Vec<Value> = [
        "bbox",
        "BboxCrs",
        "Datetime",
        "Crs",
        "limit",
        "offset",
        "Properties",
        "Filter",
        "FilterLang",
        "FilterCrs",
        "FeaturesFormat",
    ]
    .iter()
    .map(|p| json!({"$ref": format!("#/components/parameters/{p}")}))
    .collect();
    for (name, kind) in &s.fields {
        parameters.push(json!({
            "name": name,
            "in": "query",
            "required": false,
            "style": "form",
            "explode": false,
            "description": format!("features whose {name} equals this value"),
            "schema": {"type": super::queryables::json_type(kind)},
        }));
    }
    op["parameters"] = Value::Array(parameters);
    op
}

/// The `/ogc` paths of `full`, re-rooted at `/ogc` and lowered to OpenAPI 3.0.
fn ogc_part(full: &Value) -> Value {
    let mut paths = Map::new();
    if let Some(all) = full["paths"].as_object() {
        for (path, item) in all {
            let Some(rest) = path.strip_prefix("/ogc") else {
                continue;
            };
            match rest {
                "" => {
                    paths.insert("/".to_owned(), item.clone());
                }
                "/" => {}
                _ => {
                    paths.insert(rest.to_owned(), item.clone());
                }
            }
        }
    }
    let mut info = full["info"].clone();
    info["title"] = json!("sitroom – OGC API – Features");
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": info,
        "security": full["security"],
        "paths": paths,
        "components": full["components"],
    });
    lower(&mut doc);
    doc
}

/// Lowers OpenAPI 3.1 constructs to their 3.0 form in place: `type: [t, "null"]` becomes
/// `type: t, nullable: true` (several types, a `oneOf`), a `{type: "null"}` alternative
/// of `oneOf`/`anyOf` the flag `nullable`, `const: v` a one-value `enum`,
/// a numeric `exclusiveMinimum`/`exclusiveMaximum` the 3.0 pair of bound and flag, schema
/// `examples` arrays one `example`, and 3.1-only members of `info` are dropped.
pub fn lower(doc: &mut Value) {
    if let Some(info) = doc.get_mut("info").and_then(Value::as_object_mut) {
        info.remove("summary");
        if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) {
            license.remove("identifier");
        }
    }
    walk(doc);
}

fn walk(v: &mut Value) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(walk),
        Value::Object(o) => {
            lower_schema(o);
            o.values_mut().for_each(walk);
        }
        _ => {}
    }
}

fn lower_schema(o: &mut Map<String, Value>) {
    if let Some(Value::Array(types)) = o.get("type").cloned() {
        let nullable = types.iter().any(|t| t == "null");
        let rest: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
        o.remove("type");
        match rest.as_slice() {
            [one] => {
                o.insert("type".into(), one.clone());
            }
            many => {
                o.insert(
                    "oneOf".into(),
                    Value::Array(many.iter().map(|t| json!({"type": t})).collect()),
                );
            }
        }
        if nullable {
            o.insert("nullable".into(), Value::Bool(true));
            if let Some(Value::Array(values)) = o.get_mut("enum") {
                values.retain(|x| !x.is_null());
            }
        }
    }
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(alternatives)) = o.get(key).cloned() else {
            continue;
        };
        let is_null = |a: &Value| a.get("type").is_some_and(|t| t == "null");
        if !alternatives.iter().any(is_null) {
            continue;
        }
        let mut rest: Vec<Value> = alternatives.into_iter().filter(|a| !is_null(a)).collect();
        o.remove(key);
        if rest.len() == 1 {
            if let Some(Value::Object(only)) = rest.pop() {
                for (k, v) in only {
                    o.entry(k).or_insert(v);
                }
            }
        } else {
            o.insert(key.into(), Value::Array(rest));
        }
        o.insert("nullable".into(), Value::Bool(true));
    }
    if let Some(c) = o.remove("const") {
        o.insert("enum".into(), json!([c]));
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n @ Value::Number(_)) = o.get(exclusive).cloned() {
            o.insert(bound.into(), n);
            o.insert(exclusive.into(), Value::Bool(true));
        }
    }
    if let Some(Value::Array(examples)) = o.get("examples").cloned()
        && o.contains_key("type")
    {
        o.remove("examples");
        if let Some(first) = examples.into_iter().next() {
            o.insert("example".into(), first);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_description_parses_and_keeps_only_the_ogc_paths() {
        let doc = ogc_part(full());
        let empty = Map::new();
        let paths: Vec<&String> = doc["paths"].as_object().unwrap_or(&empty).keys().collect();
        assert!(paths.iter().any(|p| *p == "/"), "{paths:?}");
        assert!(
            paths.iter().any(|p| *p == "/collections/{id}/items"),
            "{paths:?}"
        );
        assert!(
            !paths
                .iter()
                .any(|p| p.starts_with("/ogc") || p.starts_with("/api/")),
            "{paths:?}"
        );
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(
            doc["components"]["parameters"]["limit"]["schema"]["maximum"],
            10_000
        );
    }

    #[test]
    fn lowering_leaves_no_3_1_construct() {
        let mut doc = json!({
            "info": {"title": "t", "summary": "s", "version": "1"},
            "a": {"type": ["integer", "null"], "minimum": 1},
            "b": {"type": ["integer", "string"]},
            "c": {"const": "Feature"},
            "d": {"type": "number", "exclusiveMinimum": 0},
            "e": {"type": ["string", "null"], "enum": ["x", null]},
            "f": {"type": "string", "examples": ["one", "two"]},
            "g": {"description": "d", "oneOf": [{"type": "null"}, {"type": "object", "required": ["x"]}]},
        });
        lower(&mut doc);
        assert_eq!(
            doc,
            json!({
                "info": {"title": "t", "version": "1"},
                "a": {"type": "integer", "nullable": true, "minimum": 1},
                "b": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
                "c": {"enum": ["Feature"]},
                "d": {"type": "number", "minimum": 0, "exclusiveMinimum": true},
                "e": {"type": "string", "nullable": true, "enum": ["x"]},
                "f": {"type": "string", "example": "one"},
                "g": {"description": "d", "type": "object", "required": ["x"], "nullable": true},
            })
        );
        let mut full = full().clone();
        full["openapi"] = json!("3.0.3");
        lower(&mut full);
        let text = full.to_string();
        assert!(!text.contains("\"const\""), "a const is left");
        assert!(!text.contains("\"null\""), "a null type is left");
    }
}

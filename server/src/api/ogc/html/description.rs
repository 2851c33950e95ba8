//! The API description as a web page (`/ogc/api.html`, the landing page's
//! `service-doc`): every operation with its summary and parameters, from the same
//! document as `/ogc/api`.

use std::fmt::Write as _;

use serde_json::Value;

use super::escape;

/// Resolves a local `$ref` ("#/components/parameters/limit") in `doc`.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    v.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|pointer| doc.pointer(pointer))
        .unwrap_or(v)
}

/// The API description as a page.
pub fn description(doc: &Value) -> String {
    let title = doc["info"]["title"].as_str().unwrap_or("API");
    let server = doc["servers"][0]["url"].as_str().unwrap_or_default();
    let mut page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>body{{font:15px/1.4 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}}\
         code{{background:#f3f3f3;padding:0 .2em}}table{{border-collapse:collapse;margin:.5rem 0 1.5rem}}\
         td,th{{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}}</style></head><body>\
         <h1>{t}</h1><p>Server: <code>{s}</code>. Machine-readable: <a href=\"{s}/api\">OpenAPI 3.0 JSON</a>.</p>",
        t = escape(title),
        s = escape(server),
    );
    let Some(paths) = doc["paths"].as_object() else {
        page.push_str("</body></html>");
        return page;
    };
    for (path, item) in paths {
        let Some(ops) = item.as_object() else {
            continue;
        };
        for (method, op) in ops {
            if !matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete") {
                continue;
            }
            let _ = write!(
                page,
                "<h2><code>{} {}</code></h2><p>{}</p>",
                escape(&method.to_uppercase()),
                escape(path),
                escape(op["summary"].as_str().unwrap_or_default())
            );
            let params: Vec<&Value> = item["parameters"]
                .as_array()
                .into_iter()
                .chain(op["parameters"].as_array())
                .flatten()
                .map(|p| resolve(doc, p))
                .collect();
            if params.is_empty() {
                continue;
            }
            page.push_str(
                "<table><tr><th>parameter</th><th>in</th><th>type</th><th>description</th></tr>",
            );
            for p in params {
                let schema = &p["schema"];
                let kind = schema["type"].as_str().unwrap_or("any");
                let range = match (schema.get("minimum"), schema.get("maximum")) {
                    (Some(lo), Some(hi)) => format!(" {lo}–{hi}"),
                    _ => String::new(),
                };
                let _ = write!(
                    page,
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}{}</td><td>{}</td></tr>",
                    escape(p["name"].as_str().unwrap_or_default()),
                    escape(p["in"].as_str().unwrap_or_default()),
                    escape(kind),
                    escape(&range),
                    escape(p["description"].as_str().unwrap_or_default())
                );
            }
            page.push_str("</table>");
        }
    }
    page.push_str("</body></html>");
    page
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn names_are_escaped_and_references_resolved() {
        let doc = json!({
            "info": {"title": "<t>"},
            "servers": [{"url": "http://x/ogc"}],
            "components": {"parameters": {"limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 10}}}},
            "paths": {"/collections/{id}/items": {"get": {"summary": "a & b", "parameters": [{"$ref": "#/components/parameters/limit"}]}}},
        });
        let page = super::description(&doc);
        assert!(page.contains("<title>&lt;t&gt;</title>"), "{page}");
        assert!(page.contains("a &amp; b"), "{page}");
        assert!(
            page.contains("<code>limit</code></td><td>query</td><td>integer 0–10"),
            "{page}"
        );
    }
}

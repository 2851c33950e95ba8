//! The OGC API as web pages, for people who open its address in a browser (the HTML
//! conformance class): the landing page, conformance, collections, one collection, a
//! page of items with a map of them, and one item, each made from the same JSON document
//! the API answers (so the two never differ), and the API description
//! (`/ogc/api.html`, the landing page's `service-doc`). No scripts: the maps are SVG.

use std::fmt::Write as _;

use axum::http::{HeaderMap, header};
use serde_json::{Map, Value};

use crate::api::http::ApiError;

mod description;
mod map;

pub use description::description;
use map::map;

/// Whether the answer is a web page: `f=html`, or no `f` and an `Accept` that ranks
/// `text/html` above JSON (a browser's); `f=json` (or one of `json_names`) and every
/// other client get JSON.
///
/// # Errors
/// 400 for an `f` that is neither.
pub fn wanted(headers: &HeaderMap, f: Option<&str>, json_names: &[&str]) -> Result<bool, ApiError> {
    match f {
        Some("html") => return Ok(true),
        Some(f) if f == "json" || json_names.contains(&f) => return Ok(false),
        Some(f) => {
            let mut names = vec!["json"];
            names.extend(json_names);
            return Err(ApiError::bad_request(format!(
                "f '{f}' is not a format served here: use {} or html",
                names.join(", ")
            )));
        }
        None => {}
    }
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // The highest quality of each; among equals, the one named first.
    let (mut html, mut json) = (None::<(f64, usize)>, None::<(f64, usize)>);
    for (i, range) in accept.split(',').enumerate() {
        let mut parts = range.split(';');
        let kind = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f64>().ok())
            .unwrap_or(1.0);
        let better = |best: Option<(f64, usize)>| best.is_none_or(|(bq, _)| q > bq);
        if kind == "text/html" || kind == "application/xhtml+xml" {
            if better(html) {
                html = Some((q, i));
            }
        } else if (kind.ends_with("json") || kind == "*/*" || kind == "application/*")
            && better(json)
        {
            json = Some((q, i));
        }
    }
    Ok(match (html, json) {
        (Some((hq, hi)), Some((jq, ji))) => hq > jq || (hq == jq && hi < ji),
        (Some((hq, _)), None) => hq > 0.0,
        _ => false,
    })
}

/// `href` with its `f` parameter set to `f`.
pub fn with_format(href: &str, f: &str) -> String {
    let (path, query) = href.split_once('?').unwrap_or((href, ""));
    let mut params: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("f="))
        .collect();
    let own = format!("f={f}");
    params.push(&own);
    format!("{path}?{}", params.join("&"))
}

/// Escapes text for HTML.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A page: `title`, the way back up (`trail`: names and addresses), `body`, and a link
/// to the same document as JSON at `json`.
fn page(title: &str, trail: &[(&str, String)], body: &str, json: &str) -> String {
    let mut nav = String::new();
    for (name, href) in trail {
        let _ = write!(nav, "<a href=\"{}\">{}</a> › ", escape(href), escape(name));
    }
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t} – sitroom</title><link rel=\"alternate\" type=\"application/json\" href=\"{j}\">\
         <style>{STYLE}</style></head><body><nav>{nav}{t}</nav><h1>{t}</h1>{body}\
         <p class=\"alt json\">This page as <a href=\"{j}\">JSON</a>.</p></body></html>",
        t = escape(title),
        j = escape(json),
    )
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:70rem;padding:0 1rem;color:#222}\
    nav{font-size:.9em;color:#555}a{color:#0b5394}code{background:#f3f3f3;padding:0 .2em}\
    table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}\
    th{background:#f6f6f6}svg{width:100%;max-height:32rem;display:block;border:1px solid #ccc;background:#f4f7f9}\
    svg path,svg circle{fill:#3182bd;fill-opacity:.35;stroke:#08519c;stroke-width:1;vector-effect:non-scaling-stroke}\
    svg a:hover path,svg a:hover circle{fill:#e6550d}.alt{margin:.3rem 0 1rem;font-size:.9em;color:#555}.json{margin-top:2rem}";

/// The landing page's links in a list, each with its relation and media type.
fn link_list(links: &Value) -> String {
    let mut out = String::from("<ul>");
    for l in links.as_array().into_iter().flatten() {
        let href = l["href"].as_str().unwrap_or_default();
        let kind = l["type"].as_str().unwrap_or_default();
        // Documents with an HTML view are linked to it; the others as they are.
        let rel = l["rel"].as_str().unwrap_or_default();
        let shown = if matches!(rel, "self" | "conformance" | "data" | "items") {
            with_format(href, "html")
        } else {
            href.to_owned()
        };
        let _ = write!(
            out,
            "<li><a href=\"{}\">{}</a> <small>({}, {})</small></li>",
            escape(&shown),
            escape(l["title"].as_str().unwrap_or(href)),
            escape(l["rel"].as_str().unwrap_or_default()),
            escape(kind)
        );
    }
    out.push_str("</ul>");
    out
}

/// The landing page.
pub fn landing(doc: &Value, base: &str) -> String {
    let body = format!(
        "<p>{}</p>{}",
        escape(doc["description"].as_str().unwrap_or_default()),
        link_list(&doc["links"])
    );
    page("sitroom OGC API", &[], &body, &with_format(base, "json"))
}

/// The conformance classes.
pub fn conformance(doc: &Value, base: &str) -> String {
    let mut body = String::from("<ul>");
    for c in doc["conformsTo"].as_array().into_iter().flatten() {
        let _ = write!(
            body,
            "<li><code>{}</code></li>",
            escape(c.as_str().unwrap_or_default())
        );
    }
    body.push_str("</ul>");
    page(
        "Conformance",
        &[("sitroom OGC API", with_format(base, "html"))],
        &body,
        &with_format(&format!("{base}/conformance"), "json"),
    )
}

/// The address of `rel` among a document's links.
fn link<'a>(doc: &'a Value, rel: &str) -> &'a str {
    doc["links"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["rel"] == rel)
        .and_then(|l| l["href"].as_str())
        .unwrap_or_default()
}

/// West, south, east, north as text.
fn bbox_text(b: &Value) -> String {
    b.as_array()
        .map(|v| {
            v.iter()
                .filter_map(Value::as_f64)
                .map(|x| format!("{x:.4}"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// The collections in a table.
pub fn collections(doc: &Value, base: &str) -> String {
    let mut body = String::from(
        "<table><tr><th>collection</th><th>title</th><th>extent (W, S, E, N)</th><th>features</th></tr>",
    );
    for c in doc["collections"].as_array().into_iter().flatten() {
        let id = c["id"].as_str().unwrap_or_default();
        let _ = write!(
            body,
            "<tr><td><a href=\"{}\"><code>{}</code></a></td><td>{}</td><td>{}</td><td><a href=\"{}\">browse</a></td></tr>",
            escape(&with_format(link(c, "self"), "html")),
            escape(id),
            escape(c["title"].as_str().unwrap_or_default()),
            escape(&bbox_text(&c["extent"]["spatial"]["bbox"][0])),
            escape(&with_format(link(c, "items"), "html")),
        );
    }
    body.push_str("</table>");
    page(
        "Collections",
        &[("sitroom OGC API", with_format(base, "html"))],
        &body,
        &with_format(&format!("{base}/collections"), "json"),
    )
}

/// One collection.
pub fn collection(doc: &Value, base: &str) -> String {
    let title = doc["title"].as_str().unwrap_or_default();
    let crs: Vec<String> = doc["crs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|c| format!("<code>{}</code>", escape(c)))
        .collect();
    let body = format!(
        "<p>{}</p><table><tr><th>id</th><td><code>{}</code></td></tr>\
         <tr><th>extent (W, S, E, N)</th><td>{}</td></tr><tr><th>coordinate systems</th><td>{}</td></tr></table>\
         <p><a href=\"{}\">Browse the features</a></p>{}",
        escape(doc["description"].as_str().unwrap_or_default()),
        escape(doc["id"].as_str().unwrap_or_default()),
        escape(&bbox_text(&doc["extent"]["spatial"]["bbox"][0])),
        crs.join("<br>"),
        escape(&with_format(link(doc, "items"), "html")),
        link_list(&doc["links"]),
    );
    page(
        title,
        &[
            ("sitroom OGC API", with_format(base, "html")),
            (
                "Collections",
                with_format(&format!("{base}/collections"), "html"),
            ),
        ],
        &body,
        &with_format(link(doc, "self"), "json"),
    )
}

/// A property value as text.
fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A page of items: how many match, a map, the attributes in a table, and the pages
/// before and after.
pub fn items(doc: &Value, collection: &Value, base: &str) -> String {
    let features: &[Value] = doc["features"].as_array().map_or(&[], Vec::as_slice);
    let items_href = link(collection, "items").to_owned();
    let item = |id: &Value| with_format(&format!("{items_href}/{}", value_text(id)), "html");
    let mut columns: Vec<&str> = Vec::new();
    for f in features {
        for k in f["properties"]
            .as_object()
            .map(Map::keys)
            .into_iter()
            .flatten()
        {
            if !columns.contains(&k.as_str()) {
                columns.push(k);
            }
        }
    }
    let offset = link(doc, "self")
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("offset="))
        .and_then(|o| o.parse::<u64>().ok())
        .unwrap_or(0);
    let mut body = format!(
        "<p>{} features match; features {}–{} are shown.</p>{}<p>",
        doc["numberMatched"],
        if features.is_empty() {
            offset
        } else {
            offset + 1
        },
        offset + features.len() as u64,
        map(features, &item),
    );
    for (rel, label) in [("prev", "« previous page"), ("next", "next page »")] {
        let href = link(doc, rel);
        if !href.is_empty() {
            let _ = write!(
                body,
                "<a href=\"{}\">{label}</a> ",
                escape(&with_format(href, "html"))
            );
        }
    }
    body.push_str("</p><table><tr><th>feature</th>");
    for c in &columns {
        let _ = write!(body, "<th>{}</th>", escape(c));
    }
    body.push_str("</tr>");
    for f in features {
        let _ = write!(
            body,
            "<tr><td><a href=\"{}\">{}</a></td>",
            escape(&item(&f["id"])),
            escape(&value_text(&f["id"]))
        );
        for c in &columns {
            let _ = write!(
                body,
                "<td>{}</td>",
                escape(&value_text(&f["properties"][*c]))
            );
        }
        body.push_str("</tr>");
    }
    body.push_str("</table>");
    let title = collection["title"].as_str().unwrap_or_default();
    page(
        &format!("Features of {title}"),
        &[
            ("sitroom OGC API", with_format(base, "html")),
            (
                "Collections",
                with_format(&format!("{base}/collections"), "html"),
            ),
            (title, with_format(link(collection, "self"), "html")),
        ],
        &body,
        &with_format(link(doc, "self"), "json"),
    )
}

/// One item: a map of it and its attributes.
pub fn item(doc: &Value, collection: &Value, base: &str) -> String {
    let title = collection["title"].as_str().unwrap_or_default();
    let here = with_format(link(doc, "self"), "html");
    let mut body = map(std::slice::from_ref(doc), &|_| here.clone());
    body.push_str("<table>");
    for (k, v) in doc["properties"].as_object().into_iter().flatten() {
        let _ = write!(
            body,
            "<tr><th>{}</th><td>{}</td></tr>",
            escape(k),
            escape(&value_text(v))
        );
    }
    body.push_str("</table>");
    let name = doc["properties"]["name"]
        .as_str()
        .map_or_else(|| format!("Feature {}", doc["id"]), str::to_owned);
    page(
        &name,
        &[
            ("sitroom OGC API", with_format(base, "html")),
            (
                "Collections",
                with_format(&format!("{base}/collections"), "html"),
            ),
            (title, with_format(link(collection, "self"), "html")),
            ("Features", with_format(link(collection, "items"), "html")),
        ],
        &body,
        &with_format(link(doc, "self"), "json"),
    )
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header};

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn browsers_get_pages_and_gis_clients_json() {
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert!(super::wanted(&accept(browser), None, &[]).unwrap());
        for client in [
            "application/geo+json, application/json",
            "*/*",
            "application/json;q=0.9, text/html;q=0.5",
            "",
        ] {
            assert!(
                !super::wanted(&accept(client), None, &[]).unwrap(),
                "{client}"
            );
        }
        assert!(super::wanted(&accept("*/*"), Some("html"), &[]).unwrap());
        assert!(!super::wanted(&accept(browser), Some("geojson"), &["geojson"]).unwrap());
        assert!(super::wanted(&accept("*/*"), Some("xml"), &[]).is_err());
        assert_eq!(
            super::with_format("http://h/items?limit=5&f=json&offset=5", "html"),
            "http://h/items?limit=5&offset=5&f=html"
        );
    }
}

//! Headers every answer carries: what browsers must not do with it (sniff its type,
//! frame it, send it on as a referrer, run anything but our own scripts), and a cache
//! policy when the answer set none: answers depend on who asks (layers open or closed,
//! restricted detail or aggregates), so by default only the caller may keep them, and
//! must check with us before using what it kept.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// What the web map needs and nothing more: our own scripts, styles (MapLibre sets some
/// inline), images and the workers MapLibre starts from blobs; no frames, no plugins,
/// no requests anywhere but here.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; child-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Adds `value` to the `Vary` header unless it names it already.
fn vary(headers: &mut HeaderMap, value: &'static str) {
    let existing = headers
        .get(header::VARY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if existing
        .split(',')
        .any(|v| v.trim().eq_ignore_ascii_case(value))
    {
        return;
    }
    let joined = if existing.is_empty() {
        value.to_owned()
    } else {
        format!("{existing}, {value}")
    };
    if let Ok(v) = HeaderValue::from_str(&joined) {
        headers.insert(header::VARY, v);
    }
}

/// The middleware.
pub async fn secure(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        let policy = if path.starts_with("/assets/") {
            // The web map's built files are named by their content.
            "public, max-age=31536000, immutable"
        } else {
            "private, no-cache"
        };
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    let private = h
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("private") || v.contains("no-store"));
    if private {
        vary(h, "authorization");
    }
    resp
}

//! HTTP caching of what we serve: ETags from layer versions, `If-None-Match`, and
//! `Cache-Control` that never lets a shared cache keep what depends on the caller.

use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::ApiError;
use sha2::{Digest, Sha256};

use crate::engine::LayerSnapshot;
use crate::model::Sensitivity;

/// An ETag from the layer versions and `what` else the content depends on.
#[must_use]
pub fn etag(layers: &[Arc<LayerSnapshot>], what: &str) -> String {
    let mut h = Sha256::new();
    for l in layers {
        h.update(l.meta.id.as_str());
        h.update(l.version.to_le_bytes());
        h.update([0]);
    }
    h.update(env!("CARGO_PKG_VERSION"));
    h.update(what);
    format!("\"{}\"", &hex::encode(h.finalize())[..20])
}

/// Whether a response drawn from `layers` is for its caller only: when any of them is
/// restricted (aggregates or detail by who asks) or needs a token. Marked `public`, a
/// shared cache could keep a copy fetched with a token and hand it to anyone.
#[must_use]
pub fn private_to_caller(layers: &[Arc<LayerSnapshot>]) -> bool {
    layers
        .iter()
        .any(|l| l.meta.sensitivity == Sensitivity::Restricted || !l.meta.anonymous)
}

/// Whether the client's `If-None-Match` names `tag`.
#[must_use]
pub fn not_modified(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == tag || t.trim() == "*")
        })
}

/// Sets `Cache-Control` (a minute, shared caches allowed only when not `private`) and
/// `Vary` (with `authorization` when private: the answer depends on who asks).
pub fn set_cache_headers(headers: &mut HeaderMap, private: bool) {
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if private {
            "private, max-age=60"
        } else {
            "public, max-age=60"
        }),
    );
    headers.insert(
        header::VARY,
        HeaderValue::from_static(if private {
            "accept-encoding, authorization"
        } else {
            "accept-encoding"
        }),
    );
}

/// A JSON document of media type `kind` with ETag `tag` and caching headers (`private`:
/// for its caller only), or 304 when the client holds it already; `body` is built only
/// when it is sent.
///
/// # Errors
/// 500 for a tag that is not a header value.
pub fn tagged_json(
    headers: &HeaderMap,
    tag: &str,
    private: bool,
    kind: &'static str,
    body: impl FnOnce() -> Value,
) -> Result<Response, ApiError> {
    let value = HeaderValue::from_str(tag).map_err(|e| ApiError::internal(e.to_string()))?;
    if not_modified(headers, tag) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, value)]).into_response());
    }
    let mut out = HeaderMap::new();
    out.insert(header::ETAG, value);
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    set_cache_headers(&mut out, private);
    Ok((out, body().to_string()).into_response())
}

//! RFC 9457 problem details: every error the API returns says what is wrong and what
//! to do, as `application/problem+json`.

use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::auth::AuthError;
use crate::load::LoadError;
use crate::store::StoreError;

const MIB: u64 = 1024 * 1024;

/// An API error, rendered as problem details.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    title: &'static str,
    detail: String,
    extra: Option<Box<(&'static str, Value)>>,
}

impl ApiError {
    /// An error with a status, a short title and a detail saying what to do.
    pub fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            title,
            detail: detail.into(),
            extra: None,
        }
    }

    /// 400: the request is wrong (the detail is a message or an error saying why).
    pub fn bad_request(detail: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Bad request", detail.to_string())
    }

    /// 404: nothing there.
    pub fn not_found(detail: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::NOT_FOUND, "Not found", detail.to_string())
    }

    /// 413: the upload is too large.
    pub fn too_large(limit: u64) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Upload too large",
            format!(
                "uploads are limited to {}: split the file, or ask the operator to raise --upload-limit-mb",
                if limit >= MIB && limit.is_multiple_of(MIB) {
                    format!("{} MiB", limit / MIB)
                } else {
                    format!("{limit} bytes")
                }
            ),
        )
    }

    /// 500: our fault; the detail is logged, not sent.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        let detail = detail.to_string();
        tracing::error!(%detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal error",
            "the server failed; the error is logged. Try again, and tell the operator if it persists",
        )
    }

    /// Adds a member to the problem object (e.g. the load report).
    #[must_use]
    pub fn with(mut self, key: &'static str, value: Value) -> Self {
        self.extra = Some(Box::new((key, value)));
        self
    }

    /// What is wrong and what to do.
    #[must_use]
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "type": "about:blank",
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        if let (Some(extra), Some(obj)) = (self.extra, body.as_object_mut()) {
            let (k, v) = *extra;
            obj.insert(k.to_owned(), v);
        }
        let mut headers = vec![(header::CONTENT_TYPE, "application/problem+json".to_owned())];
        if self.status == StatusCode::UNAUTHORIZED {
            headers.push((header::WWW_AUTHENTICATE, "Bearer".to_owned()));
        }
        let mut resp = (self.status, body.to_string()).into_response();
        for (k, v) in headers {
            if let Ok(v) = v.parse() {
                resp.headers_mut().insert(k, v);
            }
        }
        resp
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::LayerNotFound(_)
            | StoreError::VersionNotFound { .. }
            | StoreError::RegisterNotFound(_)
            | StoreError::RegisterVersionNotFound { .. } => Self::not_found(e.to_string()),
            StoreError::ReservedLayerId(_) => Self::bad_request(e.to_string()),
            StoreError::RegisterChanged { .. } => {
                Self::new(StatusCode::CONFLICT, "Register changed", e.to_string())
            }
            StoreError::Unavailable(_) => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "Store unavailable",
                "the database is unavailable: try again shortly",
            ),
            other => Self::internal(other.to_string()),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Store(s) => s.into(),
            e @ AuthError::Forbidden { .. } => {
                Self::new(StatusCode::FORBIDDEN, "Forbidden", e.to_string())
            }
            other => Self::new(StatusCode::UNAUTHORIZED, "Unauthorized", other.to_string()),
        }
    }
}

impl From<LoadError> for ApiError {
    fn from(e: LoadError) -> Self {
        let report = e.report().and_then(|r| serde_json::to_value(r).ok());
        match e {
            LoadError::Store(s) => s.into(),
            LoadError::Ingest(i @ crate::ingest::IngestError::TooLarge { .. }) => Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Load too large",
                format!("{i}; nothing was loaded and the current version is unchanged"),
            ),
            LoadError::Ingest(i) => {
                let err = Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Load refused",
                    format!("{i}; nothing was loaded and the current version is unchanged"),
                );
                match report {
                    Some(r) => err.with("report", r),
                    None => err,
                }
            }
        }
    }
}

impl From<crate::engine::exposure::ExposureError> for ApiError {
    fn from(e: crate::engine::exposure::ExposureError) -> Self {
        use crate::engine::EngineError;
        use crate::engine::exposure::ExposureError;
        match e {
            ExposureError::Earlier(EngineError::Store(s)) => s.into(),
            ExposureError::Earlier(other) => Self::internal(other.to_string()),
            e @ ExposureError::EarlierWithheld(_) => {
                Self::new(StatusCode::FORBIDDEN, "Forbidden", e.to_string())
            }
            e if e.is_not_found() => Self::not_found(e.to_string()),
            e => Self::bad_request(e.to_string()),
        }
    }
}

/// The fallback for unknown paths.
pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!(
        "no resource at '{}': see /api/layers and /health",
        uri.path()
    ))
}

/// Middleware turning the framework's own plain-text errors (a query string that does not
/// parse, a method the path does not take, …) into problem details like ours, so every
/// error a client sees has the same shape.
pub async fn normalise(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let resp = next.run(req).await;
    let status = resp.status();
    let plain = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let text = match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(b) => String::from_utf8_lossy(&b).trim().to_owned(),
        Err(_) => String::new(),
    };
    let detail = match (status, text.is_empty()) {
        (StatusCode::METHOD_NOT_ALLOWED, _) => {
            "this path does not take that method: see the API table in the README".to_owned()
        }
        (_, false) => format!("{text}: see the API table in the README"),
        (_, true) => "the request was refused: see the API table in the README".to_owned(),
    };
    let mut out =
        ApiError::new(status, status.canonical_reason().unwrap_or("Error"), detail).into_response();
    for (k, v) in &parts.headers {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
            out.headers_mut().append(k.clone(), v.clone());
        }
    }
    out
}

//! What every resource shares to speak HTTP: problem documents, who is asking (tokens,
//! roles, layer access, what each caller sees of the layers), caching headers, compression, links and client addresses, rate
//! and time limits, whole numbers in JSON, selection parameters, tile answers.

pub mod access;
pub mod caching;
pub mod catalog;
pub mod encoding;
pub mod headers;
pub mod limits;
pub mod links;
pub mod number;
pub mod problem;
pub mod selection;
pub mod tile;

pub use access::{Reader, authorise};
pub use links::BaseUrl;
pub use problem::ApiError;

/// Runs blocking work (the store, the engine) off the async threads.
///
/// # Errors
/// The work's own error, or 500 when the worker thread failed.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(format!("worker failed: {e}")))?
}

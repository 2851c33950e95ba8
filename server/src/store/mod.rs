//! The store: the system of record for layers, their versions, features and API tokens.
//!
//! One trait, two backends passing one test suite: an embedded SQLite file (the default,
//! nothing to install) and PostGIS. Every load is one transaction: a new version becomes
//! current only when all its features are written, so a failed or killed load leaves the
//! previous version current and complete.

mod postgis;
mod sqlite;

use serde::Serialize;

use crate::model::{
    AccessChange, Bbox, Feature, Layer, LayerDetail, LayerId, LayerMeta, LayerVersion,
};
use crate::model::{ApiToken, AuditEntry, AuditQuery, LoadReport};

pub use postgis::PostgisStore;
pub use sqlite::SqliteStore;

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such layer.
    #[error("layer '{0}' does not exist: `sitroom layers` lists the layers there are")]
    LayerNotFound(LayerId),
    /// No such version of a layer.
    #[error("layer '{layer}' has no version {version}: its versions are {available}")]
    VersionNotFound {
        /// The layer.
        layer: LayerId,
        /// Version asked for.
        version: i32,
        /// Versions there.
        available: String,
    },
    /// The database cannot be reached or opened.
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    /// Migrations failed.
    #[error("the store's schema could not be brought up to date: {0}")]
    Migration(String),
    /// Stored data that does not parse (a bug or a hand edit).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
}

/// Result of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// What a load adds besides its features.
#[derive(Debug, Clone)]
pub struct NewVersion {
    /// Layer metadata as of this load.
    pub meta: LayerMeta,
    /// File name loaded.
    pub source_name: String,
    /// SHA-256 of the file, hex.
    pub source_sha256: String,
    /// Extent of the features.
    pub bbox: Option<Bbox>,
    /// The load report.
    pub report: LoadReport,
    /// Who loads it.
    pub loaded_by: String,
}

/// The system of record. Implementations are cheap to share across threads.
pub trait Store: Send + Sync {
    /// `sqlite` or `postgis`.
    fn backend(&self) -> &'static str;

    /// Every layer with its current version, by id.
    ///
    /// # Errors
    /// When the database fails.
    fn layers(&self) -> StoreResult<Vec<Layer>>;

    /// One layer with all its versions (newest first), or `None`.
    ///
    /// # Errors
    /// When the database fails.
    fn layer(&self, id: &LayerId) -> StoreResult<Option<LayerDetail>>;

    /// Stores a new version with its features and makes it current, all in one
    /// transaction; creates the layer on its first load.
    ///
    /// # Errors
    /// When the database fails; nothing is then written.
    fn commit_version(
        &self,
        version: &NewVersion,
        features: &[Feature],
    ) -> StoreResult<LayerVersion>;

    /// Makes an earlier version current again, its metadata too except who may read the
    /// layer (sensitivity and `anonymous`, see [`AccessChange`]), which stays as it is: a
    /// rollback never loosens protection.
    ///
    /// # Errors
    /// When the layer or version does not exist.
    fn rollback(&self, id: &LayerId, version: i32, by: &str) -> StoreResult<Layer>;

    /// Changes who may read the layer, for every version, without a new one.
    ///
    /// # Errors
    /// When the layer does not exist or the database fails.
    fn set_access(&self, id: &LayerId, change: &AccessChange, by: &str) -> StoreResult<Layer>;

    /// Deletes a layer and all its versions. Returns whether it existed.
    ///
    /// # Errors
    /// When the database fails.
    fn delete_layer(&self, id: &LayerId) -> StoreResult<bool>;

    /// The features of one version, in load order.
    ///
    /// # Errors
    /// When the layer or version does not exist.
    fn features(&self, id: &LayerId, version: i32) -> StoreResult<Vec<Feature>>;

    /// Adds a token (its hash).
    ///
    /// # Errors
    /// When the name is taken or the database fails.
    fn add_token(&self, token: &ApiToken) -> StoreResult<()>;

    /// The token whose secret hashes to `sha256`, if any.
    ///
    /// # Errors
    /// When the database fails.
    fn token_by_hash(&self, sha256: &str) -> StoreResult<Option<ApiToken>>;

    /// Every token (without secrets).
    ///
    /// # Errors
    /// When the database fails.
    fn tokens(&self) -> StoreResult<Vec<ApiToken>>;

    /// Revokes a token by name. Returns whether a usable token was revoked.
    ///
    /// # Errors
    /// When the database fails.
    fn revoke_token(&self, name: &str) -> StoreResult<bool>;

    /// Appends an entry to the audit log.
    ///
    /// # Errors
    /// When the database fails.
    fn record(&self, entry: &AuditEntry) -> StoreResult<()>;

    /// Audit entries matching `query`, newest first.
    ///
    /// # Errors
    /// When the database fails.
    fn audit_log(&self, query: &AuditQuery) -> StoreResult<Vec<AuditEntry>>;
}

/// Opens the store `url` names: `postgres://…` for PostGIS, anything else a SQLite file
/// path (created if missing). Brings the schema up to date.
///
/// # Errors
/// When the database cannot be opened or migrated.
pub fn open(url: &str) -> StoreResult<Box<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Box::new(PostgisStore::open(url)?))
    } else {
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        Ok(Box::new(SqliteStore::open(std::path::Path::new(path))?))
    }
}

/// Parses stored JSON, naming what it was on failure.
fn from_json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// Serialises to JSON text (infallible for our types).
fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// The bbox from four nullable columns.
fn bbox_of(w: Option<f64>, s: Option<f64>, e: Option<f64>, n: Option<f64>) -> Option<Bbox> {
    Some([w?, s?, e?, n?])
}

/// The "has no version N" error with the versions that exist.
fn version_not_found(layer: &LayerId, version: i32, existing: &[i32]) -> StoreError {
    StoreError::VersionNotFound {
        layer: layer.clone(),
        version,
        available: if existing.is_empty() {
            "none".into()
        } else {
            existing
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        },
    }
}

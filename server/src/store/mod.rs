//! The store: the system of record for layers, their versions, features, API tokens and
//! the audit log.
//!
//! One code path for two backends — an embedded SQLite file (the default, nothing to
//! install) and PostGIS — through diesel's `MultiConnection` over one schema
//! (`schema.rs`); the backend files keep only what truly differs: how features and their
//! geometries are written and read, and how the database is opened and migrated. Every
//! load is one transaction: a new version becomes current only when all its features
//! are written, so a failed or killed load leaves the previous version current and
//! complete. Every write records itself in the audit log in the same transaction, so no
//! write can happen unrecorded and no entry can name a write that did not happen.

mod alerts;
mod audit;
mod connection;
mod deliveries;
mod layers;
mod postgis;
mod records;
mod schema;
mod sqlite;
mod subscribers;
mod tokens;
mod types;

use diesel::r2d2::{Pool, PooledConnection};
use serde::Serialize;

use crate::model::{Bbox, LayerId, LayerMeta, LoadReport, RecordKind};
pub use alerts::DraftKey;
pub use connection::Backend;
use connection::Manager;
pub use deliveries::{DeliveryCounts, DeliveryQuery, Outcome};
pub use records::NewRegisterVersion;

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
    /// A layer id that names a register's collection.
    #[error("layer id '{0}' is reserved for the {kind} register's OGC API collection: choose another", kind = RecordKind::of_collection(.0.as_str()).map_or("", RecordKind::as_str))]
    ReservedLayerId(LayerId),
    /// No register of this kind yet.
    #[error(
        "there are no {0} records yet: import a file first (`sitroom records import {0} FILE`)"
    )]
    RegisterNotFound(RecordKind),
    /// No such version of a register.
    #[error("the {kind} register has no version {version}: its versions are {available}")]
    RegisterVersionNotFound {
        /// The register.
        kind: RecordKind,
        /// Version asked for.
        version: i32,
        /// Versions there.
        available: String,
    },
    /// Another import changed the register while this one was read.
    #[error("the {kind} register changed while this import was prepared (it was made against version {}, version {} is now current): import again", fmt_version(*.expected), fmt_version(*.found))]
    RegisterChanged {
        /// The register.
        kind: RecordKind,
        /// The version the import was made against.
        expected: Option<i32>,
        /// The version current at commit.
        found: Option<i32>,
    },
    /// The database cannot be reached.
    #[error("the store is unavailable: {0}")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The database cannot be opened.
    #[error("cannot open the store '{url}': {source}")]
    Open {
        /// The store named (a file, or a URL without its password).
        url: String,
        /// Why.
        #[source]
        source: diesel::ConnectionError,
    },
    /// Migrations failed.
    #[error("the store's schema could not be brought up to date: {0}")]
    Migration(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Stored data that does not parse (a bug or a hand edit).
    #[error("stored data is corrupt ({what}): {source}")]
    Corrupt {
        /// What was being read.
        what: String,
        /// Why it does not parse.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
}

fn fmt_version(v: Option<i32>) -> String {
    v.map_or_else(|| "none".into(), |v| v.to_string())
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

/// The system of record. Cheap to share across threads (a pool of connections).
pub struct Store {
    pool: Pool<Manager>,
    backend: Backend,
}

/// Opens the store `url` names: `postgres://…` for PostGIS, anything else a SQLite file
/// path (created if missing). Brings the schema up to date.
///
/// # Errors
/// When the database cannot be opened or migrated.
pub fn open(url: &str) -> StoreResult<Store> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        postgis::open(url)
    } else {
        sqlite::open(url.strip_prefix("sqlite://").unwrap_or(url))
    }
}

impl Store {
    /// Connections of the pool: (open, idle).
    #[must_use]
    pub fn connections(&self) -> (u32, u32) {
        let s = self.pool.state();
        (s.connections, s.idle_connections)
    }

    /// `sqlite` or `postgis`.
    #[must_use]
    pub fn backend(&self) -> &'static str {
        match self.backend {
            Backend::Postgis => "postgis",
            Backend::Sqlite => "sqlite",
        }
    }

    fn conn(&self) -> StoreResult<PooledConnection<Manager>> {
        Ok(self.pool.get()?)
    }
}

/// Parses stored JSON, naming what it was on failure.
fn from_json<T: serde::de::DeserializeOwned>(what: &str, v: serde_json::Value) -> StoreResult<T> {
    serde_json::from_value(v).map_err(|e| StoreError::Corrupt {
        what: what.to_owned(),
        source: Box::new(e),
    })
}

/// Serialises to JSON (infallible for our types).
fn to_json<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
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

//! One load, end to end: read a file with [`crate::ingest`], then commit it as a new
//! version with [`crate::store`]; or read it the same way and say what the load would do,
//! writing nothing (the preview). Used by the CLI, the HTTP upload and the demo.

use std::path::Path;

use crate::ingest::{self, IngestError, LoadLimits, LoadOptions};
use crate::model::{LayerMeta, LayerVersion};
use crate::model::{LoadPreview, LoadReport};
use crate::store::{NewVersion, Store, StoreError};

/// Why a load did not commit. Nothing was written in either case.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read or had unusable features.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl LoadError {
    /// The load report, when features were read before the failure.
    #[must_use]
    pub fn report(&self) -> Option<&LoadReport> {
        match self {
            Self::Ingest(e) => e.report(),
            Self::Store(_) => None,
        }
    }
}

/// Where a load comes from and how to read it.
#[derive(Debug, Clone)]
pub struct LoadSource<'a> {
    /// The file on disk.
    pub path: &'a Path,
    /// Its name for reports (the uploaded file name, or the path given).
    pub name: &'a str,
    /// CRS to assume when the file has none.
    pub srs: Option<String>,
    /// Layer inside a multi-layer file.
    pub source_layer: Option<String>,
    /// Load the good features even when some are rejected.
    pub allow_rejects: bool,
    /// Most features and vertices the file may hold.
    pub limits: LoadLimits,
}

/// Reads `source` as `meta` says and commits it as the layer's new current version.
///
/// # Errors
/// A [`LoadError`]; the previous version stays current.
pub fn load_file(
    store: &Store,
    meta: &LayerMeta,
    source: &LoadSource<'_>,
    loaded_by: &str,
    progress: &dyn Fn(u64, u64),
) -> Result<LayerVersion, LoadError> {
    let opts = options(meta, source);
    let started = std::time::Instant::now();
    let read = ingest::read(source.path, source.name, &opts, progress)?;
    let read_s = started.elapsed().as_secs_f64();
    let version = store.commit_version(
        &NewVersion {
            meta: meta.clone(),
            source_name: source.name.to_owned(),
            source_sha256: read.sha256,
            bbox: read.bbox,
            report: read.report,
            loaded_by: loaded_by.to_owned(),
        },
        &read.features,
    )?;
    tracing::info!(
        layer = %meta.id,
        version = version.version,
        features = version.feature_count,
        read_s,
        commit_s = started.elapsed().as_secs_f64() - read_s,
        "load committed"
    );
    Ok(version)
}

/// How `source` is read for `meta`.
fn options(meta: &LayerMeta, source: &LoadSource<'_>) -> LoadOptions {
    LoadOptions {
        kind: meta.kind,
        srs: source.srs.clone(),
        source_layer: source.source_layer.clone(),
        fields: meta.fields.clone(),
        classification: meta.classification.clone(),
        allow_rejects: source.allow_rejects,
        limits: source.limits,
    }
}

/// Reads `source` as [`load_file`] would and says what the load would store and whether
/// it would commit; writes nothing. Rejected features are counted and named even when
/// they would stop the load.
///
/// # Errors
/// An [`IngestError`] when the file cannot be read at all (the load would fail the same
/// way).
pub fn preview_file(meta: LayerMeta, source: &LoadSource<'_>) -> Result<LoadPreview, IngestError> {
    let opts = LoadOptions {
        allow_rejects: true,
        ..options(&meta, source)
    };
    let read = ingest::read(source.path, source.name, &opts, &|_, _| {})?;
    let rejected = read.report.rejected;
    let why_not = (rejected > 0 && !source.allow_rejects).then(|| {
        format!(
            "{rejected} of {} features would be rejected (listed in the report): fix them in the file, or load the good features only (the page's check box, upload field allow_rejects=true, CLI --allow-rejects)",
            read.report.read
        )
    });
    Ok(ingest::preview(meta, read, why_not))
}

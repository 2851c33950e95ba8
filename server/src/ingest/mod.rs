//! Reading files into features ready to store: open one of the formats we accept with
//! its GDAL driver (or our own GeoJSON reader, or a classified GeoTIFF), reproject to EPSG:4326, check and repair geometries,
//! map fields, classify hazard values, and report what happened to every feature.

mod crs;
mod error;
pub mod geojson;
mod geometry;
mod preview;
mod properties;
mod raster;
mod read;
pub mod records;
mod sandbox;
mod source;

use crate::model::{Bbox, Classification, Feature, FieldMapping, LayerKind, LoadReport};

pub use crate::config::LoadLimits;
pub use error::IngestError;
pub use preview::preview;
pub use read::read;
pub use source::{RawFeature, Source, SourceKind};

/// How to read a file.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The layer kind decides which geometry types are accepted.
    pub kind: LayerKind,
    /// CRS to assume when the file has none (e.g. `EPSG:32735`).
    pub srs: Option<String>,
    /// Layer inside a multi-layer source (GeoPackage, zip of shapefiles, KML folders).
    pub source_layer: Option<String>,
    /// Which source fields feed the engine's columns.
    pub fields: FieldMapping,
    /// How hazard values become classes (hazard layers).
    pub classification: Option<Classification>,
    /// Load the good features even when some are rejected.
    pub allow_rejects: bool,
    /// Largest file accepted, in features and vertices.
    pub limits: LoadLimits,
}

/// Features read from a file and what happened to them.
#[derive(Debug)]
pub struct Ingested {
    /// Features to store, in source order.
    pub features: Vec<Feature>,
    /// Counts and issues.
    pub report: LoadReport,
    /// SHA-256 of the source file(s), hex.
    pub sha256: String,
    /// Extent of all features.
    pub bbox: Option<Bbox>,
}

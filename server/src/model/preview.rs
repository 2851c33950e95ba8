//! A load preview: what a file would become, read in full and checked as a load would be,
//! with nothing written — the fields found with examples, how many features each mapped
//! column would get, the first rows, an even sample of the geometries for a small map,
//! and whether the load would commit.

use serde::Serialize;

use super::layer::{Bbox, Feature, LayerMeta};
use super::report::LoadReport;

/// What a value of a source field looks like across the features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// Numbers only.
    Number,
    /// Text only.
    Text,
    /// True or false only.
    Boolean,
    /// More than one of these.
    Mixed,
    /// No feature has a value.
    Empty,
}

/// One field found in the file.
#[derive(Debug, Clone, Serialize)]
pub struct FieldSummary {
    /// The field's name in the file.
    pub name: String,
    /// The type of its values.
    #[serde(rename = "type")]
    pub kind: FieldType,
    /// Features with a value (not null) in this field.
    pub filled: u64,
    /// Up to three distinct values, in file order.
    pub examples: Vec<serde_json::Value>,
}

/// How many features each of the engine's columns would be filled for, with the field
/// mapping given (or kept from the current version).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct MappedCounts {
    /// Features with a name.
    pub name: u64,
    /// Features with an official code.
    pub code: u64,
    /// Features with a population.
    pub population: u64,
    /// Sum of the mapped population.
    pub population_total: f64,
    /// Features with a household count.
    pub households: u64,
    /// Features in a hazard class.
    pub hazard_class: u64,
}

/// What loading a file would do, found without writing anything.
#[derive(Debug, Clone, Serialize)]
pub struct LoadPreview {
    /// The layer's metadata as the load would store it.
    pub layer: LayerMeta,
    /// True when a load with the same settings would commit.
    pub would_load: bool,
    /// What stops it, and what to do, when it would not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why_not: Option<String>,
    /// The load report the load would store (rejects counted even when they would stop it).
    pub report: LoadReport,
    /// Extent of the features that would be stored (EPSG:4326).
    pub bbox: Option<Bbox>,
    /// Every field found, in the order first met.
    pub fields: Vec<FieldSummary>,
    /// The engine's columns as the mapping fills them.
    pub mapped: MappedCounts,
    /// The first features as they would be stored (geometry left out).
    pub rows: Vec<Feature>,
    /// An even sample of the features' geometries, simplified, for a small map.
    pub sample: geojson::FeatureCollection,
    /// How many features the sample holds, of `report.loaded`.
    pub sampled: u64,
}

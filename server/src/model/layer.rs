//! The data model shared by ingest, store and API: layers, their versions and
//! the metadata that says how to read a layer's features.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::classify::{Classification, ClassificationError};
use super::macros::{SlugError, UnknownValue, slug_type, string_enum};
use super::report::LoadReport;

slug_type! {
    /// A layer id: an ASCII slug (`a-z`, `0-9`, `-`, `_`), starting with a letter or digit.
    LayerId, "layer id"
}

slug_type! {
    /// A theme: flood, landslide, volcanic, settlement, camp, district, ... (an ASCII slug).
    Theme, "theme"
}

string_enum! {
    /// What a layer is for.
    LayerKind, "layer kind" {
        /// Hazard zones (polygons) or a classified raster.
        Hazard => "hazard",
        /// People and things that can be hit: settlements, camps, buildings.
        Exposure => "exposure",
        /// Administrative units keyed by official codes.
        Boundary => "boundary",
        /// Reference features drawn on the basemap (lakes, rivers): no figures are
        /// computed from them.
        Context => "context",
    }
}

impl LayerKind {
    /// Whether the layer is part of the basemap (admin units, lakes, rivers), drawn in
    /// every situation map rather than chosen as data.
    #[must_use]
    pub fn is_basemap(self) -> bool {
        matches!(self, Self::Boundary | Self::Context)
    }
}

string_enum! {
    /// Who may see a layer's features in full.
    Sensitivity, "sensitivity" {
        /// Anyone allowed to use the server.
        Public => "public",
        /// Protection-sensitive (e.g. returnee households): aggregates only without clearance.
        Restricted => "restricted",
    }
}

/// Which source fields carry the values the engine needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMapping {
    /// Display name of a feature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Official code (admin code, or the unit a feature belongs to).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Number of people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<String>,
    /// Number of households.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub households: Option<String>,
    /// Raw hazard value or class, read through the layer's classification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hazard: Option<String>,
}

impl FieldMapping {
    /// Each mapped role with the source field it reads.
    #[must_use]
    pub fn roles(&self) -> Vec<(&'static str, &str)> {
        [
            ("name", &self.name),
            ("code", &self.code),
            ("population", &self.population),
            ("households", &self.households),
            ("hazard", &self.hazard),
        ]
        .into_iter()
        .filter_map(|(role, field)| field.as_deref().map(|f| (role, f)))
        .collect()
    }
}

/// A change to who may read a layer: its sensitivity and whether it is open without a
/// token. These are the layer's, not a version's: they hold for every version, a rollback
/// keeps them, and they change without a reload.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessChange {
    /// Readable without a token.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub anonymous: Option<bool>,
    /// Public or restricted.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub sensitivity: Option<Sensitivity>,
}

/// A field that may be left out but, when given, is a value (not null).
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

impl AccessChange {
    /// Whether it changes nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.anonymous.is_none() && self.sensitivity.is_none()
    }

    /// `meta` with the change made.
    pub fn apply(&self, meta: &mut LayerMeta) {
        if let Some(a) = self.anonymous {
            meta.anonymous = a;
        }
        if let Some(s) = self.sensitivity {
            meta.sensitivity = s;
        }
    }

    /// The access `meta` has, as a change that sets all of it.
    #[must_use]
    pub fn of(meta: &LayerMeta) -> Self {
        Self {
            anonymous: Some(meta.anonymous),
            sensitivity: Some(meta.sensitivity),
        }
    }
}

/// Everything said about a layer when it is (re)loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerMeta {
    /// Slug, unique.
    pub id: LayerId,
    /// Human title.
    pub title: String,
    /// Hazard, exposure or boundary.
    pub kind: LayerKind,
    /// Flood, landslide, camp, district, ...
    pub theme: Theme,
    /// Public or restricted.
    pub sensitivity: Sensitivity,
    /// Readable without a token (for a public map). Restricted layers open this way show
    /// callers without a token aggregates only, as they show any caller without clearance.
    #[serde(default)]
    pub anonymous: bool,
    /// Source fields for the engine's columns.
    pub fields: FieldMapping,
    /// How raw hazard values map to classes (hazard layers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<Classification>,
    /// Credit and licence to show wherever the layer is shown.
    pub attribution: String,
}

/// A layer as stored: its metadata and which version is current.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layer {
    /// The metadata of the current version (who may read it: the layer's own setting).
    #[serde(flatten)]
    pub meta: LayerMeta,
    /// Version served now.
    pub current_version: i32,
    /// Features in the current version.
    pub feature_count: i64,
    /// Who created the layer.
    pub created_by: String,
    /// When the layer was created.
    pub created_at: DateTime<Utc>,
    /// Who last changed it (load or rollback).
    pub updated_by: String,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
}

/// Bounding box in EPSG:4326: west, south, east, north.
pub type Bbox = [f64; 4];

/// One stored version of a layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerVersion {
    /// 1, 2, 3, ...
    pub version: i32,
    /// File name the version was loaded from.
    pub source_name: String,
    /// SHA-256 of the source file, hex.
    pub source_sha256: String,
    /// Features stored.
    pub feature_count: i64,
    /// Extent of the stored features (absent for an empty version).
    pub bbox: Option<Bbox>,
    /// What happened to every feature read.
    pub report: LoadReport,
    /// Who loaded it.
    pub loaded_by: String,
    /// When the load committed.
    pub loaded_at: DateTime<Utc>,
}

/// A layer with all its versions, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerDetail {
    /// The layer.
    #[serde(flatten)]
    pub layer: Layer,
    /// Its versions, newest first.
    pub versions: Vec<LayerVersion>,
}

/// A feature ready to store: geometry in EPSG:4326 as WKB plus normalised columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feature {
    /// 1-based position in the load (stable id within a version).
    pub fid: i64,
    /// The feature id in the source, when it had one.
    pub source_id: Option<String>,
    /// ISO WKB, EPSG:4326, lon/lat.
    #[serde(skip)]
    pub wkb: Vec<u8>,
    /// Extent of the geometry.
    pub bbox: Bbox,
    /// All source attributes.
    pub properties: serde_json::Map<String, serde_json::Value>,
    /// Mapped name.
    pub name: Option<String>,
    /// Mapped official code.
    pub code: Option<String>,
    /// Mapped population.
    pub population: Option<f64>,
    /// Mapped households.
    pub households: Option<f64>,
    /// Hazard class after classification (`high`, `medium`, ...).
    pub hazard_class: Option<String>,
}

/// Metadata given with a load; what is not given is kept from the layer's current
/// metadata (or, for a new layer, defaulted where a default makes sense).
#[derive(Debug, Clone, Default)]
pub struct MetaChanges {
    /// Human title (default: the id).
    pub title: Option<String>,
    /// Required for a new layer.
    pub kind: Option<String>,
    /// Required for a new layer.
    pub theme: Option<String>,
    /// Default `public`.
    pub sensitivity: Option<String>,
    /// `true` or `false` (default): readable without a token.
    pub anonymous: Option<String>,
    /// Credit and licence.
    pub attribution: Option<String>,
    /// Field mapping entries given (each replaces the current one).
    pub fields: FieldMapping,
    /// Preset name or JSON rules.
    pub classification: Option<String>,
}

impl MetaChanges {
    /// The metadata of the new version.
    ///
    /// # Errors
    /// A [`MetaError`] naming the missing or invalid value.
    pub fn resolve(
        &self,
        id: &LayerId,
        current: Option<&LayerMeta>,
    ) -> Result<LayerMeta, MetaError> {
        let kind = match (&self.kind, current) {
            (Some(k), _) => k.parse::<LayerKind>()?,
            (None, Some(c)) => c.kind,
            (None, None) => return Err(MetaError::NeedsKind(id.clone())),
        };
        let theme = match (&self.theme, current) {
            (Some(t), _) => t.parse::<Theme>()?,
            (None, Some(c)) => c.theme.clone(),
            (None, None) => return Err(MetaError::NeedsTheme(id.clone())),
        };
        let sensitivity = match (&self.sensitivity, current) {
            (Some(s), _) => s.parse::<Sensitivity>()?,
            (None, Some(c)) => c.sensitivity,
            (None, None) => Sensitivity::Public,
        };
        let anonymous = match (&self.anonymous, current) {
            (Some(a), _) => parse_flag("anonymous", a)?,
            (None, Some(c)) => c.anonymous,
            (None, None) => false,
        };
        let pick = |given: &Option<String>, old: Option<&Option<String>>| {
            given.clone().or_else(|| old.cloned().flatten())
        };
        let old_fields = current.map(|c| &c.fields);
        let fields = FieldMapping {
            name: pick(&self.fields.name, old_fields.map(|f| &f.name)),
            code: pick(&self.fields.code, old_fields.map(|f| &f.code)),
            population: pick(&self.fields.population, old_fields.map(|f| &f.population)),
            households: pick(&self.fields.households, old_fields.map(|f| &f.households)),
            hazard: pick(&self.fields.hazard, old_fields.map(|f| &f.hazard)),
        };
        let classification = match (&self.classification, current) {
            (Some(c), _) => Some(c.parse::<Classification>()?),
            (None, Some(c)) => c.classification.clone(),
            (None, None) => None,
        };
        let classification = match (kind, classification) {
            (LayerKind::Hazard, None) => Some(default_classification(&theme)),
            (_, c) => c,
        };
        Ok(LayerMeta {
            id: id.clone(),
            title: self
                .title
                .clone()
                .or_else(|| current.map(|c| c.title.clone()))
                .unwrap_or_else(|| id.to_string()),
            kind,
            theme,
            sensitivity,
            anonymous,
            fields,
            classification,
            attribution: self
                .attribution
                .clone()
                .or_else(|| current.map(|c| c.attribution.clone()))
                .unwrap_or_default(),
        })
    }
}

/// Why the metadata of a new version cannot be made from the changes given.
#[derive(Debug, thiserror::Error)]
pub enum MetaError {
    /// A new layer without a kind.
    #[error("layer '{0}' is new: give its kind (hazard, exposure, boundary or context)")]
    NeedsKind(LayerId),
    /// A new layer without a theme.
    #[error(
        "layer '{0}' is new: give its theme (e.g. flood, landslide, volcanic, settlement, camp, district)"
    )]
    NeedsTheme(LayerId),
    /// A kind or sensitivity that is not one of the values.
    #[error(transparent)]
    Value(#[from] UnknownValue),
    /// A theme that is not a slug.
    #[error(transparent)]
    Theme(#[from] SlugError),
    /// A flag that is neither true nor false.
    #[error("{0} '{1}' is not true or false")]
    Flag(&'static str, String),
    /// A classification that cannot be used.
    #[error(transparent)]
    Classification(#[from] ClassificationError),
}

/// `true`/`false` (also `yes`/`no`, `1`/`0`) given for `what`.
fn parse_flag(what: &'static str, value: &str) -> Result<bool, MetaError> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        _ => Err(MetaError::Flag(what, value.chars().take(80).collect())),
    }
}

/// The classification a hazard layer gets when none is given: by theme.
fn default_classification(theme: &Theme) -> Classification {
    match theme.as_str() {
        "flood" => Classification::flood_depth(),
        "landslide" => Classification::landslide_susceptibility(),
        _ => Classification::class_names(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_ids_are_slugs() {
        assert!("flood-2026".parse::<LayerId>().is_ok());
        assert!("rwa_villages".parse::<LayerId>().is_ok());
        for bad in [
            "",
            "../etc",
            "a/b",
            "Flood",
            "-x",
            "a b",
            "é",
            &"x".repeat(65),
        ] {
            assert!(bad.parse::<LayerId>().is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            "../x".parse::<LayerId>().unwrap_err().to_string(),
            "layer id '../x' is not a valid slug: use 1-64 lowercase ASCII letters, digits, '-' or '_', starting with a letter or digit (e.g. 'flood-2026')"
        );
    }

    #[test]
    fn kinds_parse_and_name_the_choices() {
        assert_eq!("hazard".parse::<LayerKind>(), Ok(LayerKind::Hazard));
        assert_eq!(
            "river".parse::<LayerKind>().unwrap_err().to_string(),
            "unknown layer kind 'river': use one of hazard, exposure, boundary, context"
        );
    }
}

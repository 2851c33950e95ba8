//! The load report: what happened to every feature of a load, stored with its version.

use serde::{Deserialize, Serialize};

use super::macros::string_enum;

/// What happened to one feature that was not loaded as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureIssue {
    /// 1-based position of the feature in the source.
    pub index: u64,
    /// The source's feature id, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// `repaired`, `dropped`, `rejected` or `warning`.
    pub action: IssueAction,
    /// What was wrong, in words.
    pub reason: String,
}

string_enum! {
    /// What the loader did about a feature issue.
    IssueAction, "issue action" {
        /// Invalid geometry made valid; the feature is loaded.
        Repaired => "repaired",
        /// Empty geometry: the feature is left out.
        Dropped => "dropped",
        /// Unusable feature: it fails the load unless rejects are allowed.
        Rejected => "rejected",
        /// Loaded, but a value could not be read.
        Warning => "warning",
    }
}

/// The load report: counts and every feature issue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadReport {
    /// File name as given.
    pub source_name: String,
    /// GDAL driver that read it.
    pub driver: String,
    /// Layer read inside the source.
    pub source_layer: String,
    /// CRS of the source, as an authority code or name.
    pub source_crs: String,
    /// Features read from the source.
    pub read: u64,
    /// Features stored.
    pub loaded: u64,
    /// Features whose geometry was repaired (they are among `loaded`).
    pub repaired: u64,
    /// Features left out for an empty geometry.
    pub dropped: u64,
    /// Features refused.
    pub rejected: u64,
    /// Hazard features whose value falls in no class (loaded, with no class).
    pub unclassified: u64,
    /// One entry per feature that was not loaded exactly as read.
    pub issues: Vec<FeatureIssue>,
}

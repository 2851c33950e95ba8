//! The model: the types every other part of sitroom speaks in — layers and their
//! versions, hazard classifications, load reports, admin levels, tokens and roles, the
//! audit log. It imports nothing from the rest of the crate.

mod macros;

pub mod alert;
pub mod audit;
pub mod classify;
pub mod layer;
pub mod level;
pub mod preview;
pub mod record;
pub mod report;
pub mod subscriber;
pub mod token;

pub use audit::{AuditEntry, AuditQuery};
pub use classify::{ClassRule, Classification, ClassificationError, HazardClass};
pub use layer::{
    AccessChange, Bbox, Feature, FieldMapping, Layer, LayerDetail, LayerId, LayerKind, LayerMeta,
    LayerVersion, MetaChanges, MetaError, Sensitivity, Theme,
};
pub use level::AdminLevel;
pub use macros::{SlugError, UnknownValue};
pub use preview::{FieldSummary, FieldType, LoadPreview, MappedCounts};
pub use record::{
    ImportMode, ImportReport, PeriodKind, Record, RecordKind, Register, RegisterVersion, RowIssue,
};
pub use report::{FeatureIssue, IssueAction, LoadReport};
pub use token::{ApiToken, Role};

//! Exposure: who and what lies in each hazard class, per admin unit — the computation
//! on the cell grid, results kept by input versions, and the report figures (affected,
//! displaced, needs) written from them.

pub mod area;
pub mod cells;
pub mod choropleth;
mod compute;
pub mod export;
mod figures;
mod inputs;
pub mod needs;
pub mod point;
pub mod report;
pub mod results;

pub use compute::{class_at, compute, unit_at};
pub use figures::{ClassRules, Figures, class_name};
pub use inputs::{ExposureError, Inputs, Versions, layer_of_kind};
pub use needs::Needs;
pub use report::{ExposureReport, ExposureRequest, area_report, figures, report};

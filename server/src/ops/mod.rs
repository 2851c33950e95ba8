//! The ministry's operations around the map, each below the API and the CLI, which only
//! translate requests and answers: early warning (alert rules and alerts) and the
//! institutions its alerts are delivered to; the registers of records (losses, …), disaster
//! events set against the model, funding against need, and returnees' progress.

pub mod alerts;
pub mod events;
pub mod funding;
pub mod records;
pub mod returnees;
pub mod subscribers;

//! The ministry's operations around the map, each below the API and the CLI, which only
//! translate requests and answers: early warning (alert rules and alerts) and the
//! institutions its alerts are delivered to; the registers of records (losses, …).

pub mod alerts;
pub mod funding;
pub mod records;
pub mod subscribers;

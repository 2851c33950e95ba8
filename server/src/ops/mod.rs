//! The ministry's operations around the map, each below the API and the CLI, which only
//! translate requests and answers: early warning (alert rules and alerts).

pub mod alerts;

//! sitroom: a geospatial hazard-risk and situation-room server.
//!
//! GIS staff load hazard, exposure and boundary layers ([`ingest`]); every load becomes a
//! new version in the [`store`] in one transaction; the HTTP [`api`] and the [`cli`] serve
//! and manage them.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod api;
pub mod auth;
pub mod cartography;
pub mod cli;
pub mod config;
pub mod delivery;
pub mod demo;
pub mod engine;
pub mod formats;
pub mod ingest;
pub mod load;
pub mod metrics;
pub mod model;
pub mod ops;
pub mod store;

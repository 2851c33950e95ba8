//! Plane geometry shared by the tiles and the exposure grid.

pub mod clip;
pub mod crs;
pub mod projection;

pub use clip::{clip_line, clip_ring};
pub use projection::{HALF_WORLD_M, to_lonlat, to_mercator};

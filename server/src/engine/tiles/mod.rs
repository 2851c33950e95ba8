//! Vector tiles from the snapshots: addresses, clipping and simplification to tile
//! units, ring validity and winding, MVT encoding, rendering within a byte budget, and
//! the cache of rendered tiles.

pub mod cache;
pub mod id;
pub mod mvt;
mod render;
mod rings;
pub mod shape;
mod simplify;

pub use cache::TileCache;
pub use id::{BUFFER, MAX_ZOOM, TileId};
pub use render::{TILE_BYTE_BUDGET, labels_layer, render};

//! How sitroom draws its layers: the palette of `data/map-style.json` (shared with the
//! web map) and the MapLibre styles built from it, served at `/styles`.

pub mod palette;
pub mod style;

pub use style::{Drawn, default_opacity, layer_style, situation_style};

//! Output formats shared by the API and the CLI: GeoJSON geometries and CSV with a HXL
//! hashtag row.

pub mod cap;
pub mod csv;
pub mod email;
pub mod geojson;
pub mod records;
pub mod webhook;

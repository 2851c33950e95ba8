//! Why a file could not be loaded: each error says what is wrong with the file and what
//! to do about it.

use crate::model::{IssueAction, LoadReport};

/// Why a file could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file is missing or unreadable.
    #[error("cannot read '{path}': {source}")]
    Unreadable {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A format we do not open.
    #[error(
        "'{path}' is not in a format sitroom loads: use GeoJSON (.geojson), a shapefile (.shp or .zip), GeoPackage (.gpkg), KML (.kml), CSV with lon/lat (.csv), GeoTIFF (.tif), FlatGeobuf (.fgb) or GPX (.gpx)"
    )]
    UnknownFormat {
        /// The file.
        path: String,
    },
    /// A path into one of GDAL's virtual file systems (`/vsicurl/`, `/vsizip/`, ...).
    #[error("'{path}' is a GDAL virtual file system path: give a file on disk (download it first)")]
    VirtualPath {
        /// The path.
        path: String,
    },
    /// A zero-byte file.
    #[error("'{path}' is empty (0 bytes): nothing to load")]
    EmptyFile {
        /// The file.
        path: String,
    },
    /// GDAL could not open or parse the file.
    #[error("'{path}' could not be read as {expected}: {reason}")]
    Unparseable {
        /// The file.
        path: String,
        /// What the file was read as.
        expected: String,
        /// GDAL's message.
        reason: String,
    },
    /// A zip with no shapefile inside.
    #[error(
        "'{path}' holds no .shp file (it contains: {contents}): zip the .shp with its .shx, .dbf and .prj"
    )]
    ZipWithoutShapefile {
        /// The zip.
        path: String,
        /// What it holds.
        contents: String,
    },
    /// A zip that would expand to far more than it holds (a zip bomb, or simply too big).
    #[error(
        "'{path}' would expand from {packed} to {unpacked} bytes ({reason}): send the files unzipped or in smaller parts"
    )]
    ZipTooLarge {
        /// The zip.
        path: String,
        /// Its size.
        packed: u64,
        /// What its entries declare uncompressed.
        unpacked: u64,
        /// Which limit it passes.
        reason: String,
    },
    /// More features or vertices than a load may hold.
    #[error(
        "'{path}' has {count} {what}, more than the {limit} a load may hold: split it into several layers, simplify it, or ask the operator to raise --max-{what}"
    )]
    TooLarge {
        /// The file.
        path: String,
        /// `features` or `vertices`.
        what: &'static str,
        /// How many it has (vertices: at least this many, counting stopped there).
        count: u64,
        /// The limit.
        limit: u64,
    },
    /// Several layers and none chosen.
    #[error("'{path}' has several layers ({available}): choose one with --source-layer")]
    SeveralLayers {
        /// The file.
        path: String,
        /// Their names.
        available: String,
    },
    /// The chosen layer is not there.
    #[error("'{path}' has no layer '{wanted}': its layers are {available}")]
    NoSuchLayer {
        /// The file.
        path: String,
        /// Layer asked for.
        wanted: String,
        /// Layers there.
        available: String,
    },
    /// No CRS in the file and none given.
    #[error(
        "'{path}' has no CRS: say which CRS its coordinates are in (the CRS field of the layers page, `srs` in an upload, --srs on the command line), e.g. EPSG:32735 for UTM 35S, or EPSG:4326 for degrees"
    )]
    NoCrs {
        /// The file.
        path: String,
    },
    /// `--srs` could not be understood.
    #[error(
        "the CRS '{srs}' is not one GDAL knows: give an EPSG code such as EPSG:4326 or EPSG:32735, or a WKT or PROJ definition"
    )]
    BadSrs {
        /// As given.
        srs: String,
    },
    /// A mapped field is not in the file.
    #[error("field '{field}' (given for {role}) is not in '{path}': its fields are {available}")]
    UnknownField {
        /// The file.
        path: String,
        /// Mapping role.
        role: String,
        /// Field named.
        field: String,
        /// Fields there.
        available: String,
    },
    /// A hazard layer without a hazard field.
    #[error(
        "a hazard layer needs the field holding the hazard value or class: pass --hazard-field (fields in '{path}': {available})"
    )]
    NoHazardField {
        /// The file.
        path: String,
        /// Fields there.
        available: String,
    },
    /// A CSV without coordinate columns.
    #[error("'{path}' has no lon/lat columns: name them lon and lat (or longitude/latitude, x/y)")]
    CsvWithoutCoordinates {
        /// The file.
        path: String,
    },
    /// Some features were rejected and rejects are not allowed.
    #[error("{} of {} features in '{}' were rejected, so nothing was loaded; first: {}. Fix them, or load the rest (\"load the good features\" on the layers page, `allow_rejects` in an upload, --allow-rejects on the command line)", .0.rejected, .0.read, .0.source_name, first_rejection(.0))]
    Rejected(Box<LoadReport>),
    /// Nothing usable in the file.
    #[error("'{}' has no features to load ({} read, {} dropped, {} rejected)", .0.source_name, .0.read, .0.dropped, .0.rejected)]
    NoFeatures(Box<LoadReport>),
    /// A raster that cannot be used as a hazard layer.
    #[error("raster '{path}' cannot be loaded: {reason}")]
    Raster {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// Any other GDAL failure.
    #[error("GDAL failed reading '{path}': {}", gdal_message(.source))]
    Gdal {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: gdal::errors::GdalError,
    },
}

/// A GDAL error's message, without any path in it.
fn gdal_message(e: &gdal::errors::GdalError) -> String {
    scrub_paths(&e.to_string(), std::path::Path::new(""), "")
}

impl IngestError {
    /// The load report, when the failure came after reading features.
    #[must_use]
    pub fn report(&self) -> Option<&LoadReport> {
        match self {
            Self::Rejected(r) | Self::NoFeatures(r) => Some(r),
            _ => None,
        }
    }
}

fn first_rejection(report: &LoadReport) -> String {
    report
        .issues
        .iter()
        .find(|i| i.action == IssueAction::Rejected)
        .map_or_else(String::new, |i| {
            format!("feature {}: {}", i.index, i.reason)
        })
}

/// GDAL's own message without the crate's wrapping, with the file's path on this
/// server (an upload's temporary folder, say) replaced by the name it was given as.
pub(super) fn gdal_reason(
    e: &gdal::errors::GdalError,
    path: &std::path::Path,
    shown: &str,
) -> String {
    let msg = match e {
        gdal::errors::GdalError::NullPointer { msg, .. } if !msg.is_empty() => msg.clone(),
        gdal::errors::GdalError::CplError { msg, .. } => msg.clone(),
        other => other.to_string(),
    };
    scrub_paths(msg.trim(), path, shown)
}

/// `msg` with every mention of `path` (or of its folder) replaced by `shown`, and any
/// other absolute path left as its file name: no message tells a client where files
/// are kept.
pub(super) fn scrub_paths(msg: &str, path: &std::path::Path, shown: &str) -> String {
    let mut out = msg.to_owned();
    let full = path.display().to_string();
    if !full.is_empty() {
        out = out.replace(&full, shown);
    }
    if let Some(dir) = path.parent().map(|d| d.display().to_string())
        && dir.len() > 1
    {
        out = out.replace(&format!("{dir}/"), "");
    }
    out.split(' ')
        .map(|word| {
            let bare = word.trim_matches(|c| matches!(c, '\'' | '"' | ',' | ':' | '(' | ')'));
            if bare.starts_with('/') && bare.len() > 1 {
                let name = bare.rsplit('/').next().unwrap_or_default();
                word.replacen(bare, name, 1)
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

//! Reading files with GDAL into features ready to store: open any vector format GDAL
//! reads (or a classified GeoTIFF), reproject to EPSG:4326, check and repair geometries,
//! map fields, classify hazard values, and report what happened to every feature.

mod geojson;
mod geometry;
mod properties;
mod raster;
mod source;

use std::path::Path;

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::model::Classification;
use crate::model::{Bbox, Feature, FeatureIssue, FieldMapping, IssueAction, LayerKind, LoadReport};

use source::Source;
pub use source::SourceKind;

/// How to read a file.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The layer kind decides which geometry types are accepted.
    pub kind: LayerKind,
    /// CRS to assume when the file has none (e.g. `EPSG:32735`).
    pub srs: Option<String>,
    /// Layer inside a multi-layer source (GeoPackage, zip of shapefiles, KML folders).
    pub source_layer: Option<String>,
    /// Which source fields feed the engine's columns.
    pub fields: FieldMapping,
    /// How hazard values become classes (hazard layers).
    pub classification: Option<Classification>,
    /// Load the good features even when some are rejected.
    pub allow_rejects: bool,
    /// Largest file accepted, in features and vertices.
    pub limits: LoadLimits,
}

/// How much one load may hold: a guard against files that would exhaust memory (every
/// layer version is held in memory to serve it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadLimits {
    /// Features read from the source.
    pub features: u64,
    /// Coordinates over all geometries.
    pub vertices: u64,
}

impl Default for LoadLimits {
    fn default() -> Self {
        Self {
            features: crate::config::DEFAULT_MAX_FEATURES,
            vertices: crate::config::DEFAULT_MAX_VERTICES,
        }
    }
}

/// Features read from a file and what happened to them.
#[derive(Debug)]
pub struct Ingested {
    /// Features to store, in source order.
    pub features: Vec<Feature>,
    /// Counts and issues.
    pub report: LoadReport,
    /// SHA-256 of the source file(s), hex.
    pub sha256: String,
    /// Extent of all features.
    pub bbox: Option<Bbox>,
}

/// Why a file could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file is missing or unreadable.
    #[error("cannot read '{path}': {reason}")]
    Unreadable {
        /// The file.
        path: String,
        /// The OS error.
        reason: String,
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
        "'{path}' has no CRS: pass --srs with the CRS its coordinates are in (e.g. --srs EPSG:32735 for UTM 35S)"
    )]
    NoCrs {
        /// The file.
        path: String,
    },
    /// `--srs` could not be understood.
    #[error(
        "--srs '{srs}' is not a CRS GDAL knows: give an EPSG code such as EPSG:4326 or EPSG:32735, or a WKT or PROJ definition"
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
    #[error("{} of {} features in '{}' were rejected, so nothing was loaded; first: {}. Fix them, or pass --allow-rejects to load the rest", .0.rejected, .0.read, .0.source_name, first_rejection(.0))]
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
    #[error("GDAL failed reading '{path}': {source}")]
    Gdal {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: gdal::errors::GdalError,
    },
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

/// Reads `path` (its name for reports is `source_name`) into features ready to store.
///
/// Sources are read in one thread (GDAL, or our GeoJSON reader); geometries are then
/// checked, repaired, reprojected and mapped on every core.
///
/// # Errors
/// An [`IngestError`] saying what is wrong with the file and what to do.
pub fn read(
    path: &Path,
    source_name: &str,
    opts: &LoadOptions,
    progress: &dyn Fn(u64, u64),
) -> Result<Ingested, IngestError> {
    let shown = source_name.to_owned();
    let bytes = std::fs::read(path).map_err(|e| IngestError::Unreadable {
        path: shown.clone(),
        reason: e.to_string(),
    })?;
    if bytes.is_empty() {
        return Err(IngestError::EmptyFile { path: shown });
    }
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let source = if SourceKind::of(path) == SourceKind::GeoJson {
        let stem = path
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        geojson::read(&bytes, &shown, &stem)?
    } else {
        drop(bytes);
        source::read_with_gdal(path, &shown, opts, progress)?
    };
    let mut report = LoadReport {
        source_name: shown.clone(),
        driver: source.driver.clone(),
        source_layer: source.layer.clone(),
        ..LoadReport::default()
    };

    let raster_opts;
    let mapping_opts = if source.kind == SourceKind::GeoTiff && opts.kind == LayerKind::Hazard {
        // Polygonised cells carry class codes; read them with the same rates and flags.
        let mut o = opts.clone();
        o.fields.hazard = Some(raster::CLASS_CODE_FIELD.into());
        o.classification = opts
            .classification
            .as_ref()
            .map(Classification::by_class_code);
        raster_opts = o;
        &raster_opts
    } else if source.kind == SourceKind::GeoTiff {
        // Cell points carry the cell's value: people, unless mapped otherwise.
        let mut o = opts.clone();
        o.fields.population = o
            .fields
            .population
            .or_else(|| Some(raster::CELL_VALUE_FIELD.into()));
        raster_opts = o;
        &raster_opts
    } else {
        opts
    };
    let mapping = properties::Mapping::new(&shown, &source.fields, mapping_opts)?;

    let crs = source_crs(&source, opts, &shown)?;
    report.source_crs = crs.as_ref().map_or_else(|| "EPSG:4326".into(), crs_label);
    let gdal_err = |source| IngestError::Gdal {
        path: shown.clone(),
        source,
    };
    let crs_wkt = match crs {
        Some(c) if !is_wgs84(&c) => Some(c.to_wkt().map_err(gdal_err)?),
        _ => None,
    };
    // Fail here, once, if the transformation cannot be built.
    if let Some(wkt) = &crs_wkt {
        transform_from(wkt).map_err(gdal_err)?;
    }

    let total = source.features.len() as u64;
    if total > opts.limits.features {
        return Err(IngestError::TooLarge {
            path: shown,
            what: "features",
            count: total,
            limit: opts.limits.features,
        });
    }
    progress(total, total);
    let outcomes: Vec<Outcome> = source
        .features
        .par_iter()
        .map_init(
            || crs_wkt.as_deref().map(transform_from),
            |transform, raw| {
                let transform = match transform {
                    Some(Ok(t)) => Some(&*t),
                    Some(Err(e)) => {
                        return Outcome {
                            checked: geometry::Checked::Rejected(format!(
                                "cannot be reprojected to EPSG:4326: {e}"
                            )),
                            mapped: properties::Mapped::default(),
                            warnings: Vec::new(),
                        };
                    }
                    None => None,
                };
                let checked = geometry::check(raw.wkb.as_ref(), opts.kind, transform);
                let mut warnings = Vec::new();
                let mapped = mapping.apply(&raw.properties, &mut |w| warnings.push(w));
                Outcome {
                    checked,
                    mapped,
                    warnings,
                }
            },
        )
        .collect();

    let mut features = Vec::with_capacity(outcomes.len());
    let mut bbox: Option<Bbox> = None;
    let mut vertices = 0u64;
    for (raw, outcome) in source.features.into_iter().zip(outcomes) {
        report.read += 1;
        let mut note = |action: IssueAction, reason: String| {
            report.issues.push(FeatureIssue {
                index: raw.index,
                source_id: raw.source_id.clone(),
                action,
                reason,
            });
        };
        let good = match outcome.checked {
            geometry::Checked::Ok(g) => g,
            geometry::Checked::Repaired(g, why) => {
                report.repaired += 1;
                note(IssueAction::Repaired, why);
                g
            }
            geometry::Checked::Empty => {
                report.dropped += 1;
                note(IssueAction::Dropped, "empty geometry".into());
                continue;
            }
            geometry::Checked::Rejected(why) => {
                report.rejected += 1;
                note(IssueAction::Rejected, why);
                continue;
            }
        };
        for w in outcome.warnings {
            note(IssueAction::Warning, w);
        }
        vertices += good.vertices;
        if vertices > opts.limits.vertices {
            return Err(IngestError::TooLarge {
                path: shown,
                what: "vertices",
                count: vertices,
                limit: opts.limits.vertices,
            });
        }
        let mapped = outcome.mapped;
        if mapping.has_hazard() && mapped.hazard_class.is_none() {
            report.unclassified += 1;
        }
        bbox = Some(match bbox {
            None => good.bbox,
            Some(b) => [
                b[0].min(good.bbox[0]),
                b[1].min(good.bbox[1]),
                b[2].max(good.bbox[2]),
                b[3].max(good.bbox[3]),
            ],
        });
        features.push(Feature {
            fid: i64::try_from(features.len()).unwrap_or(i64::MAX) + 1,
            source_id: raw.source_id,
            wkb: good.wkb,
            bbox: good.bbox,
            properties: raw.properties,
            name: mapped.name,
            code: mapped.code,
            population: mapped.population,
            households: mapped.households,
            hazard_class: mapped.hazard_class.map(|c| c.as_str().to_owned()),
        });
    }
    report.loaded = features.len() as u64;

    if report.rejected > 0 && !opts.allow_rejects {
        return Err(IngestError::Rejected(Box::new(report)));
    }
    if features.is_empty() {
        return Err(IngestError::NoFeatures(Box::new(report)));
    }
    Ok(Ingested {
        features,
        report,
        sha256,
        bbox,
    })
}

/// What the parallel check made of one raw feature.
struct Outcome {
    checked: geometry::Checked,
    mapped: properties::Mapped,
    warnings: Vec<String>,
}

fn wgs84() -> gdal::errors::Result<SpatialRef> {
    let mut srs = SpatialRef::from_epsg(4326)?;
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    Ok(srs)
}

/// A transformation from the CRS `wkt` to EPSG:4326 lon/lat (one per thread: GDAL's
/// transformations are not shareable).
fn transform_from(wkt: &str) -> gdal::errors::Result<CoordTransform> {
    let mut from = SpatialRef::from_wkt(wkt)?;
    from.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    CoordTransform::new(&from, &wgs84()?)
}

fn is_wgs84(crs: &SpatialRef) -> bool {
    crs.auth_name().as_deref() == Some("EPSG") && crs.auth_code().ok() == Some(4326)
        || crs
            .name()
            .is_some_and(|n| n.contains("CRS84") || n == "WGS 84")
            && crs.is_geographic()
}

fn crs_label(crs: &SpatialRef) -> String {
    if is_wgs84(crs) {
        return "EPSG:4326".into();
    }
    match (crs.auth_name(), crs.auth_code()) {
        (Some(a), Ok(c)) => format!("{a}:{c}"),
        _ => crs.name().unwrap_or_else(|| "unnamed CRS".into()),
    }
}

/// The CRS to read coordinates in: `--srs` when given (it overrides the file's, as with
/// ogr2ogr's -s_srs), else the file's own; `None` means EPSG:4326 by definition of the
/// format (CSV lon/lat columns are degrees on WGS 84).
fn source_crs(
    source: &Source,
    opts: &LoadOptions,
    path: &str,
) -> Result<Option<SpatialRef>, IngestError> {
    if let Some(s) = opts.srs.as_deref() {
        return SpatialRef::from_definition(s)
            .map(Some)
            .map_err(|_| IngestError::BadSrs { srs: s.to_owned() });
    }
    match (&source.crs, &source.kind) {
        (Some(def), _) => {
            SpatialRef::from_definition(def)
                .map(Some)
                .map_err(|_| IngestError::Unparseable {
                    path: path.to_owned(),
                    expected: "a file with a known CRS".into(),
                    reason: format!(
                        "its CRS '{}' is not one GDAL knows: pass --srs",
                        def.chars().take(80).collect::<String>()
                    ),
                })
        }
        (None, SourceKind::Csv) => Ok(None),
        (None, _) => Err(IngestError::NoCrs {
            path: path.to_owned(),
        }),
    }
}

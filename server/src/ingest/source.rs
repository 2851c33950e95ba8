//! Opening a source file with the right GDAL driver and choosing the layer to read.

use std::path::{Path, PathBuf};

use gdal::vector::{Layer, LayerAccess};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
use serde_json::{Map, Value};

use super::error::gdal_reason;
use super::{IngestError, LoadOptions, geometry, properties, raster};
use crate::model::LayerKind;

/// One feature as read, before any check.
#[derive(Debug)]
pub struct RawFeature {
    /// 1-based position in the source.
    pub index: u64,
    /// The source's feature id.
    pub source_id: Option<String>,
    /// WKB of the geometry as read (`None`: no geometry; `Err`: unreadable, why).
    pub wkb: Option<Result<Vec<u8>, String>>,
    /// Attributes.
    pub properties: Map<String, Value>,
}

/// Everything read from a source file.
#[derive(Debug)]
pub struct Source {
    /// Format.
    pub kind: SourceKind,
    /// Reader (GDAL driver name).
    pub driver: String,
    /// Layer read.
    pub layer: String,
    /// The file's own CRS (WKT or an authority string); `None` when it has none.
    pub crs: Option<String>,
    /// Attribute names, in source order.
    pub fields: Vec<String>,
    /// Features in source order.
    pub features: Vec<RawFeature>,
}

/// What a source file is, decided by its extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    /// GeoJSON (`.geojson`, `.json`).
    GeoJson,
    /// A shapefile given by its `.shp` (siblings beside it).
    Shapefile,
    /// A zip holding a shapefile.
    ZippedShapefile,
    /// A GeoPackage.
    GeoPackage,
    /// KML.
    Kml,
    /// CSV with lon/lat columns.
    Csv,
    /// A GeoTIFF hazard raster, classified and polygonised.
    GeoTiff,
    /// FlatGeobuf.
    FlatGeobuf,
    /// GPX tracks and waypoints.
    Gpx,
    /// Anything else: refused (only the formats above are opened, each with its own
    /// driver, so no file can make GDAL read another file or reach the network).
    Other,
}

impl SourceKind {
    /// Decides the kind from the file name.
    #[must_use]
    pub fn of(path: &Path) -> Self {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        match ext.as_str() {
            "geojson" | "json" => Self::GeoJson,
            "shp" => Self::Shapefile,
            "zip" => Self::ZippedShapefile,
            "gpkg" => Self::GeoPackage,
            "kml" => Self::Kml,
            "csv" => Self::Csv,
            "tif" | "tiff" => Self::GeoTiff,
            "fgb" => Self::FlatGeobuf,
            "gpx" => Self::Gpx,
            _ => Self::Other,
        }
    }

    fn expected(&self) -> &'static str {
        match self {
            Self::GeoJson => "GeoJSON",
            Self::Shapefile | Self::ZippedShapefile => "a shapefile",
            Self::GeoPackage => "a GeoPackage",
            Self::Kml => "KML",
            Self::Csv => "CSV",
            Self::GeoTiff => "a GeoTIFF",
            Self::FlatGeobuf => "FlatGeobuf",
            Self::Gpx => "GPX",
            Self::Other => "a vector file",
        }
    }

    /// The only GDAL drivers that may open a file of this kind.
    fn drivers(&self) -> &'static [&'static str] {
        match self {
            Self::GeoJson => &["GeoJSON"],
            Self::Shapefile | Self::ZippedShapefile => &["ESRI Shapefile"],
            Self::GeoPackage => &["GPKG"],
            // The plain KML reader: it never follows network links.
            Self::Kml => &["KML"],
            Self::Csv => &["CSV"],
            Self::GeoTiff => &["GTiff"],
            Self::FlatGeobuf => &["FlatGeobuf"],
            Self::Gpx => &["GPX"],
            Self::Other => &[],
        }
    }
}

/// An opened vector dataset and the choice of layer in it.
pub struct Opened {
    dataset: Dataset,
    /// Name shown in messages.
    path: String,
    /// Format of the source.
    pub kind: SourceKind,
    /// GDAL driver short name.
    pub driver: String,
    source_layer: Option<String>,
}

impl Opened {
    /// The layer to read: the one named, or the only one.
    ///
    /// # Errors
    /// When the named layer is missing or there are several and none was named.
    pub fn layer(&self) -> Result<Layer<'_>, IngestError> {
        let names: Vec<String> = self.dataset.layers().map(|l| l.name()).collect();
        match (&self.source_layer, names.len()) {
            (Some(wanted), _) => {
                self.dataset
                    .layer_by_name(wanted)
                    .map_err(|_| IngestError::NoSuchLayer {
                        path: self.path.clone(),
                        wanted: wanted.clone(),
                        available: names.join(", "),
                    })
            }
            (None, 1) => self.dataset.layer(0).map_err(|source| IngestError::Gdal {
                path: self.path.clone(),
                source,
            }),
            (None, 0) => Err(IngestError::Unparseable {
                path: self.path.clone(),
                expected: self.kind.expected().into(),
                reason: "it holds no vector layer".into(),
            }),
            (None, _) => Err(IngestError::SeveralLayers {
                path: self.path.clone(),
                available: names.join(", "),
            }),
        }
    }
}

/// Opens `path` for reading as its extension says.
///
/// # Errors
/// When GDAL cannot open it, or a zip has no shapefile, or a CSV has no coordinates.
pub fn open(path: &Path, shown: &str, opts: &LoadOptions) -> Result<Opened, IngestError> {
    let kind = SourceKind::of(path);
    if kind == SourceKind::Other {
        return Err(IngestError::UnknownFormat {
            path: shown.to_owned(),
        });
    }
    super::sandbox::gdal();
    if kind == SourceKind::GeoTiff {
        let dataset = match opts.kind {
            LayerKind::Hazard => raster::polygonise(path, shown, opts)?,
            LayerKind::Exposure => raster::cell_points(path, shown)?,
            LayerKind::Boundary | LayerKind::Context => {
                return Err(IngestError::Raster {
                    path: shown.to_owned(),
                    reason: format!(
                        "a raster can be a hazard layer (classified cells) or an exposure layer (people per cell), not a {} layer: load it as vector features",
                        opts.kind
                    ),
                });
            }
        };
        return Ok(Opened {
            driver: "GTiff".into(),
            dataset,
            path: shown.to_owned(),
            kind,
            source_layer: None,
        });
    }
    let mut source_layer = opts.source_layer.clone();
    let target: PathBuf = if kind == SourceKind::ZippedShapefile {
        zipped_shapefile(path, shown, &mut source_layer)?
    } else {
        path.to_path_buf()
    };
    let csv_options = [
        "X_POSSIBLE_NAMES=lon,longitude,lng,long,x",
        "Y_POSSIBLE_NAMES=lat,latitude,y",
        "KEEP_GEOM_COLUMNS=NO",
        "AUTODETECT_TYPE=YES",
    ];
    let dataset = Dataset::open_ex(
        &target,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
            allowed_drivers: Some(kind.drivers()),
            open_options: (kind == SourceKind::Csv).then_some(&csv_options[..]),
            sibling_files: None,
        },
    )
    .map_err(|e| IngestError::Unparseable {
        path: shown.to_owned(),
        expected: kind.expected().into(),
        reason: format!(
            "{}. Check that the file is complete and really in that format",
            gdal_reason(&e, path, shown)
        ),
    })?;
    let driver = dataset.driver().short_name();
    let opened = Opened {
        dataset,
        path: shown.to_owned(),
        kind,
        driver,
        source_layer,
    };
    if opened.kind == SourceKind::Csv {
        let layer = opened.layer()?;
        if layer.defn().geom_fields().next().is_none() {
            return Err(IngestError::CsvWithoutCoordinates {
                path: shown.to_owned(),
            });
        }
        // lon/lat columns are degrees on WGS 84 by their names; x/y may be anything.
        if opts.srs.is_none() && !has_lon_lat_columns(path) {
            return Err(IngestError::NoCrs {
                path: shown.to_owned(),
            });
        }
    }
    Ok(opened)
}

/// Whether a CSV's header names its coordinates as longitude and latitude (then they
/// are degrees on WGS 84), not as x and y.
fn has_lon_lat_columns(path: &Path) -> bool {
    use std::io::{BufRead as _, Read as _};
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut header = String::new();
    if std::io::BufReader::new(file.take(64 * 1024))
        .read_line(&mut header)
        .is_err()
    {
        return false;
    }
    let names: Vec<String> = header
        .trim_start_matches('\u{feff}')
        .split([',', ';', '\t'])
        .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    let any = |wanted: &[&str]| names.iter().any(|n| wanted.contains(&n.as_str()));
    any(&["lon", "longitude", "lng", "long"]) && any(&["lat", "latitude"])
}

/// The `/vsizip/` path of the shapefile inside a zip (the one named by `source_layer`
/// when there are several).
/// Largest total a zip may expand to.
const MAX_UNZIPPED_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// Largest expansion ratio for zips over [`RATIO_CHECKED_FROM`] bytes unpacked: real
/// shapefiles compress 3-20 times, zip bombs thousands.
const MAX_ZIP_RATIO: u64 = 200;
const RATIO_CHECKED_FROM: u64 = 16 * 1024 * 1024;

/// Refuses zips whose entries declare more than we will unpack, before GDAL reads any.
fn check_zip_size(path: &Path, shown: &str) -> Result<(), IngestError> {
    let unparseable = |reason: String| IngestError::Unparseable {
        path: shown.to_owned(),
        expected: "a zip file".into(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|e| unparseable(e.to_string()))?;
    let packed = file.metadata().map_or(0, |m| m.len());
    let mut archive = zip::ZipArchive::new(file).map_err(|e| unparseable(e.to_string()))?;
    let mut unpacked: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| unparseable(e.to_string()))?;
        unpacked = unpacked.saturating_add(entry.size());
    }
    let too_large = |reason: String| IngestError::ZipTooLarge {
        path: shown.to_owned(),
        packed,
        unpacked,
        reason,
    };
    if unpacked > MAX_UNZIPPED_BYTES {
        return Err(too_large(format!(
            "more than the {} GiB we unpack",
            MAX_UNZIPPED_BYTES >> 30
        )));
    }
    if unpacked > RATIO_CHECKED_FROM && unpacked / packed.max(1) > MAX_ZIP_RATIO {
        return Err(too_large(format!(
            "over {MAX_ZIP_RATIO} times its size, which no real shapefile does"
        )));
    }
    Ok(())
}

fn zipped_shapefile(
    path: &Path,
    shown: &str,
    source_layer: &mut Option<String>,
) -> Result<PathBuf, IngestError> {
    check_zip_size(path, shown)?;
    let root = PathBuf::from(format!("/vsizip/{}", path.display()));
    let entries = gdal::vsi::read_dir(&root, true).map_err(|e| IngestError::Unparseable {
        path: shown.to_owned(),
        expected: "a zip file".into(),
        reason: gdal_reason(&e, path, shown),
    })?;
    let shps: Vec<&PathBuf> = entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("shp")))
        .collect();
    let stem = |p: &PathBuf| {
        p.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let chosen = match (shps.as_slice(), source_layer.as_deref()) {
        ([], _) => {
            let mut contents: Vec<String> =
                entries.iter().map(|p| p.display().to_string()).collect();
            if contents.is_empty() {
                contents.push("nothing".into());
            }
            return Err(IngestError::ZipWithoutShapefile {
                path: shown.to_owned(),
                contents: contents.join(", "),
            });
        }
        ([one], None) => *one,
        (many, Some(wanted)) => many
            .iter()
            .copied()
            .find(|p| stem(p) == wanted)
            .ok_or_else(|| IngestError::NoSuchLayer {
                path: shown.to_owned(),
                wanted: wanted.to_owned(),
                available: many.iter().map(|p| stem(p)).collect::<Vec<_>>().join(", "),
            })?,
        (many, None) => {
            return Err(IngestError::SeveralLayers {
                path: shown.to_owned(),
                available: many.iter().map(|p| stem(p)).collect::<Vec<_>>().join(", "),
            });
        }
    };
    // The shapefile's layer is the one in the opened dataset; no further choice needed.
    *source_layer = None;
    Ok(root.join(chosen))
}

/// Reads every feature of the chosen layer of a source GDAL opens.
///
/// # Errors
/// As [`open`] and [`Opened::layer`].
pub fn read_with_gdal(
    path: &Path,
    shown: &str,
    opts: &LoadOptions,
    progress: &dyn Fn(u64, u64),
) -> Result<Source, IngestError> {
    let opened = open(path, shown, opts)?;
    let mut layer = opened.layer()?;
    let fields: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
    let crs = layer
        .spatial_ref()
        .map(|s| s.to_wkt())
        .transpose()
        .map_err(|source| IngestError::Gdal {
            path: shown.to_owned(),
            source,
        })?;
    let name = layer.name();
    // Only a count the driver knows without reading the whole file again.
    let total = layer.try_feature_count().unwrap_or(0);
    let mut features = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    for (i, f) in layer.features().enumerate() {
        let index = i as u64 + 1;
        if index.is_multiple_of(1024) {
            progress(index, total);
        }
        let wkb = f.geometry().filter(|g| g.has_gdal_ptr()).map(|g| {
            g.wkb().map_err(|e| {
                // GDAL will not encode NaN; say which coordinate is the problem.
                geometry::non_finite(g).unwrap_or_else(|| format!("geometry cannot be read: {e}"))
            })
        });
        features.push(RawFeature {
            index,
            source_id: f.fid().map(|v| v.to_string()),
            wkb,
            properties: properties::to_json(&f),
        });
    }
    Ok(Source {
        kind: opened.kind.clone(),
        driver: opened.driver.clone(),
        layer: name,
        crs,
        fields,
        features,
    })
}

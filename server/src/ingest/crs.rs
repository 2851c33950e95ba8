//! Coordinate reference systems: which one a source's coordinates are in, and the
//! transformation to EPSG:4326 lon/lat.

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};

use super::source::{Source, SourceKind};
use super::{IngestError, LoadOptions};

fn wgs84() -> gdal::errors::Result<SpatialRef> {
    let mut srs = SpatialRef::from_epsg(4326)?;
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    Ok(srs)
}

/// A transformation from the CRS `wkt` to EPSG:4326 lon/lat (one per thread: GDAL's
/// transformations are not shareable).
pub(super) fn transform_from(wkt: &str) -> gdal::errors::Result<CoordTransform> {
    let mut from = SpatialRef::from_wkt(wkt)?;
    from.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    CoordTransform::new(&from, &wgs84()?)
}

pub(super) fn is_wgs84(crs: &SpatialRef) -> bool {
    crs.auth_name().as_deref() == Some("EPSG") && crs.auth_code().ok() == Some(4326)
        || crs
            .name()
            .is_some_and(|n| n.contains("CRS84") || n == "WGS 84")
            && crs.is_geographic()
}

pub(super) fn crs_label(crs: &SpatialRef) -> String {
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
pub(super) fn source_crs(
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
                        "its CRS '{}' is not one GDAL knows: say which CRS it is in (the CRS field of the layers page, `srs` in an upload, --srs on the command line)",
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

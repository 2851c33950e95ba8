//! GeoTIFF hazard rasters: classified cell by cell, then polygonised at load.
//!
//! Why polygonise rather than sample at exposure points: the rest of the system (tiles,
//! exposure by intersected area, the store) works on vector hazard zones, and a classified
//! raster has few distinct values, so its polygons are compact and exact (cell edges).
//! Polygonising once at load keeps every later step on one code path.

use std::path::Path;

use gdal::raster::Buffer;
use gdal::vector::{FieldDefn, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType};
use gdal::{Dataset, DatasetOptions, DriverManager, GdalOpenFlags};

use super::source::gdal_reason;
use super::{IngestError, LoadOptions};
use crate::classify::Classification;

/// Name of the field holding the class code in the polygonised layer.
pub const CLASS_CODE_FIELD: &str = "class_code";

/// Largest raster we classify in memory (cells).
const MAX_CELLS: usize = 100_000_000;

/// Classifies band 1 of the GeoTIFF at `path` and polygonises the classes into an
/// in-memory vector dataset with one layer whose features carry [`CLASS_CODE_FIELD`].
///
/// # Errors
/// When the file is not a readable GeoTIFF, is too large, or no classification is given.
pub fn polygonise(path: &Path, shown: &str, opts: &LoadOptions) -> Result<Dataset, IngestError> {
    let raster_err = |reason: String| IngestError::Raster {
        path: shown.to_owned(),
        reason,
    };
    let classification: &Classification = opts.classification.as_ref().ok_or_else(|| {
        raster_err(
            "give --classification (e.g. flood-depth, landslide-susceptibility, or JSON rules) to turn its cell values into hazard classes".into(),
        )
    })?;
    let src = Dataset::open_ex(
        path,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_RASTER | GdalOpenFlags::GDAL_OF_READONLY,
            allowed_drivers: Some(&["GTiff"]),
            ..DatasetOptions::default()
        },
    )
    .map_err(|e| IngestError::Unparseable {
        path: shown.to_owned(),
        expected: "a GeoTIFF".into(),
        reason: format!("{}. Check that the file is complete", gdal_reason(&e)),
    })?;
    let gdal_err = |source| IngestError::Gdal {
        path: shown.to_owned(),
        source,
    };
    let (width, height) = src.raster_size();
    if width * height > MAX_CELLS {
        return Err(raster_err(format!(
            "{width} x {height} cells is more than the {MAX_CELLS} we classify in memory: tile or resample it first"
        )));
    }
    let band = src.rasterband(1).map_err(gdal_err)?;
    let nodata = band.no_data_value();
    let values = band
        .read_as::<f64>((0, 0), (width, height), (width, height), None)
        .map_err(gdal_err)?;
    let codes: Vec<u8> = values
        .data()
        .iter()
        .map(|&v| {
            if nodata.is_some_and(|nd| v == nd) || !v.is_finite() {
                0
            } else {
                classification.classify_number(v).map_or(0, |c| c.code())
            }
        })
        .collect();

    let mem = DriverManager::get_driver_by_name("MEM").map_err(gdal_err)?;
    let mut classes = mem
        .create_with_band_type::<u8, _>("", width, height, 1)
        .map_err(gdal_err)?;
    if let Ok(gt) = src.geo_transform() {
        classes.set_geo_transform(&gt).map_err(gdal_err)?;
    }
    let crs = src.spatial_ref().ok();
    if let Some(crs) = &crs {
        classes.set_spatial_ref(crs).map_err(gdal_err)?;
    }
    let mut class_band = classes.rasterband(1).map_err(gdal_err)?;
    let mut buffer = Buffer::new((width, height), codes);
    class_band
        .write((0, 0), (width, height), &mut buffer)
        .map_err(gdal_err)?;

    // GDAL 3.6's MEM driver is raster-only; in-memory vectors use the "Memory" driver.
    let mut out = DriverManager::get_driver_by_name("Memory")
        .and_then(|d| d.create_vector_only(""))
        .map_err(gdal_err)?;
    let layer = out
        .create_layer(LayerOptions {
            name: "classes",
            srs: crs.as_ref(),
            ty: OGRwkbGeometryType::wkbPolygon,
            options: None,
        })
        .map_err(gdal_err)?;
    FieldDefn::new(CLASS_CODE_FIELD, OGRFieldType::OFTInteger)
        .and_then(|f| f.add_to_layer(&layer))
        .map_err(gdal_err)?;
    polygonize_band(&class_band, &layer).map_err(raster_err)?;

    Ok(out)
}

/// GDALPolygonize of `band` into `layer` (field 0), masking cells of value 0.
#[allow(unsafe_code)]
fn polygonize_band(
    band: &gdal::raster::RasterBand<'_>,
    layer: &gdal::vector::Layer<'_>,
) -> Result<(), String> {
    // SAFETY: the band and layer handles are alive for the whole call (borrowed above);
    // the band is its own mask (0 = no class, skipped); no options, no progress callback.
    let rv = unsafe {
        let h = band.c_rasterband();
        gdal_sys::GDALPolygonize(
            h,
            h,
            layer.c_layer(),
            0,
            std::ptr::null_mut(),
            None,
            std::ptr::null_mut(),
        )
    };
    if rv == gdal_sys::CPLErr::CE_None {
        Ok(())
    } else {
        Err("GDAL could not polygonise the classified cells".into())
    }
}

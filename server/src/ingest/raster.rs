//! GeoTIFF rasters.
//!
//! **Hazard** rasters are classified cell by cell, then polygonised at load. Why
//! polygonise rather than sample at exposure points: the rest of the system (tiles,
//! exposure by intersected area, the store) works on vector hazard zones, and a classified
//! raster has few distinct values, so its polygons are compact and exact (cell edges).
//! Polygonising once at load keeps every later step on one code path.
//!
//! **Exposure** rasters (people per cell, e.g. a WorldPop grid) become one point per cell
//! with a value above zero, at the cell's centre, carrying the value as its population:
//! exposure then sums cells by where their centre lies (a zonal sum, as rasterstats does
//! without `all_touched`), on the same fast path as any point layer.

use std::path::Path;

use gdal::raster::Buffer;
use gdal::vector::{FieldDefn, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType};
use gdal::{Dataset, DatasetOptions, DriverManager, GdalOpenFlags};

use super::error::gdal_reason;
use super::{IngestError, LoadOptions};
use crate::model::Classification;

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
    let gdal_err = |source| IngestError::Gdal {
        path: shown.to_owned(),
        source,
    };
    let Band {
        src,
        width,
        height,
        values,
        nodata,
    } = read_band(path, shown)?;
    let codes: Vec<u8> = values
        .iter()
        .map(|&v| {
            if is_value(v, nodata) {
                classification
                    .classify_number(v)
                    .map_or(0, super::super::model::classify::HazardClass::code)
            } else {
                0
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

    let out = memory_dataset(
        "classes",
        crs.as_ref(),
        OGRwkbGeometryType::wkbPolygon,
        (CLASS_CODE_FIELD, OGRFieldType::OFTInteger),
        shown,
    )?;
    {
        let layer = out.layer(0).map_err(gdal_err)?;
        if !polygonize_band(&class_band, &layer) {
            return Err(raster_err(
                "GDAL could not polygonise the classified cells".into(),
            ));
        }
    }
    Ok(out)
}

/// Name of the field holding a cell's value in the points of an exposure raster.
pub const CELL_VALUE_FIELD: &str = "value";

/// One point per cell of band 1 with a value above zero, at the cell centre, with the
/// value in [`CELL_VALUE_FIELD`], in an in-memory vector dataset.
///
/// # Errors
/// When the file is not a readable GeoTIFF, is too large or has no georeferencing.
pub fn cell_points(path: &Path, shown: &str) -> Result<Dataset, IngestError> {
    let gdal_err = |source| IngestError::Gdal {
        path: shown.to_owned(),
        source,
    };
    let Band {
        src,
        width,
        values,
        nodata,
        ..
    } = read_band(path, shown)?;
    let gt = src.geo_transform().map_err(|_| IngestError::Raster {
        path: shown.to_owned(),
        reason: "it has no georeferencing (geotransform): cells cannot be placed".into(),
    })?;
    let crs = src.spatial_ref().ok();
    let out = memory_dataset(
        "cells",
        crs.as_ref(),
        OGRwkbGeometryType::wkbPoint,
        (CELL_VALUE_FIELD, OGRFieldType::OFTReal),
        shown,
    )?;
    {
        let layer = out.layer(0).map_err(gdal_err)?;
        let defn = layer.defn();
        for (i, &v) in values.iter().enumerate() {
            if !is_value(v, nodata) || v <= 0.0 {
                continue;
            }
            #[expect(clippy::cast_precision_loss)]
            let (col, row) = ((i % width) as f64 + 0.5, (i / width) as f64 + 0.5);
            let x = gt[0] + col * gt[1] + row * gt[2];
            let y = gt[3] + col * gt[4] + row * gt[5];
            let mut point =
                gdal::vector::Geometry::empty(OGRwkbGeometryType::wkbPoint).map_err(gdal_err)?;
            point.add_point_2d((x, y));
            let mut feature = gdal::vector::Feature::new(defn).map_err(gdal_err)?;
            feature.set_geometry(point).map_err(gdal_err)?;
            feature.set_field_double(0, v).map_err(gdal_err)?;
            feature.create(&layer).map_err(gdal_err)?;
        }
    }
    Ok(out)
}

/// Whether a cell holds a value (not the band's no-data value, not NaN or infinite).
fn is_value(v: f64, nodata: Option<f64>) -> bool {
    v.is_finite() && nodata.is_none_or(|nd| v != nd)
}

/// Band 1 of a GeoTIFF, read whole.
struct Band {
    src: Dataset,
    width: usize,
    height: usize,
    values: Vec<f64>,
    nodata: Option<f64>,
}

fn read_band(path: &Path, shown: &str) -> Result<Band, IngestError> {
    let raster_err = |reason: String| IngestError::Raster {
        path: shown.to_owned(),
        reason,
    };
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
        reason: format!(
            "{}. Check that the file is complete",
            gdal_reason(&e, path, shown)
        ),
    })?;
    let gdal_err = |source| IngestError::Gdal {
        path: shown.to_owned(),
        source,
    };
    let (width, height) = src.raster_size();
    if width * height > MAX_CELLS {
        return Err(raster_err(format!(
            "{width} x {height} cells is more than the {MAX_CELLS} we read in memory: tile or resample it first"
        )));
    }
    let values = {
        let band = src.rasterband(1).map_err(gdal_err)?;
        let nodata = band.no_data_value();
        let buffer = band
            .read_as::<f64>((0, 0), (width, height), (width, height), None)
            .map_err(gdal_err)?;
        (buffer.into_shape_and_vec().1, nodata)
    };
    Ok(Band {
        src,
        width,
        height,
        values: values.0,
        nodata: values.1,
    })
}

/// An in-memory vector dataset with one layer `name` of geometry type `ty` and one
/// field.
fn memory_dataset(
    name: &str,
    crs: Option<&gdal::spatial_ref::SpatialRef>,
    ty: OGRwkbGeometryType::Type,
    field: (&str, OGRFieldType::Type),
    shown: &str,
) -> Result<Dataset, IngestError> {
    let gdal_err = |source| IngestError::Gdal {
        path: shown.to_owned(),
        source,
    };
    // GDAL 3.6's MEM driver is raster-only; in-memory vectors use the "Memory" driver.
    let mut out = DriverManager::get_driver_by_name("Memory")
        .and_then(|d| d.create_vector_only(""))
        .map_err(gdal_err)?;
    {
        let layer = out
            .create_layer(LayerOptions {
                name,
                srs: crs,
                ty,
                options: None,
            })
            .map_err(gdal_err)?;
        FieldDefn::new(field.0, field.1)
            .and_then(|f| f.add_to_layer(&layer))
            .map_err(gdal_err)?;
    }
    Ok(out)
}

/// GDALPolygonize of `band` into `layer` (field 0), masking cells of value 0: whether
/// it succeeded (GDAL says why in its log).
#[allow(unsafe_code)]
fn polygonize_band(band: &gdal::raster::RasterBand<'_>, layer: &gdal::vector::Layer<'_>) -> bool {
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
    rv == gdal_sys::CPLErr::CE_None
}

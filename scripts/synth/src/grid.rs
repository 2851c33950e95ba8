//! A georeferenced raster grid in memory (EPSG:4326), read from and written to GeoTIFF.

use std::path::Path;

use anyhow::Context as _;
use gdal::raster::Buffer;
use gdal::spatial_ref::SpatialRef;
use gdal::{Dataset, DriverManager};

/// Rows of `width` cells, north to south; `transform` is GDAL's geotransform.
#[derive(Debug, Clone)]
pub struct Grid {
    /// Cells per row.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// Origin and cell size: `[west, dx, 0, north, 0, -dy]` in degrees.
    pub transform: [f64; 6],
    /// Cell values, row-major.
    pub data: Vec<f32>,
    /// Value meaning "no data".
    pub nodata: f32,
}

impl Grid {
    /// Reads band 1 of a GeoTIFF.
    ///
    /// # Errors
    /// When the file cannot be read.
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let ds = Dataset::open(path).with_context(|| format!("opening {}", path.display()))?;
        let (width, height) = ds.raster_size();
        let band = ds.rasterband(1)?;
        #[expect(clippy::cast_possible_truncation)]
        let nodata = band.no_data_value().unwrap_or(f64::NAN) as f32;
        let data = band
            .read_as::<f32>((0, 0), (width, height), (width, height), None)?
            .into_shape_and_vec()
            .1;
        Ok(Self {
            width,
            height,
            transform: ds.geo_transform()?,
            data,
            nodata,
        })
    }

    /// A grid of the same shape filled with `value`.
    #[must_use]
    pub fn like(&self, value: f32, nodata: f32) -> Self {
        Self {
            data: vec![value; self.data.len()],
            nodata,
            ..self.clone()
        }
    }

    /// This grid with no data wherever `keep` (of the same shape) is not 1: what lies
    /// outside a mask made by [`Grid::coarsen`] with [`min`] of a 0/1 grid.
    #[must_use]
    pub fn clip(mut self, keep: &Grid) -> Self {
        assert_eq!(
            (self.width, self.height),
            (keep.width, keep.height),
            "a mask of another shape"
        );
        for (v, k) in self.data.iter_mut().zip(&keep.data) {
            if *k < 1.0 {
                *v = self.nodata;
            }
        }
        self
    }

    /// Whether cell `i` holds data.
    #[must_use]
    pub fn valid(&self, i: usize) -> bool {
        let v = self.data[i];
        v.is_finite() && v != self.nodata
    }

    /// Cell size in degrees (x, y).
    #[must_use]
    pub fn cell_deg(&self) -> (f64, f64) {
        (self.transform[1], -self.transform[5])
    }

    /// Latitude of the centre of row `row`.
    #[must_use]
    pub fn row_lat(&self, row: usize) -> f64 {
        self.transform[3]
            + (f64::from(u32::try_from(row).unwrap_or(u32::MAX)) + 0.5) * self.transform[5]
    }

    /// Cell size in metres at row `row` (x, y), on a sphere of the WGS 84 mean radius.
    #[must_use]
    pub fn cell_m(&self, row: usize) -> (f64, f64) {
        const M_PER_DEG: f64 = 111_195.0;
        let (dx, dy) = self.cell_deg();
        (
            dx * M_PER_DEG * self.row_lat(row).to_radians().cos(),
            dy * M_PER_DEG,
        )
    }

    /// A coarser grid: each `factor` x `factor` block reduced by `reduce` over its valid
    /// cells (blocks without any valid cell are nodata).
    #[must_use]
    pub fn coarsen(&self, factor: usize, reduce: impl Fn(&[f32]) -> f32) -> Self {
        let width = self.width / factor;
        let height = self.height / factor;
        let mut data = vec![self.nodata; width * height];
        let mut block = Vec::with_capacity(factor * factor);
        for r in 0..height {
            for c in 0..width {
                block.clear();
                for rr in r * factor..(r + 1) * factor {
                    for cc in c * factor..(c + 1) * factor {
                        let i = rr * self.width + cc;
                        if self.valid(i) {
                            block.push(self.data[i]);
                        }
                    }
                }
                if !block.is_empty() {
                    data[r * width + c] = reduce(&block);
                }
            }
        }
        let mut transform = self.transform;
        let factor = f64::from(u32::try_from(factor).unwrap_or(u32::MAX));
        transform[1] *= factor;
        transform[5] *= factor;
        Self {
            width,
            height,
            transform,
            data,
            nodata: self.nodata,
        }
    }

    /// Writes the grid as a compressed single-band Float32 GeoTIFF in EPSG:4326.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        let driver = DriverManager::get_driver_by_name("GTiff")?;
        let options =
            gdal::raster::RasterCreationOptions::from_iter(["COMPRESS=DEFLATE", "TILED=YES"]);
        let mut ds = driver.create_with_band_type_with_options::<f32, _>(
            path,
            self.width,
            self.height,
            1,
            &options,
        )?;
        ds.set_geo_transform(&self.transform)?;
        ds.set_spatial_ref(&SpatialRef::from_epsg(4326)?)?;
        let mut band = ds.rasterband(1)?;
        band.set_no_data_value(Some(f64::from(self.nodata)))?;
        let mut buf = Buffer::new((self.width, self.height), self.data.clone());
        band.write((0, 0), (self.width, self.height), &mut buf)?;
        Ok(())
    }
}

/// Mean of a block.
#[must_use]
pub fn mean(v: &[f32]) -> f32 {
    #[expect(clippy::cast_precision_loss)]
    let n = v.len() as f32;
    v.iter().sum::<f32>() / n
}

/// Maximum of a block.
#[must_use]
pub fn max(v: &[f32]) -> f32 {
    v.iter().copied().fold(f32::MIN, f32::max)
}

/// Minimum of a block.
#[must_use]
pub fn min(v: &[f32]) -> f32 {
    v.iter().copied().fold(f32::MAX, f32::min)
}

/// Which cells of `like` the features of the vector file at `path` cover: every cell they
/// touch (`Cover::Touched`, for thin rivers) or only those whose centre they contain
/// (`Cover::Centre`, for a country's outline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cover {
    /// Every cell a feature touches.
    Touched,
    /// Cells whose centre lies inside a feature.
    Centre,
}

/// Cells of `like` covered by the features of the vector file at `path`.
///
/// # Errors
/// When the file cannot be read or rasterised.
pub fn burn(path: &Path, like: &Grid, cover: Cover) -> anyhow::Result<Vec<bool>> {
    use gdal::vector::LayerAccess as _;
    let src = Dataset::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut layer = src.layer(0)?;
    let geometries: Vec<gdal::vector::Geometry> = layer
        .features()
        .filter_map(|f| f.geometry().cloned())
        .collect();
    let mut mem = DriverManager::get_driver_by_name("MEM")?.create_with_band_type::<u8, _>(
        "",
        like.width,
        like.height,
        1,
    )?;
    mem.set_geo_transform(&like.transform)?;
    mem.set_spatial_ref(&SpatialRef::from_epsg(4326)?)?;
    let burn_values = vec![1.0; geometries.len()];
    gdal::raster::rasterize(
        &mut mem,
        &[1],
        &geometries,
        &burn_values,
        Some(gdal::raster::RasterizeOptions {
            all_touched: cover == Cover::Touched,
            ..Default::default()
        }),
    )?;
    let band = mem.rasterband(1)?;
    let cells = band.read_as::<u8>(
        (0, 0),
        (like.width, like.height),
        (like.width, like.height),
        None,
    )?;
    Ok(cells.data().iter().map(|&v| v > 0).collect())
}

//! Tile addresses (z/x/y, XYZ scheme) and the grid of tile units inside one tile.

use geo::Coord;

use super::mvt::EXTENT;
use crate::engine::geometry::HALF_WORLD_M;

/// Highest zoom served.
pub const MAX_ZOOM: u8 = 22;

/// Buffer around a tile, in tile units (of [`EXTENT`]), so strokes do not show seams.
pub const BUFFER: f64 = 64.0;

/// A tile address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileId {
    /// Zoom.
    pub z: u8,
    /// Column from the west.
    pub x: u32,
    /// Row from the north.
    pub y: u32,
}

/// Why a tile address does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TileIdError {
    /// A zoom beyond [`MAX_ZOOM`].
    #[error("zoom {0} is out of range: use 0 to {MAX_ZOOM}")]
    Zoom(u32),
    /// A column or row beyond the zoom's grid.
    #[error("tile {z}/{x}/{y} does not exist: at zoom {z}, x and y run from 0 to {last}")]
    Outside {
        /// Zoom.
        z: u8,
        /// Column.
        x: u32,
        /// Row.
        y: u32,
        /// The last column and row at this zoom.
        last: u64,
    },
}

impl TileId {
    /// A tile address, checked: zoom at most [`MAX_ZOOM`], x and y below 2^z.
    ///
    /// # Errors
    /// A [`TileIdError`] naming the bad value and the valid range.
    pub fn new(z: u32, x: u32, y: u32) -> Result<Self, TileIdError> {
        let z = u8::try_from(z)
            .ok()
            .filter(|z| *z <= MAX_ZOOM)
            .ok_or(TileIdError::Zoom(z))?;
        let n = 1u64 << z;
        if u64::from(x) >= n || u64::from(y) >= n {
            return Err(TileIdError::Outside {
                z,
                x,
                y,
                last: n - 1,
            });
        }
        Ok(Self { z, x, y })
    }

    /// Side of the tile in metres.
    #[must_use]
    pub fn span_m(self) -> f64 {
        2.0 * HALF_WORLD_M / f64::from(1u32 << self.z.min(31))
    }

    /// West, south, east, north of the tile in metres.
    #[must_use]
    pub fn bounds_m(self) -> [f64; 4] {
        let span = self.span_m();
        let west = -HALF_WORLD_M + f64::from(self.x) * span;
        let north = HALF_WORLD_M - f64::from(self.y) * span;
        [west, north - span, west + span, north]
    }

    /// The columns and rows of the tiles at zoom `z` that cover `bbox_m` (west, south,
    /// east, north in metres): `[first column, first row, last column, last row]`.
    #[must_use]
    pub fn covering(z: u8, bbox_m: [f64; 4]) -> [u32; 4] {
        let z = z.min(MAX_ZOOM);
        let n = 1u32 << z;
        let span = Self { z, x: 0, y: 0 }.span_m();
        let index = |offset: f64| {
            let i = (offset / span).floor();
            // Clamped to the grid, so the cast cannot overflow or wrap.
            #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let i = i.clamp(0.0, f64::from(n - 1)) as u32;
            i
        };
        let [w, s, e, north] = bbox_m;
        [
            index(w + HALF_WORLD_M),
            index(HALF_WORLD_M - north),
            index(e + HALF_WORLD_M),
            index(HALF_WORLD_M - s),
        ]
    }

    /// The tile's bounds grown by `units` tile units on every side.
    #[must_use]
    pub fn buffered_m(self, units: f64) -> [f64; 4] {
        let [w, s, e, n] = self.bounds_m();
        let pad = self.span_m() * units / f64::from(EXTENT);
        [w - pad, s - pad, e + pad, n + pad]
    }
}

/// Converts metres to tile units for one tile.
pub(super) struct Grid {
    west: f64,
    north: f64,
    scale: f64,
}

impl Grid {
    pub(super) fn new(t: TileId) -> Self {
        let [west, _, _, north] = t.bounds_m();
        Self {
            west,
            north,
            scale: f64::from(EXTENT) / t.span_m(),
        }
    }

    #[expect(clippy::cast_possible_truncation)]
    pub(super) fn at(&self, c: Coord<f64>) -> [i32; 2] {
        [
            ((c.x - self.west) * self.scale).round() as i32,
            ((self.north - c.y) * self.scale).round() as i32,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tiles_covering_an_extent_hold_its_corners() {
        // Rwanda, and one point: the tiles that hold them, as their bounds say.
        for bbox in [
            crate::engine::geometry::crs::Crs::Crs84.bbox_to_mercator([28.86, -2.84, 30.9, -1.05]),
            [3_345_000.0, -230_000.0, 3_345_000.0, -230_000.0],
        ] {
            for z in [0, 5, 8, 14, 22] {
                let [x0, y0, x1, y1] = TileId::covering(z, bbox);
                let nw = TileId::new(z.into(), x0, y0).unwrap().bounds_m();
                let se = TileId::new(z.into(), x1, y1).unwrap().bounds_m();
                assert!(nw[0] <= bbox[0] && bbox[0] < nw[2], "z{z} west");
                assert!(nw[1] < bbox[3] && bbox[3] <= nw[3], "z{z} north");
                assert!(se[0] <= bbox[2] && bbox[2] < se[2], "z{z} east");
                assert!(se[1] < bbox[1] && bbox[1] <= se[3], "z{z} south");
            }
        }
        // The whole world, and beyond it, is the whole grid.
        let far = 3.0 * HALF_WORLD_M;
        assert_eq!(TileId::covering(3, [-far, -far, far, far]), [0, 0, 7, 7]);
    }

    #[test]
    fn tile_ids_are_checked() {
        assert!(TileId::new(0, 0, 0).is_ok());
        assert_eq!(
            TileId::new(2, 4, 0).unwrap_err().to_string(),
            "tile 2/4/0 does not exist: at zoom 2, x and y run from 0 to 3"
        );
        assert_eq!(
            TileId::new(23, 0, 0).unwrap_err().to_string(),
            "zoom 23 is out of range: use 0 to 22"
        );
    }
}

//! Landslide susceptibility derived from the elevation model: slope (Horn's method) on
//! the 92 m DEM, averaged over 3 x 3 blocks (about 280 m), weighted by an orographic
//! rainfall factor (Rwanda's rain rises with altitude, from about 800 mm a year in the
//! eastern lowlands to over 1,500 mm on the Congo-Nile ridge and the volcanoes: see
//! [`rain_factor`]) and by seeded smooth noise for what neither captures (soils, land
//! cover), classified
//! 4/3/2 = high/medium/low, and despeckled with a 3 x 3 majority filter. Cells below the
//! low threshold (very low susceptibility) are left out.

use crate::grid::{Grid, mean};
use crate::noise::Noise;

/// Thresholds of the weighted slope (degrees x rain factor x noise) of the high,
/// medium and low classes.
pub const THRESHOLDS_DEG: [f32; 3] = [20.0, 15.0, 10.0];

/// Relative rainfall at an elevation: 0.5 at 1,000 m rising to 1.0 at 2,000 m, at most 1.6.
#[must_use]
pub fn rain_factor(elevation_m: f32) -> f32 {
    (0.5 + (elevation_m - 1000.0) / 2000.0).clamp(0.4, 1.6)
}

/// Block size of the output (DEM cells per side).
pub const BLOCK: usize = 3;

/// Slope in degrees of every DEM cell with eight valid neighbours (else nodata).
#[must_use]
pub fn slope_deg(dem: &Grid) -> Grid {
    let mut out = dem.like(-1.0, -1.0);
    let w = dem.width;
    for r in 1..dem.height - 1 {
        let (dx, dy) = dem.cell_m(r);
        for c in 1..w - 1 {
            let idx = [
                (r - 1) * w + c - 1,
                (r - 1) * w + c,
                (r - 1) * w + c + 1,
                r * w + c - 1,
                r * w + c + 1,
                (r + 1) * w + c - 1,
                (r + 1) * w + c,
                (r + 1) * w + c + 1,
            ];
            if !dem.valid(r * w + c) || idx.iter().any(|&i| !dem.valid(i)) {
                continue;
            }
            let z: Vec<f64> = idx.iter().map(|&i| f64::from(dem.data[i])).collect();
            let dzdx = ((z[2] + 2.0 * z[4] + z[7]) - (z[0] + 2.0 * z[3] + z[5])) / (8.0 * dx);
            let dzdy = ((z[5] + 2.0 * z[6] + z[7]) - (z[0] + 2.0 * z[1] + z[2])) / (8.0 * dy);
            #[expect(clippy::cast_possible_truncation)]
            let s = dzdx.hypot(dzdy).atan().to_degrees() as f32;
            out.data[r * w + c] = s;
        }
    }
    out
}

/// Class code (4 high, 3 medium, 2 low, 0 none) of a weighted slope.
fn class_of(score: f32) -> f32 {
    match score {
        s if s >= THRESHOLDS_DEG[0] => 4.0,
        s if s >= THRESHOLDS_DEG[1] => 3.0,
        s if s >= THRESHOLDS_DEG[2] => 2.0,
        _ => 0.0,
    }
}

/// The most frequent class in the 3 x 3 neighbourhood (ties keep the cell's own class).
fn majority(classes: &Grid) -> Grid {
    let mut out = classes.clone();
    let w = classes.width;
    for r in 1..classes.height - 1 {
        for c in 1..w - 1 {
            let i = r * w + c;
            if !classes.valid(i) {
                continue;
            }
            let mut counts = [0u8; 5];
            for rr in r - 1..=r + 1 {
                for cc in c - 1..=c + 1 {
                    let v = classes.data[rr * w + cc];
                    if classes.valid(rr * w + cc) {
                        #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                        let k = v as usize;
                        counts[k.min(4)] += 1;
                    }
                }
            }
            #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let own = classes.data[i] as usize;
            let best = (0..5).max_by_key(|&k| (counts[k], k == own)).unwrap_or(own);
            #[expect(clippy::cast_precision_loss)]
            let v = best as f32;
            out.data[i] = v;
        }
    }
    out
}

/// The classified susceptibility grid: 4/3/2 = high/medium/low, 0 = very low, nodata
/// outside the DEM.
#[must_use]
pub fn susceptibility(dem: &Grid, seed: u64) -> Grid {
    let slope = slope_deg(dem).coarsen(BLOCK, mean);
    let elevation = dem.coarsen(BLOCK, mean);
    let noise = Noise::new(seed, slope.width, slope.height, 20, 0.8, 1.2);
    let mut classes = slope.clone();
    for r in 0..slope.height {
        for c in 0..slope.width {
            let i = r * slope.width + c;
            if slope.valid(i) {
                let rain = rain_factor(elevation.data[i]);
                classes.data[i] = class_of(slope.data[i] * rain * noise.at(r, c));
            }
        }
    }
    majority(&classes)
}

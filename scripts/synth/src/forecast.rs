//! A synthetic 72-hour flood forecast: the flood depth grid scaled by a seeded storm —
//! heavy rain centred in the north-west highlands (where the May 2023 floods and
//! landslides struck), falling off with distance, with seeded smooth noise for the
//! storm's uneven cells. Depths below [`crate::flood::MIN_DEPTH_M`] become dry. It is
//! there so that the demo's alert rules have a "forecast" to fire on: it forecasts
//! nothing; label it synthetic wherever it is shown.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::flood::MIN_DEPTH_M;
use crate::grid::Grid;
use crate::noise::Noise;

/// Where the storm is centred before its seeded jitter (lon, lat): the Ngororero–Rubavu
/// highlands.
pub const STORM_CENTRE: (f64, f64) = (29.55, -1.80);
/// How far the centre may move each way, in degrees.
pub const STORM_JITTER_DEG: f64 = 0.12;
/// The storm's radius of fall-off (one standard deviation), in degrees.
pub const STORM_SIGMA_DEG: f64 = 0.35;
/// Depth factor at the storm's centre and far from it.
pub const PEAK_FACTOR: f64 = 1.8;
/// Depth factor far from the storm.
pub const BACKGROUND_FACTOR: f64 = 0.25;

/// The forecast depth grid of `flood` (depth in metres, nodata kept) for `seed`.
#[must_use]
#[expect(clippy::cast_possible_truncation)]
pub fn depth(flood: &Grid, seed: u64) -> Grid {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let cx = STORM_CENTRE.0 + rng.random_range(-STORM_JITTER_DEG..=STORM_JITTER_DEG);
    let cy = STORM_CENTRE.1 + rng.random_range(-STORM_JITTER_DEG..=STORM_JITTER_DEG);
    let cells = Noise::new(
        seed.wrapping_add(1),
        flood.width,
        flood.height,
        40,
        0.8,
        1.2,
    );
    let (dx, _) = flood.cell_deg();
    let mut out = flood.clone();
    for row in 0..flood.height {
        let lat = flood.row_lat(row);
        for col in 0..flood.width {
            let i = row * flood.width + col;
            if !flood.valid(i) {
                continue;
            }
            let lon =
                flood.transform[0] + (f64::from(u32::try_from(col).unwrap_or(u32::MAX)) + 0.5) * dx;
            let d2 = (lon - cx).powi(2) + (lat - cy).powi(2);
            let storm = (-d2 / (2.0 * STORM_SIGMA_DEG * STORM_SIGMA_DEG)).exp();
            let factor = (BACKGROUND_FACTOR + (PEAK_FACTOR - BACKGROUND_FACTOR) * storm) as f32
                * cells.at(row, col);
            let v = flood.data[i] * factor;
            out.data[i] = if v >= MIN_DEPTH_M { v } else { 0.0 };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(depth: f32) -> Grid {
        // 0.01° cells over 28.8–30.9 E, 1.0–2.9 S.
        Grid {
            width: 210,
            height: 190,
            transform: [28.8, 0.01, 0.0, -1.0, 0.0, -0.01],
            data: vec![depth; 210 * 190],
            nodata: -1.0,
        }
    }

    #[test]
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn the_storm_deepens_the_north_west_and_dries_the_east() {
        let f = depth(&flat(1.0), 7);
        let at = |lon: f64, lat: f64| {
            let col = ((lon - 28.8) / 0.01) as usize;
            let row = ((-1.0 - lat) / 0.01) as usize;
            f.data[row * 210 + col]
        };
        assert!(at(29.55, -1.8) > 1.3, "{}", at(29.55, -1.8));
        let east = at(30.8, -2.3);
        assert!(
            east > 0.0 && east < 0.35,
            "far from the storm a metre of flood is shallow: {east}"
        );
        assert_eq!(
            depth(&flat(1.0), 7).data,
            f.data,
            "the same seed, the same forecast"
        );
        assert_ne!(depth(&flat(1.0), 8).data, f.data);
    }

    #[test]
    fn no_data_stays_no_data() {
        let mut g = flat(1.0);
        g.data[0] = g.nodata;
        assert_eq!(depth(&g, 1).data[0], g.nodata);
    }
}

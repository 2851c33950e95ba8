//! Seeded smooth noise: random values on a coarse lattice, interpolated with smoothstep.
//! It stands for what the terrain alone does not say (soils, land cover, rainfall).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A smooth random field over a `width` x `height` grid.
pub struct Noise {
    lattice: Vec<f32>,
    cols: usize,
    spacing: f32,
}

impl Noise {
    /// Values in `[lo, hi]` varying over about `spacing` cells.
    #[must_use]
    pub fn new(seed: u64, width: usize, height: usize, spacing: usize, lo: f32, hi: f32) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let cols = width / spacing + 2;
        let rows = height / spacing + 2;
        let lattice = (0..cols * rows)
            .map(|_| rng.random_range(lo..=hi))
            .collect();
        #[expect(clippy::cast_precision_loss)]
        let spacing = spacing as f32;
        Self {
            lattice,
            cols,
            spacing,
        }
    }

    /// The value at cell (`row`, `col`).
    #[must_use]
    #[expect(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    pub fn at(&self, row: usize, col: usize) -> f32 {
        let fx = col as f32 / self.spacing;
        let fy = row as f32 / self.spacing;
        let (x0, y0) = (fx.floor() as usize, fy.floor() as usize);
        let smooth = |t: f32| t * t * (3.0 - 2.0 * t);
        let (tx, ty) = (smooth(fx - fx.floor()), smooth(fy - fy.floor()));
        let v = |x: usize, y: usize| self.lattice[y * self.cols + x];
        let top = v(x0, y0) * (1.0 - tx) + v(x0 + 1, y0) * tx;
        let bottom = v(x0, y0 + 1) * (1.0 - tx) + v(x0 + 1, y0 + 1) * tx;
        top * (1.0 - ty) + bottom * ty
    }
}

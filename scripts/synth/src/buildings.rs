//! Synthetic building points for the exposure benchmark: each building is placed at a
//! uniformly random spot inside a village drawn in proportion to the village's census
//! population, so buildings are dense where people are. Every building is invented (the
//! file has a `synthetic` column); none is a real structure.

use std::io::{BufWriter, Write as _};
use std::path::Path;

use rand::distr::{Distribution, weighted::WeightedIndex};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::returnees::{point_in, read_villages};

/// Writes `count` synthetic buildings as CSV (`building_id,occupants,village_code,
/// synthetic,lon,lat`) to `out`.
///
/// # Errors
/// When the villages file cannot be read or the CSV written.
pub fn write_csv(villages_path: &Path, count: usize, seed: u64, out: &Path) -> anyhow::Result<()> {
    let villages = read_villages(villages_path, false)?;
    let pick = WeightedIndex::new(villages.iter().map(|v| v.weight))?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    writeln!(w, "building_id,occupants,village_code,synthetic,lon,lat")?;
    let mut written = 0;
    while written < count {
        let v = &villages[pick.sample(&mut rng)];
        let Some(p) = point_in(&v.shape, &mut rng) else {
            continue;
        };
        written += 1;
        // 1-9 occupants, about 4.3 on average (Rwanda's mean household size).
        let occupants = 1 + (0..8).filter(|_| rng.random_bool(0.41)).count();
        writeln!(
            w,
            "SYN-B-{written:07},{occupants},{},true,{:.6},{:.6}",
            v.code,
            p.x(),
            p.y()
        )?;
    }
    w.flush()?;
    Ok(())
}

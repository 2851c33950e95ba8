//! `sitroom-synth`: writes the demo's derived layers (synthetic flood depth, landslide
//! susceptibility, returnee households) from the mirrored Rwanda data, reproducibly; or,
//! with `buildings`, synthetic building points for the exposure benchmark.
//!
//! Usage: `sitroom-synth [MIRROR_DIR] [OUT_DIR] [SEED]`
//! (defaults: `../shared/data`, `target/synth`, the demo seed), or
//! `sitroom-synth buildings MIRROR_DIR COUNT OUT.csv [SEED]`, or, with `losses`, synthetic
//! loss records for the records benchmark:
//! `sitroom-synth losses MIRROR_DIR PER_YEAR OUT.csv [SEED]`.

use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let started = Instant::now();
    let seed_at = |i: usize| -> anyhow::Result<u64> {
        Ok(match args.get(i) {
            Some(s) => s.parse()?,
            None => sitroom_synth::DEFAULT_SEED,
        })
    };
    if args.first().map(String::as_str) == Some("buildings") {
        let [_, mirror, count, out, ..] = args.as_slice() else {
            anyhow::bail!("usage: sitroom-synth buildings MIRROR_DIR COUNT OUT.csv [SEED]");
        };
        let seed = seed_at(4)?;
        let villages = std::path::Path::new(mirror).join("admin/rwa_villages.geojson");
        sitroom_synth::buildings::write_csv(&villages, count.parse()?, seed, out.as_ref())?;
        println!(
            "{count} synthetic buildings in {out}, seed {seed}, {:.1} s",
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    if args.first().map(String::as_str) == Some("losses") {
        let [_, mirror, per_year, out, ..] = args.as_slice() else {
            anyhow::bail!("usage: sitroom-synth losses MIRROR_DIR PER_YEAR OUT.csv [SEED]");
        };
        let seed = seed_at(4)?;
        let villages = std::path::Path::new(mirror).join("admin/rwa_villages.geojson");
        let per_year: u32 = per_year.parse()?;
        let n =
            sitroom_synth::losses::write_csv(&villages, seed, per_year..=per_year, out.as_ref())?;
        println!(
            "{n} synthetic loss records in {out}, seed {seed}, {:.1} s",
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    let mirror = args.first().map_or("../shared/data", String::as_str);
    let out = args.get(1).map_or("target/synth", String::as_str);
    let seed = seed_at(2)?;
    let files = sitroom_synth::generate(mirror.as_ref(), out.as_ref(), seed)?;
    println!(
        "{files:#?}\nseed {seed}, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

//! `sitroom-synth`: writes the demo's derived layers (synthetic flood depth, landslide
//! susceptibility, returnee households) from the mirrored Rwanda data, reproducibly.
//!
//! Usage: `sitroom-synth [MIRROR_DIR] [OUT_DIR] [SEED]`
//! (defaults: `../shared/data`, `target/synth`, the demo seed).

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mirror = args.next().unwrap_or_else(|| "../shared/data".into());
    let out = args.next().unwrap_or_else(|| "target/synth".into());
    let seed = match args.next() {
        Some(s) => s.parse()?,
        None => sitroom_synth::DEFAULT_SEED,
    };
    let started = std::time::Instant::now();
    let files = sitroom_synth::generate(mirror.as_ref(), out.as_ref(), seed)?;
    println!(
        "{files:#?}\nseed {seed}, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

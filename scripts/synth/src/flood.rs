//! Synthetic flood depth for a large (about 1-in-100-year) flood, derived from the
//! elevation model and the real rivers and lakes:
//!
//! 1. Flow directions by priority-flood from the DEM's edges and no-data (Lake Kivu,
//!    outside the country): each cell drains to the neighbour it was reached from, which
//!    fills pits and routes across flats.
//! 2. Flow accumulation in reverse flood order; cells draining more than
//!    [`CHANNEL_KM2`] km², the mapped rivers and the lakes are channels.
//! 3. Height above the nearest drainage (HAND): each cell's height above the channel
//!    cell its flow reaches first.
//! 4. A flood stage that grows with the channel's catchment (`STAGE_BASE_M +
//!    STAGE_PER_DECADE_M * log10(km²)`, at most `STAGE_MAX_M`), scaled by seeded smooth
//!    noise (±25 %), minus HAND gives the depth. Lakes themselves are not flood zones.
//!
//! The result follows the real valley floors and wetlands (Nyabarongo, Akagera,
//! Akanyaru, the Bugesera and Eastern Province marshes) but is a model, not a survey:
//! label it synthetic wherever it is shown.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::grid::{Grid, max};
use crate::noise::Noise;

/// Catchment above which a cell is a channel (km²).
pub const CHANNEL_KM2: f64 = 5.0;
/// Flood stage of the smallest channel (m).
pub const STAGE_BASE_M: f64 = 0.6;
/// Extra stage per tenfold catchment (m).
pub const STAGE_PER_DECADE_M: f64 = 1.1;
/// Highest stage (m).
pub const STAGE_MAX_M: f64 = 6.0;
/// Shallowest depth kept (m); below it a cell is dry.
pub const MIN_DEPTH_M: f32 = 0.1;
/// Output block size (DEM cells per side): about 185 m.
pub const BLOCK: usize = 2;

const NONE: u32 = u32::MAX;

/// Flood depth in metres (0 = dry, nodata outside the DEM), `BLOCK` times coarser than
/// the DEM, each block taking its deepest cell.
#[must_use]
#[expect(clippy::needless_range_loop)]
pub fn depth(dem: &Grid, rivers: &[bool], lakes: &[bool], seed: u64) -> Grid {
    let (w, h) = (dem.width, dem.height);
    let n = w * h;
    let neighbours = |i: usize| {
        let (r, c) = (i / w, i % w);
        let mut out = [NONE; 8];
        let mut k = 0;
        for dr in [-1isize, 0, 1] {
            for dc in [-1isize, 0, 1] {
                if dr == 0 && dc == 0 {
                    continue;
                }
                if let (Some(rr), Some(cc)) = (r.checked_add_signed(dr), c.checked_add_signed(dc))
                    && rr < h
                    && cc < w
                {
                    out[k] = u32::try_from(rr * w + cc).unwrap_or(NONE);
                }
                k += 1;
            }
        }
        out
    };

    // 1. Priority flood: seed with valid cells on the edge or next to no-data.
    let mut filled = vec![f32::NAN; n];
    let mut down = vec![NONE; n];
    let mut order: Vec<u32> = Vec::with_capacity(n);
    let mut heap: BinaryHeap<Reverse<(i32, u64, u32)>> = BinaryHeap::new();
    let mut seq: u64 = 0;
    let key = |z: f32| {
        #[expect(clippy::cast_possible_truncation)]
        let k = (z * 100.0).round() as i32;
        k
    };
    for i in 0..n {
        if !dem.valid(i) {
            continue;
        }
        let (r, c) = (i / w, i % w);
        let edge = r == 0 || c == 0 || r == h - 1 || c == w - 1;
        if edge
            || neighbours(i)
                .iter()
                .any(|&j| j != NONE && !dem.valid(j as usize))
        {
            filled[i] = dem.data[i];
            #[expect(clippy::cast_possible_truncation)]
            heap.push(Reverse((key(dem.data[i]), seq, i as u32)));
            seq += 1;
        }
    }
    while let Some(Reverse((_, _, i))) = heap.pop() {
        order.push(i);
        let i = i as usize;
        for j in neighbours(i) {
            if j == NONE {
                continue;
            }
            let ju = j as usize;
            if !dem.valid(ju) || !filled[ju].is_nan() {
                continue;
            }
            filled[ju] = dem.data[ju].max(filled[i]);
            #[expect(clippy::cast_possible_truncation)]
            {
                down[ju] = i as u32;
            }
            heap.push(Reverse((key(filled[ju]), seq, j)));
            seq += 1;
        }
    }

    // 2. Flow accumulation, upstream cells first.
    let mut acc = vec![0u32; n];
    for &i in &order {
        acc[i as usize] = 1;
    }
    for &i in order.iter().rev() {
        let d = down[i as usize];
        if d != NONE {
            acc[d as usize] += acc[i as usize];
        }
    }
    let cell_km2 = |i: usize| {
        let (dx, dy) = dem.cell_m(i / w);
        dx * dy / 1e6
    };
    let is_channel =
        |i: usize| lakes[i] || rivers[i] || f64::from(acc[i]) * cell_km2(i) >= CHANNEL_KM2;

    // 3. HAND and the catchment of the channel each cell drains to, downstream first.
    let mut drain_z = vec![f32::NAN; n];
    let mut drain_acc = vec![0u32; n];
    for &i in &order {
        let i = i as usize;
        let d = down[i];
        if is_channel(i) || d == NONE {
            drain_z[i] = dem.data[i];
            drain_acc[i] = acc[i];
        } else {
            drain_z[i] = drain_z[d as usize];
            drain_acc[i] = drain_acc[d as usize];
        }
    }

    // 4. Depth = noisy stage - HAND.
    let noise = Noise::new(seed, w, h, 60, 0.75, 1.25);
    let mut out = dem.like(0.0, -9999.0);
    for i in 0..n {
        if !dem.valid(i) {
            out.data[i] = out.nodata;
            continue;
        }
        if lakes[i] {
            continue;
        }
        let km2 = (f64::from(drain_acc[i]) * cell_km2(i)).max(CHANNEL_KM2);
        let stage =
            (STAGE_BASE_M + STAGE_PER_DECADE_M * (km2 / CHANNEL_KM2).log10()).min(STAGE_MAX_M);
        let hand = (dem.data[i] - drain_z[i]).max(0.0);
        #[expect(clippy::cast_possible_truncation)]
        let d = stage as f32 * noise.at(i / w, i % w) - hand;
        if d >= MIN_DEPTH_M {
            out.data[i] = d;
        }
    }
    out.coarsen(BLOCK, max)
}

//! How a restricted layer's households are shown by hazard class (or by any other
//! split: a returnee household's stage in one support component): by *pools* of whole
//! atoms, each published at an admin unit only when every class part of it is either
//! nothing or at least [`MIN_HOUSEHOLDS`] households.
//!
//! Bottom-up again: an atom whose own split is safe is a pool of its own, at its unit;
//! the others wait at their unit, are pooled with what else waits there and with what
//! comes up from the units below, and go on up until the pool's split is safe. A split
//! never published leaves its atoms' households *withheld* (counted in the unit's total,
//! in no class): the withheld part of any unit is a sum of whole atoms, so it is never 1
//! to 4 households either, and no difference of published figures ever isolates a part
//! of an atom.

use std::collections::BTreeMap;

use super::Protect;
use super::partition::{Partition, enough, levels_up, nothing};
use crate::engine::tally::Tally;
use crate::model::{AdminLevel, HazardClass};

/// Atoms whose split by class (hazard classes unless said) is published together, at one
/// unit.
#[derive(Debug, Clone)]
pub struct Pool<K = Option<HazardClass>> {
    /// The unit it is published at.
    pub unit: String,
    /// That unit's level.
    pub level: AdminLevel,
    /// Its atoms, by index in the partition.
    pub atoms: Vec<u32>,
    /// What they hold, by class.
    pub classes: BTreeMap<K, Tally>,
}

/// Whether every class part is nothing or enough.
fn safe<K>(classes: &BTreeMap<K, Tally>, protect: Protect) -> bool {
    classes.values().all(|t| {
        let n = protect.count(t);
        nothing(n) || enough(n)
    })
}

fn merge_into<K: Ord + Copy>(into: &mut BTreeMap<K, Tally>, from: &BTreeMap<K, Tally>) {
    for (class, t) in from {
        into.entry(*class).or_default().merge(t);
    }
}

/// The pools of `detail` (figures by finest unit and class) over the atoms of
/// `partition`.
#[must_use]
pub fn pools<K: Ord + Copy>(
    partition: &Partition,
    detail: &BTreeMap<String, BTreeMap<K, Tally>>,
) -> Vec<Pool<K>> {
    // Each atom's split: the sum of its finest units' figures.
    let splits: Vec<BTreeMap<K, Tally>> = partition
        .atoms
        .iter()
        .map(|a| {
            let mut classes = BTreeMap::new();
            for m in &a.members {
                if let Some(c) = detail.get(&partition.units[*m as usize]) {
                    merge_into(&mut classes, c);
                }
            }
            classes
        })
        .collect();
    let mut out = Vec::new();
    let mut pending: BTreeMap<String, (Vec<u32>, BTreeMap<K, Tally>)> = BTreeMap::new();
    let mut levels = levels_up(partition.finest).peekable();
    while let Some(level) = levels.next() {
        let parent = levels.peek().copied();
        for (i, a) in (0u32..).zip(&partition.atoms) {
            if a.level == level {
                let slot = pending.entry(a.unit.clone()).or_default();
                slot.0.push(i);
                merge_into(&mut slot.1, &splits[i as usize]);
            }
        }
        let mut up: BTreeMap<String, (Vec<u32>, BTreeMap<K, Tally>)> = BTreeMap::new();
        for (code, (atoms, classes)) in std::mem::take(&mut pending) {
            if safe(&classes, partition.protect) {
                out.push(Pool {
                    unit: code,
                    level,
                    atoms,
                    classes,
                });
            } else if let Some(p) = parent {
                let slot = up.entry(p.ancestor(&code).to_owned()).or_default();
                slot.0.extend(atoms);
                merge_into(&mut slot.1, &classes);
            }
        }
        pending = up;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tally::{ByClass, ByUnit};

    fn hh(n: f64) -> Tally {
        Tally::households(n)
    }

    #[test]
    fn splits_with_small_parts_pool_upwards_and_the_rest_is_withheld() {
        // Village A: 8 outside any zone, 2 high (unsafe); village B: 5 outside, 3 high
        // (unsafe); both in cell 110101: pooled there, 13 outside and 5 high: safe.
        // Village C (another cell): 6 outside and 1 high: unsafe up to the country,
        // where nothing else joins it: its split is never published.
        let mut detail = ByUnit::new();
        let mut add = |code: &str, none: f64, high: f64| {
            let c = detail.entry(code.to_owned()).or_default();
            c.insert(None, hh(none));
            c.insert(Some(HazardClass::High), hh(high));
        };
        add("11010101", 8.0, 2.0);
        add("11010102", 5.0, 3.0);
        add("12010101", 6.0, 1.0);
        let totals: ByUnit = detail
            .iter()
            .map(|(k, v)| {
                let mut c = ByClass::new();
                c.insert(None, crate::engine::tally::total(v));
                (k.clone(), c)
            })
            .collect();
        let partition = Partition::build(&totals, AdminLevel::Village, Protect::Households);
        assert_eq!(
            partition.atoms.len(),
            3,
            "each village has enough households"
        );
        let pools = pools(&partition, &detail);
        assert_eq!(pools.len(), 1);
        assert_eq!(pools[0].unit, "110101");
        assert_eq!(pools[0].classes[&None].households, 13.0);
        assert_eq!(pools[0].classes[&Some(HazardClass::High)].households, 5.0);
    }
}

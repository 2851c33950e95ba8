//! The partition of a restricted layer's households into *atoms*: groups of at least
//! [`MIN_HOUSEHOLDS`] households, each made of whole finest units (villages) of one
//! admin unit, and published at that unit.
//!
//! Built bottom-up over the admin tree: a village with enough households is an atom of
//! its own; the villages of a cell that have too few are pooled, and the pool is an atom
//! of the cell when it has enough, or goes on up to the sector, and so on to the country.
//! What is still too few at the country is never published. Every unit's published
//! total is the sum of the atoms formed at or below it, so a parent's total less its
//! children's totals is the atoms formed at the parent itself: never 1 to 4 households.

use std::collections::{BTreeMap, HashMap};

use super::{MIN_HOUSEHOLDS, Protect};
use crate::engine::tally::{ByUnit, Tally, total};
use crate::model::AdminLevel;

/// Households (or features) of a pool, as the partition counts them.
pub(super) fn enough(protected: f64) -> bool {
    protected >= MIN_HOUSEHOLDS - 1e-9
}

/// Whether a protected count is nothing at all.
pub(super) fn nothing(protected: f64) -> bool {
    protected < 1e-9
}

/// One atom: finest units of one admin unit whose households together are enough.
#[derive(Debug, Clone)]
pub struct Atom {
    /// The unit it is published at.
    pub unit: String,
    /// That unit's level.
    pub level: AdminLevel,
    /// Its finest units, by index in [`Partition::units`].
    pub members: Vec<u32>,
    /// What it holds.
    pub tally: Tally,
}

/// A restricted layer's households in atoms.
#[derive(Debug, Clone)]
pub struct Partition {
    /// The finest level (the level of the units the figures were computed by).
    pub finest: AdminLevel,
    /// What is counted.
    pub protect: Protect,
    /// The finest units with anything in them, by code.
    pub units: Vec<String>,
    /// The atoms.
    pub atoms: Vec<Atom>,
    /// The atom of each finest unit (by index in `units`), if its households are in one.
    pub atom_of: Vec<Option<u32>>,
    /// What was never published (too few even for the whole country).
    pub remainder: Tally,
}

/// The levels from `finest` up to the country, finest first.
pub(super) fn levels_up(finest: AdminLevel) -> impl Iterator<Item = AdminLevel> {
    AdminLevel::ALL
        .iter()
        .rev()
        .copied()
        .filter(move |l| l.digits() <= finest.digits())
}

impl Partition {
    /// The partition of the figures `totals` (by finest unit, any class) computed at
    /// level `finest`.
    #[must_use]
    pub fn build(totals: &ByUnit, finest: AdminLevel, protect: Protect) -> Self {
        let units: Vec<String> = totals
            .iter()
            .filter(|(_, classes)| !total(classes).is_empty())
            .map(|(code, _)| code.clone())
            .collect();
        let index: HashMap<&str, u32> = units
            .iter()
            .zip(0u32..)
            .map(|(c, i)| (c.as_str(), i))
            .collect();
        let mut atom_of = vec![None; units.len()];
        let mut atoms = Vec::new();
        // Pools waiting at the units of the current level: members and what they hold.
        let mut pending: BTreeMap<String, (Vec<u32>, Tally)> = units
            .iter()
            .map(|code| {
                let t = total(&totals[code]);
                (code.clone(), (vec![index[code.as_str()]], t))
            })
            .collect();
        let mut levels = levels_up(finest).peekable();
        while let Some(level) = levels.next() {
            let parent = levels.peek().copied();
            let mut up: BTreeMap<String, (Vec<u32>, Tally)> = BTreeMap::new();
            for (code, (members, tally)) in std::mem::take(&mut pending) {
                if enough(protect.count(&tally)) {
                    let id = u32::try_from(atoms.len()).unwrap_or(u32::MAX);
                    for m in &members {
                        atom_of[*m as usize] = Some(id);
                    }
                    atoms.push(Atom {
                        unit: code,
                        level,
                        members,
                        tally,
                    });
                } else if let Some(p) = parent {
                    let slot = up.entry(p.ancestor(&code).to_owned()).or_default();
                    slot.0.extend(members);
                    slot.1.merge(&tally);
                } else {
                    // Too few in the whole country: nothing of them is published.
                    up.entry(code).or_default().1.merge(&tally);
                }
            }
            pending = up;
        }
        let mut remainder = Tally::default();
        for (_, t) in pending.values() {
            remainder.merge(t);
        }
        Self {
            finest,
            protect,
            units,
            atoms,
            atom_of,
            remainder,
        }
    }

    /// The index of the finest unit `code`, if it holds anything.
    #[must_use]
    pub fn unit_index(&self, code: &str) -> Option<u32> {
        self.units
            .binary_search_by(|c| c.as_str().cmp(code))
            .ok()
            .and_then(|i| u32::try_from(i).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tally::ByClass;

    fn households(pairs: &[(&str, f64)]) -> ByUnit {
        pairs
            .iter()
            .map(|(code, h)| {
                let mut c = ByClass::new();
                c.insert(
                    None,
                    Tally {
                        count: *h,
                        population: h * 4.0,
                        households: *h,
                    },
                );
                ((*code).to_owned(), c)
            })
            .collect()
    }

    #[test]
    fn small_villages_pool_upwards_until_there_are_enough() {
        // Cell 110101: villages of 6 (an atom), 2 and 1 (3: too few, on to the sector).
        // Cell 110102: villages of 2 and 2 (4: on to the sector). Sector 1101: 3 + 4 = 7,
        // an atom of the sector. District 12: one village of 3, too few anywhere: the
        // remainder, never published.
        let p = Partition::build(
            &households(&[
                ("11010101", 6.0),
                ("11010102", 2.0),
                ("11010103", 1.0),
                ("11010201", 2.0),
                ("11010202", 2.0),
                ("12010101", 3.0),
            ]),
            AdminLevel::Village,
            Protect::Households,
        );
        let atoms: Vec<(&str, AdminLevel, f64)> = p
            .atoms
            .iter()
            .map(|a| (a.unit.as_str(), a.level, a.tally.households))
            .collect();
        assert_eq!(
            atoms,
            [
                ("11010101", AdminLevel::Village, 6.0),
                ("1101", AdminLevel::Sector, 7.0)
            ]
        );
        assert_eq!(p.remainder.households, 3.0);
        assert_eq!(p.atom_of[p.unit_index("12010101").unwrap() as usize], None);
        assert_eq!(
            p.atom_of[p.unit_index("11010202").unwrap() as usize],
            Some(1)
        );
    }
}

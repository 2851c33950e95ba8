//! The figures a caller without clearance may see of a restricted exposure layer, for
//! any admin unit at any level and for any set of finest units (an incident area): sums
//! of whole atoms and whole pools, never of anything smaller.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::partition::Partition;
use super::split::{Pool, pools};
use crate::engine::tally::{ByClass, ByUnit, Tally, UnitFigures, total};
use crate::model::AdminLevel;

/// Published figures of one restricted exposure layer against one hazard layer.
#[derive(Debug, Clone)]
pub struct Published {
    partition: Arc<Partition>,
    pools: Vec<Pool>,
}

/// Drops what is left of a subtraction of equal sums added in another order.
fn tidy(t: Tally) -> Tally {
    if t.count < 1e-6 && t.population < 1e-6 && t.households < 1e-6 {
        Tally::default()
    } else {
        t
    }
}

fn figures(classes: ByClass, total_published: Tally, present: bool) -> UnitFigures {
    let shown = total(&classes);
    UnitFigures {
        withheld: tidy(total_published.minus(&shown)),
        suppressed: present && total_published.is_empty(),
        classes,
    }
}

impl Published {
    /// The published figures of `detail` (by finest unit and class) over `partition`.
    #[must_use]
    pub fn new(partition: Arc<Partition>, detail: &ByUnit) -> Self {
        let pools = pools(&partition, detail);
        Self { partition, pools }
    }

    /// The partition underneath.
    #[must_use]
    pub fn partition(&self) -> &Partition {
        &self.partition
    }

    /// Every unit of `level` that holds anything, with its published figures.
    #[must_use]
    pub fn at(&self, level: AdminLevel) -> BTreeMap<String, UnitFigures> {
        let mut totals: BTreeMap<String, Tally> = BTreeMap::new();
        let mut classes: BTreeMap<String, ByClass> = BTreeMap::new();
        let mut present: BTreeMap<String, bool> = BTreeMap::new();
        for u in &self.partition.units {
            present.insert(level.ancestor(u).to_owned(), true);
        }
        for a in self.partition.atoms.iter().filter(|a| a.level >= level) {
            totals
                .entry(level.ancestor(&a.unit).to_owned())
                .or_default()
                .merge(&a.tally);
        }
        for p in self.pools.iter().filter(|p| p.level >= level) {
            let slot = classes
                .entry(level.ancestor(&p.unit).to_owned())
                .or_default();
            for (c, t) in &p.classes {
                slot.entry(*c).or_default().merge(t);
            }
        }
        present
            .into_keys()
            .map(|code| {
                let t = totals.get(&code).copied().unwrap_or_default();
                let c = classes.remove(&code).unwrap_or_default();
                let f = figures(c, t, true);
                (code, f)
            })
            .collect()
    }

    /// The published figures of the finest units `selected` (by index in the
    /// partition's units): only atoms and pools that lie wholly among them count.
    #[must_use]
    pub fn within(&self, selected: &[bool]) -> UnitFigures {
        let inside = |members: &[u32]| members.iter().all(|m| selected[*m as usize]);
        let mut t = Tally::default();
        let mut atom_inside = vec![false; self.partition.atoms.len()];
        for (i, a) in self.partition.atoms.iter().enumerate() {
            if inside(&a.members) {
                atom_inside[i] = true;
                t.merge(&a.tally);
            }
        }
        let mut classes = ByClass::new();
        for p in &self.pools {
            if p.atoms.iter().all(|a| atom_inside[*a as usize]) {
                for (c, v) in &p.classes {
                    classes.entry(*c).or_default().merge(v);
                }
            }
        }
        figures(classes, t, selected.iter().any(|s| *s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::disclosure::Protect;
    use crate::model::HazardClass;

    fn hh(n: f64) -> Tally {
        Tally::households(n)
    }

    /// Three cells of one sector: a village of 12 (9 outside, 3 high), villages of 2
    /// and 1, villages of 3 and 3 (all outside).
    fn fixture() -> Published {
        let mut detail = ByUnit::new();
        let mut add = |code: &str, none: f64, high: f64| {
            let c = detail.entry(code.to_owned()).or_default();
            if none > 0.0 {
                c.insert(None, hh(none));
            }
            if high > 0.0 {
                c.insert(Some(HazardClass::High), hh(high));
            }
        };
        add("11010101", 9.0, 3.0);
        add("11010201", 2.0, 0.0);
        add("11010202", 1.0, 0.0);
        add("11010301", 3.0, 0.0);
        add("11010302", 3.0, 0.0);
        let totals: ByUnit = detail
            .iter()
            .map(|(k, v)| {
                let mut c = ByClass::new();
                c.insert(None, total(v));
                (k.clone(), c)
            })
            .collect();
        let p = Partition::build(&totals, AdminLevel::Village, Protect::Households);
        Published::new(Arc::new(p), &detail)
    }

    #[test]
    fn every_figure_and_every_nested_difference_is_none_or_at_least_five() {
        let p = fixture();
        let villages = p.at(AdminLevel::Village);
        // The village of 12 is shown whole, its split withheld (3 in the high class).
        let big = &villages["11010101"];
        assert_eq!(big.total().households, 12.0);
        assert!(big.classes.is_empty());
        assert_eq!(big.withheld.households, 12.0);
        assert!(villages["11010201"].suppressed && villages["11010301"].suppressed);
        let cells = p.at(AdminLevel::Cell);
        // Cell 110102 (3 households) stays suppressed: its villages go up to the sector.
        assert!(cells["110102"].suppressed);
        // Cell 110103 (6) is an atom of the cell.
        assert_eq!(cells["110103"].total().households, 6.0);
        let sector = &p.at(AdminLevel::Sector)["1101"];
        // 12 + 6 + the sector's own atom? 3 households only: they are withheld for good.
        assert_eq!(sector.total().households, 18.0);
        // Sector's split: the village of 12 (9 + 3) joined by the cell's 6 outside: 15
        // outside and 3 high is still unsafe, so it goes to the country and is withheld.
        for (_, f) in p.at(AdminLevel::Country) {
            for t in f.classes.values().chain([&f.withheld]) {
                assert!(t.households == 0.0 || t.households >= 5.0, "{t:?}");
            }
        }
        let sum_cells: f64 = cells.values().map(|f| f.total().households).sum();
        let diff = sector.total().households - sum_cells;
        assert!(diff == 0.0 || diff >= 5.0, "sector less its cells: {diff}");
    }

    #[test]
    fn an_area_counts_only_whole_atoms() {
        let p = fixture();
        let code = |c: &str| p.partition().unit_index(c).unwrap() as usize;
        let mut sel = vec![false; p.partition().units.len()];
        sel[code("11010301")] = true;
        let half = p.within(&sel);
        assert!(half.total().is_empty(), "half of a cell's atom is nothing");
        assert!(half.suppressed);
        sel[code("11010302")] = true;
        assert_eq!(p.within(&sel).total().households, 6.0);
    }
}

//! What a caller without clearance may see of returnee households' progress: the same
//! figures as [`crate::engine::progress`], each a sum of whole atoms (households) or
//! whole pools (a component's stages), never of anything smaller.
//!
//! The households are partitioned into atoms of at least [`MIN_HOUSEHOLDS`] by village,
//! as a restricted layer's are. For each support component every household is at one
//! stage — not owed, waiting, received within [`WITHIN_DAYS`] days, received later — and
//! the stages are published by pools of whole atoms whose every stage is nothing or at
//! least [`MIN_HOUSEHOLDS`] households; the same for having received everything owed.
//! A unit's figures for a component are those of the pools at or below it; the rest of
//! its households are counted as withheld for that component. Medians of days are of
//! the households of those pools.
//!
//! [`MIN_HOUSEHOLDS`]: super::MIN_HOUSEHOLDS

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::Protect;
use super::partition::Partition;
use super::split::{Pool, pools};
use crate::engine::progress::{Stage, WITHIN_DAYS, complete, median, members, share, stages};
use crate::engine::tally::{ByUnit, Tally};
use crate::model::AdminLevel;
use crate::model::record::{Record, SUPPORT_COMPONENTS};

/// A household's stage in one component, as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    NotOwed,
    Waiting,
    OnTime,
    Late,
}

fn part(stage: Stage) -> Part {
    match stage {
        Stage::NotOwed => Part::NotOwed,
        Stage::Waiting => Part::Waiting,
        Stage::Received(d) if d <= WITHIN_DAYS => Part::OnTime,
        Stage::Received(_) => Part::Late,
    }
}

/// One component's published progress in one unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishedComponent {
    /// The component.
    pub component: &'static str,
    /// Households owed it (of those shown).
    pub eligible: u64,
    /// Households that received it (of those shown).
    pub received: u64,
    /// `received / eligible`.
    pub share: Option<f64>,
    /// Median days from arrival to receiving it.
    pub median_days: Option<f64>,
    /// Households that received it within [`WITHIN_DAYS`] days.
    pub within_month: u64,
    /// `within_month / eligible`.
    pub within_month_share: Option<f64>,
    /// Households of the unit whose stage in this component is not shown here.
    pub withheld: u64,
}

/// One unit's published progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishedUnit {
    /// The unit's code.
    pub code: String,
    /// Households shown (whole atoms).
    pub households: u64,
    /// Their members.
    pub members: f64,
    /// Whether the unit holds households too few to show.
    pub suppressed: bool,
    /// Households that received everything owed (of those shown), and how many of the
    /// unit's are withheld from that figure.
    pub complete: u64,
    /// Households withheld from `complete`.
    pub complete_withheld: u64,
    /// Each component.
    pub components: Vec<PublishedComponent>,
}

fn whole(x: f64) -> u64 {
    // Sums of whole households.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a sum of whole households, 0 or more"
    )]
    let n = x.round().max(0.0) as u64;
    n
}

/// The published progress of the households of `records` that arrived by `as_of`, per
/// unit of `level` that holds any, in code order.
#[must_use]
pub fn published(records: &[Record], level: AdminLevel, as_of: NaiveDate) -> Vec<PublishedUnit> {
    let arrived: Vec<(&Record, Vec<Stage>)> = records
        .iter()
        .filter(|r| r.date <= as_of)
        .map(|r| (r, stages(r, as_of)))
        .collect();
    let one = |r: &Record| Tally {
        count: 1.0,
        population: members(r),
        households: 1.0,
    };
    let mut totals = ByUnit::new();
    let mut by_component: Vec<BTreeMap<String, BTreeMap<Part, Tally>>> =
        vec![BTreeMap::new(); SUPPORT_COMPONENTS.len()];
    let mut done: BTreeMap<String, BTreeMap<bool, Tally>> = BTreeMap::new();
    let mut days: Vec<BTreeMap<&str, Vec<i64>>> = vec![BTreeMap::new(); SUPPORT_COMPONENTS.len()];
    for (r, st) in &arrived {
        let t = one(r);
        totals
            .entry(r.code.clone())
            .or_default()
            .entry(None)
            .or_default()
            .merge(&t);
        for (i, s) in st.iter().enumerate() {
            by_component[i]
                .entry(r.code.clone())
                .or_default()
                .entry(part(*s))
                .or_default()
                .merge(&t);
            if let Stage::Received(d) = s {
                days[i].entry(r.code.as_str()).or_default().push(*d);
            }
        }
        done.entry(r.code.clone())
            .or_default()
            .entry(complete(st))
            .or_default()
            .merge(&t);
    }
    let partition = Partition::build(&totals, AdminLevel::Village, Protect::Households);
    let component_pools: Vec<Vec<Pool<Part>>> =
        by_component.iter().map(|d| pools(&partition, d)).collect();
    let done_pools = pools(&partition, &done);
    // The units of `level` that hold any household, and what their atoms hold.
    let mut present: BTreeSet<String> = BTreeSet::new();
    for u in &partition.units {
        present.insert(level.ancestor(u).to_owned());
    }
    let mut shown: BTreeMap<String, Tally> = BTreeMap::new();
    for a in partition.atoms.iter().filter(|a| a.level >= level) {
        shown
            .entry(level.ancestor(&a.unit).to_owned())
            .or_default()
            .merge(&a.tally);
    }
    // The finest units of each pool, for medians.
    let villages_of = |p: &Pool<Part>| -> Vec<&str> {
        p.atoms
            .iter()
            .flat_map(|a| &partition.atoms[*a as usize].members)
            .map(|m| partition.units[*m as usize].as_str())
            .collect()
    };
    present
        .into_iter()
        .map(|code| {
            let t = shown.get(&code).copied().unwrap_or_default();
            let households = whole(t.households);
            let at_or_below =
                |unit: &str, lvl: AdminLevel| lvl >= level && level.ancestor(unit) == code;
            let components = SUPPORT_COMPONENTS
                .iter()
                .enumerate()
                .map(|(i, (component, _))| {
                    let mut parts: BTreeMap<Part, f64> = BTreeMap::new();
                    let mut pooled_days = Vec::new();
                    for p in component_pools[i]
                        .iter()
                        .filter(|p| at_or_below(&p.unit, p.level))
                    {
                        for (k, v) in &p.classes {
                            *parts.entry(*k).or_default() += v.households;
                        }
                        for v in villages_of(p) {
                            pooled_days.extend(days[i].get(v).into_iter().flatten());
                        }
                    }
                    let get = |k: Part| whole(parts.get(&k).copied().unwrap_or(0.0));
                    let (waiting, on_time, late) =
                        (get(Part::Waiting), get(Part::OnTime), get(Part::Late));
                    let counted = get(Part::NotOwed) + waiting + on_time + late;
                    let eligible = waiting + on_time + late;
                    let received = on_time + late;
                    PublishedComponent {
                        component,
                        eligible,
                        received,
                        share: share(received, eligible),
                        median_days: median(&mut pooled_days),
                        within_month: on_time,
                        within_month_share: share(on_time, eligible),
                        withheld: households.saturating_sub(counted),
                    }
                })
                .collect();
            let mut finished = 0.0;
            let mut counted = 0.0;
            for p in done_pools.iter().filter(|p| at_or_below(&p.unit, p.level)) {
                for (k, v) in &p.classes {
                    counted += v.households;
                    if *k {
                        finished += v.households;
                    }
                }
            }
            PublishedUnit {
                code,
                households,
                members: t.population,
                suppressed: households == 0,
                complete: whole(finished),
                complete_withheld: households.saturating_sub(whole(counted)),
                components,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::record::{RecordKind, Value};

    /// Households in villages of very different sizes (1 to 14), with every stage of
    /// every component drawn from a fixed sequence.
    fn households() -> Vec<Record> {
        let kind = RecordKind::Returnees;
        let mut seed: u64 = 20_261_204;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n
        };
        let arrived = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let mut out = Vec::new();
        for v in 0..60u64 {
            let village = format!("4{}{:02}{:02}{:02}", 1 + v % 3, 1 + v % 4, 1 + v % 5, 1 + v);
            for h in 0..(1 + next(14)) {
                let mut values = vec![Value::Empty; kind.fields().len()];
                let set = |values: &mut Vec<Value>, name: &str, v: Value| {
                    values[kind.field(name).unwrap().0] = v;
                };
                set(
                    &mut values,
                    "members",
                    Value::Number(f64::from(1 + u32::try_from(next(6)).unwrap())),
                );
                set(
                    &mut values,
                    "school_age",
                    Value::Number(f64::from(u32::try_from(next(3)).unwrap())),
                );
                for (status, date) in SUPPORT_COMPONENTS {
                    match next(4) {
                        0 => set(&mut values, status, Value::Text("not-eligible".into())),
                        1 => set(&mut values, status, Value::Text("pending".into())),
                        _ => {
                            set(&mut values, status, Value::Text("received".into()));
                            let on = arrived + chrono::Days::new(next(90));
                            set(&mut values, date, Value::Text(on.to_string()));
                        }
                    }
                }
                out.push(Record {
                    id: format!("h{v}-{h}"),
                    code: village.clone(),
                    date: arrived,
                    values,
                });
            }
        }
        out
    }

    /// Every figure the unit shows, by name.
    fn figures(u: &PublishedUnit) -> Vec<(String, u64)> {
        let mut f = vec![
            ("households".to_owned(), u.households),
            ("complete".to_owned(), u.complete),
            ("complete withheld".to_owned(), u.complete_withheld),
            (
                "not complete".to_owned(),
                u.households - u.complete - u.complete_withheld,
            ),
        ];
        for c in &u.components {
            let n = c.component;
            f.push((format!("{n} eligible"), c.eligible));
            f.push((format!("{n} received"), c.received));
            f.push((format!("{n} within a month"), c.within_month));
            f.push((format!("{n} waiting"), c.eligible - c.received));
            f.push((format!("{n} late"), c.received - c.within_month));
            f.push((format!("{n} withheld"), c.withheld));
            f.push((
                format!("{n} not owed"),
                u.households - c.withheld - c.eligible,
            ));
        }
        f
    }

    #[test]
    fn no_figure_and_no_difference_of_nested_figures_is_one_to_four_households() {
        let records = households();
        let as_of = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let small = |n: u64| (1..5).contains(&n);
        let mut levels = AdminLevel::ALL.iter().copied().peekable();
        let mut shown_anything = false;
        while let Some(level) = levels.next() {
            let units = published(&records, level, as_of);
            for u in &units {
                for (what, n) in figures(u) {
                    assert!(!small(n), "{level} {} shows {n} for {what}", u.code);
                    shown_anything |= n >= 5 && what.contains("received");
                }
            }
            // A unit's figures less its children's: never 1 to 4 households.
            if let Some(&finer) = levels.peek() {
                let children = published(&records, finer, as_of);
                for u in &units {
                    let mine = figures(u);
                    let mut sum = vec![0u64; mine.len()];
                    for c in children.iter().filter(|c| {
                        finer.ancestor(&c.code) == level.ancestor(&u.code)
                            && c.code.starts_with(&u.code)
                    }) {
                        for (i, (_, n)) in figures(c).into_iter().enumerate() {
                            sum[i] += n;
                        }
                    }
                    for ((what, n), s) in mine.iter().zip(&sum) {
                        if what.contains("withheld") || what.starts_with("not ") {
                            continue;
                        }
                        let d = n.abs_diff(*s);
                        assert!(
                            !small(d),
                            "{level} {} less its {finer}s: {d} for {what} ({n} - {s})",
                            u.code
                        );
                    }
                }
            }
        }
        assert!(shown_anything, "the test shows nothing: it proves nothing");
        // The country's households are every household but a remainder too small to show.
        let all = published(&records, AdminLevel::Country, as_of);
        assert!(records.len() as u64 - all[0].households < 5);
    }
}

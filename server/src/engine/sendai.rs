//! Sendai Framework indicators from loss records, per admin unit of one level and
//! calendar year: targets A (mortality), B (people affected), C (economic loss) and D
//! (damage to critical infrastructure), as the datacard's fields allow, with rates per
//! 100,000 people of the unit from our own population layer.
//!
//! People whose dwellings were damaged or destroyed (B-3, B-4) are the houses times the
//! household size of the record's own unit — a village's population over its
//! households — not a national default. B-1 adds the injured (B-2), B-3, B-4 and the
//! other people the datacard records as directly affected. C-1 is the loss in US
//! dollars as a share of the year's GDP, when one is configured; C-4 and C-5 value the
//! houses, roads and facilities at the configured replacement costs. What the fields do
//! not record (B-5 livelihoods, C-2 agricultural and C-3 productive assets in money) is
//! named and left out, never guessed.

use std::collections::{BTreeMap, HashMap};

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use crate::model::record::Value;
use crate::model::{AdminLevel, Record, RecordKind};

/// What the economic indicators need and the records do not hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Economy {
    /// Gross domestic product in US dollars, by year.
    #[serde(default)]
    pub gdp_usd: BTreeMap<i32, f64>,
    /// Replacement costs in US dollars.
    #[serde(default)]
    pub costs_usd: Costs,
    /// Where the figures come from (shown beside C-1, C-4 and C-5).
    #[serde(default)]
    pub source: String,
}

/// Replacement costs per unit, US dollars.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Costs {
    /// A house damaged.
    pub house_damaged: Option<f64>,
    /// A house destroyed.
    pub house_destroyed: Option<f64>,
    /// A kilometre of road.
    pub road_km: Option<f64>,
    /// A school.
    pub school: Option<f64>,
    /// A health facility.
    pub health_facility: Option<f64>,
}

/// One indicator's definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Definition {
    /// Its Sendai code (`A-2`).
    pub code: &'static str,
    /// What it counts.
    pub title: &'static str,
    /// The unit of `value` (`people`, `USD`, `% of GDP`, …).
    pub unit: &'static str,
    /// Whether a rate per 100,000 people is given.
    pub per_100k: bool,
    /// Why it is not computed, when it cannot be from the datacard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_recorded: Option<&'static str>,
}

const fn def(
    code: &'static str,
    title: &'static str,
    unit: &'static str,
    per_100k: bool,
) -> Definition {
    Definition {
        code,
        title,
        unit,
        per_100k,
        not_recorded: None,
    }
}

/// Every indicator, in Sendai order.
pub const INDICATORS: &[Definition] = &[
    def("A-1", "Deaths and missing persons", "people", true),
    def("A-2", "Deaths", "people", true),
    def("A-3", "Missing persons", "people", true),
    def("B-1", "Directly affected people", "people", true),
    def("B-2", "Injured or ill people", "people", true),
    def(
        "B-3",
        "People whose damaged dwellings were attributed to disasters",
        "people",
        true,
    ),
    def(
        "B-4",
        "People whose destroyed dwellings were attributed to disasters",
        "people",
        true,
    ),
    Definition {
        not_recorded: Some("the datacard does not record livelihoods disrupted"),
        ..def(
            "B-5",
            "People whose livelihoods were disrupted or destroyed",
            "people",
            true,
        )
    },
    def(
        "C-1",
        "Direct economic loss in relation to GDP",
        "% of GDP",
        false,
    ),
    Definition {
        not_recorded: Some(
            "the datacard records crops in hectares and livestock in heads, not their value",
        ),
        ..def("C-2", "Direct agricultural loss", "USD", false)
    },
    Definition {
        not_recorded: Some("the datacard does not record productive assets"),
        ..def(
            "C-3",
            "Direct economic loss to productive assets",
            "USD",
            false,
        )
    },
    def(
        "C-4",
        "Direct economic loss in the housing sector (replacement cost)",
        "USD",
        false,
    ),
    def(
        "C-5",
        "Direct economic loss from damaged or destroyed critical infrastructure (replacement cost)",
        "USD",
        false,
    ),
    def(
        "D-1",
        "Damage to critical infrastructure: health and educational facilities",
        "facilities",
        false,
    ),
    def(
        "D-2",
        "Health facilities destroyed or damaged",
        "facilities",
        false,
    ),
    def(
        "D-3",
        "Educational facilities destroyed or damaged",
        "facilities",
        false,
    ),
    def(
        "D-4",
        "Other critical infrastructure damaged or destroyed: roads",
        "km",
        false,
    ),
];

/// The population and household sizes the indicators are computed with.
#[derive(Debug, Clone, Default)]
pub struct Denominators {
    /// People per unit code, at every level (the country under `""`).
    pub population: HashMap<String, f64>,
    /// People per household by unit code, at every level where known.
    pub household_size: HashMap<String, f64>,
}

impl Denominators {
    /// From the people of each unit of the finest level (`(code, people)`, from the
    /// population layer) and the people and households the boundaries give each unit
    /// (`(code, people, households)`, for household sizes): both summed to every coarser
    /// level by code.
    #[must_use]
    pub fn from_finest(people: &[(String, f64)], households: &[(String, f64, f64)]) -> Self {
        let mut population: HashMap<String, f64> = HashMap::new();
        let mut sized: HashMap<String, (f64, f64)> = HashMap::new();
        for level in AdminLevel::ALL {
            for (code, pop) in people.iter().filter(|(c, _)| c.len() >= level.digits()) {
                *population
                    .entry(level.ancestor(code).to_owned())
                    .or_default() += pop;
            }
            for (code, pop, hh) in households
                .iter()
                .filter(|(c, _, h)| c.len() >= level.digits() && *h > 0.0)
            {
                let e = sized.entry(level.ancestor(code).to_owned()).or_default();
                e.0 += pop;
                e.1 += hh;
            }
        }
        Self {
            population,
            household_size: sized.into_iter().map(|(k, (p, h))| (k, p / h)).collect(),
        }
    }

    /// The household size of unit `code`: its own, else the nearest of its parents'.
    #[must_use]
    pub fn household_size_of(&self, code: &str) -> Option<f64> {
        AdminLevel::ALL
            .iter()
            .rev()
            .filter(|l| l.digits() <= code.len())
            .find_map(|l| self.household_size.get(l.ancestor(code)).copied())
    }
}

/// One indicator of one unit and year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// The Sendai code.
    pub code: &'static str,
    /// The count, amount or share (`None`: not computable here, see the definition).
    pub value: Option<f64>,
    /// Per 100,000 people of the unit, for A and B.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_100k: Option<f64>,
}

/// The indicators of one unit and year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitYear {
    /// The unit's code.
    pub code: String,
    /// The calendar year.
    pub year: i32,
    /// People in the unit (the rates' denominator).
    pub population: Option<f64>,
    /// Loss records counted.
    pub records: u64,
    /// Every indicator, in Sendai order.
    pub figures: Vec<Figure>,
}

#[derive(Default, Clone, Copy)]
struct Sums {
    deaths: f64,
    missing: f64,
    injured: f64,
    other_direct: f64,
    people_damaged: f64,
    people_destroyed: f64,
    houses_damaged: f64,
    houses_destroyed: f64,
    loss_usd: f64,
    loss_usd_records: u64,
    schools: f64,
    health: f64,
    roads_km: f64,
    records: u64,
}

fn field(r: &Record, index: Option<usize>) -> f64 {
    index
        .and_then(|i| r.values.get(i))
        .and_then(Value::number)
        .unwrap_or(0.0)
}

/// The indicators per unit of `level` and year. Records coded coarser than `level` are
/// left out (they cannot be placed in one of its units).
#[must_use]
pub fn indicators(
    records: &[Record],
    level: AdminLevel,
    denominators: &Denominators,
    economy: &Economy,
) -> Vec<UnitYear> {
    let kind = RecordKind::Losses;
    let at = |name: &str| kind.field(name).map(|(i, _)| i);
    let (deaths, missing, injured, direct) = (
        at("deaths"),
        at("missing"),
        at("injured"),
        at("directly_affected"),
    );
    let (damaged, destroyed, loss_usd) =
        (at("houses_damaged"), at("houses_destroyed"), at("loss_usd"));
    let (schools, health, roads) = (at("schools"), at("health_facilities"), at("roads_km"));
    let mut sums: BTreeMap<(String, i32), Sums> = BTreeMap::new();
    for r in records {
        if r.code.len() < level.digits() {
            continue;
        }
        let key = (level.ancestor(&r.code).to_owned(), r.date.year());
        let s = sums.entry(key).or_default();
        let size = denominators.household_size_of(&r.code).unwrap_or(0.0);
        s.records += 1;
        s.deaths += field(r, deaths);
        s.missing += field(r, missing);
        s.injured += field(r, injured);
        s.other_direct += field(r, direct);
        s.houses_damaged += field(r, damaged);
        s.houses_destroyed += field(r, destroyed);
        s.people_damaged += field(r, damaged) * size;
        s.people_destroyed += field(r, destroyed) * size;
        if let Some(v) = loss_usd
            .and_then(|i| r.values.get(i))
            .and_then(Value::number)
        {
            s.loss_usd += v;
            s.loss_usd_records += 1;
        }
        s.schools += field(r, schools);
        s.health += field(r, health);
        s.roads_km += field(r, roads);
    }
    sums.into_iter()
        .map(|((code, year), s)| {
            let population = denominators.population.get(&code).copied();
            let rate = |v: f64| population.filter(|p| *p > 0.0).map(|p| v / p * 100_000.0);
            let c = economy.costs_usd;
            let value = |code: &str| -> Option<f64> {
                Some(match code {
                    "A-1" => s.deaths + s.missing,
                    "A-2" => s.deaths,
                    "A-3" => s.missing,
                    "B-1" => s.injured + s.people_damaged + s.people_destroyed + s.other_direct,
                    "B-2" => s.injured,
                    "B-3" => s.people_damaged,
                    "B-4" => s.people_destroyed,
                    "C-1" => {
                        let gdp = economy.gdp_usd.get(&year).copied().filter(|g| *g > 0.0)?;
                        if s.loss_usd_records == 0 {
                            return None;
                        }
                        s.loss_usd / gdp * 100.0
                    }
                    "C-4" => {
                        s.houses_damaged * c.house_damaged?
                            + s.houses_destroyed * c.house_destroyed?
                    }
                    "C-5" => {
                        s.roads_km * c.road_km?
                            + s.schools * c.school?
                            + s.health * c.health_facility?
                    }
                    "D-1" => s.health + s.schools,
                    "D-2" => s.health,
                    "D-3" => s.schools,
                    "D-4" => s.roads_km,
                    _ => return None,
                })
            };
            let figures = INDICATORS
                .iter()
                .map(|d| {
                    let v = if d.not_recorded.is_some() {
                        None
                    } else {
                        value(d.code)
                    };
                    Figure {
                        code: d.code,
                        value: v,
                        per_100k: if d.per_100k { v.and_then(rate) } else { None },
                    }
                })
                .collect();
            UnitYear {
                code,
                year,
                population,
                records: s.records,
                figures,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn loss(code: &str, year: i32, set: &[(&str, f64)]) -> Record {
        let kind = RecordKind::Losses;
        let mut values = vec![Value::Empty; kind.fields().len()];
        values[0] = Value::Text("flood".into());
        for (name, v) in set {
            values[kind.field(name).expect("field").0] = Value::Number(*v);
        }
        Record {
            id: format!("{code}-{year}"),
            code: code.into(),
            date: NaiveDate::from_ymd_opt(year, 5, 3).expect("date"),
            values,
        }
    }

    fn figure(u: &UnitYear, code: &str) -> (Option<f64>, Option<f64>) {
        let f = u
            .figures
            .iter()
            .find(|f| f.code == code)
            .expect("indicator");
        (f.value, f.per_100k)
    }

    #[test]
    fn each_village_houses_its_own_households() {
        // Two villages of one sector: 5 and 3 people a household.
        let d = Denominators::from_finest(
            &[("34010101".into(), 500.0), ("34010102".into(), 300.0)],
            &[
                ("34010101".into(), 450.0, 90.0),
                ("34010102".into(), 330.0, 110.0),
            ],
        );
        assert_eq!(d.population.get("3401"), Some(&800.0));
        assert_eq!(d.household_size_of("34010101"), Some(5.0));
        assert_eq!(
            d.household_size_of("3401"),
            Some(3.9),
            "the sector's own ratio (780 / 200)"
        );
        assert_eq!(
            d.household_size_of("34019999"),
            Some(3.9),
            "an unknown village takes its sector's"
        );
        let records = [
            loss(
                "34010101",
                2023,
                &[("houses_destroyed", 2.0), ("deaths", 1.0), ("missing", 1.0)],
            ),
            loss(
                "34010102",
                2023,
                &[
                    ("houses_destroyed", 2.0),
                    ("injured", 3.0),
                    ("directly_affected", 7.0),
                ],
            ),
            loss(
                "3401",
                2023,
                &[
                    ("houses_damaged", 1.0),
                    ("loss_usd", 20_000.0),
                    ("roads_km", 1.5),
                ],
            ),
            loss(
                "3401",
                2022,
                &[("schools", 1.0), ("health_facilities", 2.0)],
            ),
        ];
        let economy = Economy {
            gdp_usd: BTreeMap::from([(2023, 1.0e9)]),
            costs_usd: Costs {
                house_damaged: Some(1_000.0),
                house_destroyed: Some(5_000.0),
                ..Costs::default()
            },
            source: "test".into(),
        };
        let by_sector = indicators(&records, AdminLevel::Sector, &d, &economy);
        assert_eq!(by_sector.len(), 2);
        let y23 = by_sector.iter().find(|u| u.year == 2023).expect("2023");
        assert_eq!(y23.records, 3);
        assert_eq!(
            figure(y23, "B-4"),
            (Some(16.0), Some(2_000.0)),
            "2×5 + 2×3 people, per 100k of 800"
        );
        assert_eq!(
            figure(y23, "B-3").0,
            Some(3.9),
            "the sector's record: its own size"
        );
        assert_eq!(figure(y23, "B-1").0, Some(3.0 + 3.9 + 16.0 + 7.0));
        assert_eq!(figure(y23, "A-1"), (Some(2.0), Some(250.0)));
        assert!((figure(y23, "C-1").0.expect("C-1") - 0.002).abs() < 1e-12);
        assert_eq!(figure(y23, "C-4").0, Some(1_000.0 + 4.0 * 5_000.0));
        assert_eq!(figure(y23, "C-5").0, None, "no road cost configured");
        assert_eq!(figure(y23, "B-5").0, None, "not recorded");
        assert_eq!(figure(y23, "D-4").0, Some(1.5));
        let y22 = by_sector.iter().find(|u| u.year == 2022).expect("2022");
        assert_eq!(figure(y22, "D-1").0, Some(3.0));
        assert_eq!(figure(y22, "C-1").0, None, "no GDP for 2022");
        let by_village = indicators(&records, AdminLevel::Village, &d, &economy);
        assert_eq!(
            by_village.len(),
            2,
            "the sector's records are left out at village level"
        );
    }
}

//! Calibration of displacement rates: for the units where an event's records say how
//! many people were displaced, the rates per hazard class that best explain those
//! counts from the people the model places in each class — a least-squares fit with
//! no negative rate (every subset of classes tried, which is exact for the few classes a
//! hazard layer has) — beside the rates in use. With fewer informative units than
//! classes the rates cannot be told apart and only their common scale is suggested.

use serde::Serialize;

/// One unit's observation: people displaced as recorded, and the people the model
/// places in each class (in the order of the classes given to [`calibrate`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The unit's code.
    pub code: String,
    /// Displaced as recorded.
    pub observed: f64,
    /// People in each class.
    pub people: Vec<f64>,
}

/// A class and the rule in use for it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassRule {
    /// The class's name.
    pub class: &'static str,
    /// Whether the model counts its people as affected.
    pub affected: bool,
    /// The displacement rate in use.
    pub rate: f64,
}

/// How the suggestion was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// One rate per class, least squares with no negative rate.
    LeastSquares,
    /// The rates in use scaled by observed over modelled.
    Scale,
    /// Nothing to fit (no one in any class, or nobody modelled displaced).
    None,
}

/// One class's figures and suggested rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassCalibration {
    /// The class.
    pub class: &'static str,
    /// Whether its people count as affected now.
    pub affected: bool,
    /// The rate in use.
    pub rate_in_use: f64,
    /// People in the class in the observed units.
    pub people: f64,
    /// Displaced by the rules in use.
    pub modelled_displaced: f64,
    /// The rate the observations suggest (none when they cannot tell).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggested_rate: Option<f64>,
}

/// The calibration of one event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// How the suggestion was found.
    pub method: Method,
    /// Units observed.
    pub units: usize,
    /// Displaced as recorded, in all of them.
    pub observed: f64,
    /// Displaced by the rules in use.
    pub modelled: f64,
    /// Displaced by the suggested rates (none without a suggestion).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modelled_with_suggested: Option<f64>,
    /// Recorded displaced in units where the model places nobody in any class.
    pub observed_outside_zones: f64,
    /// Per class.
    pub classes: Vec<ClassCalibration>,
    /// Per unit observed.
    pub fits: Vec<UnitFit>,
}

/// One unit: displaced as recorded and as modelled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitFit {
    /// The unit's code.
    pub code: String,
    /// Displaced as recorded.
    pub observed: f64,
    /// Displaced by the rules in use.
    pub modelled: f64,
    /// Displaced by the suggested rates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_suggested: Option<f64>,
}

/// The suggested rates for `observations` of the classes `rules`.
#[must_use]
pub fn calibrate(rules: &[ClassRule], observations: &[Observation]) -> Calibration {
    let k = rules.len();
    let people = |j: usize| observations.iter().map(|o| o.people[j]).sum::<f64>();
    let modelled_of = |rates: &[f64]| -> f64 {
        observations
            .iter()
            .map(|o| (0..k).map(|j| o.people[j] * rates[j]).sum::<f64>())
            .sum()
    };
    let in_use: Vec<f64> = rules
        .iter()
        .map(|r| if r.affected { r.rate } else { 0.0 })
        .collect();
    let modelled = modelled_of(&in_use);
    let observed: f64 = observations.iter().map(|o| o.observed).sum();
    let outside = observations
        .iter()
        .filter(|o| o.people.iter().all(|p| *p <= 0.0))
        .map(|o| o.observed)
        .sum();
    // Classes someone lives in: the others can say nothing.
    let informative: Vec<usize> = (0..k).filter(|&j| people(j) > 0.0).collect();
    let fitted = (observations.len() >= informative.len() && !informative.is_empty())
        .then(|| non_negative_least_squares(observations, &informative, k))
        .flatten();
    let (method, suggested): (Method, Vec<Option<f64>>) = match fitted {
        Some(rates) => (
            Method::LeastSquares,
            (0..k)
                .map(|j| informative.contains(&j).then(|| rates[j]))
                .collect(),
        ),
        None if modelled > 0.0 => {
            let f = observed / modelled;
            (
                Method::Scale,
                (0..k)
                    .map(|j| (in_use[j] > 0.0 && people(j) > 0.0).then(|| in_use[j] * f))
                    .collect(),
            )
        }
        None => (Method::None, vec![None; k]),
    };
    let rates: Option<Vec<f64>> =
        (method != Method::None).then(|| suggested.iter().map(|s| s.unwrap_or(0.0)).collect());
    let with_suggested = rates.as_deref().map(modelled_of);
    let of = |o: &Observation, rates: &[f64]| (0..k).map(|j| o.people[j] * rates[j]).sum::<f64>();
    let fits = observations
        .iter()
        .map(|o| UnitFit {
            code: o.code.clone(),
            observed: o.observed,
            modelled: of(o, &in_use),
            with_suggested: rates.as_deref().map(|r| of(o, r)),
        })
        .collect();
    Calibration {
        method,
        units: observations.len(),
        observed,
        modelled,
        modelled_with_suggested: with_suggested,
        observed_outside_zones: outside,
        classes: rules
            .iter()
            .enumerate()
            .map(|(j, r)| ClassCalibration {
                class: r.class,
                affected: r.affected,
                rate_in_use: r.rate,
                people: people(j),
                modelled_displaced: observations.iter().map(|o| o.people[j]).sum::<f64>()
                    * in_use[j],
                suggested_rate: suggested[j],
            })
            .collect(),
        fits,
    }
}

/// The rates (one per class, `k` in all) minimising the squared misfit over the
/// classes `cols` with none negative, or none when those classes cannot be told apart
/// (their people are proportional across units).
fn non_negative_least_squares(
    observations: &[Observation],
    cols: &[usize],
    k: usize,
) -> Option<Vec<f64>> {
    let misfit = |rates: &[f64]| -> f64 {
        observations
            .iter()
            .map(|o| {
                let m: f64 = (0..k).map(|j| o.people[j] * rates[j]).sum();
                (m - o.observed).powi(2)
            })
            .sum()
    };
    // The whole set must be identifiable for the answer to be one.
    solve(observations, cols)?;
    let mut best: Option<(f64, Vec<f64>)> = None;
    for mask in 1u32..(1 << cols.len()) {
        let subset: Vec<usize> = (0..cols.len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| cols[i])
            .collect();
        let Some(x) = solve(observations, &subset) else {
            continue;
        };
        if x.iter().any(|v| *v < 0.0) {
            continue;
        }
        let mut rates = vec![0.0; k];
        for (j, v) in subset.iter().zip(x) {
            rates[*j] = v;
        }
        let m = misfit(&rates);
        if best.as_ref().is_none_or(|(b, _)| m < *b - 1e-12 * b.abs()) {
            best = Some((m, rates));
        }
    }
    // Observations all zero: every rate 0 is the answer.
    Some(best.map_or_else(|| vec![0.0; k], |(_, r)| r))
}

/// The least-squares rates of classes `cols` (normal equations, Gaussian elimination
/// with partial pivoting), or none when they are not identifiable.
fn solve(observations: &[Observation], cols: &[usize]) -> Option<Vec<f64>> {
    let n = cols.len();
    let mut a = vec![vec![0.0; n + 1]; n];
    for o in observations {
        for (r, &i) in cols.iter().enumerate() {
            for (c, &j) in cols.iter().enumerate() {
                a[r][c] += o.people[i] * o.people[j];
            }
            a[r][n] += o.people[i] * o.observed;
        }
    }
    let scale = (0..n).map(|i| a[i][i]).fold(0.0_f64, f64::max);
    for col in 0..n {
        let pivot = (col..n).max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))?;
        if a[pivot][col].abs() <= 1e-10 * scale {
            return None;
        }
        a.swap(col, pivot);
        let pivot_row = a[col].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                for (x, p) in row.iter_mut().zip(&pivot_row).skip(col) {
                    *x -= f * p;
                }
            }
        }
    }
    Some((0..n).map(|i| a[i][n] / a[i][i]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Vec<ClassRule> {
        vec![
            ClassRule {
                class: "high",
                affected: true,
                rate: 0.3,
            },
            ClassRule {
                class: "medium",
                affected: true,
                rate: 0.1,
            },
            ClassRule {
                class: "low",
                affected: false,
                rate: 0.0,
            },
        ]
    }

    fn obs(code: &str, observed: f64, people: [f64; 3]) -> Observation {
        Observation {
            code: code.into(),
            observed,
            people: people.to_vec(),
        }
    }

    #[test]
    fn rates_that_made_the_observations_are_found_again() {
        // Displaced made from rates 0.2 (high), 0.05 (medium), 0.01 (low).
        let made = |p: [f64; 3]| 0.2 * p[0] + 0.05 * p[1] + 0.01 * p[2];
        let people = [
            [1000.0, 200.0, 50.0],
            [100.0, 900.0, 400.0],
            [300.0, 300.0, 3000.0],
            [0.0, 50.0, 10.0],
        ];
        let o: Vec<Observation> = people
            .iter()
            .enumerate()
            .map(|(i, p)| obs(&i.to_string(), made(*p), *p))
            .collect();
        let c = calibrate(&rules(), &o);
        assert_eq!(c.method, Method::LeastSquares);
        let got: Vec<f64> = c
            .classes
            .iter()
            .map(|c| c.suggested_rate.expect("rate"))
            .collect();
        for (g, want) in got.iter().zip([0.2, 0.05, 0.01]) {
            assert!((g - want).abs() < 1e-9, "{got:?}");
        }
        assert!((c.modelled_with_suggested.expect("m") - c.observed).abs() < 1e-6);
        // The rules in use: 0.3 × high + 0.1 × medium (low not affected).
        let in_use: f64 = people.iter().map(|p| 0.3 * p[0] + 0.1 * p[1]).sum();
        assert!((c.modelled - in_use).abs() < 1e-9);
        assert_eq!(c.classes[2].modelled_displaced, 0.0);
    }

    #[test]
    fn no_rate_is_negative() {
        // Medium alone would fit best with a negative high rate.
        // Unconstrained: 100h + 10m = 0 and 100h + 100m = 10 give h = -1/90.
        let o = vec![
            obs("a", 10.0, [100.0, 100.0, 0.0]),
            obs("b", 0.0, [100.0, 10.0, 0.0]),
        ];
        let c = calibrate(&rules(), &o);
        assert_eq!(c.method, Method::LeastSquares);
        assert_eq!(c.classes[0].suggested_rate, Some(0.0));
        // With h = 0: m minimises (100m - 10)² + (10m)², m = 1000 / 10100.
        let m = c.classes[1].suggested_rate.expect("m");
        assert!((m - 1000.0 / 10100.0).abs() < 1e-12, "{m}");
        // Nobody lives in low: nothing suggested for it.
        assert_eq!(c.classes[2].suggested_rate, None);
    }

    #[test]
    fn too_few_units_scale_the_rates_in_use() {
        let o = vec![obs("a", 120.0, [200.0, 400.0, 100.0])];
        let c = calibrate(&rules(), &o);
        assert_eq!(c.method, Method::Scale);
        // Modelled 0.3 × 200 + 0.1 × 400 = 100; observed 120: × 1.2.
        assert!((c.modelled - 100.0).abs() < 1e-9);
        assert!((c.classes[0].suggested_rate.expect("h") - 0.36).abs() < 1e-9);
        assert!((c.classes[1].suggested_rate.expect("m") - 0.12).abs() < 1e-9);
        assert_eq!(c.classes[2].suggested_rate, None);
        assert!((c.modelled_with_suggested.expect("m") - 120.0).abs() < 1e-9);
    }

    #[test]
    fn displaced_outside_every_zone_are_counted_apart() {
        let o = vec![
            obs("a", 30.0, [100.0, 0.0, 0.0]),
            obs("b", 8.0, [0.0, 0.0, 0.0]),
        ];
        let c = calibrate(&rules(), &o);
        assert_eq!(c.observed, 38.0);
        assert_eq!(c.observed_outside_zones, 8.0);
        assert_eq!(c.method, Method::LeastSquares);
        assert!((c.classes[0].suggested_rate.expect("h") - 0.3).abs() < 1e-9);
    }

    #[test]
    fn nothing_to_fit_says_so() {
        let c = calibrate(&rules(), &[obs("a", 5.0, [0.0, 0.0, 0.0])]);
        assert_eq!(c.method, Method::None);
        assert!(c.classes.iter().all(|c| c.suggested_rate.is_none()));
        assert_eq!(c.modelled_with_suggested, None);
    }
}

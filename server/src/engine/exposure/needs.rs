//! Minimum needs of displaced people: the Sphere standards unless others are given.

use serde::Serialize;

/// Minimum needs of one displaced person.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Needs {
    /// Food, kcal per person per day.
    pub kcal: f64,
    /// Drinking and domestic water, litres per person per day.
    pub water_l: f64,
    /// Covered living space, m² per person.
    pub shelter_m2: f64,
    /// People sharing one latrine.
    pub people_per_latrine: f64,
    /// Energy of a kilogram of the general food ration, for food in tonnes: WFP's basket
    /// of 400 g cereal, 60 g pulses, 25 g oil, 50 g fortified blended food, 15 g sugar
    /// and 5 g salt gives 2,100 kcal in 555 g (about 3,784 kcal/kg).
    pub ration_kcal_per_kg: f64,
}

/// A standard that cannot be used (not a positive number).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{name}={value} is not a usable standard: give a positive number (Sphere: kcal=2100, water_l=15, shelter_m2=3.5, people_per_latrine=20)"
)]
pub struct NeedsError {
    name: &'static str,
    value: f64,
}

/// What a number of displaced people need each day (shelter: in all).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct NeedsOf {
    /// Food, kcal a day.
    pub food_kcal_per_day: f64,
    /// Food as the general ration weighs, tonnes a day.
    pub food_tonnes_per_day: f64,
    /// Water, litres a day.
    pub water_litres_per_day: f64,
    /// Covered living space, m².
    pub shelter_m2: f64,
    /// Latrines (whole ones).
    pub latrines: f64,
}

impl Needs {
    /// The Sphere standards: 2,100 kcal and 15 L a day, 3.5 m² of covered space per
    /// person, a latrine per 20 people.
    pub const SPHERE: Self = Self {
        kcal: 2100.0,
        water_l: 15.0,
        shelter_m2: 3.5,
        people_per_latrine: 20.0,
        ration_kcal_per_kg: 2100.0 / 0.555,
    };

    /// The Sphere standards with the given ones in their place.
    ///
    /// # Errors
    /// When a value given is not a positive number.
    pub fn with(
        kcal: Option<f64>,
        water_l: Option<f64>,
        shelter_m2: Option<f64>,
        people_per_latrine: Option<f64>,
    ) -> Result<Self, NeedsError> {
        let d = Self::SPHERE;
        let needs = Self {
            kcal: kcal.unwrap_or(d.kcal),
            water_l: water_l.unwrap_or(d.water_l),
            shelter_m2: shelter_m2.unwrap_or(d.shelter_m2),
            people_per_latrine: people_per_latrine.unwrap_or(d.people_per_latrine),
            ration_kcal_per_kg: d.ration_kcal_per_kg,
        };
        let all = [
            ("kcal", needs.kcal),
            ("water_l", needs.water_l),
            ("shelter_m2", needs.shelter_m2),
            ("people_per_latrine", needs.people_per_latrine),
        ];
        match all.iter().find(|(_, v)| !v.is_finite() || *v <= 0.0) {
            Some(&(name, value)) => Err(NeedsError { name, value }),
            None => Ok(needs),
        }
    }

    /// What `displaced` people need.
    #[must_use]
    pub fn of(&self, displaced: f64) -> NeedsOf {
        NeedsOf {
            food_kcal_per_day: displaced * self.kcal,
            food_tonnes_per_day: displaced * self.kcal / self.ration_kcal_per_kg / 1000.0,
            water_litres_per_day: displaced * self.water_l,
            shelter_m2: displaced * self.shelter_m2,
            latrines: (displaced / self.people_per_latrine).ceil(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sphere_by_default_and_refuses_nonsense() {
        assert_eq!(Needs::with(None, None, None, None), Ok(Needs::SPHERE));
        let n = Needs::with(None, Some(20.0), None, None).unwrap();
        assert_eq!(n.of(100.0).water_litres_per_day, 2000.0);
        assert_eq!(Needs::SPHERE.of(41.0).latrines, 3.0);
        // 1,000 people eat 555 kg of WFP's general ration a day.
        assert!((Needs::SPHERE.of(1000.0).food_tonnes_per_day - 0.555).abs() < 1e-9);
        assert_eq!(
            Needs::with(Some(0.0), None, None, None)
                .unwrap_err()
                .to_string(),
            "kcal=0 is not a usable standard: give a positive number (Sphere: kcal=2100, water_l=15, shelter_m2=3.5, people_per_latrine=20)"
        );
        assert!(Needs::with(None, Some(f64::NAN), None, None).is_err());
    }
}

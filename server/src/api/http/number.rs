//! Whole numbers in JSON bodies: `175` and `175.0` alike, as JSON Schema's `integer`
//! (and so our OpenAPI document) counts both; `175.5` or an out-of-range value is refused
//! with a message naming it.

use serde::{Deserialize, Deserializer, de::Error as _};

fn to_whole<T: TryFrom<i64>>(v: &serde_json::Number) -> Option<T> {
    let i = v.as_i64().or_else(|| {
        v.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| {
                #[expect(clippy::cast_possible_truncation)]
                let i = f as i64;
                i
            })
    })?;
    T::try_from(i).ok()
}

/// A whole number of type `T`.
///
/// # Errors
/// When the value is not a whole number in `T`'s range.
pub fn whole<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<T, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    to_whole(&n).ok_or_else(|| D::Error::custom(format!("{n} is not a whole number in range")))
}

/// An optional whole number of type `T` (null or absent: `None`).
///
/// # Errors
/// When the value is not a whole number in `T`'s range.
pub fn whole_opt<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<Option<T>, D::Error> {
    match Option::<serde_json::Number>::deserialize(d)? {
        None => Ok(None),
        Some(n) => to_whole(&n)
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("{n} is not a whole number in range"))),
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(deserialize_with = "super::whole")]
        v: i32,
        #[serde(default, deserialize_with = "super::whole_opt")]
        d: Option<u32>,
    }

    #[test]
    fn integers_written_as_floats_are_whole_numbers() {
        let b: Body = serde_json::from_str(r#"{"v": 175.0, "d": 3}"#).unwrap();
        assert_eq!((b.v, b.d), (175, Some(3)));
        let b: Body = serde_json::from_str(r#"{"v": 2}"#).unwrap();
        assert_eq!(b.d, None);
        for bad in [
            r#"{"v": 1.5}"#,
            r#"{"v": 3000000000}"#,
            r#"{"v": 1, "d": -1}"#,
        ] {
            assert!(serde_json::from_str::<Body>(bad).is_err(), "{bad}");
        }
    }
}

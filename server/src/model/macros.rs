//! The macros that define the model's string types: validated slugs and string-backed
//! enums, each with `as_str`, `FromStr`, `Display` and serde.

/// Longest layer id we accept (ids appear in URLs and file names).
const MAX_LAYER_ID_LEN: usize = 64;

/// Why a string is not a valid slug.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "{what} '{value}' is not a valid slug: use 1-{MAX_LAYER_ID_LEN} lowercase ASCII letters, digits, '-' or '_', starting with a letter or digit (e.g. 'flood-2026')"
)]
pub struct SlugError {
    what: &'static str,
    value: String,
}

/// Why a string is not one of a string-backed enum's values.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown {what} '{value}': use one of {}", allowed.join(", "))]
pub struct UnknownValue {
    what: &'static str,
    value: String,
    allowed: &'static [&'static str],
}

impl UnknownValue {
    pub(crate) fn new(what: &'static str, value: &str, allowed: &'static [&'static str]) -> Self {
        Self {
            what,
            value: value.chars().take(80).collect(),
            allowed,
        }
    }
}

pub(crate) fn check_slug(what: &'static str, value: &str) -> Result<(), SlugError> {
    let ok = !value.is_empty()
        && value.len() <= MAX_LAYER_ID_LEN
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && value
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(SlugError {
            what,
            value: value.chars().take(80).collect(),
        })
    }
}

/// Defines a validated ASCII-slug newtype with `as_str`, `FromStr`, `Display` and serde.
macro_rules! slug_type {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The value as a string slice.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::model::SlugError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::model::macros::check_slug($what, s)?;
                Ok(Self(s.to_owned()))
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::model::SlugError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $crate::model::macros::check_slug($what, &s)?;
                Ok(Self(s))
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> Self {
                v.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.pad(&self.0)
            }
        }
    };
}

pub(crate) use slug_type;

/// Defines a string-backed enum with `as_str`, `FromStr`, `Display` and serde, each value
/// written as its text (in JSON too).
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[doc = concat!("Written `", $text, "`.")]
                #[serde(rename = $text)]
                $variant
            ),+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as stored and shown.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::model::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err($crate::model::UnknownValue::new($what, other, &[$($text),+])),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.pad(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;

//! Administrative levels: country, province, district, sector, cell, village. A unit's
//! official code begins with its parent's code (Rwanda: province 1 digit, district 2,
//! sector 4, cell 6, village 8; the country is the empty code).

use super::macros::string_enum;

/// The ISO 3166 code of the country the official admin codes are of (the code of its
/// whole-country unit, `""`, in HXL's `#country+code`).
pub const COUNTRY_ISO3: &str = "RWA";

string_enum! {
    /// An administrative level, coarsest first.
    AdminLevel, "level" {
        /// The whole country (code "").
        Country => "country",
        /// Province (1 digit).
        Province => "province",
        /// District (2 digits).
        District => "district",
        /// Sector (4 digits).
        Sector => "sector",
        /// Cell (6 digits).
        Cell => "cell",
        /// Village (8 digits).
        Village => "village",
    }
}

impl AdminLevel {
    /// Length of the codes of this level's units.
    #[must_use]
    pub fn digits(self) -> usize {
        match self {
            Self::Country => 0,
            Self::Province => 1,
            Self::District => 2,
            Self::Sector => 4,
            Self::Cell => 6,
            Self::Village => 8,
        }
    }

    /// The level of a boundary layer's theme (`district`, `village`, ...), if it is one.
    #[must_use]
    pub fn of_theme(theme: &str) -> Option<Self> {
        theme.parse().ok()
    }

    /// The level whose codes have the length of `code` (`""` the country).
    #[must_use]
    pub fn of_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|l| l.digits() == code.len())
    }

    /// The HXL attribute of the level (`#adm1` province … `#adm5` village, `#country`).
    #[must_use]
    pub fn hxl(self) -> &'static str {
        match self {
            Self::Country => "#country",
            Self::Province => "#adm1",
            Self::District => "#adm2",
            Self::Sector => "#adm3",
            Self::Cell => "#adm4",
            Self::Village => "#adm5",
        }
    }

    /// The code of the unit of this level that holds the unit `code` (its first
    /// [`digits`](Self::digits) characters).
    #[must_use]
    pub fn ancestor(self, code: &str) -> &str {
        code.get(..self.digits().min(code.len())).unwrap_or(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_order_and_codes() {
        assert!(AdminLevel::Country < AdminLevel::Village);
        assert_eq!(AdminLevel::Sector.ancestor("34061203"), "3406");
        assert_eq!(AdminLevel::Country.ancestor("34061203"), "");
        assert_eq!(AdminLevel::Village.ancestor("3406"), "3406");
        assert_eq!(AdminLevel::of_theme("cell"), Some(AdminLevel::Cell));
        assert_eq!(AdminLevel::of_theme("flood"), None);
        assert_eq!(AdminLevel::District.hxl(), "#adm2");
        assert_eq!(AdminLevel::of_code("340612"), Some(AdminLevel::Cell));
        assert_eq!(AdminLevel::of_code(""), Some(AdminLevel::Country));
        assert_eq!(AdminLevel::of_code("340"), None);
    }
}

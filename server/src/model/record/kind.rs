//! The record kinds sitroom keeps and their fields: the standard each follows fixes the
//! field list and the HXL hashtags it is exchanged with.

use super::field::{FieldSpec, FieldType};
use crate::model::macros::string_enum;
use crate::model::{AdminLevel, Role};

string_enum! {
    /// A kind of record; each kind has one register.
    RecordKind, "record kind" {
        /// Disaster events and their losses, one DesInventar datacard per event and unit.
        Losses => "losses",
        /// Partner funding by activity, unit and date: IATI 2.03 transactions, or 3W.
        Disbursements => "disbursements",
        /// Returnee households, each at its destination village from its arrival date,
        /// with the support it has received: restricted (see [`RecordKind::reader`]).
        Returnees => "returnees",
    }
}

/// Where a returnee household's support component stands.
pub const SUPPORT_STATUSES: &[&str] = &[
    "pending",
    "in-progress",
    "received",
    "declined",
    "not-eligible",
];

/// The support components a returnee household is followed through: (field of its
/// status, field of its date), in the order of the reintegration package.
pub const SUPPORT_COMPONENTS: &[(&str, &str)] = &[
    ("food", "food_date"),
    ("cash_grant", "cash_grant_date"),
    ("health_insurance", "health_insurance_date"),
    ("shelter", "shelter_date"),
    ("vocational_training", "vocational_training_date"),
    ("startup_kit", "startup_kit_date"),
    ("microloan", "microloan_date"),
    ("school", "school_date"),
    ("community_dialogue", "community_dialogue_date"),
];

/// The fields of a returnee household, after its id (the household's), destination
/// village and arrival date. Each support component has a status and the date it was
/// received; school is received when every child of school age is enrolled.
const RETURNEES: &[FieldSpec] = &[
    FieldSpec {
        kind: FieldType::Country,
        ..FieldSpec::text(
            "origin",
            "#country+code+origin",
            "Country of origin (ISO 3166-1 alpha-3)",
        )
    }
    .required(),
    FieldSpec::text("transit_centre", "#loc+name+transit", "Transit centre"),
    FieldSpec::count("members", "#population+hh+total", "Members").required(),
    FieldSpec::count("females", "#population+hh+f", "Female members"),
    FieldSpec::count("males", "#population+hh+m", "Male members"),
    FieldSpec::count("age_0_4", "#population+hh+age0_4", "Members aged 0-4"),
    FieldSpec::count("age_5_17", "#population+hh+age5_17", "Members aged 5-17"),
    FieldSpec::count("age_18_59", "#population+hh+age18_59", "Members aged 18-59"),
    FieldSpec::count(
        "age_60_plus",
        "#population+hh+age60plus",
        "Members aged 60 and over",
    ),
    FieldSpec::count(
        "school_age",
        "#population+hh+children+school_age",
        "Children of school age",
    ),
    FieldSpec::count(
        "enrolled",
        "#population+hh+children+enrolled",
        "Children of school age enrolled in school",
    ),
    FieldSpec::term(
        "food",
        "#status+food",
        "Food (three months)",
        SUPPORT_STATUSES,
    ),
    FieldSpec::date("food_date", "#date+food", "Food received"),
    FieldSpec::term(
        "cash_grant",
        "#status+cash",
        "Multi-purpose cash grant",
        SUPPORT_STATUSES,
    ),
    FieldSpec::date("cash_grant_date", "#date+cash", "Cash grant received"),
    FieldSpec::term(
        "health_insurance",
        "#status+health+insurance",
        "Health insurance (Mutuelle de santé)",
        SUPPORT_STATUSES,
    ),
    FieldSpec::date(
        "health_insurance_date",
        "#date+health+insurance",
        "Health insurance received",
    ),
    FieldSpec::term("shelter", "#status+shelter", "Shelter", SUPPORT_STATUSES),
    FieldSpec::date("shelter_date", "#date+shelter", "Shelter received"),
    FieldSpec::term(
        "vocational_training",
        "#status+livelihood+training",
        "Vocational training",
        SUPPORT_STATUSES,
    ),
    FieldSpec::date(
        "vocational_training_date",
        "#date+livelihood+training",
        "Vocational training completed",
    ),
    FieldSpec::term(
        "startup_kit",
        "#status+livelihood+kit",
        "Start-up kit",
        SUPPORT_STATUSES,
    ),
    FieldSpec::date(
        "startup_kit_date",
        "#date+livelihood+kit",
        "Start-up kit received",
    ),
    FieldSpec::term(
        "microloan",
        "#status+livelihood+loan",
        "Microloan",
        SUPPORT_STATUSES,
    ),
    FieldSpec::date(
        "microloan_date",
        "#date+livelihood+loan",
        "Microloan received",
    ),
    FieldSpec::term(
        "school",
        "#status+education",
        "School enrolment of the children",
        SUPPORT_STATUSES,
    ),
    FieldSpec::date(
        "school_date",
        "#date+education",
        "Last child of school age enrolled",
    ),
    FieldSpec::term(
        "community_dialogue",
        "#status+dialogue",
        "Community dialogue participation",
        SUPPORT_STATUSES,
    ),
    FieldSpec::date(
        "community_dialogue_date",
        "#date+dialogue",
        "Community dialogue attended",
    ),
];

/// The kinds of transaction a disbursement record is (IATI's transaction types 2, 3
/// and 4; the others kept as `other` and not summed with them).
pub const TRANSACTION_TYPES: &[&str] = &["commitment", "disbursement", "expenditure", "other"];

/// The fields of a partner transaction (IATI 2.03, or a 3W sheet's columns).
const DISBURSEMENTS: &[FieldSpec] = &[
    FieldSpec::text("partner", "#org", "Partner (reporting organisation)").required(),
    FieldSpec::text(
        "partner_ref",
        "#org+code",
        "Partner's IATI organisation identifier",
    ),
    FieldSpec::text(
        "receiver",
        "#org+impl",
        "Receiving or implementing organisation",
    ),
    FieldSpec::text("activity", "#activity+code", "Activity (IATI identifier)").required(),
    FieldSpec::text("title", "#activity+name", "Activity title"),
    FieldSpec {
        kind: FieldType::SectorCode,
        ..FieldSpec::text(
            "sector",
            "#sector+code",
            "Sector (OECD DAC 5-digit purpose code)",
        )
    },
    FieldSpec::text("sector_name", "#sector+name", "Sector name"),
    FieldSpec::term(
        "transaction",
        "#status+transaction",
        "Transaction type",
        TRANSACTION_TYPES,
    ),
    FieldSpec::summed(
        "value",
        "#value+funding",
        "Value in its currency",
        FieldType::Money,
    )
    .required(),
    FieldSpec {
        kind: FieldType::Currency,
        aggregate: None,
        ..FieldSpec::text("currency", "#currency", "Currency (ISO 4217)")
    }
    .required(),
    FieldSpec::summed("value_rwf", "#value+rwf", "Value in RWF", FieldType::Money),
    FieldSpec::summed("value_usd", "#value+usd", "Value in USD", FieldType::Money),
];

/// The hazard types a loss record names (DesInventar's event list, as slugs).
pub const HAZARD_TYPES: &[&str] = &[
    "flood",
    "flash-flood",
    "landslide",
    "heavy-rain",
    "windstorm",
    "hailstorm",
    "lightning",
    "drought",
    "earthquake",
    "volcanic",
    "fire",
    "epidemic",
    "other",
];

/// The fields of a DesInventar datacard, after the event's date and admin unit.
const LOSSES: &[FieldSpec] = &[
    FieldSpec::term("hazard", "#event+type", "Hazard type", HAZARD_TYPES).required(),
    FieldSpec::text("event", "#event+name", "Event as recorded"),
    FieldSpec::text("place", "#loc+name", "Place"),
    FieldSpec::text("cause", "#cause", "Cause"),
    FieldSpec::text("glide", "#event+glide", "GLIDE number"),
    FieldSpec::count("deaths", "#affected+killed", "Deaths"),
    FieldSpec::count("missing", "#affected+missing", "Missing"),
    FieldSpec::count("injured", "#affected+injured", "Injured"),
    FieldSpec::count(
        "directly_affected",
        "#affected+direct",
        "Directly affected people",
    ),
    FieldSpec::count(
        "affected",
        "#affected+indirect",
        "Indirectly affected people",
    ),
    FieldSpec::count("evacuated", "#affected+evacuated", "Evacuated"),
    FieldSpec::count("relocated", "#affected+relocated", "Relocated"),
    FieldSpec::count(
        "houses_destroyed",
        "#loss+houses+destroyed",
        "Houses destroyed",
    ),
    FieldSpec::count("houses_damaged", "#loss+houses+damaged", "Houses damaged"),
    FieldSpec::count("schools", "#loss+schools", "Schools affected"),
    FieldSpec::count(
        "health_facilities",
        "#loss+health",
        "Health facilities affected",
    ),
    FieldSpec::summed(
        "crops_ha",
        "#loss+crops+ha",
        "Crops (ha)",
        FieldType::Quantity,
    ),
    FieldSpec::count("livestock", "#loss+livestock", "Livestock lost"),
    FieldSpec::summed(
        "roads_km",
        "#loss+roads+km",
        "Roads (km)",
        FieldType::Quantity,
    ),
    FieldSpec::summed(
        "loss_local",
        "#value+loss+rwf",
        "Economic loss (RWF)",
        FieldType::Money,
    ),
    FieldSpec::summed(
        "loss_usd",
        "#value+loss+usd",
        "Economic loss (USD)",
        FieldType::Money,
    ),
    FieldSpec::text("source", "#meta+source", "Source"),
    FieldSpec::text("comments", "#description", "Comments"),
    FieldSpec {
        kind: FieldType::LayerVersion,
        ..FieldSpec::text(
            "hazard_layer",
            "#meta+hazard+layer",
            "Hazard layer version that concerned the event (id@version)",
        )
    },
    FieldSpec::text(
        "alerts",
        "#meta+alert",
        "CAP alerts issued for the event (identifiers, space-separated)",
    ),
    FieldSpec {
        kind: FieldType::Verification,
        ..FieldSpec::text(
            "verification",
            "#status+verified",
            "Verification (confirmed in the field; a model draft is refused)",
        )
    },
];

impl RecordKind {
    /// The kind's fields (besides its id, admin code and date), in their order.
    #[must_use]
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            Self::Losses => LOSSES,
            Self::Disbursements => DISBURSEMENTS,
            Self::Returnees => RETURNEES,
        }
    }

    /// The field called `name`, with its position.
    #[must_use]
    pub fn field(self, name: &str) -> Option<(usize, &'static FieldSpec)> {
        self.fields()
            .iter()
            .enumerate()
            .find(|(_, f)| f.name == name)
    }

    /// The id of the register's OGC API collection, reserved: no layer may take it.
    #[must_use]
    pub fn collection_id(self) -> &'static str {
        match self {
            Self::Losses => "records-losses",
            Self::Disbursements => "records-disbursements",
            Self::Returnees => "records-returnees",
        }
    }

    /// The kind whose register's collection is `id`.
    #[must_use]
    pub fn of_collection(id: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.collection_id() == id)
    }

    /// Title in English.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Losses => "Disaster events and losses",
            Self::Disbursements => "Partner disbursements",
            Self::Returnees => "Returnee households",
        }
    }

    /// The HXL hashtag of the record's date.
    #[must_use]
    pub fn date_hxl(self) -> &'static str {
        match self {
            Self::Losses => "#date+occurred",
            Self::Disbursements => "#date+value",
            Self::Returnees => "#date+arrival",
        }
    }

    /// What the record's date is, in words.
    #[must_use]
    pub fn date_title(self) -> &'static str {
        match self {
            Self::Losses => "Date of the event",
            Self::Disbursements => "Value date",
            Self::Returnees => "Arrival date",
        }
    }

    /// The least role that reads the kind's records one by one, in any form (items,
    /// CSV, features, tiles, roll-ups): returnee households are personal data, read in
    /// detail from the analyst role up; below it, only their published aggregates.
    #[must_use]
    pub fn reader(self) -> Role {
        match self {
            Self::Losses | Self::Disbursements => Role::Viewer,
            Self::Returnees => Role::Analyst,
        }
    }

    /// The names of a record's id, date and admin code in the kind's field form (an
    /// XLSForm whose other question names are the kind's field names), when it has one:
    /// its ODK Central or KoboToolbox CSV export imports by those names.
    #[must_use]
    pub fn form_names(self) -> Option<FormNames> {
        match self {
            Self::Losses | Self::Disbursements => None,
            Self::Returnees => Some(FormNames {
                id: "household_id",
                date: "arrival_date",
                code: "village",
            }),
        }
    }

    /// The admin level its records must name, when it is one: a returnee household's
    /// destination is a village.
    #[must_use]
    pub fn level(self) -> Option<AdminLevel> {
        match self {
            Self::Losses | Self::Disbursements => None,
            Self::Returnees => Some(AdminLevel::Village),
        }
    }
}

/// The question names of a record's id, date and admin code in a kind's field form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormNames {
    /// The record's id.
    pub id: &'static str,
    /// Its date.
    pub date: &'static str,
    /// Its admin code (of the kind's level).
    pub code: &'static str,
}

/// The HXL hashtag of a record's own id.
pub const ID_HXL: &str = "#meta+id";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_and_tags_are_unique() {
        for kind in RecordKind::ALL {
            let fields = kind.fields();
            for (i, f) in fields.iter().enumerate() {
                assert!(
                    fields[i + 1..]
                        .iter()
                        .all(|g| g.name != f.name && g.hxl != f.hxl),
                    "{} repeats {}",
                    kind,
                    f.name
                );
                assert!(f.hxl.starts_with('#'));
                assert_ne!(f.hxl, kind.date_hxl());
                assert_ne!(f.hxl, ID_HXL);
            }
        }
    }
}

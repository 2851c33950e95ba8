#!/usr/bin/env python3
"""Writes data/forms/returnee-household.xlsx: the XLSForm (ODK Collect, KoboToolbox) by
which field staff follow a returnee household, in English, French and Kinyarwanda.

Its question names are the returnee register's field names, so that the CSV export of
ODK Central or KoboToolbox (one row per household) imports as it comes:
`sitroom records import returnees EXPORT.csv`. The household's members are a repeat
group; the form sums them by sex, age band and school age into the household's row. The
destination is chosen district → sector → cell → village from lists the server writes
from its loaded boundaries (`sitroom records form-lists DIR`: districts.csv, sectors.csv,
cells.csv, villages.csv, to attach to the form), each choice named by its official code.

Run with the checkers' python (tests/checkers/venv.sh; openpyxl comes with pyxform):
    $(tests/checkers/venv.sh) scripts/forms/returnee_household.py
"""
import datetime
import pathlib
import sys

import openpyxl

OUT = pathlib.Path(__file__).resolve().parents[2] / "data" / "forms" / "returnee-household.xlsx"

STATUSES = [
    ("pending", "Pending", "En attente", "Biracyategerejwe"),
    ("in-progress", "In progress", "En cours", "Birimo gukorwa"),
    ("received", "Received", "Reçu", "Byakiriwe"),
    ("declined", "Declined", "Refusé", "Byanzwe"),
    ("not-eligible", "Not eligible", "Non éligible", "Ntibimugenewe"),
]

# (status field, date field, English, French, Kinyarwanda): the register's support
# components, in its order.
COMPONENTS = [
    ("food", "food_date", "Food (three months)", "Vivres (trois mois)", "Ibiribwa (amezi atatu)"),
    ("cash_grant", "cash_grant_date", "Multi-purpose cash grant", "Transfert monétaire polyvalent", "Amafaranga y'ingoboka"),
    ("health_insurance", "health_insurance_date", "Health insurance (Mutuelle de santé)", "Assurance maladie (Mutuelle de santé)", "Ubwisungane mu kwivuza (Mituweli)"),
    ("shelter", "shelter_date", "Shelter", "Abri", "Icumbi"),
    ("vocational_training", "vocational_training_date", "Vocational training", "Formation professionnelle", "Amahugurwa y'imyuga"),
    ("startup_kit", "startup_kit_date", "Start-up kit", "Kit de démarrage", "Ibikoresho byo gutangira umurimo"),
    ("microloan", "microloan_date", "Microloan", "Microcrédit", "Inguzanyo nto"),
    ("school", "school_date", "School enrolment of the children", "Scolarisation des enfants", "Kwandika abana mu ishuri"),
    ("community_dialogue", "community_dialogue_date", "Community dialogue", "Dialogue communautaire", "Ibiganiro mu muryango nyarwanda"),
]

ORIGINS = [
    ("COD", "DR Congo", "RD Congo", "Kongo"),
    ("UGA", "Uganda", "Ouganda", "Uganda"),
    ("BDI", "Burundi", "Burundi", "Uburundi"),
    ("TZA", "Tanzania", "Tanzanie", "Tanzaniya"),
    ("KEN", "Kenya", "Kenya", "Kenya"),
    ("COG", "Congo", "Congo", "Kongo-Brazzaville"),
    ("ZMB", "Zambia", "Zambie", "Zambiya"),
    ("MWI", "Malawi", "Malawi", "Malawi"),
    ("MOZ", "Mozambique", "Mozambique", "Mozambike"),
    ("CAF", "Central African Republic", "République centrafricaine", "Santrafurika"),
]

LANGS = ["English (en)", "French (fr)", "Kinyarwanda (rw)"]

SURVEY_HEAD = ["type", "name", *[f"label::{l}" for l in LANGS], *[f"hint::{l}" for l in LANGS],
               "required", "relevant", "constraint", *[f"constraint_message::{l}" for l in LANGS],
               "calculation", "choice_filter", "appearance", "default"]


def row(type_, name, labels=("", "", ""), hints=("", "", ""), required="", relevant="",
        constraint="", messages=("", "", ""), calculation="", choice_filter="", appearance="",
        default=""):
    return [type_, name, *labels, *hints, required, relevant, constraint, *messages,
            calculation, choice_filter, appearance, default]


def survey():
    rows = [
        row("start", "start"), row("end", "end"), row("today", "today"),
        row("text", "household_id", ("Household id", "Identifiant du ménage", "Nomero y'umuryango"),
            ("As on the returnee's registration card", "Comme sur la carte d'enregistrement", "Nk'uko yanditse ku ikarita"),
            required="yes", constraint="regex(., '^[A-Za-z0-9_-]{1,40}$')",
            messages=("Letters, digits, - and _ only", "Lettres, chiffres, - et _ seulement", "Inyuguti, imibare, - na _ gusa")),
        row("date", "arrival_date", ("Arrival date", "Date d'arrivée", "Itariki yagereyeho"),
            required="yes", constraint=". <= today()",
            messages=("Not after today", "Pas après aujourd'hui", "Ntirenge uyu munsi")),
        row("select_one_from_file districts.csv", "district", ("District", "District", "Akarere"), required="yes"),
        row("select_one_from_file sectors.csv", "sector", ("Sector", "Secteur", "Umurenge"), required="yes",
            choice_filter="district=${district}"),
        row("select_one_from_file cells.csv", "cell", ("Cell", "Cellule", "Akagari"), required="yes",
            choice_filter="sector=${sector}"),
        row("select_one_from_file villages.csv", "village", ("Destination village", "Village de destination", "Umudugudu agiyemo"),
            required="yes", choice_filter="cell=${cell}"),
        row("select_one origin", "origin", ("Country of origin", "Pays d'origine", "Igihugu avuyemo"), required="yes"),
        row("text", "transit_centre", ("Transit centre", "Centre de transit", "Inkambi y'agateganyo")),
        row("begin_repeat", "member", ("Household member", "Membre du ménage", "Umunyamuryango")),
        row("select_one sex", "sex", ("Sex", "Sexe", "Igitsina"), required="yes"),
        row("integer", "age", ("Age (years)", "Âge (ans)", "Imyaka"), required="yes",
            constraint=". >= 0 and . <= 120", messages=("0 to 120", "0 à 120", "0 kugeza 120")),
        row("select_one yes_no", "member_enrolled", ("Enrolled in school?", "Inscrit à l'école ?", "Yanditswe mu ishuri?"),
            required="yes", relevant="${age} >= 6 and ${age} <= 17"),
        row("calculate", "is_female", calculation="if(${sex} = 'female', 1, 0)"),
        row("calculate", "is_male", calculation="if(${sex} = 'male', 1, 0)"),
        row("calculate", "in_0_4", calculation="if(${age} <= 4, 1, 0)"),
        row("calculate", "in_5_17", calculation="if(${age} >= 5 and ${age} <= 17, 1, 0)"),
        row("calculate", "in_18_59", calculation="if(${age} >= 18 and ${age} <= 59, 1, 0)"),
        row("calculate", "in_60_plus", calculation="if(${age} >= 60, 1, 0)"),
        row("calculate", "of_school_age", calculation="if(${age} >= 6 and ${age} <= 17, 1, 0)"),
        row("calculate", "is_enrolled", calculation="if(${member_enrolled} = 'yes', 1, 0)"),
        row("end_repeat", ""),
        row("calculate", "members", calculation="count(${member})"),
        row("calculate", "females", calculation="sum(${is_female})"),
        row("calculate", "males", calculation="sum(${is_male})"),
        row("calculate", "age_0_4", calculation="sum(${in_0_4})"),
        row("calculate", "age_5_17", calculation="sum(${in_5_17})"),
        row("calculate", "age_18_59", calculation="sum(${in_18_59})"),
        row("calculate", "age_60_plus", calculation="sum(${in_60_plus})"),
        row("calculate", "school_age", calculation="sum(${of_school_age})"),
        row("calculate", "enrolled", calculation="sum(${is_enrolled})"),
        row("note", "members_note", ("Members: ${members}", "Membres : ${members}", "Abagize umuryango: ${members}"),
            constraint=""),
    ]
    for status, date, en, fr, rw in COMPONENTS:
        rows.append(row("select_one status", status, (en, fr, rw), required="yes",
                        default="pending",
                        relevant="${school_age} > 0" if status == "school" else ""))
        rows.append(row("date", date, ("Date received", "Date de réception", "Itariki byakiriweho"),
                        required="yes", relevant=f"${{{status}}} = 'received'",
                        constraint=". >= ${arrival_date} and . <= today()",
                        messages=("Between arrival and today", "Entre l'arrivée et aujourd'hui",
                                  "Hagati y'itariki yagereyeho n'uyu munsi")))
    return rows


def choices():
    out = [("status", *s) for s in STATUSES]
    out += [("origin", *o) for o in ORIGINS]
    out += [("sex", "female", "Female", "Féminin", "Gore"), ("sex", "male", "Male", "Masculin", "Gabo")]
    out += [("yes_no", "yes", "Yes", "Oui", "Yego"), ("yes_no", "no", "No", "Non", "Oya")]
    return out


def main():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(SURVEY_HEAD)
    for r in survey():
        sheet.append(r)
    ch = book.create_sheet("choices")
    ch.append(["list_name", "name", *[f"label::{l}" for l in LANGS]])
    for c in choices():
        ch.append(list(c))
    st = book.create_sheet("settings")
    st.append(["form_title", "form_id", "version", "default_language"])
    st.append(["Returnee household (sitroom)", "sitroom_returnee_household", "2026120401", "English (en)"])
    # The same file every run: no time of writing in it.
    fixed = datetime.datetime(2026, 12, 4)
    book.properties.created = fixed
    book.properties.modified = fixed
    book.properties.creator = "sitroom"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    book.save(OUT)
    print(OUT, file=sys.stderr)


if __name__ == "__main__":
    main()

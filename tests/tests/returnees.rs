//! The returnee household register on both backends, through the HTTP API: households
//! imported at their destination villages with their support, every kind of bad row
//! refused whole with what to fix and nothing written; an update as a new version that
//! keeps the household's history; and the register closed, record by record, to every
//! caller below the analyst role in every form it is served (register and reports,
//! items as JSON and CSV, roll-ups, tiles, OGC API collections and features, the count
//! of records), while an analyst's reads are audited.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::Value;
use sitroom::api::AppState;
use sitroom::auth::create_token;
use sitroom::model::Role;
use sitroom::store::Store;

const HEAD: &str = "\
Household,Arrived,Village,Origin,Transit centre,Members,Female,Male,School age,Enrolled,Food,Food date,Health insurance,Health insurance date,School,School date
#meta+id,#date+arrival,#adm5+code,#country+code+origin,#loc+name+transit,#population+hh+total,#population+hh+f,#population+hh+m,#population+hh+children+school_age,#population+hh+children+enrolled,#status+food,#date+food,#status+health+insurance,#date+health+insurance,#status+education,#date+education
";

const GOOD: &str = "\
HH-1,2025-03-10,41010101,COD,Nyarushishi,5,3,2,2,2,received,2025-03-10,received,2025-04-02,received,2025-04-20
HH-2,2025-06-01,41010102,uga,Kijote,3,,,1,0,received,2025-06-01,pending,,in-progress,
HH-3,2025-07-15,41010103,BDI,,1,1,0,0,0,pending,,,,,
";

/// One fault per row (rows 3 to 11 of the file).
const BAD: &str = "\
B-1,2099-01-01,41010101,COD,,2,,,,,,,,,,
B-2,2025-03-10,41019999,COD,,2,,,,,,,,,,
B-3,2025-03-10,410101,COD,,2,,,,,,,,,,
B-4,2025-03-10,41010101,Congo,,2,,,,,,,,,,
B-5,2025-03-10,41010101,COD,,2,2,1,,,,,,,,
B-6,2025-03-10,41010101,COD,,4,,,1,2,,,,,,
B-7,2025-03-10,41010101,COD,,2,,,,,received,,,,,
B-8,2025-03-10,41010101,COD,,2,,,,,received,2025-02-01,,,,
B-9,2025-03-10,41010101,COD,,2,,,,,,,pending,2025-04-01,,
";

async fn call(
    state: &AppState,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
) -> (StatusCode, Value, String) {
    let a = sitroom_tests::call(state, method, uri, token, body).await;
    let text = String::from_utf8_lossy(&a.body).into_owned();
    (a.status, a.json(), text)
}

fn csv(rows: &str) -> Option<(&'static str, Vec<u8>)> {
    Some(("text/csv", format!("{HEAD}{rows}").into_bytes()))
}

async fn returnees(db: &str) {
    for level in ["district", "sector", "cell", "village"] {
        sitroom_tests::load_admin(db, &format!("{level}s"), level);
    }
    let store: Arc<Store> = Arc::from(sitroom::store::open(db).unwrap());
    let token = |name: &str, role| {
        create_token(store.as_ref(), name, role, None, "tests")
            .unwrap()
            .0
    };
    let (editor, analyst, viewer) = (
        token("editor", Role::Editor),
        token("analyst", Role::Analyst),
        token("viewer", Role::Viewer),
    );
    let state = AppState::new(store.clone(), sitroom::config::ServerSettings::default()).unwrap();
    let (ed, an, vw) = (
        Some(editor.as_str()),
        Some(analyst.as_str()),
        Some(viewer.as_str()),
    );

    // Every bad row says what to fix; nothing is written.
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/returnees/imports?name=bad.csv",
        ed,
        csv(&format!("{GOOD}{BAD}")),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let issues: Vec<(u64, String, String)> = v["report"]["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["row"].as_u64().unwrap(),
                i["field"].as_str().unwrap_or("").to_owned(),
                i["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expect = [
        (6, "date", "in the future"),
        (7, "code", "unknown admin code '41019999'"),
        (
            8,
            "code",
            "is a cell code; give the 8-digit code of the village",
        ),
        (9, "origin", "not an ISO 3166-1 alpha-3 country code"),
        (10, "females", "add up to 3, not the household's 2 members"),
        (11, "enrolled", "2 children enrolled but 1 of school age"),
        (12, "food_date", "give the date it was"),
        (
            13,
            "food_date",
            "before the household arrived on 2025-03-10",
        ),
        (
            14,
            "health_insurance",
            "has a date but its status is pending",
        ),
    ];
    assert_eq!(issues.len(), expect.len(), "{issues:?}");
    for (row, field, words) in expect {
        assert!(
            issues
                .iter()
                .any(|(r, f, why)| *r == row && f == field && why.contains(words)),
            "row {row} should name {field} and say '{words}': {issues:?}"
        );
    }
    let (_, v, _) = call(&state, "GET", "/api/records/returnees", an, None).await;
    assert_eq!(v["register"], Value::Null, "nothing was written: {v}");

    // The good households; the origin written as ISO 3166 does.
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/returnees/imports?name=households.csv",
        ed,
        csv(GOOD),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (st, v, _) = call(&state, "GET", "/api/records/returnees/items", an, None).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let hh2 = v["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "HH-2")
        .unwrap()
        .clone();
    assert_eq!(
        (&hh2["code"], &hh2["origin"], &hh2["health_insurance"]),
        (
            &Value::from("41010102"),
            &Value::from("UGA"),
            &Value::from("pending")
        ),
        "{hh2}"
    );

    // An update is a new version; the household's earlier state stays readable.
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/returnees/imports?name=update.csv&mode=merge",
        ed,
        csv("HH-2,2025-06-01,41010102,UGA,Kijote,3,,,1,1,received,2025-06-01,received,2025-07-01,received,2025-09-01\n"),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let insurance = |v: &Value| {
        v["records"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == "HH-2")
            .map(|r| r["health_insurance"].clone())
    };
    let (_, now, _) = call(&state, "GET", "/api/records/returnees/items", an, None).await;
    let (_, then, _) = call(
        &state,
        "GET",
        "/api/records/returnees/items?version=1",
        an,
        None,
    )
    .await;
    assert_eq!(
        (
            insurance(&now),
            insurance(&then),
            now["records"].as_array().map(Vec::len)
        ),
        (Some("received".into()), Some("pending".into()), Some(3)),
        "{now}"
    );

    // Progress through the support, per unit, as counted by hand from the three
    // households (HH-2 as updated): food 0 and 0 days; insurance 23 and 30 days; school
    // 41 and 92 days, owed by the two households with children of school age.
    let (st, v, _) = call(
        &state,
        "GET",
        "/api/records/returnees/progress?level=sector",
        an,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let unit = &v["units"][0];
    assert_eq!(
        (
            &unit["code"],
            &unit["households"],
            &unit["members"],
            &unit["complete"]
        ),
        (
            &Value::from("4101"),
            &Value::from(3),
            &Value::from(9.0),
            &Value::from(0)
        ),
        "{v}"
    );
    let of = |v: &Value, name: &str| {
        let c = v["units"][0]["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["component"] == name)
            .unwrap()
            .clone();
        (
            c["eligible"].as_u64().unwrap(),
            c["received"].as_u64().unwrap(),
            c["median_days"].as_f64(),
            c["within_month"].as_u64().unwrap(),
        )
    };
    assert_eq!(of(&v, "food"), (3, 2, Some(0.0), 2));
    assert_eq!(of(&v, "health_insurance"), (3, 2, Some(26.5), 2));
    assert_eq!(of(&v, "school"), (2, 2, Some(66.5), 0));
    assert_eq!(of(&v, "shelter"), (3, 0, None, 0));
    assert_eq!(v["names"]["4101"], "Base", "{v}");
    // As it stood on 15 June 2025: HH-3 had not arrived, HH-2 had no insurance yet.
    let (_, v, _) = call(
        &state,
        "GET",
        "/api/records/returnees/progress?level=country&as_of=2025-06-15",
        an,
        None,
    )
    .await;
    assert_eq!(v["units"][0]["households"], 2, "{v}");
    assert_eq!(of(&v, "health_insurance"), (2, 1, Some(23.0), 1));
    let (st, _, text) = call(
        &state,
        "GET",
        "/api/records/returnees/progress?level=cell&format=csv",
        an,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        text.lines().nth(1).unwrap().starts_with("#adm4+code,")
            && text.contains("\n410101,3,9.0,school,2,2,1.0,66.5,0\n"),
        "{text}"
    );
    for bad in ["level=parish", "as_of=2099-01-01", "code=41x", "format=xml"] {
        let (st, v, _) = call(
            &state,
            "GET",
            &format!("/api/records/returnees/progress?{bad}"),
            an,
            None,
        )
        .await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad}: {v}");
    }

    // Below the analyst role, not one household, in any form.
    let forms = [
        "/api/records/returnees",
        "/api/records/returnees/items",
        "/api/records/returnees/items?format=csv",
        "/api/records/returnees/items?version=1",
        "/api/records/returnees/items?code=41010102",
        "/api/records/returnees/rollup?field=members&level=village&period=month",
        "/api/records/returnees/tiles.json?field=members&level=village",
        "/api/records/returnees/tiles/8/150/128.mvt?field=members&level=village",
        "/ogc/collections/records-returnees",
        "/ogc/collections/records-returnees/items",
        "/ogc/collections/records-returnees/items?f=json&limit=1",
        "/ogc/collections/records-returnees/items/1",
    ];
    for uri in forms {
        let (st, v, text) = call(&state, "GET", uri, vw, None).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{uri}: {v}");
        assert!(
            v["detail"]
                .as_str()
                .unwrap()
                .contains("from the analyst role up")
                && !text.contains("HH-")
                && !text.contains("41010102"),
            "{uri}: {text}"
        );
        let (st, _, _) = call(&state, "GET", uri, None, None).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{uri} without a token");
        let (st, v, _) = call(&state, "GET", uri, an, None).await;
        assert!(st.is_success(), "an analyst reads {uri}: {st} {v}");
    }
    let (_, v, text) = call(&state, "GET", "/ogc/collections", vw, None).await;
    assert!(!text.contains("records-returnees"), "{v}");
    let (_, v, _) = call(&state, "GET", "/ogc/collections", an, None).await;
    assert!(v.to_string().contains("records-returnees"), "{v}");
    let count = |v: &Value| {
        v["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["kind"] == "returnees")
            .map(|k| (k["record_count"].clone(), k["reader"].clone()))
            .unwrap()
    };
    let (_, v, _) = call(&state, "GET", "/api/records", vw, None).await;
    assert_eq!(count(&v), (Value::Null, "analyst".into()), "{v}");
    let (_, v, _) = call(&state, "GET", "/api/records", an, None).await;
    assert_eq!(count(&v), (3.into(), "analyst".into()), "{v}");

    // An analyst's reads are on the audit log, as restricted layers' are.
    let (admin, _) = create_token(store.as_ref(), "admin", Role::Admin, None, "tests").unwrap();
    let (_, v, _) = call(&state, "GET", "/api/audit?limit=200", Some(&admin), None).await;
    assert!(
        v.to_string().contains("records-returnees") && v.to_string().contains("restricted.read"),
        "{v}"
    );

    // The field form's exports import as they come: ODK Central's CSV (question names,
    // its own columns beside them) and KoboToolbox's (a group's name before a `/`).
    let central = "\
SubmissionDate,start,end,today,household_id,arrival_date,district,sector,cell,village,origin,transit_centre,members,females,males,age_0_4,age_5_17,age_18_59,age_60_plus,school_age,enrolled,members_note,food,food_date,cash_grant,cash_grant_date,health_insurance,health_insurance_date,shelter,shelter_date,vocational_training,vocational_training_date,startup_kit,startup_kit_date,microloan,microloan_date,school,school_date,community_dialogue,community_dialogue_date,meta-instanceID,KEY,SubmitterID,SubmitterName,AttachmentsPresent,AttachmentsExpected,Status,ReviewState,DeviceID,Edits,FormVersion
2025-08-01T10:00:00.000Z,2025-08-01T09:40:00.000+02:00,2025-08-01T09:58:00.000+02:00,2025-08-01,HH-20,2025-07-30,41,4101,410101,41010101,COD,Nyarushishi,4,2,2,1,1,2,0,1,1,,received,2025-07-30,pending,,received,2025-08-01,pending,,pending,,pending,,not-eligible,,received,2025-08-01,pending,,uuid:6f1c,uuid:6f1c,5,collector,0,0,,,,0,2026120401
";
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/returnees/imports?name=central.csv&mode=merge",
        ed,
        Some(("text/csv", central.as_bytes().to_vec())),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let ignored = v["version"]["report"]["ignored_columns"].to_string();
    assert!(
        ignored.contains("SubmissionDate")
            && ignored.contains("KEY")
            && !ignored.contains("\"food\""),
        "{v}"
    );
    let (_, v, _) = call(
        &state,
        "GET",
        "/api/records/returnees/items?code=41010101",
        an,
        None,
    )
    .await;
    let hh20 = v["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "HH-20")
        .unwrap()
        .clone();
    assert_eq!(
        (
            &hh20["date"],
            &hh20["members"],
            &hh20["microloan"],
            &hh20["school_date"]
        ),
        (
            &Value::from("2025-07-30"),
            &Value::from(4.0),
            &Value::from("not-eligible"),
            &Value::from("2025-08-01")
        ),
        "{hh20}"
    );
    let kobo = "\
start,end,household/household_id,household/arrival_date,household/district,household/sector,household/cell,household/village,household/origin,members,food,food_date,meta/instanceID,_id,_uuid,_submission_time,_index
2025-09-01T08:00:00,2025-09-01T08:20:00,HH-21,2025-08-20,41,4101,410101,41010102,UGA,2,received,2025-08-21,uuid:k1,101,k1,2025-09-01T06:20:00,1
2025-09-01T08:00:00,2025-09-01T08:20:00,HH-22,2099-08-20,41,4101,410101,41010102,UGA,2,pending,,uuid:k2,102,k2,2025-09-01T06:20:00,2
";
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/returnees/imports?name=kobo.csv&mode=merge",
        ed,
        Some(("text/csv", kobo.as_bytes().to_vec())),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let issue = &v["report"]["issues"][0];
    assert_eq!(
        (&issue["row"], &issue["id"]),
        (&Value::from(3), &Value::from("HH-22")),
        "{v}"
    );
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/returnees/imports?name=kobo.csv&mode=merge&allow_rejects=true",
        ed,
        Some(("text/csv", kobo.as_bytes().to_vec())),
    )
    .await;
    assert_eq!(
        (st, &v["version"]["record_count"]),
        (StatusCode::CREATED, &Value::from(5)),
        "{v}"
    );

    // Below the analyst role, progress as published: five households in one cell, so
    // villages show nothing, the cell and above the five; each component's stages are
    // not all nothing or five and more (food: four received, one waiting), so they are
    // withheld everywhere rather than shown.
    let (st, v, _) = call(
        &state,
        "GET",
        "/api/records/returnees/progress?level=village",
        vw,
        None,
    )
    .await;
    assert_eq!(
        (st, &v["published"]),
        (StatusCode::OK, &Value::from(true)),
        "{v}"
    );
    assert!(
        v["units"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["households"] == 0 && u["suppressed"] == true),
        "{v}"
    );
    for level in ["cell", "sector", "district", "country"] {
        let (_, v, _) = call(
            &state,
            "GET",
            &format!("/api/records/returnees/progress?level={level}"),
            vw,
            None,
        )
        .await;
        let u = &v["units"][0];
        assert_eq!(u["households"], 5, "{level}: {v}");
        for c in u["components"].as_array().unwrap() {
            let n = |k: &str| c[k].as_u64().unwrap();
            for k in ["eligible", "received", "within_month", "withheld"] {
                assert!(
                    n(k) == 0 || n(k) >= 5,
                    "{level} {}: {k} {}",
                    c["component"],
                    n(k)
                );
            }
        }
        assert_eq!(u["components"][0]["withheld"], 5, "{level}: {v}");
    }
    let (st, _, text) = call(
        &state,
        "GET",
        "/api/records/returnees/progress?level=cell&format=csv",
        vw,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .ends_with("#population+hh+withheld"),
        "{text}"
    );
    for row in text.lines().skip(2) {
        for n in row.split(',').skip(1).filter_map(|c| c.parse::<u64>().ok()) {
            assert!(n == 0 || n >= 5, "{row}");
        }
    }
    let (st, v, _) = call(
        &state,
        "GET",
        "/api/records/returnees/progress?level=cell&as_of=2025-08-01",
        vw,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");

    // The lists the form chooses the destination from, by official code.
    let dir = tempfile::tempdir().unwrap();
    sitroom_tests::sitroom_ok(db, &["records", "form-lists", dir.path().to_str().unwrap()]);
    let villages = std::fs::read_to_string(dir.path().join("villages.csv")).unwrap();
    assert!(
        villages.starts_with("name,label,cell\n")
            && villages.contains("\n41010101,Bukangano,410101\n"),
        "{}",
        &villages[..200]
    );
    assert_eq!(
        villages.lines().count(),
        14_815,
        "every village, and the header"
    );
    let sectors = std::fs::read_to_string(dir.path().join("sectors.csv")).unwrap();
    assert!(sectors.contains("\n4101,Base,41\n"), "{sectors}");
}

/// The field form in the repository is one ODK's converter takes without a warning, and
/// asks for every field of the register by its name, with the register's statuses.
#[test]
fn the_field_form_is_the_registers() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data/forms/returnee-household.xlsx");
    let read = sitroom_tests::xlsform_read(&path).unwrap();
    assert_eq!(
        read["warnings"],
        serde_json::json!([]),
        "{}",
        read["warnings"]
    );
    let mut names = Vec::new();
    fn walk(v: &Value, names: &mut Vec<String>) {
        for c in v["children"].as_array().into_iter().flatten() {
            if let Some(n) = c["name"].as_str() {
                names.push(n.to_owned());
            }
            walk(c, names);
        }
    }
    walk(&read["form"], &mut names);
    let kind = sitroom::model::RecordKind::Returnees;
    let form = kind.form_names().unwrap();
    for want in [form.id, form.date, form.code]
        .into_iter()
        .chain(kind.fields().iter().map(|f| f.name))
    {
        assert!(
            names.iter().any(|n| n == want),
            "the form asks for no {want}: {names:?}"
        );
    }
    let statuses: Vec<&str> = read["form"]["choices"]["status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, sitroom::model::record::SUPPORT_STATUSES);
}

#[tokio::test(flavor = "multi_thread")]
async fn returnees_on_sqlite() {
    let s = sitroom_tests::sqlite();
    returnees(&s.url).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn returnees_on_postgis() {
    let s = sitroom_tests::postgis();
    returnees(&s.url).await;
}

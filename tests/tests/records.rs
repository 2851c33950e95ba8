//! Registers of records (losses) on both backends, through the HTTP API: an import with
//! codes of two levels rolled up to every level and period as a hand count says, read
//! back as JSON and as HXL CSV that HXL's own library reads and that imports again to
//! the same records; a file with every kind of bad row refused whole with each row named
//! and why, nothing written, or its good rows taken when asked; merge by id; rollback
//! (the roll-ups follow); a stale import refused; who may read and write.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::Value;
use sitroom::api::AppState;
use sitroom::auth::create_token;
use sitroom::model::{ImportReport, RecordKind, Role};
use sitroom::store::{NewRegisterVersion, Store, StoreError};

const LOSSES: &str = "\
Event,Date,District,Sector,Hazard,Deaths,Injured,Houses destroyed,Crops (ha),Source
#meta+id,#date+occurred,#adm2+code,#adm3+code,#event+type,#affected+killed,#affected+injured,#loss+houses+destroyed,#loss+crops+ha,#meta+source
e1,2023-05-03,34,3401,flood,5,2,10,1.5,test
e2,2023-05-03,34,3402,Landslide,3,,4,,test
e3,2023-05-04,43,,flood,2,1,,,test
e4,2022-11-20,36,3601,heavy rain,1,0,2,0.25,test
";

/// One good row, then one of each fault (rows 3 to 10 of the file).
const BAD: &str = "\
#meta+id,#date+occurred,#adm2+code,#adm3+code,#event+type,#affected+killed
x1,2023-05-03,34,3401,flood,5
x2,2023-05-03,,9999,flood,1
x3,2099-01-01,34,3401,flood,1
x4,2023-05-03,34,3401,flood,-1
x5,2023-05-03,34,3401,,1
x6,2023-05-03,11,1101,flood,1
x7,2023-05-03,34,3601,flood,1
x8,03/05/2023,34,3401,flood,1
x1,2023-05-04,34,3402,flood,1
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

/// Districts and sectors from the mirror; then a second version of the sectors without
/// Gitega (1101), whose code is thereby retired.
fn fixture(db: &str, dir: &tempfile::TempDir) -> (AppState, String, String) {
    sitroom_tests::load_admin(db, "districts", "district");
    sitroom_tests::load_admin(db, "sectors", "sector");
    let text =
        std::fs::read_to_string(sitroom_tests::mirror().join("admin/rwa_sectors.geojson")).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    doc["features"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["properties"]["id"] != 1101);
    let fewer = sitroom_tests::write(dir, "sectors-v2.geojson", &doc.to_string());
    sitroom_tests::sitroom_ok(
        db,
        &[
            "load",
            fewer.to_str().unwrap(),
            "--layer",
            "sectors",
            "--kind",
            "boundary",
            "--theme",
            "sector",
            "--code-field",
            "id",
            "--name-field",
            "name",
        ],
    );
    let store: Arc<Store> = Arc::from(sitroom::store::open(db).unwrap());
    let (editor, _) = create_token(store.as_ref(), "editor", Role::Editor, None, "tests").unwrap();
    let (viewer, _) = create_token(store.as_ref(), "viewer", Role::Viewer, None, "tests").unwrap();
    (
        AppState::new(store, sitroom::config::ServerSettings::default()).unwrap(),
        editor,
        viewer,
    )
}

fn csv(text: &str) -> Option<(&'static str, Vec<u8>)> {
    Some(("text/csv", text.as_bytes().to_vec()))
}

/// (code, period, value) of a roll-up answer's rows, then its coarser remainder.
/// A roll-up's (code, period, value) rows.
type Rows = Vec<(String, String, f64)>;

fn rows(v: &Value) -> (Rows, Vec<(String, f64)>) {
    let rows = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap().to_owned(),
                r["period"].as_str().unwrap().to_owned(),
                r["value"].as_f64().unwrap(),
            )
        })
        .collect();
    let coarser = v["coarser"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["period"].as_str().unwrap().to_owned(),
                r["value"].as_f64().unwrap(),
            )
        })
        .collect();
    (rows, coarser)
}

fn s(code: &str, period: &str, v: f64) -> (String, String, f64) {
    (code.into(), period.into(), v)
}

async fn registers_import_roll_up_and_read_back(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (state, editor, viewer) = fixture(db, &dir);
    let (ed, vw) = (Some(editor.as_str()), Some(viewer.as_str()));

    // Who may: no token reads nothing; a viewer reads but does not import.
    let (st, _, _) = call(&state, "GET", "/api/records", None, None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, _, _) = call(
        &state,
        "POST",
        "/api/records/losses/imports",
        vw,
        csv(LOSSES),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, v, _) = call(&state, "GET", "/api/records/thefts", vw, None).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");

    // Every bad row named, nothing written.
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/losses/imports?name=bad.csv",
        ed,
        csv(BAD),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let issues = v["report"]["issues"].as_array().unwrap();
    let by_row: Vec<(u64, &str)> = issues
        .iter()
        .map(|i| (i["row"].as_u64().unwrap(), i["reason"].as_str().unwrap()))
        .collect();
    let expect = [
        (3, "unknown admin code '9999'"),
        (4, "in the future"),
        (5, "negative count"),
        (6, "Hazard type (hazard) is required"),
        (
            7,
            "admin code '1101' is retired (in version 1 of layer 'sectors'",
        ),
        (8, "sector 3601 is not in district 34"),
        (9, "YYYY-MM-DD"),
        (10, "id 'x1' repeats row 2"),
    ];
    assert_eq!(by_row.len(), expect.len(), "{by_row:?}");
    for (row, words) in expect {
        assert!(
            by_row
                .iter()
                .any(|(r, why)| *r == row && why.contains(words)),
            "row {row} should say '{words}': {by_row:?}"
        );
    }
    assert!(
        v["detail"]
            .as_str()
            .unwrap()
            .contains("8 of 9 rows were refused"),
        "{v}"
    );
    let (_, v, _) = call(&state, "GET", "/api/records/losses", vw, None).await;
    assert_eq!(v["register"], Value::Null, "nothing was written: {v}");

    // The good rows, when asked.
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/losses/imports?name=bad.csv&allow_rejects=true",
        ed,
        csv(BAD),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["version"]["record_count"], 1);
    assert_eq!(v["version"]["report"]["rejected"], 8);

    // The real file replaces it; roll-ups by hand.
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/losses/imports?name=losses.csv",
        ed,
        csv(LOSSES),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["version"]["version"], 2);
    assert_eq!(v["version"]["record_count"], 4);
    let (_, v, _) = call(
        &state,
        "GET",
        "/api/records/losses/rollup?field=deaths&level=district&period=year",
        vw,
        None,
    )
    .await;
    assert_eq!(
        rows(&v),
        (
            vec![
                s("34", "2023", 8.0),
                s("36", "2022", 1.0),
                s("43", "2023", 2.0)
            ],
            vec![]
        )
    );
    let (_, v, _) = call(
        &state,
        "GET",
        "/api/records/losses/rollup?field=deaths&level=sector&period=fiscal-year",
        vw,
        None,
    )
    .await;
    assert_eq!(
        rows(&v),
        (
            vec![
                s("3401", "FY2022/23", 5.0),
                s("3402", "FY2022/23", 3.0),
                s("3601", "FY2022/23", 1.0)
            ],
            vec![("FY2022/23".into(), 2.0)]
        ),
        "the district's record is counted apart at sector level"
    );
    let (_, v, _) = call(
        &state,
        "GET",
        "/api/records/losses/rollup?field=crops_ha&level=country&period=month",
        vw,
        None,
    )
    .await;
    assert_eq!(
        rows(&v).0,
        vec![s("", "2022-11", 0.25), s("", "2023-05", 1.5)]
    );
    let (_, v, _) = call(
        &state,
        "GET",
        "/api/records/losses/rollup?field=deaths&code=34&period=day",
        vw,
        None,
    )
    .await;
    assert_eq!(
        rows(&v).0,
        vec![s("34", "2023-05-03", 8.0)],
        "a unit's time series"
    );
    let (st, v, _) = call(
        &state,
        "GET",
        "/api/records/losses/rollup?field=source",
        vw,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(
        v["detail"]
            .as_str()
            .unwrap()
            .contains("text and does not roll up"),
        "{v}"
    );
    let (st, _, _) = call(
        &state,
        "GET",
        "/api/records/losses/rollup?field=deaths&period=week",
        vw,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);

    // JSON, with filters.
    let (_, v, _) = call(
        &state,
        "GET",
        "/api/records/losses/items?code=34&from=2023-01-01",
        vw,
        None,
    )
    .await;
    assert_eq!(v["number_matched"], 2);
    assert_eq!(v["records"][1]["hazard"], "landslide");
    assert_eq!(v["records"][1]["injured"], Value::Null);
    assert_eq!(v["records"][0]["crops_ha"], 1.5);

    // HXL CSV that libhxl reads, and that imports again to the same records.
    let (_, _, exported) = call(
        &state,
        "GET",
        "/api/records/losses/items?format=csv",
        vw,
        None,
    )
    .await;
    let read = sitroom_tests::hxl_read(&exported).unwrap();
    let tags: Vec<&str> = read["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    for t in [
        "#meta+id",
        "#adm1+code",
        "#adm2+code",
        "#adm3+code",
        "#date+occurred",
        "#affected+killed",
        "#loss+crops+ha",
    ] {
        assert!(tags.contains(&t), "{t} in {tags:?}");
    }
    let hxl_rows = read["rows"].as_array().unwrap();
    assert_eq!(hxl_rows.len(), 4);
    let col = |t: &str| tags.iter().position(|x| *x == t).unwrap();
    assert_eq!(hxl_rows[0][col("#adm1+code")], "3", "province of Nyabihu");
    assert_eq!(
        hxl_rows[2][col("#adm3+code")],
        "",
        "a district's record has no sector"
    );
    assert_eq!(hxl_rows[3][col("#affected+killed")], "1");
    let (_, before, _) = call(&state, "GET", "/api/records/losses/items", vw, None).await;
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/losses/imports?name=export.csv",
        ed,
        csv(&exported),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (_, after, _) = call(&state, "GET", "/api/records/losses/items", vw, None).await;
    assert_eq!(after["version"], 3);
    assert_eq!(
        before["records"], after["records"],
        "the export imports as it was"
    );

    // Merge by id: e1 corrected, e5 added.
    let merge = "#meta+id,#date+occurred,#adm3+code,#event+type,#affected+killed\ne1,2023-05-03,3401,flood,6\ne5,2023-05-06,3403,flood,4\n";
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/losses/imports?mode=merge&name=merge.csv",
        ed,
        csv(merge),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["version"]["record_count"], 5);
    assert_eq!(v["version"]["report"]["replaced"], 1);
    let (_, v, _) = call(
        &state,
        "GET",
        "/api/records/losses/rollup?field=deaths&level=district&period=year",
        vw,
        None,
    )
    .await;
    assert_eq!(rows(&v).0[0], s("34", "2023", 13.0));

    // Rollback: the roll-up follows.
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/losses/rollback",
        ed,
        Some(("application/json", br#"{"version": 2}"#.to_vec())),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (_, v, _) = call(
        &state,
        "GET",
        "/api/records/losses/rollup?field=deaths&level=district&period=year",
        vw,
        None,
    )
    .await;
    assert_eq!(rows(&v).0[0], s("34", "2023", 8.0));
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/losses/rollback",
        ed,
        Some(("application/json", br#"{"version": 9}"#.to_vec())),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert!(
        v["detail"]
            .as_str()
            .unwrap()
            .contains("its versions are 1, 2, 3, 4"),
        "{v}"
    );
    let (_, v, _) = call(&state, "GET", "/api/records/losses", vw, None).await;
    assert_eq!(v["register"]["current_version"], 2);
    assert_eq!(v["register"]["versions"].as_array().unwrap().len(), 4);

    // An import made against a version that is no longer current is refused.
    let store = sitroom::store::open(db).unwrap();
    let stale = NewRegisterVersion {
        kind: RecordKind::Losses,
        source_name: "stale.csv".into(),
        source_sha256: String::new(),
        report: ImportReport::default(),
        imported_by: "tests".into(),
        base_version: Some(1),
    };
    match store.commit_register(&stale, &[]) {
        Err(StoreError::RegisterChanged { found: Some(2), .. }) => {}
        other => panic!("a stale import must be refused: {other:?}"),
    }
    assert_eq!(
        store
            .register(RecordKind::Losses)
            .unwrap()
            .unwrap()
            .versions
            .len(),
        4
    );

    // Every write is audited.
    let audit = store
        .audit_log(&sitroom::model::AuditQuery {
            limit: 1000,
            ..Default::default()
        })
        .unwrap();
    let actions: Vec<&str> = audit
        .iter()
        .map(|e| e.action.as_str())
        .filter(|a| a.starts_with("records."))
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "records.import").count(),
        4
    );
    assert_eq!(
        actions.iter().filter(|a| **a == "records.rollback").count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn registers_on_sqlite() {
    let s = sitroom_tests::sqlite();
    registers_import_roll_up_and_read_back(&s.url).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn registers_on_postgis() {
    let s = sitroom_tests::postgis();
    registers_import_roll_up_and_read_back(&s.url).await;
}

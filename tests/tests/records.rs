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
    for uri in [
        "/api/records/losses/items?code=123456789",
        "/api/records/losses/rollup?field=deaths&level=village&code=123456789",
    ] {
        let (st, v, _) = call(&state, "GET", uri, vw, None).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{uri}: {v}");
    }

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

    // The same roll-up drawn: district 34's unit in its tile holds what the table says.
    let (st, tj, _) = call(
        &state,
        "GET",
        "/api/records/losses/tiles.json?field=deaths&level=district&at=2023",
        vw,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{tj}");
    assert!(
        tj["tiles"][0].as_str().unwrap().ends_with(
            "/api/records/losses/tiles/{z}/{x}/{y}.mvt?field=deaths&level=district&at=2023"
        ),
        "{tj}"
    );
    assert_eq!(tj["vector_layers"][0]["id"], "records");
    let in_34 = sitroom_tests::inside_sector(3401).0;
    let t = sitroom_tests::tile_at(in_34.0, 8);
    let tile_uri = |q: &str| format!("/api/records/losses/tiles/{}/{}/{}.mvt?{q}", t.z, t.x, t.y);
    let tile = |q: &str| {
        let uri = tile_uri(q);
        let state = state.clone();
        let viewer = viewer.clone();
        async move {
            let a = sitroom_tests::call(&state, "GET", &uri, Some(&viewer), None).await;
            assert_eq!(a.status, StatusCode::OK, "{uri}");
            a.body
        }
    };
    let unit = sitroom_tests::unit_in_tile(
        &tile("field=deaths&level=district&at=2023").await,
        "records",
        "34",
    );
    assert_eq!((unit["value"], unit["records"]), (8.0, 2.0));
    let unit = sitroom_tests::unit_in_tile(
        &tile("field=deaths&level=district&at=2022").await,
        "records",
        "34",
    );
    assert_eq!(
        (unit["value"], unit["records"]),
        (0.0, 0.0),
        "no record in 2022: nothing lost"
    );
    let unit = sitroom_tests::unit_in_tile(
        &tile("field=deaths&level=sector&period=fiscal-year&at=FY2022/23").await,
        "records",
        "3401",
    );
    assert_eq!(unit["value"], 5.0);
    let unit = sitroom_tests::unit_in_tile(
        &tile("field=houses_destroyed&level=district&where=hazard:flood").await,
        "records",
        "34",
    );
    assert_eq!(unit["value"], 10.0, "floods only, every period");
    for (q, token, status, words) in [
        (
            "field=deaths&at=2030",
            vw,
            StatusCode::BAD_REQUEST,
            "periods with records are 2022, 2023",
        ),
        (
            "field=deaths&level=cell",
            vw,
            StatusCode::CONFLICT,
            "no boundary layer of level cell",
        ),
        (
            "field=source",
            vw,
            StatusCode::BAD_REQUEST,
            "does not roll up",
        ),
        ("field=deaths", None, StatusCode::UNAUTHORIZED, ""),
    ] {
        let (st, v, _) = call(&state, "GET", &tile_uri(q), token, None).await;
        assert_eq!(st, status, "{q}: {v}");
        assert!(
            v["detail"].as_str().unwrap_or_default().contains(words),
            "{q}: {v}"
        );
    }
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

    // An OGC API collection: each record with its unit's shape, to a token only.
    let (_, v, _) = call(&state, "GET", "/ogc/collections", vw, None).await;
    let ids: Vec<&str> = v["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"records-losses"), "{ids:?}");
    let (_, v, _) = call(&state, "GET", "/ogc/collections", None, None).await;
    assert!(
        !v.to_string().contains("records-losses"),
        "anonymous callers are not shown registers: {v}"
    );
    let (st, _, _) = call(
        &state,
        "GET",
        "/ogc/collections/records-losses/items",
        None,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, fc, _) = call(
        &state,
        "GET",
        "/ogc/collections/records-losses/items?hazard=flood",
        vw,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{fc}");
    let floods = fc["features"].as_array().unwrap();
    let got: Vec<(&str, &str, f64)> = floods
        .iter()
        .map(|f| {
            (
                f["properties"]["id"].as_str().unwrap(),
                f["properties"]["code"].as_str().unwrap(),
                f["properties"]["deaths"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, vec![("e1", "3401", 5.0), ("e3", "43", 2.0)]);
    // e3's shape is district 43's, e1's that of sector 3401.
    let (_, district, _) = call(
        &state,
        "GET",
        "/ogc/collections/districts/items?id=43",
        vw,
        None,
    )
    .await;
    let (_, sector, _) = call(
        &state,
        "GET",
        "/ogc/collections/sectors/items?id=3401",
        vw,
        None,
    )
    .await;
    assert!(
        floods[1]["geometry"]["type"]
            .as_str()
            .is_some_and(|t| t.ends_with("Polygon")),
        "{}",
        floods[1]
    );
    assert_eq!(floods[1]["geometry"], district["features"][0]["geometry"]);
    assert_eq!(floods[0]["geometry"], sector["features"][0]["geometry"]);
    // No layer may take a register's collection id.
    let zone = sitroom_tests::zone_geojson(sitroom_tests::inside_sector(3401).1, "high");
    let path = sitroom_tests::write(&dir, "zone.geojson", &zone);
    let out = sitroom_tests::sitroom(
        db,
        &sitroom_tests::class_zones_load(&path, "records-losses"),
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("reserved for the losses register's OGC API collection"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

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
        action: "records.import",
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

/// An XLSX workbook laid out as the HXL CSV is: a header row, the hashtag row, then the
/// records, with dates as Excel stores them (serial numbers styled as dates) or as text,
/// codes as numbers; read as the CSV would be, each bad row named by its sheet row; a file
/// named .xlsx that is not one is refused with what to do.
async fn xlsx_imports(db: &str) {
    use sitroom_tests::XlsxCell::{Date, Number, Text};
    let dir = tempfile::tempdir().unwrap();
    let (state, editor, viewer) = fixture(db, &dir);
    let (ed, vw) = (Some(editor.as_str()), Some(viewer.as_str()));
    let day = |d| chrono::NaiveDate::from_ymd_opt(2023, 5, d).unwrap();
    let book = sitroom_tests::xlsx(&[
        vec![
            Text("Id"),
            Text("Date"),
            Text("Sector"),
            Text("Hazard"),
            Text("Deaths"),
            Text("Crops (ha)"),
        ],
        vec![
            Text("#meta+id"),
            Text("#date+occurred"),
            Text("#adm3+code"),
            Text("#event+type"),
            Text("#affected+killed"),
            Text("#loss+crops+ha"),
        ],
        vec![
            Text("x1"),
            Date(day(3)),
            Number(3401.0),
            Text("flood"),
            Number(5.0),
            Number(1.5),
        ],
        vec![
            Text("x2"),
            Text("2023-05-04"),
            Text("3402"),
            Text("Landslide"),
            Number(2.0),
            Text(""),
        ],
        vec![
            Text("x3"),
            Date(day(4)),
            Number(9999.0),
            Text("flood"),
            Number(1.0),
            Text(""),
        ],
    ]);
    let xlsx = |b: Vec<u8>| {
        Some((
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            b,
        ))
    };
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/losses/imports?name=losses.xlsx",
        ed,
        xlsx(book.clone()),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let issues = v["report"]["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 1, "{v}");
    assert_eq!(
        (issues[0]["row"].as_u64(), issues[0]["id"].as_str()),
        (Some(5), Some("x3")),
        "{v}"
    );
    assert!(
        issues[0]["reason"]
            .as_str()
            .unwrap()
            .contains("unknown admin code '9999'"),
        "{v}"
    );
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/losses/imports?name=losses.xlsx&allow_rejects=true",
        ed,
        xlsx(book),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["version"]["report"]["format"], "hxl-xlsx");
    let (_, v, _) = call(&state, "GET", "/api/records/losses/items", vw, None).await;
    let got: Vec<(&str, &str, &str, &str, f64)> = v["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap(),
                r["code"].as_str().unwrap(),
                r["date"].as_str().unwrap(),
                r["hazard"].as_str().unwrap(),
                r["deaths"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("x1", "3401", "2023-05-03", "flood", 5.0),
            ("x2", "3402", "2023-05-04", "landslide", 2.0)
        ]
    );
    assert_eq!(v["records"][0]["crops_ha"], 1.5);
    // Not a workbook, named as one.
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/losses/imports?name=losses.xlsx",
        ed,
        xlsx(b"Id,Date\n".to_vec()),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        v["detail"]
            .as_str()
            .unwrap()
            .contains("not an Excel workbook"),
        "{v}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn xlsx_on_sqlite() {
    let s = sitroom_tests::sqlite();
    xlsx_imports(&s.url).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn xlsx_on_postgis() {
    let s = sitroom_tests::postgis();
    xlsx_imports(&s.url).await;
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

/// A DesInventar export in its own geography: province "West" (not a name of ours),
/// district and sector by name; a sector name that three districts have, inside its
/// district; the same name alone (ambiguous, with a code that is not ours); DesInventar
/// codes that are ours; and one only a mapping file places.
const DI_EXPORT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<DESINVENTAR>
 <eventos><TR><nombre>INUNDACION</nombre><nombre_en>FLOOD</nombre_en></TR>
  <TR><nombre>DESLIZAMIENTO</nombre><nombre_en>LANDSLIDE</nombre_en></TR></eventos>
 <fichas>
  <TR><serial>1</serial><level0>9</level0><level1>901</level1><level2>90102</level2><name0>West</name0><name1>Nyabihu</name1><name2>Jenda</name2>
   <evento>DESLIZAMIENTO</evento><fechano>2023</fechano><fechames>5</fechames><fechadia>3</fechadia><muertos>7</muertos><desaparece>-1</desaparece><vivdest>20</vivdest></TR>
  <TR><serial>2</serial><name1>Rusizi</name1><name2>Muganza</name2><evento>INUNDACION</evento><fechano>2023</fechano><fechames>5</fechames><fechadia>4</fechadia><muertos>1</muertos></TR>
  <TR><serial>3</serial><level2>X77</level2><name2>Muganza</name2><evento>INUNDACION</evento><fechano>2023</fechano><fechames>5</fechames><fechadia>4</fechadia><muertos>2</muertos></TR>
  <TR><serial>4</serial><level0>3</level0><level1>34</level1><evento>INUNDACION</evento><fechano>2022</fechano><fechames>0</fechames><fechadia>0</fechadia><heridos>4</heridos></TR>
  <TR><serial>5</serial><level0>9</level0><level1>905</level1><name1>Nowhere</name1><evento>INUNDACION</evento><fechano>2021</fechano><fechames>3</fechames><fechadia>9</fechadia><muertos>3</muertos></TR>
 </fichas>
</DESINVENTAR>"#;

async fn desinventar_exports_place_their_units(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (state, editor, viewer) = fixture(db, &dir);
    let (ed, vw) = (Some(editor.as_str()), Some(viewer.as_str()));
    let xml = Some(("application/xml", DI_EXPORT.as_bytes().to_vec()));
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/losses/imports?name=DI_export_rwa.xml",
        ed,
        xml.clone(),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let issues = v["report"]["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 2, "{issues:?}");
    assert!(
        issues[0]["reason"]
            .as_str()
            .unwrap()
            .contains("'Muganza' names"),
        "{issues:?}"
    );
    assert!(
        issues[1]["reason"]
            .as_str()
            .unwrap()
            .contains("no unit named 'Nowhere'"),
        "{issues:?}"
    );
    assert!(
        issues[1]["reason"]
            .as_str()
            .unwrap()
            .contains("mapping file"),
        "{issues:?}"
    );

    // Zipped as DesInventar gives it, the good datacards taken.
    let mut zipped = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut zipped);
        w.start_file(
            "DI_export_rwa.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        std::io::Write::write_all(&mut w, DI_EXPORT.as_bytes()).unwrap();
        w.finish().unwrap();
    }
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/losses/imports?name=rwa.zip&allow_rejects=true",
        ed,
        Some(("application/zip", zipped.into_inner())),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let report = &v["version"]["report"];
    assert_eq!(report["format"], "desinventar");
    assert_eq!(report["imported"], 3);
    assert!(report["notes"].to_string().contains("-1"), "{report}");
    let (_, v, _) = call(&state, "GET", "/api/records/losses/items", vw, None).await;
    let placed: Vec<(&str, &str, &str)> = v["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap(),
                r["code"].as_str().unwrap(),
                r["hazard"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        placed,
        vec![
            ("di-1", "3402", "landslide"),
            ("di-2", "3610", "flood"),
            ("di-4", "34", "flood")
        ]
    );
    assert_eq!(v["records"][0]["missing"], Value::Null, "-1 is no number");
    assert_eq!(
        v["records"][2]["date"], "2022-01-01",
        "no month or day: the first"
    );

    // A mapping file places the rest (the CLI).
    let export = sitroom_tests::write(&dir, "DI_export_rwa.xml", DI_EXPORT);
    let mapping = sitroom_tests::write(&dir, "map.csv", "di_code,code\nX77,3610\n905,45\n");
    let out = sitroom_tests::sitroom_ok(
        db,
        &[
            "records",
            "import",
            "losses",
            export.to_str().unwrap(),
            "--mapping",
            mapping.to_str().unwrap(),
        ],
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("5 records"),
        "{out:?}"
    );
    let (_, v, _) = call(&state, "GET", "/api/records/losses/items?code=45", vw, None).await;
    assert_eq!(
        v["number_matched"], 0,
        "the API serves what it synced; the CLI's version reaches it by sync"
    );
    state.sync_registers().await;
    let (_, v, _) = call(&state, "GET", "/api/records/losses/items?code=45", vw, None).await;
    assert_eq!(v["records"][0]["id"], "di-5");

    // Over HTTP, the export and its mapping as the parts of a form.
    let form = |mapping: &str| {
        let b = "sitroomdi";
        let body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"DI_export_rwa.xml\"\r\nContent-Type: application/xml\r\n\r\n{DI_EXPORT}\r\n--{b}\r\nContent-Disposition: form-data; name=\"mapping\"; filename=\"map.csv\"\r\nContent-Type: text/csv\r\n\r\n{mapping}\r\n--{b}--\r\n"
        );
        Some(("multipart/form-data; boundary=sitroomdi", body.into_bytes()))
    };
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/losses/imports?name=DI_export_rwa.xml",
        ed,
        form("di_code,code\nX77,3610\n905,44\n"),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["version"]["report"]["imported"], 5, "{v}");
    let (_, v, _) = call(&state, "GET", "/api/records/losses/items?code=44", vw, None).await;
    assert_eq!(
        v["records"][0]["id"], "di-5",
        "placed by the form's mapping: {v}"
    );
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/losses/imports?name=DI_export_rwa.xml",
        ed,
        form("from,to\nX77,3610\n"),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("di_code"), "{v}");

    // Sendai needs a population layer.
    let (st, v, _) = call(&state, "GET", "/api/records/losses/sendai", vw, None).await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("population"), "{v}");
}

#[tokio::test(flavor = "multi_thread")]
async fn desinventar_on_sqlite() {
    let s = sitroom_tests::sqlite();
    desinventar_exports_place_their_units(&s.url).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn desinventar_on_postgis() {
    let s = sitroom_tests::postgis();
    desinventar_exports_place_their_units(&s.url).await;
}

/// An IATI 2.03 activity file in the shape publishers write it: one activity in two
/// districts (Rubavu 33, Rusizi 36) and two sectors (70/30), with a commitment, a
/// disbursement, an expenditure and incoming funds; one whose sector percentages add up
/// to 90, in francs; one with no location code.
const IATI: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03" generated-datetime="2024-02-01T10:00:00Z">
 <iati-activity last-updated-datetime="2024-02-01T10:00:00Z" xml:lang="en" default-currency="USD" humanitarian="1">
  <iati-identifier>XM-DAC-41140-RW-DRR-01</iati-identifier>
  <reporting-org ref="XM-DAC-41140" type="40"><narrative>World Food Programme</narrative></reporting-org>
  <title><narrative>Disaster risk reduction &amp; preparedness, Western Province</narrative></title>
  <description type="1"><narrative>Community early warning and food assistance.</narrative></description>
  <participating-org ref="XM-DAC-41140" role="1" type="40"><narrative>WFP</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date iso-date="2023-07-01" type="2"/>
  <recipient-country code="RW" percentage="100"/>
  <location ref="RW-33"><location-reach code="1"/><name><narrative>Rubavu</narrative></name>
   <administrative vocabulary="A9" level="2" code="33"/><point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><pos>-1.68 29.35</pos></point></location>
  <location ref="RW-36"><name><narrative>Rusizi</narrative></name><administrative vocabulary="A9" level="2" code="36"/></location>
  <sector vocabulary="1" code="74020" percentage="70"><narrative>Multi-hazard response preparedness</narrative></sector>
  <sector vocabulary="1" code="72040" percentage="30"/>
  <sector vocabulary="2" code="740" percentage="100"/>
  <transaction><transaction-type code="2"/><transaction-date iso-date="2023-07-15"/><value currency="USD" value-date="2023-07-15">500000</value></transaction>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2023-09-30"/><value currency="USD" value-date="2023-09-30">200000</value>
   <receiver-org ref="RW-GOV-MINEMA"><narrative>Ministry in charge of Emergency Management</narrative></receiver-org></transaction>
  <transaction><transaction-type code="4"/><transaction-date iso-date="2024-01-10"/><value currency="USD" value-date="2024-01-10">50000</value></transaction>
  <transaction><transaction-type code="1"/><transaction-date iso-date="2023-07-02"/><value currency="USD" value-date="2023-07-02">999999</value></transaction>
 </iati-activity>
 <iati-activity default-currency="RWF">
  <iati-identifier>RW-NGO-7-0002</iati-identifier>
  <reporting-org ref="RW-NGO-7"><narrative>Rwanda Red Cross</narrative></reporting-org>
  <location><administrative vocabulary="A9" level="2" code="34"/></location>
  <sector vocabulary="1" code="74020" percentage="60"/>
  <sector vocabulary="1" code="72010" percentage="30"/>
  <transaction><transaction-type code="3"/><value value-date="2023-10-01">90000000</value></transaction>
 </iati-activity>
 <iati-activity default-currency="USD">
  <iati-identifier>XX-1-NOWHERE</iati-identifier>
  <reporting-org ref="XX-1"><narrative>Somebody</narrative></reporting-org>
  <transaction><transaction-type code="3"/><value value-date="2023-10-01">5</value></transaction>
 </iati-activity>
</iati-activities>"#;

async fn disbursements_from_iati_and_3w(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (_, editor, viewer) = fixture(db, &dir);
    let store: Arc<Store> = Arc::from(sitroom::store::open(db).unwrap());
    let rates: sitroom::ingest::records::rates::RateTable =
        serde_json::from_value(serde_json::json!({
            "source": "test rates",
            "rwf_per": {"USD": {"2023": 1200.0, "2024": 1300.0}}
        }))
        .unwrap();
    let settings = sitroom::config::ServerSettings {
        rates,
        ..sitroom::config::ServerSettings::default()
    };
    let state = AppState::new(store, settings).unwrap();
    let (ed, vw) = (Some(editor.as_str()), Some(viewer.as_str()));
    let xml = |s: &str| Some(("application/xml", s.as_bytes().to_vec()));

    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/disbursements/imports?name=wfp.xml",
        ed,
        xml(IATI),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let issues = v["report"]["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(
        issues[0]["reason"]
            .as_str()
            .unwrap()
            .contains("'XX-1-NOWHERE' has no <location>"),
        "{issues:?}"
    );
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/disbursements/imports?name=wfp.xml&allow_rejects=true",
        ed,
        xml(IATI),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let report = &v["version"]["report"];
    assert_eq!(report["format"], "iati-2.03");
    assert_eq!(
        report["imported"],
        4 * 2 * 2 + 2,
        "transactions × locations × sectors"
    );
    assert!(
        report["notes"].to_string().contains("add up to 90"),
        "{report}"
    );

    let rollup = |q: &'static str| {
        let state = state.clone();
        let viewer = viewer.clone();
        async move {
            let (st, v, _) = call(
                &state,
                "GET",
                &format!("/api/records/disbursements/rollup?{q}"),
                Some(&viewer),
                None,
            )
            .await;
            assert_eq!(st, StatusCode::OK, "{v}");
            rows(&v).0
        }
    };
    assert_eq!(
        rollup("field=value_usd&level=district&period=fiscal-year&where=transaction:disbursement")
            .await,
        vec![
            s("33", "FY2023/24", 100_000.0),
            s("34", "FY2023/24", 75_000.0),
            s("36", "FY2023/24", 100_000.0)
        ],
        "half of 200,000 USD in each district; 90 M RWF at 1,200 a dollar"
    );
    assert_eq!(
        rollup("field=value_rwf&level=country&period=year&where=transaction:expenditure").await,
        vec![s("", "2024", 50_000.0 * 1300.0)]
    );
    assert_eq!(
        rollup("field=value_usd&level=country&period=year&where=transaction:other").await,
        vec![s("", "2023", 999_999.0)],
        "incoming funds kept apart"
    );
    let by_sector = rollup("field=value_usd&level=district&period=year&where=sector:72040").await;
    let (y23, y24) = (
        (500_000.0 + 200_000.0 + 999_999.0) * 0.3 / 2.0,
        50_000.0 * 0.3 / 2.0,
    );
    assert_eq!(by_sector.len(), 4, "{by_sector:?}");
    for (got, want) in by_sector.iter().zip([
        ("33", "2023", y23),
        ("33", "2024", y24),
        ("36", "2023", y23),
        ("36", "2024", y24),
    ]) {
        assert_eq!((got.0.as_str(), got.1.as_str()), (want.0, want.1));
        assert!(
            (got.2 - want.2).abs() < 1e-6,
            "30% of every transaction, split in two: {got:?}"
        );
    }
    let (_, v, _) = call(
        &state,
        "GET",
        "/api/records/disbursements/items?code=34",
        vw,
        None,
    )
    .await;
    let shares: Vec<f64> = v["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["value"].as_f64().unwrap())
        .collect();
    assert_eq!(
        shares,
        vec![60_000_000.0, 30_000_000.0],
        "60 and 30 of 90, scaled to 100"
    );
    assert_eq!(v["records"][0]["partner"], "Rwanda Red Cross");
    assert_eq!(v["records"][0]["currency"], "RWF");

    // Funding against need: people displaced by a zone in Rubavu's first sector.
    let (point, rect) = sitroom_tests::inside_sector(3301);
    sitroom_tests::load_zone(db, &dir, "zone", rect, "high");
    let hh = sitroom_tests::write(
        &dir,
        "hh.csv",
        &format!(
            "people,households,lon,lat\n40,8,{},{}\n",
            point.x(),
            point.y()
        ),
    );
    sitroom_tests::load_households(db, &hh);
    state.sync_engine().await;
    let (st, exposure, _) = call(
        &state,
        "GET",
        "/api/exposure?hazard=zone&exposure=hh&by=district",
        vw,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{exposure}");
    let displaced: f64 = exposure["units"][0]["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["displaced"].as_f64().unwrap())
        .sum();
    assert!(displaced > 0.0, "{exposure}");
    let (st, v, _) = call(&state, "GET", "/api/records/disbursements/against-need?hazard=zone&exposure=hh&by=district&fiscal_year=FY2023/24", vw, None).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let units = v["units"].as_array().unwrap();
    assert_eq!(units[0]["code"], "33");
    assert_eq!(units[0]["rank"], 1);
    assert_eq!(units[0]["displaced"].as_f64().unwrap(), displaced);
    assert!(
        (units[0]["usd_per_displaced"].as_f64().unwrap() - 100_000.0 / displaced).abs() < 1e-6,
        "{v}"
    );
    assert!(
        units[0]["needs_of_displaced"]["water_litres_per_day"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    let funded_only: Vec<&str> = units[1..]
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        funded_only,
        vec!["34", "36"],
        "funded, nobody displaced: unranked, after"
    );
    assert!(units[1].get("rank").is_none());
    let (st, _, _) = call(
        &state,
        "GET",
        "/api/records/disbursements/against-need?hazard=zone&exposure=hh&fiscal_year=2023",
        vw,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _, _) = call(
        &state,
        "GET",
        "/api/records/disbursements/against-need?hazard=zone&exposure=hh",
        None,
        None,
    )
    .await;
    assert_eq!(
        st,
        StatusCode::UNAUTHORIZED,
        "the register's figures need a token"
    );

    // Malformed and foreign XML.
    for (bad, says) in [
        (
            "<iati-activities><iati-activity><iati-identifier>x</iati-activity>",
            "XML error",
        ),
        (
            "<html><body>not here</body></html>",
            "not an IATI activity file",
        ),
    ] {
        let (st, v, _) = call(
            &state,
            "POST",
            "/api/records/disbursements/imports",
            ed,
            xml(bad),
        )
        .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["detail"].as_str().unwrap().contains(says), "{v}");
    }

    // 3W in HXL: an unknown currency and a sector that is no DAC code refused, by row.
    let three_w = "Partner,Sector,District,Funding,Currency,Date,Activity\n#org,#sector+code,#adm2+code,#value+funding,#currency,#date,#activity+code\nUNICEF,11220,33,1000,USD,2023-08-01,u-1\nUNICEF,11220,33,1000,KES,2023-08-01,u-2\nUNICEF,1122,33,1000,USD,2023-08-01,u-3\n";
    let (st, v, _) = call(
        &state,
        "POST",
        "/api/records/disbursements/imports?mode=merge&name=3w.csv",
        ed,
        csv(three_w),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let reasons = v["report"]["issues"].to_string();
    assert!(reasons.contains("unknown currency 'KES'"), "{reasons}");
    assert!(reasons.contains("OECD DAC 5-digit"), "{reasons}");
}

#[tokio::test(flavor = "multi_thread")]
async fn disbursements_on_sqlite() {
    let s = sitroom_tests::sqlite();
    disbursements_from_iati_and_3w(&s.url).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn disbursements_on_postgis() {
    let s = sitroom_tests::postgis();
    disbursements_from_iati_and_3w(&s.url).await;
}

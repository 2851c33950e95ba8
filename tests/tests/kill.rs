//! A load killed (SIGKILL) while it writes leaves the previous version current and
//! complete, on both backends. The kill is timed by watching the store from outside:
//! the SQLite write-ahead log growing, or PostGIS running the load's COPY.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use diesel::{Connection, QueryableByName, RunQueryDsl, pg::PgConnection, sql_types::BigInt};
use sitroom::store;

fn start_villages_load(db: &str) -> Child {
    sitroom_tests::sitroom(
        db,
        &[
            "load",
            sitroom_tests::mirror()
                .join("admin/rwa_villages.geojson")
                .to_str()
                .unwrap(),
            "--layer",
            "admin",
            "--theme",
            "village",
            "--json",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap()
}

/// Waits until `writing()` says the load is writing, then kills it. Panics if the load
/// finished first (the test would prove nothing).
fn kill_while(mut child: Child, mut writing: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the load ended ({status}) before it could be killed mid-write");
        }
        if writing() {
            child.kill().unwrap();
            child.wait().unwrap();
            return;
        }
        assert!(Instant::now() < deadline, "the load never started writing");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn assert_previous_version_intact(db: &str) {
    let s = store::open(db).unwrap();
    let detail = s.layer(&"admin".parse().unwrap()).unwrap().unwrap();
    assert_eq!(detail.layer.current_version, 1);
    assert_eq!(detail.layer.feature_count, 416);
    assert_eq!(detail.layer.meta.theme.as_str(), "sector");
    assert_eq!(detail.versions.len(), 1, "the killed version left a trace");
    let features = s.features(&"admin".parse().unwrap(), 1).unwrap();
    assert_eq!(features.len(), 416);
    assert!(
        features
            .iter()
            .all(|f| f.code.as_deref().is_some_and(|c| c.len() == 4))
    );
}

#[test]
fn sqlite_load_killed_mid_write_leaves_previous_version() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kill.db").display().to_string();
    sitroom_tests::load_admin(&db, "admin", "sector");
    let wal = format!("{db}-wal");
    let child = start_villages_load(&db);
    // Uncommitted pages spill into the write-ahead log once the page cache is full.
    kill_while(child, || {
        std::fs::metadata(&wal).is_ok_and(|m| m.len() > 8 * 1024 * 1024)
    });
    assert!(Path::new(&wal).exists());
    assert_previous_version_intact(&db);
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[test]
fn postgis_load_killed_mid_write_leaves_previous_version() {
    let db = sitroom_tests::postgis_url();
    sitroom_tests::load_admin(&db, "admin", "sector");
    let dbname = db.rsplit('/').next().unwrap().to_owned();
    let mut watcher = PgConnection::establish(&db).unwrap();
    let child = start_villages_load(&db);
    kill_while(child, || {
        diesel::sql_query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'COPY%' AND state = 'active'",
        )
        .bind::<diesel::sql_types::Text, _>(&dbname)
        .get_result::<Count>(&mut watcher)
        .unwrap()
        .n
            > 0
    });
    // The server notices the dead client and rolls its transaction back.
    let deadline = Instant::now() + Duration::from_secs(30);
    while diesel::sql_query(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'COPY%'",
    )
    .bind::<diesel::sql_types::Text, _>(&dbname)
    .get_result::<Count>(&mut watcher)
    .unwrap()
    .n > 0
    {
        assert!(
            Instant::now() < deadline,
            "the killed load's session never ended"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_previous_version_intact(&db);
}

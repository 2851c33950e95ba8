//! The store test suite: the same tests against the embedded SQLite store and PostGIS.
#![allow(clippy::unwrap_used)]

use chrono::{Duration, Utc};
use serde_json::json;
use sitroom::model::Classification;
use sitroom::model::LoadReport;
use sitroom::model::{
    AccessChange, Feature, FieldMapping, LayerId, LayerKind, LayerMeta, Sensitivity,
};
use sitroom::model::{ApiToken, AuditEntry, AuditQuery};
use sitroom::store::{NewVersion, Store, StoreError};

fn id(s: &str) -> LayerId {
    s.parse().unwrap()
}

fn meta(layer: &str, title: &str) -> LayerMeta {
    LayerMeta {
        id: id(layer),
        title: title.into(),
        kind: LayerKind::Hazard,
        theme: "flood".parse().unwrap(),
        sensitivity: Sensitivity::Public,
        anonymous: true,
        fields: FieldMapping {
            hazard: Some("depth".into()),
            ..FieldMapping::default()
        },
        classification: Some(Classification::flood_depth()),
        attribution: "synthetic test data".into(),
    }
}

/// A unit square at (x, y) as ISO WKB (little endian polygon).
fn square_wkb(x: f64, y: f64) -> Vec<u8> {
    let ring = [
        (x, y),
        (x + 1.0, y),
        (x + 1.0, y + 1.0),
        (x, y + 1.0),
        (x, y),
    ];
    let mut w = vec![1u8];
    w.extend_from_slice(&3u32.to_le_bytes());
    w.extend_from_slice(&1u32.to_le_bytes());
    w.extend_from_slice(&u32::try_from(ring.len()).unwrap().to_le_bytes());
    for (a, b) in ring {
        w.extend_from_slice(&a.to_le_bytes());
        w.extend_from_slice(&b.to_le_bytes());
    }
    w
}

fn feature(fid: i64, depth: f64) -> Feature {
    let x = f64::from(i32::try_from(fid).unwrap());
    Feature {
        fid,
        source_id: Some(format!("src-{fid}")),
        wkb: square_wkb(x, -2.0),
        bbox: [x, -2.0, x + 1.0, -1.0],
        properties:
            json!({"depth": depth, "note": "tab\there, newline\nthere, back\\slash, \"quoted\" é"})
                .as_object()
                .unwrap()
                .clone(),
        name: Some(format!("zone {fid}")),
        code: Some(format!("{fid:02}")),
        population: Some(x * 10.5),
        households: None,
        hazard_class: Classification::flood_depth()
            .classify_number(depth)
            .map(|c| c.as_str().to_owned()),
    }
}

fn version(m: &LayerMeta, n: usize) -> NewVersion {
    NewVersion {
        meta: m.clone(),
        source_name: format!("zones-{n}.geojson"),
        source_sha256: "ab".repeat(32),
        bbox: Some([1.0, -2.0, f64::from(u32::try_from(n).unwrap()) + 1.0, -1.0]),
        report: LoadReport {
            source_name: format!("zones-{n}.geojson"),
            read: n as u64,
            loaded: n as u64,
            ..LoadReport::default()
        },
        loaded_by: "tester".into(),
    }
}

fn features(n: usize) -> Vec<Feature> {
    (1..=i64::try_from(n).unwrap())
        .map(|i| feature(i, f64::from(i32::try_from(i).unwrap()) * 0.5))
        .collect()
}

fn a_load_round_trips_exactly(s: &Store) {
    let m = meta("flood-zones", "Flood zones");
    let feats = features(3);
    let v = s.commit_version(&version(&m, 3), &feats).unwrap();
    assert_eq!(v.version, 1);
    assert_eq!(v.feature_count, 3);

    let layers = s.layers().unwrap();
    assert_eq!(layers.len(), 1);
    assert_eq!(layers[0].meta, m);
    assert_eq!(layers[0].current_version, 1);
    assert_eq!(layers[0].feature_count, 3);
    assert_eq!(layers[0].created_by, "tester");

    let stored = s.features(&id("flood-zones"), 1).unwrap();
    assert_eq!(stored, feats, "features differ after a round trip");
    for (a, b) in stored.iter().zip(&feats) {
        assert_eq!(a.wkb, b.wkb, "geometry bytes differ for fid {}", a.fid);
    }
    assert_eq!(stored[2].hazard_class.as_deref(), Some("medium"));

    let detail = s.layer(&id("flood-zones")).unwrap().unwrap();
    assert_eq!(detail.versions.len(), 1);
    assert_eq!(detail.versions[0].report.read, 3);
    assert_eq!(detail.versions[0].bbox, Some([1.0, -2.0, 4.0, -1.0]));
    assert_eq!(detail.versions[0].source_name, "zones-3.geojson");
}

fn new_versions_become_current_and_rollback_restores_all_but_access(s: &Store) {
    let m1 = meta("flood-zones", "Flood zones v1");
    s.commit_version(&version(&m1, 2), &features(2)).unwrap();
    let m2 = meta("flood-zones", "Flood zones v2");
    let v2 = s.commit_version(&version(&m2, 5), &features(5)).unwrap();
    assert_eq!(v2.version, 2);
    let l = &s.layers().unwrap()[0];
    assert_eq!(
        (l.current_version, l.feature_count, l.meta.title.as_str()),
        (2, 5, "Flood zones v2")
    );

    let back = s.rollback(&id("flood-zones"), 1, "admin").unwrap();
    assert_eq!((back.current_version, back.feature_count), (1, 2));
    assert_eq!(
        back.meta.title, "Flood zones v1",
        "rollback restores that version's metadata"
    );
    assert_eq!(back.updated_by, "admin");
    let detail = s.layer(&id("flood-zones")).unwrap().unwrap();
    assert_eq!(
        detail
            .versions
            .iter()
            .map(|v| v.version)
            .collect::<Vec<_>>(),
        vec![2, 1],
        "versions are kept, newest first"
    );
    // Both versions' features are still there.
    assert_eq!(s.features(&id("flood-zones"), 2).unwrap().len(), 5);

    let err = s.rollback(&id("flood-zones"), 9, "admin").unwrap_err();
    assert_eq!(
        err.to_string(),
        "layer 'flood-zones' has no version 9: its versions are 1, 2"
    );
    let err = s.rollback(&id("nothing"), 1, "admin").unwrap_err();
    assert!(matches!(err, StoreError::LayerNotFound(_)), "{err}");

    // Who may read is the layer's, not the version's: a change takes effect at once and
    // a rollback keeps it (it never loosens protection).
    let closed = s
        .set_access(
            &id("flood-zones"),
            &AccessChange {
                anonymous: Some(false),
                sensitivity: Some(Sensitivity::Restricted),
            },
            "editor",
        )
        .unwrap();
    assert_eq!(
        (
            closed.meta.anonymous,
            closed.meta.sensitivity,
            closed.current_version,
            closed.feature_count
        ),
        (false, Sensitivity::Restricted, 1, 2)
    );
    assert_eq!(closed.updated_by, "editor");
    let back = s.rollback(&id("flood-zones"), 2, "admin").unwrap();
    assert_eq!(
        (
            back.meta.title.as_str(),
            back.meta.anonymous,
            back.meta.sensitivity
        ),
        ("Flood zones v2", false, Sensitivity::Restricted)
    );
    // A change names what changes; the rest stays.
    let reopened = s
        .set_access(
            &id("flood-zones"),
            &AccessChange {
                anonymous: Some(true),
                sensitivity: None,
            },
            "editor",
        )
        .unwrap();
    assert_eq!(
        (reopened.meta.anonymous, reopened.meta.sensitivity),
        (true, Sensitivity::Restricted)
    );
    assert_eq!(s.layers().unwrap()[0].meta, reopened.meta);
    let err = s
        .set_access(&id("nothing"), &AccessChange::default(), "editor")
        .unwrap_err();
    assert!(matches!(err, StoreError::LayerNotFound(_)), "{err}");

    // A load after a rollback gets the next number, not a reused one.
    let v3 = s.commit_version(&version(&m2, 1), &features(1)).unwrap();
    assert_eq!(v3.version, 3);
}

fn a_failed_load_leaves_the_previous_version_current_and_complete(s: &Store) {
    let m = meta("flood-zones", "Flood zones");
    s.commit_version(&version(&m, 4), &features(4)).unwrap();
    // Two features with one fid: the primary key fails half-way through the write.
    let mut bad = features(1000);
    bad[999].fid = 1;
    let changed = meta("flood-zones", "Should not be stored");
    let err = s.commit_version(&version(&changed, 1000), &bad);
    assert!(err.is_err(), "a duplicate feature id must fail the load");

    let l = &s.layers().unwrap()[0];
    assert_eq!((l.current_version, l.feature_count), (1, 4));
    assert_eq!(l.meta.title, "Flood zones");
    let detail = s.layer(&id("flood-zones")).unwrap().unwrap();
    assert_eq!(detail.versions.len(), 1, "no trace of the failed version");
    assert_eq!(s.features(&id("flood-zones"), 1).unwrap().len(), 4);
    assert!(matches!(
        s.features(&id("flood-zones"), 2),
        Err(StoreError::VersionNotFound { .. })
    ));

    // A failed first load leaves no layer at all.
    let mut bad = features(3);
    bad[2].fid = 2;
    assert!(
        s.commit_version(&version(&meta("other", "x"), 3), &bad)
            .is_err()
    );
    assert!(s.layer(&id("other")).unwrap().is_none());
}

fn deleting_a_layer_removes_it_and_its_versions(s: &Store) {
    let m = meta("flood-zones", "Flood zones");
    s.commit_version(&version(&m, 2), &features(2)).unwrap();
    s.commit_version(&version(&m, 3), &features(3)).unwrap();
    s.commit_version(&version(&meta("keep", "Keep"), 1), &features(1))
        .unwrap();
    assert!(s.delete_layer(&id("flood-zones"), "tester").unwrap());
    assert!(!s.delete_layer(&id("flood-zones"), "tester").unwrap());
    assert!(s.layer(&id("flood-zones")).unwrap().is_none());
    assert!(matches!(
        s.features(&id("flood-zones"), 1),
        Err(StoreError::LayerNotFound(_))
    ));
    assert_eq!(s.layers().unwrap().len(), 1);
    assert_eq!(s.features(&id("keep"), 1).unwrap().len(), 1);
    // The id can be used again and starts from version 1.
    let v = s.commit_version(&version(&m, 1), &features(1)).unwrap();
    assert_eq!(v.version, 1);
}

fn an_empty_version_is_allowed(s: &Store) {
    let m = meta("empty", "Empty");
    let mut v = version(&m, 0);
    v.bbox = None;
    let stored = s.commit_version(&v, &[]).unwrap();
    assert_eq!(stored.feature_count, 0);
    let detail = s.layer(&id("empty")).unwrap().unwrap();
    assert_eq!(detail.versions[0].bbox, None);
    assert!(s.features(&id("empty"), 1).unwrap().is_empty());
}

fn tokens_are_stored_hashed_revoked_and_expire(s: &Store) {
    let (secret, token) =
        sitroom::auth::create_token(s, "gis-team", sitroom::model::Role::Editor, None, "tests")
            .unwrap();
    assert!(secret.starts_with("sitroom_") && secret.len() > 60);
    assert_ne!(token.token_sha256, secret);
    let header = format!("Bearer {secret}");
    let found = sitroom::auth::verify(s, Some(&header)).unwrap();
    assert_eq!(
        (found.name.as_str(), found.role),
        ("gis-team", sitroom::model::Role::Editor)
    );
    assert!(matches!(
        sitroom::auth::require(
            sitroom::auth::verify(s, Some(&header)).unwrap(),
            sitroom::model::Role::Admin
        ),
        Err(sitroom::auth::AuthError::Forbidden { .. })
    ));
    assert!(sitroom::auth::verify(s, Some("Bearer sitroom_nope")).is_err());
    assert!(
        sitroom::auth::create_token(s, "gis-team", sitroom::model::Role::Editor, None, "tests")
            .is_err(),
        "names are unique"
    );

    s.add_token(
        &ApiToken {
            name: "old".into(),
            token_sha256: sitroom::auth::hash_secret("old-secret"),
            role: sitroom::model::Role::Viewer,
            created_at: Utc::now() - Duration::days(10),
            expires_at: Some(Utc::now() - Duration::days(1)),
            revoked_at: None,
        },
        "admin",
    )
    .unwrap();
    assert!(
        sitroom::auth::verify(s, Some("Bearer old-secret")).is_err(),
        "expired"
    );

    assert!(s.revoke_token("gis-team", "admin").unwrap());
    assert!(!s.revoke_token("gis-team", "admin").unwrap());
    assert!(sitroom::auth::verify(s, Some(&header)).is_err(), "revoked");
    let names: Vec<String> = s.tokens().unwrap().into_iter().map(|t| t.name).collect();
    assert_eq!(names, ["gis-team", "old"]);
}

fn concurrent_loads_of_one_layer_get_distinct_versions(s: &Store) {
    let m = meta("flood-zones", "Flood zones");
    std::thread::scope(|scope| {
        for n in 1..=4 {
            let m = m.clone();
            scope.spawn(move || s.commit_version(&version(&m, n), &features(n)).unwrap());
        }
    });
    let detail = s.layer(&id("flood-zones")).unwrap().unwrap();
    let mut versions: Vec<i32> = detail.versions.iter().map(|v| v.version).collect();
    versions.sort_unstable();
    assert_eq!(versions, [1, 2, 3, 4]);
    for v in &detail.versions {
        assert_eq!(
            i64::try_from(s.features(&id("flood-zones"), v.version).unwrap().len()).unwrap(),
            v.feature_count
        );
    }
}

fn the_audit_log_keeps_entries_and_filters_them(s: &Store) {
    let entry = |minutes_ago: i64, actor: &str, action: &str, target: &str| AuditEntry {
        at: Utc::now() - Duration::minutes(minutes_ago),
        actor: actor.into(),
        action: action.into(),
        target: target.into(),
        detail: json!({"version": minutes_ago}),
    };
    s.record(&entry(30, "gis-team", "layer.load", "flood-zones"))
        .unwrap();
    s.record(&entry(20, "analyst", "restricted.read", "returnees"))
        .unwrap();
    s.record(&entry(10, "gis-team", "layer.rollback", "flood-zones"))
        .unwrap();
    let all = s
        .audit_log(&AuditQuery {
            limit: 10,
            ..AuditQuery::default()
        })
        .unwrap();
    assert_eq!(
        all.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["layer.rollback", "restricted.read", "layer.load"],
        "newest first"
    );
    assert_eq!(all[2].detail, json!({"version": 30}));
    let by_team = s
        .audit_log(&AuditQuery {
            actor: Some("gis-team".into()),
            limit: 10,
            ..AuditQuery::default()
        })
        .unwrap();
    assert_eq!(by_team.len(), 2);
    let recent = s
        .audit_log(&AuditQuery {
            since: Some(Utc::now() - Duration::minutes(15)),
            limit: 10,
            ..AuditQuery::default()
        })
        .unwrap();
    assert_eq!(recent.len(), 1);
    let reads = s
        .audit_log(&AuditQuery {
            action: Some("restricted.read".into()),
            target: Some("returnees".into()),
            limit: 1,
            ..AuditQuery::default()
        })
        .unwrap();
    assert_eq!(reads[0].actor, "analyst");
}

/// Every write records itself, in its own transaction: what succeeded is in the log
/// with who did it, what failed is not.
fn every_write_is_audited_with_it_and_failures_are_not(s: &Store) {
    let m = meta("flood-zones", "Flood zones");
    s.commit_version(&version(&m, 2), &features(2)).unwrap();
    s.commit_version(&version(&m, 3), &features(3)).unwrap();
    s.rollback(&id("flood-zones"), 1, "reviewer").unwrap();
    assert!(s.rollback(&id("flood-zones"), 9, "reviewer").is_err());
    s.set_access(
        &id("flood-zones"),
        &AccessChange {
            anonymous: Some(false),
            sensitivity: None,
        },
        "reviewer",
    )
    .unwrap();
    let (_, _) =
        sitroom::auth::create_token(s, "field", sitroom::model::Role::Viewer, None, "admin")
            .unwrap();
    assert!(s.revoke_token("field", "admin").unwrap());
    assert!(
        !s.revoke_token("field", "admin").unwrap(),
        "already revoked"
    );
    assert!(s.delete_layer(&id("flood-zones"), "reviewer").unwrap());
    assert!(!s.delete_layer(&id("flood-zones"), "reviewer").unwrap());
    let log = s
        .audit_log(&AuditQuery {
            limit: 100,
            ..AuditQuery::default()
        })
        .unwrap();
    let seen: Vec<(&str, &str, &str)> = log
        .iter()
        .rev()
        .map(|e| (e.actor.as_str(), e.action.as_str(), e.target.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("tester", "layer.load", "flood-zones"),
            ("tester", "layer.load", "flood-zones"),
            ("reviewer", "layer.rollback", "flood-zones"),
            ("reviewer", "layer.access", "flood-zones"),
            ("admin", "token.create", "field"),
            ("admin", "token.revoke", "field"),
            ("reviewer", "layer.delete", "flood-zones"),
        ]
    );
    assert_eq!(
        log.last().unwrap().detail,
        json!({"version": 1, "features": 2, "source": "zones-2.geojson"})
    );
}

sitroom_tests::on_both_backends!(
    every_write_is_audited_with_it_and_failures_are_not,
    the_audit_log_keeps_entries_and_filters_them,
    a_load_round_trips_exactly,
    new_versions_become_current_and_rollback_restores_all_but_access,
    a_failed_load_leaves_the_previous_version_current_and_complete,
    deleting_a_layer_removes_it_and_its_versions,
    an_empty_version_is_allowed,
    tokens_are_stored_hashed_revoked_and_expire,
    concurrent_loads_of_one_layer_get_distinct_versions,
);

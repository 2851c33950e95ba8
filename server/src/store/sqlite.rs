//! What is SQLite's own: geometries as WKB with their bounding box beside them,
//! written in multi-row INSERTs inside the load transaction; the file opened in WAL mode
//! and its migrations.

use std::time::Duration;

use diesel::connection::SimpleConnection as _;
use diesel::prelude::*;
use diesel::r2d2::Pool;
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::connection::{Backend, Manager};
use super::{Store, StoreError, StoreResult};
use crate::model::Feature;

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

/// Rows per INSERT statement (15 columns each, under SQLite's 32,766 variables).
const INSERT_CHUNK: usize = 1000;

diesel::table! {
    features (layer_id, version, fid) {
        layer_id -> Text,
        version -> Integer,
        fid -> BigInt,
        source_id -> Nullable<Text>,
        geom -> Binary,
        west -> Double,
        south -> Double,
        east -> Double,
        north -> Double,
        properties -> Text,
        name -> Nullable<Text>,
        code -> Nullable<Text>,
        population -> Nullable<Double>,
        households -> Nullable<Double>,
        hazard_class -> Nullable<Text>,
    }
}

/// A feature as inserted: borrowed from the loaded features, so a load copies each
/// geometry and text once, into SQLite, and not first into a row of its own.
#[derive(Insertable)]
#[diesel(table_name = features)]
struct NewFeatureRow<'a> {
    layer_id: &'a str,
    version: i32,
    fid: i64,
    source_id: Option<&'a str>,
    geom: &'a [u8],
    west: f64,
    south: f64,
    east: f64,
    north: f64,
    properties: String,
    name: Option<&'a str>,
    code: Option<&'a str>,
    population: Option<f64>,
    households: Option<f64>,
    hazard_class: Option<&'a str>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = features)]
struct FeatureRow {
    fid: i64,
    source_id: Option<String>,
    geom: Vec<u8>,
    west: f64,
    south: f64,
    east: f64,
    north: f64,
    properties: String,
    name: Option<String>,
    code: Option<String>,
    population: Option<f64>,
    households: Option<f64>,
    hazard_class: Option<String>,
}

/// Opens (creating if needed) the SQLite file at `path` and migrates it.
///
/// # Errors
/// When the file cannot be opened or migrated.
pub(super) fn open(path: &str) -> StoreResult<Store> {
    let mut first = SqliteConnection::establish(path).map_err(|source| StoreError::Open {
        url: path.to_owned(),
        source,
    })?;
    first.batch_execute("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 30000;")?;
    first
        .run_pending_migrations(MIGRATIONS)
        .map_err(StoreError::Migration)?;
    drop(first);
    let pool = Pool::builder()
        .max_size(4)
        .connection_timeout(Duration::from_secs(30))
        .build(Manager {
            url: path.to_owned(),
            backend: Backend::Sqlite,
        })?;
    Ok(Store {
        pool,
        backend: Backend::Sqlite,
    })
}

/// Writes a version's features.
///
/// # Errors
/// When the database fails.
pub(super) fn write_features(
    conn: &mut SqliteConnection,
    id: &str,
    version: i32,
    feats: &[Feature],
) -> StoreResult<()> {
    for chunk in feats.chunks(INSERT_CHUNK) {
        let rows: Vec<NewFeatureRow<'_>> = chunk
            .iter()
            .map(|f| NewFeatureRow {
                layer_id: id,
                version,
                fid: f.fid,
                source_id: f.source_id.as_deref(),
                geom: &f.wkb,
                west: f.bbox[0],
                south: f.bbox[1],
                east: f.bbox[2],
                north: f.bbox[3],
                properties: serde_json::to_string(&f.properties).unwrap_or_else(|_| "{}".into()),
                name: f.name.as_deref(),
                code: f.code.as_deref(),
                population: f.population,
                households: f.households,
                hazard_class: f.hazard_class.as_deref(),
            })
            .collect();
        diesel::insert_into(features::table)
            .values(&rows)
            .execute(conn)?;
    }
    Ok(())
}

/// Deletes every feature of a layer.
///
/// # Errors
/// When the database fails.
pub(super) fn delete_features(conn: &mut SqliteConnection, id: &str) -> StoreResult<()> {
    diesel::delete(features::table.filter(features::layer_id.eq(id))).execute(conn)?;
    Ok(())
}

/// The features of one version, in load order.
///
/// # Errors
/// When the database fails or stored properties do not parse.
pub(super) fn read_features(
    conn: &mut SqliteConnection,
    id: &str,
    version: i32,
) -> StoreResult<Vec<Feature>> {
    let rows: Vec<FeatureRow> = features::table
        .filter(features::layer_id.eq(id))
        .filter(features::version.eq(version))
        .order(features::fid)
        .select(FeatureRow::as_select())
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            Ok(Feature {
                fid: r.fid,
                source_id: r.source_id,
                wkb: r.geom,
                bbox: [r.west, r.south, r.east, r.north],
                properties: serde_json::from_str(&r.properties).map_err(|e| {
                    StoreError::Corrupt {
                        what: "feature properties".into(),
                        source: Box::new(e),
                    }
                })?,
                name: r.name,
                code: r.code,
                population: r.population,
                households: r.households,
                hazard_class: r.hazard_class,
            })
        })
        .collect()
}

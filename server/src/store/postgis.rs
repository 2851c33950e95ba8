//! What is PostGIS's own: geometries in a `geometry(Geometry, 4326)` column with a GiST
//! index, written with `COPY` inside the load transaction and read back as WKB; the
//! pool and the migrations.

use std::time::Duration;

use diesel::pg::{CopyFormat, PgConnection};
use diesel::prelude::*;
use diesel::r2d2::Pool;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::connection::{Backend, Conn, Manager};
use super::{Store, StoreError, StoreResult, from_json};
use crate::model::Feature;

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// SRID of every stored geometry.
const SRID: u32 = 4326;

mod schema {
    diesel::table! {
        use diesel::sql_types::*;
        use postgis_diesel::sql_types::Geometry;
        features (layer_id, version, fid) {
            layer_id -> Text,
            version -> Integer,
            fid -> BigInt,
            source_id -> Nullable<Text>,
            geom -> Geometry,
            properties -> Jsonb,
            name -> Nullable<Text>,
            code -> Nullable<Text>,
            population -> Nullable<Double>,
            households -> Nullable<Double>,
            hazard_class -> Nullable<Text>,
        }
    }
}
use schema::features;

diesel::define_sql_function! {
    /// ISO WKB of a geometry.
    #[sql_name = "ST_AsBinary"]
    fn st_as_binary(g: postgis_diesel::sql_types::Geometry) -> diesel::sql_types::Binary;
}
diesel::define_sql_function! {
    /// Extent of a geometry, as west, south, east, north.
    #[sql_name = "ST_XMin"]
    fn st_xmin(g: postgis_diesel::sql_types::Geometry) -> diesel::sql_types::Double;
}
diesel::define_sql_function! {
    #[sql_name = "ST_YMin"]
    fn st_ymin(g: postgis_diesel::sql_types::Geometry) -> diesel::sql_types::Double;
}
diesel::define_sql_function! {
    #[sql_name = "ST_XMax"]
    fn st_xmax(g: postgis_diesel::sql_types::Geometry) -> diesel::sql_types::Double;
}
diesel::define_sql_function! {
    #[sql_name = "ST_YMax"]
    fn st_ymax(g: postgis_diesel::sql_types::Geometry) -> diesel::sql_types::Double;
}

/// A URL for messages: without its password.
fn shown(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…{}", &url[..scheme], &url[at..]),
        _ => url.to_owned(),
    }
}

/// Connects to `url` and migrates the schema.
///
/// # Errors
/// When the server cannot be reached or the schema cannot be migrated.
pub(super) fn open(url: &str) -> StoreResult<Store> {
    let pool = Pool::builder()
        .max_size(8)
        .connection_timeout(Duration::from_secs(10))
        .build(Manager {
            url: url.to_owned(),
            backend: Backend::Postgis,
        })
        .map_err(|e| {
            tracing::warn!(url = %shown(url), error = %e, "cannot connect to PostGIS");
            StoreError::from(e)
        })?;
    let store = Store {
        pool,
        backend: Backend::Postgis,
    };
    let mut conn = store.conn()?;
    if let Conn::Pg(c) = &mut *conn {
        c.run_pending_migrations(MIGRATIONS)
            .map_err(StoreError::Migration)?;
    }
    drop(conn);
    Ok(store)
}

/// EWKB with SRID 4326 from ISO WKB (2D): sets the SRID flag on the outer geometry.
fn ewkb(wkb: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(wkb.len() + 4);
    if wkb.len() < 5 {
        return wkb.to_vec();
    }
    let little = wkb[0] == 1;
    let ty_bytes: [u8; 4] = [wkb[1], wkb[2], wkb[3], wkb[4]];
    let ty = if little {
        u32::from_le_bytes(ty_bytes)
    } else {
        u32::from_be_bytes(ty_bytes)
    } | 0x2000_0000;
    out.push(wkb[0]);
    if little {
        out.extend_from_slice(&ty.to_le_bytes());
        out.extend_from_slice(&SRID.to_le_bytes());
    } else {
        out.extend_from_slice(&ty.to_be_bytes());
        out.extend_from_slice(&SRID.to_be_bytes());
    }
    out.extend_from_slice(&wkb[5..]);
    out
}

/// Writes one COPY text-format field (escaped), or `\N` for NULL.
fn copy_field(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        None => out.extend_from_slice(b"\\N"),
        Some(s) => {
            for b in s.bytes() {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    other => out.push(other),
                }
            }
        }
    }
}

/// The COPY text rows of a load's features.
fn copy_rows(layer: &str, version: i32, feats: &[Feature]) -> Vec<u8> {
    let mut out = Vec::with_capacity(feats.iter().map(|f| f.wkb.len() * 2 + 256).sum());
    for f in feats {
        let num = |v: Option<f64>| v.map(|n| n.to_string());
        let fields: [Option<String>; 11] = [
            Some(layer.to_owned()),
            Some(version.to_string()),
            Some(f.fid.to_string()),
            f.source_id.clone(),
            Some(hex::encode(ewkb(&f.wkb))),
            Some(serde_json::to_string(&f.properties).unwrap_or_else(|_| "{}".into())),
            f.name.clone(),
            f.code.clone(),
            num(f.population),
            num(f.households),
            f.hazard_class.clone(),
        ];
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                out.push(b'\t');
            }
            copy_field(&mut out, field.as_deref());
        }
        out.push(b'\n');
    }
    out
}

/// Writes a version's features with `COPY`.
///
/// # Errors
/// When the database fails.
pub(super) fn write_features(
    conn: &mut PgConnection,
    id: &str,
    version: i32,
    feats: &[Feature],
) -> StoreResult<()> {
    let rows = copy_rows(id, version, feats);
    diesel::copy_from(features::table)
        .from_raw_data(
            (
                features::layer_id,
                features::version,
                features::fid,
                features::source_id,
                features::geom,
                features::properties,
                features::name,
                features::code,
                features::population,
                features::households,
                features::hazard_class,
            ),
            |w| {
                w.write_all(&rows)
                    .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
            },
        )
        .with_format(CopyFormat::Text)
        .execute(conn)?;
    Ok(())
}

/// Deletes every feature of a layer.
///
/// # Errors
/// When the database fails.
pub(super) fn delete_features(conn: &mut PgConnection, id: &str) -> StoreResult<()> {
    diesel::delete(features::table.filter(features::layer_id.eq(id))).execute(conn)?;
    Ok(())
}

/// The features of one version, in load order.
///
/// # Errors
/// When the database fails or stored properties do not parse.
pub(super) fn read_features(
    conn: &mut PgConnection,
    id: &str,
    version: i32,
) -> StoreResult<Vec<Feature>> {
    type Row = (
        i64,
        Option<String>,
        Vec<u8>,
        (f64, f64, f64, f64),
        serde_json::Value,
        Option<String>,
        Option<String>,
        Option<f64>,
        Option<f64>,
        Option<String>,
    );
    let rows: Vec<Row> = features::table
        .filter(features::layer_id.eq(id))
        .filter(features::version.eq(version))
        .order(features::fid)
        .select((
            features::fid,
            features::source_id,
            st_as_binary(features::geom),
            (
                st_xmin(features::geom),
                st_ymin(features::geom),
                st_xmax(features::geom),
                st_ymax(features::geom),
            ),
            features::properties,
            features::name,
            features::code,
            features::population,
            features::households,
            features::hazard_class,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(
            |(
                fid,
                source_id,
                wkb,
                (w, s, e, n),
                props,
                name,
                code,
                population,
                households,
                hazard_class,
            )| {
                Ok(Feature {
                    fid,
                    source_id,
                    wkb,
                    bbox: [w, s, e, n],
                    properties: from_json("feature properties", props)?,
                    name,
                    code,
                    population,
                    households,
                    hazard_class,
                })
            },
        )
        .collect()
}

//! PostGIS store: diesel over PostgreSQL, geometries in a `geometry(Geometry, 4326)`
//! column with a GiST index, features written with `COPY` inside the load transaction.

use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::pg::{CopyFormat, PgConnection};
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::{NewVersion, Store, StoreError, StoreResult, bbox_of, version_not_found};
use crate::model::{
    AccessChange, ApiToken, AuditEntry, AuditQuery, Feature, Layer, LayerDetail, LayerId,
    LayerMeta, LayerVersion,
};

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// SRID of every stored geometry.
const SRID: u32 = 4326;

mod schema {
    diesel::table! {
        layers (id) {
            id -> Text,
            meta -> Jsonb,
            current_version -> Integer,
            created_by -> Text,
            created_at -> Timestamptz,
            updated_by -> Text,
            updated_at -> Timestamptz,
        }
    }
    diesel::table! {
        layer_versions (layer_id, version) {
            layer_id -> Text,
            version -> Integer,
            meta -> Jsonb,
            source_name -> Text,
            source_sha256 -> Text,
            feature_count -> BigInt,
            west -> Nullable<Double>,
            south -> Nullable<Double>,
            east -> Nullable<Double>,
            north -> Nullable<Double>,
            report -> Jsonb,
            loaded_by -> Text,
            loaded_at -> Timestamptz,
        }
    }
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
    diesel::table! {
        api_tokens (id) {
            id -> Integer,
            name -> Text,
            token_sha256 -> Text,
            created_at -> Timestamptz,
            expires_at -> Nullable<Timestamptz>,
            revoked_at -> Nullable<Timestamptz>,
            role -> Text,
        }
    }
    diesel::table! {
        audit_log (id) {
            id -> BigInt,
            at -> Timestamptz,
            actor -> Text,
            action -> Text,
            target -> Text,
            detail -> Jsonb,
        }
    }
    diesel::allow_tables_to_appear_in_same_query!(layers, layer_versions);
}
use schema::{api_tokens, audit_log, features, layer_versions, layers};

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

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = layers)]
struct LayerRow {
    id: String,
    meta: serde_json::Value,
    current_version: i32,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_by: String,
    updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = layer_versions)]
struct VersionRow {
    layer_id: String,
    version: i32,
    meta: serde_json::Value,
    source_name: String,
    source_sha256: String,
    feature_count: i64,
    west: Option<f64>,
    south: Option<f64>,
    east: Option<f64>,
    north: Option<f64>,
    report: serde_json::Value,
    loaded_by: String,
    loaded_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = api_tokens)]
struct TokenRow {
    name: String,
    token_sha256: String,
    created_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    role: String,
}

fn from_value<T: serde::de::DeserializeOwned>(what: &str, v: serde_json::Value) -> StoreResult<T> {
    serde_json::from_value(v).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn to_value<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

impl VersionRow {
    fn into_version(self) -> StoreResult<LayerVersion> {
        Ok(LayerVersion {
            version: self.version,
            source_name: self.source_name,
            source_sha256: self.source_sha256,
            feature_count: self.feature_count,
            bbox: bbox_of(self.west, self.south, self.east, self.north),
            report: from_value("load report", self.report)?,
            loaded_by: self.loaded_by,
            loaded_at: self.loaded_at,
        })
    }
}

fn to_layer(row: LayerRow, feature_count: i64) -> StoreResult<Layer> {
    Ok(Layer {
        meta: from_value::<LayerMeta>("layer metadata", row.meta)?,
        current_version: row.current_version,
        feature_count,
        created_by: row.created_by,
        created_at: row.created_at,
        updated_by: row.updated_by,
        updated_at: row.updated_at,
    })
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
struct AuditRow {
    at: DateTime<Utc>,
    actor: String,
    action: String,
    target: String,
    detail: serde_json::Value,
}

impl TokenRow {
    fn into_token(self) -> StoreResult<ApiToken> {
        Ok(ApiToken {
            role: self
                .role
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("token {}: {e}", self.name)))?,
            name: self.name,
            token_sha256: self.token_sha256,
            created_at: self.created_at,
            expires_at: self.expires_at,
            revoked_at: self.revoked_at,
        })
    }
}

/// The PostGIS store.
pub struct PostgisStore {
    pool: Pool<ConnectionManager<PgConnection>>,
}

impl PostgisStore {
    /// Connects to `url` and migrates the schema.
    ///
    /// # Errors
    /// When the server cannot be reached or the schema cannot be migrated.
    pub fn open(url: &str) -> StoreResult<Self> {
        let pool = Pool::builder()
            .max_size(8)
            .connection_timeout(Duration::from_secs(10))
            .build(ConnectionManager::new(url))
            .map_err(|e| StoreError::Unavailable(format!("cannot connect to PostGIS: {e}")))?;
        let store = Self { pool };
        store
            .conn()?
            .run_pending_migrations(MIGRATIONS)
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        Ok(store)
    }

    fn conn(&self) -> StoreResult<diesel::r2d2::PooledConnection<ConnectionManager<PgConnection>>> {
        self.pool
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))
    }
}

fn versions_of(conn: &mut PgConnection, id: &str) -> StoreResult<Vec<i32>> {
    Ok(layer_versions::table
        .filter(layer_versions::layer_id.eq(id))
        .select(layer_versions::version)
        .order(layer_versions::version)
        .load(conn)?)
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

impl Store for PostgisStore {
    fn backend(&self) -> &'static str {
        "postgis"
    }

    fn layers(&self) -> StoreResult<Vec<Layer>> {
        let mut conn = self.conn()?;
        let rows: Vec<(LayerRow, Option<i64>)> = layers::table
            .left_join(
                layer_versions::table.on(layer_versions::layer_id
                    .eq(layers::id)
                    .and(layer_versions::version.eq(layers::current_version))),
            )
            .select((
                LayerRow::as_select(),
                layer_versions::feature_count.nullable(),
            ))
            .order(layers::id)
            .load(&mut conn)?;
        rows.into_iter()
            .map(|(row, n)| to_layer(row, n.unwrap_or(0)))
            .collect()
    }

    fn layer(&self, id: &LayerId) -> StoreResult<Option<LayerDetail>> {
        let mut conn = self.conn()?;
        let Some(row) = layers::table
            .find(id.as_str())
            .select(LayerRow::as_select())
            .first(&mut conn)
            .optional()?
        else {
            return Ok(None);
        };
        let versions = layer_versions::table
            .filter(layer_versions::layer_id.eq(id.as_str()))
            .order(layer_versions::version.desc())
            .select(VersionRow::as_select())
            .load(&mut conn)?
            .into_iter()
            .map(VersionRow::into_version)
            .collect::<StoreResult<Vec<_>>>()?;
        let count = versions
            .iter()
            .find(|v| v.version == row.current_version)
            .map_or(0, |v| v.feature_count);
        Ok(Some(LayerDetail {
            layer: to_layer(row, count)?,
            versions,
        }))
    }

    fn commit_version(&self, new: &NewVersion, feats: &[Feature]) -> StoreResult<LayerVersion> {
        let mut conn = self.conn()?;
        let id = new.meta.id.as_str();
        let now = Utc::now();
        let meta = to_value(&new.meta);
        let count = i64::try_from(feats.len()).unwrap_or(i64::MAX);
        conn.transaction(|c| {
            // Serialise loads of one layer: the row lock (or, for a new layer, the
            // advisory lock on its id) is held until commit.
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
                .bind::<diesel::sql_types::Text, _>(id)
                .execute(c)?;
            let latest: Option<i32> = layer_versions::table
                .filter(layer_versions::layer_id.eq(id))
                .select(diesel::dsl::max(layer_versions::version))
                .first(c)?;
            let version = latest.unwrap_or(0) + 1;
            diesel::insert_into(layers::table)
                .values(&LayerRow {
                    id: id.to_owned(),
                    meta: meta.clone(),
                    current_version: version,
                    created_by: new.loaded_by.clone(),
                    created_at: now,
                    updated_by: new.loaded_by.clone(),
                    updated_at: now,
                })
                .on_conflict_do_nothing()
                .execute(c)?;
            diesel::insert_into(layer_versions::table)
                .values(&VersionRow {
                    layer_id: id.to_owned(),
                    version,
                    meta: meta.clone(),
                    source_name: new.source_name.clone(),
                    source_sha256: new.source_sha256.clone(),
                    feature_count: count,
                    west: new.bbox.map(|b| b[0]),
                    south: new.bbox.map(|b| b[1]),
                    east: new.bbox.map(|b| b[2]),
                    north: new.bbox.map(|b| b[3]),
                    report: to_value(&new.report),
                    loaded_by: new.loaded_by.clone(),
                    loaded_at: now,
                })
                .execute(c)?;
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
                .execute(c)?;
            diesel::update(layers::table.find(id))
                .set((
                    layers::meta.eq(&meta),
                    layers::current_version.eq(version),
                    layers::updated_by.eq(&new.loaded_by),
                    layers::updated_at.eq(now),
                ))
                .execute(c)?;
            Ok::<_, StoreError>(LayerVersion {
                version,
                source_name: new.source_name.clone(),
                source_sha256: new.source_sha256.clone(),
                feature_count: count,
                bbox: new.bbox,
                report: new.report.clone(),
                loaded_by: new.loaded_by.clone(),
                loaded_at: now,
            })
        })
    }

    fn rollback(&self, id: &LayerId, version: i32, by: &str) -> StoreResult<Layer> {
        let mut conn = self.conn()?;
        conn.transaction(|c| {
            let existing = versions_of(c, id.as_str())?;
            if existing.is_empty() {
                return Err(StoreError::LayerNotFound(id.clone()));
            }
            let Some((meta, count)) = layer_versions::table
                .find((id.as_str(), version))
                .select((layer_versions::meta, layer_versions::feature_count))
                .first::<(serde_json::Value, i64)>(c)
                .optional()?
            else {
                return Err(version_not_found(id, version, &existing));
            };
            let current: serde_json::Value = layers::table
                .find(id.as_str())
                .select(layers::meta)
                .for_update()
                .first(c)?;
            let mut restored = from_value::<LayerMeta>("layer metadata", meta)?;
            AccessChange::of(&from_value::<LayerMeta>("layer metadata", current)?)
                .apply(&mut restored);
            let row: LayerRow = diesel::update(layers::table.find(id.as_str()))
                .set((
                    layers::meta.eq(to_value(&restored)),
                    layers::current_version.eq(version),
                    layers::updated_by.eq(by),
                    layers::updated_at.eq(Utc::now()),
                ))
                .returning(LayerRow::as_returning())
                .get_result(c)?;
            to_layer(row, count)
        })
    }

    fn set_access(&self, id: &LayerId, change: &AccessChange, by: &str) -> StoreResult<Layer> {
        let mut conn = self.conn()?;
        conn.transaction(|c| {
            let Some((meta, version)) = layers::table
                .find(id.as_str())
                .select((layers::meta, layers::current_version))
                .for_update()
                .first::<(serde_json::Value, i32)>(c)
                .optional()?
            else {
                return Err(StoreError::LayerNotFound(id.clone()));
            };
            let mut meta = from_value::<LayerMeta>("layer metadata", meta)?;
            change.apply(&mut meta);
            let count: i64 = layer_versions::table
                .find((id.as_str(), version))
                .select(layer_versions::feature_count)
                .first(c)?;
            let row: LayerRow = diesel::update(layers::table.find(id.as_str()))
                .set((
                    layers::meta.eq(to_value(&meta)),
                    layers::updated_by.eq(by),
                    layers::updated_at.eq(Utc::now()),
                ))
                .returning(LayerRow::as_returning())
                .get_result(c)?;
            to_layer(row, count)
        })
    }

    fn delete_layer(&self, id: &LayerId) -> StoreResult<bool> {
        let mut conn = self.conn()?;
        Ok(diesel::delete(layers::table.find(id.as_str())).execute(&mut conn)? > 0)
    }

    fn features(&self, id: &LayerId, version: i32) -> StoreResult<Vec<Feature>> {
        let mut conn = self.conn()?;
        let existing = versions_of(&mut conn, id.as_str())?;
        if existing.is_empty() {
            return Err(StoreError::LayerNotFound(id.clone()));
        }
        if !existing.contains(&version) {
            return Err(version_not_found(id, version, &existing));
        }
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
            .filter(features::layer_id.eq(id.as_str()))
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
            .load(&mut conn)?;
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
                        properties: from_value("feature properties", props)?,
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

    fn add_token(&self, token: &ApiToken) -> StoreResult<()> {
        let mut conn = self.conn()?;
        diesel::insert_into(api_tokens::table)
            .values(&TokenRow {
                name: token.name.clone(),
                token_sha256: token.token_sha256.clone(),
                created_at: token.created_at,
                expires_at: token.expires_at,
                revoked_at: token.revoked_at,
                role: token.role.as_str().to_owned(),
            })
            .execute(&mut conn)?;
        Ok(())
    }

    fn token_by_hash(&self, sha256: &str) -> StoreResult<Option<ApiToken>> {
        let mut conn = self.conn()?;
        api_tokens::table
            .filter(api_tokens::token_sha256.eq(sha256))
            .select(TokenRow::as_select())
            .first(&mut conn)
            .optional()?
            .map(TokenRow::into_token)
            .transpose()
    }

    fn tokens(&self) -> StoreResult<Vec<ApiToken>> {
        let mut conn = self.conn()?;
        api_tokens::table
            .order(api_tokens::name)
            .select(TokenRow::as_select())
            .load(&mut conn)?
            .into_iter()
            .map(TokenRow::into_token)
            .collect::<StoreResult<_>>()
    }

    fn revoke_token(&self, name: &str) -> StoreResult<bool> {
        let mut conn = self.conn()?;
        Ok(diesel::update(
            api_tokens::table
                .filter(api_tokens::name.eq(name))
                .filter(api_tokens::revoked_at.is_null()),
        )
        .set(api_tokens::revoked_at.eq(Utc::now()))
        .execute(&mut conn)?
            > 0)
    }

    fn record(&self, entry: &AuditEntry) -> StoreResult<()> {
        let mut conn = self.conn()?;
        diesel::insert_into(audit_log::table)
            .values(&AuditRow {
                at: entry.at,
                actor: entry.actor.clone(),
                action: entry.action.clone(),
                target: entry.target.clone(),
                detail: entry.detail.clone(),
            })
            .execute(&mut conn)?;
        Ok(())
    }

    fn audit_log(&self, q: &AuditQuery) -> StoreResult<Vec<AuditEntry>> {
        let mut conn = self.conn()?;
        let mut query = audit_log::table.into_boxed();
        if let Some(a) = &q.actor {
            query = query.filter(audit_log::actor.eq(a));
        }
        if let Some(a) = &q.action {
            query = query.filter(audit_log::action.eq(a));
        }
        if let Some(t) = &q.target {
            query = query.filter(audit_log::target.eq(t));
        }
        if let Some(since) = q.since {
            query = query.filter(audit_log::at.ge(since));
        }
        Ok(query
            .order(audit_log::id.desc())
            .limit(q.limit)
            .select(AuditRow::as_select())
            .load(&mut conn)?
            .into_iter()
            .map(|r| AuditEntry {
                at: r.at,
                actor: r.actor,
                action: r.action,
                target: r.target,
                detail: r.detail,
            })
            .collect())
    }
}

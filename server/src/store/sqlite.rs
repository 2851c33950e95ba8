//! Embedded store: one SQLite file (WAL mode), geometries as WKB with their bbox.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::{
    NewVersion, Store, StoreError, StoreResult, bbox_of, from_json, to_json, version_not_found,
};
use crate::model::{
    AccessChange, ApiToken, AuditEntry, AuditQuery, Feature, Layer, LayerDetail, LayerId,
    LayerMeta, LayerVersion,
};

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

/// Rows per INSERT statement (15 columns each, under SQLite's 32,766 variables).
const INSERT_CHUNK: usize = 1000;

mod schema {
    diesel::table! {
        layers (id) {
            id -> Text,
            meta -> Text,
            current_version -> Integer,
            created_by -> Text,
            created_at -> Text,
            updated_by -> Text,
            updated_at -> Text,
        }
    }
    diesel::table! {
        layer_versions (layer_id, version) {
            layer_id -> Text,
            version -> Integer,
            meta -> Text,
            source_name -> Text,
            source_sha256 -> Text,
            feature_count -> BigInt,
            west -> Nullable<Double>,
            south -> Nullable<Double>,
            east -> Nullable<Double>,
            north -> Nullable<Double>,
            report -> Text,
            loaded_by -> Text,
            loaded_at -> Text,
        }
    }
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
    diesel::table! {
        api_tokens (id) {
            id -> Integer,
            name -> Text,
            token_sha256 -> Text,
            created_at -> Text,
            expires_at -> Nullable<Text>,
            revoked_at -> Nullable<Text>,
            role -> Text,
        }
    }
    diesel::joinable!(layer_versions -> layers (layer_id));
    diesel::table! {
        audit_log (id) {
            id -> Integer,
            at -> Text,
            actor -> Text,
            action -> Text,
            target -> Text,
            detail -> Text,
        }
    }
    diesel::allow_tables_to_appear_in_same_query!(layers, layer_versions);
}
use schema::{api_tokens, audit_log, features, layer_versions, layers};

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn parse_ts(s: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("time '{s}': {e}")))
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = layers)]
struct LayerRow {
    id: String,
    meta: String,
    current_version: i32,
    created_by: String,
    created_at: String,
    updated_by: String,
    updated_at: String,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = layer_versions)]
struct VersionRow {
    layer_id: String,
    version: i32,
    meta: String,
    source_name: String,
    source_sha256: String,
    feature_count: i64,
    west: Option<f64>,
    south: Option<f64>,
    east: Option<f64>,
    north: Option<f64>,
    report: String,
    loaded_by: String,
    loaded_at: String,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = features)]
struct FeatureRow {
    layer_id: String,
    version: i32,
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

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = api_tokens)]
struct TokenRow {
    name: String,
    token_sha256: String,
    created_at: String,
    expires_at: Option<String>,
    revoked_at: Option<String>,
    role: String,
}

impl VersionRow {
    fn into_version(self) -> StoreResult<LayerVersion> {
        Ok(LayerVersion {
            version: self.version,
            source_name: self.source_name,
            source_sha256: self.source_sha256,
            feature_count: self.feature_count,
            bbox: bbox_of(self.west, self.south, self.east, self.north),
            report: from_json("load report", &self.report)?,
            loaded_by: self.loaded_by,
            loaded_at: parse_ts(&self.loaded_at)?,
        })
    }
}

fn to_layer(row: LayerRow, feature_count: i64) -> StoreResult<Layer> {
    Ok(Layer {
        meta: from_json::<LayerMeta>("layer metadata", &row.meta)?,
        current_version: row.current_version,
        feature_count,
        created_by: row.created_by,
        created_at: parse_ts(&row.created_at)?,
        updated_by: row.updated_by,
        updated_at: parse_ts(&row.updated_at)?,
    })
}

#[derive(Insertable, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
struct AuditRow {
    at: String,
    actor: String,
    action: String,
    target: String,
    detail: String,
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
            created_at: parse_ts(&self.created_at)?,
            expires_at: self.expires_at.as_deref().map(parse_ts).transpose()?,
            revoked_at: self.revoked_at.as_deref().map(parse_ts).transpose()?,
        })
    }
}

/// Sets the pragmas every connection needs.
#[derive(Debug)]
struct Pragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(
            "PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// The embedded SQLite store.
pub struct SqliteStore {
    pool: Pool<ConnectionManager<SqliteConnection>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the SQLite file at `path` and migrates it.
    ///
    /// # Errors
    /// When the file cannot be opened or migrated.
    pub fn open(path: &Path) -> StoreResult<Self> {
        let url = path.to_string_lossy().into_owned();
        let mut first = SqliteConnection::establish(&url)
            .map_err(|e| StoreError::Unavailable(format!("cannot open '{url}': {e}")))?;
        first.batch_execute("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 30000;")?;
        first
            .run_pending_migrations(MIGRATIONS)
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        drop(first);
        let pool = Pool::builder()
            .max_size(4)
            .connection_timeout(Duration::from_secs(30))
            .connection_customizer(Box::new(Pragmas))
            .build(ConnectionManager::new(url))
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(Self { pool })
    }

    fn conn(
        &self,
    ) -> StoreResult<diesel::r2d2::PooledConnection<ConnectionManager<SqliteConnection>>> {
        self.pool
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))
    }
}

fn versions_of(conn: &mut SqliteConnection, id: &str) -> StoreResult<Vec<i32>> {
    Ok(layer_versions::table
        .filter(layer_versions::layer_id.eq(id))
        .select(layer_versions::version)
        .order(layer_versions::version)
        .load(conn)?)
}

impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
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
        let versions: Vec<VersionRow> = layer_versions::table
            .filter(layer_versions::layer_id.eq(id.as_str()))
            .order(layer_versions::version.desc())
            .select(VersionRow::as_select())
            .load(&mut conn)?;
        let versions = versions
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
        let meta = to_json(&new.meta);
        let report = to_json(&new.report);
        conn.immediate_transaction(|c| {
            let latest: Option<i32> = layer_versions::table
                .filter(layer_versions::layer_id.eq(id))
                .select(diesel::dsl::max(layer_versions::version))
                .first(c)?;
            let version = latest.unwrap_or(0) + 1;
            let exists = layers::table.find(id).count().get_result::<i64>(c)? > 0;
            if !exists {
                diesel::insert_into(layers::table)
                    .values(&LayerRow {
                        id: id.to_owned(),
                        meta: meta.clone(),
                        current_version: version,
                        created_by: new.loaded_by.clone(),
                        created_at: ts(now),
                        updated_by: new.loaded_by.clone(),
                        updated_at: ts(now),
                    })
                    .execute(c)?;
            }
            let bbox = new.bbox;
            diesel::insert_into(layer_versions::table)
                .values(&VersionRow {
                    layer_id: id.to_owned(),
                    version,
                    meta: meta.clone(),
                    source_name: new.source_name.clone(),
                    source_sha256: new.source_sha256.clone(),
                    feature_count: i64::try_from(feats.len()).unwrap_or(i64::MAX),
                    west: bbox.map(|b| b[0]),
                    south: bbox.map(|b| b[1]),
                    east: bbox.map(|b| b[2]),
                    north: bbox.map(|b| b[3]),
                    report: report.clone(),
                    loaded_by: new.loaded_by.clone(),
                    loaded_at: ts(now),
                })
                .execute(c)?;
            for chunk in feats.chunks(INSERT_CHUNK) {
                let rows: Vec<FeatureRow> = chunk
                    .iter()
                    .map(|f| FeatureRow {
                        layer_id: id.to_owned(),
                        version,
                        fid: f.fid,
                        source_id: f.source_id.clone(),
                        geom: f.wkb.clone(),
                        west: f.bbox[0],
                        south: f.bbox[1],
                        east: f.bbox[2],
                        north: f.bbox[3],
                        properties: to_json(&f.properties),
                        name: f.name.clone(),
                        code: f.code.clone(),
                        population: f.population,
                        households: f.households,
                        hazard_class: f.hazard_class.clone(),
                    })
                    .collect();
                diesel::insert_into(features::table)
                    .values(&rows)
                    .execute(c)?;
            }
            diesel::update(layers::table.find(id))
                .set((
                    layers::meta.eq(&meta),
                    layers::current_version.eq(version),
                    layers::updated_by.eq(&new.loaded_by),
                    layers::updated_at.eq(ts(now)),
                ))
                .execute(c)?;
            Ok::<_, StoreError>(LayerVersion {
                version,
                source_name: new.source_name.clone(),
                source_sha256: new.source_sha256.clone(),
                feature_count: i64::try_from(feats.len()).unwrap_or(i64::MAX),
                bbox,
                report: new.report.clone(),
                loaded_by: new.loaded_by.clone(),
                loaded_at: parse_ts(&ts(now))?,
            })
        })
    }

    fn rollback(&self, id: &LayerId, version: i32, by: &str) -> StoreResult<Layer> {
        let mut conn = self.conn()?;
        conn.immediate_transaction(|c| {
            if layers::table
                .find(id.as_str())
                .count()
                .get_result::<i64>(c)?
                == 0
            {
                return Err(StoreError::LayerNotFound(id.clone()));
            }
            let Some((meta, count)) = layer_versions::table
                .find((id.as_str(), version))
                .select((layer_versions::meta, layer_versions::feature_count))
                .first::<(String, i64)>(c)
                .optional()?
            else {
                return Err(version_not_found(
                    id,
                    version,
                    &versions_of(c, id.as_str())?,
                ));
            };
            let current: String = layers::table
                .find(id.as_str())
                .select(layers::meta)
                .first(c)?;
            let mut restored = from_json::<LayerMeta>("layer metadata", &meta)?;
            AccessChange::of(&from_json::<LayerMeta>("layer metadata", &current)?)
                .apply(&mut restored);
            let row: LayerRow = diesel::update(layers::table.find(id.as_str()))
                .set((
                    layers::meta.eq(to_json(&restored)),
                    layers::current_version.eq(version),
                    layers::updated_by.eq(by),
                    layers::updated_at.eq(ts(Utc::now())),
                ))
                .returning(LayerRow::as_returning())
                .get_result(c)?;
            to_layer(row, count)
        })
    }

    fn set_access(&self, id: &LayerId, change: &AccessChange, by: &str) -> StoreResult<Layer> {
        let mut conn = self.conn()?;
        conn.immediate_transaction(|c| {
            let Some((meta, version)) = layers::table
                .find(id.as_str())
                .select((layers::meta, layers::current_version))
                .first::<(String, i32)>(c)
                .optional()?
            else {
                return Err(StoreError::LayerNotFound(id.clone()));
            };
            let mut meta = from_json::<LayerMeta>("layer metadata", &meta)?;
            change.apply(&mut meta);
            let count: i64 = layer_versions::table
                .find((id.as_str(), version))
                .select(layer_versions::feature_count)
                .first(c)?;
            let row: LayerRow = diesel::update(layers::table.find(id.as_str()))
                .set((
                    layers::meta.eq(to_json(&meta)),
                    layers::updated_by.eq(by),
                    layers::updated_at.eq(ts(Utc::now())),
                ))
                .returning(LayerRow::as_returning())
                .get_result(c)?;
            to_layer(row, count)
        })
    }

    fn delete_layer(&self, id: &LayerId) -> StoreResult<bool> {
        let mut conn = self.conn()?;
        conn.immediate_transaction(|c| {
            diesel::delete(features::table.filter(features::layer_id.eq(id.as_str())))
                .execute(c)?;
            Ok(diesel::delete(layers::table.find(id.as_str())).execute(c)? > 0)
        })
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
        let rows: Vec<FeatureRow> = features::table
            .filter(features::layer_id.eq(id.as_str()))
            .filter(features::version.eq(version))
            .order(features::fid)
            .select(FeatureRow::as_select())
            .load(&mut conn)?;
        rows.into_iter()
            .map(|r| {
                Ok(Feature {
                    fid: r.fid,
                    source_id: r.source_id,
                    wkb: r.geom,
                    bbox: [r.west, r.south, r.east, r.north],
                    properties: from_json("feature properties", &r.properties)?,
                    name: r.name,
                    code: r.code,
                    population: r.population,
                    households: r.households,
                    hazard_class: r.hazard_class,
                })
            })
            .collect()
    }

    fn add_token(&self, token: &ApiToken) -> StoreResult<()> {
        let mut conn = self.conn()?;
        diesel::insert_into(api_tokens::table)
            .values(&TokenRow {
                name: token.name.clone(),
                token_sha256: token.token_sha256.clone(),
                created_at: ts(token.created_at),
                expires_at: token.expires_at.map(ts),
                revoked_at: token.revoked_at.map(ts),
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
            .collect()
    }

    fn revoke_token(&self, name: &str) -> StoreResult<bool> {
        let mut conn = self.conn()?;
        Ok(diesel::update(
            api_tokens::table
                .filter(api_tokens::name.eq(name))
                .filter(api_tokens::revoked_at.is_null()),
        )
        .set(api_tokens::revoked_at.eq(ts(Utc::now())))
        .execute(&mut conn)?
            > 0)
    }

    fn record(&self, entry: &AuditEntry) -> StoreResult<()> {
        let mut conn = self.conn()?;
        diesel::insert_into(audit_log::table)
            .values(&AuditRow {
                at: ts(entry.at),
                actor: entry.actor.clone(),
                action: entry.action.clone(),
                target: entry.target.clone(),
                detail: entry.detail.to_string(),
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
            query = query.filter(audit_log::at.ge(ts(since)));
        }
        query
            .order(audit_log::id.desc())
            .limit(q.limit)
            .select(AuditRow::as_select())
            .load(&mut conn)?
            .into_iter()
            .map(|r| {
                Ok(AuditEntry {
                    at: parse_ts(&r.at)?,
                    detail: serde_json::from_str(&r.detail)
                        .map_err(|e| StoreError::Corrupt(format!("audit detail: {e}")))?,
                    actor: r.actor,
                    action: r.action,
                    target: r.target,
                })
            })
            .collect()
    }
}

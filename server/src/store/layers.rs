//! Layers and their versions: listing, loading a new version, rolling back, changing who
//! may read a layer, deleting, reading a version's features.

use chrono::Utc;
use diesel::prelude::*;
use serde_json::json;

use super::audit::append;
use super::connection::{Conn, lock_layer, write};
use super::schema::{layer_versions, layers};
use super::types::{Json, Time};
use super::{
    NewVersion, Store, StoreError, StoreResult, from_json, postgis, sqlite, to_json,
    version_not_found,
};
use crate::model::{
    AccessChange, AuditEntry, Feature, Layer, LayerDetail, LayerId, LayerMeta, LayerVersion,
};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = layers)]
struct LayerRow {
    id: String,
    meta: Json,
    current_version: i32,
    created_by: String,
    created_at: Time,
    updated_by: String,
    updated_at: Time,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = layer_versions)]
struct VersionRow {
    layer_id: String,
    version: i32,
    meta: Json,
    source_name: String,
    source_sha256: String,
    feature_count: i64,
    west: Option<f64>,
    south: Option<f64>,
    east: Option<f64>,
    north: Option<f64>,
    report: Json,
    loaded_by: String,
    loaded_at: Time,
}

impl VersionRow {
    fn into_version(self) -> StoreResult<LayerVersion> {
        let bbox = (|| Some([self.west?, self.south?, self.east?, self.north?]))();
        Ok(LayerVersion {
            version: self.version,
            source_name: self.source_name,
            source_sha256: self.source_sha256,
            feature_count: self.feature_count,
            bbox,
            report: from_json("load report", self.report.0)?,
            loaded_by: self.loaded_by,
            loaded_at: self.loaded_at.0,
        })
    }
}

fn to_layer(row: LayerRow, feature_count: i64) -> StoreResult<Layer> {
    Ok(Layer {
        meta: from_json::<LayerMeta>("layer metadata", row.meta.0)?,
        current_version: row.current_version,
        feature_count,
        created_by: row.created_by,
        created_at: row.created_at.0,
        updated_by: row.updated_by,
        updated_at: row.updated_at.0,
    })
}

fn versions_of(conn: &mut Conn, id: &str) -> StoreResult<Vec<i32>> {
    Ok(layer_versions::table
        .filter(layer_versions::layer_id.eq(id))
        .select(layer_versions::version)
        .order(layer_versions::version)
        .load(conn)?)
}

/// The metadata of `version` of layer `id` with the layer's present access: who may read
/// a layer never follows an earlier version (see [`AccessChange`]).
fn meta_of_version(conn: &mut Conn, id: &LayerId, version: i32) -> StoreResult<LayerMeta> {
    let Some(current) = layer_row(conn, id.as_str())? else {
        return Err(StoreError::LayerNotFound(id.clone()));
    };
    let Some(meta) = layer_versions::table
        .find((id.as_str(), version))
        .select(layer_versions::meta)
        .first::<Json>(conn)
        .optional()?
    else {
        return Err(version_not_found(
            id,
            version,
            &versions_of(conn, id.as_str())?,
        ));
    };
    let mut restored = from_json::<LayerMeta>("layer metadata", meta.0)?;
    AccessChange::of(&from_json::<LayerMeta>("layer metadata", current.meta.0)?)
        .apply(&mut restored);
    Ok(restored)
}

fn layer_row(conn: &mut Conn, id: &str) -> StoreResult<Option<LayerRow>> {
    Ok(layers::table
        .find(id)
        .select(LayerRow::as_select())
        .first(conn)
        .optional()?)
}

fn feature_count(conn: &mut Conn, id: &str, version: i32) -> StoreResult<i64> {
    Ok(layer_versions::table
        .find((id, version))
        .select(layer_versions::feature_count)
        .first(conn)?)
}

/// Sets the layer's metadata (and current version, and who changed it when) and
/// returns it as it now is.
fn update_layer(
    conn: &mut Conn,
    id: &str,
    meta: &LayerMeta,
    version: i32,
    by: &str,
) -> StoreResult<Layer> {
    diesel::update(layers::table.find(id))
        .set((
            layers::meta.eq(Json(to_json(meta))),
            layers::current_version.eq(version),
            layers::updated_by.eq(by),
            layers::updated_at.eq(Time(Utc::now())),
        ))
        .execute(conn)?;
    let row = layer_row(conn, id)?.ok_or_else(|| StoreError::LayerNotFound(meta.id.clone()))?;
    to_layer(row, feature_count(conn, id, version)?)
}

impl Store {
    /// Every layer with its current version, by id.
    ///
    /// # Errors
    /// When the database fails.
    pub fn layers(&self) -> StoreResult<Vec<Layer>> {
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
            .load(&mut *conn)?;
        rows.into_iter()
            .map(|(row, n)| to_layer(row, n.unwrap_or(0)))
            .collect()
    }

    /// One layer with all its versions (newest first), or `None`.
    ///
    /// # Errors
    /// When the database fails.
    pub fn layer(&self, id: &LayerId) -> StoreResult<Option<LayerDetail>> {
        let mut conn = self.conn()?;
        let Some(row) = layer_row(&mut conn, id.as_str())? else {
            return Ok(None);
        };
        let versions = layer_versions::table
            .filter(layer_versions::layer_id.eq(id.as_str()))
            .order(layer_versions::version.desc())
            .select(VersionRow::as_select())
            .load(&mut *conn)?
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

    /// Stores a new version with its features and makes it current, all in one
    /// transaction with its audit entry (`layer.load`); creates the layer on its first
    /// load.
    ///
    /// # Errors
    /// When the database fails; nothing is then written.
    pub fn commit_version(
        &self,
        new: &NewVersion,
        features: &[Feature],
    ) -> StoreResult<LayerVersion> {
        if crate::model::RecordKind::of_collection(new.meta.id.as_str()).is_some() {
            return Err(StoreError::ReservedLayerId(new.meta.id.clone()));
        }
        let mut conn = self.conn()?;
        let id = new.meta.id.as_str();
        let now = Utc::now();
        let meta = Json(to_json(&new.meta));
        let count = i64::try_from(features.len()).unwrap_or(i64::MAX);
        write(&mut conn, |c| {
            lock_layer(c, id)?;
            let latest: Option<i32> = layer_versions::table
                .filter(layer_versions::layer_id.eq(id))
                .select(diesel::dsl::max(layer_versions::version))
                .first(c)?;
            let version = latest.unwrap_or(0) + 1;
            if layer_row(c, id)?.is_none() {
                diesel::insert_into(layers::table)
                    .values(&LayerRow {
                        id: id.to_owned(),
                        meta: meta.clone(),
                        current_version: version,
                        created_by: new.loaded_by.clone(),
                        created_at: Time(now),
                        updated_by: new.loaded_by.clone(),
                        updated_at: Time(now),
                    })
                    .execute(c)?;
            }
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
                    report: Json(to_json(&new.report)),
                    loaded_by: new.loaded_by.clone(),
                    loaded_at: Time(now),
                })
                .execute(c)?;
            match c {
                Conn::Pg(pg) => postgis::write_features(pg, id, version, features)?,
                Conn::Sqlite(lite) => sqlite::write_features(lite, id, version, features)?,
            }
            update_layer(c, id, &new.meta, version, &new.loaded_by)?;
            append(
                c,
                &AuditEntry::now(
                    &new.loaded_by,
                    "layer.load",
                    id,
                    json!({"version": version, "features": count, "source": new.source_name}),
                ),
            )?;
            Ok(LayerVersion {
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

    /// Makes an earlier version current again, its metadata too except who may read the
    /// layer (sensitivity and `anonymous`, see [`AccessChange`]), which stays as it is: a
    /// rollback never loosens protection. Audited as `layer.rollback`.
    ///
    /// # Errors
    /// When the layer or version does not exist.
    pub fn rollback(&self, id: &LayerId, version: i32, by: &str) -> StoreResult<Layer> {
        let mut conn = self.conn()?;
        write(&mut conn, |c| {
            lock_layer(c, id.as_str())?;
            let restored = meta_of_version(c, id, version)?;
            let layer = update_layer(c, id.as_str(), &restored, version, by)?;
            append(
                c,
                &AuditEntry::now(
                    by,
                    "layer.rollback",
                    id.as_str(),
                    json!({"version": version}),
                ),
            )?;
            Ok(layer)
        })
    }

    /// The metadata version `version` of layer `id` was loaded with, under the layer's
    /// present access (as a rollback would restore it): what an earlier version is read
    /// with when figures are compared across versions.
    ///
    /// # Errors
    /// When the layer or version does not exist or the database fails.
    pub fn version_meta(&self, id: &LayerId, version: i32) -> StoreResult<LayerMeta> {
        meta_of_version(&mut *self.conn()?, id, version)
    }

    /// Changes who may read the layer, for every version, without a new one. Audited
    /// as `layer.access` with the change.
    ///
    /// # Errors
    /// When the layer does not exist or the database fails.
    pub fn set_access(&self, id: &LayerId, change: &AccessChange, by: &str) -> StoreResult<Layer> {
        let mut conn = self.conn()?;
        write(&mut conn, |c| {
            lock_layer(c, id.as_str())?;
            let Some(row) = layer_row(c, id.as_str())? else {
                return Err(StoreError::LayerNotFound(id.clone()));
            };
            let mut meta = from_json::<LayerMeta>("layer metadata", row.meta.0)?;
            change.apply(&mut meta);
            let layer = update_layer(c, id.as_str(), &meta, row.current_version, by)?;
            append(
                c,
                &AuditEntry::now(by, "layer.access", id.as_str(), to_json(change)),
            )?;
            Ok(layer)
        })
    }

    /// Deletes a layer and all its versions, audited as `layer.delete`. Returns whether
    /// it existed.
    ///
    /// # Errors
    /// When the database fails.
    pub fn delete_layer(&self, id: &LayerId, by: &str) -> StoreResult<bool> {
        let mut conn = self.conn()?;
        write(&mut conn, |c| {
            lock_layer(c, id.as_str())?;
            match c {
                Conn::Pg(pg) => postgis::delete_features(pg, id.as_str())?,
                Conn::Sqlite(lite) => sqlite::delete_features(lite, id.as_str())?,
            }
            let existed = diesel::delete(layers::table.find(id.as_str())).execute(c)? > 0;
            if existed {
                append(
                    c,
                    &AuditEntry::now(by, "layer.delete", id.as_str(), json!({})),
                )?;
            }
            Ok(existed)
        })
    }

    /// The features of one version, in load order.
    ///
    /// # Errors
    /// When the layer or version does not exist.
    pub fn features(&self, id: &LayerId, version: i32) -> StoreResult<Vec<Feature>> {
        let mut conn = self.conn()?;
        let existing = versions_of(&mut conn, id.as_str())?;
        if existing.is_empty() {
            return Err(StoreError::LayerNotFound(id.clone()));
        }
        if !existing.contains(&version) {
            return Err(version_not_found(id, version, &existing));
        }
        match &mut *conn {
            Conn::Pg(pg) => postgis::read_features(pg, id.as_str(), version),
            Conn::Sqlite(lite) => sqlite::read_features(lite, id.as_str(), version),
        }
    }
}

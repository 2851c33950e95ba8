//! `/api/layers`: list layers, show one with its versions, preview an upload, upload a
//! new version (multipart), change who may read it, roll back, delete. Writes need a bearer token.

use std::io::Write as _;
use std::path::Path as FsPath;

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::http::{ApiError, Reader, authorise, blocking};
use crate::load::{LoadSource, load_file, preview_file};
use crate::model::Role;
use crate::model::{AccessChange, Layer, LayerId, LayerMeta, LoadPreview, MetaChanges};

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/layers", get(list))
        .route(
            "/api/layers/{id}",
            get(show).post(upload).patch(settings).delete(remove),
        )
        .route("/api/layers/{id}/rollback", post(rollback))
        .route("/api/layers/{id}/preview", post(preview))
}

fn layer_id(raw: &str) -> Result<LayerId, ApiError> {
    raw.parse::<LayerId>().map_err(ApiError::bad_request)
}

/// What a caller without clearance may not see of a restricted layer: how many
/// features it has, their extent, and its load reports (source ids, values and
/// coordinates of bad features).
fn redact(layer: &mut Value) {
    if let Some(o) = layer.as_object_mut() {
        o.insert("feature_count".into(), Value::Null);
        if let Some(versions) = o.get_mut("versions").and_then(Value::as_array_mut) {
            for v in versions.iter_mut().filter_map(Value::as_object_mut) {
                v.insert("feature_count".into(), Value::Null);
                v.remove("bbox");
                v.remove("report");
            }
        }
    }
}

/// A layer (or its detail) as `reader` may see it.
fn as_seen<T: serde::Serialize>(reader: &Reader, meta: &LayerMeta, layer: &T) -> Value {
    let mut v = serde_json::to_value(layer).unwrap_or_default();
    if !reader.sees_detail(meta) {
        redact(&mut v);
    }
    v
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<Value>>, ApiError> {
    let reader = Reader::of(&state, &headers).await?;
    let store = state.store.clone();
    let layers = blocking(move || Ok(store.layers()?)).await?;
    Ok(Json(
        layers
            .iter()
            .filter(|l| reader.may_read(&l.meta))
            .map(|l| as_seen(&reader, &l.meta, l))
            .collect(),
    ))
}

async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let reader = Reader::of(&state, &headers).await?;
    let id = layer_id(&id)?;
    let store = state.store.clone();
    let found = blocking(move || Ok(store.layer(&id)?.ok_or(id))).await?;
    match found {
        Ok(detail) => {
            reader.check(&detail.layer.meta)?;
            Ok(Json(as_seen(&reader, &detail.layer.meta, &detail)))
        }
        Err(id) => Err(ApiError::not_found(format!(
            "layer '{id}' does not exist: GET /api/layers lists the layers there are"
        ))),
    }
}

/// Text parts of an upload besides the file.
#[derive(Default)]
struct UploadForm {
    meta: MetaChanges,
    srs: Option<String>,
    source_layer: Option<String>,
    allow_rejects: bool,
}

impl UploadForm {
    fn set(&mut self, name: &str, value: String) -> Result<(), ApiError> {
        let v = Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        match name {
            "title" => self.meta.title = v,
            "kind" => self.meta.kind = v,
            "theme" => self.meta.theme = v,
            "sensitivity" => self.meta.sensitivity = v,
            "anonymous" => self.meta.anonymous = v,
            "attribution" => self.meta.attribution = v,
            "classification" => self.meta.classification = v,
            "name_field" => self.meta.fields.name = v,
            "code_field" => self.meta.fields.code = v,
            "population_field" => self.meta.fields.population = v,
            "households_field" => self.meta.fields.households = v,
            "hazard_field" => self.meta.fields.hazard = v,
            "srs" => self.srs = v,
            "source_layer" => self.source_layer = v,
            "allow_rejects" => {
                self.allow_rejects = matches!(v.as_deref(), Some("true" | "1" | "yes"));
            }
            other => {
                return Err(ApiError::bad_request(format!(
                    "unknown form field '{other}': send 'file' and any of title, kind, theme, sensitivity, anonymous, attribution, classification, name_field, code_field, population_field, households_field, hazard_field, srs, source_layer, allow_rejects"
                )));
            }
        }
        Ok(())
    }
}

/// Longest upload file name accepted, in bytes (file systems take 255).
const MAX_FILE_NAME: usize = 200;

/// Keeps the base name of an uploaded file, refusing names that could escape a folder.
fn upload_name(raw: Option<&str>) -> Result<String, ApiError> {
    let name = raw
        .and_then(|n| n.rsplit(['/', '\\']).next())
        .map(str::trim)
        .unwrap_or_default();
    if name.is_empty() || name.starts_with('.') || FsPath::new(name).extension().is_none() {
        return Err(ApiError::bad_request(
            "the 'file' part needs a file name with an extension (e.g. zones.geojson, camps.csv, roads.zip)",
        ));
    }
    if name.len() > MAX_FILE_NAME {
        return Err(ApiError::bad_request(format!(
            "the file name is {} bytes long, more than {MAX_FILE_NAME}: rename the file",
            name.len()
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "the file name holds control characters: rename the file",
        ));
    }
    Ok(name.to_owned())
}

/// An upload received: its text fields and the file, kept in a folder removed when this
/// is dropped.
struct Received {
    form: UploadForm,
    path: std::path::PathBuf,
    file_name: String,
    _dir: tempfile::TempDir,
}

impl Received {
    /// The metadata the load would store for layer `id` (given fields over the current
    /// version's), and how to read the file.
    fn resolve<'a>(
        &'a self,
        id: &LayerId,
        current: Option<&LayerMeta>,
        limits: crate::ingest::LoadLimits,
    ) -> Result<(LayerMeta, LoadSource<'a>), ApiError> {
        let meta = self
            .form
            .meta
            .resolve(id, current)
            .map_err(ApiError::bad_request)?;
        let source = LoadSource {
            path: &self.path,
            name: &self.file_name,
            srs: self.form.srs.clone(),
            source_layer: self.form.source_layer.clone(),
            allow_rejects: self.form.allow_rejects,
            limits,
        };
        Ok((meta, source))
    }
}

/// Reads a multipart upload (the file streamed to a temporary folder, within the upload
/// limit) and its form fields.
async fn receive(
    state: &AppState,
    headers: &HeaderMap,
    mut multipart: Multipart,
) -> Result<Received, ApiError> {
    let limit = state.settings.upload_limit_bytes;
    // Refuse before reading a byte when the declared size is already too large.
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && len > limit
    {
        return Err(ApiError::too_large(limit));
    }
    let dir = tempfile::tempdir().map_err(|e| ApiError::internal(e.to_string()))?;
    let mut form = UploadForm::default();
    let mut file: Option<(std::path::PathBuf, String)> = None;
    let mut written: u64 = 0;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = upload_name(field.file_name())?;
            let path = dir.path().join(&file_name);
            let mut out =
                std::fs::File::create(&path).map_err(|e| ApiError::internal(e.to_string()))?;
            while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                written += chunk.len() as u64;
                if written > limit {
                    return Err(ApiError::too_large(limit));
                }
                out.write_all(&chunk)
                    .map_err(|e| ApiError::internal(e.to_string()))?;
            }
            #[expect(clippy::cast_precision_loss, reason = "a size in a histogram")]
            crate::metrics::get().upload_bytes.observe(written as f64);
            file = Some((path, file_name));
        } else {
            let text = field.text().await.map_err(multipart_error)?;
            form.set(&name, text)?;
        }
    }
    let (path, file_name) = file.ok_or_else(|| {
        ApiError::bad_request(
            "the upload has no 'file' part: send the layer file as multipart field 'file'",
        )
    })?;
    Ok(Received {
        form,
        path,
        file_name,
        _dir: dir,
    })
}

async fn upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let id = layer_id(&id)?;
    let token = authorise(&state, &headers, Role::Editor).await?;
    let received = receive(&state, &headers, multipart).await?;
    let limits = state.settings.load_limits;
    let store = state.store.clone();
    let (layer, version) = blocking(move || {
        let current = store.layer(&id)?;
        let (meta, source) =
            received.resolve(&id, current.as_ref().map(|d| &d.layer.meta), limits)?;
        let version = load_file(store.as_ref(), &meta, &source, &token.name, &|_, _| {})?;
        Ok((meta.id, version))
    })
    .await?;
    state.sync_engine().await;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({ "layer": layer, "version": version.version, "feature_count": version.feature_count, "report": version.report }),
        ),
    ))
}

/// Reads an upload as a load would and says what the load would do — fields found, the
/// mapping's fill, first rows, a sample of the geometries, the report — writing nothing.
/// The same form as an upload, the same role.
async fn preview(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Json<LoadPreview>, ApiError> {
    let id = layer_id(&id)?;
    authorise(&state, &headers, Role::Editor).await?;
    let received = receive(&state, &headers, multipart).await?;
    let limits = state.settings.load_limits;
    let store = state.store.clone();
    let preview = blocking(move || {
        let current = store.layer(&id)?;
        let (meta, source) =
            received.resolve(&id, current.as_ref().map(|d| &d.layer.meta), limits)?;
        Ok(preview_file(meta, &source).map_err(crate::load::LoadError::from)?)
    })
    .await?;
    Ok(Json(preview))
}

pub(super) fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Upload too large",
            format!(
                "{}: split the file, or ask the operator to raise --upload-limit-mb",
                e.body_text()
            ),
        )
    } else {
        ApiError::bad_request(format!(
            "the upload is not valid multipart/form-data: {}",
            e.body_text()
        ))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RollbackBody {
    #[serde(deserialize_with = "super::http::number::whole")]
    version: i32,
}

async fn rollback(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<RollbackBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Layer>, ApiError> {
    let id = layer_id(&id)?;
    let token = authorise(&state, &headers, Role::Editor).await?;
    let Json(body) = body.map_err(|e| {
        ApiError::bad_request(format!(
            "send a JSON body like {{\"version\": 2}}: {}",
            e.body_text()
        ))
    })?;
    let store = state.store.clone();
    let layer = blocking(move || Ok(store.rollback(&id, body.version, &token.name)?)).await?;
    state.sync_engine().await;
    Ok(Json(layer))
}

/// Changes who may read a layer (sensitivity, open without a token), for every version,
/// at once and without reloading it.
async fn settings(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<AccessChange>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Layer>, ApiError> {
    const SEND: &str = r#"send a JSON body with "anonymous" (true: readable without a token; false: a token is needed), "sensitivity" ("public" or "restricted": aggregates only below the analyst role) or both"#;
    let id = layer_id(&id)?;
    let token = authorise(&state, &headers, Role::Editor).await?;
    let change = match body {
        Ok(Json(change)) if !change.is_empty() => change,
        Ok(_) => return Err(ApiError::bad_request(format!("{SEND}: nothing to change"))),
        Err(e) => return Err(ApiError::bad_request(format!("{SEND}: {}", e.body_text()))),
    };
    let store = state.store.clone();
    let actor = token.name.clone();
    let layer = blocking(move || Ok(store.set_access(&id, &change, &actor)?)).await?;
    state.sync_engine().await;
    Ok(Json(layer))
}

async fn remove(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let id = layer_id(&id)?;
    let token = authorise(&state, &headers, Role::Editor).await?;
    let store = state.store.clone();
    let shown = id.clone();
    if blocking(move || Ok(store.delete_layer(&id, &token.name)?)).await? {
        state.sync_engine().await;
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!(
            "layer '{shown}' does not exist"
        )))
    }
}

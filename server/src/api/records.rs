//! Registers of records over HTTP: `GET /api/records` (the kinds and their registers),
//! `GET /api/records/{kind}` (fields, versions, reports), `GET /api/records/{kind}/items`
//! (JSON or HXL CSV), `GET /api/records/{kind}/rollup` (a field by unit and period: the
//! figures of a choropleth or, for one unit, its time series), `POST
//! /api/records/{kind}/imports` (a HXL CSV file as the body) and `POST
//! /api/records/{kind}/rollback`. Reading takes a viewer token, writing an editor's.
//! The rules are `ops::records`' and the engine's.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::AppState;
use super::http::access::register_reader;
use super::http::{ApiError, authorise, blocking};
use crate::engine::registers::{RegisterSnapshot, RollRequest};
use crate::formats::records::hxl_csv;
use crate::ingest::records::RecordsError;
use crate::model::{AdminLevel, ImportMode, PeriodKind, Record, RecordKind, Role};
use crate::ops::records::{self, Import, RecordsOpError};

/// Most records one JSON page holds.
const MAX_LIMIT: usize = 100_000;

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/records", get(kinds))
        .route("/api/records/{kind}", get(register))
        .route("/api/records/{kind}/items", get(items))
        .route("/api/records/{kind}/rollup", get(rollup))
        .route("/api/records/{kind}/imports", post(import))
        .route("/api/records/{kind}/rollback", post(rollback))
        .route("/api/records/losses/sendai", get(sendai))
        .route("/api/records/disbursements/against-need", get(against_need))
}

impl From<RecordsOpError> for ApiError {
    fn from(e: RecordsOpError) -> Self {
        match e {
            RecordsOpError::Store(s) => s.into(),
            RecordsOpError::Records(r) => {
                let report = r.report().and_then(|rep| serde_json::to_value(rep).ok());
                let err = Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Import refused",
                    format!("{r}; nothing was imported and the current version is unchanged"),
                );
                match (r, report) {
                    (RecordsError::Rejected(_), Some(rep)) => err.with("report", rep),
                    _ => err,
                }
            }
            RecordsOpError::NoBoundaries => {
                Self::new(StatusCode::CONFLICT, "No boundaries", e.to_string())
            }
        }
    }
}

pub(super) fn kind_of(kind: &str) -> Result<RecordKind, ApiError> {
    kind.parse().map_err(ApiError::not_found)
}

fn fields_json(kind: RecordKind) -> Value {
    json!({
        "id": {"hxl": crate::model::record::ID_HXL},
        "code": {"hxl": "#adm1+code … #adm5+code (the finest given)"},
        "date": {"hxl": kind.date_hxl(), "title": kind.date_title()},
        "fields": kind.fields(),
    })
}

async fn kinds(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let token = authorise(&state, &headers, Role::Viewer).await?;
    let store = state.store.clone();
    let registers = blocking(move || {
        RecordKind::ALL
            .iter()
            .map(|k| Ok((*k, store.register(*k)?)))
            .collect::<Result<Vec<_>, ApiError>>()
    })
    .await?;
    let out: Vec<Value> = registers
        .into_iter()
        .map(|(kind, reg)| {
            // How many records a restricted register holds, version by version, is its
            // readers' to know (two counts' difference is who came or left).
            let current = reg.as_ref().and_then(|r| r.current());
            let count =
                (token.role >= kind.reader()).then(|| current.map_or(0, |v| v.record_count));
            json!({
                "kind": kind,
                "title": kind.title(),
                "current_version": reg.as_ref().map(|r| r.current_version),
                "record_count": count,
                "reader": kind.reader(),
                "updated_at": reg.as_ref().map(|r| r.updated_at),
                "links": [{"rel": "self", "href": format!("/api/records/{kind}")}],
            })
        })
        .collect();
    Ok(Json(json!({ "kinds": out })).into_response())
}

async fn register(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let kind = kind_of(&kind)?;
    register_reader(&state, &headers, kind, "register").await?;
    let store = state.store.clone();
    let reg = blocking(move || Ok(store.register(kind)?)).await?;
    Ok(Json(json!({
        "kind": kind,
        "title": kind.title(),
        "schema": fields_json(kind),
        "register": reg,
    }))
    .into_response())
}

#[derive(Debug, Deserialize)]
struct ItemsQuery {
    format: Option<String>,
    version: Option<i32>,
    /// Only records of this unit and the units in it.
    code: Option<String>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    limit: Option<usize>,
    offset: Option<i64>,
}

/// A record as JSON: id, code, date and each field by name.
async fn items(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    Query(q): Query<ItemsQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let kind = kind_of(&kind)?;
    register_reader(&state, &headers, kind, "items").await?;
    let format = q.format.as_deref().unwrap_or("json");
    if !["json", "csv"].contains(&format) {
        return Err(ApiError::bad_request(format!(
            "format '{}' is not offered: use json or csv (HXL)",
            format.chars().take(20).collect::<String>()
        )));
    }
    code_param(q.code.as_deref())?;
    let limit = q.limit.unwrap_or(1_000);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::bad_request(format!(
            "limit must be 1 to {MAX_LIMIT}: page with offset, or take format=csv for all"
        )));
    }
    let (store, engine) = (state.store.clone(), state.engine.clone());
    let version = q.version;
    let register = blocking(move || {
        let current = engine.registers.get(kind);
        match (version, current) {
            (Some(v), current) if current.as_ref().is_none_or(|c| c.version != v) => Ok(Arc::new(
                RegisterSnapshot::new(kind, v, store.records(kind, v)?),
            )),
            (_, Some(current)) => Ok(current),
            (_, None) => Err(crate::store::StoreError::RegisterNotFound(kind).into()),
        }
    })
    .await?;
    let selected: Vec<&Record> = register
        .records
        .iter()
        .filter(|r| q.code.as_deref().is_none_or(|c| r.code.starts_with(c)))
        .filter(|r| q.from.is_none_or(|d| r.date >= d))
        .filter(|r| q.to.is_none_or(|d| r.date <= d))
        .collect();
    if format == "csv" {
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{kind}.csv\""),
                ),
            ],
            hxl_csv(kind, selected.iter().copied()),
        )
            .into_response());
    }
    let offset = usize::try_from(q.offset.unwrap_or(0))
        .map_err(|_| ApiError::bad_request("offset must be 0 or more"))?;
    let page: Vec<Value> = selected
        .iter()
        .skip(offset)
        .take(limit)
        .map(|r| Value::Object(r.properties(kind)))
        .collect();
    let mut body = json!({
        "kind": kind,
        "version": register.version,
        "number_matched": selected.len(),
        "number_returned": page.len(),
        "records": page,
    });
    let next = offset.saturating_add(limit);
    if next < selected.len() {
        body["next_offset"] = json!(next);
    }
    Ok(Json(body).into_response())
}

#[derive(Debug, Deserialize)]
struct RollupQuery {
    field: Option<String>,
    level: Option<String>,
    period: Option<String>,
    /// Only this unit (its level when `level` is not given).
    code: Option<String>,
    /// Only the records whose term or text field has this value:
    /// `transaction:disbursement`.
    #[serde(rename = "where")]
    only: Option<String>,
    format: Option<String>,
}

async fn rollup(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    Query(q): Query<RollupQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let kind = kind_of(&kind)?;
    register_reader(&state, &headers, kind, "roll-up").await?;
    let request = roll_request(
        q.field.as_deref(),
        q.level.as_deref(),
        q.code.as_deref(),
        q.period.as_deref(),
        q.only.as_deref(),
    )?;
    let level = request.level;
    let format = q.format.as_deref().unwrap_or("json");
    if !["json", "csv"].contains(&format) {
        return Err(ApiError::bad_request("format must be json or csv (HXL)"));
    }
    let register = state
        .engine
        .registers
        .get(kind)
        .ok_or_else(|| ApiError::not_found(crate::store::StoreError::RegisterNotFound(kind)))?;
    let r = state
        .engine
        .registers
        .roll_up(&register, request)
        .map_err(ApiError::bad_request)?;
    let rows: Vec<&crate::engine::rollup::RollRow> = r
        .rows
        .iter()
        .filter(|row| q.code.as_deref().is_none_or(|c| row.code == c))
        .collect();
    if format == "csv" {
        let mut out = format!(
            "Unit code,Period,{},Records\n{}+code,#date+period,#value+{},#meta+count\n",
            crate::formats::csv::cell(r.field),
            level.hxl(),
            r.field.replace('_', "")
        );
        for row in &rows {
            out.push_str(&format!(
                "{},{},{},{}\n",
                row.code,
                row.period,
                crate::formats::csv::number(row.value),
                row.records
            ));
        }
        return Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response());
    }
    Ok(Json(json!({
        "kind": kind,
        "version": register.version,
        "field": r.field,
        "aggregate": r.aggregate,
        "level": level,
        "period": request.period,
        "rows": rows,
        "coarser": if q.code.is_some() { Vec::new() } else { r.coarser.iter().collect() },
        "names": unit_names(&state, level, rows.iter().map(|r| r.code.as_str())),
    }))
    .into_response())
}

/// The names of the units of `level` among `codes`, from that level's boundary layer
/// (none without one).
pub(super) fn unit_names<'a>(
    state: &AppState,
    level: AdminLevel,
    codes: impl Iterator<Item = &'a str>,
) -> Map<String, Value> {
    let Some(units) = crate::engine::boundary_of(&state.engine.snapshots(), level) else {
        return Map::new();
    };
    let wanted: std::collections::HashSet<&str> = codes.collect();
    units
        .features
        .iter()
        .filter_map(|f| {
            let code = f.code.as_deref().filter(|c| wanted.contains(c))?;
            Some((code.to_owned(), json!(units.name(f))))
        })
        .collect()
}

/// What a roll-up request asks for: `field`, `level` (or that of `code`; district when
/// neither), `period` (year when not given) and `where` (FIELD:VALUE).
/// A `code` parameter: an official admin code, at most a village's 8 digits.
fn code_param(code: Option<&str>) -> Result<(), ApiError> {
    if code.is_some_and(|c| c.len() > 8) {
        return Err(ApiError::bad_request(
            "code is an official admin code of at most 8 digits (a village's)",
        ));
    }
    Ok(())
}

pub(super) fn roll_request<'a>(
    field: Option<&'a str>,
    level: Option<&str>,
    code: Option<&str>,
    period: Option<&str>,
    only: Option<&'a str>,
) -> Result<RollRequest<'a>, ApiError> {
    let field = field.ok_or_else(|| {
        ApiError::bad_request(
            "give the field to roll up: field=deaths (GET /api/records/{kind} lists them)",
        )
    })?;
    code_param(code)?;
    let level: AdminLevel = match (level, code) {
        (Some(l), _) => l.parse().map_err(ApiError::bad_request)?,
        (None, Some(code)) => AdminLevel::of_code(code).ok_or_else(|| {
            ApiError::bad_request(format!(
                "'{}' is not an admin code (1, 2, 4, 6 or 8 digits)",
                code.chars().take(20).collect::<String>()
            ))
        })?,
        (None, None) => AdminLevel::District,
    };
    let period: PeriodKind = period
        .unwrap_or("year")
        .parse()
        .map_err(ApiError::bad_request)?;
    let only = match only {
        None => None,
        Some(w) => Some(w.split_once(':').ok_or_else(|| {
            ApiError::bad_request("where takes FIELD:VALUE, e.g. where=transaction:disbursement")
        })?),
    };
    Ok(RollRequest {
        field,
        level,
        period,
        only,
    })
}

#[derive(Debug, Deserialize)]
struct ImportQuery {
    /// The file's name (for the report and the format).
    name: Option<String>,
    mode: Option<String>,
    allow_rejects: Option<bool>,
}

/// The file of an import and, for a DesInventar export, its mapping of DesInventar
/// geography codes to official ones: the body alone, or multipart parts `file` and
/// `mapping`.
async fn import_body(
    state: &AppState,
    headers: &HeaderMap,
    req: axum::extract::Request,
) -> Result<(Bytes, HashMap<String, String>), ApiError> {
    use axum::extract::{FromRequest as _, Multipart};
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::new(e.status(), "Unreadable body", e.body_text()))?;
        return Ok((body, HashMap::new()));
    }
    let mut form = Multipart::from_request(req, state)
        .await
        .map_err(|e| ApiError::bad_request(e.body_text()))?;
    let (mut file, mut mapping) = (None, HashMap::new());
    while let Some(field) = form
        .next_field()
        .await
        .map_err(super::layers::multipart_error)?
    {
        match field.name() {
            Some("file") => {
                file = Some(
                    field
                        .bytes()
                        .await
                        .map_err(super::layers::multipart_error)?,
                );
            }
            Some("mapping") => {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(super::layers::multipart_error)?;
                mapping = records::read_mapping(&bytes).map_err(|e| {
                    ApiError::bad_request(format!("the mapping part is not a mapping: {e}"))
                })?;
            }
            _ => {}
        }
    }
    let file = file.ok_or_else(|| {
        ApiError::bad_request(
            "the form has no 'file' part: send the file as part 'file' (and a DesInventar mapping as part 'mapping')",
        )
    })?;
    Ok((file, mapping))
}

async fn import(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    Query(q): Query<ImportQuery>,
    headers: HeaderMap,
    req: axum::extract::Request,
) -> Result<Response, ApiError> {
    let kind = kind_of(&kind)?;
    let mode: ImportMode = q
        .mode
        .as_deref()
        .unwrap_or("replace")
        .parse()
        .map_err(ApiError::bad_request)?;
    let token = authorise(&state, &headers, Role::Editor).await?;
    let (body, mapping) = import_body(&state, &headers, req).await?;
    if body.is_empty() {
        return Err(ApiError::bad_request(
            "the request has no body: send the CSV file (with its HXL hashtag row) as the body",
        ));
    }
    let name = q
        .name
        .unwrap_or_else(|| format!("{kind}.csv"))
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect::<String>();
    let (store, engine) = (state.store.clone(), state.engine.clone());
    let settings = state.settings.clone();
    let version = blocking(move || {
        Ok(records::import(
            &store,
            &engine,
            &Import {
                kind,
                source_name: &name,
                bytes: &body,
                mode,
                allow_rejects: q.allow_rejects.unwrap_or(false),
                by: &token.name,
                mapping: &mapping,
                rates: &settings.rates,
            },
        )?)
    })
    .await?;
    state.sync_registers().await;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "kind": kind, "version": version })),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
struct RollbackBody {
    version: i32,
}

async fn rollback(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    headers: HeaderMap,
    Json(body): Json<RollbackBody>,
) -> Result<Response, ApiError> {
    let kind = kind_of(&kind)?;
    let token = authorise(&state, &headers, Role::Editor).await?;
    let store = state.store.clone();
    let reg =
        blocking(move || Ok(records::rollback(&store, kind, body.version, &token.name)?)).await?;
    state.sync_registers().await;
    Ok(Json(json!({ "kind": kind, "current_version": reg.current_version })).into_response())
}

#[derive(Debug, Deserialize)]
struct SendaiQuery {
    level: Option<String>,
    year: Option<i32>,
    format: Option<String>,
}

/// Sendai indicators per unit and year, as JSON or HXL CSV (one row per unit, year and
/// indicator).
async fn sendai(
    State(state): State<AppState>,
    Query(q): Query<SendaiQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorise(&state, &headers, Role::Viewer).await?;
    let level: AdminLevel = q
        .level
        .as_deref()
        .unwrap_or("district")
        .parse()
        .map_err(ApiError::bad_request)?;
    let format = q.format.as_deref().unwrap_or("json");
    if !["json", "csv"].contains(&format) {
        return Err(ApiError::bad_request("format must be json or csv (HXL)"));
    }
    let engine = state.engine.clone();
    let settings = state.settings.clone();
    let report = blocking(move || {
        records::sendai(&engine, level, q.year, &settings.economy)
            .map_err(|e| ApiError::new(StatusCode::CONFLICT, "Not computable", e.to_string()))
    })
    .await?;
    if format == "csv" {
        let mut out = format!(
            "Unit code,Year,Indicator,Value,Per 100000 people,Population,Records\n{}+code,#date+year,#indicator+code,#indicator+value,#indicator+rate,#population+total,#meta+count\n",
            level.hxl()
        );
        let num = |v: Option<f64>| v.map_or_else(String::new, crate::formats::csv::number);
        for row in &report.rows {
            for f in &row.figures {
                out.push_str(&format!(
                    "{},{},{},{},{},{},{}\n",
                    row.code,
                    row.year,
                    f.code,
                    num(f.value),
                    num(f.per_100k),
                    num(row.population),
                    row.records
                ));
            }
        }
        return Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response());
    }
    let names = unit_names(&state, level, report.rows.iter().map(|r| r.code.as_str()));
    Ok(Json(json!({ "level": level, "report": report, "names": names })).into_response())
}

#[derive(Debug, Deserialize)]
struct NeedQuery {
    hazard: String,
    exposure: String,
    by: Option<String>,
    fiscal_year: Option<String>,
    format: Option<String>,
}

/// Funding against need per unit (JSON, or HXL CSV of the ranked table).
async fn against_need(
    State(state): State<AppState>,
    Query(q): Query<NeedQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorise(&state, &headers, Role::Viewer).await?;
    let format = q.format.as_deref().unwrap_or("json");
    if !["json", "csv"].contains(&format) {
        return Err(ApiError::bad_request("format must be json or csv (HXL)"));
    }
    if let Some(fy) = &q.fiscal_year
        && !(fy.len() == 9 && fy.starts_with("FY") && fy.as_bytes()[6] == b'/')
    {
        return Err(ApiError::bad_request(
            "fiscal_year is written FY2023/24 (1 July 2023 to 30 June 2024)",
        ));
    }
    let clearance =
        super::http::access::clearance(&state, &headers, &q.hazard, &q.exposure).await?;
    let (engine, store) = (state.engine.clone(), state.store.clone());
    let report = blocking(move || {
        Ok(crate::ops::funding::against_need(
            &engine,
            &store,
            crate::engine::exposure::ExposureRequest {
                hazard: &q.hazard,
                exposure: &q.exposure,
                by: q.by.as_deref().unwrap_or("district"),
                needs: crate::engine::exposure::Needs::SPHERE,
                versions: crate::engine::exposure::Versions::default(),
            },
            clearance,
            q.fiscal_year.as_deref(),
        )?)
    })
    .await?;
    if format == "csv" {
        let mut out = String::from(
            "Rank,Unit code,Unit,Displaced,Food (t/day),Water (L/day),Shelter (m2),Latrines,Disbursed (USD),USD per displaced person\n#meta+rank,#adm+code,#adm+name,#affected+displaced,#need+food+tonnes,#need+water+litres,#need+shelter+m2,#need+latrines,#value+funding+usd,#value+funding+per_person\n",
        );
        let num = |v: Option<f64>| v.map_or_else(String::new, crate::formats::csv::number);
        for u in &report.units {
            let n = u.needs_of_displaced;
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{}\n",
                u.rank.map_or_else(String::new, |r| r.to_string()),
                u.code,
                crate::formats::csv::cell(u.name.as_deref().unwrap_or("")),
                crate::formats::csv::number(u.displaced),
                num(n.map(|n| n.food_tonnes_per_day)),
                num(n.map(|n| n.water_litres_per_day)),
                num(n.map(|n| n.shelter_m2)),
                num(n.map(|n| n.latrines)),
                crate::formats::csv::number(u.disbursed_usd),
                num(u.usd_per_displaced),
            ));
        }
        return Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response());
    }
    Ok(Json(report).into_response())
}

//! `GET /api/exposure?hazard=…&exposure=…&by=…`: exposed, affected and displaced people
//! per admin unit and hazard class, with the minimum needs of the displaced, computed
//! from the engine's snapshots at the finest boundary level and rolled up by code.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::access::Reader;
use super::{ApiError, AppState, audit_restricted_read, blocking};
use crate::classify::HazardClass;
use crate::engine::aggregate;
use crate::engine::exposure::{self, Tally};
use crate::engine::tile::to_lonlat;
use crate::engine::{Engine, LEVELS, LayerSnapshot, finest_boundary, geojson};
use crate::layer::{LayerId, LayerKind, Sensitivity};

/// Minimum needs of a displaced person: the Sphere standards unless the request gives
/// others (`kcal`, `water_l`, `shelter_m2`, `people_per_latrine`).
#[derive(Debug, Clone, Copy, serde::Serialize, PartialEq)]
pub struct Needs {
    /// Food, kcal per person per day.
    pub kcal: f64,
    /// Drinking and domestic water, litres per person per day.
    pub water_l: f64,
    /// Covered living space, m² per person.
    pub shelter_m2: f64,
    /// People sharing one latrine.
    pub people_per_latrine: f64,
}

/// `kcal`, `water_l`, `shelter_m2` and `people_per_latrine` of a request.
#[derive(Debug, Default, Deserialize)]
struct NeedsQuery {
    kcal: Option<f64>,
    water_l: Option<f64>,
    shelter_m2: Option<f64>,
    people_per_latrine: Option<f64>,
}

impl NeedsQuery {
    fn needs(&self) -> Result<Needs, ApiError> {
        let d = Needs::SPHERE;
        let needs = Needs {
            kcal: self.kcal.unwrap_or(d.kcal),
            water_l: self.water_l.unwrap_or(d.water_l),
            shelter_m2: self.shelter_m2.unwrap_or(d.shelter_m2),
            people_per_latrine: self.people_per_latrine.unwrap_or(d.people_per_latrine),
        };
        needs.check()?;
        Ok(needs)
    }
}

impl Needs {
    /// The Sphere standards.
    pub const SPHERE: Self = Self {
        kcal: 2100.0,
        water_l: 15.0,
        shelter_m2: 3.5,
        people_per_latrine: 20.0,
    };

    fn check(&self) -> Result<(), ApiError> {
        let all = [
            ("kcal", self.kcal),
            ("water_l", self.water_l),
            ("shelter_m2", self.shelter_m2),
            ("people_per_latrine", self.people_per_latrine),
        ];
        match all.iter().find(|(_, v)| !v.is_finite() || *v <= 0.0) {
            Some((name, v)) => Err(ApiError::bad_request(format!(
                "{name}={v} is not a usable standard: give a positive number (Sphere: kcal=2100, water_l=15, shelter_m2=3.5, people_per_latrine=20)"
            ))),
            None => Ok(()),
        }
    }

    fn of(&self, displaced: f64) -> Value {
        json!({
            "food_kcal_per_day": displaced * self.kcal,
            "water_litres_per_day": displaced * self.water_l,
            "shelter_m2": displaced * self.shelter_m2,
            "latrines": (displaced / self.people_per_latrine).ceil(),
        })
    }
}

/// Largest incident-area body accepted, in bytes.
const AREA_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Most vertices an incident area may have.
const AREA_MAX_VERTICES: usize = 100_000;

/// Largest incident area, in km² (about four times Rwanda): a bigger one is a mistake in
/// the coordinates, or a question the per-unit report answers.
const AREA_MAX_KM2: f64 = 100_000.0;

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/exposure", get(exposure_by_unit))
        .route(
            "/api/exposure/area",
            axum::routing::post(exposure_in_area)
                .layer(axum::extract::DefaultBodyLimit::max(AREA_BODY_LIMIT)),
        )
        .route("/api/hazards/at", get(hazards_at))
}

#[derive(Debug, Deserialize)]
struct PointQuery {
    lon: f64,
    lat: f64,
}

/// The hazard class of every hazard layer at a point, and the admin units it lies in.
async fn hazards_at(
    State(state): State<AppState>,
    query: Result<Query<PointQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let reader = Reader::of(&state, &headers).await?;
    let Query(q) = query.map_err(|e| {
        ApiError::bad_request(format!(
            "give lon and lat in degrees, e.g. ?lon=30.06&lat=-1.95 ({})",
            e.body_text()
        ))
    })?;
    if !(-180.0..=180.0).contains(&q.lon) || !(-85.0..=85.0).contains(&q.lat) {
        return Err(ApiError::bad_request(format!(
            "({}, {}) is not a point on the map: lon runs from -180 to 180, lat from -85 to 85",
            q.lon, q.lat
        )));
    }
    let p = geo::Point::from(crate::engine::tile::to_mercator(geo::Coord {
        x: q.lon,
        y: q.lat,
    }));
    let all = state.engine.snapshots();
    let hazards: Vec<Value> = all
        .values()
        .filter(|s| s.meta.kind == LayerKind::Hazard && reader.may_read(&s.meta))
        .map(|s| {
            json!({
                "layer": s.meta.id,
                "title": s.meta.title,
                "theme": s.meta.theme,
                "version": s.version,
                "class": exposure::class_at(s, p).map(HazardClass::as_str),
            })
        })
        .collect();
    let mut units: Vec<(usize, Value)> = all
        .values()
        .filter(|s| s.meta.kind == LayerKind::Boundary && reader.may_read(&s.meta))
        .filter_map(|s| {
            let u = exposure::unit_at(s, p)?;
            let level = LEVELS
                .iter()
                .position(|(n, _)| *n == s.meta.theme.as_str())
                .unwrap_or(usize::MAX);
            Some((
                level,
                json!({
                    "layer": s.meta.id,
                    "level": s.meta.theme,
                    "code": u.code,
                    "name": s.name(u),
                }),
            ))
        })
        .collect();
    units.sort_by_key(|(level, _)| *level);
    Ok(Json(json!({
        "lon": q.lon,
        "lat": q.lat,
        "hazards": hazards,
        "units": units.into_iter().map(|(_, u)| u).collect::<Vec<_>>(),
    })))
}

#[derive(Debug, Deserialize)]
struct ExposureQuery {
    hazard: String,
    exposure: String,
    by: Option<String>,
    format: Option<String>,
}

fn layer(
    all: &crate::engine::Snapshots,
    id: &str,
    kind: LayerKind,
    what: &str,
) -> Result<Arc<LayerSnapshot>, ApiError> {
    let id: LayerId = id
        .parse()
        .map_err(|e: crate::layer::SlugError| ApiError::bad_request(e.to_string()))?;
    let snap = all.get(&id).ok_or_else(|| {
        ApiError::not_found(format!(
            "layer '{id}' does not exist: GET /catalog lists the layers"
        ))
    })?;
    if snap.meta.kind != kind {
        return Err(ApiError::bad_request(format!(
            "'{id}' is not a {kind} layer (it is {}): pass a {kind} layer as {what}=",
            snap.meta.kind
        )));
    }
    Ok(snap.clone())
}

fn figures(t: &Tally, affected: bool, rate: f64) -> Value {
    let affected_people = if affected { t.population } else { 0.0 };
    let displaced = affected_people * rate;
    json!({
        "count": t.count,
        "population": t.population,
        "households": t.households,
        "affected": affected_people,
        "displaced": displaced,
    })
}

/// The rows of a report: per unit (each class with its figures, and the needs of the
/// displaced) and the totals per class, from unrounded sums.
fn unit_rows(
    hazard: &LayerSnapshot,
    rolled: &exposure::ByUnit,
    names: &BTreeMap<String, UnitInfo>,
    redact: bool,
    needs: &Needs,
) -> (Vec<Value>, Vec<Value>) {
    let rules = rules(hazard);
    let mut total = BTreeMap::<Option<HazardClass>, Tally>::new();
    let mut units = Vec::new();
    for (code, classes) in rolled {
        for (class, t) in classes {
            let e = total.entry(*class).or_default();
            e.count += t.count;
            e.population += t.population;
            e.households += t.households;
        }
        let households: f64 = classes.values().map(|t| t.households).sum();
        if redact && households < aggregate::MIN_HOUSEHOLDS_SHOWN {
            let info = names.get(code);
            units.push(json!({"code": code, "name": info.map(|i| &i.name), "bbox": info.map(|i| i.bbox), "suppressed": true}));
            continue;
        }
        let mut displaced = 0.0;
        let mut rows = Vec::new();
        for (class, t) in classes {
            let (affected, rate) = class
                .and_then(|c| rules.get(&c).copied())
                .unwrap_or((false, 0.0));
            displaced += if affected { t.population * rate } else { 0.0 };
            let mut row = figures(t, affected, rate);
            row["class"] = json!(class.map_or("none", HazardClass::as_str));
            rows.push(row);
        }
        units.push(json!({
            "code": code,
            "name": names.get(code).map(|i| &i.name),
            "bbox": names.get(code).map(|i| i.bbox),
            "classes": rows,
            "needs_of_displaced": needs.of(displaced),
        }));
    }
    let total_rows: Vec<Value> = total
        .iter()
        .map(|(class, t)| {
            let (affected, rate) = class
                .and_then(|c| rules.get(&c).copied())
                .unwrap_or((false, 0.0));
            let mut row = figures(t, affected, rate);
            row["class"] = json!(class.map_or("none", HazardClass::as_str));
            row
        })
        .collect();
    (units, total_rows)
}

/// Per class of the hazard layer's classification: whether people count as affected,
/// and the share of them displaced.
pub(super) fn rules(hazard: &LayerSnapshot) -> BTreeMap<HazardClass, (bool, f64)> {
    hazard
        .meta
        .classification
        .iter()
        .flat_map(|c| c.rules.iter())
        .map(|r| (r.class, (r.affected, r.displacement_rate)))
        .collect()
}

/// Which layer version a result came from.
fn source_json(s: &LayerSnapshot) -> Value {
    json!({"layer": s.meta.id, "version": s.version, "title": s.meta.title, "attribution": s.meta.attribution})
}

/// The hazard layer's version and the classification used.
fn hazard_source(s: &LayerSnapshot) -> Value {
    let mut v = source_json(s);
    v["classification"] = json!(s.meta.classification);
    v
}

/// What to compute.
#[derive(Debug, Clone, Copy)]
pub struct ExposureRequest<'a> {
    /// Hazard layer id.
    pub hazard: &'a str,
    /// Exposure layer id.
    pub exposure: &'a str,
    /// Level: country, province, district, sector, cell or village.
    pub by: &'a str,
    /// Minimum needs per displaced person.
    pub needs: Needs,
}

/// Formats an exposure report is offered in.
pub const FORMATS: &[&str] = &["json", "csv", "geojson"];

/// The exposure report as JSON, and the boundary layer of the level asked for (for unit
/// names and shapes). `authorised` callers see restricted exposure in full; others get
/// units of fewer than 5 households suppressed.
///
/// # Errors
/// 404 for an unknown layer, 400 for a wrong kind, level or missing boundary layer.
pub fn report(
    engine: &Engine,
    req: ExposureRequest<'_>,
    authorised: bool,
) -> Result<(Value, Option<Arc<LayerSnapshot>>), ApiError> {
    let inputs = Inputs::resolve(&engine.snapshots(), req.hazard, req.exposure, req.by)?;
    let computed = engine.exposure(&inputs.hazard, &inputs.exposed, &inputs.finest);
    let Inputs {
        hazard,
        exposed,
        finest,
        digits,
        names_layer,
    } = inputs;
    let by = req.by;
    let redact = exposed.meta.sensitivity == Sensitivity::Restricted && !authorised;
    let rolled = exposure::roll_up(&computed.by_unit, digits);
    let names = unit_names(names_layer.as_deref());
    let (units, total_rows) = unit_rows(&hazard, &rolled, &names, redact, &req.needs);
    let report = json!({
        "hazard": hazard_source(&hazard),
        "exposure": source_json(&exposed),
        "boundary": source_json(&finest),
        "by": by,
        "needs_standard": req.needs,
        "computed_at": computed.computed_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "compute_ms": computed.millis,
        "redacted": redact,
        "units": units,
        "total": total_rows,
    });
    Ok((report, names_layer))
}

/// A unit's name and extent (west, south, east, north in lon/lat).
pub(super) struct UnitInfo {
    name: String,
    bbox: [f64; 4],
}

/// The extent of a feature in lon/lat, rounded to about a metre.
pub(super) fn lonlat_bbox(f: &crate::engine::snapshot::SnapFeature) -> [f64; 4] {
    let [w, s, e, n] = f.bbox_m;
    let sw = to_lonlat(geo::Coord { x: w, y: s });
    let ne = to_lonlat(geo::Coord { x: e, y: n });
    [sw.x, sw.y, ne.x, ne.y].map(|v| (v * 1e5).round() / 1e5)
}

fn unit_names(layer: Option<&LayerSnapshot>) -> BTreeMap<String, UnitInfo> {
    layer
        .map(|s| {
            s.features
                .iter()
                .filter_map(|f| {
                    Some((
                        f.code.clone()?,
                        UnitInfo {
                            name: s.name(f)?.to_owned(),
                            bbox: lonlat_bbox(f),
                        },
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The layers a report by one level is made from.
pub(super) struct Inputs {
    pub(super) hazard: Arc<LayerSnapshot>,
    pub(super) exposed: Arc<LayerSnapshot>,
    /// The finest boundary layer loaded: figures are computed by its units.
    pub(super) finest: Arc<LayerSnapshot>,
    /// Length of the codes of the level asked for.
    pub(super) digits: usize,
    /// The boundary layer of the level asked for (names and shapes), if loaded.
    pub(super) names_layer: Option<Arc<LayerSnapshot>>,
}

impl Inputs {
    /// The layers for `hazard` × `exposure` by the level `by`.
    pub(super) fn resolve(
        all: &crate::engine::Snapshots,
        hazard: &str,
        exposure: &str,
        by: &str,
    ) -> Result<Self, ApiError> {
        let hazard = layer(all, hazard, LayerKind::Hazard, "hazard")?;
        let exposed = layer(all, exposure, LayerKind::Exposure, "exposure")?;
        let digits = LEVELS
            .iter()
            .find(|(name, _)| *name == by)
            .map(|(_, d)| *d)
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "by '{by}' is not a level: use one of {}",
                    LEVELS
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
        // The finest boundary layer there is, to compute at; names from the level asked for.
        let boundary = |theme: &str| {
            all.values()
                .find(|s| s.meta.kind == LayerKind::Boundary && s.meta.theme.as_str() == theme)
                .cloned()
        };
        let finest = finest_boundary(all).ok_or_else(|| {
            ApiError::bad_request(
                "no boundary layer is loaded (themes province, district, sector, cell or village)",
            )
        })?;
        if finest.1 < digits {
            return Err(ApiError::bad_request(format!(
                "the finest boundary layer loaded is '{}' ({}): figures by {by} need a finer one",
                finest.0.meta.id,
                finest.0.meta.theme.as_str()
            )));
        }
        Ok(Self {
            hazard,
            exposed,
            finest: finest.0,
            digits,
            names_layer: boundary(by),
        })
    }
}

async fn exposure_by_unit(
    State(state): State<AppState>,
    Query(q): Query<ExposureQuery>,
    Query(needs): Query<NeedsQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let format = q.format.as_deref().unwrap_or("json");
    if !FORMATS.contains(&format) {
        return Err(ApiError::bad_request(format!(
            "format '{format}' is not offered: use json, csv or geojson"
        )));
    }
    let needs = needs.needs()?;
    let authorised = sees_detail(&state, &headers, &q.hazard, &q.exposure).await?;
    let by = q.by.clone().unwrap_or_else(|| "district".to_owned());
    let engine = state.engine.clone();
    let (report, names_layer) = blocking(move || {
        report(
            &engine,
            ExposureRequest {
                hazard: &q.hazard,
                exposure: &q.exposure,
                by: &by,
                needs,
            },
            authorised,
        )
    })
    .await?;
    let by = report["by"].as_str().unwrap_or("district").to_owned();
    Ok(match format {
        "csv" => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"exposure-{}-{}-{by}.csv\"",
                        report["hazard"]["layer"].as_str().unwrap_or_default(),
                        report["exposure"]["layer"].as_str().unwrap_or_default()
                    ),
                ),
            ],
            to_csv(&report, &by),
        )
            .into_response(),
        "geojson" => (
            [(header::CONTENT_TYPE, "application/geo+json")],
            to_geojson(&report, names_layer.as_deref()).to_string(),
        )
            .into_response(),
        _ => Json(report).into_response(),
    })
}

/// Whether the caller may see the figures of `exposure` in full (see [`Reader`]), after
/// checking that it may read the hazard, exposure and finest boundary layers at all.
///
/// # Errors
/// 401 for a bad token, or a layer not open to callers without one.
pub(super) async fn sees_detail(
    state: &AppState,
    headers: &HeaderMap,
    hazard: &str,
    exposure: &str,
) -> Result<bool, ApiError> {
    let reader = Reader::of(state, headers).await?;
    let all = state.engine.snapshots();
    let find = |name: &str| {
        name.parse::<LayerId>()
            .ok()
            .and_then(|id| all.get(&id).cloned())
    };
    for s in [find(hazard), find(exposure)]
        .into_iter()
        .flatten()
        .chain(finest_boundary(&all).map(|(s, _)| s))
    {
        reader.check(&s.meta)?;
    }
    // An unknown layer: the report says so.
    let Some(exposed) = find(exposure) else {
        return Ok(true);
    };
    let detail = reader.sees_detail(&exposed.meta);
    if detail && exposed.meta.sensitivity == Sensitivity::Restricted {
        audit_restricted_read(state, reader.name(), exposure, "exposure").await;
    }
    Ok(detail)
}

/// The report's units as GeoJSON features with their shapes (when the level has a
/// boundary layer).
#[must_use]
pub fn to_geojson(report: &Value, units: Option<&LayerSnapshot>) -> Value {
    let geometries: BTreeMap<String, Value> = units
        .map(|s| {
            s.features
                .iter()
                .filter_map(|f| Some((f.code.clone()?, geojson::geometry(&f.geometry, &to_lonlat))))
                .collect()
        })
        .unwrap_or_default();
    let features: Vec<Value> = report["units"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|u| {
            let code = u["code"].as_str().unwrap_or_default();
            json!({"type": "Feature", "id": code, "geometry": geometries.get(code), "properties": u})
        })
        .collect();
    json!({
        "type": "FeatureCollection",
        "features": features,
        "hazard": report["hazard"],
        "exposure": report["exposure"],
        "computed_at": report["computed_at"],
    })
}

#[derive(Debug, Deserialize)]
struct AreaQuery {
    hazard: String,
    exposure: String,
}

/// The (Multi)Polygon of an incident area, from a GeoJSON geometry or Feature.
fn area_shape(body: &Value) -> Result<geo::MultiPolygon<f64>, ApiError> {
    let geometry = if body["type"] == "Feature" {
        &body["geometry"]
    } else {
        body
    };
    let text = geometry.to_string();
    let shape = gdal::vector::Geometry::from_geojson(&text)
        .and_then(|g| g.to_geo())
        .map_err(|_| ApiError::bad_request("the body must be a GeoJSON Polygon or MultiPolygon (or a Feature holding one) in lon/lat"))?;
    let shape = match shape {
        geo::Geometry::Polygon(p) => geo::MultiPolygon(vec![p]),
        geo::Geometry::MultiPolygon(m) => m,
        _ => {
            return Err(ApiError::bad_request(
                "the area must be a Polygon or MultiPolygon",
            ));
        }
    };
    use geo::{CoordsIter as _, GeodesicArea as _};
    if shape
        .coords_iter()
        .any(|c| !(-180.0..=180.0).contains(&c.x) || !(-85.0..=85.0).contains(&c.y))
    {
        return Err(ApiError::bad_request(
            "the area has coordinates outside lon -180..180 / lat -85..85: send lon/lat degrees (RFC 7946)",
        ));
    }
    let vertices = shape.coords_count();
    if vertices > AREA_MAX_VERTICES {
        return Err(ApiError::bad_request(format!(
            "the area has {vertices} vertices, more than {AREA_MAX_VERTICES}: simplify it"
        )));
    }
    let km2 = shape.geodesic_area_unsigned() / 1e6;
    if km2 > AREA_MAX_KM2 {
        return Err(ApiError::bad_request(format!(
            "the area covers {km2:.0} km², more than {AREA_MAX_KM2:.0} km²: are the coordinates lon/lat? For whole districts or the country use GET /api/exposure"
        )));
    }
    Ok(shape)
}

/// `POST /api/exposure/area?hazard=…&exposure=…` with a GeoJSON (Multi)Polygon: the same
/// figures for an ad hoc incident area.
async fn exposure_in_area(
    State(state): State<AppState>,
    Query(q): Query<AreaQuery>,
    Query(needs): Query<NeedsQuery>,
    headers: HeaderMap,
    body: Result<Json<Value>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Json(body) = body.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                e.status(),
                "Area too large",
                format!(
                    "the area body is over {} MiB: simplify the outline",
                    AREA_BODY_LIMIT / 1024 / 1024
                ),
            )
        } else {
            ApiError::bad_request(format!(
                "send the area as a GeoJSON Polygon or MultiPolygon: {}",
                e.body_text()
            ))
        }
    })?;
    let shape = area_shape(&body)?;
    let needs = needs.needs()?;
    let all = state.engine.snapshots();
    let hazard = layer(&all, &q.hazard, LayerKind::Hazard, "hazard")?;
    let exposed = layer(&all, &q.exposure, LayerKind::Exposure, "exposure")?;
    let authorised = sees_detail(&state, &headers, &q.hazard, &q.exposure).await?;
    let report = blocking(move || {
        use geo::{BoundingRect as _, MapCoords as _};
        let merc = shape.map_coords(crate::engine::tile::to_mercator);
        let bbox_m = merc
            .bounding_rect()
            .map_or([0.0; 4], |r| [r.min().x, r.min().y, r.max().x, r.max().y]);
        let area = crate::engine::snapshot::SnapFeature {
            fid: 1,
            geometry: geo::Geometry::MultiPolygon(merc),
            bbox_m,
            properties: serde_json::Map::new(),
            hazard_class: None,
            code: Some("area".into()),
            population: None,
            households: None,
        };
        let mut meta = exposed.meta.clone();
        meta.kind = LayerKind::Boundary;
        let units = LayerSnapshot::from_features(meta, 0, vec![area]);
        let computed = exposure::compute(&hazard, &exposed, &units);
        let redact = exposed.meta.sensitivity == Sensitivity::Restricted && !authorised;
        let (rows, total) = unit_rows(&hazard, &computed, &BTreeMap::new(), redact, &needs);
        Ok(json!({
            "hazard": hazard_source(&hazard),
            "exposure": source_json(&exposed),
            "needs_standard": needs,
            "computed_at": Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            "redacted": redact,
            "area": rows.into_iter().next(),
            "total": total,
        }))
    })
    .await?;
    Ok(Json(report))
}

/// HXL attribute of an admin level (`adm1` province … `adm5` village).
fn hxl_level(by: &str) -> &'static str {
    match by {
        "province" => "#adm1",
        "district" => "#adm2",
        "sector" => "#adm3",
        "cell" => "#adm4",
        "village" => "#adm5",
        _ => "#country",
    }
}

fn csv_field(v: &Value) -> String {
    let text = match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The report as CSV: one row per unit and class, under a header row and a HXL hashtag row; every row
/// names the layer versions it came from.
#[must_use]
pub fn to_csv(report: &Value, by: &str) -> String {
    let adm = hxl_level(by);
    let mut out = String::from(
        "code,name,hazard_class,count,population,households,affected,displaced,hazard_layer,hazard_version,exposure_layer,exposure_version,computed_at\n",
    );
    out.push_str(&format!(
        "{adm}+code,{adm}+name,#severity,#indicator+num,#population+num,#household+num,#affected+num,#affected+displaced+num,#meta+hazard,#meta+hazard+version,#meta+exposure,#meta+exposure+version,#date+computed\n"
    ));
    let provenance = [
        &report["hazard"]["layer"],
        &report["hazard"]["version"],
        &report["exposure"]["layer"],
        &report["exposure"]["version"],
        &report["computed_at"],
    ]
    .map(csv_field)
    .join(",");
    for u in report["units"].as_array().into_iter().flatten() {
        let (code, name) = (csv_field(&u["code"]), csv_field(&u["name"]));
        if u["suppressed"] == true {
            out.push_str(&format!("{code},{name},suppressed,,,,,,{provenance}\n"));
            continue;
        }
        for c in u["classes"].as_array().into_iter().flatten() {
            let figures = [
                "class",
                "count",
                "population",
                "households",
                "affected",
                "displaced",
            ]
            .map(|k| csv_field(&c[k]))
            .join(",");
            out.push_str(&format!("{code},{name},{figures},{provenance}\n"));
        }
    }
    out
}

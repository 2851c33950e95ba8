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

use super::{ApiError, AppState, authorise, blocking};
use crate::classify::HazardClass;
use crate::engine::exposure::{self, Tally};
use crate::engine::tile::to_lonlat;
use crate::engine::{LayerSnapshot, geojson};
use crate::layer::{LayerId, LayerKind, Sensitivity};

/// Admin levels, coarsest first, with the length of their codes.
const LEVELS: &[(&str, usize)] = &[
    ("country", 0),
    ("province", 1),
    ("district", 2),
    ("sector", 4),
    ("cell", 6),
    ("village", 8),
];

/// Sphere minimum standards per displaced person per day (or per person for shelter).
const KCAL_PER_PERSON_DAY: f64 = 2100.0;
const WATER_L_PER_PERSON_DAY: f64 = 15.0;
const SHELTER_M2_PER_PERSON: f64 = 3.5;
const PEOPLE_PER_LATRINE: f64 = 20.0;

/// Units with fewer households than this are suppressed for restricted exposure layers
/// when the caller has no token.
const MIN_HOUSEHOLDS_SHOWN: f64 = 5.0;

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/exposure", get(exposure_by_unit))
        .route("/api/exposure/area", axum::routing::post(exposure_in_area))
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
) -> Result<Json<Value>, ApiError> {
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
        .filter(|s| s.meta.kind == LayerKind::Hazard)
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
        .filter(|s| s.meta.kind == LayerKind::Boundary)
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
                    "name": name_of(s, u),
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

fn name_of(snap: &LayerSnapshot, f: &crate::engine::snapshot::SnapFeature) -> Option<String> {
    let field = snap.meta.fields.name.as_ref()?;
    f.properties
        .get(field)
        .and_then(Value::as_str)
        .map(str::to_owned)
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

fn needs(displaced: f64) -> Value {
    json!({
        "food_kcal_per_day": displaced * KCAL_PER_PERSON_DAY,
        "water_litres_per_day": displaced * WATER_L_PER_PERSON_DAY,
        "shelter_m2": displaced * SHELTER_M2_PER_PERSON,
        "latrines": (displaced / PEOPLE_PER_LATRINE).ceil(),
    })
}

/// The rows of a report: per unit (each class with its figures, and the needs of the
/// displaced) and the totals per class, from unrounded sums.
fn unit_rows(
    hazard: &LayerSnapshot,
    rolled: &exposure::ByUnit,
    names: &BTreeMap<String, String>,
    redact: bool,
) -> (Vec<Value>, Vec<Value>) {
    let rules: BTreeMap<HazardClass, (bool, f64)> = hazard
        .meta
        .classification
        .iter()
        .flat_map(|c| c.rules.iter())
        .map(|r| (r.class, (r.affected, r.displacement_rate)))
        .collect();
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
        if redact && households < MIN_HOUSEHOLDS_SHOWN {
            units.push(json!({"code": code, "name": names.get(code), "suppressed": true}));
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
            "name": names.get(code),
            "classes": rows,
            "needs_of_displaced": needs(displaced),
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
    all: &crate::engine::Snapshots,
    req: ExposureRequest<'_>,
    authorised: bool,
) -> Result<(Value, Option<Arc<LayerSnapshot>>), ApiError> {
    let hazard = layer(all, req.hazard, LayerKind::Hazard, "hazard")?;
    let exposed = layer(all, req.exposure, LayerKind::Exposure, "exposure")?;
    let by = req.by;
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
    let finest = LEVELS
        .iter()
        .rev()
        .find_map(|(name, d)| boundary(name).map(|s| (s, *d)))
        .ok_or_else(|| {
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
    let names_layer = boundary(by);
    let redact = exposed.meta.sensitivity == Sensitivity::Restricted && !authorised;
    let rolled = exposure::roll_up(&exposure::compute(&hazard, &exposed, &finest.0), digits);

    let names: BTreeMap<String, String> = names_layer
        .as_ref()
        .map(|s| {
            s.features
                .iter()
                .filter_map(|f| Some((f.code.clone()?, name_of(s, f)?)))
                .collect()
        })
        .unwrap_or_default();
    let (units, total_rows) = unit_rows(&hazard, &rolled, &names, redact);
    let report = json!({
        "hazard": hazard_source(&hazard),
        "exposure": source_json(&exposed),
        "boundary": source_json(&finest.0),
        "by": by,
        "computed_at": Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
        "redacted": redact,
        "units": units,
        "total": total_rows,
    });
    Ok((report, names_layer))
}

async fn exposure_by_unit(
    State(state): State<AppState>,
    Query(q): Query<ExposureQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let format = q.format.as_deref().unwrap_or("json");
    if !FORMATS.contains(&format) {
        return Err(ApiError::bad_request(format!(
            "format '{format}' is not offered: use json, csv or geojson"
        )));
    }
    let all = state.engine.snapshots();
    let restricted = q
        .exposure
        .parse::<LayerId>()
        .ok()
        .and_then(|id| {
            all.get(&id)
                .map(|s| s.meta.sensitivity == Sensitivity::Restricted)
        })
        .unwrap_or(false);
    let authorised = !restricted || authorise(&state, &headers).await.is_ok();
    let by = q.by.clone().unwrap_or_else(|| "district".to_owned());
    let (report, names_layer) = blocking(move || {
        report(
            &all,
            ExposureRequest {
                hazard: &q.hazard,
                exposure: &q.exposure,
                by: &by,
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
    use geo::CoordsIter as _;
    if shape
        .coords_iter()
        .any(|c| !(-180.0..=180.0).contains(&c.x) || !(-85.0..=85.0).contains(&c.y))
    {
        return Err(ApiError::bad_request(
            "the area has coordinates outside lon -180..180 / lat -85..85: send lon/lat degrees (RFC 7946)",
        ));
    }
    Ok(shape)
}

/// `POST /api/exposure/area?hazard=…&exposure=…` with a GeoJSON (Multi)Polygon: the same
/// figures for an ad hoc incident area.
async fn exposure_in_area(
    State(state): State<AppState>,
    Query(q): Query<AreaQuery>,
    headers: HeaderMap,
    body: Result<Json<Value>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Json(body) = body.map_err(|e| {
        ApiError::bad_request(format!(
            "send the area as a GeoJSON Polygon or MultiPolygon: {}",
            e.body_text()
        ))
    })?;
    let shape = area_shape(&body)?;
    let all = state.engine.snapshots();
    let hazard = layer(&all, &q.hazard, LayerKind::Hazard, "hazard")?;
    let exposed = layer(&all, &q.exposure, LayerKind::Exposure, "exposure")?;
    let authorised = exposed.meta.sensitivity != Sensitivity::Restricted
        || authorise(&state, &headers).await.is_ok();
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
        let (rows, total) = unit_rows(&hazard, &computed, &BTreeMap::new(), redact);
        Ok(json!({
            "hazard": hazard_source(&hazard),
            "exposure": source_json(&exposed),
            "computed_at": Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
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

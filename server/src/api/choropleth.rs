//! Exposure by unit as a vector tile layer, for choropleth maps:
//! `GET /api/exposure/tiles/{z}/{x}/{y}.mvt?hazard=…&exposure=…&by=…` and its TileJSON at
//! `GET /api/exposure/tiles.json?…`. The layer is named `exposure`; each unit of the level
//! carries its code, name and figures (see `UNIT_FIELDS`), taken from the same cached
//! result as `/api/exposure`, so map and table always agree.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::exposure::{Inputs, rules, sees_detail};
use super::tiles::{
    TileSource, base_url, etag, not_modified, parse_tile, private_to_caller, serve_tile,
};
use super::{ApiError, AppState, blocking};
use crate::engine::aggregate::MIN_HOUSEHOLDS_SHOWN;
use crate::engine::exposure::{ByUnit, roll_up};
use crate::engine::results::Computed;
use crate::engine::snapshot::SnapFeature;
use crate::engine::tile::MAX_ZOOM;
use crate::engine::{LayerSnapshot, Selection};
use crate::layer::{LayerKind, Sensitivity};

/// Attributes of each unit in the tiles, with their types.
const UNIT_FIELDS: &[(&str, &str, &str)] = &[
    ("code", "String", "official code of the unit"),
    ("name", "String", "name of the unit"),
    ("population", "Number", "everyone counted in the unit"),
    (
        "exposed",
        "Number",
        "people in any hazard class (each counted once, in the highest)",
    ),
    ("exposed_share", "Number", "exposed / population (0-1)"),
    (
        "affected",
        "Number",
        "people in classes that count as affected",
    ),
    (
        "displaced",
        "Number",
        "affected x the class displacement rate",
    ),
    ("high", "Number", "people in the high class"),
    ("medium", "Number", "people in the medium class"),
    ("low", "Number", "people in the low class"),
    ("very_low", "Number", "people in the very low class"),
    (
        "suppressed",
        "Boolean",
        "true where a restricted layer's figures are withheld (under 5 households)",
    ),
];

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/exposure/tiles.json", get(tilejson))
        .route("/api/exposure/tiles/{z}/{x}/{y}", get(tile))
}

#[derive(Debug, Deserialize)]
struct ChoroplethQuery {
    hazard: String,
    exposure: String,
    by: Option<String>,
}

impl ChoroplethQuery {
    fn by(&self) -> &str {
        self.by.as_deref().unwrap_or("district")
    }

    fn query_string(&self) -> String {
        format!(
            "hazard={}&exposure={}&by={}",
            self.hazard,
            self.exposure,
            self.by()
        )
    }
}

/// The layers of a request and the boundary layer whose units are drawn.
fn layers(state: &AppState, q: &ChoroplethQuery) -> Result<(Inputs, Arc<LayerSnapshot>), ApiError> {
    let inputs = Inputs::resolve(&state.engine.snapshots(), &q.hazard, &q.exposure, q.by())?;
    let units = inputs.names_layer.clone().ok_or_else(|| {
        ApiError::bad_request(format!(
            "no boundary layer with theme '{}' is loaded, so its units cannot be drawn: choose another level",
            q.by()
        ))
    })?;
    Ok((inputs, units))
}

/// The layers and the cached result for a request.
fn inputs(
    state: &AppState,
    q: &ChoroplethQuery,
) -> Result<(Inputs, Arc<LayerSnapshot>, Arc<Computed>), ApiError> {
    let (inputs, units) = layers(state, q)?;
    let computed = state
        .engine
        .exposure(&inputs.hazard, &inputs.exposed, &inputs.finest);
    Ok((inputs, units, computed))
}

/// The units of `units` with the figures of `rolled` as attributes.
fn choropleth_layer(
    inputs: &Inputs,
    units: &LayerSnapshot,
    rolled: &ByUnit,
    redact: bool,
) -> LayerSnapshot {
    let rules = rules(&inputs.hazard);
    let features = units
        .features
        .iter()
        .map(|u| {
            let mut p = Map::new();
            p.insert("code".into(), json!(u.code));
            p.insert("name".into(), json!(units.name(u)));
            let classes = u.code.as_ref().and_then(|c| rolled.get(c));
            let households: f64 = classes
                .map(|c| c.values().map(|t| t.households).sum())
                .unwrap_or(0.0);
            if redact && households < MIN_HOUSEHOLDS_SHOWN {
                p.insert("suppressed".into(), json!(true));
            } else {
                let (mut population, mut exposed, mut affected, mut displaced) =
                    (0.0, 0.0, 0.0, 0.0);
                for (class, t) in classes.into_iter().flatten() {
                    population += t.population;
                    let Some(class) = class else { continue };
                    exposed += t.population;
                    p.insert(class.as_str().into(), json!(t.population));
                    if let Some((true, rate)) = rules.get(class) {
                        affected += t.population;
                        displaced += t.population * rate;
                    }
                }
                p.insert("population".into(), json!(population));
                p.insert("exposed".into(), json!(exposed));
                if population > 0.0 {
                    p.insert("exposed_share".into(), json!(exposed / population));
                }
                p.insert("affected".into(), json!(affected));
                p.insert("displaced".into(), json!(displaced));
            }
            SnapFeature {
                fid: u.fid,
                geometry: u.geometry.clone(),
                bbox_m: u.bbox_m,
                properties: p,
                hazard_class: None,
                code: u.code.clone(),
                population: None,
                households: None,
            }
        })
        .collect();
    let mut meta = units.meta.clone();
    meta.id = "exposure".parse().unwrap_or_else(|_| meta.id.clone());
    meta.title = format!(
        "Exposure of {} to {} by {}",
        inputs.exposed.meta.title,
        inputs.hazard.meta.title,
        units.meta.theme.as_str()
    );
    meta.kind = LayerKind::Boundary;
    meta.sensitivity = Sensitivity::Public;
    let mut snap = LayerSnapshot::from_features(meta, units.version, features);
    snap.bbox = units.bbox;
    snap
}

/// The versions the tiles depend on, for the ETag.
fn layers_of(inputs: &Inputs, units: &Arc<LayerSnapshot>) -> Vec<Arc<LayerSnapshot>> {
    vec![
        inputs.hazard.clone(),
        inputs.exposed.clone(),
        inputs.finest.clone(),
        units.clone(),
    ]
}

async fn tile(
    State(state): State<AppState>,
    Path((z, x, y)): Path<(String, String, String)>,
    Query(q): Query<ChoroplethQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let t = parse_tile(
        &z,
        &x,
        &y,
        "/api/exposure/tiles/{z}/{x}/{y}.mvt?hazard=…&exposure=…&by=…",
    )?;
    let redact = !sees_detail(&state, &headers, &q.hazard, &q.exposure).await?;
    let st = state.clone();
    let (layer, source) = blocking(move || {
        let (inputs, units, computed) = inputs(&st, &q)?;
        let layers = layers_of(&inputs, &units);
        let source = TileSource {
            tag: etag(
                &layers,
                &format!("choropleth {} {redact} {}/{}/{}", q.by(), t.z, t.x, t.y),
            ),
            ids: layers.iter().map(|l| l.meta.id.to_string()).collect(),
            private: private_to_caller(&layers),
        };
        let layer = computed.derived(&format!("choropleth {} {redact}", q.by()), || {
            choropleth_layer(
                &inputs,
                &units,
                &roll_up(&computed.by_unit, inputs.digits),
                redact,
            )
        });
        Ok((layer, source))
    })
    .await?;
    serve_tile(
        &state,
        &headers,
        vec![layer],
        t,
        Selection::default(),
        source,
    )
    .await
}

async fn tilejson(
    State(state): State<AppState>,
    Query(q): Query<ChoroplethQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    sees_detail(&state, &headers, &q.hazard, &q.exposure).await?;
    let (inputs, units) = layers(&state, &q)?;
    let layers = layers_of(&inputs, &units);
    let tag = etag(
        &layers,
        &format!("choropleth tilejson {} {}", q.by(), base_url(&headers)),
    );
    if not_modified(&headers, &tag) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response());
    }
    let bounds = units
        .bbox
        .unwrap_or([-180.0, -85.051_128_78, 180.0, 85.051_128_78]);
    let fields: Map<String, Value> = UNIT_FIELDS
        .iter()
        .map(|(name, kind, _)| ((*name).to_owned(), json!(kind)))
        .collect();
    let body = json!({
        "tilejson": "3.0.0",
        "name": "exposure",
        "description": format!("Exposure of {} to {} by {}", inputs.exposed.meta.title, inputs.hazard.meta.title, q.by()),
        "version": layers.iter().map(|s| format!("{}@{}", s.meta.id, s.version)).collect::<Vec<_>>().join(","),
        "attribution": layers.iter().map(|s| s.meta.attribution.as_str()).filter(|a| !a.is_empty()).collect::<Vec<_>>().join("; "),
        "scheme": "xyz",
        "tiles": [format!("{}/api/exposure/tiles/{{z}}/{{x}}/{{y}}.mvt?{}", base_url(&headers), q.query_string())],
        "minzoom": 0,
        "maxzoom": MAX_ZOOM,
        "bounds": bounds,
        "center": [(bounds[0] + bounds[2]) / 2.0, (bounds[1] + bounds[3]) / 2.0, 8],
        "vector_layers": [{
            "id": "exposure",
            "description": UNIT_FIELDS.iter().map(|(n, _, d)| format!("{n}: {d}")).collect::<Vec<_>>().join("; "),
            "fields": fields,
            "minzoom": 0,
            "maxzoom": MAX_ZOOM,
        }],
    });
    Ok(([(header::ETAG, tag)], Json(body)).into_response())
}

//! OGC API – Tiles (Part 1) over the tiles of `/tiles`: one vector tileset per
//! collection in the WebMercatorQuad tile matrix set (OGC 2D TMS 2.0), so GDAL's OGCAPI
//! driver and other clients find the tiles from the collection alone.
//!
//! - `/ogc/tileMatrixSets` and `/ogc/tileMatrixSets/WebMercatorQuad`: the tiling scheme;
//! - `/ogc/collections/{id}/tiles`: the collection's tilesets (one);
//! - `…/tiles/WebMercatorQuad`: the tileset, with its tile URL template, the tiles that
//!   hold data at each zoom (`tileMatrixSetLimits`) and its layer's fields;
//! - `…/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}`: a tile, the same bytes
//!   (and ETag) as `/tiles/{id}/{z}/{x}/{y}.mvt`, with the same access rules.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::{CRS84, queryables, snapshot};
use crate::api::AppState;
use crate::api::http::selection::SelectionQuery;
use crate::api::http::tile::layers_tile;
use crate::api::http::{ApiError, BaseUrl};
use crate::engine::LayerSnapshot;
use crate::engine::geometry::crs::Crs;
use crate::engine::tiles::{MAX_ZOOM, TileId, labels_layer};
use crate::model::LayerId;

/// The one tile matrix set served.
const TMS_ID: &str = "WebMercatorQuad";
const TMS_URI: &str = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad";
const EPSG_3857: &str = "http://www.opengis.net/def/crs/EPSG/0/3857";
const TILING_SCHEME: &str = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme";
/// Link relation of a collection's vector tilesets.
pub const TILESETS_VECTOR: &str = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector";
/// Link relation of the landing page's list of tile matrix sets.
pub const TILING_SCHEMES: &str = "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes";
const MVT: &str = "application/vnd.mapbox-vector-tile";
/// Size of a tile in pixels, for cell sizes and scales (the standard's 256).
const TILE_PIXELS: f64 = 256.0;
/// Size of a pixel in metres for scale denominators (the standard's 0.28 mm).
const PIXEL_M: f64 = 0.000_28;

/// What is implemented of OGC API – Tiles and 2D TMS.
pub const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
    "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
    "http://www.opengis.net/spec/tms/2.0/conf/tilesetmetadata",
    "http://www.opengis.net/spec/tms/2.0/conf/json-tilesetmetadata",
    "http://www.opengis.net/spec/tms/2.0/conf/tilematrixsetlimits",
    "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixsetlimits",
];

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ogc/tileMatrixSets", get(matrix_sets))
        .route("/ogc/tileMatrixSets/{tms}", get(matrix_set))
        .route("/ogc/collections/{id}/tiles", get(tilesets))
        .route("/ogc/collections/{id}/tiles/{tms}", get(tileset))
        .route(
            "/ogc/collections/{id}/tiles/{tms}/{matrix}/{row}/{col}",
            get(tile),
        )
}

/// 404 for any tile matrix set but ours.
fn known(tms: &str) -> Result<(), ApiError> {
    if tms == TMS_ID {
        Ok(())
    } else {
        Err(ApiError::not_found(format!(
            "no tile matrix set '{tms}': tiles are served in {TMS_ID} only (GET /ogc/tileMatrixSets)"
        )))
    }
}

async fn matrix_sets(axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>) -> Json<Value> {
    let href = format!("{base}/ogc/tileMatrixSets");
    Json(json!({
        "links": [{"href": href, "rel": "self", "type": "application/json"}],
        "tileMatrixSets": [{
            "id": TMS_ID,
            "title": "Google Maps Compatible for the World",
            "uri": TMS_URI,
            "crs": EPSG_3857,
            "links": [{"href": format!("{href}/{TMS_ID}"), "rel": "self", "type": "application/json", "title": TMS_ID}],
        }],
    }))
}

/// The WebMercatorQuad definition (OGC 2D TMS 2.0, JSON), zooms 0 to [`MAX_ZOOM`].
/// It also carries the members of TMS 1.0 that name the same things (`type`,
/// `identifier`, `supportedCRS`, and each matrix's `identifier` and `topLeftCorner`):
/// GDAL before 3.7 (Debian's 3.6, in QGIS) reads only those.
async fn matrix_set(Path(tms): Path<String>) -> Result<Json<Value>, ApiError> {
    known(&tms)?;
    let matrices: Vec<Value> = (0..=MAX_ZOOM)
        .map(|z| {
            let span = TileId { z, x: 0, y: 0 }.span_m();
            let cell = span / TILE_PIXELS;
            let n = 1u32 << z;
            let origin = [-span * f64::from(n) / 2.0, span * f64::from(n) / 2.0];
            json!({
                "id": z.to_string(),
                "identifier": z.to_string(),
                "scaleDenominator": cell / PIXEL_M,
                "cellSize": cell,
                "cornerOfOrigin": "topLeft",
                "pointOfOrigin": origin,
                "topLeftCorner": origin,
                "tileWidth": TILE_PIXELS,
                "tileHeight": TILE_PIXELS,
                "matrixWidth": n,
                "matrixHeight": n,
            })
        })
        .collect();
    let half = TileId { z: 0, x: 0, y: 0 }.span_m() / 2.0;
    Ok(Json(json!({
        "id": TMS_ID,
        "title": "Google Maps Compatible for the World",
        "uri": TMS_URI,
        "crs": EPSG_3857,
        "type": "TileMatrixSetType",
        "identifier": TMS_ID,
        "supportedCRS": EPSG_3857,
        "orderedAxes": ["X", "Y"],
        "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
        "boundingBox": {"lowerLeft": [-half, -half], "upperRight": [half, half], "crs": EPSG_3857},
        "tileMatrices": matrices,
    })))
}

/// The tileset of `s` in summary, as the tilesets list and the tileset both have it.
fn summary(s: &LayerSnapshot, tiles: &str, base: &str) -> Value {
    json!({
        "title": s.meta.title,
        "dataType": "vector",
        "crs": EPSG_3857,
        "tileMatrixSetURI": TMS_URI,
        "links": [
            {"href": format!("{tiles}/{TMS_ID}"), "rel": "self", "type": "application/json", "title": format!("{} in {TMS_ID}", s.meta.title)},
            {"href": format!("{base}/ogc/tileMatrixSets/{TMS_ID}"), "rel": TILING_SCHEME, "type": "application/json", "title": TMS_ID},
        ],
    })
}

async fn tilesets(
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let snap = snapshot(&state, &headers, &id).await?;
    let tiles = format!("{base}/ogc/collections/{id}/tiles");
    Ok(Json(json!({
        "links": [{"href": tiles, "rel": "self", "type": "application/json"}],
        "tilesets": [summary(&snap, &tiles, &base)],
    })))
}

/// The geometry dimension of a layer's features: 0 points, 1 lines, 2 polygons.
fn dimension(s: &LayerSnapshot) -> Option<u8> {
    s.geometry_kind().map(|k| match k {
        "point" => 0,
        "line" => 1,
        _ => 2,
    })
}

async fn tileset(
    axum::Extension(BaseUrl(base)): axum::Extension<BaseUrl>,
    State(state): State<AppState>,
    Path((id, tms)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    known(&tms)?;
    let snap = snapshot(&state, &headers, &id).await?;
    let tiles = format!("{base}/ogc/collections/{id}/tiles");
    let mut doc = summary(&snap, &tiles, &base);
    if let Some(links) = doc["links"].as_array_mut() {
        links.push(json!({
            "href": format!("{tiles}/{TMS_ID}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}"),
            "rel": "item", "type": MVT, "templated": true,
            "title": "a tile (Mapbox Vector Tile)",
        }));
        links.push(json!({
            "href": format!("{base}/ogc/collections/{id}"),
            "rel": "http://www.opengis.net/def/rel/ogc/1.0/geodata",
            "type": "application/json", "title": snap.meta.title,
        }));
    }
    // The tiles that can hold features, zoom by zoom: a client asks for no others.
    let limits: Vec<Value> = snap
        .bbox
        .map(|b| {
            let m = Crs::Crs84.bbox_to_mercator(b);
            (0..=MAX_ZOOM)
                .map(|z| {
                    let [c0, r0, c1, r1] = TileId::covering(z, m);
                    json!({"tileMatrix": z.to_string(), "minTileRow": r0, "maxTileRow": r1, "minTileCol": c0, "maxTileCol": c1})
                })
                .collect()
        })
        .unwrap_or_default();
    doc["tileMatrixSetLimits"] = Value::Array(limits);
    if let Some([w, s, e, n]) = snap.bbox {
        doc["boundingBox"] = json!({"lowerLeft": [w, s], "upperRight": [e, n], "crs": CRS84});
    }
    let mut schema =
        queryables::document(&snap, &format!("{base}/ogc/collections/{id}/queryables"));
    if let Some(o) = schema.as_object_mut() {
        o.remove("$id");
        o.remove("additionalProperties");
    }
    let mut layer = json!({
        "id": snap.meta.id,
        "title": snap.meta.title,
        "dataType": "vector",
        "minTileMatrix": "0",
        "maxTileMatrix": MAX_ZOOM.to_string(),
        "propertiesSchema": schema,
    });
    if let Some(d) = dimension(&snap) {
        layer["geometryDimension"] = json!(d);
    }
    let mut layers = vec![layer];
    if let Some(name) = snap.label_field() {
        layers.push(json!({
            "id": labels_layer(snap.meta.id.as_str()),
            "title": format!("{}: one label point per feature", snap.meta.title),
            "dataType": "vector",
            "geometryDimension": 0,
            "minTileMatrix": "0",
            "maxTileMatrix": MAX_ZOOM.to_string(),
            "propertiesSchema": {"type": "object", "properties": {name: {"type": "string"}}},
        }));
    }
    doc["layers"] = Value::Array(layers);
    if !snap.meta.attribution.is_empty() {
        doc["attribution"] = json!(snap.meta.attribution);
    }
    Ok(Json(doc))
}

/// `?f=mvt` (the only format) and the selection of `/tiles` (`properties`, `filter`).
#[derive(serde::Deserialize)]
struct TileQuery {
    f: Option<String>,
    #[serde(flatten)]
    selection: SelectionQuery,
}

async fn tile(
    State(state): State<AppState>,
    Path((id, tms, matrix, row, col)): Path<(String, String, String, String, String)>,
    Query(query): Query<TileQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    known(&tms)?;
    let id: LayerId = id
        .parse()
        .map_err(|e: crate::model::SlugError| ApiError::bad_request(e.to_string()))?;
    if let Some(f) = query.f.as_deref().filter(|f| *f != "mvt") {
        return Err(ApiError::bad_request(format!(
            "format '{f}' is not served: tiles are Mapbox Vector Tiles (f=mvt)"
        )));
    }
    let number = |what: &str, v: &str| {
        v.parse::<u32>().map_err(|_| {
            ApiError::bad_request(format!(
                "{what} '{v}' is not a whole number: tiles are …/tiles/{TMS_ID}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}"
            ))
        })
    };
    let t = TileId::new(
        number("tileMatrix", &matrix)?,
        number("tileCol", &col)?,
        number("tileRow", &row)?,
    )
    // A tile outside the matrix does not exist (Tiles, Part 1: 404).
    .map_err(|e| ApiError::not_found(e.to_string()))?;
    layers_tile(&state, &headers, id.as_str(), t, &query.selection).await
}

//! An immutable, query-ready copy of one layer version: geometries pre-projected to Web
//! Mercator and indexed with an R-tree.

use std::sync::OnceLock;

use geo::{BoundingRect, Geometry, MapCoords};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};
use serde_json::{Map, Value};

use rayon::prelude::*;

use super::exposure::cells::{CellGrid, CellPoint, locate_cell};
use super::geometry::to_mercator;
use crate::model::HazardClass;
use crate::model::{Bbox, Feature, LayerId, LayerKind, LayerMeta, Sensitivity};

/// A stored geometry that does not decode: the snapshot cannot be built.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot build the snapshot of layer {layer}: feature {fid} has a geometry that does not decode"
)]
pub struct SnapshotError {
    layer: LayerId,
    fid: i64,
    #[source]
    cause: gdal::errors::GdalError,
}

/// One feature of a snapshot.
#[derive(Debug)]
pub struct SnapFeature {
    /// Feature id within the version.
    pub fid: i64,
    /// Geometry in Web Mercator metres.
    pub geometry: Geometry<f64>,
    /// Its extent in metres: west, south, east, north.
    pub bbox_m: [f64; 4],
    /// Source attributes.
    pub properties: Map<String, Value>,
    /// Hazard class, for hazard layers.
    pub hazard_class: Option<String>,
    /// Official code (mapped field).
    pub code: Option<String>,
    /// People (mapped field).
    pub population: Option<f64>,
    /// Households (mapped field).
    pub households: Option<f64>,
}

impl SnapFeature {
    /// The hazard class, for features of hazard layers that have one.
    #[must_use]
    pub fn class(&self) -> Option<HazardClass> {
        self.hazard_class.as_deref().and_then(|c| c.parse().ok())
    }
}

type Entry = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// One layer version, ready to serve.
#[derive(Debug)]
pub struct LayerSnapshot {
    /// Metadata of the version.
    pub meta: LayerMeta,
    /// Version number.
    pub version: i32,
    /// Extent in lon/lat.
    pub bbox: Option<Bbox>,
    /// Attribute names with a type (`String`, `Number` or `Boolean`), first seen first.
    pub fields: Vec<(String, &'static str)>,
    /// The features.
    pub features: Vec<SnapFeature>,
    index: RTree<Entry>,
    has_polygons: bool,
    cells: OnceLock<CellGrid>,
    points: OnceLock<Vec<CellPoint>>,
    representative: OnceLock<Vec<Option<geo::Coord<f64>>>>,
}

fn json_type(v: &Value) -> Option<&'static str> {
    match v {
        Value::String(_) | Value::Array(_) | Value::Object(_) => Some("String"),
        Value::Number(_) => Some("Number"),
        Value::Bool(_) => Some("Boolean"),
        Value::Null => None,
    }
}

impl LayerSnapshot {
    /// These units (a boundary layer's) drawn as layer `id` titled `title`, for a
    /// choropleth: each with its code, its name and what `attributes` adds. Public, with
    /// no name field mapped (the units' own layer labels them).
    #[must_use]
    pub fn units_drawn(
        &self,
        id: &str,
        title: String,
        mut attributes: impl FnMut(&SnapFeature, &mut Map<String, Value>),
    ) -> Self {
        let features = self
            .features
            .iter()
            .map(|u| {
                let mut p = Map::new();
                p.insert("code".into(), u.code.clone().into());
                p.insert("name".into(), self.name(u).into());
                attributes(u, &mut p);
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
        let mut meta = self.meta.clone();
        meta.id = id.parse().unwrap_or_else(|_| meta.id.clone());
        meta.title = title;
        meta.kind = LayerKind::Boundary;
        meta.fields.name = None;
        meta.sensitivity = Sensitivity::Public;
        let mut snap = Self::from_features(meta, self.version, features);
        snap.bbox = self.bbox;
        snap
    }

    /// The name of feature `f` (the mapped name field), when it has one.
    #[must_use]
    pub fn name<'a>(&self, f: &'a SnapFeature) -> Option<&'a str> {
        let field = self.meta.fields.name.as_ref()?;
        f.properties.get(field).and_then(Value::as_str)
    }

    /// Builds the snapshot of `version` from its stored features.
    ///
    /// # Errors
    /// When a stored geometry cannot be decoded.
    pub fn build(
        meta: LayerMeta,
        version: i32,
        bbox: Option<Bbox>,
        stored: Vec<Feature>,
    ) -> Result<Self, SnapshotError> {
        let mut features = Vec::with_capacity(stored.len());
        for f in stored {
            let g = gdal::vector::Geometry::from_wkb(&f.wkb)
                .and_then(|g| g.to_geo())
                .map_err(|cause| SnapshotError {
                    layer: meta.id.clone(),
                    fid: f.fid,
                    cause,
                })?;
            let merc = g.map_coords(to_mercator);
            let bbox_m = merc
                .bounding_rect()
                .map_or([0.0; 4], |r| [r.min().x, r.min().y, r.max().x, r.max().y]);
            let mut properties = f.properties;
            if let Some(class) = &f.hazard_class {
                // Served like any attribute, so filters and styles can use it.
                properties.insert("hazard_class".into(), Value::String(class.clone()));
            }
            features.push(SnapFeature {
                fid: f.fid,
                geometry: merc,
                bbox_m,
                properties,
                hazard_class: f.hazard_class,
                code: f.code,
                population: f.population,
                households: f.households,
            });
        }
        let mut snap = Self::from_features(meta, version, features);
        snap.bbox = bbox;
        Ok(snap)
    }

    /// A snapshot of features already in Web Mercator (its lon/lat extent unknown).
    #[must_use]
    pub fn from_features(meta: LayerMeta, version: i32, features: Vec<SnapFeature>) -> Self {
        let mut fields: Vec<(String, &'static str)> = Vec::new();
        let mut entries = Vec::with_capacity(features.len());
        let mut has_polygons = false;
        for (i, f) in features.iter().enumerate() {
            has_polygons |= matches!(f.geometry, Geometry::Polygon(_) | Geometry::MultiPolygon(_));
            for (k, v) in &f.properties {
                if let Some(t) = json_type(v)
                    && !fields.iter().any(|(name, _)| name == k)
                {
                    fields.push((k.clone(), t));
                }
            }
            let b = f.bbox_m;
            entries.push(GeomWithData::new(
                Rectangle::from_corners([b[0], b[1]], [b[2], b[3]]),
                u32::try_from(i).unwrap_or(u32::MAX),
            ));
        }
        if meta.classification.is_some() && !fields.iter().any(|(n, _)| n == "hazard_class") {
            fields.push(("hazard_class".into(), "String"));
        }
        Self {
            meta,
            version,
            bbox: None,
            fields,
            features,
            index: RTree::bulk_load(entries),
            has_polygons,
            cells: OnceLock::new(),
            points: OnceLock::new(),
            representative: OnceLock::new(),
        }
    }

    /// The polygons cut along the exposure grid, made on first use and kept for the
    /// life of the version. Hazard zones are labelled with their class code and cut so
    /// that overlapping zones count once, in their highest class; features of other
    /// layers are labelled 0.
    pub fn cells(&self) -> &CellGrid {
        self.cells.get_or_init(|| {
            let hazard = self.meta.kind == LayerKind::Hazard;
            let shapes = self
                .features
                .iter()
                .enumerate()
                .filter_map(|(i, f)| {
                    let rank = if hazard { f.class()?.code() } else { 0 };
                    Some((u32::try_from(i).ok()?, rank, &f.geometry))
                })
                .collect();
            CellGrid::build(shapes, hazard)
        })
    }

    /// Whether any feature is a polygon or multipolygon.
    #[must_use]
    pub fn has_polygons(&self) -> bool {
        self.has_polygons
    }

    /// What the layer draws as: "polygon" if it has any, else "point" or "line" (by its
    /// first feature); none for an empty layer.
    #[must_use]
    pub fn geometry_kind(&self) -> Option<&'static str> {
        if self.has_polygons {
            return Some("polygon");
        }
        self.features.first().map(|f| match f.geometry {
            Geometry::Point(_) | Geometry::MultiPoint(_) => "point",
            _ => "line",
        })
    }

    /// Every point of the layer, sorted by grid cell; made on first use and kept for the
    /// life of the version.
    pub fn points_by_cell(&self) -> &[CellPoint] {
        self.points.get_or_init(|| {
            let all: Vec<usize> = (0..self.features.len()).collect();
            points_by_cell(&self.features, &all)
        })
    }

    /// A point inside each feature (for polygons, inside the polygon even when it is
    /// concave), made on first use and kept for the life of the version; `None` for an
    /// empty geometry.
    pub fn representative_points(&self) -> &[Option<geo::Coord<f64>>] {
        self.representative.get_or_init(|| {
            use geo::InteriorPoint as _;
            self.features
                .par_iter()
                .map(|f| f.geometry.interior_point().map(|p| p.0))
                .collect()
        })
    }

    /// The name field its tiles' label points carry, when they carry one per feature:
    /// the basemap's polygons (admin units, lakes) that have a name field.
    #[must_use]
    pub fn label_field(&self) -> Option<&str> {
        if self.meta.kind.is_basemap() && self.has_polygons() {
            self.meta.fields.name.as_deref()
        } else {
            None
        }
    }

    /// Names of the attributes.
    pub fn field_names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|(n, _)| n.as_str())
    }

    /// Positions in `features` of those whose bounding box meets `b` (west, south,
    /// east, north; metres).
    pub fn indices_in_bounds_m(&self, b: [f64; 4]) -> impl Iterator<Item = usize> {
        self.index
            .locate_in_envelope_intersecting(&AABB::from_corners([b[0], b[1]], [b[2], b[3]]))
            .map(|e| e.data as usize)
    }

    /// The extent of every feature in metres (west, south, east, north); all zeros for an
    /// empty layer.
    #[must_use]
    pub fn extent_m(&self) -> [f64; 4] {
        if self.features.is_empty() {
            return [0.0; 4];
        }
        let e = self.index.root().envelope();
        let (lo, hi) = (e.lower(), e.upper());
        [lo[0], lo[1], hi[0], hi[1]]
    }

    /// Features whose bounding box meets `b` (west, south, east, north; metres).
    pub fn in_bounds_m(&self, b: [f64; 4]) -> impl Iterator<Item = &SnapFeature> {
        self.indices_in_bounds_m(b).map(|i| &self.features[i])
    }
}

/// The points of the features at `indices`, sorted by cell: looking millions of points
/// up cell by cell keeps each cell's pieces in the processor cache, where looking them
/// up in any order spends most of its time waiting for memory.
#[must_use]
fn points_by_cell(features: &[SnapFeature], indices: &[usize]) -> Vec<CellPoint> {
    let mut out: Vec<CellPoint> = indices
        .par_iter()
        .flat_map_iter(|&i| {
            let f = &features[i];
            let pts: &[geo::Point<f64>] = match &f.geometry {
                Geometry::Point(p) => std::slice::from_ref(p),
                Geometry::MultiPoint(mp) => &mp.0,
                _ => &[],
            };
            #[expect(
                clippy::cast_precision_loss,
                reason = "a feature has far fewer than 2^52 points"
            )]
            let share = 1.0 / pts.len().max(1) as f64;
            pts.iter().map(move |p| CellPoint {
                cell: locate_cell(p.0).0,
                at: p.0,
                count: share,
                population: share * f.population.unwrap_or(0.0),
                households: share * f.households.unwrap_or(0.0),
            })
        })
        .collect();
    out.par_sort_unstable_by_key(|p| p.cell);
    out
}

impl SnapFeature {
    /// The feature's extent in lon/lat (west, south, east, north), rounded to about a
    /// metre.
    #[must_use]
    pub fn lonlat_bbox(&self) -> [f64; 4] {
        let [w, s, e, n] = self.bbox_m;
        let sw = super::geometry::to_lonlat(geo::Coord { x: w, y: s });
        let ne = super::geometry::to_lonlat(geo::Coord { x: e, y: n });
        [sw.x, sw.y, ne.x, ne.y].map(|v| (v * 1e5).round() / 1e5)
    }
}

//! The engine: an in-memory, immutable snapshot of every layer's current version, built
//! from the store at start and replaced whole when a layer gets a new current version,
//! so readers never wait for a load and never see half of one. Tiles are rendered from
//! the snapshots.

pub mod aggregate;
pub mod cache;
pub mod cells;
pub mod exposure;
pub mod filter;
pub mod geojson;
pub mod mvt;
pub mod results;
pub mod snapshot;
pub mod tile;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use serde_json::Value;

use crate::layer::{LayerId, LayerKind};
use crate::store::{Store, StoreError};
pub use snapshot::LayerSnapshot;
use tile::{TileId, to_tile};

/// Admin levels, coarsest first, with the length of their codes (a unit's code begins
/// with its parent's).
pub const LEVELS: &[(&str, usize)] = &[
    ("country", 0),
    ("province", 1),
    ("district", 2),
    ("sector", 4),
    ("cell", 6),
    ("village", 8),
];

/// The boundary layer of the finest admin level loaded, and its code length: exposure is
/// computed by its units and rolled up from there.
#[must_use]
pub fn finest_boundary(all: &Snapshots) -> Option<(Arc<LayerSnapshot>, usize)> {
    LEVELS.iter().rev().find_map(|(level, digits)| {
        all.values()
            .find(|s| s.meta.kind == LayerKind::Boundary && s.meta.theme.as_str() == *level)
            .map(|s| (s.clone(), *digits))
    })
}

/// The current snapshots, by layer id.
pub type Snapshots = BTreeMap<LayerId, Arc<LayerSnapshot>>;

/// Why the engine could not (re)build a layer.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored geometry could not be decoded.
    #[error("cannot build the snapshot: {0}")]
    Build(String),
}

/// The in-memory engine shared by every request.
#[derive(Default)]
pub struct Engine {
    current: RwLock<Arc<Snapshots>>,
    results: results::Results,
}

fn build(store: &dyn Store, id: &LayerId) -> Result<Option<LayerSnapshot>, EngineError> {
    let Some(detail) = store.layer(id)? else {
        return Ok(None);
    };
    let version = detail.layer.current_version;
    let bbox = detail
        .versions
        .iter()
        .find(|v| v.version == version)
        .and_then(|v| v.bbox);
    let features = store.features(id, version)?;
    LayerSnapshot::build(detail.layer.meta, version, bbox, features)
        .map(Some)
        .map_err(EngineError::Build)
}

impl Engine {
    /// Builds snapshots of every layer's current version.
    ///
    /// # Errors
    /// When the store cannot be read.
    pub fn load(store: &dyn Store) -> Result<Self, EngineError> {
        let engine = Self::default();
        engine.sync(store)?;
        Ok(engine)
    }

    /// All current snapshots (a cheap shared copy: later changes do not affect it).
    #[must_use]
    pub fn snapshots(&self) -> Arc<Snapshots> {
        self.current
            .read()
            .map_or_else(|e| e.into_inner().clone(), |g| g.clone())
    }

    /// One layer's current snapshot.
    #[must_use]
    pub fn layer(&self, id: &LayerId) -> Option<Arc<LayerSnapshot>> {
        self.snapshots().get(id).cloned()
    }

    /// The exposure of `exposure` to `hazard` by the units of `units`, kept until one of
    /// the three layers gets a new version.
    pub fn exposure(
        &self,
        hazard: &LayerSnapshot,
        exposure: &LayerSnapshot,
        units: &LayerSnapshot,
    ) -> Arc<results::Computed> {
        self.results.get(hazard, exposure, units)
    }

    /// `layer` as aggregates by the units of the finest boundary level (see
    /// [`aggregate`]), with that boundary layer; kept until either gets a new version.
    /// `None` when no boundary layer is loaded.
    #[must_use]
    pub fn aggregated(
        &self,
        layer: &LayerSnapshot,
    ) -> Option<(Arc<LayerSnapshot>, Arc<LayerSnapshot>)> {
        let (units, _) = finest_boundary(&self.snapshots())?;
        let computed = self
            .results
            .get(&aggregate::no_hazard(&layer.meta), layer, &units);
        let agg = computed.derived("aggregate", || {
            aggregate::build(layer, &units, &computed.by_unit)
        });
        Some((agg, units))
    }

    /// Prepares, on a thread of its own, what exposure needs from the given layers (their
    /// cell grids, or points sorted by cell), so the first request does not wait for it.
    /// Only layers exposure uses are prepared: hazard and exposure layers and the finest
    /// boundary layer.
    ///
    /// Not on a rayon worker: a request may be building the same grid (which uses the
    /// pool), and a worker waiting for that grid would take a thread from the very pool
    /// the grid needs; with every worker so blocked, the pool and all exposure would
    /// deadlock.
    pub fn prepare_in_background(&self, ids: &[LayerId]) {
        let all = self.snapshots();
        let finest = finest_boundary(&all).map(|(s, _)| s.meta.id.clone());
        let layers: Vec<Arc<LayerSnapshot>> = ids
            .iter()
            .filter_map(|id| all.get(id).cloned())
            .filter(|s| s.meta.kind != LayerKind::Boundary || Some(&s.meta.id) == finest.as_ref())
            .collect();
        let spawned = std::thread::Builder::new()
            .name("prepare-exposure".into())
            .spawn(move || {
                for s in layers {
                    let started = std::time::Instant::now();
                    if s.meta.kind == LayerKind::Exposure && !s.has_polygons() {
                        s.points_by_cell();
                    } else {
                        s.cells();
                    }
                    tracing::info!(layer = %s.meta.id, millis = started.elapsed().as_millis(), "prepared for exposure");
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "could not start preparing layers; the first request will");
        }
    }

    fn publish(&self, next: Snapshots) {
        self.results.retain_current(&next);
        let next = Arc::new(next);
        match self.current.write() {
            Ok(mut g) => *g = next,
            Err(e) => *e.into_inner() = next,
        }
    }

    /// Brings the snapshots in line with the store: rebuilds layers whose current
    /// version changed, adds new ones, drops deleted ones. Returns the ids changed.
    ///
    /// # Errors
    /// When the store cannot be read; the previous snapshots stay in place.
    pub fn sync(&self, store: &dyn Store) -> Result<Vec<LayerId>, EngineError> {
        let now = self.snapshots();
        let layers = store.layers()?;
        let mut next: Snapshots = BTreeMap::new();
        let mut changed = Vec::new();
        for l in layers {
            let id = l.meta.id.clone();
            match now.get(&id) {
                Some(s) if s.version == l.current_version && s.meta == l.meta => {
                    next.insert(id, s.clone());
                }
                _ => {
                    if let Some(s) = build(store, &id)? {
                        next.insert(id.clone(), Arc::new(s));
                        changed.push(id);
                    }
                }
            }
        }
        changed.extend(now.keys().filter(|id| !next.contains_key(*id)).cloned());
        if !changed.is_empty() {
            self.publish(next);
        }
        Ok(changed)
    }
}

/// Largest tile we send, in bytes (before compression). Past it, the smallest features
/// of the tile are left out, as tippecanoe's `--drop-smallest-as-needed` does: at low
/// zooms the village layer alone would otherwise make tiles of several megabytes.
pub const TILE_BYTE_BUDGET: usize = 450 * 1024;

/// Drawn size of a tile geometry, for ordering: area for polygons, length for lines.
fn drawn_size(g: &mvt::TileGeometry) -> i64 {
    match g {
        mvt::TileGeometry::Polygons(polys) => polys
            .iter()
            .filter_map(|p| p.first())
            .map(|r| mvt::ring_area2(r).abs())
            .sum(),
        mvt::TileGeometry::Lines(lines) => lines
            .iter()
            .flat_map(|l| l.windows(2))
            .map(|w| i64::from((w[1][0] - w[0][0]).abs() + (w[1][1] - w[0][1]).abs()))
            .sum(),
        mvt::TileGeometry::Points(_) => 0,
    }
}

/// Which features and attributes a request wants.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only these attributes (all when `None`).
    pub properties: Option<Vec<String>>,
    /// Only features matching.
    pub filter: Option<filter::Filter>,
}

impl Selection {
    /// Parses `?properties=a,b` and `?filter=…` against the fields of `layers`.
    ///
    /// # Errors
    /// A message naming an unknown field or a syntax error.
    pub fn parse(
        properties: Option<&str>,
        filter: Option<&str>,
        layers: &[Arc<LayerSnapshot>],
    ) -> Result<Self, String> {
        let mut fields: Vec<String> = Vec::new();
        for name in layers.iter().flat_map(|l| l.field_names()) {
            if !fields.iter().any(|f| f == name) {
                fields.push(name.to_owned());
            }
        }
        let properties = properties
            .map(|p| {
                p.split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(|n| {
                        if fields.iter().any(|f| f == n) {
                            Ok(n.to_owned())
                        } else {
                            Err(format!(
                                "unknown property '{n}': the fields are {}",
                                fields.join(", ")
                            ))
                        }
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        let filter = filter
            .filter(|f| !f.trim().is_empty())
            .map(|f| filter::Filter::parse(f, &fields))
            .transpose()?;
        Ok(Self { properties, filter })
    }

    /// Whether a feature passes the filter.
    #[must_use]
    pub fn keeps(&self, f: &snapshot::SnapFeature) -> bool {
        self.filter
            .as_ref()
            .is_none_or(|flt| flt.matches(&f.properties))
    }

    /// The attributes to send for a feature.
    pub fn attributes<'a>(
        &'a self,
        f: &'a snapshot::SnapFeature,
    ) -> impl Iterator<Item = (&'a str, &'a Value)> {
        f.properties
            .iter()
            .filter(|(k, _)| {
                self.properties
                    .as_ref()
                    .is_none_or(|p| p.iter().any(|n| n == *k))
            })
            .map(|(k, v)| (k.as_str(), v))
    }
}

/// Renders one MVT tile with a layer per snapshot given (layers with nothing in the tile
/// are left out). Points closer than a screen pixel are merged into one with a
/// `point_count`, so low zooms stay small without hiding how many there are. Lines and
/// polygons are added largest first until the tile reaches [`TILE_BYTE_BUDGET`].
#[must_use]
pub fn render(layers: &[Arc<LayerSnapshot>], t: TileId, sel: &Selection) -> Vec<u8> {
    let mut out = Vec::new();
    let bounds = t.buffered_m(tile::BUFFER);
    for snap in layers {
        let mut builder = mvt::LayerBuilder::new(snap.meta.id.as_str());
        let mut clusters: HashMap<[i32; 2], (usize, u64)> = HashMap::new();
        let mut points: Vec<(&snapshot::SnapFeature, [i32; 2])> = Vec::new();
        let mut shapes: Vec<(i64, &snapshot::SnapFeature, mvt::TileGeometry)> = Vec::new();
        for f in snap.in_bounds_m(bounds).filter(|f| sel.keeps(f)) {
            let polygonal = matches!(
                f.geometry,
                geo::Geometry::Polygon(_) | geo::Geometry::MultiPolygon(_)
            );
            if polygonal && tile::too_small(f.bbox_m, t) {
                continue;
            }
            let Some(g) = to_tile(&f.geometry, t) else {
                continue;
            };
            if let mvt::TileGeometry::Points(pts) = &g
                && pts.len() == 1
            {
                // Cluster on a grid of 8 tile units (about a screen pixel).
                let cell = [pts[0][0].div_euclid(8), pts[0][1].div_euclid(8)];
                let entry = clusters.entry(cell).or_insert((points.len(), 0));
                if entry.1 == 0 {
                    points.push((f, pts[0]));
                }
                entry.1 += 1;
                continue;
            }
            shapes.push((drawn_size(&g), f, g));
        }
        // Largest first, ties in feature order, so the same tile always has the same bytes.
        shapes.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.fid.cmp(&b.1.fid)));
        for (_, f, g) in &shapes {
            if out.len() + builder.encoded_len() > TILE_BYTE_BUDGET {
                break;
            }
            builder.add(u64::try_from(f.fid).unwrap_or(0), g, sel.attributes(f));
        }
        let mut counts: Vec<(usize, u64)> = clusters.into_values().collect();
        counts.sort_unstable();
        for (i, n) in counts {
            let (f, p) = points[i];
            let count = Value::from(n);
            let extra = (n > 1).then_some(("point_count", &count));
            builder.add(
                u64::try_from(f.fid).unwrap_or(0),
                &mvt::TileGeometry::Points(vec![p]),
                sel.attributes(f).chain(extra),
            );
        }
        if !builder.is_empty() {
            builder.finish_into(&mut out);
        }
    }
    out
}

//! What a caller sees of each layer it may read: the layer in full, or a restricted one
//! as aggregates by the finest admin unit, with the geometry and extent that are drawn.
//! `/catalog` lists it and `/styles` draws it, so the two always agree.

use std::sync::Arc;

use super::Reader;
use crate::cartography::Drawn;
use crate::engine::{LayerSnapshot, Snapshots, finest_boundary};
use crate::model::Bbox;

/// One layer as the caller sees it.
pub struct Seen {
    /// The layer.
    pub snap: Arc<LayerSnapshot>,
    /// Its features in full (else its aggregates by unit).
    pub detail: bool,
    /// The extent of what is drawn: the layer's own, or the units' for aggregates (never
    /// the restricted features' own extent).
    pub bounds: Option<Bbox>,
}

impl Seen {
    /// `point`, `line` or `polygon`: aggregates are polygons (units).
    #[must_use]
    pub fn geometry(&self) -> Option<&'static str> {
        if self.detail {
            self.snap.geometry_kind()
        } else {
            Some("polygon")
        }
    }

    /// What a style needs of it.
    #[must_use]
    pub fn drawn(&self) -> Drawn<'_> {
        let m = &self.snap.meta;
        Drawn {
            id: m.id.as_str(),
            title: &m.title,
            kind: m.kind,
            theme: m.theme.as_str(),
            geometry: self.geometry(),
            detail: self.detail,
            version: self.snap.version,
            bounds: self.bounds,
            attribution: &m.attribution,
            // Aggregates carry the unit's name; features their own fields.
            name_field: if self.detail {
                m.fields.name.as_deref().unwrap_or("name")
            } else {
                "name"
            },
            population_field: if self.detail {
                m.fields.population.as_deref()
            } else {
                None
            },
        }
    }
}

/// Every layer `reader` may read, in id order.
#[must_use]
pub fn seen(reader: &Reader, all: &Snapshots) -> Vec<Seen> {
    let units_bbox = units_bbox(all);
    all.values()
        .filter(|s| reader.may_read(&s.meta))
        .map(|s| seen_as(reader, s.clone(), units_bbox))
        .collect()
}

/// Layer `snap` as `reader` sees it (who may read it at all is checked elsewhere).
#[must_use]
pub fn seen_one(reader: &Reader, all: &Snapshots, snap: Arc<LayerSnapshot>) -> Seen {
    seen_as(reader, snap, units_bbox(all))
}

/// Aggregates are drawn on the finest units: their extent, never the layer's own.
fn units_bbox(all: &Snapshots) -> Option<Bbox> {
    finest_boundary(all).and_then(|(u, _)| u.bbox)
}

fn seen_as(reader: &Reader, snap: Arc<LayerSnapshot>, units_bbox: Option<Bbox>) -> Seen {
    let detail = reader.sees_detail(&snap.meta);
    Seen {
        bounds: if detail { snap.bbox } else { units_bbox },
        detail,
        snap,
    }
}

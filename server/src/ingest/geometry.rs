//! Checking one feature's geometry: present, of a type the layer kind accepts, finite,
//! reprojected to EPSG:4326 within range, and valid (repaired with GEOS when it is not).

use gdal::cpl::CslStringList;
use gdal::errors::GdalError;
use gdal::spatial_ref::CoordTransform;
use gdal::vector::{Geometry, geometry_type_flatten, geometry_type_to_name};
use gdal_sys::OGRwkbGeometryType as T;
use geo::{CoordsIter, Validation};

use crate::model::{Bbox, LayerKind};

/// A geometry ready to store.
#[derive(Debug)]
pub struct Good {
    /// WKB, EPSG:4326.
    pub wkb: Vec<u8>,
    /// Extent.
    pub bbox: Bbox,
    /// Number of coordinates (vertices) as read, for the per-load limit.
    pub vertices: u64,
}

/// The outcome of checking one geometry.
#[derive(Debug)]
pub enum Checked {
    /// Fine as it was (after reprojection).
    Ok(Good),
    /// Was invalid; repaired, with the reason it was invalid.
    Repaired(Good, String),
    /// No geometry, or an empty one.
    Empty,
    /// Unusable, with the reason.
    Rejected(String),
}

fn accepts(kind: LayerKind, ty: T::Type) -> bool {
    match kind {
        LayerKind::Hazard | LayerKind::Boundary => ty == T::wkbPolygon || ty == T::wkbMultiPolygon,
        LayerKind::Exposure | LayerKind::Context => matches!(
            ty,
            T::wkbPoint
                | T::wkbMultiPoint
                | T::wkbLineString
                | T::wkbMultiLineString
                | T::wkbPolygon
                | T::wkbMultiPolygon
        ),
    }
}

fn needs(kind: LayerKind) -> &'static str {
    match kind {
        LayerKind::Hazard | LayerKind::Boundary => "Polygon or MultiPolygon",
        LayerKind::Exposure | LayerKind::Context => {
            "Point, LineString or Polygon (or their Multi forms)"
        }
    }
}

/// First coordinate that is not a finite number, or outside lon/lat range when `degrees`.
fn bad_coordinate(g: &geo::Geometry<f64>, degrees: bool) -> Option<String> {
    g.coords_iter().find_map(|c| {
        if !c.x.is_finite() || !c.y.is_finite() {
            Some(format!(
                "coordinate ({}, {}) is not a finite number",
                c.x, c.y
            ))
        } else if degrees && (!(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y))
        {
            Some(format!(
                "coordinate ({}, {}) is outside longitude -180..180 / latitude -90..90: is the CRS right? (say which it is: the CRS field of the layers page, `srs` in an upload, --srs on the command line)",
                c.x, c.y
            ))
        } else {
            None
        }
    })
}

/// The first non-finite coordinate of a GDAL geometry, walking its parts (GDAL will not
/// encode such a geometry as WKB, so this is how we say what is wrong with it).
pub(super) fn non_finite(g: &Geometry) -> Option<String> {
    if g.geometry_count() > 0 {
        return (0..g.geometry_count()).find_map(|i| non_finite(&g.get_geometry(i)));
    }
    let mut points = Vec::new();
    if g.get_points(&mut points) == 0 && geometry_type_flatten(g.geometry_type()) == T::wkbPoint {
        points.push(g.get_point(0));
    }
    points
        .into_iter()
        .find(|(x, y, _)| !x.is_finite() || !y.is_finite())
        .map(|(x, y, _)| format!("coordinate ({x}, {y}) is not a finite number"))
}

/// Why a feature whose geometry GDAL cannot convert or encode is rejected.
fn unreadable(e: &GdalError) -> String {
    format!("geometry cannot be read: {e}")
}

/// Keeps the polygonal parts of what `make_valid` returned (it may add stray lines).
fn polygonal_parts(g: Geometry) -> Result<Geometry, GdalError> {
    let ty = geometry_type_flatten(g.geometry_type());
    if ty == T::wkbPolygon || ty == T::wkbMultiPolygon {
        return Ok(g);
    }
    let mut out = Geometry::empty(T::wkbMultiPolygon)?;
    for i in 0..g.geometry_count() {
        let part = g.get_geometry(i);
        let pty = geometry_type_flatten(part.geometry_type());
        if pty == T::wkbPolygon {
            out.add_geometry(part.clone())?;
        } else if pty == T::wkbMultiPolygon {
            for j in 0..part.geometry_count() {
                out.add_geometry(part.get_geometry(j).clone())?;
            }
        }
    }
    Ok(out)
}

/// The feature as stored, or the reason it cannot be encoded.
fn finish(g: &Geometry, vertices: u64) -> Checked {
    let env = g.envelope();
    match g.wkb() {
        Ok(wkb) => Checked::Ok(Good {
            wkb,
            bbox: [env.MinX, env.MinY, env.MaxX, env.MaxY],
            vertices,
        }),
        Err(e) => Checked::Rejected(format!("geometry cannot be encoded: {e}")),
    }
}

/// Checks (and where possible repairs) one feature's geometry (WKB as read) for a layer
/// of `kind`, reprojecting it with `transform` when the source is not in EPSG:4326.
pub fn check(
    raw: Option<&Result<Vec<u8>, String>>,
    kind: LayerKind,
    transform: Option<&CoordTransform>,
) -> Checked {
    let source = match raw {
        None => return Checked::Empty,
        Some(Err(why)) => return Checked::Rejected(why.clone()),
        Some(Ok(wkb)) => match Geometry::from_wkb(wkb) {
            Ok(g) => g,
            Err(e) => return Checked::Rejected(unreadable(&e)),
        },
    };
    if source.is_empty() {
        return Checked::Empty;
    }
    let ty = geometry_type_flatten(source.geometry_type());
    if !accepts(kind, ty) {
        return Checked::Rejected(format!(
            "{} geometry cannot be in a {kind} layer: {kind} layers need {}",
            geometry_type_to_name(ty),
            needs(kind)
        ));
    }
    let mut g = source;
    g.flatten_to_2d();
    match g.to_geo() {
        Ok(shape) => {
            if let Some(why) = bad_coordinate(&shape, false) {
                return Checked::Rejected(why);
            }
        }
        Err(e) => return Checked::Rejected(unreadable(&e)),
    }
    if let Some(t) = transform
        && g.transform_inplace(t).is_err()
    {
        return Checked::Rejected(
            "cannot be reprojected to EPSG:4326: a coordinate lies outside where the source CRS is defined (is the CRS right? say which it is: the CRS field of the layers page, `srs` in an upload, --srs on the command line)".into(),
        );
    }
    let shape = match g.to_geo() {
        Ok(s) => s,
        Err(e) => return Checked::Rejected(unreadable(&e)),
    };
    if let Some(why) = bad_coordinate(&shape, true) {
        return Checked::Rejected(why);
    }
    let vertices = shape.coords_count() as u64;
    if g.is_valid() {
        return finish(&g, vertices);
    }
    let reason = shape
        .check_validation()
        .err()
        .map_or_else(|| "invalid geometry (GEOS)".to_owned(), |e| e.to_string());
    let repaired = g.make_valid(&CslStringList::new()).and_then(|r| {
        if ty == T::wkbPolygon || ty == T::wkbMultiPolygon {
            polygonal_parts(r)
        } else {
            Ok(r)
        }
    });
    match repaired {
        Ok(r) if !r.is_empty() && r.is_valid() => match finish(&r, vertices) {
            Checked::Ok(good) => {
                Checked::Repaired(good, format!("invalid geometry repaired: {reason}"))
            }
            other => other,
        },
        Ok(_) => Checked::Rejected(format!(
            "invalid geometry that cannot be repaired (nothing is left of it): {reason}"
        )),
        Err(e) => Checked::Rejected(format!(
            "invalid geometry ({reason}) and repair failed: {e}"
        )),
    }
}

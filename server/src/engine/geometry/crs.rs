//! The coordinate reference systems features are served in (OGC API – Features Part 2,
//! `crs=` and `bbox-crs=`): CRS84 (lon/lat, the default), EPSG:4326 (lat/lon, its axis
//! order), EPSG:3857 (Web Mercator, the plane snapshots hold) and EPSG:32735 (UTM zone
//! 35 South on WGS 84, what Rwandan surveyors use).
//!
//! UTM is the transverse Mercator of Krüger's series in the third flattening, to the
//! sixth order (as in Karney, "Transverse Mercator with an accuracy of a few nanometers",
//! 2011): within a millimetre of PROJ across Rwanda, which lies 1.8° to 3.9° east of the
//! zone's central meridian (the unit tests compare with GDAL's PROJ).

use std::fmt;

use geo::Coord;

use super::projection::{to_lonlat, to_mercator};

/// A CRS features can be served in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crs {
    /// WGS 84 longitude, latitude (degrees).
    Crs84,
    /// WGS 84 latitude, longitude (degrees).
    Epsg4326,
    /// Web Mercator (metres).
    Epsg3857,
    /// UTM zone 35 South on WGS 84 (metres).
    Epsg32735,
}

/// A `crs` or `bbox-crs` the server does not serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCrs(pub String);

impl fmt::Display for UnknownCrs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let all: Vec<&str> = Crs::ALL.iter().map(|c| c.uri()).collect();
        write!(
            f,
            "'{}' is not a CRS this server serves: use one of {}",
            self.0,
            all.join(", ")
        )
    }
}

impl std::error::Error for UnknownCrs {}

impl Crs {
    /// Every CRS served, the default first.
    pub const ALL: [Crs; 4] = [Crs::Crs84, Crs::Epsg4326, Crs::Epsg3857, Crs::Epsg32735];

    /// The OGC URI naming it.
    #[must_use]
    pub fn uri(self) -> &'static str {
        match self {
            Crs::Crs84 => "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
            Crs::Epsg4326 => "http://www.opengis.net/def/crs/EPSG/0/4326",
            Crs::Epsg3857 => "http://www.opengis.net/def/crs/EPSG/0/3857",
            Crs::Epsg32735 => "http://www.opengis.net/def/crs/EPSG/0/32735",
        }
    }

    /// The CRS a URI (or a safe CURIE such as `[EPSG:32735]`) names.
    ///
    /// # Errors
    /// When it names none of [`Crs::ALL`].
    pub fn parse(s: &str) -> Result<Crs, UnknownCrs> {
        let t = s.trim();
        let curie = t
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .unwrap_or(t);
        Crs::ALL
            .into_iter()
            .find(|c| {
                c.uri() == t
                    || match c {
                        Crs::Crs84 => curie.eq_ignore_ascii_case("OGC:CRS84"),
                        Crs::Epsg4326 => curie.eq_ignore_ascii_case("EPSG:4326"),
                        Crs::Epsg3857 => curie.eq_ignore_ascii_case("EPSG:3857"),
                        Crs::Epsg32735 => curie.eq_ignore_ascii_case("EPSG:32735"),
                    }
            })
            .ok_or_else(|| UnknownCrs(s.to_owned()))
    }

    /// A point of the snapshots' plane (Web Mercator metres) in this CRS, in its axis
    /// order.
    #[must_use]
    pub fn from_mercator(self, c: Coord<f64>) -> Coord<f64> {
        match self {
            Crs::Epsg3857 => c,
            Crs::Crs84 => to_lonlat(c),
            Crs::Epsg4326 => {
                let ll = to_lonlat(c);
                Coord { x: ll.y, y: ll.x }
            }
            Crs::Epsg32735 => utm35s_forward(to_lonlat(c)),
        }
    }

    /// A point in this CRS (its axis order) as lon/lat degrees.
    #[must_use]
    pub fn to_lonlat(self, c: Coord<f64>) -> Coord<f64> {
        match self {
            Crs::Crs84 => c,
            Crs::Epsg4326 => Coord { x: c.y, y: c.x },
            Crs::Epsg3857 => to_lonlat(c),
            Crs::Epsg32735 => utm35s_inverse(c),
        }
    }

    /// A bounding box given in this CRS (its axis order: minimum first, maximum second)
    /// as a box of the snapshots' plane that holds it: corners and edge points are
    /// transformed, since a straight edge in UTM is curved in Mercator.
    #[must_use]
    pub fn bbox_to_mercator(self, b: [f64; 4]) -> [f64; 4] {
        const STEPS: u32 = 16;
        let mut out = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for i in 0..=STEPS {
            let t = f64::from(i) / f64::from(STEPS);
            for c in [
                Coord {
                    x: b[0] + t * (b[2] - b[0]),
                    y: b[1],
                },
                Coord {
                    x: b[0] + t * (b[2] - b[0]),
                    y: b[3],
                },
                Coord {
                    x: b[0],
                    y: b[1] + t * (b[3] - b[1]),
                },
                Coord {
                    x: b[2],
                    y: b[1] + t * (b[3] - b[1]),
                },
            ] {
                let m = to_mercator(self.to_lonlat(c));
                out = [
                    out[0].min(m.x),
                    out[1].min(m.y),
                    out[2].max(m.x),
                    out[3].max(m.y),
                ];
            }
        }
        out
    }
}

/// WGS 84.
const A: f64 = 6_378_137.0;
const F: f64 = 1.0 / 298.257_223_563;
/// UTM.
const K0: f64 = 0.9996;
const FALSE_EASTING: f64 = 500_000.0;
const FALSE_NORTHING_SOUTH: f64 = 10_000_000.0;
/// Central meridian of zone 35, degrees.
const LON0: f64 = 27.0;

/// Krüger's series coefficients and the rectifying radius times k0.
struct Series {
    alpha: [f64; 6],
    beta: [f64; 6],
    k0a: f64,
    e: f64,
}

fn series() -> &'static Series {
    static S: std::sync::LazyLock<Series> = std::sync::LazyLock::new(|| {
        let n = F / (2.0 - F);
        let (n2, n3) = (n * n, n * n * n);
        let (n4, n5, n6) = (n3 * n, n3 * n2, n3 * n3);
        let big_a = A / (1.0 + n) * (1.0 + n2 / 4.0 + n4 / 64.0 + n6 / 256.0);
        Series {
            alpha: [
                n / 2.0 - 2.0 * n2 / 3.0 + 5.0 * n3 / 16.0 + 41.0 * n4 / 180.0 - 127.0 * n5 / 288.0
                    + 7891.0 * n6 / 37800.0,
                13.0 * n2 / 48.0 - 3.0 * n3 / 5.0 + 557.0 * n4 / 1440.0 + 281.0 * n5 / 630.0
                    - 1_983_433.0 * n6 / 1_935_360.0,
                61.0 * n3 / 240.0 - 103.0 * n4 / 140.0
                    + 15061.0 * n5 / 26880.0
                    + 167_603.0 * n6 / 181_440.0,
                49561.0 * n4 / 161_280.0 - 179.0 * n5 / 168.0 + 6_601_661.0 * n6 / 7_257_600.0,
                34729.0 * n5 / 80640.0 - 3_418_889.0 * n6 / 1_995_840.0,
                212_378_941.0 * n6 / 319_334_400.0,
            ],
            beta: [
                n / 2.0 - 2.0 * n2 / 3.0 + 37.0 * n3 / 96.0 - n4 / 360.0 - 81.0 * n5 / 512.0
                    + 96199.0 * n6 / 604_800.0,
                n2 / 48.0 + n3 / 15.0 - 437.0 * n4 / 1440.0 + 46.0 * n5 / 105.0
                    - 1_118_711.0 * n6 / 3_870_720.0,
                17.0 * n3 / 480.0 - 37.0 * n4 / 840.0 - 209.0 * n5 / 4480.0 + 5569.0 * n6 / 90720.0,
                4397.0 * n4 / 161_280.0 - 11.0 * n5 / 504.0 - 830_251.0 * n6 / 7_257_600.0,
                4583.0 * n5 / 161_280.0 - 108_847.0 * n6 / 3_991_680.0,
                20_648_693.0 * n6 / 638_668_800.0,
            ],
            k0a: K0 * big_a,
            e: (F * (2.0 - F)).sqrt(),
        }
    });
    &S
}

/// lon/lat degrees to UTM 35S easting, northing.
fn utm35s_forward(ll: Coord<f64>) -> Coord<f64> {
    let s = series();
    let phi = ll.y.to_radians();
    let dl = (ll.x - LON0).to_radians();
    let sin_phi = phi.sin();
    let t = (sin_phi.atanh() - s.e * (s.e * sin_phi).atanh()).sinh();
    let xi1 = t.atan2(dl.cos());
    let eta1 = (dl.sin() / (1.0 + t * t).sqrt()).atanh();
    let (mut xi, mut eta) = (xi1, eta1);
    for (j, a) in (1..=6).zip(s.alpha) {
        let k = 2.0 * f64::from(j);
        xi += a * (k * xi1).sin() * (k * eta1).cosh();
        eta += a * (k * xi1).cos() * (k * eta1).sinh();
    }
    Coord {
        x: FALSE_EASTING + s.k0a * eta,
        y: FALSE_NORTHING_SOUTH + s.k0a * xi,
    }
}

/// UTM 35S easting, northing to lon/lat degrees.
fn utm35s_inverse(en: Coord<f64>) -> Coord<f64> {
    let s = series();
    let xi = (en.y - FALSE_NORTHING_SOUTH) / s.k0a;
    let eta = (en.x - FALSE_EASTING) / s.k0a;
    let (mut xi1, mut eta1) = (xi, eta);
    for (j, b) in (1..=6).zip(s.beta) {
        let k = 2.0 * f64::from(j);
        xi1 -= b * (k * xi).sin() * (k * eta).cosh();
        eta1 -= b * (k * xi).cos() * (k * eta).sinh();
    }
    let tau1 = xi1.sin() / (eta1.sinh().powi(2) + xi1.cos().powi(2)).sqrt();
    let dl = eta1.sinh().atan2(xi1.cos());
    // tan φ from the conformal latitude's tangent τ′, by Newton's method.
    let e2 = s.e * s.e;
    let mut tau = tau1;
    for _ in 0..5 {
        let sigma = (s.e * (s.e * tau / (1.0 + tau * tau).sqrt()).atanh()).sinh();
        let tau_i = tau * (1.0 + sigma * sigma).sqrt() - sigma * (1.0 + tau * tau).sqrt();
        let step = (tau1 - tau_i) * (1.0 + (1.0 - e2) * tau * tau)
            / ((1.0 - e2) * (1.0 + tau * tau).sqrt() * (1.0 + tau_i * tau_i).sqrt());
        tau += step;
        if step.abs() < 1e-15 {
            break;
        }
    }
    Coord {
        x: LON0 + dl.to_degrees(),
        y: tau.atan().to_degrees(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proj(lonlat: &[(f64, f64)]) -> Vec<(f64, f64)> {
        use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
        let mut from = SpatialRef::from_epsg(4326).unwrap();
        from.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        let mut to = SpatialRef::from_epsg(32735).unwrap();
        to.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        let t = CoordTransform::new(&from, &to).unwrap();
        let mut xs: Vec<f64> = lonlat.iter().map(|p| p.0).collect();
        let mut ys: Vec<f64> = lonlat.iter().map(|p| p.1).collect();
        let mut zs = vec![0.0; xs.len()];
        t.transform_coords(&mut xs, &mut ys, &mut zs).unwrap();
        xs.into_iter().zip(ys).collect()
    }

    #[test]
    fn utm_35s_agrees_with_proj_across_rwanda_and_round_trips() {
        let mut points = Vec::new();
        for i in 0..=20 {
            for j in 0..=20 {
                points.push((
                    28.8 + 2.2 * f64::from(i) / 20.0,
                    -2.9 + 1.9 * f64::from(j) / 20.0,
                ));
            }
        }
        let reference = proj(&points);
        for (&(lon, lat), &(e, n)) in points.iter().zip(&reference) {
            let ours = utm35s_forward(Coord { x: lon, y: lat });
            assert!(
                (ours.x - e).abs() < 0.001 && (ours.y - n).abs() < 0.001,
                "({lon}, {lat}): ours {ours:?}, PROJ ({e}, {n})"
            );
            let back = utm35s_inverse(ours);
            assert!(
                (back.x - lon).abs() < 1e-9 && (back.y - lat).abs() < 1e-9,
                "({lon}, {lat}) came back as {back:?}"
            );
        }
    }

    #[test]
    fn uris_and_curies_name_the_crs_and_others_are_refused() {
        assert_eq!(
            Crs::parse("http://www.opengis.net/def/crs/EPSG/0/32735"),
            Ok(Crs::Epsg32735)
        );
        assert_eq!(Crs::parse("[EPSG:3857]"), Ok(Crs::Epsg3857));
        assert_eq!(Crs::parse(Crs::Crs84.uri()), Ok(Crs::Crs84));
        let e = Crs::parse("http://www.opengis.net/def/crs/EPSG/0/32736").unwrap_err();
        assert!(
            e.to_string().contains("is not a CRS this server serves"),
            "{e}"
        );
        // 4326 is latitude first.
        let kigali = to_mercator(Coord { x: 30.06, y: -1.95 });
        let p = Crs::Epsg4326.from_mercator(kigali);
        assert!(
            (p.x + 1.95).abs() < 1e-9 && (p.y - 30.06).abs() < 1e-9,
            "{p:?}"
        );
    }

    #[test]
    fn a_utm_box_covers_its_curved_edges_in_mercator() {
        // Kigali's surroundings in UTM 35S.
        let ll = [
            utm35s_forward(Coord { x: 29.95, y: -2.05 }),
            utm35s_forward(Coord { x: 30.2, y: -1.85 }),
        ];
        let b = Crs::Epsg32735.bbox_to_mercator([ll[0].x, ll[0].y, ll[1].x, ll[1].y]);
        let inside = to_mercator(Coord { x: 30.06, y: -1.95 });
        assert!(b[0] < inside.x && inside.x < b[2] && b[1] < inside.y && inside.y < b[3]);
    }
}

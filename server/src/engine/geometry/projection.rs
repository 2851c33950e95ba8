//! Web Mercator (EPSG:3857): the plane snapshots hold geometries in, in metres, and the
//! way back to lon/lat degrees.

use geo::Coord;

/// Half the Web Mercator world width, metres (EPSG:3857).
pub const HALF_WORLD_M: f64 = 20_037_508.342_789_244;

/// Earth radius of EPSG:3857, metres.
const R: f64 = 6_378_137.0;

/// lon/lat degrees to Web Mercator metres (latitude clamped to the projection's range).
#[must_use]
pub fn to_mercator(c: Coord<f64>) -> Coord<f64> {
    let lat = c.y.clamp(-85.051_128_78, 85.051_128_78).to_radians();
    Coord {
        x: R * c.x.to_radians(),
        y: R * (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln(),
    }
}

/// Web Mercator metres to lon/lat degrees.
#[must_use]
pub fn to_lonlat(c: Coord<f64>) -> Coord<f64> {
    Coord {
        x: (c.x / R).to_degrees(),
        y: (2.0 * (c.y / R).exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mercator_round_trips_and_matches_known_values() {
        let kigali = Coord {
            x: 30.0619,
            y: -1.9441,
        };
        let m = to_mercator(kigali);
        let back = to_lonlat(m);
        assert!((back.x - kigali.x).abs() < 1e-9 && (back.y - kigali.y).abs() < 1e-9);
        let edge = to_mercator(Coord { x: 180.0, y: 0.0 });
        assert!((edge.x - HALF_WORLD_M).abs() < 1e-6);
    }
}

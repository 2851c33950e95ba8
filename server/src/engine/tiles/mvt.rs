//! Mapbox Vector Tile 2.1 encoding: protobuf written by hand (the format is small and we
//! want no copies), geometry commands with zigzag deltas, keys and values de-duplicated
//! per layer.

use std::collections::HashMap;

use serde_json::Value;

/// Tile extent (coordinates per tile side), as the spec recommends.
pub const EXTENT: u32 = 4096;

/// A geometry in tile coordinates (0..EXTENT, y down), ready to encode.
#[derive(Debug, Clone, PartialEq)]
pub enum TileGeometry {
    /// One or more points.
    Points(Vec<[i32; 2]>),
    /// One or more lines.
    Lines(Vec<Vec<[i32; 2]>>),
    /// Polygons, each as rings (exterior first, then holes), rings not closed; exterior
    /// rings must have positive area in tile coordinates, holes negative.
    Polygons(Vec<Vec<Vec<[i32; 2]>>>),
}

/// Signed area (times two) of a ring in tile coordinates; positive = exterior (MVT).
#[must_use]
pub fn ring_area2(ring: &[[i32; 2]]) -> i64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            i64::from(a[0]) * i64::from(b[1]) - i64::from(b[0]) * i64::from(a[1])
        })
        .sum()
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        #[expect(clippy::cast_possible_truncation)]
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    #[expect(clippy::cast_possible_truncation)]
    out.push(v as u8);
}

fn key(out: &mut Vec<u8>, field: u32, wire: u32) {
    varint(out, u64::from((field << 3) | wire));
}

fn bytes_field(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    key(out, field, 2);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn zigzag(n: i32) -> u32 {
    #[expect(clippy::cast_sign_loss)]
    let z = ((n << 1) ^ (n >> 31)) as u32;
    z
}

fn command(id: u32, count: usize) -> u32 {
    (id & 0x7) | (u32::try_from(count).unwrap_or(0) << 3)
}

/// Geometry commands of `g`, or `None` when nothing is left to draw.
fn commands(g: &TileGeometry) -> Option<(u64, Vec<u32>)> {
    let mut out = Vec::new();
    let mut cursor = [0i32, 0];
    let mut step = |out: &mut Vec<u32>, p: [i32; 2]| {
        out.push(zigzag(p[0] - cursor[0]));
        out.push(zigzag(p[1] - cursor[1]));
        cursor = p;
    };
    let ty = match g {
        TileGeometry::Points(points) => {
            if points.is_empty() {
                return None;
            }
            out.push(command(1, points.len()));
            for p in points {
                step(&mut out, *p);
            }
            1
        }
        TileGeometry::Lines(lines) => {
            for line in lines.iter().filter(|l| l.len() >= 2) {
                out.push(command(1, 1));
                step(&mut out, line[0]);
                out.push(command(2, line.len() - 1));
                for p in &line[1..] {
                    step(&mut out, *p);
                }
            }
            2
        }
        TileGeometry::Polygons(polygons) => {
            for ring in polygons.iter().flatten().filter(|r| r.len() >= 3) {
                out.push(command(1, 1));
                step(&mut out, ring[0]);
                out.push(command(2, ring.len() - 1));
                for p in &ring[1..] {
                    step(&mut out, *p);
                }
                out.push(command(7, 1));
            }
            3
        }
    };
    (!out.is_empty()).then_some((ty, out))
}

/// Value key for de-duplication (the protobuf encoding itself).
fn encode_value(v: &Value) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    match v {
        Value::String(s) => bytes_field(&mut out, 1, s.as_bytes()),
        Value::Bool(b) => {
            key(&mut out, 7, 0);
            varint(&mut out, u64::from(*b));
        }
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                // sint_value: zigzag 64.
                key(&mut out, 6, 0);
                #[expect(clippy::cast_sign_loss)]
                varint(&mut out, ((i << 1) ^ (i >> 63)) as u64);
            } else if let Some(u) = n.as_u64() {
                key(&mut out, 5, 0);
                varint(&mut out, u);
            } else {
                key(&mut out, 3, 1);
                out.extend_from_slice(&n.as_f64().unwrap_or(0.0).to_le_bytes());
            }
        }
        Value::Null => return None,
        // Arrays and objects travel as their JSON text.
        other => bytes_field(&mut out, 1, other.to_string().as_bytes()),
    }
    Some(out)
}

/// One layer of a tile being built.
pub struct LayerBuilder {
    name: String,
    features: Vec<u8>,
    keys: Vec<String>,
    key_index: HashMap<String, u32>,
    values: Vec<Vec<u8>>,
    value_index: HashMap<Vec<u8>, u32>,
    count: usize,
}

impl LayerBuilder {
    /// An empty layer called `name`.
    #[must_use]
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            features: Vec::new(),
            keys: Vec::new(),
            key_index: HashMap::new(),
            values: Vec::new(),
            value_index: HashMap::new(),
            count: 0,
        }
    }

    /// Adds a feature; returns false when its geometry had nothing to draw.
    pub fn add<'a>(
        &mut self,
        id: u64,
        geometry: &TileGeometry,
        properties: impl IntoIterator<Item = (&'a str, &'a Value)>,
    ) -> bool {
        let Some((ty, geom)) = commands(geometry) else {
            return false;
        };
        let mut tags = Vec::new();
        for (k, v) in properties {
            let Some(value) = encode_value(v) else {
                continue;
            };
            let ki = if let Some(i) = self.key_index.get(k) {
                *i
            } else {
                let i = u32::try_from(self.keys.len()).unwrap_or(u32::MAX);
                self.keys.push(k.to_owned());
                self.key_index.insert(k.to_owned(), i);
                i
            };
            let vi = if let Some(i) = self.value_index.get(&value) {
                *i
            } else {
                let i = u32::try_from(self.values.len()).unwrap_or(u32::MAX);
                self.values.push(value.clone());
                self.value_index.insert(value, i);
                i
            };
            tags.push(ki);
            tags.push(vi);
        }
        let mut f = Vec::new();
        key(&mut f, 1, 0);
        varint(&mut f, id);
        if !tags.is_empty() {
            let mut packed = Vec::new();
            for t in tags {
                varint(&mut packed, u64::from(t));
            }
            bytes_field(&mut f, 2, &packed);
        }
        key(&mut f, 3, 0);
        varint(&mut f, ty);
        let mut packed = Vec::new();
        for c in geom {
            varint(&mut packed, u64::from(c));
        }
        bytes_field(&mut f, 4, &packed);
        bytes_field(&mut self.features, 2, &f);
        self.count += 1;
        true
    }

    /// Bytes the layer will take once finished (near enough for a size budget).
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        self.features.len()
            + self.keys.iter().map(|k| k.len() + 2).sum::<usize>()
            + self.values.iter().map(|v| v.len() + 2).sum::<usize>()
            + self.name.len()
            + 16
    }

    /// Number of features added.
    #[must_use]
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether no feature was added.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Appends this layer to an encoded tile (layers are tile field 3).
    pub fn finish_into(self, tile: &mut Vec<u8>) {
        let mut l = Vec::with_capacity(self.features.len() + 256);
        key(&mut l, 15, 0);
        varint(&mut l, 2);
        bytes_field(&mut l, 1, self.name.as_bytes());
        l.extend_from_slice(&self.features);
        for k in &self.keys {
            bytes_field(&mut l, 3, k.as_bytes());
        }
        for v in &self.values {
            bytes_field(&mut l, 4, v);
        }
        key(&mut l, 5, 0);
        varint(&mut l, u64::from(EXTENT));
        bytes_field(tile, 3, &l);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_follow_the_spec_examples() {
        // MVT spec 4.3.5.1: a point at (25, 17).
        let (ty, c) = commands(&TileGeometry::Points(vec![[25, 17]])).unwrap();
        assert_eq!((ty, c), (1, vec![9, 50, 34]));
        // 4.3.5.3: a line (2,2) (2,10) (10,10).
        let (ty, c) =
            commands(&TileGeometry::Lines(vec![vec![[2, 2], [2, 10], [10, 10]]])).unwrap();
        assert_eq!((ty, c), (2, vec![9, 4, 4, 18, 0, 16, 16, 0]));
        // 4.3.5.5: a polygon (3,6) (8,12) (20,34).
        let (ty, c) = commands(&TileGeometry::Polygons(vec![vec![vec![
            [3, 6],
            [8, 12],
            [20, 34],
        ]]]))
        .unwrap();
        assert_eq!((ty, c), (3, vec![9, 6, 12, 18, 10, 12, 24, 44, 15]));
    }

    #[test]
    fn exterior_rings_are_positive_in_tile_coordinates() {
        // Clockwise on screen (y down): (0,0) -> (10,0) -> (10,10) -> (0,10).
        assert!(ring_area2(&[[0, 0], [10, 0], [10, 10], [0, 10]]) > 0);
    }
}

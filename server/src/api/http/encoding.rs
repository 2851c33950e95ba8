//! Content negotiation for tiles: brotli, gzip or none, by `Accept-Encoding`. Tiles are
//! compressed once and cached compressed, so a cached tile costs no compression.

use std::io::Write as _;

use axum::http::{HeaderMap, header};

/// A content coding we produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// `br`
    Brotli,
    /// `gzip`
    Gzip,
    /// No coding.
    Identity,
}

impl Encoding {
    /// The best coding the client accepts (q=0 means refused).
    #[must_use]
    pub fn negotiate(headers: &HeaderMap) -> Self {
        let accepted: Vec<&str> = headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|item| {
                let mut parts = item.split(';').map(str::trim);
                let name = parts.next()?;
                let refused = parts.any(|p| {
                    p.strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                (!refused).then_some(name)
            })
            .collect();
        if accepted.iter().any(|e| e.eq_ignore_ascii_case("br")) {
            Self::Brotli
        } else if accepted.iter().any(|e| e.eq_ignore_ascii_case("gzip")) {
            Self::Gzip
        } else {
            Self::Identity
        }
    }

    /// The `Content-Encoding` value, if any.
    #[must_use]
    pub fn header(self) -> Option<&'static str> {
        match self {
            Self::Brotli => Some("br"),
            Self::Gzip => Some("gzip"),
            Self::Identity => None,
        }
    }

    /// A short tag for cache keys and ETags.
    #[must_use]
    pub fn tag(self) -> &'static str {
        match self {
            Self::Brotli => "br",
            Self::Gzip => "gz",
            Self::Identity => "id",
        }
    }

    /// `bytes` encoded. Brotli at quality 4 and gzip at level 6: most of the saving for a
    /// fraction of the time of the maximum settings (tiles are compressed once, then
    /// cached, but an uncached tile waits for it).
    #[must_use]
    pub fn encode(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            Self::Identity => bytes.to_vec(),
            Self::Gzip => {
                let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
                // Writing to a Vec cannot fail.
                let _ = e.write_all(bytes);
                e.finish().unwrap_or_default()
            }
            Self::Brotli => {
                let mut out = Vec::new();
                {
                    let mut w = brotli::CompressorWriter::new(&mut out, 4096, 4, 20);
                    let _ = w.write_all(bytes);
                }
                out
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, v.parse().unwrap());
        h
    }

    #[test]
    fn prefers_brotli_then_gzip_and_honours_refusals() {
        assert_eq!(
            Encoding::negotiate(&with("gzip, deflate, br")),
            Encoding::Brotli
        );
        assert_eq!(
            Encoding::negotiate(&with("gzip;q=1.0, br;q=0")),
            Encoding::Gzip
        );
        assert_eq!(Encoding::negotiate(&with("identity")), Encoding::Identity);
        assert_eq!(Encoding::negotiate(&HeaderMap::new()), Encoding::Identity);
    }

    #[test]
    fn encodings_round_trip() {
        use std::io::Read as _;
        let data = b"tile bytes tile bytes tile bytes".repeat(50);
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&Encoding::Gzip.encode(&data)[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, data);
        let mut out = Vec::new();
        brotli::Decompressor::new(&Encoding::Brotli.encode(&data)[..], 4096)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, data);
    }
}

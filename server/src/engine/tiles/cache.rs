//! A bounded in-memory cache of rendered tiles. Keys carry the layer versions, so a new
//! version can never be answered from an old entry; entries of layers that changed are
//! also purged at once to free their memory. When full, the least recently used quarter
//! is evicted.

use std::collections::HashMap;
use std::sync::Mutex;

use bytes::Bytes;

use serde::Serialize;

/// Hit and size counters.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct CacheStats {
    /// Tiles held.
    pub entries: usize,
    /// Bytes held.
    pub bytes: usize,
    /// Requests answered from the cache.
    pub hits: u64,
    /// Requests that had to render.
    pub misses: u64,
}

struct Entry {
    tile: Bytes,
    layers: Vec<String>,
    used: u64,
}

#[derive(Default)]
struct Inner {
    map: HashMap<String, Entry>,
    bytes: usize,
    clock: u64,
    hits: u64,
    misses: u64,
}

/// The cache.
pub struct TileCache {
    max_bytes: usize,
    inner: Mutex<Inner>,
}

impl TileCache {
    /// A cache holding at most `max_bytes` of tiles.
    #[must_use]
    pub fn new(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The tile under `key`, if cached.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        let mut g = self.lock();
        g.clock += 1;
        let now = g.clock;
        let found = g.map.get_mut(key).map(|e| {
            e.used = now;
            e.tile.clone()
        });
        if found.is_some() {
            g.hits += 1;
            crate::metrics::get().tile_cache_hits.inc();
        } else {
            g.misses += 1;
            crate::metrics::get().tile_cache_misses.inc();
        }
        found
    }

    /// Stores a tile rendered from `layers`.
    pub fn put(&self, key: String, layers: Vec<String>, tile: Bytes) {
        if tile.len() > self.max_bytes {
            return;
        }
        let mut g = self.lock();
        g.clock += 1;
        let used = g.clock;
        g.bytes += tile.len();
        if let Some(old) = g.map.insert(key, Entry { tile, layers, used }) {
            g.bytes -= old.tile.len();
        }
        if g.bytes > self.max_bytes {
            let mut ages: Vec<(u64, String)> =
                g.map.iter().map(|(k, e)| (e.used, k.clone())).collect();
            ages.sort_unstable();
            for (_, k) in ages.iter().take(ages.len().div_ceil(4)) {
                if let Some(e) = g.map.remove(k) {
                    g.bytes -= e.tile.len();
                }
            }
        }
    }

    /// Drops every tile that shows one of `layers`.
    pub fn purge(&self, layers: &[String]) {
        let mut g = self.lock();
        let mut freed = 0;
        g.map.retain(|_, e| {
            let keep = !e.layers.iter().any(|l| layers.contains(l));
            if !keep {
                freed += e.tile.len();
            }
            keep
        });
        g.bytes -= freed;
    }

    /// Current counters.
    pub fn stats(&self) -> CacheStats {
        let g = self.lock();
        CacheStats {
            entries: g.map.len(),
            bytes: g.bytes,
            hits: g.hits,
            misses: g.misses,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn evicts_least_recently_used_and_purges_by_layer() {
        let c = TileCache::new(100);
        for i in 0..4 {
            c.put(
                format!("k{i}"),
                vec![format!("l{i}")],
                Bytes::from(vec![0; 25]),
            );
        }
        assert_eq!(c.stats().bytes, 100);
        assert!(c.get("k0").is_some(), "k0 is now the most recently used");
        c.put("k4".into(), vec!["l4".into()], Bytes::from(vec![0; 25]));
        assert!(c.get("k1").is_none(), "the least recently used went first");
        assert!(c.get("k0").is_some());
        c.purge(&["l0".into()]);
        assert!(c.get("k0").is_none());
        let s = c.stats();
        assert_eq!(s.bytes, s.entries * 25);
    }
}

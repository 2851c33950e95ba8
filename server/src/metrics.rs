//! What operators scrape: one process-wide registry of Prometheus metrics (OpenMetrics
//! text at `/metrics`). Counters and histograms are updated where the work happens (HTTP
//! requests, the tile cache, snapshot builds, exposure computations, uploads); gauges
//! of state (cache size, store connections, layers) are set when scraped. No metric
//! carries a layer id, a place or a figure: only route templates, methods and statuses.

use std::sync::LazyLock;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

/// Labels of an HTTP answer.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Answer {
    /// The route template (`/tiles/{layers}/{z}/{x}/{y}`), or `unmatched`.
    pub route: String,
    /// GET, POST, …
    pub method: String,
    /// The status code.
    pub status: u16,
}

/// Labels of a request's route.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Route {
    /// The route template, or `unmatched`.
    pub route: String,
}

/// Labels of store connections.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Connections {
    /// `idle` or `in_use`.
    pub state: &'static str,
}

type Timings = Family<Route, Histogram, fn() -> Histogram>;

/// Every metric of the process.
pub struct Metrics {
    /// HTTP answers by route, method and status.
    pub requests: Family<Answer, Counter>,
    /// Time to answer, by route.
    pub latency: Timings,
    /// Tiles answered from the cache.
    pub tile_cache_hits: Counter,
    /// Tiles made because the cache did not hold them.
    pub tile_cache_misses: Counter,
    /// Tiles in the cache (set when scraped).
    pub tile_cache_entries: Gauge,
    /// Bytes of tiles in the cache (set when scraped).
    pub tile_cache_bytes: Gauge,
    /// Layer snapshots built (a new version, or the first read).
    pub snapshot_builds: Counter,
    /// Time to build one snapshot.
    pub snapshot_build_seconds: Histogram,
    /// Exposure computations (results are kept per versions: a repeat is not counted).
    pub exposure_computations: Counter,
    /// Time of one exposure computation.
    pub exposure_seconds: Histogram,
    /// Sizes of uploaded files.
    pub upload_bytes: Histogram,
    /// Store connections by state (set when scraped).
    pub store_connections: Family<Connections, Gauge>,
    /// Layers served (set when scraped).
    pub layers: Gauge,
    registry: Registry,
}

fn timing() -> Histogram {
    // 0.5 ms to about 16 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

impl Metrics {
    fn new() -> Self {
        let m = Self {
            requests: Family::default(),
            latency: Family::new_with_constructor(timing),
            tile_cache_hits: Counter::default(),
            tile_cache_misses: Counter::default(),
            tile_cache_entries: Gauge::default(),
            tile_cache_bytes: Gauge::default(),
            snapshot_builds: Counter::default(),
            snapshot_build_seconds: Histogram::new(exponential_buckets(0.001, 2.0, 16)),
            exposure_computations: Counter::default(),
            exposure_seconds: Histogram::new(exponential_buckets(0.001, 2.0, 16)),
            // 1 KiB to 1 GiB.
            upload_bytes: Histogram::new(exponential_buckets(1024.0, 4.0, 11)),
            store_connections: Family::default(),
            layers: Gauge::default(),
            registry: Registry::with_prefix("sitroom"),
        };
        m.register()
    }

    fn register(mut self) -> Self {
        let r = &mut self.registry;
        r.register(
            "http_requests",
            "HTTP answers by route, method and status",
            self.requests.clone(),
        );
        r.register_with_unit(
            "http_request_duration",
            "Time to answer, by route",
            Unit::Seconds,
            self.latency.clone(),
        );
        r.register(
            "tile_cache_hits",
            "Tiles answered from the cache",
            self.tile_cache_hits.clone(),
        );
        r.register(
            "tile_cache_misses",
            "Tiles made because the cache did not hold them",
            self.tile_cache_misses.clone(),
        );
        r.register(
            "tile_cache_entries",
            "Tiles in the cache",
            self.tile_cache_entries.clone(),
        );
        r.register_with_unit(
            "tile_cache",
            "Size of the tiles in the cache",
            Unit::Bytes,
            self.tile_cache_bytes.clone(),
        );
        r.register(
            "snapshot_builds",
            "Layer snapshots built",
            self.snapshot_builds.clone(),
        );
        r.register_with_unit(
            "snapshot_build_duration",
            "Time to build one layer snapshot",
            Unit::Seconds,
            self.snapshot_build_seconds.clone(),
        );
        r.register(
            "exposure_computations",
            "Exposure computations",
            self.exposure_computations.clone(),
        );
        r.register_with_unit(
            "exposure_compute_duration",
            "Time of one exposure computation",
            Unit::Seconds,
            self.exposure_seconds.clone(),
        );
        r.register_with_unit(
            "upload_size",
            "Sizes of uploaded files",
            Unit::Bytes,
            self.upload_bytes.clone(),
        );
        r.register(
            "store_connections",
            "Store connections by state",
            self.store_connections.clone(),
        );
        r.register("layers", "Layers served", self.layers.clone());
        self
    }

    /// Records one HTTP answer.
    pub fn answered(&self, route: &str, method: &str, status: u16, took: Duration) {
        self.requests
            .get_or_create(&Answer {
                route: route.to_owned(),
                method: method.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&Route {
                route: route.to_owned(),
            })
            .observe(took.as_secs_f64());
    }

    /// The OpenMetrics text of every metric.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// The metrics of this process.
pub fn get() -> &'static Metrics {
    static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);
    &METRICS
}

/// Media type of the exposition.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

//! Defaults and settings shared by the CLI and the server.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Store used when neither `--db` nor `DATABASE_URL` is given: a SQLite file.
pub const DEFAULT_DB: &str = "sitroom.db";

/// Address the server listens on by default (loopback only).
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Folder holding the real Rwanda data the demo reads (a mirror of public sources).
pub const DEFAULT_MIRROR: &str = "../shared/data";

/// Where `sitroom demo` finds the synthetic layers, by default: where `sitroom-synth`
/// writes them by default.
pub const DEFAULT_SYNTHETIC: &str = "target/synth";

/// Default upload limit in MiB.
pub const DEFAULT_UPLOAD_LIMIT_MB: u64 = 200;

/// Who a change made from the command line is attributed to.
#[must_use]
pub fn cli_user() -> String {
    std::env::var("SITROOM_USER")
        .or_else(|_| std::env::var("USER"))
        .map_or_else(|_| "cli".to_owned(), |u| format!("cli:{u}"))
}

/// Default memory for rendered tiles, in MiB.
pub const DEFAULT_TILE_CACHE_MB: usize = 256;

/// Folder of TrueType/OpenType fonts for map labels (Debian's fonts-dejavu-core).
pub const DEFAULT_FONTS_DIR: &str = "/usr/share/fonts/truetype/dejavu";

/// The built web map, relative to where the server starts (the repository).
pub const DEFAULT_WEB_DIR: &str = "web-map/dist";

/// Requests a second each client may make on average (bursts of four times as many).
pub const DEFAULT_RATE_LIMIT: f64 = 100.0;

/// Most features one load may hold (the 5 M-building benchmark fits twice).
pub const DEFAULT_MAX_FEATURES: u64 = 10_000_000;

/// Most coordinates one load may hold over all its geometries.
pub const DEFAULT_MAX_VERTICES: u64 = 100_000_000;

/// Longest a read request may take before it is answered with 503, in seconds.
pub const DEFAULT_REQUEST_TIMEOUT_S: u64 = 60;

/// How much one load may hold: a guard against files that would exhaust memory (every
/// layer version is held in memory to serve it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadLimits {
    /// Features read from the source.
    pub features: u64,
    /// Coordinates over all geometries.
    pub vertices: u64,
}

impl Default for LoadLimits {
    fn default() -> Self {
        Self {
            features: DEFAULT_MAX_FEATURES,
            vertices: DEFAULT_MAX_VERTICES,
        }
    }
}

/// How a server runs: its limits, where its files are, whom it trusts.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// Largest upload accepted, in bytes.
    pub upload_limit_bytes: u64,
    /// Memory for rendered tiles, in bytes (0 turns the cache off).
    pub tile_cache_bytes: usize,
    /// Fonts for map labels.
    pub fonts_dir: PathBuf,
    /// The built web map, served at `/` (none: `/` says how to build it).
    pub web_dir: Option<PathBuf>,
    /// Requests a second each client may make on average (0: no limit).
    pub rate_limit: f64,
    /// Requests a client may make at once.
    pub rate_burst: f64,
    /// Longest a read may take before it is answered with 503.
    pub request_timeout: Duration,
    /// Most features and vertices one upload may hold.
    pub load_limits: LoadLimits,
    /// Addresses of reverse proxies whose `X-Forwarded-*` headers are believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// The server's public address (`https://sitroom.example.org`), used for every
    /// absolute link instead of the request's host.
    pub public_url: Option<String>,
    /// Who sends the alerts drafted here and how they are numbered.
    pub alerts: crate::engine::rules::Sender,
    /// How issued alerts are delivered to subscribers.
    pub delivery: crate::delivery::DeliverySettings,
    /// GDP and replacement costs for the Sendai economic indicators.
    pub economy: crate::engine::sendai::Economy,
    /// Exchange rates disbursements are converted with.
    pub rates: crate::ingest::records::rates::RateTable,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            upload_limit_bytes: DEFAULT_UPLOAD_LIMIT_MB * 1024 * 1024,
            tile_cache_bytes: DEFAULT_TILE_CACHE_MB * 1024 * 1024,
            fonts_dir: PathBuf::from(DEFAULT_FONTS_DIR),
            web_dir: None,
            rate_limit: DEFAULT_RATE_LIMIT,
            rate_burst: DEFAULT_RATE_LIMIT * 4.0,
            request_timeout: Duration::from_secs(DEFAULT_REQUEST_TIMEOUT_S),
            load_limits: LoadLimits::default(),
            trusted_proxies: Vec::new(),
            public_url: None,
            economy: crate::engine::sendai::Economy::default(),
            rates: crate::ingest::records::rates::RateTable::default(),
            alerts: crate::engine::rules::Sender::default(),
            delivery: crate::delivery::DeliverySettings::default(),
        }
    }
}

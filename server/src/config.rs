//! Defaults and settings shared by the CLI and the server.

/// Store used when neither `--db` nor `DATABASE_URL` is given: a SQLite file.
pub const DEFAULT_DB: &str = "sitroom.db";

/// Address the server listens on by default (loopback only).
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Folder holding the real Rwanda data the demo reads (a mirror of public sources).
pub const DEFAULT_MIRROR: &str = "../shared/data";

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

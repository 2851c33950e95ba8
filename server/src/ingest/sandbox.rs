//! GDAL as a reader of files and nothing else. Every file is opened with the one driver
//! of its format (see `SourceKind`), so no uploaded file can point GDAL at another file
//! (a VRT, say) or at a URL; as a second wall, GDAL's HTTP client is sent to a proxy
//! that does not exist, so that even a driver that tried would reach nothing.

use std::sync::Once;

/// Sets GDAL's network options once per process.
pub fn gdal() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for (key, value) in [
            // Port 9 (discard) on loopback: nothing listens, every request fails at once.
            ("GDAL_HTTP_PROXY", "127.0.0.1:9"),
            ("GDAL_HTTP_TIMEOUT", "1"),
            ("GDAL_HTTP_MAX_RETRY", "0"),
            ("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", ".sitroom-none"),
            ("GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR"),
        ] {
            if let Err(e) = gdal::config::set_config_option(key, value) {
                tracing::warn!(key, error = %e, "could not set a GDAL option");
            }
        }
    });
}

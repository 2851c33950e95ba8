//! Map label glyphs, served by us so the map needs nothing from the internet:
//! `GET /fonts/{fontstack}/{start}-{end}.pbf` renders signed-distance-field glyphs of a
//! 256-character range from the fonts found on first use (TrueType/OpenType files in the
//! fonts folder, named "Family Style", e.g. "DejaVu Sans Book"), as MapLibre and Martin
//! expect; `GET /fonts` lists them. A stack of several names uses the first one known.
//! Rendered ranges are kept in memory.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::{Path as UrlPath, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use bytes::Bytes;
use pbf_font_tools::prost::Message as _;

use super::AppState;
use super::http::{ApiError, blocking};

/// The fonts of one folder, found on first use (the server's start does not wait for
/// them), by stack name; and the glyph ranges rendered so far.
#[derive(Debug)]
pub struct Fonts {
    dir: PathBuf,
    files: OnceLock<BTreeMap<String, PathBuf>>,
    rendered: Mutex<HashMap<(String, u32), Bytes>>,
}

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/fonts", get(list))
        .route("/fonts/{fontstack}/{range}", get(glyphs))
}

impl Fonts {
    /// The fonts in `dir` (not recursive), looked for when first asked for.
    #[must_use]
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
            files: OnceLock::new(),
            rendered: Mutex::default(),
        }
    }

    fn files(&self) -> &BTreeMap<String, PathBuf> {
        self.files.get_or_init(|| discover(&self.dir))
    }

    /// Names of the fonts, for `GET /fonts`.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files().keys().map(String::as_str)
    }

    /// The glyphs of `start..=start+255` in the first font of `stack` we have.
    fn range(&self, stack: &str, start: u32) -> Result<Bytes, ApiError> {
        let (name, path) = stack
            .split(',')
            .map(str::trim)
            .find_map(|n| self.files().get_key_value(n))
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "no font '{stack}' here: GET /fonts lists the fonts this server has"
                ))
            })?;
        let key = (name.clone(), start);
        let mut cache = self
            .rendered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(b) = cache.get(&key) {
            return Ok(b.clone());
        }
        let mut glyphs =
            pbf_font_tools::glyph_range_for_font(path, start, start + 255, 24, 8, 0.25)
                .map_err(|e| ApiError::internal(format!("rendering glyphs of {name}: {e}")))?;
        // Named as asked, so a stack resolves to the font the style requested.
        for s in &mut glyphs.stacks {
            s.name = stack.to_owned();
        }
        let bytes = Bytes::from(glyphs.encode_to_vec());
        cache.insert(key, bytes.clone());
        Ok(bytes)
    }
}

/// The fonts in `dir` (not recursive): each face named by its family and style.
fn discover(dir: &Path) -> BTreeMap<String, PathBuf> {
    let mut files = BTreeMap::new();
    let Ok(lib) = pbf_font_tools::freetype::Library::init() else {
        tracing::warn!("FreeType could not start: map labels will be missing");
        return files;
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "ttf" | "otf"))
        })
        .collect();
    paths.sort();
    for path in paths {
        let Ok(face) = lib.new_face(&path, 0) else {
            continue;
        };
        if let Some(family) = face.family_name() {
            let name = match face.style_name() {
                Some(style) => format!("{family} {style}"),
                None => family,
            };
            files.entry(name).or_insert(path);
        }
    }
    if files.is_empty() {
        tracing::warn!(dir = %dir.display(), "no fonts found: map labels will be missing (install fonts-dejavu-core or pass --fonts-dir)");
    } else {
        tracing::info!(fonts = files.len(), dir = %dir.display(), "fonts for map labels");
    }
    files
}

async fn list(State(state): State<AppState>) -> Json<Vec<String>> {
    Json(state.fonts.names().map(str::to_owned).collect())
}

async fn glyphs(
    State(state): State<AppState>,
    UrlPath((fontstack, range)): UrlPath<(String, String)>,
) -> Result<Response, ApiError> {
    let bad = || {
        ApiError::bad_request(format!(
            "'{range}' is not a glyph range: ask for {{start}}-{{end}}.pbf with start a multiple of 256 and end = start + 255, e.g. 0-255.pbf"
        ))
    };
    let (start, end) = range
        .strip_suffix(".pbf")
        .and_then(|r| r.split_once('-'))
        .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)))
        .ok_or_else(bad)?;
    if start % 256 != 0 || end != start + 255 || end > 65_535 {
        return Err(bad());
    }
    let fonts: Arc<Fonts> = state.fonts.clone();
    let body = blocking(move || fonts.range(&fontstack, start)).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-protobuf"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response())
}

//! Deep and wide structures, built from the input rather than hoped for: parentheses
//! and NOT thousands deep, OR chains thousands long, GeoJSON coordinates and geometry
//! collections nested thousands deep, properties nested as deep, incident areas with
//! nested arrays. Each goes to the parser that would meet it (filters, the GeoJSON
//! reader, the incident-area reader). A refusal is fine; a stack overflow, a panic or a
//! crash is a finding.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sitroom::engine::exposure::area;
use sitroom::engine::filter::Filter;
use sitroom::ingest::{LoadLimits, LoadOptions, read};
use sitroom::model::{FieldMapping, LayerKind};

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir").keep())
}

/// The text the input asks for: a shape (first byte), a size (next two) and a filler.
fn build(data: &[u8]) -> Option<(u8, String)> {
    let (&shape, rest) = data.split_first()?;
    let (size, filler) = match rest {
        [a, b, tail @ ..] => (usize::from(u16::from_le_bytes([*a, *b])) % 20_000, tail),
        _ => return None,
    };
    let filler = String::from_utf8_lossy(filler);
    let text = match shape % 8 {
        0 => format!("{}name = '{filler}'{}", "(".repeat(size), ")".repeat(size)),
        1 => format!("{}name = '{filler}'", "NOT ".repeat(size)),
        2 => vec![format!("code = {}", filler.len()); size.max(1)].join(" OR "),
        3 => format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":{}[30.0,-2.0]{}}}}}]}}"#,
            "[".repeat(size),
            "]".repeat(size)
        ),
        4 => format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{}{{"type":"Point","coordinates":[30,-2]}}{}}}]}}"#,
            r#"{"type":"GeometryCollection","geometries":["#.repeat(size),
            "]}".repeat(size)
        ),
        5 => format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"p":{}"{filler}"{}}},"geometry":{{"type":"Point","coordinates":[30,-2]}}}}]}}"#,
            r#"{"a":"#.repeat(size),
            "}".repeat(size)
        ),
        6 => format!(
            r#"{{"type":"Polygon","coordinates":{}[[[30,-2],[30.1,-2],[30.1,-1.9],[30,-2]]]{}}}"#,
            "[".repeat(size),
            "]".repeat(size)
        ),
        _ => format!(
            r#"{{"type":"Feature","geometry":{}{{"type":"Polygon","coordinates":[]}}{}}}"#,
            r#"{"type":"Feature","geometry":"#.repeat(size),
            "}".repeat(size)
        ),
    };
    Some((shape % 8, text))
}

fuzz_target!(|data: &[u8]| {
    let Some((shape, text)) = build(data) else {
        return;
    };
    match shape {
        0..=2 => {
            let fields = vec!["name".to_owned(), "code".to_owned()];
            let _ = Filter::parse(&text, &fields);
        }
        3..=5 => {
            let path = dir().join("deep.geojson");
            if std::fs::write(&path, &text).is_err() {
                return;
            }
            let opts = LoadOptions {
                kind: LayerKind::Exposure,
                srs: None,
                source_layer: None,
                fields: FieldMapping::default(),
                classification: None,
                allow_rejects: true,
                limits: LoadLimits {
                    features: 100,
                    vertices: 100_000,
                },
            };
            let _ = read(&path, "deep.geojson", &opts, &|_, _| {});
        }
        _ => {
            if let Ok(body) = serde_json::from_str::<serde_json::Value>(&text) {
                let _ = area::parse(&body);
            }
        }
    }
});

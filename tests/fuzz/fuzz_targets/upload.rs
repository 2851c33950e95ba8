//! The upload path: any bytes as an uploaded GeoJSON file, read as a hazard layer (field
//! mapping and classification) and as an exposure layer (geometry checks and repair,
//! reprojection, properties). Refusals are fine; a panic or a crash is a finding.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sitroom::model::Classification;
use sitroom::ingest::{LoadLimits, LoadOptions, read};
use sitroom::model::{FieldMapping, LayerKind};

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir").keep())
}

fuzz_target!(|data: &[u8]| {
    let path = dir().join("upload.geojson");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let hazard = LoadOptions {
        kind: LayerKind::Hazard,
        srs: None,
        source_layer: None,
        fields: FieldMapping {
            hazard: Some("class".into()),
            name: Some("name".into()),
            ..FieldMapping::default()
        },
        classification: Some(Classification::class_names()),
        allow_rejects: true,
        limits: LoadLimits {
            features: 10_000,
            vertices: 1_000_000,
        },
    };
    let exposure = LoadOptions {
        kind: LayerKind::Exposure,
        fields: FieldMapping::default(),
        classification: None,
        ..hazard.clone()
    };
    for opts in [hazard, exposure] {
        let _ = read(&path, "upload.geojson", &opts, &|_, _| {});
    }
});

//! One read, end to end: the source's raw features, then on every core each geometry
//! checked, repaired and reprojected and each feature's fields mapped, then the features
//! to store and the report of what happened to every one.

use std::path::Path;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::crs::{crs_label, is_wgs84, source_crs, transform_from};
use super::source::{RawFeature, Source, SourceKind};
use super::{IngestError, Ingested, LoadOptions, geojson, geometry, properties, raster};
use crate::model::{
    Bbox, Classification, Feature, FeatureIssue, IssueAction, LayerKind, LoadReport,
};

/// What the parallel check made of one raw feature.
struct Outcome {
    checked: geometry::Checked,
    mapped: properties::Mapped,
    warnings: Vec<String>,
}

/// Reads `path` (its name for reports is `source_name`) into features ready to store.
///
/// Sources are read in one thread (GDAL, or our GeoJSON reader); geometries are then
/// checked, repaired, reprojected and mapped on every core.
///
/// # Errors
/// An [`IngestError`] saying what is wrong with the file and what to do.
pub fn read(
    path: &Path,
    source_name: &str,
    opts: &LoadOptions,
    progress: &dyn Fn(u64, u64),
) -> Result<Ingested, IngestError> {
    let (source, sha256) = read_source(path, source_name, opts, progress)?;
    let mapping_opts = mapping_options(&source, opts);
    let mapping = properties::Mapping::new(source_name, &source.fields, &mapping_opts)?;
    let crs = source_crs(&source, opts, source_name)?;
    let gdal_err = |source| IngestError::Gdal {
        path: source_name.to_owned(),
        source,
    };
    let crs_wkt = match &crs {
        Some(c) if !is_wgs84(c) => Some(c.to_wkt().map_err(gdal_err)?),
        _ => None,
    };
    // Fail here, once, if the transformation cannot be built.
    if let Some(wkt) = &crs_wkt {
        transform_from(wkt).map_err(gdal_err)?;
    }
    let total = source.features.len() as u64;
    if total > opts.limits.features {
        return Err(IngestError::TooLarge {
            path: source_name.to_owned(),
            what: "features",
            count: total,
            limit: opts.limits.features,
        });
    }
    progress(total, total);
    let outcomes = check_all(&source.features, opts.kind, crs_wkt.as_deref(), &mapping);
    let mut report = LoadReport {
        source_name: source_name.to_owned(),
        driver: source.driver.clone(),
        source_layer: source.layer.clone(),
        source_crs: crs.as_ref().map_or_else(|| "EPSG:4326".into(), crs_label),
        ..LoadReport::default()
    };
    let (features, bbox) = assemble(
        source.features,
        outcomes,
        mapping.has_hazard(),
        opts,
        &mut report,
    )?;
    if report.rejected > 0 && !opts.allow_rejects {
        return Err(IngestError::Rejected(Box::new(report)));
    }
    if features.is_empty() {
        return Err(IngestError::NoFeatures(Box::new(report)));
    }
    Ok(Ingested {
        features,
        report,
        sha256,
        bbox,
    })
}

/// The raw features of the file and its SHA-256.
fn read_source(
    path: &Path,
    shown: &str,
    opts: &LoadOptions,
    progress: &dyn Fn(u64, u64),
) -> Result<(Source, String), IngestError> {
    if path.to_str().is_some_and(|p| p.starts_with("/vsi")) {
        return Err(IngestError::VirtualPath {
            path: shown.to_owned(),
        });
    }
    let bytes = std::fs::read(path).map_err(|source| IngestError::Unreadable {
        path: shown.to_owned(),
        source,
    })?;
    if bytes.is_empty() {
        return Err(IngestError::EmptyFile {
            path: shown.to_owned(),
        });
    }
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let source = if SourceKind::of(path) == SourceKind::GeoJson {
        let stem = path
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        geojson::read(&bytes, shown, &stem)?
    } else {
        drop(bytes);
        super::source::read_with_gdal(path, shown, opts, progress)?
    };
    Ok((source, sha256))
}

/// The options fields are mapped with: a polygonised hazard raster's cells carry class
/// codes (read with the classification's rates and flags), an exposure raster's cell
/// points carry the cell's value (people, unless mapped otherwise).
fn mapping_options(source: &Source, opts: &LoadOptions) -> LoadOptions {
    let mut o = opts.clone();
    if source.kind == SourceKind::GeoTiff && opts.kind == LayerKind::Hazard {
        o.fields.hazard = Some(raster::CLASS_CODE_FIELD.into());
        o.classification = opts
            .classification
            .as_ref()
            .map(Classification::by_class_code);
    } else if source.kind == SourceKind::GeoTiff {
        o.fields.population = o
            .fields
            .population
            .or_else(|| Some(raster::CELL_VALUE_FIELD.into()));
    }
    o
}

/// Every feature checked, reprojected (from the CRS `crs_wkt`, when not lon/lat) and
/// mapped, on every core.
fn check_all(
    features: &[RawFeature],
    kind: LayerKind,
    crs_wkt: Option<&str>,
    mapping: &properties::Mapping,
) -> Vec<Outcome> {
    features
        .par_iter()
        .map_init(
            || crs_wkt.map(transform_from),
            |transform, raw| {
                let transform = match transform {
                    Some(Ok(t)) => Some(&*t),
                    Some(Err(e)) => {
                        return Outcome {
                            checked: geometry::Checked::Rejected(format!(
                                "cannot be reprojected to EPSG:4326: {e}"
                            )),
                            mapped: properties::Mapped::default(),
                            warnings: Vec::new(),
                        };
                    }
                    None => None,
                };
                let checked = geometry::check(raw.wkb.as_ref(), kind, transform);
                let mut warnings = Vec::new();
                let mapped = mapping.apply(&raw.properties, &mut |w| warnings.push(w));
                Outcome {
                    checked,
                    mapped,
                    warnings,
                }
            },
        )
        .collect()
}

/// The features to store and their extent, with every issue noted in `report`.
///
/// # Errors
/// When the features together hold more vertices than a load may.
fn assemble(
    raw: Vec<RawFeature>,
    outcomes: Vec<Outcome>,
    classified: bool,
    opts: &LoadOptions,
    report: &mut LoadReport,
) -> Result<(Vec<Feature>, Option<Bbox>), IngestError> {
    let mut features = Vec::with_capacity(outcomes.len());
    let mut bbox: Option<Bbox> = None;
    let mut vertices = 0u64;
    for (raw, outcome) in raw.into_iter().zip(outcomes) {
        report.read += 1;
        let mut note = |action: IssueAction, reason: String| {
            report.issues.push(FeatureIssue {
                index: raw.index,
                source_id: raw.source_id.clone(),
                action,
                reason,
            });
        };
        let good = match outcome.checked {
            geometry::Checked::Ok(g) => g,
            geometry::Checked::Repaired(g, why) => {
                note(IssueAction::Repaired, why);
                report.repaired += 1;
                g
            }
            geometry::Checked::Empty => {
                note(IssueAction::Dropped, "empty geometry".into());
                report.dropped += 1;
                continue;
            }
            geometry::Checked::Rejected(why) => {
                note(IssueAction::Rejected, why);
                report.rejected += 1;
                continue;
            }
        };
        for w in outcome.warnings {
            note(IssueAction::Warning, w);
        }
        vertices += good.vertices;
        if vertices > opts.limits.vertices {
            return Err(IngestError::TooLarge {
                path: report.source_name.clone(),
                what: "vertices",
                count: vertices,
                limit: opts.limits.vertices,
            });
        }
        let mapped = outcome.mapped;
        if classified && mapped.hazard_class.is_none() {
            // Named, as every other feature the load did something to.
            let field = opts.fields.hazard.as_deref().unwrap_or("hazard");
            let value = raw
                .properties
                .get(field)
                .map_or_else(|| "none".to_owned(), ToString::to_string);
            let scheme = opts.classification.as_ref().map_or("", |c| c.name.as_str());
            note(
                IssueAction::Warning,
                format!(
                    "its {field} value {value} is in no class of '{scheme}': drawn as unclassified and counted in no class"
                ),
            );
            report.unclassified += 1;
        }
        bbox = Some(match bbox {
            None => good.bbox,
            Some(b) => [
                b[0].min(good.bbox[0]),
                b[1].min(good.bbox[1]),
                b[2].max(good.bbox[2]),
                b[3].max(good.bbox[3]),
            ],
        });
        features.push(Feature {
            fid: i64::try_from(features.len()).unwrap_or(i64::MAX) + 1,
            source_id: raw.source_id,
            wkb: good.wkb,
            bbox: good.bbox,
            properties: raw.properties,
            name: mapped.name,
            code: mapped.code,
            population: mapped.population,
            households: mapped.households,
            hazard_class: mapped.hazard_class.map(|c| c.as_str().to_owned()),
        });
    }
    report.loaded = features.len() as u64;
    Ok((features, bbox))
}

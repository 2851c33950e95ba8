//! Reports in the formats people take elsewhere: CSV with a HXL hashtag row (one row per
//! unit and class, every row naming the layer versions it came from) and GeoJSON with
//! each unit's shape.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Value, json};

use super::report::ExposureReport;
use crate::engine::LayerSnapshot;
use crate::engine::geometry::to_lonlat;
use crate::formats::csv::{cell, number};
use crate::formats::geojson;

/// The report as CSV under a header row and a HXL hashtag row.
#[must_use]
pub fn to_csv(report: &ExposureReport) -> String {
    let adm = report.by.hxl();
    let mut out = String::from(
        "code,name,hazard_class,count,population,households,affected,displaced,hazard_layer,hazard_version,exposure_layer,exposure_version,computed_at\n",
    );
    let _ = writeln!(
        out,
        "{adm}+code,{adm}+name,#severity,#indicator+num,#population+num,#household+num,#affected+num,#affected+displaced+num,#meta+hazard,#meta+hazard+version,#meta+exposure,#meta+exposure+version,#date+computed"
    );
    let provenance = [
        cell(report.hazard.layer.as_str()),
        report.hazard.version.to_string(),
        cell(report.exposure.layer.as_str()),
        report.exposure.version.to_string(),
        cell(&report.computed_at),
    ]
    .join(",");
    for u in &report.units {
        let (code, name) = (cell(&u.code), cell(u.name.as_deref().unwrap_or_default()));
        if u.suppressed {
            let _ = writeln!(out, "{code},{name},suppressed,,,,,,{provenance}");
            continue;
        }
        for c in &u.classes {
            let f = &c.figures;
            let _ = writeln!(
                out,
                "{code},{name},{},{},{},{},{},{},{provenance}",
                c.class,
                number(f.count),
                number(f.population),
                number(f.households),
                number(f.affected),
                number(f.displaced)
            );
        }
        if let Some(w) = &u.withheld {
            // Counted in the unit, class withheld: neither affected nor displaced known.
            let _ = writeln!(
                out,
                "{code},{name},withheld,{},{},{},,,{provenance}",
                number(w.count),
                number(w.population),
                number(w.households)
            );
        }
    }
    out
}

/// The report's units as GeoJSON features with their shapes (when the level has a
/// boundary layer).
#[must_use]
pub fn to_geojson(report: &ExposureReport, units: Option<&LayerSnapshot>) -> Value {
    let geometries: BTreeMap<&str, Value> = units
        .map(|s| {
            s.features
                .iter()
                .filter_map(|f| {
                    Some((
                        f.code.as_deref()?,
                        serde_json::to_value(geojson::geometry(&f.geometry, &to_lonlat))
                            .unwrap_or(Value::Null),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let features: Vec<Value> = report
        .units
        .iter()
        .map(|u| {
            json!({"type": "Feature", "id": u.code, "geometry": geometries.get(u.code.as_str()), "properties": u})
        })
        .collect();
    json!({
        "type": "FeatureCollection",
        "features": features,
        "hazard": report.hazard,
        "exposure": report.exposure,
        "computed_at": report.computed_at,
    })
}

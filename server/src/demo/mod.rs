//! `sitroom demo`: loads real Rwanda data from the mirror folder (boundaries to village
//! level keyed by official codes, 2022 census population, camps and transit centres,
//! volcanic zones around the real vents, neighbouring countries, lakes and rivers) and the synthetic
//! layers made beforehand by `sitroom-synth` (flood, landslide, returnees; see
//! [`synthetic`]), each labelled as such in its attribution. Layers whose source and metadata are unchanged are skipped,
//! so running it again is cheap and makes no new versions.

pub mod alerts;
mod camps;
mod population;
pub mod registers;
pub mod synthetic;
mod volcanic;
mod water;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::load::{LoadSource, load_file};
use crate::model::Classification;
use crate::model::{FieldMapping, LayerKind, LayerMeta, Sensitivity};
use crate::store::Store;

const WASAC: &str = "Boundaries © WASAC Ltd. (rw-admin-boundary), CC BY 4.0";

/// One demo layer after the run.
#[derive(Debug, Clone, Serialize)]
pub struct Loaded {
    /// Layer id.
    pub layer: String,
    /// Current version.
    pub version: i32,
    /// Features in it.
    pub feature_count: i64,
    /// Whether this run loaded it (false: unchanged, skipped).
    pub loaded: bool,
}

struct Spec {
    meta: LayerMeta,
    file: PathBuf,
}

fn meta(
    id: &str,
    title: &str,
    kind: LayerKind,
    theme: &str,
    fields: FieldMapping,
    classification: Option<Classification>,
    attribution: &str,
) -> anyhow::Result<LayerMeta> {
    Ok(LayerMeta {
        id: id.parse()?,
        title: title.into(),
        kind,
        theme: theme.parse()?,
        sensitivity: Sensitivity::Public,
        // The demo is a public map: every layer opens without a token (the restricted one
        // as aggregates).
        anonymous: true,
        fields,
        classification,
        attribution: attribution.into(),
    })
}

fn admin_fields() -> FieldMapping {
    FieldMapping {
        name: Some("name".into()),
        code: Some("id".into()),
        population: Some("population".into()),
        households: Some("household".into()),
        hazard: None,
    }
}

/// The five boundary levels, as in the mirror.
fn boundaries(mirror: &Path) -> anyhow::Result<Vec<Spec>> {
    [
        ("rwa-provinces", "Provinces", "province", "rwa_provinces"),
        ("rwa-districts", "Districts", "district", "rwa_districts"),
        ("rwa-sectors", "Sectors", "sector", "rwa_sectors"),
        ("rwa-cells", "Cells", "cell", "rwa_cells"),
        ("rwa-villages", "Villages", "village", "rwa_villages"),
    ]
    .into_iter()
    .map(|(id, title, theme, file)| {
        Ok(Spec {
            meta: meta(
                id,
                title,
                LayerKind::Boundary,
                theme,
                admin_fields(),
                None,
                &format!("{WASAC}; population and households: WASAC figures (year unstated)"),
            )?,
            file: mirror.join(format!("admin/{file}.geojson")),
        })
    })
    .collect()
}

fn sha256_of(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(hex::encode(Sha256::digest(bytes)))
}

/// Loads `spec` unless the layer's current version came from the same bytes with the
/// same metadata.
fn load_one(store: &Store, spec: &Spec, progress: bool, by: &str) -> anyhow::Result<Loaded> {
    let id = &spec.meta.id;
    if let Some(current) = store.layer(id)? {
        let sha = sha256_of(&spec.file)?;
        let same = current
            .versions
            .iter()
            .find(|v| v.version == current.layer.current_version)
            .is_some_and(|v| v.source_sha256 == sha)
            && current.layer.meta == spec.meta;
        if same {
            return Ok(Loaded {
                layer: id.to_string(),
                version: current.layer.current_version,
                feature_count: current.layer.feature_count,
                loaded: false,
            });
        }
    }
    if progress {
        eprintln!("loading {id} from {}", spec.file.display());
    }
    let name = spec.file.file_name().map_or_else(
        || spec.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let v = load_file(
        store,
        &spec.meta,
        &LoadSource {
            path: &spec.file,
            name: &name,
            srs: None,
            source_layer: None,
            allow_rejects: false,
            limits: crate::ingest::LoadLimits::default(),
        },
        by,
        &|_, _| {},
    )
    .with_context(|| format!("loading demo layer {id}"))?;
    Ok(Loaded {
        layer: id.to_string(),
        version: v.version,
        feature_count: v.feature_count,
        loaded: true,
    })
}

/// Loads every demo layer from `mirror` (real data, some derived into a working folder)
/// and from the generator's folder `synthetic`. Returns each layer's state, in load
/// order.
///
/// # Errors
/// When a mirror file or the synthetic layers are missing (checked before anything is
/// loaded) or a load fails (earlier layers stay loaded).
pub fn load_all(
    store: &Store,
    mirror: &Path,
    synthetic: &Path,
    progress: bool,
    by: &str,
) -> anyhow::Result<Vec<Loaded>> {
    anyhow::ensure!(
        mirror.join("admin/rwa_villages.geojson").exists(),
        "the mirror folder '{}' does not hold admin/rwa_villages.geojson: pass --mirror with the folder of the Rwanda data (see its README)",
        mirror.display()
    );
    let synth = synthetic::Synthetic::read(synthetic)?;
    let work = tempfile::tempdir()?;
    let mut out = Vec::new();
    for spec in boundaries(mirror)? {
        out.push(load_one(store, &spec, progress, by)?);
    }
    out.push(load_one(
        store,
        &Spec {
            meta: meta(
                "countries",
                "Rwanda and neighbouring countries",
                LayerKind::Boundary,
                "country",
                FieldMapping {
                    name: Some("NAME".into()),
                    code: Some("ISO_A3".into()),
                    ..FieldMapping::default()
                },
                None,
                "Natural Earth 1:10m admin 0 (public domain)",
            )?,
            file: mirror.join("context/ne_10m_admin0_rwanda_and_neighbours.geojson"),
        },
        progress,
        by,
    )?);

    let lakes = water::write(mirror, work.path())?;
    for (id, title, theme, file, name) in [
        ("lakes", "Lakes", "lake", lakes, Some("name")),
        (
            "rivers",
            "Rivers",
            "river",
            mirror.join(water::RIVERS),
            None,
        ),
    ] {
        out.push(load_one(
            store,
            &Spec {
                meta: meta(
                    id,
                    title,
                    LayerKind::Context,
                    theme,
                    FieldMapping {
                        name: name.map(str::to_owned),
                        ..FieldMapping::default()
                    },
                    None,
                    "GSHHG/WDBII full resolution (LGPL-3.0-or-later); lake names from Natural Earth (public domain)",
                )?,
                file,
            },
            progress,
            by,
        )?);
    }

    let population = population::write(store, mirror, work.path())?;
    out.push(load_one(
        store,
        &Spec {
            meta: meta(
                "population-2022",
                "Population 2022 by village",
                LayerKind::Exposure,
                "population",
                FieldMapping {
                    name: Some("name".into()),
                    code: Some("id".into()),
                    population: Some("population_2022".into()),
                    ..FieldMapping::default()
                },
                None,
                &format!(
                    "Derived: NISR 2022 census population per sector, spread over its villages in proportion to WASAC's village figures. {WASAC}"
                ),
            )?,
            file: population,
        },
        progress,
        by,
    )?);

    let camps = camps::write(store, mirror, work.path())?;
    out.push(load_one(
        store,
        &Spec {
            meta: meta(
                "camps",
                "Refugee camps and transit centres",
                LayerKind::Exposure,
                "camp",
                FieldMapping {
                    name: Some("name".into()),
                    code: Some("sector_code".into()),
                    population: Some("population".into()),
                    ..FieldMapping::default()
                },
                None,
                "Sites and populations from public UNHCR and ministry reports (dates per site). Only Mahama has site coordinates; the others are placed inside their sector (location_precision = sector)",
            )?,
            file: camps,
        },
        progress,
        by,
    )?);

    let zones = volcanic::write(mirror, work.path())?;
    out.push(load_one(
        store,
        &Spec {
            meta: meta(
                "volcanic-zones",
                "Volcanic hazard zones (indicative)",
                LayerKind::Hazard,
                "volcanic",
                FieldMapping {
                    name: Some("name".into()),
                    hazard: Some("class".into()),
                    ..FieldMapping::default()
                },
                Some(Classification::class_names()),
                "Vents: Smithsonian Global Volcanism Program, Volcanoes of the World 4.9.0. Zones: radii per volcano from data/volcanic_zones.json (planning assumptions, not an official zonation)",
            )?,
            file: zones,
        },
        progress,
        by,
    )?);

    let seed = synth.seed;
    let specs = [
        Spec {
            meta: meta(
                "landslide-susceptibility",
                "Landslide susceptibility (synthetic)",
                LayerKind::Hazard,
                "landslide",
                FieldMapping::default(),
                Some(Classification::landslide_susceptibility()),
                &format!(
                    "SYNTHETIC, not an official map: derived from the WASAC 10 m DEM (CC BY 4.0) by slope, an orographic rain factor and seeded noise (sitroom-synth, seed {seed})"
                ),
            )?,
            file: synth.landslide,
        },
        Spec {
            meta: meta(
                "flood-zones",
                "Flood depth zones (synthetic)",
                LayerKind::Hazard,
                "flood",
                FieldMapping::default(),
                Some(Classification::flood_depth()),
                &format!(
                    "SYNTHETIC, not an official map: flood depth from height above the nearest drainage on the WASAC 10 m DEM (CC BY 4.0) and GSHHG rivers and lakes (LGPL-3.0), with seeded noise (sitroom-synth, seed {seed})"
                ),
            )?,
            file: synth.flood,
        },
        Spec {
            meta: meta(
                "flood-forecast",
                "Flood forecast, next 72 hours (synthetic)",
                LayerKind::Hazard,
                "flood-forecast",
                FieldMapping::default(),
                Some(Classification::flood_depth()),
                &format!(
                    "SYNTHETIC, not a forecast: the synthetic flood depth scaled by a seeded storm over the north-west highlands (sitroom-synth, seed {seed}); for the demo's alert rules"
                ),
            )?,
            file: synth.forecast,
        },
        Spec {
            meta: LayerMeta {
                sensitivity: Sensitivity::Restricted,
                ..meta(
                    "returnee-households",
                    "Returnee households (synthetic)",
                    LayerKind::Exposure,
                    "returnee",
                    FieldMapping {
                        name: Some("household_id".into()),
                        code: Some("village_code".into()),
                        population: Some("household_size".into()),
                        households: Some("households".into()),
                        hazard: None,
                    },
                    None,
                    &format!(
                        "SYNTHETIC: invented households placed in real villages (sitroom-synth, seed {seed}); no real person is represented"
                    ),
                )?
            },
            file: synth.returnees,
        },
    ];
    for spec in &specs {
        out.push(load_one(store, spec, progress, by)?);
    }
    Ok(out)
}

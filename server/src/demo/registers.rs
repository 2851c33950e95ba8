//! The demo's registers: the synthetic loss records and partner activities
//! `sitroom-synth` wrote, each imported unless its register's current version came from
//! the same file. The activities are converted with the demo's illustrative rate table
//! (`data/exchange-rates-illustrative.json`: not the National Bank of Rwanda's rates).

use std::path::Path;

use sha2::{Digest, Sha256};

use super::synthetic::Synthetic;
use crate::engine::Engine;
use crate::ingest::records::rates::RateTable;
use crate::model::{ImportMode, RecordKind, RegisterVersion};
use crate::ops::records::{Import, import};
use crate::store::Store;

/// The demo's rate table, in the repository's `data/`.
const RATES: &str = include_str!("../../../data/exchange-rates-illustrative.json");

/// Imports the synthetic records as `by`: per kind, the new version, or `None` when it
/// was current already.
///
/// # Errors
/// When a file cannot be read or does not import whole.
pub fn load(
    store: &Store,
    synth: &Synthetic,
    by: &str,
) -> anyhow::Result<Vec<(RecordKind, Option<RegisterVersion>)>> {
    let rates: RateTable = serde_json::from_str(RATES)?;
    let mut engine: Option<Engine> = None;
    let mut out = Vec::new();
    for (kind, path) in [
        (RecordKind::Losses, &synth.losses),
        (RecordKind::Disbursements, &synth.activities),
    ] {
        out.push((kind, load_one(store, &mut engine, kind, path, &rates, by)?));
    }
    Ok(out)
}

fn load_one(
    store: &Store,
    engine: &mut Option<Engine>,
    kind: RecordKind,
    path: &Path,
    rates: &RateTable,
    by: &str,
) -> anyhow::Result<Option<RegisterVersion>> {
    let bytes = std::fs::read(path)?;
    let sha = hex::encode(Sha256::digest(&bytes));
    if let Some(register) = store.register(kind)?
        && register.current().is_some_and(|v| v.source_sha256 == sha)
    {
        return Ok(None);
    }
    let engine = match engine {
        Some(e) => e,
        None => engine.insert(Engine::load(store)?),
    };
    let name = path
        .file_name()
        .map_or_else(|| format!("{kind}"), |n| n.to_string_lossy().into_owned());
    let version = import(
        store,
        engine,
        &Import {
            kind,
            source_name: &name,
            bytes: &bytes,
            mode: ImportMode::Replace,
            allow_rejects: false,
            by,
            mapping: &std::collections::HashMap::new(),
            rates,
        },
    )?;
    anyhow::ensure!(
        version.report.ignored_columns.is_empty(),
        "the synthetic {kind} have columns no field takes ({}): the generator and the kind disagree",
        version.report.ignored_columns.join(", ")
    );
    Ok(Some(version))
}

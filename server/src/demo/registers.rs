//! The demo's registers: the loss records of the floods and landslides of 2–3 May 2023
//! as public sources reported them (`data/losses-reported-2023-05.csv`, each record
//! citing its source), with the synthetic loss records `sitroom-synth` wrote merged in,
//! the synthetic partner activities and the synthetic returnee households' register (the
//! households of the returnee layer, with their members and support); each register imported unless its current
//! version came from the same synthetic file. The activities are converted with the
//! demo's illustrative rate table (`data/exchange-rates-illustrative.json`: not the
//! National Bank of Rwanda's rates).

use sha2::{Digest, Sha256};

use super::synthetic::Synthetic;
use crate::engine::Engine;
use crate::ingest::records::rates::RateTable;
use crate::model::{ImportMode, RecordKind, RegisterVersion};
use crate::ops::records::{Import, import};
use crate::store::Store;

/// The demo's rate table, in the repository's `data/`.
const RATES: &str = include_str!("../../../data/exchange-rates-illustrative.json");

/// The reported losses of May 2023, in the repository's `data/`.
const REPORTED: (&str, &[u8]) = (
    "losses-reported-2023-05.csv",
    include_bytes!("../../../data/losses-reported-2023-05.csv"),
);

/// Imports the demo's records as `by`: per kind, the new version, or `None` when it
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
        (RecordKind::Returnees, &synth.register),
    ] {
        let bytes = std::fs::read(path)?;
        let sha = hex::encode(Sha256::digest(&bytes));
        if let Some(register) = store.register(kind)?
            && register.current().is_some_and(|v| v.source_sha256 == sha)
        {
            out.push((kind, None));
            continue;
        }
        let engine = match &mut engine {
            Some(e) => e,
            None => engine.insert(Engine::load(store)?),
        };
        let name = path
            .file_name()
            .map_or_else(|| format!("{kind}"), |n| n.to_string_lossy().into_owned());
        let mut mode = ImportMode::Replace;
        if kind == RecordKind::Losses {
            load_one(store, engine, kind, REPORTED, mode, &rates, by)?;
            mode = ImportMode::Merge;
        }
        let version = load_one(store, engine, kind, (&name, &bytes), mode, &rates, by)?;
        out.push((kind, Some(version)));
    }
    Ok(out)
}

fn load_one(
    store: &Store,
    engine: &Engine,
    kind: RecordKind,
    (name, bytes): (&str, &[u8]),
    mode: ImportMode,
    rates: &RateTable,
    by: &str,
) -> anyhow::Result<RegisterVersion> {
    let version = import(
        store,
        engine,
        &Import {
            kind,
            source_name: name,
            bytes,
            mode,
            allow_rejects: false,
            by,
            mapping: &std::collections::HashMap::new(),
            rates,
        },
    )?;
    anyhow::ensure!(
        version.report.ignored_columns.is_empty(),
        "the demo's {name} has columns no field takes ({}): the file and the kind disagree",
        version.report.ignored_columns.join(", ")
    );
    Ok(version)
}

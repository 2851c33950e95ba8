//! The demo's loss register: the synthetic loss records `sitroom-synth` wrote, imported
//! unless the register's current version came from the same file.

use sha2::{Digest, Sha256};

use super::synthetic::Synthetic;
use crate::engine::Engine;
use crate::model::{ImportMode, RecordKind, RegisterVersion};
use crate::ops::records::{Import, import};
use crate::store::Store;

/// Imports the synthetic losses as `by`; `None` when they are current already.
///
/// # Errors
/// When the file cannot be read or does not import whole.
pub fn load(store: &Store, synth: &Synthetic, by: &str) -> anyhow::Result<Option<RegisterVersion>> {
    let bytes = std::fs::read(&synth.losses)?;
    let sha = hex::encode(Sha256::digest(&bytes));
    if let Some(register) = store.register(RecordKind::Losses)?
        && register.current().is_some_and(|v| v.source_sha256 == sha)
    {
        return Ok(None);
    }
    let engine = Engine::load(store)?;
    let name = synth
        .losses
        .file_name()
        .map_or_else(|| "losses.csv".into(), |n| n.to_string_lossy().into_owned());
    let version = import(
        store,
        &engine,
        &Import {
            kind: RecordKind::Losses,
            source_name: &name,
            bytes: &bytes,
            mode: ImportMode::Replace,
            allow_rejects: false,
            by,
            mapping: &std::collections::HashMap::new(),
            rates: &crate::ingest::records::rates::RateTable::default(),
        },
    )?;
    anyhow::ensure!(
        version.report.ignored_columns.is_empty(),
        "the synthetic losses have columns no field takes ({}): the generator and the losses kind disagree",
        version.report.ignored_columns.join(", ")
    );
    Ok(Some(version))
}

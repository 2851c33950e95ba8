//! Finding places by name or official code: every admin unit of the public boundary
//! layers and every named feature of public point layers (camps, transit centres), as a
//! gazetteer ranks them.
//!
//! A name matches when it equals the query, when one of its words starts with it, when
//! it contains it, or — for queries of four letters or more — when it is one or two edits
//! away from it or from its start (`Mahma` finds Mahama, `Nyarugengge` Nyarugenge).
//! Whole-word matches come first, coarser levels before finer ones within them (the
//! province of Kigali before a village named Kigali), then names containing the query;
//! near spellings, closest first, only when nothing is spelt as asked. Each hit names its parents (`Gitega sector,
//! Nyarugenge district, Kigali City province`), so that two villages of one name can be
//! told apart. Restricted layers are never searched: a hit would be a precise location.

use std::collections::HashMap;

use serde::Serialize;

use super::Snapshots;
use crate::model::{AdminLevel, LayerId, LayerKind, LayerMeta, Sensitivity};

/// A place found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Its name.
    pub name: String,
    /// Its official code, when it has one.
    pub code: Option<String>,
    /// The layer it is in.
    pub layer: LayerId,
    /// Boundary (an admin unit) or exposure (a camp, a site).
    pub kind: LayerKind,
    /// The level or theme of its layer (`district`, `village`, `camp`).
    pub level: String,
    /// Its extent, lon/lat.
    pub bbox: [f64; 4],
    /// The units it lies in, finest first, by official code.
    pub parents: Vec<Parent>,
}

/// A unit a place lies in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parent {
    /// Its level.
    pub level: String,
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
}

/// What a search found: the best `limit` of `matched`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found {
    /// How many places matched.
    pub matched: usize,
    /// The best of them, best first.
    pub results: Vec<Hit>,
}

/// How well a name matches, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Match {
    /// The name, its code or one of its words starts with the query.
    Word,
    /// The query is inside the name.
    Inside,
    /// The name (or its start) is this many edits away.
    Near(usize),
}

/// Folds case and the accents a keyboard may not have (é → e), for matching.
#[must_use]
pub fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

/// Edits allowed for a query of `n` letters: none under four, one up to six, then two.
fn tolerance(n: usize) -> usize {
    match n {
        0..=3 => 0,
        4..=6 => 1,
        _ => 2,
    }
}

/// How `name` (folded) matches `query` (folded), if it does.
fn matches(name: &str, code: Option<&str>, query: &str, digits: bool) -> Option<(Match, bool)> {
    if digits {
        let c = code?;
        return c.starts_with(query).then_some((Match::Word, c == query));
    }
    if name == query {
        return Some((Match::Word, true));
    }
    if name
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.starts_with(query))
        || name.starts_with(query)
    {
        return Some((Match::Word, false));
    }
    if name.contains(query) {
        return Some((Match::Inside, false));
    }
    let n = query.chars().count();
    let allowed = tolerance(n);
    if allowed == 0 {
        return None;
    }
    // Against the whole name and against its start of about the query's length (a name
    // being typed), whichever is closer.
    let whole = strsim::osa_distance(name, query);
    let start: String = name.chars().take(n).collect();
    let longer: String = name.chars().take(n + 1).collect();
    let edits = whole
        .min(strsim::osa_distance(&start, query))
        .min(strsim::osa_distance(&longer, query));
    (edits <= allowed).then_some((Match::Near(edits), false))
}

/// The places matching `query`, best first, at most `limit`, among the layers `may_read`
/// lets the caller read.
#[must_use]
pub fn search(
    snaps: &Snapshots,
    may_read: impl Fn(&LayerMeta) -> bool,
    query: &str,
    limit: usize,
) -> Found {
    let query = fold(query.trim());
    let digits = !query.is_empty() && query.chars().all(|c| c.is_ascii_digit());
    let public = |m: &LayerMeta| m.sensitivity == Sensitivity::Public && may_read(m);
    // Units by code, for naming each hit's parents.
    let mut units: HashMap<&str, (&str, &str)> = HashMap::new();
    for s in snaps.values() {
        if s.meta.kind == LayerKind::Boundary && public(&s.meta) {
            for f in &s.features {
                if let (Some(code), Some(name)) = (f.code.as_deref(), s.name(f)) {
                    units.insert(code, (s.meta.theme.as_str(), name));
                }
            }
        }
    }
    // (how well, level rank, exact first, name) → hit
    let mut hits: Vec<((Match, usize, bool, String), Hit)> = Vec::new();
    for snap in snaps.values() {
        let searchable = match snap.meta.kind {
            LayerKind::Boundary => true,
            LayerKind::Exposure => !snap.has_polygons(),
            LayerKind::Hazard | LayerKind::Context => false,
        };
        if !searchable || !public(&snap.meta) {
            continue;
        }
        let level_rank = AdminLevel::of_theme(snap.meta.theme.as_str())
            .map_or(AdminLevel::ALL.len(), |l| l as usize);
        for f in &snap.features {
            let Some(name) = snap.name(f) else {
                continue;
            };
            let Some((how, exact)) = matches(&fold(name), f.code.as_deref(), &query, digits) else {
                continue;
            };
            let code = f.code.clone();
            let parents = code.as_deref().map_or_else(Vec::new, |c| {
                (1..c.len())
                    .rev()
                    .filter_map(|n| {
                        let prefix = c.get(..n)?;
                        let (level, name) = units.get(prefix)?;
                        Some(Parent {
                            level: (*level).to_owned(),
                            code: prefix.to_owned(),
                            name: (*name).to_owned(),
                        })
                    })
                    .collect()
            });
            hits.push((
                (how, level_rank, !exact, name.to_owned()),
                Hit {
                    name: name.to_owned(),
                    code,
                    layer: snap.meta.id.clone(),
                    kind: snap.meta.kind,
                    level: snap.meta.theme.to_string(),
                    bbox: f.lonlat_bbox(),
                    parents,
                },
            ));
        }
    }
    // Near spellings only when nothing is spelt as asked.
    if hits.iter().any(|(k, _)| !matches!(k.0, Match::Near(_))) {
        hits.retain(|(k, _)| !matches!(k.0, Match::Near(_)));
    }
    hits.sort_by(|a, b| a.0.cmp(&b.0));
    Found {
        matched: hits.len(),
        results: hits.into_iter().take(limit).map(|(_, h)| h).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn how(name: &str, query: &str) -> Option<Match> {
        matches(&fold(name), None, &fold(query), false).map(|(m, _)| m)
    }

    #[test]
    fn names_match_by_word_inside_or_near() {
        assert_eq!(how("Kigali City", "kigali"), Some(Match::Word));
        assert_eq!(how("Umujyi wa Kigali", "kigali"), Some(Match::Word));
        assert_eq!(how("Nyakigali", "kigali"), Some(Match::Inside));
        assert_eq!(how("Mahama", "Mahma"), Some(Match::Near(1)));
        assert_eq!(how("Nyarugenge", "Nyarugengge"), Some(Match::Near(1)));
        assert_eq!(how("Nyarugenge", "Nyrugen"), Some(Match::Near(1)));
        assert_eq!(how("Rubavu", "Rubvau"), Some(Match::Near(1)));
        // Short queries are not guessed at.
        assert_eq!(how("Huye", "Hye"), None);
        assert_eq!(how("Huye", "Hiye"), Some(Match::Near(1)));
        assert_eq!(how("Mahama", "Kigeme"), None);
        assert_eq!(how("Ngoma", "Ngomaa"), Some(Match::Near(1)));
        assert_eq!(how("Gisenyi", "Gîsenyi"), Some(Match::Word));
    }

    #[test]
    fn codes_match_by_their_start() {
        assert_eq!(
            matches("rubavu", Some("43"), "4", true),
            Some((Match::Word, false))
        );
        assert_eq!(
            matches("rubavu", Some("43"), "43", true),
            Some((Match::Word, true))
        );
        assert_eq!(matches("rubavu", Some("43"), "5", true), None);
        assert_eq!(matches("rubavu", None, "43", true), None);
    }
}

//! Who may read which layer, and in how much detail.
//!
//! A caller without a token reads the layers marked `anonymous` (a public map) and
//! nothing else; any valid token reads every layer. Restricted layers are shown in detail
//! to analysts and above, each such read recorded in the audit log; everyone else gets
//! them as aggregates per admin unit ([`crate::engine::disclosure::aggregate`]), in tiles, features
//! and exposure alike.

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode, header};

use super::{ApiError, blocking};
use crate::api::AppState;
use crate::auth::{self, AuthError};
use crate::engine::LayerSnapshot;
use crate::engine::disclosure::Clearance;
use crate::engine::finest_boundary;
use crate::model::ApiToken;
use crate::model::RecordKind;
use crate::model::Role;
use crate::model::{LayerId, LayerMeta, Sensitivity};

/// Who is asking.
#[derive(Debug, Clone)]
pub enum Reader {
    /// No `Authorization` header.
    Anonymous,
    /// A valid token.
    Token(ApiToken),
}

/// A layer as one reader may see it.
pub struct View {
    /// The layer itself, or its aggregates.
    pub layer: Arc<LayerSnapshot>,
    /// The boundary layer the aggregates are by (`None`: the layer itself).
    pub by: Option<Arc<LayerSnapshot>>,
}

impl View {
    /// The layers the view's content depends on (for ETags and cache purges).
    #[must_use]
    pub fn sources(&self) -> Vec<Arc<LayerSnapshot>> {
        std::iter::once(self.layer.clone())
            .chain(self.by.clone())
            .collect()
    }
}

impl Reader {
    /// The caller of a request: anonymous without an `Authorization` header, else its
    /// token, which must be valid.
    ///
    /// # Errors
    /// 401 for a malformed, unknown, revoked or expired token; 503 when the store is
    /// down and the token has not been seen lately.
    pub async fn of(state: &AppState, headers: &HeaderMap) -> Result<Self, ApiError> {
        let value = match headers.get(header::AUTHORIZATION) {
            None => return Ok(Self::Anonymous),
            Some(v) => v.to_str().map_err(|_| AuthError::Malformed)?.to_owned(),
        };
        let (store, cache) = (state.store.clone(), state.token_cache.clone());
        let token = blocking(move || Ok(cache.verify(store.as_ref(), Some(&value))?)).await?;
        Ok(Self::Token(token))
    }

    /// Who, for the audit log.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::Anonymous => "anonymous",
            Self::Token(t) => &t.name,
        }
    }

    /// The token, if its role is at least `need`.
    ///
    /// # Errors
    /// 401 without a token, 403 when its role is too low.
    pub fn require(self, need: Role) -> Result<ApiToken, ApiError> {
        match self {
            Self::Anonymous => Err(AuthError::Missing.into()),
            Self::Token(t) => Ok(auth::require(t, need)?),
        }
    }

    /// Whether the reader may read the layer at all.
    #[must_use]
    pub fn may_read(&self, meta: &LayerMeta) -> bool {
        matches!(self, Self::Token(_)) || meta.anonymous
    }

    /// Whether the reader sees the layer's features as they are.
    #[must_use]
    pub fn sees_detail(&self, meta: &LayerMeta) -> bool {
        meta.sensitivity == Sensitivity::Public || self.clearance() == Clearance::Detail
    }

    /// What the reader may see of restricted layers: detail from the analyst role up,
    /// published aggregates below it.
    #[must_use]
    pub fn clearance(&self) -> Clearance {
        if matches!(self, Self::Token(t) if t.role >= Role::Analyst) {
            Clearance::Detail
        } else {
            Clearance::Aggregates
        }
    }

    /// 401 unless the reader may read the layer.
    ///
    /// # Errors
    /// 401 naming the layer.
    pub fn check(&self, meta: &LayerMeta) -> Result<(), ApiError> {
        if self.may_read(meta) {
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "Unauthorized",
                format!(
                    "layer '{}' is not open without a token: send 'Authorization: Bearer <token>' (an administrator creates tokens with `sitroom token create NAME`)",
                    meta.id
                ),
            ))
        }
    }

    /// `layer` as this reader may see it: itself, or its aggregates when it is restricted
    /// and the reader has no clearance. Reads of restricted detail are audited (as read
    /// `through` tiles, features, ...).
    ///
    /// # Errors
    /// 401 when the reader may not read it; 403 when it can only be shown as aggregates
    /// and there is no boundary layer to aggregate by.
    pub async fn view(
        &self,
        state: &AppState,
        layer: Arc<LayerSnapshot>,
        through: &str,
    ) -> Result<View, ApiError> {
        self.check(&layer.meta)?;
        if layer.meta.sensitivity == Sensitivity::Public {
            return Ok(View { layer, by: None });
        }
        if self.sees_detail(&layer.meta) {
            audit_restricted_read(state, self.name(), layer.meta.id.as_str(), through).await;
            return Ok(View { layer, by: None });
        }
        let engine = state.engine.clone();
        let (agg, by) = blocking(move || {
            engine
                .aggregated(&layer)
                .map_err(|e| ApiError::new(StatusCode::FORBIDDEN, "Forbidden", e.to_string()))
        })
        .await?;
        Ok(View {
            layer: agg,
            by: Some(by),
        })
    }
}

/// The caller of a read of `kind`'s records (one by one, in any form: items, CSV,
/// versions and their reports, roll-ups, tiles, features), if its role is at least the
/// kind's reader; reads of a restricted register are audited like restricted layers'.
///
/// # Errors
/// 401 without a token; 403 naming the role a restricted register needs.
pub async fn register_reader(
    state: &AppState,
    headers: &HeaderMap,
    kind: RecordKind,
    through: &str,
) -> Result<ApiToken, ApiError> {
    let need = kind.reader();
    let token = Reader::of(state, headers).await?.require(Role::Viewer)?;
    if token.role < need {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            format!(
                "the {kind} register holds personal data and is read record by record from the {need} role up (token '{}' is a {}): ask an administrator for an {need} token",
                token.name, token.role
            ),
        ));
    }
    if need > Role::Viewer {
        audit_restricted_read(state, &token.name, kind.collection_id(), through).await;
    }
    Ok(token)
}

/// How often the same actor's reads of the same restricted layer are recorded: a map
/// fetches dozens of tiles a second, one entry a minute says the same.
const RESTRICTED_READ_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Records that `actor` read restricted detail of `layer` (through `what`: tiles,
/// features, exposure).
pub async fn audit_restricted_read(state: &AppState, actor: &str, layer: &str, what: &str) {
    let now = std::time::Instant::now();
    {
        let mut recent = state
            .recent_reads
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = (actor.to_owned(), layer.to_owned());
        if recent
            .get(&key)
            .is_some_and(|t| now.duration_since(*t) < RESTRICTED_READ_EVERY)
        {
            return;
        }
        recent.retain(|_, t| now.duration_since(*t) < RESTRICTED_READ_EVERY);
        recent.insert(key, now);
    }
    let store = state.store.clone();
    let entry = crate::model::AuditEntry::now(
        actor,
        "restricted.read",
        layer,
        serde_json::json!({ "through": what }),
    );
    // The read has happened: failing to record it is logged, not turned into an error.
    match tokio::task::spawn_blocking(move || store.record(&entry)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!(error = %e, layer, "could not write the audit log"),
        Err(e) => tracing::error!(error = %e, layer, "could not write the audit log"),
    }
}

/// Checks the request's bearer token and that its role is at least `need`.
///
/// # Errors
/// 401 without a valid token, 403 when its role is too low.
pub async fn authorise(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    need: crate::model::Role,
) -> Result<ApiToken, ApiError> {
    Reader::of(state, headers).await?.require(need)
}

/// What the caller may see of `hazard` × `exposure` (see [`Reader::clearance`]), after
/// checking that it may read the hazard, exposure and finest boundary layers at all.
/// Reads of restricted detail are audited.
///
/// # Errors
/// 401 for a bad token, or a layer not open to callers without one.
pub async fn clearance(
    state: &AppState,
    headers: &HeaderMap,
    hazard: &str,
    exposure: &str,
) -> Result<Clearance, ApiError> {
    let reader = Reader::of(state, headers).await?;
    let all = state.engine.snapshots();
    let find = |name: &str| {
        name.parse::<LayerId>()
            .ok()
            .and_then(|id| all.get(&id).cloned())
    };
    let named: Vec<_> = [find(hazard), find(exposure)]
        .into_iter()
        .flatten()
        .collect();
    for s in named
        .iter()
        .chain(finest_boundary(&all).as_ref().map(|(s, _)| s))
    {
        reader.check(&s.meta)?;
    }
    let clearance = reader.clearance();
    if clearance == Clearance::Detail {
        for s in named
            .iter()
            .filter(|s| s.meta.sensitivity == Sensitivity::Restricted)
        {
            audit_restricted_read(state, reader.name(), s.meta.id.as_str(), "exposure").await;
        }
    }
    Ok(clearance)
}

//! Subscribers as admins manage them: written after checking what they say, that the
//! units they name exist and that their webhook is one alerts may be posted to; given
//! a new signing secret on creation and on rotation (shown once); their deliveries
//! retried when parked.

use std::net::ToSocketAddrs;

use chrono::{Duration, Utc};

use crate::engine::{Engine, boundary_of};
use crate::model::AdminLevel;
use crate::model::subscriber::{
    Delivery, DeliveryState, Secret, Subscriber, SubscriberError, SubscriberId, SubscriberSpec,
    is_local_name, is_public, literal_address, webhook_host,
};
use crate::store::{Store, StoreError};

/// How long a rotated secret goes on signing by default, so a receiver can change over.
pub const DEFAULT_GRACE_HOURS: u32 = 24;

/// Why a subscriber could not be written or a delivery retried.
#[derive(Debug, thiserror::Error)]
pub enum SubscriberOpError {
    /// What it says does not hold.
    #[error(transparent)]
    Spec(#[from] SubscriberError),
    /// A unit code no boundary layer has.
    #[error(
        "area '{code}' is not a {level} of the loaded boundaries: search for the unit (GET /api/search?q=…) and give its code"
    )]
    UnknownArea {
        /// The code.
        code: String,
        /// Its level by length.
        level: AdminLevel,
    },
    /// No boundary layer to check a code against.
    #[error(
        "no boundary layer of level '{0}' is loaded to check area codes against: load one with theme {0}"
    )]
    NoBoundary(AdminLevel),
    /// A webhook whose host does not resolve, or resolves only inside.
    #[error("webhook host '{host}' {why}")]
    Host {
        /// The host.
        host: String,
        /// What is wrong.
        why: String,
    },
    /// No such subscriber.
    #[error("there is no subscriber '{0}': GET /api/subscribers lists them")]
    UnknownSubscriber(SubscriberId),
    /// No such delivery.
    #[error("there is no delivery {0}: GET /api/deliveries lists them")]
    UnknownDelivery(i64),
    /// A delivery that is not parked.
    #[error(
        "delivery {id} is {state}: only a parked delivery is retried (a pending one is tried by itself)"
    )]
    NotParked {
        /// The delivery.
        id: i64,
        /// Its state.
        state: DeliveryState,
    },
    /// A grace period out of range.
    #[error("the old secret's grace must be 0 to 720 hours; got {0}")]
    Grace(u32),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A new secret made now.
fn fresh_secret() -> Secret {
    Secret {
        key: crate::formats::webhook::new_secret(&rand::random::<[u8; 32]>()),
        created_at: Utc::now(),
        expires_at: None,
    }
}

/// Checks `spec` as [`SubscriberSpec::check`] does, then that its units are units of the
/// loaded boundaries and that its webhook's host resolves to public addresses (unless
/// `allow_private`).
///
/// # Errors
/// A [`SubscriberOpError`] saying what to fix.
pub fn check(
    engine: &Engine,
    spec: &SubscriberSpec,
    allow_private: bool,
) -> Result<(), SubscriberOpError> {
    spec.check(allow_private)?;
    let all = engine.snapshots();
    for code in &spec.areas {
        let level = AdminLevel::of_code(code).ok_or_else(|| SubscriberError::Area(code.clone()))?;
        let layer = boundary_of(&all, level).ok_or(SubscriberOpError::NoBoundary(level))?;
        if !layer
            .features
            .iter()
            .any(|f| f.code.as_deref() == Some(code.as_str()))
        {
            return Err(SubscriberOpError::UnknownArea {
                code: code.clone(),
                level,
            });
        }
    }
    if let Some(url) = &spec.webhook
        && !allow_private
    {
        let host = webhook_host(url)?;
        if literal_address(&host).is_none() && !is_local_name(&host) {
            let found: Vec<_> = (host.as_str(), 443)
                .to_socket_addrs()
                .map_err(|e| SubscriberOpError::Host {
                    host: host.clone(),
                    why: format!("does not resolve ({e}): check the URL"),
                })?
                .collect();
            if !found.iter().any(|a| is_public(a.ip())) {
                return Err(SubscriberOpError::Host {
                    host,
                    why: "resolves only to private, loopback or link-local addresses: alerts are posted to public addresses unless the server runs with --allow-private-webhooks".into(),
                });
            }
        }
    }
    Ok(())
}

/// Writes subscriber `id` after [`check`]; a new one gets its first secret, returned
/// (with its key, shown this once) beside it.
///
/// # Errors
/// A [`SubscriberOpError`] saying what to fix, or the store's.
pub fn write(
    engine: &Engine,
    store: &Store,
    id: &SubscriberId,
    spec: &SubscriberSpec,
    allow_private: bool,
    by: &str,
) -> Result<(Subscriber, Option<Secret>), SubscriberOpError> {
    check(engine, spec, allow_private)?;
    let secret = fresh_secret();
    let s = store.write_subscriber(id, spec, by, secret.clone())?;
    let new = (s.version == 1).then_some(secret);
    Ok((s.hidden(), new))
}

/// Gives subscriber `id` a new secret (returned with its key, shown this once); the old
/// ones sign too for `grace_hours`.
///
/// # Errors
/// When there is no such subscriber, the grace is out of range or the store fails.
pub fn rotate(
    store: &Store,
    id: &SubscriberId,
    grace_hours: u32,
    by: &str,
) -> Result<(Subscriber, Secret), SubscriberOpError> {
    if grace_hours > 720 {
        return Err(SubscriberOpError::Grace(grace_hours));
    }
    let secret = fresh_secret();
    let until = secret.created_at + Duration::hours(i64::from(grace_hours));
    let s = store
        .rotate_secret(id, secret.clone(), until, by)?
        .ok_or_else(|| SubscriberOpError::UnknownSubscriber(id.clone()))?;
    Ok((s.hidden(), secret))
}

/// Makes parked delivery `id` due again, as admin `by`.
///
/// # Errors
/// When there is no such delivery, it is not parked, or the store fails.
pub fn retry(store: &Store, id: i64, by: &str) -> Result<Delivery, SubscriberOpError> {
    match store.retry_delivery(id, by)? {
        None => Err(SubscriberOpError::UnknownDelivery(id)),
        Some(Err(state)) => Err(SubscriberOpError::NotParked { id, state }),
        Some(Ok(d)) => Ok(d),
    }
}

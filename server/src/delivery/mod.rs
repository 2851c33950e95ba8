//! The delivery worker: in every server, it claims the outbox's due deliveries for a
//! lease, posts each (signed webhooks) as many at a time as it is allowed, records every
//! try with its time, answer and latency, and schedules the next try with backoff and
//! jitter or parks the delivery after its last. Woken when an alert is issued here and
//! every poll interval otherwise (an alert issued from the CLI or another server).

mod email;
mod webhook;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::{Notify, Semaphore, mpsc};

use crate::engine::rules::Sender;
use crate::model::alert::Alert;
use crate::model::subscriber::{Attempt, Backoff, Channel, Delivery, Subscriber};
use crate::store::{Outcome, Store};

/// How a server delivers.
#[derive(Debug, Clone)]
pub struct DeliverySettings {
    /// Whether webhooks on private, loopback and link-local addresses may be called.
    pub allow_private: bool,
    /// When failed tries are made again, and when a delivery is parked.
    pub backoff: Backoff,
    /// Longest a try may take.
    pub timeout: Duration,
    /// Tries in flight at once.
    pub concurrency: usize,
    /// How often the outbox is looked at when nothing woke the worker.
    pub poll: Duration,
    /// Whether this server runs a worker.
    pub enabled: bool,
    /// The SMTP relay e-mails go through, if any.
    pub smtp: Option<SmtpSettings>,
}

/// An SMTP relay.
#[derive(Clone)]
pub struct SmtpSettings {
    /// `smtp://host:port` (`?tls=required` for STARTTLS), `smtps://user:password@host`.
    pub url: String,
    /// Who e-mails are from (`Ministry alerts <alerts@example.org>`).
    pub from: String,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password.
        f.debug_struct("SmtpSettings")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            allow_private: false,
            backoff: Backoff::default(),
            timeout: Duration::from_secs(10),
            concurrency: 64,
            poll: Duration::from_secs(1),
            enabled: true,
            smtp: None,
        }
    }
}

impl DeliverySettings {
    /// How long a claimed delivery is left to its try before it is due again: a try
    /// that outlasts its timeout twice over belonged to a server that died.
    #[must_use]
    pub fn lease(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.timeout * 2 + Duration::from_secs(5))
            .unwrap_or_else(|_| chrono::Duration::minutes(1))
    }
}

/// Most outcomes recorded in one transaction.
const RECORD_BATCH: usize = 500;

/// What every try needs, shared by the tasks of one worker.
struct Shared {
    store: Arc<Store>,
    settings: DeliverySettings,
    sender: Sender,
    public_url: Option<String>,
    client: webhook::Client,
    mailer: Option<email::Mailer>,
    /// Issued alerts read, by number (what an issued alert says never changes).
    alerts: std::sync::Mutex<HashMap<i64, Arc<Alert>>>,
    /// Webhook bodies by alert and languages, each built once.
    bodies: std::sync::Mutex<HashMap<(i64, Vec<String>), bytes::Bytes>>,
}

/// Starts the worker of this server; `wake` is notified when an alert is issued here.
///
/// # Errors
/// When the HTTP client or the mailer cannot be built.
pub fn spawn(
    store: Arc<Store>,
    settings: DeliverySettings,
    sender: Sender,
    public_url: Option<String>,
    wake: Arc<Notify>,
) -> anyhow::Result<()> {
    let client = webhook::Client::new(&settings)?;
    let mailer = settings
        .smtp
        .as_ref()
        .map(|m| email::Mailer::new(&m.url, &m.from, settings.timeout))
        .transpose()?;
    let shared = Arc::new(Shared {
        store,
        settings,
        sender,
        public_url,
        client,
        mailer,
        alerts: std::sync::Mutex::default(),
        bodies: std::sync::Mutex::default(),
    });
    let (done, outcomes) = mpsc::channel::<Outcome>(RECORD_BATCH * 4);
    tokio::spawn(record(shared.clone(), outcomes));
    tokio::spawn(claim(shared, done, wake));
    Ok(())
}

/// Claims due deliveries as tries in flight finish, and starts a try of each.
async fn claim(shared: Arc<Shared>, done: mpsc::Sender<Outcome>, wake: Arc<Notify>) {
    let slots = Arc::new(Semaphore::new(shared.settings.concurrency));
    loop {
        let Ok(first) = slots.clone().acquire_owned().await else {
            return;
        };
        let free = slots.available_permits() + 1;
        let store = shared.store.clone();
        let lease = shared.settings.lease();
        let limit = i64::try_from(free).unwrap_or(i64::MAX);
        let claimed =
            tokio::task::spawn_blocking(move || store.claim_deliveries(Utc::now(), lease, limit))
                .await;
        let claimed = match claimed {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "the outbox could not be read; trying again");
                drop(first);
                tokio::time::sleep(shared.settings.poll).await;
                continue;
            }
            Err(e) => {
                tracing::error!(error = %e, "claiming deliveries panicked");
                return;
            }
        };
        if claimed.is_empty() {
            drop(first);
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(shared.settings.poll) => {}
            }
            continue;
        }
        let mut permits = vec![first];
        for _ in 1..claimed.len() {
            match slots.clone().try_acquire_owned() {
                Ok(p) => permits.push(p),
                Err(_) => break,
            }
        }
        for ((d, to), permit) in claimed.into_iter().zip(permits) {
            let (shared, done) = (shared.clone(), done.clone());
            tokio::spawn(async move {
                let outcome = try_one(&shared, &d, to.as_ref()).await;
                drop(permit);
                // The recorder is gone only when the server stops: the lease makes the
                // delivery due again.
                let _ = done.send(outcome).await;
            });
        }
    }
}

/// Records outcomes as they come, many to a transaction.
async fn record(shared: Arc<Shared>, mut outcomes: mpsc::Receiver<Outcome>) {
    let mut batch = Vec::with_capacity(RECORD_BATCH);
    while outcomes.recv_many(&mut batch, RECORD_BATCH).await > 0 {
        let store = shared.store.clone();
        let taken = std::mem::take(&mut batch);
        let n = taken.len();
        match tokio::task::spawn_blocking(move || store.record_attempts(&taken)).await {
            Ok(Ok(())) => tracing::debug!(n, "delivery attempts recorded"),
            // Not recorded: each is due again when its lease ends and tried again, with
            // the same message id.
            Ok(Err(e)) => tracing::warn!(error = %e, n, "delivery attempts not recorded"),
            Err(e) => tracing::error!(error = %e, "recording deliveries panicked"),
        }
    }
}

/// One try of `d` to subscriber `to` (gone: `None`), and what comes of it.
async fn try_one(shared: &Shared, d: &Delivery, to: Option<&Subscriber>) -> Outcome {
    let at = Utc::now();
    let started = Instant::now();
    let (status, error) = match to {
        None => (
            None,
            Some(format!("subscriber {} no longer exists", d.subscriber)),
        ),
        Some(s) => match (d.channel, alert_for(shared, d.alert).await) {
            (_, Err(e)) => (None, Some(e)),
            (Channel::Webhook, Ok(alert)) => {
                let body = body_for(shared, &alert, s);
                shared.client.post(d, s, &body, at).await
            }
            (Channel::Email, Ok(alert)) => match &shared.mailer {
                Some(m) => {
                    m.send(
                        d,
                        s,
                        &alert,
                        &shared.sender.name,
                        cap_url(shared, alert.id).as_deref(),
                    )
                    .await
                }
                None => (
                    None,
                    Some(
                        "this server sends no e-mail: start it with --smtp-url and --smtp-from"
                            .to_owned(),
                    ),
                ),
            },
        },
    };
    let attempt = Attempt {
        delivery: d.id,
        number: d.tries + 1,
        at,
        status,
        latency_ms: started.elapsed().as_secs_f64() * 1000.0,
        error,
    };
    let retry_at = if attempt.delivered() {
        None
    } else {
        shared
            .settings
            .backoff
            .wait_after(d.attempts + 1, rand::random::<f64>())
            .and_then(|w| chrono::Duration::from_std(w).ok())
            .map(|w| Utc::now() + w)
    };
    if let Some(e) = &attempt.error {
        if retry_at.is_none() {
            tracing::warn!(delivery = d.id, subscriber = %d.subscriber, error = %e, "delivery parked after its last try");
        } else {
            tracing::info!(delivery = d.id, subscriber = %d.subscriber, error = %e, "delivery failed; it will be tried again");
        }
    }
    Outcome { attempt, retry_at }
}

/// Where the CAP document of alert `id` can be fetched, when the server knows its
/// public address.
fn cap_url(shared: &Shared, id: i64) -> Option<String> {
    shared
        .public_url
        .as_deref()
        .map(|base| format!("{}/cap/alerts/{id}.xml", base.trim_end_matches('/')))
}

/// Issued alert `id`, read once.
async fn alert_for(shared: &Shared, id: i64) -> Result<Arc<Alert>, String> {
    if let Some(a) = shared.alerts.lock().ok().and_then(|m| m.get(&id).cloned()) {
        return Ok(a);
    }
    let store = shared.store.clone();
    let alert = match tokio::task::spawn_blocking(move || store.alert(id)).await {
        Ok(Ok(Some(a))) => Arc::new(a),
        Ok(Ok(None)) => return Err(format!("alert {id} is not stored")),
        Ok(Err(e)) => return Err(format!("alert {id} could not be read: {e}")),
        Err(e) => return Err(format!("reading alert {id} panicked: {e}")),
    };
    if let Ok(mut m) = shared.alerts.lock() {
        if m.len() > 256 {
            m.clear();
        }
        m.insert(id, alert.clone());
    }
    Ok(alert)
}

/// The webhook body of `alert` for subscriber `s`, built once per alert and languages.
fn body_for(shared: &Shared, alert: &Alert, s: &Subscriber) -> bytes::Bytes {
    let key = (alert.id, s.spec.languages.clone());
    if let Some(b) = shared.bodies.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return b;
    }
    let body = bytes::Bytes::from(crate::formats::webhook::message(
        alert,
        &s.spec.languages,
        &shared.sender.name,
        cap_url(shared, alert.id).as_deref(),
    ));
    if let Ok(mut m) = shared.bodies.lock() {
        if m.len() > 256 {
            m.clear();
        }
        m.insert(key, body.clone());
    }
    body
}

//! `sitroom subscribers` and `sitroom deliveries`: the institutions alerts are delivered
//! to and what became of each delivery (as `/api/subscribers` and `/api/deliveries`),
//! for whoever can open the store.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;

use super::{open_store, print_json};
use crate::engine::Engine;
use crate::model::subscriber::{DeliveryState, Subscriber, SubscriberId, SubscriberSpec};
use crate::ops::subscribers::{self, DEFAULT_GRACE_HOURS};
use crate::store::DeliveryQuery;

/// Subscribers.
#[derive(Debug, Subcommand)]
pub enum SubscribersCommand {
    /// Write a subscriber from a JSON file (a new one, printed with its signing secret
    /// this once, or its next version).
    Put {
        /// The subscriber's id.
        id: SubscriberId,
        /// The subscriber as JSON (see docs/early-warning.md).
        #[arg(long)]
        file: std::path::PathBuf,
        /// Allow a webhook on a private, loopback or link-local address.
        #[arg(long)]
        allow_private_webhooks: bool,
        /// Who writes it (recorded in the audit log as cli:NAME).
        #[arg(long, default_value = "admin")]
        by: String,
    },
    /// List the subscribers (without their secrets).
    List,
    /// Give a subscriber a new signing secret, printed this once; the old one goes on
    /// signing for the grace period.
    RotateSecret {
        /// The subscriber's id.
        id: SubscriberId,
        /// Hours the old secret goes on signing (0 to 720).
        #[arg(long, default_value_t = DEFAULT_GRACE_HOURS)]
        grace_hours: u32,
        /// Who asks (recorded in the audit log as cli:NAME).
        #[arg(long, default_value = "admin")]
        by: String,
    },
}

impl SubscribersCommand {
    /// Runs the command.
    ///
    /// # Errors
    /// For a subscriber that does not hold, an unknown one, or a store failure.
    pub fn run(self, db: &str) -> anyhow::Result<ExitCode> {
        let store = open_store(db)?;
        match self {
            Self::Put {
                id,
                file,
                allow_private_webhooks,
                by,
            } => {
                let text = std::fs::read(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let spec: SubscriberSpec = serde_json::from_slice(&text)
                    .with_context(|| format!("{} is not a subscriber", file.display()))?;
                let engine = Engine::load(store.as_ref())?;
                let (s, secret) = subscribers::write(
                    &engine,
                    &store,
                    &id,
                    &spec,
                    allow_private_webhooks,
                    &format!("cli:{by}"),
                )?;
                println!("{} v{} written", s.id, s.version);
                if let Some(secret) = secret {
                    println!("signing secret (shown this once): {}", secret.key);
                }
            }
            Self::List => {
                let all: Vec<Subscriber> = store
                    .subscribers()?
                    .iter()
                    .map(Subscriber::hidden)
                    .collect();
                print_json(&serde_json::to_value(all)?);
            }
            Self::RotateSecret {
                id,
                grace_hours,
                by,
            } => {
                let (s, secret) =
                    subscribers::rotate(&store, &id, grace_hours, &format!("cli:{by}"))?;
                println!(
                    "{} has a new signing secret (shown this once): {}",
                    s.id, secret.key
                );
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Deliveries of issued alerts.
#[derive(Debug, Subcommand)]
pub enum DeliveriesCommand {
    /// List deliveries, newest first.
    List {
        /// Only those of alert N.
        #[arg(long)]
        alert: Option<i64>,
        /// Only those to this subscriber.
        #[arg(long)]
        subscriber: Option<SubscriberId>,
        /// Only those in this state (pending, delivered, parked).
        #[arg(long)]
        state: Option<DeliveryState>,
        /// At most this many.
        #[arg(long, default_value_t = 1000)]
        limit: i64,
    },
    /// Print delivery N with every attempt.
    Show {
        /// The delivery's number.
        id: i64,
    },
    /// Make parked delivery N due again (a running server tries it).
    Retry {
        /// The delivery's number.
        id: i64,
        /// Who asks (recorded in the audit log as cli:NAME).
        #[arg(long, default_value = "admin")]
        by: String,
    },
}

impl DeliveriesCommand {
    /// Runs the command.
    ///
    /// # Errors
    /// For an unknown delivery, one not parked, or a store failure.
    pub fn run(self, db: &str) -> anyhow::Result<ExitCode> {
        let store = open_store(db)?;
        match self {
            Self::List {
                alert,
                subscriber,
                state,
                limit,
            } => {
                let q = DeliveryQuery {
                    alert,
                    subscriber,
                    state,
                    limit: limit.clamp(1, 100_000),
                };
                print_json(&serde_json::to_value(store.deliveries(&q)?)?);
            }
            Self::Show { id } => {
                let (d, attempts) = store.delivery(id)?.with_context(|| {
                    format!("there is no delivery {id}: `sitroom deliveries list` lists them")
                })?;
                print_json(&serde_json::json!({"delivery": d, "attempts": attempts}));
            }
            Self::Retry { id, by } => {
                let d = subscribers::retry(&store, id, &format!("cli:{by}"))?;
                println!("delivery {} is {} again", d.id, d.state);
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

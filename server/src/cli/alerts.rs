//! `sitroom alerts`: alert rules and the alerts they draft (as `/api/alert-rules` and
//! `/api/alerts`), for whoever can open the store.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand};

use super::{open_store, print_json};
use crate::engine::Engine;
use crate::engine::rules::Sender;
use crate::model::alert::{AlertState, RuleId, RuleSpec, Status};
use crate::ops::alerts;

/// Who sends the alerts and how they are numbered (`serve` and `alerts evaluate`).
#[derive(Debug, Clone, Args)]
pub struct SenderArgs {
    /// CAP sender of the alerts drafted (e-mail-like).
    #[arg(long, default_value = "sitroom@localhost")]
    alert_sender: String,
    /// CAP senderName: the ministry's name as the public reads it.
    #[arg(long, default_value = "sitroom")]
    alert_sender_name: String,
    /// The OID registered for the ministry's alerts: identifiers are urn:oid:OID.N.
    #[arg(long, default_value = "2.49.0.0.646.0")]
    alert_oid: String,
    /// CAP status of the alerts issued: Actual in service, Exercise in drills, Test.
    #[arg(long, default_value = "Actual")]
    alert_status: Status,
}

impl SenderArgs {
    /// The sender these arguments describe.
    ///
    /// # Errors
    /// When the OID is not dotted numbers.
    pub fn sender(self) -> anyhow::Result<Sender> {
        anyhow::ensure!(
            !self.alert_oid.is_empty()
                && self
                    .alert_oid
                    .split('.')
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())),
            "--alert-oid '{}' is not an OID: give dotted numbers, e.g. 2.49.0.0.646.0",
            self.alert_oid
        );
        anyhow::ensure!(
            !self.alert_sender.is_empty() && !self.alert_sender.contains([' ', ',', '<', '&']),
            "--alert-sender '{}' may not hold spaces, commas, '<' or '&' (CAP): give e.g. alerts@ministry.example",
            self.alert_sender
        );
        Ok(Sender {
            sender: self.alert_sender,
            name: self.alert_sender_name,
            oid: self.alert_oid,
            status: self.alert_status,
        })
    }
}

/// Alert rules and alerts.
#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// Write an alert rule from a JSON file (a new rule, or its next version).
    Rule {
        /// The rule's id.
        id: RuleId,
        /// The rule as JSON (see docs/early-warning.md).
        #[arg(long)]
        file: std::path::PathBuf,
        /// Who writes it (recorded in the audit log).
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// List the rules (their current versions).
    Rules,
    /// Evaluate a rule now on the current layer versions; print the draft it makes.
    Evaluate {
        /// The rule's id.
        id: RuleId,
        #[command(flatten)]
        sender: SenderArgs,
    },
    /// List alerts, newest first.
    List {
        /// Only alerts in this state (draft, approved, issued, superseded, rejected).
        #[arg(long)]
        state: Option<String>,
    },
    /// Approve draft N (an editor other than its author).
    Approve(StepArgs),
    /// Issue approved alert N.
    Issue(StepArgs),
    /// Set draft N aside.
    Reject(StepArgs),
    /// Draft the cancellation of issued alert N.
    Cancel(StepArgs),
    /// Print alert N as CAP 1.2 XML.
    Cap {
        /// The alert's number.
        id: i64,
        /// CAP senderName written in it.
        #[arg(long, default_value = "sitroom")]
        sender_name: String,
    },
}

/// An alert and who takes the step.
#[derive(Debug, Args)]
pub struct StepArgs {
    /// The alert's number.
    id: i64,
    /// Who takes the step (recorded in the audit log as cli:NAME).
    #[arg(long)]
    by: String,
    #[command(flatten)]
    sender: SenderArgs,
}

impl StepArgs {
    fn run(self, store: &crate::store::Store, step: Option<alerts::Step>) -> anyhow::Result<()> {
        let by = format!("cli:{}", self.by);
        let sender = self.sender.sender()?;
        let alert = match step {
            Some(step) => alerts::step(store, self.id, step, &by, &sender)?,
            None => alerts::cancel(store, self.id, &by, &sender)?,
        };
        println!(
            "alert {} ({}) is {:?}",
            alert.id, alert.identifier, alert.state
        );
        Ok(())
    }
}

impl AlertsCommand {
    /// Runs the command.
    ///
    /// # Errors
    /// For a rule that does not hold, an unknown rule or alert, or a store failure.
    pub fn run(self, db: &str) -> anyhow::Result<ExitCode> {
        let store = open_store(db)?;
        match self {
            Self::Rule { id, file, by } => {
                let text = std::fs::read(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let spec: RuleSpec = serde_json::from_slice(&text)
                    .with_context(|| format!("{} is not an alert rule", file.display()))?;
                let engine = Engine::load(store.as_ref())?;
                let rule = alerts::write_rule(&engine, store.as_ref(), &id, &spec, &by)?;
                println!("{} v{} written", rule.id, rule.version);
            }
            Self::Rules => print_json(&serde_json::to_value(store.rules()?)?),
            Self::Evaluate { id, sender } => {
                let engine = Engine::load(store.as_ref())?;
                let done = alerts::evaluate_by_id(&engine, store.as_ref(), &id, &sender.sender()?)?;
                print_json(&serde_json::to_value(done)?);
            }
            Self::List { state } => {
                let states: Vec<AlertState> = state
                    .map(|s| {
                        serde_json::from_value(serde_json::Value::String(s.clone())).with_context(
                            || format!("state '{s}' is not one of draft, approved, issued, superseded, rejected"),
                        )
                    })
                    .transpose()?
                    .into_iter()
                    .collect();
                print_json(&serde_json::to_value(store.alerts(&states, 1000)?)?);
            }
            Self::Approve(a) => a.run(&store, Some(alerts::Step::Approve))?,
            Self::Issue(a) => a.run(&store, Some(alerts::Step::Issue))?,
            Self::Reject(a) => a.run(&store, Some(alerts::Step::Reject))?,
            Self::Cancel(a) => a.run(&store, None)?,
            Self::Cap { id, sender_name } => {
                let alert = store.alert(id)?.with_context(|| {
                    format!("there is no alert {id}: `sitroom alerts list` lists them")
                })?;
                print!("{}", crate::formats::cap::to_xml(&alert, &sender_name));
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

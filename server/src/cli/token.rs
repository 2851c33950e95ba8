//! `sitroom token create | list | revoke`: API tokens, for whoever can open the store.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;

use super::{open_store, print_json};
use crate::config;

/// Manage API tokens (needed for writes over HTTP).
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; its secret is printed once and stored only as a hash.
    Create {
        /// Unique name (who or what uses it).
        name: String,
        /// What it may do: viewer (read), analyst (also restricted detail), editor (also
        /// load layers) or admin (also tokens and the audit log).
        #[arg(long, default_value = "viewer")]
        role: crate::model::Role,
        /// Days until it expires (default: never).
        #[arg(long)]
        expires_days: Option<u32>,
    },
    /// List tokens (names and dates; never secrets).
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token by name.
    Revoke {
        /// Token name.
        name: String,
    },
}

impl TokenCommand {
    /// Runs the command.
    ///
    /// # Errors
    /// When the name is refused or taken, or the store fails.
    pub fn run(self, db: &str) -> anyhow::Result<ExitCode> {
        let cmd = self;
        let store = open_store(db)?;
        match cmd {
            TokenCommand::Create {
                name,
                role,
                expires_days,
            } => {
                crate::auth::check_token_name(&name)?;
                let expires = expires_days.map(crate::auth::expiry_in).transpose()?;
                let (secret, _) = crate::auth::create_token(
                    store.as_ref(),
                    &name,
                    role,
                    expires,
                    &config::cli_user(),
                )
                .with_context(|| {
                    format!(
                        "creating token '{name}' (is the name already taken? `sitroom token list`)"
                    )
                })?;
                println!("{secret}");
                eprintln!(
                    "token '{name}' ({role}) created: keep the line above secret; it is not shown again"
                );
            }
            TokenCommand::List { json } => {
                let tokens = store.tokens()?;
                if json {
                    print_json(&serde_json::to_value(&tokens)?);
                } else {
                    for t in tokens {
                        let state = if t.is_usable(chrono::Utc::now()) {
                            "active"
                        } else {
                            "revoked/expired"
                        };
                        println!(
                            "{:<24} {:<8} {:<16} created {}{}",
                            t.name,
                            t.role,
                            state,
                            t.created_at.format("%Y-%m-%d"),
                            t.expires_at
                                .map(|e| format!(", expires {}", e.format("%Y-%m-%d")))
                                .unwrap_or_default()
                        );
                    }
                }
            }
            TokenCommand::Revoke { name } => {
                if !store.revoke_token(&name, &config::cli_user())? {
                    anyhow::bail!("no active token named '{name}'");
                }
                println!("token '{name}' revoked");
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

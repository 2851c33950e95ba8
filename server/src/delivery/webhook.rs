//! Posting a delivery to a subscriber's webhook: signed, within the timeout, without
//! following redirects or any proxy, and — unless private addresses are allowed — only
//! to public addresses, checked on every try after the name is resolved (so a name that
//! later resolves to an inside address is refused then too).

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::DeliverySettings;
use crate::formats::webhook::signature;
use crate::model::subscriber::{Delivery, Subscriber, is_public, literal_address, webhook_host};

/// An HTTP client for webhooks.
pub struct Client {
    http: reqwest::Client,
    allow_private: bool,
}

/// Resolves names to their public addresses only.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| is_public(a.ip()))
                .collect();
            if public.is_empty() {
                return Err(format!(
                    "{host} resolves only to private, loopback or link-local addresses ({}): alerts are posted to public addresses unless the server runs with --allow-private-webhooks",
                    found.iter().map(|a| a.ip().to_string()).collect::<Vec<_>>().join(", ")
                )
                .into());
            }
            let addrs: Addrs = Box::new(public.into_iter());
            Ok(addrs)
        })
    }
}

impl Client {
    /// A client as `settings` say.
    ///
    /// # Errors
    /// When it cannot be built.
    pub fn new(settings: &DeliverySettings) -> anyhow::Result<Self> {
        let mut b = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!(
                "sitroom/",
                env!("CARGO_PKG_VERSION"),
                " (CAP alerts)"
            ))
            .pool_max_idle_per_host(4);
        if !settings.allow_private {
            b = b.dns_resolver(Arc::new(PublicOnly));
        }
        Ok(Self {
            http: b.build()?,
            allow_private: settings.allow_private,
        })
    }

    /// Posts `body` as delivery `d` to subscriber `s`, signed at `at`: the answer's HTTP
    /// status, and what went wrong unless it was 2xx.
    pub async fn post(
        &self,
        d: &Delivery,
        s: &Subscriber,
        body: &bytes::Bytes,
        at: DateTime<Utc>,
    ) -> (Option<i32>, Option<String>) {
        let Some(url) = s.spec.webhook.as_deref() else {
            return (None, Some("the subscriber has no webhook any more".into()));
        };
        match webhook_host(url) {
            Err(e) => return (None, Some(e.to_string())),
            Ok(host) => {
                if let Some(ip) = literal_address(&host).filter(|ip| !is_public(*ip))
                    && !self.allow_private
                {
                    return (
                        None,
                        Some(format!(
                            "{ip} is a private, loopback or link-local address: alerts are posted to public addresses unless the server runs with --allow-private-webhooks"
                        )),
                    );
                }
            }
        }
        let timestamp = at.timestamp();
        let keys: Vec<&str> = s
            .secrets
            .iter()
            .filter(|k| k.signs(at))
            .map(|k| k.key.as_str())
            .collect();
        let sig = match signature(&d.message_id, timestamp, body, &keys) {
            Ok(s) => s,
            Err(e) => return (None, Some(e.to_string())),
        };
        let sent = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &d.message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", sig)
            .body(body.clone())
            .send()
            .await;
        match sent {
            Ok(r) => {
                let status = r.status();
                let code = Some(i32::from(status.as_u16()));
                if status.is_success() {
                    (code, None)
                } else if status.is_redirection() {
                    (
                        code,
                        Some(format!(
                            "answered {status}, a redirect: redirects are not followed, give the subscriber its final URL"
                        )),
                    )
                } else {
                    (code, Some(format!("answered {status}")))
                }
            }
            Err(e) => (None, Some(describe(&e))),
        }
    }
}

/// What went wrong with a request, with its causes (the resolver's refusal among them).
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "failed"
    };
    let mut out = kind.to_owned();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out.chars().take(500).collect()
}

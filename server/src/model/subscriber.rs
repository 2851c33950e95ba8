//! Subscribers — the institutions an issued alert is delivered to — and the deliveries
//! of the outbox: which alerts a subscriber receives (its units at any level, hazard
//! themes, least severity, restricted scope), which webhook addresses may be called at
//! all, how often a failed delivery is tried again, and where each delivery is.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::alert::{Alert, LANGUAGES, Scope, Severity};
use super::macros::{slug_type, string_enum};

slug_type! {
    /// The id of a subscriber (an ASCII slug).
    SubscriberId, "subscriber id"
}

/// Longest webhook URL or e-mail address accepted.
const MAX_ADDRESS_LEN: usize = 2000;

/// Most admin units or themes one subscriber names.
pub const MAX_AREAS: usize = 500;

/// An institution that receives alerts, as an admin writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriberSpec {
    /// The institution's name.
    pub name: String,
    /// Whom to call about the subscription (a person, a phone number, an address).
    pub contact: String,
    /// Where alerts are posted (http or https), signed as Standard Webhooks say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<String>,
    /// Where alerts are e-mailed, when the server has an SMTP relay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Official codes of the units it covers, at any level (a district's code receives
    /// the alerts of its sectors, a sector's the alerts of its district); none: the whole
    /// country.
    #[serde(default)]
    pub areas: Vec<String>,
    /// The hazard themes it receives (`flood`, `landslide`, …); none: every theme.
    #[serde(default)]
    pub themes: Vec<String>,
    /// The least severity it receives (`Unknown`: every alert, those of unknown severity
    /// too).
    #[serde(default = "any_severity")]
    pub min_severity: Severity,
    /// The languages of the texts it is sent (en, fr, rw).
    #[serde(default = "all_languages")]
    pub languages: Vec<String>,
    /// Whether it receives alerts of scope Restricted (for those with an operational
    /// need); public alerts go to every subscriber they concern.
    #[serde(default)]
    pub restricted: bool,
    /// Whether it receives new alerts at all.
    #[serde(default = "yes")]
    pub enabled: bool,
}

const fn any_severity() -> Severity {
    Severity::Unknown
}

fn all_languages() -> Vec<String> {
    LANGUAGES.iter().map(|l| (*l).to_owned()).collect()
}

const fn yes() -> bool {
    true
}

/// Why a subscriber cannot be stored as written.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SubscriberError {
    /// No name.
    #[error("give the subscriber's name (the institution)")]
    NoName,
    /// No contact.
    #[error("give a contact for the subscription (a person, phone or address to call)")]
    NoContact,
    /// Nowhere to deliver.
    #[error(
        "give a webhook URL, an e-mail address or both: the subscriber has nowhere to be sent alerts"
    )]
    NoChannel,
    /// A webhook URL that is not one.
    #[error("webhook '{url}' is not usable: {why}")]
    Webhook {
        /// The URL (shortened).
        url: String,
        /// What is wrong.
        why: String,
    },
    /// A webhook on a private, loopback or link-local address.
    #[error(
        "webhook '{url}' is on {address}, a private, loopback or link-local address: alerts are posted only to public addresses unless the server runs with --allow-private-webhooks"
    )]
    PrivateAddress {
        /// The URL (shortened).
        url: String,
        /// The address.
        address: IpAddr,
    },
    /// An e-mail address that is not one.
    #[error("e-mail '{0}' is not an address: write it as name@domain")]
    Email(String),
    /// A code that is not an official one.
    #[error(
        "area '{0}' is not an official code: give 1, 2, 4, 6 or 8 digits (province, district, sector, cell, village)"
    )]
    Area(String),
    /// Too many units or themes.
    #[error("{what}: at most {MAX_AREAS} (give a district or province instead of its units)")]
    TooMany {
        /// What.
        what: &'static str,
    },
    /// A theme that is not a slug.
    #[error("theme '{0}' is not a layer theme: use a slug such as flood or landslide")]
    Theme(String),
    /// A language alerts are not written in, or none.
    #[error("languages must name one or more of en, fr and rw; got '{0}'")]
    Language(String),
}

fn shortened(s: &str) -> String {
    s.chars().take(120).collect()
}

impl SubscriberSpec {
    /// Checks what can be checked without the store or the network: names, addresses
    /// (a webhook on a literal private address unless `allow_private`), codes, themes,
    /// languages.
    ///
    /// # Errors
    /// The first [`SubscriberError`] found.
    pub fn check(&self, allow_private: bool) -> Result<(), SubscriberError> {
        if self.name.trim().is_empty() {
            return Err(SubscriberError::NoName);
        }
        if self.contact.trim().is_empty() {
            return Err(SubscriberError::NoContact);
        }
        if self.webhook.is_none() && self.email.is_none() {
            return Err(SubscriberError::NoChannel);
        }
        if let Some(url) = &self.webhook {
            let host = webhook_host(url)?;
            if let Some(ip) = literal_address(&host) {
                if !allow_private && !is_public(ip) {
                    return Err(SubscriberError::PrivateAddress {
                        url: shortened(url),
                        address: ip,
                    });
                }
            } else if !allow_private && is_local_name(&host) {
                return Err(SubscriberError::PrivateAddress {
                    url: shortened(url),
                    address: IpAddr::from([127, 0, 0, 1]),
                });
            }
        }
        if let Some(e) = &self.email {
            check_email(e)?;
        }
        if self.areas.len() > MAX_AREAS {
            return Err(SubscriberError::TooMany { what: "areas" });
        }
        if self.themes.len() > MAX_AREAS {
            return Err(SubscriberError::TooMany { what: "themes" });
        }
        if let Some(a) = self.areas.iter().find(|a| {
            !matches!(a.len(), 1 | 2 | 4 | 6 | 8) || !a.bytes().all(|b| b.is_ascii_digit())
        }) {
            return Err(SubscriberError::Area(shortened(a)));
        }
        if let Some(t) = self
            .themes
            .iter()
            .find(|t| super::macros::check_slug("theme", t).is_err())
        {
            return Err(SubscriberError::Theme(shortened(t)));
        }
        if self.languages.is_empty() {
            return Err(SubscriberError::Language(String::new()));
        }
        if let Some(l) = self
            .languages
            .iter()
            .find(|l| !LANGUAGES.contains(&l.as_str()))
        {
            return Err(SubscriberError::Language(shortened(l)));
        }
        Ok(())
    }

    /// Whether issued `alert`, on a hazard layer of `theme`, is for this subscriber: it
    /// is enabled, may read the alert's scope, the alert is at least as severe as it
    /// asks, of one of its themes, and one of the alert's units is one of its units,
    /// inside one or holds one.
    #[must_use]
    pub fn wants(&self, alert: &Alert, theme: Option<&str>) -> bool {
        self.enabled
            && (alert.scope == Scope::Public || self.restricted)
            // Severities are ordered from Extreme to Unknown.
            && alert.severity <= self.min_severity
            && (self.themes.is_empty()
                || theme.is_some_and(|t| self.themes.iter().any(|x| x == t)))
            && (self.areas.is_empty()
                || alert.areas.iter().any(|a| {
                    self.areas
                        .iter()
                        .any(|s| a.code.starts_with(s.as_str()) || s.starts_with(a.code.as_str()))
                }))
    }
}

/// The host of webhook `url`, after checking it is an http(s) URL without credentials.
///
/// # Errors
/// When it is not.
pub fn webhook_host(url: &str) -> Result<String, SubscriberError> {
    let refuse = |why: &str| SubscriberError::Webhook {
        url: shortened(url),
        why: why.to_owned(),
    };
    if url.len() > MAX_ADDRESS_LEN {
        return Err(refuse("it is longer than 2,000 characters"));
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| refuse("it must start with https:// or http://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(refuse(
            "it carries a user name or password: the signature authenticates the sender, give the URL alone",
        ));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(refuse("it contains spaces or control characters"));
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default().to_owned()
    } else {
        authority
            .rsplit_once(':')
            .map_or(authority, |(h, _)| h)
            .to_owned()
    };
    if host.is_empty() {
        return Err(refuse("it names no host"));
    }
    if let Some((_, port)) = authority
        .rsplit_once(':')
        .filter(|_| !authority.ends_with(']'))
        && port.parse::<u16>().map_or(true, |p| p == 0)
    {
        return Err(refuse("its port is not a number from 1 to 65535"));
    }
    Ok(host.to_ascii_lowercase())
}

/// The address a host names literally (`10.0.0.1`, `::1`), if it is one.
#[must_use]
pub fn literal_address(host: &str) -> Option<IpAddr> {
    host.parse().ok()
}

/// Whether `host` is a name that always means this machine or its network.
#[must_use]
pub fn is_local_name(host: &str) -> bool {
    let h = host.trim_end_matches('.');
    h == "localhost"
        || h.ends_with(".localhost")
        || h.ends_with(".local")
        || h.ends_with(".internal")
}

/// Whether alerts may be posted to `ip` when private addresses are not allowed: not
/// loopback, private (RFC 1918, unique local), link-local, shared (RFC 6598), unspecified,
/// broadcast, multicast or documentation ranges, IPv4 inside IPv6 judged as IPv4.
#[must_use]
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && v4.octets()[2] == 0)
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8)
        }
    }
}

fn check_email(e: &str) -> Result<(), SubscriberError> {
    let bad = || SubscriberError::Email(shortened(e));
    let (local, domain) = e.split_once('@').ok_or_else(bad)?;
    let fits = !local.is_empty()
        && e.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !e
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == ',');
    if fits { Ok(()) } else { Err(bad()) }
}

/// A signing secret of a subscriber (`whsec_` and base64 of 32 random bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Secret {
    /// The secret; shown once, when made.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub key: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When a rotated secret stops signing (deliveries are signed with every secret not
    /// expired, so a receiver can change over without losing one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
}

impl Secret {
    /// Whether it still signs at `now`.
    #[must_use]
    pub fn signs(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_none_or(|e| e > now)
    }

    /// The same without its key, as shown after it was made.
    #[must_use]
    pub fn hidden(&self) -> Self {
        Self {
            key: String::new(),
            ..self.clone()
        }
    }
}

/// A stored subscriber.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subscriber {
    /// Its id.
    pub id: SubscriberId,
    /// Its version (1 on creation, one more on each change).
    pub version: i32,
    /// What it says.
    #[serde(flatten)]
    pub spec: SubscriberSpec,
    /// Its signing secrets, newest first.
    pub secrets: Vec<Secret>,
    /// Who wrote this version.
    pub written_by: String,
    /// When.
    pub written_at: DateTime<Utc>,
}

impl Subscriber {
    /// The same with its secrets' keys left out.
    #[must_use]
    pub fn hidden(&self) -> Self {
        Self {
            secrets: self.secrets.iter().map(Secret::hidden).collect(),
            ..self.clone()
        }
    }
}

string_enum! {
    /// How a delivery reaches its subscriber.
    Channel, "delivery channel" {
        /// An HTTP POST signed as Standard Webhooks say.
        Webhook => "webhook",
        /// An e-mail through the server's SMTP relay.
        Email => "email",
    }
}

string_enum! {
    /// Where a delivery is.
    DeliveryState, "delivery state" {
        /// To be tried (again) at its next time.
        Pending => "pending",
        /// Acknowledged by the subscriber.
        Delivered => "delivered",
        /// Given up after its last try, until an admin retries it.
        Parked => "parked",
    }
}

/// One alert owed to one subscriber by one channel: written to the outbox in the
/// transaction that issues the alert, then tried until delivered or parked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    /// The store's number for it.
    pub id: i64,
    /// The alert.
    pub alert: i64,
    /// The subscriber.
    pub subscriber: SubscriberId,
    /// By which channel.
    pub channel: Channel,
    /// The id it carries on every try (`webhook-id`, e-mail Message-ID), so a receiver
    /// can drop a repeat.
    pub message_id: String,
    /// Where it is.
    pub state: DeliveryState,
    /// Tries since written or retried by an admin.
    pub attempts: i32,
    /// Tries in all (an admin's retry starts the count of `attempts` again, not this).
    pub tries: i32,
    /// When it is tried next (pending), or was last tried.
    pub next_attempt_at: DateTime<Utc>,
    /// When it was written (the alert's issue).
    pub created_at: DateTime<Utc>,
    /// When the subscriber acknowledged it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<DateTime<Utc>>,
    /// What went wrong on the last failed try.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

impl Delivery {
    /// The message id of `alert` for `subscriber` by `channel`: the same for every try.
    #[must_use]
    pub fn message_id(alert: i64, subscriber: &SubscriberId, channel: Channel) -> String {
        format!(
            "msg_alert{alert}_{}_{}",
            subscriber.as_str(),
            channel.as_str()
        )
    }
}

/// One try of a delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// The delivery.
    pub delivery: i64,
    /// Its number among the delivery's tries, from 1.
    pub number: i32,
    /// When it was made.
    pub at: DateTime<Utc>,
    /// The HTTP status answered (webhooks), if any answer came.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<i32>,
    /// How long it took, in milliseconds.
    pub latency_ms: f64,
    /// What went wrong, if it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Attempt {
    /// Whether the subscriber acknowledged it.
    #[must_use]
    pub fn delivered(&self) -> bool {
        self.error.is_none()
    }
}

/// How often a failed delivery is tried again: after `base_s` seconds, doubling each
/// time up to `max_s`, each wait drawn between half and all of it (jitter, so that many
/// deliveries failing together do not come back together); parked after `attempts`
/// tries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// The first wait, in seconds.
    pub base_s: f64,
    /// The longest wait, in seconds.
    pub max_s: f64,
    /// Tries before a delivery is parked.
    pub attempts: i32,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base_s: 5.0,
            max_s: 6.0 * 3600.0,
            attempts: 10,
        }
    }
}

impl Backoff {
    /// The wait after failed try number `tried` (from 1), with `draw` a number in
    /// [0, 1) chosen at random; `None` when the delivery is parked instead.
    #[must_use]
    pub fn wait_after(&self, tried: i32, draw: f64) -> Option<std::time::Duration> {
        if tried >= self.attempts {
            return None;
        }
        let full = (self.base_s * 2f64.powi(tried.saturating_sub(1).min(60))).min(self.max_s);
        Some(std::time::Duration::from_secs_f64(
            full * (0.5 + 0.5 * draw.clamp(0.0, 1.0)),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> SubscriberSpec {
        serde_json::from_value(serde_json::json!({
            "name": "Rubavu District", "contact": "DDMO, +250 788 000 000",
            "webhook": "https://rubavu.example.org/hooks/cap", "areas": ["34"]
        }))
        .unwrap()
    }

    #[test]
    fn addresses_that_may_not_be_called() {
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.9",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!is_public(bad.parse().unwrap()), "{bad}");
        }
        for good in ["41.186.0.1", "8.8.8.8", "2c0f:fe30::1"] {
            assert!(is_public(good.parse().unwrap()), "{good}");
        }
        let mut s = spec();
        s.webhook = Some("http://169.254.169.254/latest/meta-data".into());
        assert!(matches!(
            s.check(false),
            Err(SubscriberError::PrivateAddress { .. })
        ));
        assert_eq!(s.check(true), Ok(()));
        s.webhook = Some("http://[::1]:8080/x".into());
        assert!(matches!(
            s.check(false),
            Err(SubscriberError::PrivateAddress { .. })
        ));
        s.webhook = Some("http://localhost:9000/x".into());
        assert!(matches!(
            s.check(false),
            Err(SubscriberError::PrivateAddress { .. })
        ));
    }

    #[test]
    fn a_subscriber_says_what_to_fix() {
        assert_eq!(spec().check(false), Ok(()));
        assert_eq!(spec().languages, ["en", "fr", "rw"]);
        let mut s = spec();
        s.webhook = Some("ftp://rubavu.example.org/".into());
        assert!(s.check(false).unwrap_err().to_string().contains("https://"));
        s.webhook = Some("https://user:pw@rubavu.example.org/".into());
        assert!(s.check(false).unwrap_err().to_string().contains("password"));
        s.webhook = Some("https://rubavu.example.org:99999/".into());
        assert!(s.check(false).unwrap_err().to_string().contains("port"));
        s.webhook = None;
        assert_eq!(s.check(false), Err(SubscriberError::NoChannel));
        s.email = Some("ddmo at rubavu".into());
        assert!(matches!(s.check(false), Err(SubscriberError::Email(_))));
        s.email = Some("ddmo@rubavu.gov.rw".into());
        assert_eq!(s.check(false), Ok(()));
        let mut s = spec();
        s.areas = vec!["340".into()];
        assert_eq!(s.check(false), Err(SubscriberError::Area("340".into())));
        let mut s = spec();
        s.languages = vec!["de".into()];
        assert_eq!(s.check(false), Err(SubscriberError::Language("de".into())));
    }

    #[test]
    fn backoff_doubles_with_jitter_and_parks() {
        let b = Backoff {
            base_s: 2.0,
            max_s: 10.0,
            attempts: 5,
        };
        assert_eq!(b.wait_after(1, 1.0).unwrap().as_secs_f64(), 2.0);
        assert_eq!(b.wait_after(1, 0.0).unwrap().as_secs_f64(), 1.0);
        assert_eq!(b.wait_after(2, 1.0).unwrap().as_secs_f64(), 4.0);
        assert_eq!(b.wait_after(4, 1.0).unwrap().as_secs_f64(), 10.0);
        assert_eq!(b.wait_after(5, 0.5), None);
    }
}

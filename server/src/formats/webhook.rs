//! What a subscriber's webhook receives: a JSON message in the Standard Webhooks shape
//! (`type`, `timestamp`, `data`) carrying the alert's essentials in the subscriber's
//! languages and the whole CAP 1.2 document, and its signature — HMAC-SHA256 over
//! `{webhook-id}.{webhook-timestamp}.{body}` with each of the subscriber's secrets,
//! written `v1,{base64}` and separated by spaces.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

use crate::model::alert::{Alert, MsgType};

/// The prefix of a secret's text.
pub const SECRET_PREFIX: &str = "whsec_";

/// The body posted for issued `alert` to a subscriber reading `languages`: the same
/// bytes on every try. `cap_url` is where the CAP document can be fetched, when the
/// server knows its public address.
#[must_use]
pub fn message(
    alert: &Alert,
    languages: &[String],
    sender_name: &str,
    cap_url: Option<&str>,
) -> Vec<u8> {
    let kind = match alert.msg_type {
        MsgType::Alert => "cap.alert",
        MsgType::Update => "cap.update",
        MsgType::Cancel => "cap.cancel",
    };
    let sent = alert.sent.unwrap_or(alert.drafted_at);
    let info: Vec<_> = alert
        .info
        .iter()
        .filter(|i| languages.iter().any(|l| i.language.starts_with(l.as_str())))
        .collect();
    let areas: Vec<_> = alert
        .areas
        .iter()
        .map(|a| {
            json!({"code": a.code, "name": a.name, "level": a.level, "exposed": a.exposed,
                "affected": a.affected, "displaced": a.displaced})
        })
        .collect();
    let body = json!({
        "type": kind,
        "timestamp": sent.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "data": {
            "id": alert.id,
            "identifier": alert.identifier,
            "sender": alert.sender,
            "sent": alert.sent,
            "expires": alert.expires(),
            "status": alert.status,
            "msg_type": alert.msg_type,
            "scope": alert.scope,
            "references": alert.references,
            "category": alert.category,
            "response_type": alert.response_type,
            "urgency": alert.urgency,
            "severity": alert.severity,
            "certainty": alert.certainty,
            "hazard": alert.hazard,
            "exposure": alert.exposure,
            "published_figures": alert.published_figures,
            "info": info,
            "areas": areas,
            "cap_url": cap_url,
            "cap": super::cap::to_xml(alert, sender_name),
        }
    });
    serde_json::to_vec(&body).unwrap_or_default()
}

/// Why a secret cannot sign.
#[derive(Debug, thiserror::Error)]
#[error("a signing secret is not 'whsec_' followed by base64: rotate the subscriber's secret")]
pub struct BadSecret;

/// The `webhook-signature` header of `body` sent as message `id` at `timestamp` (Unix
/// seconds), signed with each of `secrets`.
///
/// # Errors
/// When a secret is not one.
pub fn signature(
    id: &str,
    timestamp: i64,
    body: &[u8],
    secrets: &[&str],
) -> Result<String, BadSecret> {
    let mut out = Vec::with_capacity(secrets.len());
    for s in secrets {
        let key = STANDARD
            .decode(s.strip_prefix(SECRET_PREFIX).unwrap_or(s))
            .map_err(|_| BadSecret)?;
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| BadSecret)?;
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        out.push(format!(
            "v1,{}",
            STANDARD.encode(mac.finalize().into_bytes())
        ));
    }
    Ok(out.join(" "))
}

/// A new secret's text from 32 random bytes.
#[must_use]
pub fn new_secret(bytes: &[u8; 32]) -> String {
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_as_the_standard_example_does() {
        // The Standard Webhooks specification's worked example.
        let sig = signature(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
            &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
        )
        .unwrap();
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        let two = signature(
            "m",
            1,
            b"x",
            &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_AAAA"],
        )
        .unwrap();
        assert_eq!(two.split(' ').count(), 2);
        assert!(signature("m", 1, b"x", &["whsec_not base64!"]).is_err());
    }
}

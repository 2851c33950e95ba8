//! Who is on the other end and what our address is to them: absolute links in answers
//! (TileJSON, OGC API) and the client address rate limits are kept by.
//!
//! `X-Forwarded-Proto`, `X-Forwarded-Host` and `X-Forwarded-For` are believed only from
//! the reverse proxies the operator names (`--trusted-proxy`): from anyone else they
//! are what any client can type, and links built from them would be cached and served
//! to others. A configured public URL (`--public-url`) wins over everything.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::api::AppState;
use crate::config::ServerSettings;

/// `scheme://host[:port]` of this server as the client reached it, for absolute links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(pub String);

/// The address a request came from, after trusted proxies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

/// Middleware: works out [`BaseUrl`] and [`ClientAddr`] once and leaves them in the
/// request's extensions.
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let settings = &state.settings;
    let base = base_url(settings, req.headers(), peer);
    let client = client_addr(settings, req.headers(), peer);
    req.extensions_mut().insert(BaseUrl(base));
    req.extensions_mut().insert(ClientAddr(client));
    next.run(req).await
}

fn trusted(settings: &ServerSettings, peer: Option<IpAddr>) -> bool {
    peer.is_some_and(|p| settings.trusted_proxies.contains(&p))
}

/// A host name, an IPv4 address or a bracketed IPv6 one, with an optional port: nothing
/// that could break out of a URL.
fn is_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 255
        && h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        // A proxy chain may list several: the first is what the client asked for.
        .and_then(|v| v.split(',').next())
        .map(str::trim)
}

/// Our address as the client reached it.
#[must_use]
pub fn base_url(settings: &ServerSettings, headers: &HeaderMap, peer: Option<IpAddr>) -> String {
    if let Some(url) = &settings.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let via_proxy = trusted(settings, peer);
    let host = via_proxy
        .then(|| header_str(headers, "x-forwarded-host"))
        .flatten()
        .or_else(|| headers.get(header::HOST).and_then(|h| h.to_str().ok()))
        .filter(|h| is_host(h))
        .unwrap_or("127.0.0.1:8080");
    let proto = via_proxy
        .then(|| header_str(headers, "x-forwarded-proto"))
        .flatten()
        .filter(|p| matches!(*p, "http" | "https"))
        .unwrap_or("http");
    format!("{proto}://{host}")
}

/// The client's address: the peer, or, behind trusted proxies, the last address in
/// `X-Forwarded-For` that is not one of them.
#[must_use]
pub fn client_addr(
    settings: &ServerSettings,
    headers: &HeaderMap,
    peer: Option<IpAddr>,
) -> Option<IpAddr> {
    if !trusted(settings, peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    forwarded
        .into_iter()
        .rev()
        .find(|a| !settings.trusted_proxies.contains(a))
        .or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn forwarded_headers_count_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let stranger: IpAddr = "203.0.113.9".parse().unwrap();
        let settings = ServerSettings {
            trusted_proxies: vec![proxy],
            ..ServerSettings::default()
        };
        let h = headers(&[
            ("host", "10.0.0.5:8080"),
            ("x-forwarded-host", "maps.example.org"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-for", "198.51.100.7, 10.0.0.2"),
        ]);
        assert_eq!(
            base_url(&settings, &h, Some(proxy)),
            "https://maps.example.org"
        );
        assert_eq!(
            base_url(&settings, &h, Some(stranger)),
            "http://10.0.0.5:8080"
        );
        assert_eq!(
            client_addr(&settings, &h, Some(proxy)),
            Some("198.51.100.7".parse().unwrap())
        );
        assert_eq!(client_addr(&settings, &h, Some(stranger)), Some(stranger));
        let evil = headers(&[("host", "x\"onload=alert(1)")]);
        assert_eq!(base_url(&settings, &evil, None), "http://127.0.0.1:8080");
        let public = ServerSettings {
            public_url: Some("https://sitroom.example.org/".into()),
            ..ServerSettings::default()
        };
        assert_eq!(
            base_url(&public, &h, Some(proxy)),
            "https://sitroom.example.org"
        );
    }
}

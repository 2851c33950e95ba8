//! Webhook receivers for the delivery tests: one local HTTP server taking every path,
//! recording each request (path, Standard Webhooks headers, body), answering 204 — or
//! 503 for a path told to fail, as many times as told — after an optional delay.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};

/// One request received.
#[derive(Debug, Clone)]
pub struct Received {
    /// Its path (`/gitega`).
    pub path: String,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body.
    pub body: bytes::Bytes,
    /// What it was answered.
    pub status: StatusCode,
    /// The alert's number in its body (`data.id`; -1 when it has none).
    pub alert: i64,
}

impl Received {
    /// A header's value.
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// Whether it verifies with `secret`, by the Standard Webhooks reference library.
    pub fn verifies_with(&self, secret: &str) -> bool {
        standardwebhooks::Webhook::new(secret)
            .and_then(|w| w.verify(&self.body, &self.headers))
            .is_ok()
    }
}

#[derive(Default)]
struct Inner {
    got: Vec<Received>,
    failures: HashMap<String, u32>,
}

/// A running receiver; it stops with its runtime.
#[derive(Clone)]
pub struct Receiver {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    inner: Arc<Mutex<Inner>>,
}

impl Receiver {
    /// Starts a receiver answering after `delay`.
    pub async fn start(delay: Duration) -> Self {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let state = inner.clone();
        let app = axum::Router::new().fallback(
            move |uri: axum::http::Uri, headers: HeaderMap, body: bytes::Bytes| {
                let state = state.clone();
                async move {
                    tokio::time::sleep(delay).await;
                    let mut s = state.lock().unwrap();
                    let path = uri.path().to_owned();
                    let status = match s.failures.get_mut(&path) {
                        Some(n) if *n > 0 => {
                            *n -= 1;
                            StatusCode::SERVICE_UNAVAILABLE
                        }
                        _ => StatusCode::NO_CONTENT,
                    };
                    let alert = serde_json::from_slice::<serde_json::Value>(&body)
                        .ok()
                        .and_then(|v| v["data"]["id"].as_i64())
                        .unwrap_or(-1);
                    s.got.push(Received {
                        alert,
                        path,
                        headers,
                        body,
                        status,
                    });
                    status
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { base, inner }
    }

    /// Makes `path` answer 503 the next `times` requests.
    pub fn fail(&self, path: &str, times: u32) {
        self.inner
            .lock()
            .unwrap()
            .failures
            .insert(path.to_owned(), times);
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().unwrap().got.clone()
    }

    /// How many requests were received so far.
    pub fn count(&self) -> usize {
        self.inner.lock().unwrap().got.len()
    }
}

/// What was received, without its body.
#[derive(Debug, Clone)]
pub struct Brief {
    /// Its path.
    pub path: String,
    /// Its `webhook-id`.
    pub id: String,
    /// What it was answered.
    pub status: StatusCode,
    /// The alert's number in its body (`data.id`), when it has one.
    pub alert: i64,
}

impl Receiver {
    /// Everything received so far, without bodies.
    pub fn received_without_bodies(&self) -> Vec<Brief> {
        self.inner
            .lock()
            .unwrap()
            .got
            .iter()
            .map(|r| Brief {
                path: r.path.clone(),
                id: r.header("webhook-id"),
                status: r.status,
                alert: r.alert,
            })
            .collect()
    }
}

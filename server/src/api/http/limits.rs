//! Rate limits per client: a budget per verified token (or per address for callers
//! without one), kept by the `governor` crate. Past the burst, requests get 429 with `Retry-After` saying when the
//! next one will be accepted. `/health` is never limited (load balancers poll it).
//!
//! Reads also have a time limit: past `--request-timeout-s` they are answered with 503.
//! Writes are not cut off (a write in progress commits or rolls back as a whole, and its
//! caller must learn which), nor is the event stream, which is open by design.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter as GovernorLimiter};

use super::ApiError;
use super::links::ClientAddr;
use crate::api::AppState;

/// Clients remembered before those whose budget is full again are forgotten.
const MAX_CLIENTS: usize = 10_000;

/// Budgets by client: the generic cell rate algorithm of the `governor` crate (a token
/// bucket without a timer), keyed by client.
pub struct RateLimiter {
    limiter: Option<DefaultKeyedRateLimiter<String>>,
    clock: DefaultClock,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("on", &self.limiter.is_some())
            .finish_non_exhaustive()
    }
}

impl RateLimiter {
    /// `per_second` requests a second on average, up to `burst` at once; a rate of 0
    /// turns limiting off.
    #[must_use]
    pub fn new(per_second: f64, burst: f64) -> Self {
        let limiter = (per_second > 0.0 && per_second.is_finite()).then(|| {
            #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let burst = NonZeroU32::new(burst.max(1.0).min(f64::from(u32::MAX)) as u32)
                .unwrap_or(NonZeroU32::MIN);
            let quota = Quota::with_period(Duration::from_secs_f64(1.0 / per_second))
                .unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX))
                .allow_burst(burst);
            GovernorLimiter::keyed(quota)
        });
        Self {
            limiter,
            clock: DefaultClock::default(),
        }
    }

    /// Takes one request from `client`'s budget, or says how many seconds until one is
    /// available.
    fn take(&self, client: &str) -> Result<(), f64> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        if limiter.len() > MAX_CLIENTS {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        limiter
            .check_key(&client.to_owned())
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()).as_secs_f64())
    }
}

/// Who is asking: the token, when it is one this server verified lately (so any
/// spelling of the same token is one client, and made-up tokens are not), else the
/// client's address (after trusted proxies).
async fn client(state: &AppState, authorization: Option<String>, addr: Option<IpAddr>) -> String {
    if let Some(value) = authorization {
        if let Some(token) = state.token_cache.known(&value) {
            return format!("token:{}", token.name);
        }
        let (store, cache) = (state.store.clone(), state.token_cache.clone());
        if let Ok(Ok(token)) =
            tokio::task::spawn_blocking(move || cache.verify(store.as_ref(), Some(&value))).await
        {
            return format!("token:{}", token.name);
        }
    }
    addr.map_or_else(|| "unknown".to_owned(), |ip| format!("ip:{ip}"))
}

/// The middleware.
pub async fn limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.uri().path() == "/health" {
        return next.run(req).await;
    }
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let addr = req.extensions().get::<ClientAddr>().and_then(|c| c.0);
    match state
        .limiter
        .take(&client(&state, authorization, addr).await)
    {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let seconds = wait.ceil().max(1.0) as u64;
            let mut resp = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many requests",
                format!(
                    "this client is over its limit of requests: retry in {seconds} s (the operator sets the limit with --rate-limit)"
                ),
            )
            .into_response();
            if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            resp
        }
    }
}

/// Whether `req` only reads, and so may be cut off by the request timeout.
fn is_timed(req: &Request) -> bool {
    let path = req.uri().path();
    match *req.method() {
        Method::GET | Method::HEAD => path != "/events",
        Method::POST => path == "/api/exposure/area",
        _ => false,
    }
}

/// The request-timeout middleware.
pub async fn timeout(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !is_timed(&req) {
        return next.run(req).await;
    }
    let limit = state.settings.request_timeout;
    if let Ok(resp) = tokio::time::timeout(limit, next.run(req)).await {
        resp
    } else {
        tracing::warn!(seconds = limit.as_secs_f64(), "request timed out");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Request timed out",
            format!(
                "the request took longer than {} s and was stopped: ask for less (a smaller area, fewer layers, a page of features), or ask the operator to raise --request-timeout-s",
                limit.as_secs_f64()
            ),
        )
        .into_response()
    }
}

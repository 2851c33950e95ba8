//! `GET /events`: server-sent events announcing layer version changes, so clients
//! (the web map, other systems) refetch what changed.

use std::convert::Infallible;

use axum::Router;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use super::http::{ApiError, Reader};
use super::{AppState, LayerEvent};
use crate::model::LayerId;

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new().route("/events", get(events))
}

async fn events(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let reader = Reader::of(&state, &headers).await?;
    let rx = state.events.subscribe();
    let engine = state.engine.clone();
    // Only changes to layers the caller may read (a deleted layer's: callers with a token).
    let readable = move |ev: &LayerEvent| {
        ev.layer
            .parse::<LayerId>()
            .ok()
            .and_then(|id| engine.layer(&id))
            .map_or(matches!(reader, Reader::Token(_)), |s| {
                reader.may_read(&s.meta)
            })
    };
    let stream = futures_util::stream::unfold((rx, readable), |(mut rx, readable)| async move {
        let event = loop {
            match rx.recv().await {
                Ok(ev) if !readable(&ev) => {}
                Ok(ev) => {
                    break Event::default()
                        .event("layer")
                        .json_data(&ev)
                        .unwrap_or_else(|_| Event::default().event("layer"));
                }
                // A slow client missed some: tell it to refetch everything.
                Err(RecvError::Lagged(_)) => break Event::default().event("resync").data("{}"),
                Err(RecvError::Closed) => return None,
            }
        };
        Some((Ok(event), (rx, readable)))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

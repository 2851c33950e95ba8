//! `GET /events`: server-sent events announcing layer version changes, so clients
//! (the web map, other systems) refetch what changed, and layers a caller may no longer
//! read, so that it drops them.

use std::collections::HashSet;
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
    // The layers this caller could read when it subscribed, kept up to date: a change to
    // one it may read is announced; one it could read and may no longer (restricted,
    // deleted, its token revoked or expired) is announced as gone, so that a page drops
    // it instead of asking for tiles it will be refused; any other is not announced (it
    // would tell that a restricted layer exists).
    let known: HashSet<String> = engine
        .snapshots()
        .values()
        .filter(|s| reader.may_read(&s.meta))
        .map(|s| s.meta.id.to_string())
        .collect();
    let seen = move |known: &mut HashSet<String>, ev: LayerEvent| -> Option<LayerEvent> {
        let readable = ev
            .layer
            .parse::<LayerId>()
            .ok()
            .and_then(|id| engine.layer(&id))
            .is_some_and(|s| reader.may_read(&s.meta));
        if readable {
            known.insert(ev.layer.clone());
            Some(ev)
        } else if known.remove(&ev.layer) {
            Some(LayerEvent {
                layer: ev.layer,
                version: None,
            })
        } else {
            None
        }
    };
    let stream =
        futures_util::stream::unfold((rx, known, seen), |(mut rx, mut known, seen)| async move {
            let event = loop {
                match rx.recv().await {
                    Ok(ev) => {
                        if let Some(ev) = seen(&mut known, ev) {
                            break Event::default()
                                .event("layer")
                                .json_data(&ev)
                                .unwrap_or_else(|_| Event::default().event("layer"));
                        }
                    }
                    // A slow client missed some: tell it to refetch everything.
                    Err(RecvError::Lagged(_)) => {
                        break Event::default().event("resync").data("{}");
                    }
                    Err(RecvError::Closed) => return None,
                }
            };
            Some((Ok(event), (rx, known, seen)))
        });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

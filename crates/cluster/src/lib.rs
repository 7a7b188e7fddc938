//! Events: each arriving document joins an existing event or starts one, online.
//!
//! First rule (the event-clustering work replaces it): a document joins the event of the
//! document it duplicates; otherwise it starts its own event, dated by its dateline or
//! publication date. The [`Clusterer`] API is what the pipeline codes against.

use std::collections::HashMap;

use model::{Article, Event};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What the clusterer keeps per event between documents (stored opaque by the store).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct State {
    documents: usize,
}

/// The event a document was put in, its new state, and why.
#[derive(Debug, Clone)]
pub struct Assignment {
    pub event: Event,
    pub state: Vec<u8>,
    /// Which signals decided it, for `storyline event ID --why`.
    pub why: String,
}

/// Online clusterer over the events already stored.
#[derive(Debug, Default)]
pub struct Clusterer {
    events: HashMap<String, (Event, State)>,
}

impl Clusterer {
    /// Rebuild from stored events and their states.
    pub fn from_states(states: impl IntoIterator<Item = (Event, Vec<u8>)>) -> Clusterer {
        let events = states
            .into_iter()
            .map(|(e, s)| {
                let state = serde_json::from_slice(&s).unwrap_or_default();
                (e.id.clone(), (e, state))
            })
            .collect();
        Clusterer { events }
    }

    /// Put one document in an event. `duplicate_event` is the event of the document it copies.
    pub fn assign(&mut self, article: &Article, duplicate_event: Option<&str>) -> Assignment {
        if let Some((event, state)) = duplicate_event.and_then(|id| self.events.get_mut(id)) {
            state.documents += 1;
            event.documents.push(article.id.clone());
            return Assignment {
                event: event.clone(),
                state: serde_json::to_vec(state).unwrap_or_default(),
                why: format!("exact duplicate of a document in {}", event.id),
            };
        }
        let date = article
            .dateline
            .as_ref()
            .and_then(|d| d.date.clone())
            .or_else(|| {
                article
                    .published
                    .as_ref()
                    .map(|p| p.chars().take(10).collect())
            });
        let event = Event {
            id: event_id(&article.id),
            title: article
                .title
                .clone()
                .unwrap_or_else(|| first_words(&article.text(), 12)),
            start: date.clone(),
            end: date,
            place: article.dateline.as_ref().and_then(|d| d.place.clone()),
            storyline: None,
            documents: vec![article.id.clone()],
        };
        let state = State { documents: 1 };
        let bytes = serde_json::to_vec(&state).unwrap_or_default();
        self.events.insert(event.id.clone(), (event.clone(), state));
        Assignment {
            event,
            state: bytes,
            why: "no earlier event matched: started a new one".into(),
        }
    }
}

/// A stable event id derived from the id of the document that started it.
fn event_id(doc: &str) -> String {
    let h = Sha256::digest(doc.as_bytes());
    format!("ev-{}", &hex::encode(h)[..12])
}

fn first_words(text: &str, n: usize) -> String {
    text.split_whitespace()
        .take(n)
        .collect::<Vec<_>>()
        .join(" ")
}

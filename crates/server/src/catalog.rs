//! [`Catalog`]: what lists, filters and pages need of the whole store, held in memory — document
//! summaries, events with their outlets and languages, entities, quotes, facts and claims
//! grouped for lookup — plus the functions that build API values from it. Full texts stay in
//! the store and are read per page.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use model::{Claim, Entity, EntityKind, Event, Fact, Quote};
use store::{DocumentSummary, SharedPassage, Store, StoreError};
use wire::api::{
    ClaimView, DayCount, Disagreement, DocumentView, EntityBrief, EntityView, EventSummary,
    EventView, FactView, FigureView, LanguageDayCount, OutletLanguageCount, Page, ParagraphView,
    PlaceView, QuoteView, SourceRef, Span, StorylineView,
};

use crate::error::ApiError;
use crate::{params, passages};

/// Most documents shown in full on an event page.
pub const MAX_EVENT_DOCUMENTS: usize = 40;
/// Largest page of a list.
pub const MAX_PAGE: usize = 200;

/// Filters of the event list; `from` and `to` are ISO dates or date-times, compared by day
/// (see `params::filter_day`).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct EventFilter {
    pub from: Option<String>,
    pub to: Option<String>,
    pub lang: Option<String>,
    pub outlet: Option<String>,
    pub entity: Option<String>,
    pub storyline: Option<String>,
    /// `newest` (the default: latest start first) or `oldest`.
    pub order: Option<String>,
    #[serde(deserialize_with = "params::count")]
    pub offset: Option<usize>,
    #[serde(deserialize_with = "params::count")]
    pub limit: Option<usize>,
}

/// The orders of the event list.
pub const EVENT_ORDERS: [&str; 2] = ["newest", "oldest"];

impl EventFilter {
    pub fn is_empty(&self) -> bool {
        [
            &self.from,
            &self.to,
            &self.lang,
            &self.outlet,
            &self.entity,
            &self.storyline,
        ]
        .iter()
        .all(|f| f.as_deref().is_none_or(|s| s.trim().is_empty()))
    }
}

/// Filters of the document list.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct DocumentFilter {
    pub lang: Option<String>,
    pub outlet: Option<String>,
    pub event: Option<String>,
    #[serde(deserialize_with = "params::count")]
    pub offset: Option<usize>,
    #[serde(deserialize_with = "params::count")]
    pub limit: Option<usize>,
}

fn set(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Most events, documents and quotes an entity view lists.
pub const ENTITY_LIST: usize = 100;

/// A snapshot of the store for lists and lookups.
pub struct Catalog {
    /// Documents in the store when this was built.
    pub documents: usize,
    /// The store's last position (`Store::last_position`) read before this was built: the
    /// staleness check (a cheap lookup, where counting the documents reads a whole index).
    pub position: u64,
    docs: Vec<DocumentSummary>,
    /// Each document's `published` read as a time (`params::sort_time`), for newest-first lists.
    doc_times: Vec<Option<i64>>,
    doc_index: HashMap<String, usize>,
    events: Vec<Event>,
    summaries: Vec<EventSummary>,
    /// Each event's documents per day (days since 1970, UTC), oldest first.
    event_days: Vec<Vec<(i64, usize)>>,
    /// Each event's first and last day (the last is the first when it has none).
    event_span: Vec<(Option<chrono::NaiveDate>, Option<chrono::NaiveDate>)>,
    /// [`Catalog::facets`].
    menus: (Vec<String>, Vec<String>),
    event_index: HashMap<String, usize>,
    entities: Vec<Entity>,
    entity_index: HashMap<String, usize>,
    doc_entities: HashMap<String, Vec<usize>>,
    quotes: HashMap<String, Vec<Quote>>,
    facts: HashMap<String, Vec<Fact>>,
    claims: HashMap<String, Vec<Claim>>,
    /// Shared passages the linker stored, by event.
    passages: HashMap<String, Vec<SharedPassage>>,
    storylines: BTreeMap<String, Vec<usize>>,
}

fn push_distinct(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

impl Catalog {
    pub fn build(store: &dyn Store) -> Result<Catalog, StoreError> {
        let position = store.last_position()?;
        let docs = store.document_summaries()?;
        let doc_index: HashMap<String, usize> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        let doc_times: Vec<Option<i64>> = docs
            .iter()
            .map(|d| d.published.as_deref().and_then(params::sort_time))
            .collect();
        let events = store.events()?;
        let mut summaries = Vec::with_capacity(events.len());
        let mut event_days = Vec::with_capacity(events.len());
        let mut storylines: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, e) in events.iter().enumerate() {
            let mut outlets = Vec::new();
            let mut languages = Vec::new();
            let mut days: BTreeMap<i64, usize> = BTreeMap::new();
            for &di in e.documents.iter().filter_map(|d| doc_index.get(d)) {
                if let Some(t) = doc_times[di] {
                    *days.entry(t.div_euclid(86_400)).or_default() += 1;
                }
                let d = &docs[di];
                if let Some(o) = &d.outlet {
                    push_distinct(&mut outlets, o);
                }
                for l in &d.languages {
                    push_distinct(&mut languages, l);
                }
            }
            if let Some(s) = &e.storyline {
                storylines.entry(s.clone()).or_default().push(i);
            }
            summaries.push(EventSummary {
                id: e.id.clone(),
                title: e.title.clone(),
                start: e.start.clone(),
                end: e.end.clone(),
                place: e.place.clone(),
                storyline: e.storyline.clone(),
                document_count: e.documents.len(),
                outlets,
                languages,
                coverage: days
                    .iter()
                    .filter_map(|(&day, &documents)| {
                        Some(DayCount {
                            day: day_of(day * 86_400)?,
                            documents,
                        })
                    })
                    .collect(),
            });
            event_days.push(days.into_iter().collect());
        }
        let event_index = events
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        let mut entities = store.entities()?;
        entities.sort_by(|a, b| {
            b.documents
                .len()
                .cmp(&a.documents.len())
                .then_with(|| a.name.cmp(&b.name))
        });
        let mut doc_entities: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in entities.iter().enumerate() {
            for d in &e.documents {
                doc_entities.entry(d.clone()).or_default().push(i);
            }
        }
        let entity_index = entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        let mut quotes: HashMap<String, Vec<Quote>> = HashMap::new();
        for q in store.quotes()? {
            quotes.entry(q.document.clone()).or_default().push(q);
        }
        let mut facts: HashMap<String, Vec<Fact>> = HashMap::new();
        for f in store.facts()? {
            facts.entry(f.document.clone()).or_default().push(f);
        }
        let mut claims: HashMap<String, Vec<Claim>> = HashMap::new();
        for c in store.claims()? {
            claims.entry(c.event.clone()).or_default().push(c);
        }
        let mut passages: HashMap<String, Vec<SharedPassage>> = HashMap::new();
        for p in store.shared_passages()? {
            let event = p.event.clone().or_else(|| {
                p.documents
                    .last()
                    .and_then(|d| doc_index.get(d))
                    .and_then(|&i| docs[i].event.clone())
            });
            if let Some(e) = event {
                passages.entry(e).or_default().push(p);
            }
        }
        let event_span = summaries
            .iter()
            .map(|s| {
                let start = s.start.as_deref().and_then(params::leading_day);
                (
                    start,
                    s.end.as_deref().and_then(params::leading_day).or(start),
                )
            })
            .collect();
        let mut catalog = Catalog {
            event_span,
            menus: Default::default(),
            passages,
            documents: docs.len(),
            position,
            docs,
            doc_times,
            doc_index,
            events,
            summaries,
            event_days,
            event_index,
            entities,
            entity_index,
            doc_entities,
            quotes,
            facts,
            claims,
            storylines,
        };
        catalog.menus = catalog.count_facets();
        Ok(catalog)
    }

    pub fn event_count(&self) -> usize {
        self.events.len()
    }

    pub fn entity_count(&self) -> usize {
        self.entities.len()
    }

    pub fn storyline_count(&self) -> usize {
        self.storylines.len()
    }

    pub fn doc(&self, id: &str) -> Option<&DocumentSummary> {
        self.doc_index.get(id).map(|&i| &self.docs[i])
    }

    pub fn event_summary(&self, id: &str) -> Option<&EventSummary> {
        self.event_index.get(id).map(|&i| &self.summaries[i])
    }

    /// Outlets and languages seen over all documents (the 50 with most documents each), for
    /// filter menus; worked out once per catalog.
    pub fn facets(&self) -> (Vec<String>, Vec<String>) {
        self.menus.clone()
    }

    fn count_facets(&self) -> (Vec<String>, Vec<String>) {
        let mut outlets: BTreeMap<String, usize> = BTreeMap::new();
        let mut langs: BTreeMap<String, usize> = BTreeMap::new();
        for d in &self.docs {
            if let Some(o) = &d.outlet {
                *outlets.entry(o.clone()).or_default() += 1;
            }
            for l in &d.languages {
                *langs.entry(l.clone()).or_default() += 1;
            }
        }
        let top = |m: BTreeMap<String, usize>| {
            let mut v: Vec<(String, usize)> = m.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            v.into_iter().take(50).map(|(k, _)| k).collect()
        };
        (top(outlets), top(langs))
    }

    /// A page of the timeline, newest first (by start day; `order=oldest` turns it round;
    /// undated events last either way), filtered; a `from` or `to` that is not a date, or an
    /// unknown order, is a `bad_request`.
    pub fn events_page(&self, f: &EventFilter) -> Result<Page<EventSummary>, ApiError> {
        let oldest = params::one_of("order", f.order.as_deref(), &EVENT_ORDERS)? == Some("oldest");
        let mut matching = self.matching_events(f)?;
        // Stable sorts: events starting the same day keep store order (reversed for newest).
        let day = |i: usize| self.event_span[i].0;
        if oldest {
            matching.sort_by_key(|&i| (day(i).is_none(), day(i)));
        } else {
            matching.reverse();
            matching.sort_by_key(|&i| (day(i).is_none(), std::cmp::Reverse(day(i))));
        }
        // Only the page's events are copied.
        let p = page(matching.into_iter(), f.offset, f.limit);
        Ok(Page {
            items: p
                .items
                .into_iter()
                .map(|i| self.summaries[i].clone())
                .collect(),
            total: p.total,
            offset: p.offset,
            limit: p.limit,
        })
    }

    /// The events `f` keeps (its order and paging aside), in store order.
    fn matching_events(&self, f: &EventFilter) -> Result<Vec<usize>, ApiError> {
        let from = params::filter_day("from", f.from.as_deref())?;
        let to = params::filter_day("to", f.to.as_deref())?;
        let lang = set(&f.lang).map(str::to_lowercase);
        let outlet = set(&f.outlet).map(str::to_lowercase);
        let entity_docs: Option<std::collections::HashSet<&str>> = set(&f.entity).map(|id| {
            self.entity_index
                .get(id)
                .map(|&i| {
                    self.entities[i]
                        .documents
                        .iter()
                        .map(String::as_str)
                        .collect()
                })
                .unwrap_or_default()
        });
        let storyline = set(&f.storyline);
        Ok(self
            .summaries
            .iter()
            .zip(&self.events)
            .enumerate()
            .filter(|(i, (s, e))| {
                let (start, end) = self.event_span[*i];
                from.is_none_or(|from| end.is_some_and(|d| d >= from))
                    && to.is_none_or(|to| start.is_some_and(|d| d <= to))
                    && lang.as_deref().is_none_or(|l| {
                        s.languages.iter().any(|x| {
                            let x = x.to_lowercase();
                            x == l || x.starts_with(&format!("{l}-"))
                        })
                    })
                    && outlet
                        .as_deref()
                        .is_none_or(|o| s.outlets.iter().any(|x| x.to_lowercase() == o))
                    && storyline.is_none_or(|id| s.storyline.as_deref() == Some(id))
                    && entity_docs
                        .as_ref()
                        .is_none_or(|docs| e.documents.iter().any(|d| docs.contains(d.as_str())))
            })
            .map(|(i, _)| i)
            .collect())
    }

    /// Newest first by `published` read as a time; documents without a readable date last,
    /// each group in store order.
    fn newest_first(&self, docs: &mut [usize]) {
        // `None` orders below every time, so reversed it comes last; the sort is stable.
        docs.sort_by_key(|&i| std::cmp::Reverse(self.doc_times[i]));
    }

    fn fact_view(&self, f: &Fact) -> FactView {
        FactView {
            document: f.document.clone(),
            outlet: self.doc(&f.document).and_then(|d| d.outlet.clone()),
            value: f.value,
            unit: f.unit.clone(),
            subject: f.subject.clone(),
            text: f.text.clone(),
        }
    }

    fn quote_view(&self, q: &Quote) -> QuoteView {
        let entity = q
            .speaker
            .as_deref()
            .and_then(|s| self.entity_index.get(s))
            .map(|&i| &self.entities[i]);
        QuoteView {
            document: q.document.clone(),
            speaker: entity.map(|e| e.name.clone()).or_else(|| q.speaker.clone()),
            speaker_entity: entity.map(|e| e.id.clone()),
            text: q.text.clone(),
            via: q.via.clone(),
            outlet: self.doc(&q.document).and_then(|d| d.outlet.clone()),
            direct: q.direct,
        }
    }

    fn entity_brief(&self, e: &Entity) -> EntityBrief {
        EntityBrief {
            id: e.id.clone(),
            kind: e.kind.as_str().into(),
            name: e.name.clone(),
            documents: e.documents.len(),
        }
    }

    fn entities_of(&self, docs: &[String]) -> Vec<EntityBrief> {
        let mut seen: Vec<usize> = Vec::new();
        for d in docs {
            for &i in self.doc_entities.get(d).map(Vec::as_slice).unwrap_or(&[]) {
                if !seen.contains(&i) {
                    seen.push(i);
                }
            }
        }
        seen.sort_unstable();
        seen.into_iter()
            .map(|i| self.entity_brief(&self.entities[i]))
            .collect()
    }

    /// One document in full (its text read from the store).
    pub fn document_view(
        &self,
        store: &dyn Store,
        id: &str,
    ) -> Result<Option<DocumentView>, ApiError> {
        let Some(d) = store.document(id)? else {
            return Ok(None);
        };
        let a = &d.article;
        let ids = [a.id.clone()];
        Ok(Some(DocumentView {
            id: a.id.clone(),
            title: a.title.clone(),
            url: a.url.clone(),
            published: a.published.clone(),
            outlet: a.outlet.clone(),
            byline: a.byline.clone(),
            dateline: a.dateline.as_ref().map(|d| d.text.clone()),
            languages: a.languages(),
            event: d.event.clone(),
            duplicate_of: d.duplicate_of.clone(),
            translation_of: d.translation_of.clone(),
            capture_of: a.capture_of.clone(),
            why: d.why.clone(),
            text: a.text(),
            segments: a.segments.clone(),
            paragraphs: a
                .paragraphs
                .iter()
                .map(|p| ParagraphView {
                    spans: vec![Span {
                        text: p.clone(),
                        passage: None,
                    }],
                })
                .collect(),
            quotes: self
                .quotes
                .get(id)
                .map(|qs| qs.iter().map(|q| self.quote_view(q)).collect())
                .unwrap_or_default(),
            facts: self
                .facts
                .get(id)
                .map(|fs| fs.iter().map(|f| self.fact_view(f)).collect())
                .unwrap_or_default(),
            entities: self.entities_of(&ids),
        }))
    }

    /// One event with its documents, shared passages, claims, quotes, facts and disagreements.
    pub fn event_view(&self, store: &dyn Store, id: &str) -> Result<Option<EventView>, ApiError> {
        let Some(&i) = self.event_index.get(id) else {
            return Ok(None);
        };
        let event = &self.events[i];
        let mut documents = Vec::new();
        for d in event.documents.iter().take(MAX_EVENT_DOCUMENTS) {
            if let Some(v) = self.document_view(store, d)? {
                documents.push(v);
            }
        }
        let known = self.passages.get(id).map(Vec::as_slice).unwrap_or(&[]);
        let passages = passages::mark_shared(&mut documents, known);
        let mut claims: Vec<ClaimView> = self
            .claims
            .get(id)
            .map(|cs| cs.iter().map(|c| self.claim_view(c)).collect())
            .unwrap_or_default();
        // Most independent sources first, then most outlets (a stable sort keeps the stored
        // order among equals).
        claims.sort_by_key(|c| std::cmp::Reverse((c.independent_sources, c.outlets.len())));
        let quotes: Vec<QuoteView> = documents.iter().flat_map(|d| d.quotes.clone()).collect();
        let facts: Vec<FactView> = documents.iter().flat_map(|d| d.facts.clone()).collect();
        let mut disagreements = disagreements(&facts);
        claim_disagreements(&claims, &mut disagreements);
        let key_figures = self.key_figures(&facts);
        let independent_sources = self.independent_sources(&event.documents, &documents);
        let coverage_by_language = self.coverage_by_language(&event.documents);
        let coverage_by_outlet = self.coverage_by_outlet(&event.documents);
        let places = places_named(&documents, self);
        let related = event
            .storyline
            .as_ref()
            .and_then(|s| self.storylines.get(s))
            .map(|evs| {
                evs.iter()
                    .filter(|&&j| j != i)
                    .map(|&j| self.summaries[j].clone())
                    .collect()
            })
            .unwrap_or_default();
        Ok(Some(EventView {
            summary: self.summaries[i].clone(),
            entities: self.entities_of(&event.documents),
            documents,
            independent_sources,
            coverage_by_language,
            coverage_by_outlet,
            places,
            key_figures,
            passages,
            claims,
            quotes,
            facts,
            disagreements,
            related,
        }))
    }

    /// How many of `ids` are independent: documents joined by a translation, duplicate or
    /// capture link count once. `loaded` (the documents read in full) give all three links;
    /// the others give their duplicate link (what the catalog holds).
    fn independent_sources(&self, ids: &[String], loaded: &[DocumentView]) -> usize {
        let mut parent: HashMap<&str, &str> = HashMap::new();
        fn root<'a>(parent: &HashMap<&'a str, &'a str>, mut x: &'a str) -> &'a str {
            // Bounded: a cycle of links cannot loop for ever.
            for _ in 0..=parent.len() {
                match parent.get(x) {
                    Some(&p) if p != x => x = p,
                    _ => break,
                }
            }
            x
        }
        let mut links: Vec<(&str, &str)> = Vec::new();
        for d in loaded {
            for l in [&d.duplicate_of, &d.translation_of, &d.capture_of]
                .into_iter()
                .flatten()
            {
                links.push((d.id.as_str(), l.as_str()));
            }
        }
        for id in ids {
            if let Some(l) = self.doc(id).and_then(|d| d.duplicate_of.as_deref()) {
                links.push((id.as_str(), l));
            }
        }
        for (a, b) in links {
            let (ra, rb) = (root(&parent, a), root(&parent, b));
            if ra != rb {
                parent.insert(ra, rb);
            }
        }
        let roots: std::collections::HashSet<&str> =
            ids.iter().map(|d| root(&parent, d.as_str())).collect();
        roots.len()
    }

    /// Documents of `ids` per day and first language, oldest day first.
    fn coverage_by_language(&self, ids: &[String]) -> Vec<LanguageDayCount> {
        let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
        for &i in ids.iter().filter_map(|d| self.doc_index.get(d)) {
            let Some(day) = self.doc_times[i].and_then(day_of) else {
                continue;
            };
            let lang = self.docs[i]
                .languages
                .first()
                .cloned()
                .unwrap_or_else(|| "und".into());
            *counts.entry((day, lang)).or_default() += 1;
        }
        counts
            .into_iter()
            .map(|((day, language), documents)| LanguageDayCount {
                day,
                language,
                documents,
            })
            .collect()
    }

    /// Documents of `ids` per outlet and first language: outlets with the most documents
    /// first (ties by name; documents without an outlet last), each outlet's languages the
    /// most documents first.
    fn coverage_by_outlet(&self, ids: &[String]) -> Vec<OutletLanguageCount> {
        let mut counts: BTreeMap<(Option<&str>, &str), usize> = BTreeMap::new();
        for &i in ids.iter().filter_map(|d| self.doc_index.get(d)) {
            let d = &self.docs[i];
            let lang = d.languages.first().map_or("und", String::as_str);
            *counts.entry((d.outlet.as_deref(), lang)).or_default() += 1;
        }
        let mut totals: BTreeMap<Option<&str>, usize> = BTreeMap::new();
        for ((o, _), n) in &counts {
            *totals.entry(*o).or_default() += n;
        }
        let mut rows: Vec<((Option<&str>, &str), usize)> = counts.into_iter().collect();
        rows.sort_by(|((oa, la), na), ((ob, lb), nb)| {
            (oa.is_none(), std::cmp::Reverse(totals[oa]), oa)
                .cmp(&(ob.is_none(), std::cmp::Reverse(totals[ob]), ob))
                .then(nb.cmp(na))
                .then(la.cmp(lb))
        });
        rows.into_iter()
            .map(|((outlet, language), documents)| OutletLanguageCount {
                outlet: outlet.map(str::to_string),
                language: language.to_string(),
                documents,
            })
            .collect()
    }

    /// When a document was published (seconds since 1970), where its date is readable.
    pub fn doc_time(&self, id: &str) -> Option<i64> {
        self.doc_index.get(id).and_then(|&i| self.doc_times[i])
    }

    /// Documents per day (days since 1970) of the events the filter keeps, within its `from`
    /// and `to`: the timeline's coverage volume. Events are filtered as
    /// [`Catalog::events_page`] does, except that the dates bound the documents' days rather
    /// than the events'.
    pub fn volume(&self, f: &EventFilter) -> Result<BTreeMap<i64, usize>, ApiError> {
        let from = params::filter_day("from", f.from.as_deref())?;
        let to = params::filter_day("to", f.to.as_deref())?;
        let undated = EventFilter {
            from: None,
            to: None,
            offset: None,
            limit: None,
            ..f.clone()
        };
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        let day_number = |d: chrono::NaiveDate| (d - epoch).num_days();
        let (lo, hi) = (from.map(day_number), to.map(day_number));
        let mut out: BTreeMap<i64, usize> = BTreeMap::new();
        for i in self.matching_events(&undated)? {
            for &(day, n) in &self.event_days[i] {
                if lo.is_none_or(|lo| day >= lo) && hi.is_none_or(|hi| day <= hi) {
                    *out.entry(day).or_default() += n;
                }
            }
        }
        Ok(out)
    }

    /// Figures grouped by subject, unit and value, the most-backed (distinct outlets, then
    /// documents) first; at most ten.
    fn key_figures(&self, facts: &[FactView]) -> Vec<FigureView> {
        // Key: subject (lower case), unit, the value's bits.
        type Key = (String, String, u64);
        let mut groups: Vec<(Key, Vec<&FactView>)> = Vec::new();
        for f in facts {
            let key = (
                f.subject.as_deref().unwrap_or("").trim().to_lowercase(),
                f.unit.clone().unwrap_or_default(),
                f.value.to_bits(),
            );
            match groups.iter_mut().find(|g| g.0 == key) {
                Some(g) => g.1.push(f),
                None => groups.push((key, vec![f])),
            }
        }
        let outlets = |fs: &[&FactView]| {
            let mut v: Vec<&str> = fs
                .iter()
                .map(|f| f.outlet.as_deref().unwrap_or(&f.document))
                .collect();
            v.sort_unstable();
            v.dedup();
            v.len()
        };
        groups.sort_by_key(|g| std::cmp::Reverse((outlets(&g.1), g.1.len())));
        groups
            .into_iter()
            .take(10)
            .map(|(_, fs)| {
                let mut docs: Vec<String> = Vec::new();
                for f in &fs {
                    push_distinct(&mut docs, &f.document);
                }
                FigureView {
                    value: fs[0].value,
                    unit: fs[0].unit.clone(),
                    subject: fs[0].subject.clone(),
                    sources: self.source_refs(&docs),
                }
            })
            .collect()
    }

    fn source_refs(&self, ids: &[String]) -> Vec<SourceRef> {
        ids.iter()
            .map(|d| {
                let s = self.doc(d);
                SourceRef {
                    document: d.clone(),
                    outlet: s.and_then(|s| s.outlet.clone()),
                    title: s.and_then(|s| s.title.clone()),
                    languages: s.map(|s| s.languages.clone()).unwrap_or_default(),
                }
            })
            .collect()
    }

    fn claim_view(&self, c: &Claim) -> ClaimView {
        let sources = self.source_refs(&c.sources);
        let mut outlets: Vec<String> = c.outlets.clone();
        if outlets.is_empty() {
            for s in &sources {
                push_distinct(&mut outlets, s.outlet.as_deref().unwrap_or(&s.document));
            }
        }
        // Records written before independent sources were counted hold 0: their outlets then.
        let independent_sources = if c.independent_sources > 0 {
            c.independent_sources
        } else {
            outlets.len()
        };
        ClaimView {
            text: c.text.clone(),
            single_source: c.single_source || independent_sources <= 1,
            independent_sources,
            evidence: c.evidence.clone(),
            outlets,
            sources,
            disagreement: c
                .disagreement
                .iter()
                .map(|f| FigureView {
                    value: f.value,
                    unit: f.unit.clone(),
                    subject: f.subject.clone(),
                    sources: self.source_refs(&f.sources),
                })
                .collect(),
        }
    }

    /// Documents, newest first, filtered by language, outlet and event.
    pub fn documents_page(&self, f: &DocumentFilter) -> Page<DocumentSummary> {
        let lang = set(&f.lang).map(str::to_lowercase);
        let outlet = set(&f.outlet).map(str::to_lowercase);
        let event = set(&f.event);
        let mut matching: Vec<usize> = (0..self.docs.len())
            .filter(|&i| {
                let d = &self.docs[i];
                lang.as_deref().is_none_or(|l| {
                    d.languages.iter().any(|x| {
                        let x = x.to_lowercase();
                        x == l || x.strip_prefix(l).is_some_and(|r| r.starts_with('-'))
                    })
                }) && outlet
                    .as_deref()
                    .is_none_or(|o| d.outlet.as_deref().is_some_and(|x| x.to_lowercase() == o))
                    && event.is_none_or(|e| d.event.as_deref() == Some(e))
            })
            .collect();
        self.newest_first(&mut matching);
        page(
            matching.into_iter().map(|i| self.docs[i].clone()),
            f.offset,
            f.limit,
        )
    }

    pub fn entities_page(
        &self,
        q: Option<&str>,
        kind: Option<&str>,
        offset: Option<usize>,
        limit: Option<usize>,
    ) -> Result<Page<EntityBrief>, ApiError> {
        let kinds = [
            EntityKind::Person,
            EntityKind::Organization,
            EntityKind::Place,
            EntityKind::Other,
        ]
        .map(EntityKind::as_str);
        let kind = params::one_of("kind", kind, &kinds)?;
        let q = q.map(lang::normalize).filter(|s| !s.is_empty());
        let matching = self.entities.iter().filter(|e| {
            kind.is_none_or(|k| e.kind.as_str() == k)
                && q.as_deref().is_none_or(|q| {
                    lang::normalize(&e.name).contains(q)
                        || e.aliases
                            .values()
                            .flatten()
                            .any(|a| lang::normalize(a).contains(q))
                })
        });
        Ok(page(matching.map(|e| self.entity_brief(e)), offset, limit))
    }

    pub fn entity_view(&self, id: &str) -> Option<EntityView> {
        let e = &self.entities[*self.entity_index.get(id)?];
        let mut doc_ids: Vec<usize> = e
            .documents
            .iter()
            .filter_map(|d| self.doc_index.get(d).copied())
            .collect();
        self.newest_first(&mut doc_ids);
        let docs: Vec<&DocumentSummary> = doc_ids.iter().map(|&i| &self.docs[i]).collect();
        let mut seen = std::collections::HashSet::new();
        let mut events: Vec<usize> = docs
            .iter()
            .filter_map(|d| d.event.as_deref())
            .filter_map(|ev| self.event_index.get(ev).copied())
            .filter(|&i| seen.insert(i))
            .collect();
        let events_total = events.len();
        // Newest first: by start date, then by store order.
        events.sort_by(|&a, &b| {
            self.summaries[b]
                .start
                .cmp(&self.summaries[a].start)
                .then(b.cmp(&a))
        });
        events.truncate(ENTITY_LIST);
        let documents_total = docs.len();
        let mentions_by_language = self.coverage_by_language(&e.documents);
        let docs = &docs[..docs.len().min(ENTITY_LIST)];
        let quotes: Vec<&Quote> = e
            .documents
            .iter()
            .flat_map(|d| self.quotes.get(d).map(Vec::as_slice).unwrap_or(&[]))
            .filter(|q| q.speaker.as_deref() == Some(&e.id))
            .collect();
        Some(EntityView {
            id: e.id.clone(),
            kind: e.kind.as_str().into(),
            name: e.name.clone(),
            aliases: e.aliases.clone(),
            documents: docs.iter().map(|&d| d.clone()).collect(),
            documents_total,
            events: events
                .into_iter()
                .map(|i| self.summaries[i].clone())
                .collect(),
            events_total,
            quotes_total: quotes.len(),
            quotes: quotes
                .into_iter()
                .take(ENTITY_LIST)
                .map(|q| self.quote_view(q))
                .collect(),
            mentions_by_language,
        })
    }

    pub fn storylines(&self) -> Vec<StorylineView> {
        self.storylines
            .keys()
            .filter_map(|id| self.storyline(id))
            .collect()
    }

    /// A page of the storylines (by id; only the page's storylines are built).
    pub fn storylines_page(
        &self,
        offset: Option<usize>,
        limit: Option<usize>,
    ) -> Page<StorylineView> {
        let p = page(self.storylines.keys(), offset, limit);
        Page {
            items: p
                .items
                .into_iter()
                .filter_map(|id| self.storyline(id))
                .collect(),
            total: p.total,
            offset: p.offset,
            limit: p.limit,
        }
    }

    pub fn storyline(&self, id: &str) -> Option<StorylineView> {
        let evs = self.storylines.get(id)?;
        let mut events: Vec<EventSummary> =
            evs.iter().map(|&i| self.summaries[i].clone()).collect();
        // Oldest first: a storyline reads as a chain.
        events.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.id.cmp(&b.id)));
        let start = events.iter().filter_map(|e| e.start.clone()).min();
        let end = events
            .iter()
            .filter_map(|e| e.end.clone().or_else(|| e.start.clone()))
            .max();
        Some(StorylineView {
            id: id.to_string(),
            title: storyline_title(&events),
            start,
            end,
            events,
        })
    }
}

/// A storyline's title: the chain of its events' places when they have them, else the earliest
/// event's title. `events` are oldest first.
fn storyline_title(events: &[EventSummary]) -> String {
    // Where it went, oldest first (`Moscow → Beijing → Kazan`), when the events have places.
    let mut places: Vec<&str> = Vec::new();
    for p in events.iter().filter_map(|e| e.place.as_deref()) {
        if places.last() != Some(&p) {
            places.push(p);
        }
    }
    if places.len() >= 2 {
        return places.join(" → ");
    }
    events
        .first()
        .map(|e| e.title.clone())
        .unwrap_or_else(|| "storyline".into())
}

/// The UTC day of a Unix time, as an ISO date.
fn day_of(t: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(t, 0).map(|t| t.date_naive().to_string())
}

fn page<T>(items: impl Iterator<Item = T>, offset: Option<usize>, limit: Option<usize>) -> Page<T> {
    let offset = offset.unwrap_or(0);
    let limit = limit.unwrap_or(50).clamp(1, MAX_PAGE);
    let mut total = 0;
    let mut out = Vec::new();
    for (i, item) in items.enumerate() {
        total += 1;
        if i >= offset && out.len() < limit {
            out.push(item);
        }
    }
    Page {
        items: out,
        total,
        offset,
        limit,
    }
}

/// Figures on the same subject and unit that differ between documents (beyond rounding).
/// Add the figures claims flag as disagreeing (values independent sources give differently,
/// or that a translation changed) to an event's disagreements, each once: a group whose
/// (document, value) pairs are already listed is left out.
fn claim_disagreements(claims: &[ClaimView], out: &mut Vec<Disagreement>) {
    for c in claims {
        if c.disagreement.is_empty() {
            continue;
        }
        let mut facts = Vec::new();
        for f in &c.disagreement {
            for s in &f.sources {
                let text = c
                    .evidence
                    .iter()
                    .find(|e| e.document == s.document)
                    .map_or_else(|| c.text.clone(), |e| e.text.clone());
                facts.push(FactView {
                    document: s.document.clone(),
                    outlet: s.outlet.clone(),
                    value: f.value,
                    unit: f.unit.clone(),
                    subject: f.subject.clone(),
                    text,
                });
            }
        }
        let key = |fs: &[FactView]| -> BTreeSet<(String, u64)> {
            fs.iter()
                .map(|f| (f.document.clone(), f.value.to_bits()))
                .collect()
        };
        let mine = key(&facts);
        if out.iter().any(|d| key(&d.facts) == mine) {
            continue;
        }
        let first = &c.disagreement[0];
        out.push(Disagreement {
            subject: first.subject.clone().unwrap_or_else(|| c.text.clone()),
            unit: first.unit.clone(),
            facts,
        });
    }
}

fn disagreements(facts: &[FactView]) -> Vec<Disagreement> {
    let mut groups: BTreeMap<(String, String), Vec<&FactView>> = BTreeMap::new();
    for f in facts {
        let Some(subject) = f
            .subject
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            continue;
        };
        groups
            .entry((subject.to_lowercase(), f.unit.clone().unwrap_or_default()))
            .or_default()
            .push(f);
    }
    let mut out = Vec::new();
    for ((_, unit), fs) in groups {
        let docs: std::collections::HashSet<&str> =
            fs.iter().map(|f| f.document.as_str()).collect();
        let min = fs.iter().map(|f| f.value).fold(f64::INFINITY, f64::min);
        let max = fs.iter().map(|f| f.value).fold(f64::NEG_INFINITY, f64::max);
        let differ = max - min > 0.005 * max.abs().max(min.abs()).max(1e-9);
        if docs.len() > 1 && differ {
            out.push(Disagreement {
                subject: fs[0].subject.clone().unwrap_or_default(),
                unit: (!unit.is_empty()).then_some(unit),
                facts: fs.into_iter().cloned().collect(),
            });
        }
    }
    out
}

/// The places the documents name (entities of kind place), the most documents first (ties by
/// name), not yet located.
fn places_named(documents: &[DocumentView], c: &Catalog) -> Vec<PlaceView> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for d in documents {
        for e in d.entities.iter().filter(|e| e.kind == "place") {
            *counts.entry(e.id.as_str()).or_default() += 1;
        }
    }
    let mut out: Vec<PlaceView> = counts
        .into_iter()
        .filter_map(|(id, documents)| {
            let e = &c.entities[*c.entity_index.get(id)?];
            Some(PlaceView {
                entity: e.id.clone(),
                name: e.name.clone(),
                documents,
                country: None,
                latitude: None,
                longitude: None,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.documents
            .cmp(&a.documents)
            .then_with(|| a.name.cmp(&b.name))
    });
    out
}

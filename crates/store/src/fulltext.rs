//! Full-text analysis shared by the index and its queries, on both backends: a document's terms
//! and a query's forms, both from the analyser in `lang` ([`lang::analyse`], [`lang::query_forms`]),
//! and [`TextQuery`], a query already expanded into groups of alternatives.
//!
//! A document's text is analysed in the language of each segment (its title in the language of
//! its first segment): stemmed with that language's pack, Chinese cut by jieba, Japanese, Korean
//! and Thai cut into character pairs, a language without a pack language-neutrally. A query's
//! language is unknown, so each alternative is matched in every form the analyser gives it
//! (its analysis in each language of its scripts, and the neutral one): 習近平 finds 习近平,
//! «Казани» finds «Казань», and "Wahlen" finds "Wahl" in German documents.

/// Index terms of `text` language-neutrally analysed, or in the language `lang` (a tag).
pub fn index_terms(text: &str, lang: &str) -> Vec<String> {
    lang::analyse(text, lang::Lang::parse(lang))
}

/// The language a document's title (and its text, when it has no segments) is analysed in.
fn title_lang(article: &model::Article) -> lang::Lang {
    match article.segments.first() {
        Some(s) => lang::Lang::parse(&s.lang),
        None => lang::Lang::parse(&lang::detect(&article.text())),
    }
}

/// The text indexed for a document: its title and its segments (or its text), as terms separated by
/// spaces (the FTS tokenizer only splits at spaces and punctuation after this).
pub fn document_terms(article: &model::Article) -> String {
    let mut terms = Vec::new();
    let first = title_lang(article);
    if let Some(t) = &article.title {
        terms.extend(lang::analyse(t, first));
    }
    if article.segments.is_empty() {
        terms.extend(lang::analyse(&article.text(), first));
    }
    for s in &article.segments {
        terms.extend(lang::analyse(&s.text, lang::Lang::parse(&s.lang)));
    }
    terms.join(" ")
}

/// The forms of one query alternative the index may hold ([`lang::query_forms`]), each as its
/// terms joined by spaces.
pub fn query_phrases(alternative: &str) -> Vec<String> {
    lang::query_forms(alternative)
        .into_iter()
        .map(|t| t.join(" "))
        .collect()
}

pub use model::TextQuery;

/// `q` without the groups whose every alternative is a stopword ([`lang::is_stopword`]): what
/// the fallback to documents matching any group searches, so that a long query (a title) does
/// not bring every document that shares "в" or "the" with it. Matching every group still asks
/// for all of them.
pub(crate) fn content_groups(q: &TextQuery) -> TextQuery {
    TextQuery {
        groups: q
            .groups
            .iter()
            .filter(|g| !g.iter().all(|a| lang::is_stopword(a)))
            .cloned()
            .collect(),
        ..q.clone()
    }
}

/// What the store's analyser makes of a [`TextQuery`]: one from plain words, and whether a
/// document holds one of its exclusions.
pub trait QueryText {
    /// One group per word of `query` (words as the index cuts them), no alternatives.
    fn all_words(query: &str) -> TextQuery;
    /// Whether `article` contains one of the exclusions, as the index would match it: for
    /// documents that reach a result by another way than the index (by meaning).
    fn excludes(&self, article: &model::Article) -> bool;
}

impl QueryText for TextQuery {
    fn all_words(query: &str) -> TextQuery {
        TextQuery {
            groups: lang::TextLayer::shared()
                .words(query)
                .into_iter()
                .map(|t| vec![t])
                .collect(),
            ..TextQuery::default()
        }
    }

    fn excludes(&self, article: &model::Article) -> bool {
        let excluded: Vec<String> = self.exclude.iter().flat_map(|x| padded(x)).collect();
        if excluded.is_empty() {
            return false;
        }
        let terms = padded_document_terms(article);
        excluded.iter().any(|x| terms.contains(x.as_str()))
    }
}
/// [`document_terms`] with a space before and after, so that a phrase's terms between spaces
/// ([`padded`]) occur in it exactly where the document has those whole terms in that order.
pub(crate) fn padded_document_terms(article: &model::Article) -> String {
    format!(" {} ", document_terms(article))
}

/// The forms of one alternative, each between spaces (see [`padded_document_terms`]); empty
/// when nothing of it survives analysis.
pub(crate) fn padded(alternative: &str) -> Vec<String> {
    query_phrases(alternative)
        .into_iter()
        .map(|p| format!(" {p} "))
        .collect()
}

/// A [`TextQuery`] as the phrases the index matches, in the order FTS5 numbers them (bm25 sums
/// over them in that order): per group the forms of its alternatives ([`query_phrases`], each a
/// phrase, without repeats inside a group), then the exclusions. Both backends rank from this.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Phrases {
    pub groups: Vec<Vec<String>>,
    pub exclude: Vec<String>,
}

impl Phrases {
    pub(crate) fn of(q: &TextQuery) -> Phrases {
        let mut groups = Vec::new();
        for group in &q.groups {
            let mut alts: Vec<String> = Vec::new();
            for p in group.iter().flat_map(|a| query_phrases(a)) {
                if !alts.contains(&p) {
                    alts.push(p);
                }
            }
            if !alts.is_empty() {
                groups.push(alts);
            }
        }
        let mut exclude: Vec<String> = Vec::new();
        for p in q.exclude.iter().flat_map(|a| query_phrases(a)) {
            if !exclude.contains(&p) {
                exclude.push(p);
            }
        }
        Phrases { groups, exclude }
    }

    /// The positive phrases, for snippets.
    pub(crate) fn terms(&self) -> Vec<String> {
        self.groups.iter().flatten().cloned().collect()
    }
}

/// Quote one phrase as an FTS5 string.
fn fts_string(phrase: &str) -> String {
    format!("\"{}\"", phrase.replace('"', "\"\""))
}

/// The FTS5 match expression for groups joined by `joiner` (`AND` / `OR`), less the
/// exclusions, plus the analysed terms of the groups (for snippets). `None` when the groups have
/// no terms. User text only ever reaches FTS5 inside quoted strings ([`fts_string`]).
pub(crate) fn fts_expression(q: &TextQuery, joiner: &str) -> Option<(String, Vec<String>)> {
    let phrases = Phrases::of(q);
    let parts: Vec<String> = phrases
        .groups
        .iter()
        .map(|alts| {
            let alts: Vec<String> = alts.iter().map(|a| fts_string(a)).collect();
            if alts.len() == 1 {
                alts[0].clone()
            } else {
                format!("({})", alts.join(" OR "))
            }
        })
        .collect();
    if parts.is_empty() {
        return None;
    }
    let mut expr = parts.join(&format!(" {joiner} "));
    if !phrases.exclude.is_empty() {
        let excluded: Vec<String> = phrases.exclude.iter().map(|x| fts_string(x)).collect();
        expr = format!("({expr}) NOT ({})", excluded.join(" OR "));
    }
    Some((expr, phrases.terms()))
}

/// Whether FTS5's `unicode61` tokenizer keeps `c` inside a token: ASCII letters and digits, and
/// beyond ASCII the general categories L*, N* and Co (its default `categories`); everything
/// else separates tokens.
fn is_token_char(c: char) -> bool {
    use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter | GeneralCategoryGroup::Number
    ) || c.general_category() == GeneralCategory::PrivateUse
}

/// The tokens FTS5 (`unicode61 remove_diacritics 0`) makes of analysed terms joined by spaces.
/// The terms are already lowercase, so its case folding changes nothing.
pub(crate) fn fts_tokens(terms: &str) -> impl Iterator<Item = &str> {
    terms
        .split(|c: char| !is_token_char(c))
        .filter(|t| !t.is_empty())
}

/// Tokens each between two spaces of its own (` a  b  c `): a phrase written the same way
/// occurs in it (`strpos`) exactly where the tokens follow each other, and a one-token phrase's
/// occurrences never overlap. With the number of tokens.
pub(crate) fn spaced_tokens(terms: &str) -> (String, usize) {
    let mut out = String::with_capacity(terms.len() + 16);
    let mut n = 0;
    for t in fts_tokens(terms) {
        out.push(' ');
        out.push_str(t);
        out.push(' ');
        n += 1;
    }
    (out, n)
}

/// Whether occurrences of the spaced phrase `p` ([`spaced_tokens`]) can overlap: some of its
/// tokens, but not all, end it as they begin it (`a b a`, `a a`).
pub(crate) fn self_overlapping(p: &str) -> bool {
    let tokens: Vec<&str> = fts_tokens(p).collect();
    (1..tokens.len()).any(|k| tokens[k..] == tokens[..tokens.len() - k])
}

/// The snippet of a hit: from its original text (title, then the paragraphs, given as the
/// JSON array the stored article holds; none or unreadable: the title alone).
pub(crate) fn hit_snippet(
    title: Option<&str>,
    paragraphs: Option<&str>,
    terms: &[String],
) -> String {
    let paragraphs: Vec<String> = paragraphs
        .and_then(|p| serde_json::from_str(p).ok())
        .unwrap_or_default();
    let text = format!("{}\n{}", title.unwrap_or(""), paragraphs.join("\n\n"));
    snippet(&text, terms)
}

/// About 40 characters either side of the first place where one of `terms` (analysed, so
/// lowercase, Simplified and possibly stemmed: a stem is a prefix of the word) occurs in
/// `text`; the start of the text when none is found verbatim.
fn snippet(text: &str, terms: &[String]) -> String {
    // Search the lowercased original (same characters, so positions carry over), for each
    // term as analysed and in Traditional form (习近平 → 習近平).
    let lower = text.to_lowercase();
    let orig: Vec<char> = text.chars().collect();
    let earliest = |forms: &mut dyn Iterator<Item = String>| {
        let mut best: Option<(usize, usize)> = None;
        for form in forms.filter(|f| !f.is_empty()) {
            for f in [lang::to_traditional(&form), form] {
                if let Some(byte) = lower.find(&f) {
                    let at = lower[..byte].chars().count();
                    if best.is_none_or(|(b, _)| at < b) {
                        best = Some((at, f.chars().count()));
                    }
                }
            }
        }
        best
    };
    // Whole phrases first (Chinese words of a phrase stand without spaces: 金 砖 → 金砖),
    // then single words.
    let whole = earliest(&mut terms.iter().map(|t| {
        if t.chars().any(|c| c.is_ascii_alphanumeric()) {
            t.clone()
        } else {
            t.replace(' ', "")
        }
    }));
    let best = whole.or_else(|| {
        earliest(
            &mut terms
                .iter()
                .flat_map(|t| t.split(' ').map(str::to_string).collect::<Vec<_>>()),
        )
    });
    let (at, len) = best.unwrap_or((0, 0));
    let n = orig.len();
    let from = at.min(n).saturating_sub(40);
    let to = (at + len + 40).min(n);
    let mut s: String = orig[from..to].iter().collect();
    s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if from > 0 {
        s.insert(0, '…');
    }
    if to < n {
        s.push('…');
    }
    s
}

//! The query syntax every entry point takes (`storyline search`, `/api/search`, the web UI),
//! read into a [`Query`] before expansion:
//!
//! - words are all required: `council budget` finds documents with both;
//! - `OR` (upper case) between two words or phrases makes them alternatives, and binds tighter
//!   than the implicit AND: `summit Kazan OR Johannesburg` is summit and (Kazan or Johannesburg);
//! - `"…"` is a phrase: its words in that order, next to each other (after the index's
//!   analysis: stems, Simplified Chinese, jieba's words). `“…”`, `«…»`, `„…“` and `「…」` quote too;
//! - `-word` and `-"a phrase"` exclude documents that contain them.
//!
//! Lenient readings: a quote left open runs to the end of the query; a `-` standing alone is
//! punctuation and ignored; parentheses and other punctuation are not syntax (the analysis drops
//! them). Errors ([`QueryError`]): `OR` without a word or phrase on both sides (at either end,
//! twice in a row, or next to an exclusion), a query of exclusions only, and more than
//! [`MAX_PARTS`] words, phrases and exclusions.

/// Most words, phrases and exclusions in one query.
pub const MAX_PARTS: usize = 64;

/// A word (as typed, not yet cut into the index's words) or a quoted phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    Word(String),
    Phrase(String),
}

impl Unit {
    pub fn text(&self) -> &str {
        match self {
            Unit::Word(t) | Unit::Phrase(t) => t,
        }
    }
}

/// A parsed query: every clause must match, a clause matches when one of its alternatives
/// does, and no exclusion may match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub clauses: Vec<Vec<Unit>>,
    pub exclude: Vec<Unit>,
}

impl Query {
    /// Whether the query is plain words (no `OR`, no phrase; exclusions aside).
    pub fn is_plain(&self) -> bool {
        self.clauses
            .iter()
            .all(|c| matches!(c.as_slice(), [Unit::Word(_)]))
    }

    /// What the query asks for, without its syntax and exclusions: the text the encoder ranks
    /// documents by.
    pub fn positive_text(&self) -> String {
        self.clauses
            .iter()
            .flatten()
            .map(Unit::text)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What is wrong with a query.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("`OR` at the start has nothing before it")]
    OrAtStart,
    #[error("`OR` at the end has nothing after it")]
    OrAtEnd,
    #[error("`OR` follows another `OR`")]
    OrTwice,
    #[error("`OR` next to an exclusion: an excluded `-word` cannot be an alternative")]
    OrWithExclusion,
    #[error("it only excludes (`-word`); add a word or phrase to search for")]
    OnlyExclusions,
    #[error("it has more than {} words, phrases and exclusions", MAX_PARTS)]
    TooLong,
}

/// A query that cannot be read, with the query (its first 100 characters) and the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read the search query `{query}`: {problem} (syntax: words are all required, `a OR b` for either, \"a phrase\" for words in order, -word to exclude)")]
pub struct QueryError {
    pub query: String,
    pub problem: Problem,
}

/// One piece of a query as typed.
enum Token {
    Or,
    Unit { exclude: bool, unit: Unit },
}

/// Quote characters that open a phrase, with the characters that close it.
const QUOTES: &[(char, &[char])] = &[
    ('"', &['"']),
    ('“', &['”', '"']),
    ('«', &['»']),
    ('„', &['“', '”']),
    ('「', &['」']),
];

fn closing(open: char) -> Option<&'static [char]> {
    QUOTES.iter().find(|(o, _)| *o == open).map(|(_, c)| *c)
}

fn tokens(query: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = query.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut exclude = false;
        if chars.next_if_eq(&'-').is_some() {
            match chars.peek() {
                Some(c) if !c.is_whitespace() => exclude = true,
                // A dash alone is punctuation.
                _ => continue,
            }
        }
        let Some(first) = chars.next() else { break };
        if let Some(close) = closing(first) {
            let mut phrase = String::new();
            for c in chars.by_ref() {
                if close.contains(&c) {
                    break;
                }
                phrase.push(c);
            }
            if !phrase.trim().is_empty() {
                out.push(Token::Unit {
                    exclude,
                    unit: Unit::Phrase(phrase.trim().to_string()),
                });
            }
            continue;
        }
        let mut word = String::from(first);
        while let Some(c) = chars.next_if(|&c| !c.is_whitespace() && closing(c).is_none()) {
            word.push(c);
        }
        if word == "OR" && !exclude {
            out.push(Token::Or);
        } else {
            out.push(Token::Unit {
                exclude,
                unit: Unit::Word(word),
            });
        }
    }
    out
}

/// Read `query` (see the module docs for the syntax). An empty query (or one of punctuation)
/// is an empty [`Query`].
pub fn parse(query: &str) -> Result<Query, QueryError> {
    let fail = |problem| QueryError {
        query: query.trim().chars().take(100).collect(),
        problem,
    };
    let mut q = Query::default();
    // An `OR` was read and waits for its right-hand side.
    let mut joining = false;
    // The last token was a word or phrase to search for (what an `OR` may follow).
    let mut after_positive = false;
    for t in tokens(query) {
        match t {
            Token::Or if joining => return Err(fail(Problem::OrTwice)),
            Token::Or if q.clauses.is_empty() && q.exclude.is_empty() => {
                return Err(fail(Problem::OrAtStart))
            }
            Token::Or if !after_positive => return Err(fail(Problem::OrWithExclusion)),
            Token::Or => joining = true,
            Token::Unit {
                exclude: true,
                unit,
            } => {
                if joining {
                    return Err(fail(Problem::OrWithExclusion));
                }
                q.exclude.push(unit);
                after_positive = false;
            }
            Token::Unit {
                exclude: false,
                unit,
            } => {
                match q.clauses.last_mut() {
                    Some(clause) if joining => clause.push(unit),
                    _ => q.clauses.push(vec![unit]),
                }
                joining = false;
                after_positive = true;
            }
        }
    }
    if joining {
        return Err(fail(Problem::OrAtEnd));
    }
    if q.clauses.is_empty() && !q.exclude.is_empty() {
        return Err(fail(Problem::OnlyExclusions));
    }
    if q.clauses.iter().map(Vec::len).sum::<usize>() + q.exclude.len() > MAX_PARTS {
        return Err(fail(Problem::TooLong));
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(t: &str) -> Unit {
        Unit::Word(t.into())
    }

    fn p(t: &str) -> Unit {
        Unit::Phrase(t.into())
    }

    fn problem(q: &str) -> Problem {
        parse(q).unwrap_err().problem
    }

    #[test]
    fn words_are_clauses_and_or_joins_its_neighbours() {
        let q = parse("summit Kazan OR Johannesburg").unwrap();
        assert_eq!(
            q.clauses,
            vec![vec![w("summit")], vec![w("Kazan"), w("Johannesburg")]]
        );
        let q = parse("council OR budget OR \"city hall\"").unwrap();
        assert_eq!(
            q.clauses,
            vec![vec![w("council"), w("budget"), p("city hall")]]
        );
        // Lower-case `or` is a word.
        assert_eq!(parse("council or budget").unwrap().clauses.len(), 3);
        assert!(parse("council budget").unwrap().is_plain());
        assert!(!parse("council OR budget").unwrap().is_plain());
    }

    #[test]
    fn quotes_make_phrases_and_dashes_exclude() {
        let q = parse("«Си Цзиньпин» -\"trade war\" -tariffs 「金砖国家」 covid-19").unwrap();
        assert_eq!(
            q.clauses,
            vec![
                vec![p("Си Цзиньпин")],
                vec![p("金砖国家")],
                vec![w("covid-19")]
            ]
        );
        assert_eq!(q.exclude, vec![p("trade war"), w("tariffs")]);
        assert_eq!(q.positive_text(), "Си Цзиньпин 金砖国家 covid-19");
        // A quote inside a word starts a phrase.
        let q = parse("a\"b c\"d").unwrap();
        assert_eq!(q.clauses, vec![vec![w("a")], vec![p("b c")], vec![w("d")]]);
    }

    #[test]
    fn lenient_readings() {
        // An open quote runs to the end.
        assert_eq!(
            parse("\"budget vote").unwrap().clauses,
            vec![vec![p("budget vote")]]
        );
        // A dash alone is punctuation; so is an empty phrase.
        assert_eq!(
            parse("Kazan - summit -").unwrap().clauses,
            vec![vec![w("Kazan")], vec![w("summit")]]
        );
        assert_eq!(parse("\"\" -").unwrap(), Query::default());
        assert_eq!(parse("   ").unwrap(), Query::default());
        // `-OR` excludes the word.
        assert_eq!(parse("a -OR").unwrap().exclude, vec![w("OR")]);
    }

    #[test]
    fn bad_syntax_is_a_clear_error() {
        assert_eq!(problem("OR budget"), Problem::OrAtStart);
        assert_eq!(problem("council OR"), Problem::OrAtEnd);
        assert_eq!(problem("council OR OR budget"), Problem::OrTwice);
        assert_eq!(problem("council OR -budget"), Problem::OrWithExclusion);
        assert_eq!(problem("-council OR budget"), Problem::OrWithExclusion);
        assert_eq!(
            problem("-council -\"city budget\""),
            Problem::OnlyExclusions
        );
        let long = vec!["w"; MAX_PARTS + 1].join(" ");
        assert_eq!(problem(&long), Problem::TooLong);
        let e = parse("council OR").unwrap_err().to_string();
        assert!(
            e.contains("`council OR`") && e.contains("nothing after it"),
            "{e}"
        );
    }
}

//! Main-text selection on a read page: drop boilerplate subtrees (navigation, footers, share
//! bars, comments, cookie notices…), score the containers that hold real paragraphs, take the
//! best one plus siblings that score nearly as well, and keep its readable blocks in order.
//!
//! The approach follows the readability family (paragraph scores propagated to ancestors, class
//! and id hints, link density), with boilerplate patterns in the spirit of trafilatura's cleaning
//! rules. Everything is iterative over the flat element list from [`crate::html`].

use crate::html::{is_block, Block, Page};

/// Class/id fragments that mark boilerplate whatever else the element says.
const STRONG_NEG: &[&str] = &[
    "comment",
    "cookie",
    "consent",
    "gdpr",
    "share",
    "sharing",
    "social",
    "newsletter",
    "breadcrumb",
    "related",
    "recommend",
    "footer",
    "navbar",
    "navigation",
    "sidebar",
    "side-bar",
    "advert",
    "popup",
    "modal",
    "subscribe",
    "pagination",
    "pager",
    "skip-link",
    "skiplink",
    "print-only",
    "tagcloud",
    "tag-list",
    "taglist",
    "post-tags",
    "article-tags",
    "author-bio",
    "authorbio",
    "about-author",
    "author-box",
    "authorbox",
    "author-description",
    "author-info",
    "table-of-contents",
    "ez-toc",
    "outbrain",
    "taboola",
    "disqus",
    "promo",
    "masthead",
    "navbox",
    "toolbar",
    "login",
    "signup",
    "sponsor",
    "banner",
    "more-stories",
    "morestories",
    "trending",
    "most-popular",
    "mostpopular",
    "read-more",
    "readmore",
    "jump-to",
    "offcanvas",
    "off-canvas",
    "dropdown",
    "submenu",
    "mega-menu",
    "megamenu",
    "screen-reader",
    "sr-only",
    "visually-hidden",
    "visuallyhidden",
    "noprint",
    "rating",
    "caption",
    "credit",
    "copyright",
    "inline-ad",
    "ad-slot",
    "adslot",
    "ad-container",
    "ad-wrapper",
    "dfp",
];

/// Exact class/id tokens that mark boilerplate.
const NEG_TOKENS: &[&str] = &[
    "nav",
    "menu",
    "ad",
    "ads",
    "adv",
    "tags",
    "tag",
    "meta",
    "share",
    "social",
    "foot",
    "header",
    "aside",
    "sidebar",
    "comments",
    "byline",
    "date",
    "author",
    "search",
    "topbar",
    "lang",
    "language",
    "login",
    "entry-meta",
    "post-meta",
    "article-meta",
    "postmeta",
    "info",
    "is-hidden",
    "d-none",
    // Collapsed until a reader opens it: track listings, navigation boxes, "more" lists
    // (MediaWiki's `mw-collapsed`/`autocollapse`, `NavFrame collapsed`, accordions).
    "collapsed",
    "mw-collapsed",
    "autocollapse",
];

/// Class/id fragments that mark content.
const POSITIVE: &[&str] = &[
    "article", "content", "entry", "post", "story", "text", "body", "main", "blog", "news",
    "detail", "prose", "rich", "zoom",
];

fn strong_negative(class_id: &str) -> bool {
    if class_id.is_empty() {
        return false;
    }
    for tok in class_id.split_ascii_whitespace() {
        if NEG_TOKENS.contains(&tok) {
            return true;
        }
        // Page-builder and grid names that only look like boilerplate: `elementor-widget-text`,
        // `field--label-hidden`, `hidden-xs`, `commentary`, `node--promoted`.
        if tok.starts_with("widget") || tok.contains("widget-area") {
            return true;
        }
        if STRONG_NEG.iter().any(|p| contains_at_word_start(tok, p))
            && !tok.contains("commentary")
            && !tok.contains("promoted")
        {
            // `article-body-with-sharing` style names are rare; names like `entry-content`
            // never hit this list, so a positive word does not rescue a strong negative,
            // except for whole-page wrappers.
            if POSITIVE.iter().any(|p| tok.contains(p))
                && !tok.contains("comment")
                && !tok.contains("related")
                && !tok.contains("footer")
                && !tok.contains("share")
                && !tok.contains("caption")
            {
                continue;
            }
            return true;
        }
        // `ad-…`, `ads-…`, `…-ad`
        if tok.starts_with("ad-") || tok.starts_with("ads-") || tok.ends_with("-ad") {
            return true;
        }
        if tok.starts_with("nav-") || tok.starts_with("nav_") || tok.starts_with("menu") {
            return true;
        }
    }
    false
}

/// `frag` occurs in `tok` at the start of a word of the name (after `-`, `_`, `.` or a digit):
/// `article-sharing` and `sharebar` hit `shar…`, `apageroot` does not hit `pager`.
fn contains_at_word_start(tok: &str, frag: &str) -> bool {
    let (t, f) = (tok.as_bytes(), frag.as_bytes());
    if f.len() > t.len() {
        return false;
    }
    (0..=t.len() - f.len())
        .any(|i| (i == 0 || !t[i - 1].is_ascii_lowercase()) && t[i..].starts_with(f))
}

fn positive(class_id: &str) -> bool {
    POSITIVE.iter().any(|p| class_id.contains(p))
}

/// Weighted length: CJK characters carry about three Latin characters' worth of text.
pub fn weighted_len(s: &str) -> usize {
    s.chars()
        .map(|c| if is_cjk(c) { 3 } else { 1 })
        .sum::<usize>()
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xac00..=0xd7af | 0xf900..=0xfaff)
}

fn commas(s: &str) -> usize {
    s.chars()
        .filter(|c| matches!(c, ',' | '，' | '、' | '。' | '；' | ';'))
        .count()
}

/// Per-element boilerplate flags (inherited from ancestors). A class or id hint does not
/// remove an element that holds most of the page's paragraph text (`widget Blog` wrappers).
pub fn boilerplate(page: &Page) -> &[bool] {
    page.boiler.get_or_init(|| compute_boilerplate(page))
}

fn compute_boilerplate(page: &Page) -> Vec<bool> {
    let n = page.elems.len();
    let mut good = vec![0usize; n];
    let mut total = 0usize;
    let mut has_h1 = vec![false; n];
    for b in &page.blocks {
        let wl = weighted_len(&b.text);
        let para = wl >= 25 && b.link_chars * 2 < b.chars;
        if para {
            total += wl;
        }
        for a in page.ancestors(b.elem) {
            if para {
                good[a] += wl;
            }
            if b.heading == 1 {
                has_h1[a] = true;
            }
        }
    }
    let mut out = vec![false; n];
    for (i, e) in page.elems.iter().enumerate() {
        if i == 0 {
            continue;
        }
        let inherited = out[e.parent];
        let structural = e.hidden
            || matches!(
                e.tag.as_str(),
                "nav" | "aside" | "footer" | "menu" | "dialog" | "figcaption"
            )
            || matches!(
                e.role.as_str(),
                "navigation" | "contentinfo" | "complementary" | "menu" | "search" | "dialog"
            )
            || e.itemprop == "comment";
        // A `<header>` is page furniture unless it carries the headline or a lead paragraph.
        let hinted = (e.tag == "header" && !positive(&e.class_id) && !has_h1[i] && good[i] < 100)
            || (strong_negative(&e.class_id) && !matches!(e.tag.as_str(), "body" | "html"));
        let big = total > 0 && good[i] * 5 > total * 2;
        out[i] = inherited
            || (structural && !(big && e.tag != "footer" && good[i] * 10 > total * 7))
            || (hinted && !big);
    }
    out
}

/// The selected main text: paragraphs in order (possibly empty).
pub fn main_text(page: &Page) -> Vec<String> {
    let blocks = select_blocks(page);
    let mut out: Vec<String> = Vec::new();
    // The table row the last line came from: the cells of a row make one line.
    let mut last_row: Option<usize> = None;
    for b in blocks {
        let row = table_cell_row(page, b);
        if let (Some(r), Some(last)) = (row, out.last_mut()) {
            if last_row == Some(r) {
                last.push('\t');
                last.push_str(b.text.trim());
                continue;
            }
        }
        last_row = row;
        for line in b.text.split('\n') {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if out.last().is_some_and(|l| l == line) {
                continue;
            }
            out.push(line.to_string());
        }
    }
    out
}

/// A plain table cell holds one short line of text.
const CELL_MAX: usize = 200;

/// The row (`tr`) of a block that is a plain table cell: its text sits in a `td`/`th` (through
/// inline elements only), on one short line. A row of such cells is one record of a data table
/// (`2016年 | 5月6日至10月7日 | KBS | 欢迎SHOW`) and reads as one line, as a browser shows it;
/// a layout table's cells hold paragraphs and blocks of their own and are not plain.
fn table_cell_row(page: &Page, b: &Block) -> Option<usize> {
    if b.text.contains('\n') || weighted_len(&b.text) > CELL_MAX {
        return None;
    }
    let cell = page
        .ancestors(b.elem)
        .take(8)
        .find(|&a| is_block(&page.elems[a].tag))?;
    if !matches!(page.elems[cell].tag.as_str(), "td" | "th") {
        return None;
    }
    let row = page.elems[cell].parent;
    (page.elems[row].tag == "tr").then_some(row)
}

/// Rows of data tables: a row with at least two plain cells of which one is not a link (a date,
/// a name, a figure). Its linked cells are data (`KBS`, a product, a song), not navigation, and
/// stay whatever their link density. A row of links only (a menu laid out as a table) is not
/// data, nor is one with a linked headline (a list of related stories with their dates).
fn data_rows(page: &Page, boiler: &[bool]) -> std::collections::HashSet<usize> {
    #[derive(Default)]
    struct Row {
        cells: usize,
        plain: bool,
        headline: bool,
    }
    let mut rows: std::collections::HashMap<usize, Row> = Default::default();
    for b in &page.blocks {
        if boiler[b.elem] {
            continue;
        }
        if let Some(r) = table_cell_row(page, b) {
            let e = rows.entry(r).or_default();
            e.cells += 1;
            e.plain |= b.link_chars * 10 < b.chars * 3 && b.text.chars().any(char::is_alphanumeric);
            e.headline |=
                b.link_chars * 10 > b.chars * 6 && weighted_len(&b.text) >= LINKED_HEADLINE;
        }
    }
    rows.into_iter()
        .filter(|(_, r)| r.cells >= 2 && r.plain && !r.headline)
        .map(|(i, _)| i)
        .collect()
}

/// A linked cell this long (weighted) is a headline, not a name: about 15 Chinese characters or
/// 45 Latin ones.
const LINKED_HEADLINE: usize = 45;

/// The baseline replaces the chosen container when that holds less than this share of it…
const BASELINE_SHARE: f64 = 0.7;
/// …and the baseline has at least this much (weighted) text.
const BASELINE_MIN: usize = 300;

/// A paragraph for the baseline: real prose in a `<p>` (or a long block anywhere) with few
/// links.
fn is_baseline_paragraph(page: &Page, b: &Block) -> bool {
    if b.heading != 0 || b.link_chars * 10 > b.chars * 3 {
        return false;
    }
    let wl = weighted_len(&b.text);
    (page.elems[b.elem].tag == "p" && wl >= 40) || wl >= 250
}

/// Weighted paragraph text a section next to the chosen one needs to join it.
const ADJACENT_MIN: usize = 100;

/// How many ancestor levels the climb looks through for one that holds more text.
const CLIMB_LOOKAHEAD: usize = 3;

fn select_blocks(page: &Page) -> Vec<&Block> {
    let n = page.elems.len();
    let boiler = boilerplate(page);
    // Block-level anchor of each element: the nearest block ancestor (itself included).
    let mut anchor = vec![0usize; n];
    for (i, e) in page.elems.iter().enumerate() {
        anchor[i] = if is_block(&e.tag) || i == 0 {
            i
        } else {
            anchor[e.parent]
        };
    }
    // Subtree text and link totals.
    let mut good = vec![0usize; n];
    let mut chars = vec![0usize; n];
    let mut links = vec![0usize; n];
    let mut score = vec![0f64; n];
    for b in &page.blocks {
        if boiler[b.elem] {
            continue;
        }
        for a in page.ancestors(b.elem) {
            chars[a] += b.chars;
            links[a] += b.link_chars;
        }
        let wl = weighted_len(&b.text);
        let ld = b.link_chars as f64 / b.chars.max(1) as f64;
        if wl < 25 || ld > 0.5 {
            continue;
        }
        for a in page.ancestors(b.elem) {
            good[a] += wl;
        }
        let s = (1.0 + commas(&b.text) as f64 + (wl as f64 / 100.0).min(3.0)) * (1.0 - ld);
        let p = anchor[b.elem];
        let mut cur = p;
        for level in 0..5 {
            let div = match level {
                0 => 1.0,
                1 => 1.0,
                2 => 2.0,
                l => l as f64 * 3.0,
            };
            score[cur] += s / div;
            if cur == 0 {
                break;
            }
            cur = page.elems[cur].parent;
        }
    }
    // Candidate scores with hints.
    let mut best = 0usize;
    let mut best_score = 0f64;
    for i in 1..n {
        if score[i] <= 0.0 || boiler[i] {
            continue;
        }
        let e = &page.elems[i];
        let mut s = score[i];
        if positive(&e.class_id) {
            s += 25.0 * (s / (s + 10.0));
        }
        match e.tag.as_str() {
            "article" | "main" => s += 10.0,
            "td" | "blockquote" => s += 3.0,
            "form" | "li" | "ul" | "ol" => s -= 3.0,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => s -= 5.0,
            _ => {}
        }
        if e.itemprop == "articlebody" || e.itemprop == "text" {
            s += 30.0;
        }
        let ld = links[i] as f64 / chars[i].max(1) as f64;
        s *= 1.0 - ld;
        score[i] = s;
        if s > best_score {
            best_score = s;
            best = i;
        }
    }
    if best == 0 {
        return Vec::new();
    }
    // Climb while the parent holds substantially more paragraph text (articles split into
    // several sections), but not into the page wrapper.
    // Wrapper levels that add no text (`div.entry > div.content > div.text`) are looked
    // through: the climb compares the best with its nearest ancestors, up to a few levels up,
    // so a sibling section one wrapper away (a slide, a continued part) is still reached.
    let grow = 1.3;
    'climb: loop {
        if matches!(page.elems[best].tag.as_str(), "article" | "main")
            || page.elems[best].itemprop == "articlebody"
        {
            break;
        }
        let mut p = best;
        for _ in 0..CLIMB_LOOKAHEAD {
            p = page.elems[p].parent;
            if p == 0 || matches!(page.elems[p].tag.as_str(), "body" | "html") || boiler[p] {
                break 'climb;
            }
            if (good[p] as f64) >= good[best] as f64 * grow {
                best = p;
                best_score = best_score.max(score[p]);
                continue 'climb;
            }
            if good[p] > good[best] || matches!(page.elems[p].tag.as_str(), "article" | "main") {
                break 'climb;
            }
        }
        break;
    }
    // Siblings of the best candidate that score well join it.
    let parent = page.elems[best].parent;
    let threshold = (best_score * 0.1).max(8.0);
    let mut roots: Vec<usize> = vec![best];
    for i in best + 1..n {
        if page.elems[i].parent == parent && i != best && !boiler[i] && score[i] >= threshold {
            roots.push(i);
        }
    }
    for i in (1..best).rev() {
        if page.elems[i].parent == parent && !boiler[i] && score[i] >= threshold {
            roots.push(i);
        }
    }
    // The sections right next to it join too when they are prose with few links, with only
    // empty elements in between: an abstract or standfirst block before a long body, the part
    // after an inline box, which a share of a long body's score would not reach.
    let siblings: Vec<usize> = (1..n).filter(|&i| page.elems[i].parent == parent).collect();
    let pos = siblings.iter().position(|&i| i == best).unwrap_or(0);
    let prose = |i: usize| good[i] >= ADJACENT_MIN && links[i] * 100 < chars[i] * 15;
    for step in [1isize, -1] {
        let mut k = pos as isize + step;
        while let Some(&i) = usize::try_from(k).ok().and_then(|k| siblings.get(k)) {
            k += step;
            if boiler[i] {
                break;
            }
            if chars[i] == 0 || roots.contains(&i) {
                continue;
            }
            if !prose(i) {
                break;
            }
            roots.push(i);
        }
    }
    let in_roots = |e: usize| -> bool { page.ancestors(e).any(|a| roots.contains(&a)) };
    let rows = data_rows(page, boiler);
    let mut out = Vec::new();
    for b in &page.blocks {
        if boiler[b.elem] {
            continue;
        }
        let inside = in_roots(b.elem)
            // direct paragraph siblings of the best candidate
            || (page.elems[b.elem].parent == parent
                && page.elems[b.elem].tag == "p"
                && weighted_len(&b.text) > 80
                && b.link_chars * 4 < b.chars);
        if !inside {
            continue;
        }
        if table_cell_row(page, b).is_some_and(|r| rows.contains(&r)) {
            out.push(b);
            continue;
        }
        let ld = b.link_chars as f64 / b.chars.max(1) as f64;
        if ld > 0.6 && b.heading == 0 {
            continue;
        }
        if ld > 0.3 && weighted_len(&b.text) < 60 && b.heading == 0 {
            continue;
        }
        out.push(b);
    }
    // Baseline: every paragraph outside boilerplate with few links. When the chosen container
    // holds much less text than that, the scoring went wrong (a table cell, one comment, a
    // teaser) and the baseline is the better answer, as in trafilatura's fallback comparison.
    let chosen: usize = out
        .iter()
        .filter(|b| b.heading == 0)
        .map(|b| weighted_len(&b.text))
        .sum();
    let baseline: Vec<&Block> = page
        .blocks
        .iter()
        .filter(|b| !boiler[b.elem] && is_baseline_paragraph(page, b))
        .collect();
    let base_len: usize = baseline.iter().map(|b| weighted_len(&b.text)).sum();
    if base_len >= BASELINE_MIN && (chosen as f64) < base_len as f64 * BASELINE_SHARE {
        let keep: std::collections::HashSet<*const Block> = out
            .iter()
            .chain(baseline.iter())
            .map(|b| *b as *const Block)
            .collect();
        out = page
            .blocks
            .iter()
            .filter(|b| keep.contains(&(*b as *const Block)))
            .collect();
    }
    // The headline often sits just outside the winning container. An `h1` inside it after the
    // first paragraph is a section heading (some editors mark every subhead `h1`), not the
    // headline.
    let first_para = out
        .iter()
        .position(|b| b.heading == 0 && weighted_len(&b.text) >= 60)
        .unwrap_or(out.len());
    if !out[..first_para].iter().any(|b| b.heading == 1) {
        if let Some(first) = out.first() {
            let first_idx = page
                .blocks
                .iter()
                .position(|b| std::ptr::eq(b, *first))
                .unwrap_or(0);
            let lo = first_idx.saturating_sub(15);
            // The headline: an `h1`, or on a page without one, a smaller heading that repeats the
            // page's title.
            let norm = |s: &str| s.split_whitespace().collect::<String>().to_lowercase();
            let titles: Vec<String> = [page.meta("og:title"), page.title.as_deref()]
                .into_iter()
                .flatten()
                .map(norm)
                .collect();
            let has_h1 = page
                .blocks
                .iter()
                .any(|b| b.heading == 1 && !boiler[b.elem]);
            let is_title = |b: &Block| {
                let t = norm(&b.text);
                !has_h1
                    && (2..=3).contains(&b.heading)
                    && !boiler[b.elem]
                    && t.chars().count() >= 10
                    && titles.iter().any(|x| x.contains(&t))
            };
            if let Some(hi) = (lo..first_idx).rev().find(|&i| {
                let b = &page.blocks[i];
                (b.heading == 1 || is_title(b)) && b.link_chars * 2 < b.chars
            }) {
                // So does the lead between the headline and the body (a teaser or standfirst
                // paragraph in the article header).
                let lead = page.blocks[hi + 1..first_idx].iter().filter(|b| {
                    !boiler[b.elem]
                        && b.heading == 0
                        && b.link_chars * 4 < b.chars
                        && weighted_len(&b.text) >= 60
                        && !is_picture_caption(page, b)
                });
                let head: Vec<&Block> = std::iter::once(&page.blocks[hi]).chain(lead).collect();
                out.splice(0..0, head);
            }
        }
    }
    drop_cards_and_captions(page, boiler, &mut out);
    drop_linked_headings(&mut out);
    first_of_listed_posts(page, &mut out);
    out
}

/// A teaser card holds at most this much (weighted) text: a linked headline and a summary of a
/// sentence or two.
const CARD_MAX: usize = 450;
/// A box holding a picture and at most this much (weighted) text is the picture's caption.
const CAPTION_MAX: usize = 250;
/// A `<p>` next to a picture is a caption only when this short (a credit line); a longer one is
/// a paragraph illustrated (a lead under the picture, a recipe step).
const CAPTION_PARAGRAPH: usize = 80;
/// Captions may take at most this share of the selected text: where pictures with short text
/// are the content (recipe steps, a slideshow, a gallery), they stay.
const CAPTION_SHARE: f64 = 0.15;
/// Cards of one kind side by side (same parent, tag and class) that make a list of teasers.
const CARD_RUN: usize = 2;
/// Cards may take at most this share of the selected text: a page that is a list of teasers
/// (an index, a search result) keeps its list.
const CARD_SHARE: f64 = 0.4;

/// Related-story teasers, "more from this author" lists: a run of look-alike elements (same
/// parent, tag and class), each a short card led by a linked line (its headline) with perhaps a
/// summary, whose full sentences look like prose. Structure, not words: a card is short, holds a
/// line that is mostly link, and has at least [`CARD_RUN`] - 1 siblings of its kind that are
/// cards too. Their blocks leave the selection, unless they would take much of it.
///
/// Pictures' captions and credits go first: a short box that holds a picture (an `<img>` at
/// most two levels below it) and at most [`CAPTION_MAX`] of text, unless such captions are a
/// good share of the text (a how-to's steps) or sit in a table (a flag beside a name).
fn drop_cards_and_captions(page: &Page, boiler: &[bool], out: &mut Vec<&Block>) {
    if out.len() < CARD_RUN {
        return;
    }
    let n = page.elems.len();
    let mut text = vec![0usize; n];
    let mut linked = vec![false; n];
    // Only elements above selected blocks matter; blocks elsewhere add to their own ancestors
    // but never make a selected block a card.
    for b in page.blocks.iter().filter(|b| !boiler[b.elem]) {
        let wl = weighted_len(&b.text);
        let headline = b.link_chars * 10 >= b.chars * 6 && wl >= 15;
        for a in page.ancestors(b.elem) {
            if a == 0 || text[a] > CARD_MAX {
                break;
            }
            text[a] += wl;
            linked[a] |= headline;
        }
    }
    // Pictures: an element with an `<img>` within two levels below it.
    let mut picture = vec![false; n];
    for (i, e) in page.elems.iter().enumerate() {
        if e.picture {
            picture[i] = true;
            picture[e.parent] = true;
            picture[page.elems[e.parent].parent] = true;
        }
    }
    // A picture's caption or credit: a short box (at most two levels up from the text) that
    // holds the picture and little text.
    let caption_box = |i: usize| i != 0 && picture[i] && text[i] <= CAPTION_MAX;
    // Table rows and cells are records of data, whatever their links or pictures (a flag in a
    // cell; see [`data_rows`]).
    let table_part = |i: usize| {
        matches!(
            page.elems[i].tag.as_str(),
            "tr" | "td" | "th" | "tbody" | "thead" | "table"
        )
    };
    let is_card = |i: usize| i != 0 && linked[i] && text[i] <= CARD_MAX && !table_part(i);
    let mut kinds: std::collections::HashMap<(usize, &str, &str), usize> = Default::default();
    for (i, e) in page.elems.iter().enumerate() {
        if is_card(i) && !is_card(e.parent) {
            *kinds
                .entry((e.parent, e.tag.as_str(), e.class_id.as_str()))
                .or_insert(0) += 1;
        }
    }
    let captions: Vec<bool> = out
        .iter()
        .map(|b| {
            b.heading == 0
                && (page.elems[b.elem].tag != "p" || weighted_len(&b.text) <= CAPTION_PARAGRAPH)
                && page.ancestors(b.elem).take(3).any(&caption_box)
                && !page.ancestors(b.elem).take(3).any(&table_part)
        })
        .collect();
    let caption_text: usize = out
        .iter()
        .zip(&captions)
        .filter(|(_, &c)| c)
        .map(|(b, _)| weighted_len(&b.text))
        .sum();
    let selected_text: usize = out.iter().map(|b| weighted_len(&b.text)).sum();
    if caption_text > 0 && (caption_text as f64) <= selected_text as f64 * CAPTION_SHARE {
        let mut k = 0;
        out.retain(|_| {
            k += 1;
            !captions[k - 1]
        });
    }
    if !kinds.values().any(|&c| c >= CARD_RUN) {
        return;
    }
    // In a card of a run: the flag passes down (a parent comes before its children).
    let mut in_run = vec![false; n];
    for (i, e) in page.elems.iter().enumerate().skip(1) {
        in_run[i] = in_run[e.parent]
            || (is_card(i)
                && !is_card(e.parent)
                && kinds
                    .get(&(e.parent, e.tag.as_str(), e.class_id.as_str()))
                    .is_some_and(|&c| c >= CARD_RUN));
    }
    let total: usize = out.iter().map(|b| weighted_len(&b.text)).sum();
    let cards: usize = out
        .iter()
        .filter(|b| in_run[b.elem])
        .map(|b| weighted_len(&b.text))
        .sum();
    if cards == 0 || cards as f64 > total as f64 * CARD_SHARE {
        return;
    }
    out.retain(|b| !in_run[b.elem]);
}

/// A heading that is mostly one link, once the body has begun, is the headline of another page
/// (a teaser, "most read", "next story"), not a section of this one. Before the body it stays:
/// blogs link a post's own title to its address.
fn drop_linked_headings(out: &mut Vec<&Block>) {
    let Some(body) = out
        .iter()
        .position(|b| b.heading == 0 && weighted_len(&b.text) >= LINKED_HEADING_BODY)
    else {
        return;
    };
    let mut i = 0;
    out.retain(|b| {
        i += 1;
        i <= body + 1 || b.heading < 2 || b.link_chars * 10 <= b.chars * 6
    });
}

/// A paragraph this long (weighted) means the body has begun.
const LINKED_HEADING_BODY: usize = 60;

/// A line that is only a date (and a time): a post's date stamp.
fn is_date_stamp(text: &str) -> Option<i64> {
    if weighted_len(text) > 40 {
        return None;
    }
    let found = crate::dates::find_all(text);
    let [f] = found.as_slice() else {
        return None;
    };
    let rest = text[..f.start].chars().chain(text[f.end..].chars());
    (rest.filter(|c| c.is_alphanumeric()).count() <= 3).then(|| f.date.day_number())
}

/// A page that lists whole posts, newest first (a blog's front page or archive): a title, a
/// line with the post's date, its text; then the next one. The page's article is the first post.
/// Kept whole when the date stamps do not fall from the first to the last day (a live blog of
/// one day, a chronology), or when a post has little text.
fn first_of_listed_posts(page: &Page, out: &mut Vec<&Block>) {
    // Every selected block is an element of `page.blocks`: its index from its address.
    let base = page.blocks.as_ptr() as usize;
    let index_of = |b: &Block| {
        (b as *const Block as usize).saturating_sub(base) / std::mem::size_of::<Block>().max(1)
    };
    let (Some(first), Some(last)) = (out.first(), out.last()) else {
        return;
    };
    let hi = index_of(last).min(page.blocks.len());
    let lo = index_of(first).saturating_sub(4).min(hi);
    let boiler = boilerplate(page);
    let stamps: Vec<(usize, i64)> = (lo..hi)
        .filter(|&i| !boiler[page.blocks[i].elem] && page.blocks[i].heading != 1)
        .filter_map(|i| is_date_stamp(&page.blocks[i].text).map(|d| (i, d)))
        .collect();
    // Newest first, on more than one day (a live blog's entries share their day).
    if stamps.len() < 2
        || stamps.windows(2).any(|w| w[1].1 > w[0].1)
        || stamps[0].1 == stamps[stamps.len() - 1].1
    {
        return;
    }
    // Each post has text of its own (in the selection) between its stamp and the next one.
    let mut bounds: Vec<usize> = stamps.iter().map(|s| s.0).collect();
    bounds.push(usize::MAX);
    let posts_have_text = bounds.windows(2).all(|w| {
        out.iter()
            .filter(|b| (w[0]..w[1]).contains(&index_of(b)))
            .map(|b| weighted_len(&b.text))
            .sum::<usize>()
            >= 200
    });
    if !posts_have_text {
        return;
    }
    // The second post starts at its title, the short line just before its stamp.
    let second = stamps[1].0;
    let start = if second > 0 && weighted_len(&page.blocks[second - 1].text) <= 150 {
        second - 1
    } else {
        second
    };
    out.retain(|b| index_of(b) < start);
}

/// A picture's caption or credit: inside a `<figure>`, or carrying a photo credit.
fn is_picture_caption(page: &Page, b: &Block) -> bool {
    const CREDITS: &[&str] = &[
        "foto:", "photo:", "bild:", "kuva:", "(foto", "(photo", "©", "图片",
    ];
    let lower = b.text.to_lowercase();
    CREDITS.iter().any(|c| lower.contains(c))
        || page
            .ancestors(b.elem)
            .take(6)
            .any(|a| matches!(page.elems[a].tag.as_str(), "figure" | "figcaption"))
}

/// A line per text block with its element path and boilerplate flag, for tuning by hand.
#[doc(hidden)]
pub fn debug_blocks(page: &Page) -> String {
    let boiler = boilerplate(page);
    let mut out = String::new();
    for b in select_blocks(page) {
        out.push_str(&format!(
            "SELECTED {:?}\n",
            b.text.chars().take(80).collect::<String>()
        ));
    }
    for b in &page.blocks {
        let path: Vec<String> = page
            .ancestors(b.elem)
            .take(8)
            .map(|a| {
                let e = &page.elems[a];
                format!(
                    "{}.{}{}",
                    e.tag,
                    e.class_id.replace(' ', "."),
                    if boiler[a] { "!" } else { "" }
                )
            })
            .collect();
        let text = b.text.replace('\n', " / ");
        out.push_str(&format!(
            "{} [{}] {:?}\n",
            if boiler[b.elem] { "X" } else { " " },
            path.join(" < "),
            text
        ));
    }
    out
}

//! A single-pass, forgiving HTML reader that turns a page into a flat list of elements and text
//! blocks, plus the head signals metadata needs (meta tags, JSON-LD, `<title>`, `<time>`).
//!
//! It is not a conforming HTML5 parser and does not try to be: extraction only needs to know which
//! text sits inside which element. Work is bounded: nesting deeper than [`MAX_DEPTH`] is flattened
//! (no recursion anywhere, so a 100k-level page cannot overflow the stack), script/style bodies are
//! skipped without being parsed, and the input is capped by the caller.

use crate::entities;

/// Elements nested deeper than this are not opened: their text goes to the deepest open one.
pub const MAX_DEPTH: usize = 200;

/// One element of the page.
#[derive(Debug, Clone)]
pub struct Elem {
    pub tag: String,
    pub parent: usize,
    /// Lowercased `class` and `id`, space separated.
    pub class_id: String,
    pub itemprop: String,
    pub role: String,
    /// The element or its style hides it.
    pub hidden: bool,
    /// An inline element whose text the reader leaves out (see [`is_control_inline`]).
    pub muted: bool,
    /// An `<img>` sits directly in this element.
    pub picture: bool,
}

/// A run of text inside one block-level element, in document order.
#[derive(Debug, Clone)]
pub struct Block {
    pub text: String,
    /// The innermost element that holds the text.
    pub elem: usize,
    /// Characters of the text that sit inside links.
    pub link_chars: usize,
    pub chars: usize,
    /// `h1`..`h6` level, 0 when not a heading.
    pub heading: u8,
}

/// A `<meta>` tag (or `<link>`) as key/value.
#[derive(Debug, Clone)]
pub struct Meta {
    /// `name`, `property`, `itemprop` or `http-equiv`, lowercased.
    pub key: String,
    pub value: String,
}

/// A `<time>` element or an element carrying a date attribute.
#[derive(Debug, Clone)]
pub struct TimeTag {
    pub datetime: String,
    /// Element it sits in (for "is this inside the article").
    pub elem: usize,
    /// Context flags from itemprop/class: `published`, `modified`, …
    pub hint: String,
    /// Text printed inside a `<time>` element (its first 200 bytes or so).
    pub text: String,
}

/// The page as read.
#[derive(Debug, Default)]
pub struct Page {
    pub elems: Vec<Elem>,
    pub blocks: Vec<Block>,
    pub metas: Vec<Meta>,
    pub json_ld: Vec<String>,
    pub title: Option<String>,
    pub times: Vec<TimeTag>,
    pub canonical: Option<String>,
    pub lang: Option<String>,
    /// Per-element boilerplate flags, computed once on first use (`content::boilerplate`).
    pub boiler: std::cell::OnceCell<Vec<bool>>,
}

fn is_void(tag: &str) -> bool {
    matches!(
        tag,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "keygen"
    )
}

/// Elements whose content is not text for the reader.
fn is_skipped(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "canvas"
            | "select"
            | "textarea"
            | "button"
            | "video"
            | "audio"
            | "map"
            | "head"
            | "option"
            | "title"
    )
}

/// Elements that break text into blocks.
pub fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "aside"
            | "header"
            | "footer"
            | "nav"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "table"
            | "tr"
            | "td"
            | "th"
            | "tbody"
            | "thead"
            | "tfoot"
            | "caption"
            | "blockquote"
            | "pre"
            | "figure"
            | "figcaption"
            | "form"
            | "center"
            | "address"
            | "hr"
            | "body"
            | "html"
            | "details"
            | "summary"
            | "fieldset"
            | "legend"
            | "menu"
            | "dialog"
            | "hgroup"
            | "picture"
    )
}

/// Tags that implicitly close an open element of the same kind.
fn self_closing_kind(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "li" | "dt" | "dd" | "tr" | "td" | "th" | "option"
    )
}

struct Attrs<'a> {
    s: &'a str,
}

impl<'a> Iterator for Attrs<'a> {
    type Item = (&'a str, &'a str);
    fn next(&mut self) -> Option<Self::Item> {
        let s = self
            .s
            .trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if s.is_empty() {
            return None;
        }
        let name_end = s
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/')
            .unwrap_or(s.len());
        let name = &s[..name_end];
        let mut rest = s[name_end..].trim_start();
        if let Some(r) = rest.strip_prefix('=') {
            let r = r.trim_start();
            let (val, after) = if let Some(q) = r.chars().next().filter(|c| *c == '"' || *c == '\'')
            {
                let body = &r[1..];
                match body.find(q) {
                    Some(e) => (&body[..e], &body[e + 1..]),
                    None => (body, ""),
                }
            } else {
                let e = r.find(|c: char| c.is_ascii_whitespace()).unwrap_or(r.len());
                (&r[..e], &r[e..])
            };
            rest = after;
            self.s = rest;
            Some((name, val))
        } else {
            self.s = rest;
            if name.is_empty() {
                // A stray character: skip it.
                let mut chars = rest.chars();
                chars.next();
                self.s = chars.as_str();
                return self.next();
            }
            Some((name, ""))
        }
    }
}

/// Attributes of a start tag (the text between the tag name and `>`).
fn attrs(s: &str) -> Attrs<'_> {
    Attrs { s }
}

struct Reader {
    page: Page,
    stack: Vec<usize>,
    text: String,
    link_chars: usize,
    link_depth: usize,
    /// Open inline elements whose text is not shown as text (see [`is_control_inline`]).
    mute_depth: usize,
    last_space: bool,
    pre_depth: usize,
    /// The `<time>` element being read (index into `page.times`), to keep its printed text.
    open_time: Option<usize>,
    /// `<html>`/`<body>` start tags met inside an open one (a document pasted into a page),
    /// ignored as browsers do; their end tags are ignored as many times.
    nested_roots: usize,
}

impl Reader {
    fn top(&self) -> usize {
        self.stack.last().copied().unwrap_or(0)
    }

    fn push_text(&mut self, raw: &str) {
        if raw.is_empty() || self.mute_depth > 0 {
            return;
        }
        let decoded;
        let s = if raw.contains('&') {
            decoded = entities::decode(raw);
            decoded.as_str()
        } else {
            raw
        };
        let before = self.text.len();
        for c in s.chars() {
            let ws = c.is_whitespace() || c == '\u{200b}';
            if ws && self.pre_depth == 0 {
                if c == '\u{200b}' {
                    continue;
                }
                if !self.last_space && !self.text.is_empty() {
                    self.text.push(' ');
                    self.last_space = true;
                }
            } else if c == '\n' {
                self.text.push('\n');
                self.last_space = true;
            } else if c.is_control() && c != '\t' {
                continue;
            } else {
                self.text.push(c);
                self.last_space = false;
            }
        }
        if self.link_depth > 0 {
            self.link_chars += self.text[before..].chars().count();
        }
        if let Some(t) = self.open_time.and_then(|i| self.page.times.get_mut(i)) {
            if t.text.len() < 200 {
                t.text.push_str(s);
            }
        }
    }

    fn line_break(&mut self) {
        while self.text.ends_with(' ') {
            self.text.pop();
        }
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.last_space = true;
    }

    fn flush(&mut self) {
        let text = std::mem::take(&mut self.text);
        let link_chars = std::mem::take(&mut self.link_chars);
        self.last_space = false;
        let t = text.trim();
        if t.is_empty() {
            return;
        }
        let elem = self.top();
        let mut heading = 0u8;
        // Walk up to the nearest block ancestors for context (bounded by MAX_DEPTH).
        let mut e = elem;
        let mut steps = 0;
        while steps < MAX_DEPTH {
            let el = &self.page.elems[e];
            match el.tag.as_str() {
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" if heading == 0 => {
                    heading = el.tag.as_bytes()[1] - b'0';
                }
                _ => {}
            }
            if e == 0 || (is_block(&el.tag) && steps > 3) {
                break;
            }
            e = el.parent;
            steps += 1;
        }
        let chars = t.chars().count();
        self.page.blocks.push(Block {
            text: t.to_string(),
            elem,
            link_chars: link_chars.min(chars),
            chars,
            heading,
        });
    }

    fn open(&mut self, tag: &str, attr_text: &str) {
        let mut class_id = String::new();
        let mut itemprop = String::new();
        let mut role = String::new();
        let mut hidden = false;
        let mut datetime = None;
        let mut data_key = String::new();
        for (k, v) in attrs(attr_text) {
            let k = k.to_ascii_lowercase();
            match k.as_str() {
                "class" | "id" => {
                    if !class_id.is_empty() {
                        class_id.push(' ');
                    }
                    class_id.push_str(&v.to_ascii_lowercase());
                }
                "itemprop" => itemprop = v.to_ascii_lowercase(),
                "role" => role = v.to_ascii_lowercase(),
                "hidden" => hidden = true,
                "aria-hidden" if v.eq_ignore_ascii_case("true") => hidden = tag != "div",
                "style" => {
                    let v = v.to_ascii_lowercase().replace(' ', "");
                    if v.contains("display:none") || v.contains("visibility:hidden") {
                        hidden = true;
                    }
                }
                "datetime" if !v.trim().is_empty() => datetime = Some(entities::decode(v.trim())),
                "content" if itemprop_is_date(attr_text) && !v.trim().is_empty() => {
                    datetime = Some(entities::decode(v.trim()))
                }
                // `data-date-time="2023-11-02 20:06:13"`, `data-published="…"`.
                _ if datetime.is_none()
                    && k.starts_with("data-")
                    && (k.contains("date") || k.contains("publish"))
                    && !k.contains("update")
                    && !k.contains("modif")
                    && v.len() >= 8
                    && v.len() <= 40
                    && v.bytes().filter(u8::is_ascii_digit).count() >= 6 =>
                {
                    datetime = Some(v.trim().to_string());
                    data_key = k.clone();
                }
                "lang" if tag == "html" && !v.is_empty() => self.page.lang = Some(v.to_string()),
                _ => {}
            }
        }
        let muted = !is_block(tag) && (hidden || is_control_inline(&class_id));
        let parent = self.top();
        let idx = self.page.elems.len();
        if let Some(dt) = datetime {
            let hint = format!(
                "{tag} {itemprop} {class_id} {data_key} {}",
                date_property(attr_text)
            );
            self.page.times.push(TimeTag {
                datetime: dt,
                elem: idx,
                hint,
                text: String::new(),
            });
        }
        self.page.elems.push(Elem {
            tag: tag.to_string(),
            parent,
            class_id,
            itemprop,
            role,
            hidden,
            muted,
            picture: false,
        });
        if muted {
            self.mute_depth += 1;
        }
        self.stack.push(idx);
    }

    fn close(&mut self, tag: &str) {
        // Find the nearest open element with this tag; ignore stray end tags.
        let pos = self
            .stack
            .iter()
            .rposition(|&i| self.page.elems[i].tag == tag);
        if let Some(p) = pos {
            if p == 0 {
                return; // keep the root
            }
            for &i in &self.stack[p..] {
                match self.page.elems[i].tag.as_str() {
                    "a" => self.link_depth = self.link_depth.saturating_sub(1),
                    "pre" => self.pre_depth = self.pre_depth.saturating_sub(1),
                    _ => {}
                }
                if self.page.elems[i].muted {
                    self.mute_depth = self.mute_depth.saturating_sub(1);
                }
            }
            self.stack.truncate(p);
        }
    }
}

/// An inline control printed inside a heading or a paragraph: a wiki's or a blog's edit link
/// (`简介[编辑]`, `Early life [edit]`, WordPress's `post-edit-link`), or a screen-only aside the
/// page marks `noprint` (a wiki's `（朝鲜语：…）` link to another language's article). It is a
/// reader's or editor's tool, not part of the text, and since it sits inside the block it cannot
/// be dropped as a block (a `noprint` block already is boilerplate).
fn is_control_inline(class_id: &str) -> bool {
    class_id.split_ascii_whitespace().any(|t| {
        t.contains("editsection")
            || t.contains("edit-link")
            || matches!(t, "edit-section" | "noprint" | "no-print")
    })
}

fn itemprop_is_date(attr_text: &str) -> bool {
    !date_property(attr_text).is_empty()
}

/// The schema.org date named by `itemprop` or RDFa `property` (`schema:dateCreated`), if any.
fn date_property(attr_text: &str) -> &'static str {
    let l = attr_text.to_ascii_lowercase();
    let named = |what: &str| {
        ["itemprop=", "property="].iter().any(|k| {
            l.match_indices(k).any(|(i, _)| {
                let v = l[i + k.len()..].trim_start_matches(['"', '\'']);
                let v = &v[..v.find(['"', '\'', ' ', '>']).unwrap_or(v.len())];
                // `schema:dateCreated`: the name after a vocabulary prefix.
                v.rsplit(':').next() == Some(what)
            })
        })
    };
    if named("datepublished") {
        "datepublished"
    } else if named("datecreated") {
        "datecreated"
    } else if named("datemodified") {
        "datemodified"
    } else {
        ""
    }
}

/// Find `needle` (ASCII, lowercase) in `hay` ignoring ASCII case, from byte `from`.
fn find_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || from >= hay.len() {
        return None;
    }
    let first = needle[0];
    let mut i = from;
    while i + needle.len() <= hay.len() {
        let b = hay[i].to_ascii_lowercase();
        if b == first && hay[i..i + needle.len()].eq_ignore_ascii_case(needle) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Read a page.
pub fn read(html: &str) -> Page {
    let mut r = Reader {
        page: Page::default(),
        stack: Vec::with_capacity(64),
        text: String::new(),
        link_chars: 0,
        link_depth: 0,
        mute_depth: 0,
        last_space: false,
        pre_depth: 0,
        open_time: None,
        nested_roots: 0,
    };
    // Root element.
    r.page.elems.push(Elem {
        tag: "#root".into(),
        parent: 0,
        class_id: String::new(),
        itemprop: String::new(),
        role: String::new(),
        hidden: false,
        muted: false,
        picture: false,
    });
    r.stack.push(0);

    let bytes = html.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        // Text up to the next '<'.
        let lt = memchr(b'<', bytes, i).unwrap_or(n);
        if lt > i {
            r.push_text(&html[i..lt]);
        }
        if lt >= n {
            break;
        }
        i = lt;
        let rest = &bytes[i..];
        if rest.starts_with(b"<!--") {
            i = find_ci(bytes, i + 4, b"-->").map_or(n, |e| e + 3);
            continue;
        }
        if rest.len() > 1 && (rest[1] == b'!' || rest[1] == b'?') {
            i = memchr(b'>', bytes, i).map_or(n, |e| e + 1);
            continue;
        }
        let closing = rest.len() > 1 && rest[1] == b'/';
        let name_start = i + if closing { 2 } else { 1 };
        let mut name_end = name_start;
        while name_end < n
            && (bytes[name_end].is_ascii_alphanumeric()
                || bytes[name_end] == b'-'
                || bytes[name_end] == b':')
        {
            name_end += 1;
        }
        if name_end == name_start || !bytes[name_start].is_ascii_alphabetic() {
            // Not a tag: a literal '<'.
            if closing {
                // `</ >` or similar junk: skip to '>'.
                i = memchr(b'>', bytes, i).map_or(n, |e| e + 1);
            } else {
                r.push_text("<");
                i += 1;
            }
            continue;
        }
        // End of tag, respecting quotes.
        let mut j = name_end;
        let mut quote = 0u8;
        while j < n {
            let b = bytes[j];
            if quote != 0 {
                if b == quote {
                    quote = 0;
                }
            } else if b == b'"' || b == b'\'' {
                // Only treat as quote when it opens an attribute value.
                if j > 0 && (bytes[j - 1] == b'=' || bytes[j - 1].is_ascii_whitespace()) {
                    quote = b;
                }
            } else if b == b'>' {
                break;
            }
            j += 1;
            // A runaway quote: give up on quoting after a long stretch.
            if quote != 0 && j - name_end > 8192 {
                quote = 0;
            }
        }
        let tag = html[name_start..name_end].to_ascii_lowercase();
        let attr_text = &html[name_end..j.min(n)];
        i = (j + 1).min(n);
        if closing {
            end_tag(&mut r, &tag);
            continue;
        }
        // Skipped content: find the matching end tag directly.
        if is_skipped(&tag) {
            let end_pat = format!("</{tag}");
            let end = find_ci(bytes, i, end_pat.as_bytes());
            if end.is_none() && !matches!(tag.as_str(), "script" | "style" | "template") {
                // No end tag: do not swallow the rest of the page.
                continue;
            }
            let body_end = end.unwrap_or(n);
            // Some blogs print the article only inside `<noscript>` (the script copy is a
            // template): read a noscript body with paragraphs like any other element.
            if tag == "noscript" && find_ci(&bytes[..body_end], i, b"<p").is_some() {
                start_tag(&mut r, &tag, attr_text);
                continue;
            }
            if tag == "title" && r.page.title.is_none() {
                let t = entities::decode(html[i..body_end].trim());
                let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
                if !t.is_empty() {
                    r.page.title = Some(t);
                }
            }
            if tag == "script" {
                let at = attr_text.to_ascii_lowercase();
                if at.contains("ld+json") {
                    r.page.json_ld.push(html[i..body_end].to_string());
                }
            }
            if tag == "head" {
                // The head holds title/meta; read it as markup, not text.
                read_head(&mut r.page, &html[i..body_end]);
            }
            i = end.map_or(n, |e| memchr(b'>', bytes, e).map_or(n, |g| g + 1));
            if tag == "button" || tag == "select" || tag == "textarea" {
                r.push_text(" ");
            }
            continue;
        }
        start_tag(&mut r, &tag, attr_text);
    }
    r.flush();
    r.page
}

fn start_tag(r: &mut Reader, tag: &str, attr_text: &str) {
    match tag {
        "meta" | "link" => {
            head_tag(&mut r.page, tag, attr_text);
            return;
        }
        "title" => {
            return;
        }
        "br" => {
            r.line_break();
            return;
        }
        "img" => {
            if let Some(&top) = r.stack.last() {
                r.page.elems[top].picture = true;
            }
            return;
        }
        "html" | "body" if r.stack.iter().any(|&e| r.page.elems[e].tag == tag) => {
            r.nested_roots += 1;
            return;
        }
        _ => {}
    }
    if is_void(tag) {
        if tag == "hr" {
            r.flush();
        }
        return;
    }
    if self_closing_kind(tag) {
        // Close an open element of the same kind if it is near the top.
        let near = r.stack.iter().rev().take(6).position(|&e| {
            let t = r.page.elems[e].tag.as_str();
            t == tag
                || ((tag == "td" || tag == "th") && (t == "td" || t == "th"))
                || ((tag == "dt" || tag == "dd") && (t == "dt" || t == "dd"))
        });
        let barrier = r.stack.iter().rev().take(6).position(|&e| {
            matches!(
                r.page.elems[e].tag.as_str(),
                "ul" | "ol" | "table" | "div" | "dl"
            )
        });
        if let Some(p) = near {
            if !matches!(barrier, Some(b) if b <= p) {
                if is_block(tag) {
                    r.flush();
                }
                let at = r.stack.len() - 1 - p;
                let tag_at = r.page.elems[r.stack[at]].tag.clone();
                r.close(&tag_at);
            }
        }
    } else if is_block(tag) && tag != "p" {
        // A block inside an open <p> closes it.
        if let Some(&top) = r.stack.last() {
            if r.page.elems[top].tag == "p" && !matches!(tag, "span") {
                r.flush();
                r.close("p");
            }
        }
    }
    if is_block(tag) {
        r.flush();
    }
    if r.stack.len() >= MAX_DEPTH {
        // Too deep: do not open, text flows into the current element.
        return;
    }
    if tag == "a" {
        r.link_depth += 1;
    }
    if tag == "pre" {
        r.pre_depth += 1;
    }
    r.open(tag, attr_text);
    if tag == "time" {
        if let Some(t) = r.page.times.last() {
            if t.elem == r.page.elems.len() - 1 {
                r.open_time = Some(r.page.times.len() - 1);
            }
        }
    }
}

fn end_tag(r: &mut Reader, tag: &str) {
    if matches!(tag, "html" | "body") && r.nested_roots > 0 {
        r.nested_roots -= 1;
        return;
    }
    if tag == "br" {
        r.line_break();
        return;
    }
    if tag == "time" {
        // `<time>May 2, 2019</time><time>…</time>`: two dates, not one glued word.
        r.push_text(" ");
        r.open_time = None;
    }
    if tag == "p" && !r.stack.iter().any(|&e| r.page.elems[e].tag == "p") {
        // `</p>` without `<p>`: a paragraph break.
        r.flush();
        return;
    }
    // An inline end tag that also closes open blocks (`<span><p>text</span>`): the text so far
    // belongs to those blocks, not to whatever stays open.
    let closes_block = || {
        let Some(p) = r.stack.iter().rposition(|&e| r.page.elems[e].tag == tag) else {
            return false;
        };
        r.stack[p + 1..]
            .iter()
            .any(|&e| is_block(&r.page.elems[e].tag))
    };
    if is_block(tag) || closes_block() {
        r.flush();
    }
    r.close(tag);
}

fn head_tag(page: &mut Page, tag: &str, attr_text: &str) {
    let mut key = String::new();
    let mut value = String::new();
    let mut rel = String::new();
    let mut href = String::new();
    for (k, v) in attrs(attr_text) {
        match k.to_ascii_lowercase().as_str() {
            "name" | "property" | "itemprop" | "http-equiv" if key.is_empty() => {
                key = v.trim().to_ascii_lowercase()
            }
            "content" => value = entities::decode(v.trim()),
            "rel" => rel = v.to_ascii_lowercase(),
            "href" => href = entities::decode(v.trim()),
            _ => {}
        }
    }
    if tag == "link" {
        if rel == "canonical" && !href.is_empty() {
            page.canonical = Some(href);
        }
        return;
    }
    // `DC:date`, `dcterms:issued`: the same Dublin Core keys as `dc.date`, `dcterms.issued`.
    for (colon, dot) in [("dc:", "dc."), ("dcterms:", "dcterms.")] {
        if let Some(rest) = key.strip_prefix(colon) {
            key = format!("{dot}{rest}");
        }
    }
    if !key.is_empty() && !value.is_empty() {
        page.metas.push(Meta { key, value });
    }
}

/// Read the `<head>`: title, meta and link tags, JSON-LD scripts.
fn read_head(page: &mut Page, head: &str) {
    let bytes = head.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    while let Some(lt) = memchr(b'<', bytes, i) {
        let s = lt + 1;
        let mut e = s;
        while e < n && (bytes[e].is_ascii_alphanumeric()) {
            e += 1;
        }
        let tag = head[s..e].to_ascii_lowercase();
        let gt = memchr(b'>', bytes, e).unwrap_or(n);
        let attr_text = &head[e..gt];
        i = (gt + 1).min(n);
        match tag.as_str() {
            "meta" | "link" => head_tag(page, &tag, attr_text),
            "title" => {
                let end = find_ci(bytes, i, b"</title").unwrap_or(n);
                let t = entities::decode(head[i..end].trim());
                let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
                if page.title.is_none() && !t.is_empty() {
                    page.title = Some(t);
                }
                i = end;
            }
            "script" | "style" | "noscript" => {
                let pat = format!("</{tag}");
                let end = find_ci(bytes, i, pat.as_bytes()).unwrap_or(n);
                if tag == "script" && attr_text.to_ascii_lowercase().contains("ld+json") {
                    page.json_ld.push(head[i..end].to_string());
                }
                i = end;
            }
            _ => {}
        }
        if i >= n {
            break;
        }
    }
}

fn memchr(b: u8, hay: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .iter()
        .position(|&x| x == b)
        .map(|p| p + from)
}

impl Page {
    /// Ancestors of `e`, innermost first, `e` included.
    pub fn ancestors(&self, e: usize) -> impl Iterator<Item = usize> + '_ {
        let mut cur = Some(e);
        std::iter::from_fn(move || {
            let c = cur?;
            cur = if c == 0 {
                None
            } else {
                Some(self.elems[c].parent)
            };
            Some(c)
        })
    }

    /// Meta value by key (first match).
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.metas
            .iter()
            .find(|m| m.key == key)
            .map(|m| m.value.as_str())
    }
}

//! Line-level cleaning of already-extracted text: recognise page furniture a scraper left in
//! (breadcrumbs, cookie and copyright notices, licence/ICP lines, image file names, photo
//! credits and captions, category and navigation words), metadata lines (`發佈時間:… | 來源:… |
//! 責任編輯:…`, `23 Mar., 2023 | Source:…`, `By …`), and exact repeats of a title or lead.
//! All rules are generic patterns; none names a site.

use crate::content::{is_cjk, weighted_len};
use crate::dates::{self, Date};
use crate::meta::{clean_byline, split_names};
use regex::Regex;
use std::sync::LazyLock;

/// What line cleaning found.
#[derive(Debug, Default)]
pub struct Cleaned {
    pub paragraphs: Vec<String>,
    pub title: Option<String>,
    pub published: Option<Date>,
    pub outlet: Option<String>,
    pub byline: Vec<String>,
    pub editor: Option<String>,
}

/// How hard to clean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Scraped text: furniture may be anywhere, the title is the first line that looks like one,
    /// trailing navigation words are dropped.
    Text,
    /// Paragraphs already selected from HTML: only line-level furniture and metadata lines.
    Html,
}

static BREADCRUMB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(home|homepage|首页|首頁|主页|主頁|главная|startseite|accueil|inicio|当前位置|當前位置|您的位置|你的位置|位置)\s*[>»›/:：|]")
        .expect("static regex")
});
static IMAGE_FILE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\.(png|jpe?g|gif|webp|bmp|svg|tiff?|avif)\s*$").expect("static regex")
});
static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(photo|photos|photograph|image|images|picture|pic|file photo|credit|credits|source|illustration|graphic|video|图|圖|图片|圖片|照片|摄影|攝影|фото|foto|bild|quelle)\s*(\(s\))?\s*[:：/|]")
        .expect("static regex")
});
static CAPTION_CN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(摄|攝|摄影|攝影|供图|供圖|图|圖)\s*[)）]?\s*$").expect("static regex")
});
static COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(©|\(c\)\s*\d{4}|copyright|all rights reserved|版权所有|版權所有|icp备|icp證|icp证|公网安备|公網安備|京icp|违法和不良信息|举报电话|舉報電話|report hotline|hotline:|互联网新闻信息服务许可|все права защищены)")
        .expect("static regex")
});
static COOKIE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(cookie|cookies)").expect("static regex"));
static COOKIE_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(consent|agree|accept|settings|browse|browsing|use of|we use|this site uses|this website uses|privacy|policy|einwillig|zustimm|akzeptier)")
        .expect("static regex")
});
static CATEGORY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(category|categories|filed under|tags?|topics?|section|分类|分類|标签|標籤|栏目|欄目|关键词|關鍵詞|рубрика|теги|kategorie|schlagworte|catégorie)\s*[:：]")
        .expect("static regex")
});
static NAV_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(home|sitemap|site map|menu|search|login|log in|sign in|sign up|register|subscribe|share|share this|print|email|e-mail|top|back to top|back|next|previous|prev|more|read more|related|related articles|related news|advertisement|advertising|ad|skip to content|skip to main content|close|tweet|facebook|twitter|whatsapp|linkedin|weibo|wechat|返回顶部|返回頂部|返回首页|返回首頁|返回|首页|首頁|分享|分享到|打印|关闭|關閉|收藏|更多|相关新闻|相關新聞|上一篇|下一篇|微信|微博|扫一扫|掃一掃|реклама|поделиться)\s*[:：]?$")
        .expect("static regex")
});
static BY_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:By|BY|Von|Par|Por|Автор:?)\s+(\p{Lu}[\p{L}.'’-]*(?:\s+\p{Lu}[\p{L}.'’-]*){0,3}(?:\s*(?:,|and|und|&|et|y|и)\s*\p{Lu}[\p{L}.'’-]*(?:\s+\p{Lu}[\p{L}.'’-]*){0,3})*)\s*(?:[|,]\s*.*)?$")
        .expect("static regex")
});
static REPORTER_CN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[（(]\s*(?:记者|記者|通讯员|通訊員)\s*([\p{Han}·・ 　、，,]{2,40}?)\s*[）)]")
        .expect("static regex")
});
/// A line that is only a reporter byline: `本报记者 葛灵丹`, `光明日报记者 王建宏 张文攀`,
/// `□ 本报实习生 刘国栋 周炜`, `文/张三`, `文｜李四`.
static REPORTER_LINE_CN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[□■●◎\s]*(?:[\p{Han}\s]{0,12}?(?:记者|記者|实习生|實習生|通讯员|通訊員|特约撰稿人|撰稿)|文\s*[/｜|])\s*[:：]?\s*((?:\p{Han}{2,4}[\s　、，,]*){1,6})$")
        .expect("static regex")
});
/// Reporters credited in parentheses at the end of the article: `（记者 胡晓蓉）`,
/// `(信报记者 蔡雪婧)`, or names alone: `（常书香 马丹阳）`.
static REPORTER_TAIL_CN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[（(]\s*(?:\p{Han}{0,6}?(?:记者|記者|实习生|實習生|通讯员|通訊員)\s*)?((?:\p{Han}{2,3}[\s　、，,]+)*\p{Han}{2,3})\s*[）)]\s*$")
        .expect("static regex")
});
static EDITOR_INLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[（(\[【]\s*(?:责任编辑|責任編輯|编辑|編輯|责编|責編)\s*[:：]?\s*([\p{Han}·・ ]{2,20}?)\s*[）)\]】]\s*$")
        .expect("static regex")
});

/// Labels of metadata fields and what they fill.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Date,
    Source,
    Author,
    Editor,
    Ignore,
}

fn label_field(label: &str) -> Option<Field> {
    let l = label.trim().to_lowercase();
    let l = l.as_str();
    Some(match l {
        "发布时间"
        | "發佈時間"
        | "發布時間"
        | "发布日期"
        | "發佈日期"
        | "时间"
        | "時間"
        | "日期"
        | "发表时间"
        | "發表時間"
        | "published"
        | "date"
        | "posted"
        | "publié le"
        | "veröffentlicht"
        | "datum"
        | "опубликовано"
        | "дата"
        | "published on"
        | "posted on"
        | "updated"
        | "更新时间"
        | "更新時間" => Field::Date,
        "来源" | "來源" | "source" | "出处" | "出處" | "источник" | "quelle" | "from" => {
            Field::Source
        }
        "作者" | "author" | "authors" | "记者" | "記者" | "文" | "автор" | "autor" | "auteur"
        | "by" => Field::Author,
        "责任编辑" | "責任編輯" | "编辑" | "編輯" | "责编" | "責編" | "editor" | "edited by"
        | "редактор" | "本文编辑" => Field::Editor,
        "hits" | "views" | "点击" | "點擊" | "阅读" | "閱讀" | "浏览" | "瀏覽" | "字号"
        | "字號" | "评论" | "評論" | "comments" | "分享" | "分享到" | "просмотры" | "aufrufe" => {
            Field::Ignore
        }
        _ => return None,
    })
}

/// Try to read a line as a metadata line; fills `c` and returns true if it is one.
fn meta_line(line: &str, c: &mut Cleaned) -> bool {
    if weighted_len(line) > 240 {
        return false;
    }
    let fields: Vec<&str> = line
        .split(['|', '｜', '\u{3000}'])
        .flat_map(|f| f.split("  "))
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    let mut recognised = 0;
    let mut unknown = 0;
    let mut date = None;
    let mut source = None;
    let mut authors = Vec::new();
    let mut editor = None;
    for f in &fields {
        let split = f.find([':', '：']).map(|i| {
            let colon_len = f[i..].chars().next().map_or(1, char::len_utf8);
            (&f[..i], f[i + colon_len..].trim())
        });
        let labelled = split.and_then(|(l, v)| label_field(l).map(|k| (k, v)));
        match labelled {
            Some((Field::Date, v)) => {
                recognised += 1;
                date = date.or_else(|| dates::find_first(v));
            }
            Some((Field::Source, v)) => {
                recognised += 1;
                if !v.is_empty() {
                    source = Some(v.to_string());
                }
            }
            Some((Field::Author, v)) => {
                recognised += 1;
                authors = split_names(v);
            }
            Some((Field::Editor, v)) => {
                recognised += 1;
                if !v.is_empty() {
                    editor = Some(v.to_string());
                }
            }
            Some((Field::Ignore, _)) => recognised += 1,
            None => {
                // An unlabelled date field.
                let found = dates::find_all(f);
                if let Some(d) = found.first() {
                    let rest = f.chars().count() - f[d.start..d.end].chars().count();
                    if rest <= 30 {
                        recognised += 1;
                        date = date.or(Some(d.date));
                        continue;
                    }
                }
                unknown += 1;
            }
        }
    }
    if recognised == 0 || unknown > recognised || (fields.len() == 1 && date.is_none()) {
        // A single labelled field (`作者：X`) counts only when short.
        if !(fields.len() == 1 && recognised == 1 && weighted_len(line) < 60) {
            return false;
        }
    }
    if c.published.is_none() {
        c.published = date;
    }
    if c.outlet.is_none() {
        c.outlet = source;
    }
    if c.byline.is_empty() {
        c.byline = authors;
    }
    if c.editor.is_none() {
        c.editor = editor;
    }
    true
}

fn ends_like_sentence(s: &str) -> bool {
    let t = s.trim_end_matches(|c: char| c.is_whitespace() || c == '■' || c == '□');
    t.ends_with([
        '.', '!', '?', '。', '！', '？', '"', '”', '»', '…', ')', '）', ';', '；', ':', '：', '」',
        '』', '’', '\'',
    ])
}

/// Furniture a line is by itself (no context needed).
fn is_furniture(line: &str) -> bool {
    let wl = weighted_len(line);
    if BREADCRUMB.is_match(line) && wl < 120 {
        return true;
    }
    if wl < 120
        && line.matches(['>', '»', '›']).count() >= 1
        && !ends_like_sentence(line)
        && line
            .split(['>', '»', '›'])
            .all(|p| weighted_len(p.trim()) < 30)
    {
        return true;
    }
    if IMAGE_FILE.is_match(line) && wl < 120 {
        return true;
    }
    if CREDIT.is_match(line) && wl < 120 {
        return true;
    }
    if CAPTION_CN.is_match(line) && wl < 400 && line.chars().any(is_cjk) {
        return true;
    }
    if COPYRIGHT.is_match(line) && wl < 300 {
        return true;
    }
    if COOKIE.is_match(line) && COOKIE_CONTEXT.is_match(line) && wl < 600 {
        return true;
    }
    if CATEGORY.is_match(line) && wl < 150 {
        return true;
    }
    if NAV_WORDS.is_match(line) {
        return true;
    }
    // A lone all-caps word such as "SITEMAP" or "MENU".
    let letters: Vec<char> = line.chars().filter(|c| c.is_alphabetic()).collect();
    if !line.contains(' ')
        && letters.len() >= 3
        && letters.len() <= 15
        && letters.iter().all(|c| c.is_uppercase())
    {
        return true;
    }
    false
}

/// Clean a list of lines (paragraphs).
pub fn clean(lines: &[String], mode: Mode) -> Cleaned {
    let mut c = Cleaned::default();
    let mut kept: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for raw in lines {
        let line =
            raw.trim_matches(|ch: char| ch.is_whitespace() || ch == '\u{feff}' || ch == '\u{200b}');
        if line.is_empty() {
            continue;
        }
        if is_furniture(line) {
            continue;
        }
        if meta_line(line, &mut c) {
            continue;
        }
        if weighted_len(line) < 90 {
            if let Some(cap) = BY_LINE.captures(line) {
                if c.byline.is_empty() {
                    c.byline = split_names(cap.get(1).map_or("", |m| m.as_str()));
                }
                continue;
            }
        }
        if line.chars().count() <= 40 {
            if let Some(cap) = REPORTER_LINE_CN.captures(line) {
                if c.byline.is_empty() {
                    // `记者 彭冲 山东冠县报道`: the place of the report is not a name.
                    c.byline = split_names(cap.get(1).map_or("", |m| m.as_str()))
                        .into_iter()
                        .filter(|n| !n.ends_with("报道") && !n.ends_with("報導"))
                        .collect();
                }
                continue;
            }
        }
        if let Some(cap) = EDITOR_INLINE.captures(line) {
            if c.editor.is_none() {
                c.editor = cap.get(1).map(|m| m.as_str().trim().to_string());
            }
            let start = cap.get(0).map_or(line.len(), |m| m.start());
            let rest = line[..start].trim();
            if rest.is_empty() {
                continue;
            }
        }
        // Exact repeats (titles and leads printed twice).
        if !seen.insert(line.to_string()) {
            continue;
        }
        kept.push(line.to_string());
    }

    if mode == Mode::Text {
        // Trailing navigation words after the last real paragraph.
        while let Some(last) = kept.last() {
            if weighted_len(last) < 40 && !ends_like_sentence(last) {
                kept.pop();
            } else {
                break;
            }
        }
        // Title: the first line, when it reads like a headline.
        if let Some(first) = kept.first() {
            let wl = weighted_len(first);
            if wl <= 300 && !ends_like_sentence(first) && kept.len() > 1 {
                c.title = Some(first.clone());
                kept.remove(0);
            }
        }
    }
    // Reporters named in a lead paragraph: `(记者 郝薇薇 黃河)`.
    if c.byline.is_empty() {
        for p in kept.iter().take(3) {
            if let Some(cap) = REPORTER_CN.captures(p) {
                c.byline = split_names(clean_byline(cap.get(1).map_or("", |m| m.as_str())));
                break;
            }
        }
    }
    // Reporters credited at the very end: `……发展。（记者 胡晓蓉）`.
    if c.byline.is_empty() {
        for p in kept.iter().rev().take(2) {
            if let Some(names) = REPORTER_TAIL_CN.captures(p).and_then(|cap| cap.get(1)) {
                let labelled = cap_labelled(p);
                let names = names.as_str();
                // Without a label, names alone: not an agency or a note (`（新华社）`, `（完）`).
                let institution = names.ends_with([
                    '社', '报', '報', '网', '網', '台', '部', '局', '会', '會', '院', '厅', '廳',
                    '处', '處', '站', '办', '辦', '组', '組', '稿',
                ]);
                if labelled || !institution {
                    c.byline = split_names(names);
                    break;
                }
            }
        }
    }
    c.paragraphs = kept;
    c
}

fn cap_labelled(p: &str) -> bool {
    let tail: String = p
        .chars()
        .rev()
        .take(40)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    ["记者", "記者", "实习生", "實習生", "通讯员", "通訊員"]
        .iter()
        .any(|l| tail.contains(l))
}

/// Split raw text into non-empty lines.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

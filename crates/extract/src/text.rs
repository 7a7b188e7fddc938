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
/// A picture credit written as a phrase: `Photograph by …`, `Foto von …`, `Titelbild: …`.
static CREDIT_BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:photograph|photo|picture|image|foto|bild)s?\s+(?:by|von|de|par|di)\s+(?-i:\p{Lu})|(?:titelbild|beitragsbild|bildquelle|image credit|photo credit|bildnachweis|fotonachweis)\s*(?:[:：]|$))")
        .expect("static regex")
});
/// An advertising disclosure (`*Werbung. Dieser Beitrag enthält…`, `ANZEIGE -`, `Sponsored`), a
/// disclaimer (`Alle Angaben ohne Gewähr`) or a PHP error printed into the page.
static DISCLOSURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^\*?\s*(?:werbung|anzeige|advertisement|sponsored|gesponsert|publicidad|publicité)\s*[-–—.:|*]|(?:beitrag|artikel|post|video) enthält (?:werbung|affiliate)|this (?:post|article) (?:contains|may contain) (?:affiliate|references to products|sponsored)|bei den (?:verlinkungen|links) handelt es sich um|alle angaben ohne gewähr|irrtümer vorbehalten|^(?:warning|notice|deprecated|fatal error|parse error): .{0,200} in /.{0,200} on line \d+)")
        .expect("static regex")
});
/// Counters, pagers and trackback lines of Chinese pages, blogs and forums: `(已被阅读178次)`,
/// `第1页/共3页`, `Page 2 of 5`, `本文引用(Trackback)链接`, `你可以使用这个链接引用该篇文章 http://…`
/// (a blog's trackback notice), a poster's `积分: 120`.
static COUNTER_PAGER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:(?:已被|被)?(?:阅读|閱讀|浏览|瀏覽|点击|點擊|围观|圍觀)\s*[:：]?\s*\d+\s*次|^第\s*\d+\s*页\s*/?\s*共\s*\d+\s*页|^page \d+ of \d+\b|trackback|引用通告|引用该篇文章|引用該篇文章|引用地址\s*[:：]|^(?:能力值|积分|積分|帖子|精华|精華|威望|金钱|金錢|经验|經驗|魅力|发帖|發帖|回帖|在线时间|在線時間|阅读权限|閱讀權限|uid)\s*[:：]?\s*\d+\s*$)")
        .expect("static regex")
});
/// A reading-time line: `4 Min Read`, `Lesezeit: 3 Minuten`, `5 min de lecture`.
static READING_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:lesezeit|reading time|read time|temps de lecture|tiempo de lectura|tempo de leitura)\s*[:：]?\s*(?:ca\.\s*)?\d+\s*(?:min\.?|mins|minutes?|minuten|minutos)|\d+\s*(?:min\.?|mins|minutes?|minuten|minutos)\s*(?:read|reading|lesezeit|de lecture|de lectura|de leitura|lectura|leitura))\s*$")
        .expect("static regex")
});
/// A page control that shows or hides something: `Quellen ausblenden`, `Bild anzeigen`,
/// `Show more`, `Mostrar más`.
static TOGGLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:\p{L}+\s+(?:anzeigen|ausblenden|einblenden|ausklappen|einklappen)|(?:show|hide)\s+(?:more|less|all|details|sources|comments|replies)|(?:mostrar|ver)\s+(?:más|menos)|afficher (?:plus|moins))$")
        .expect("static regex")
});
static CAPTION_CN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(摄|攝|摄影|攝影|供图|供圖|图|圖)\s*[)）]?\s*$").expect("static regex")
});
/// A numbered figure's label (`图1. C2C产业链结构图`, `圖 2 流程图`): the body refers to it
/// (`如图1所示`), so it is text, though it ends in 图 like a photo credit (`新华社记者 X 摄`).
static FIGURE_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[图圖]\s*\d+\s*[.．、:：]?\s*\S").expect("static regex"));
/// A caption ending in a photographer's or provider's credit (`…（新华社记者 X 摄）`).
static PHOTO_CREDIT_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(摄|攝|摄影|攝影|供图|供圖)\s*[)）]?\s*$").expect("static regex")
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
    Regex::new(r"(?i)^(home|sitemap|site map|menu|search|login|log in|sign in|sign up|register|subscribe|share|share this|print|email|e-mail|top|back to top|back|next|previous|prev|more|read more|related|related articles|related news|advertisement|advertising|ad|skip to content|skip to main content|close|tweet|facebook|twitter|whatsapp|linkedin|weibo|wechat|返回顶部|返回頂部|返回首页|返回首頁|返回|首页|首頁|分享|分享到|打印|关闭|關閉|收藏|更多|相关新闻|相關新聞|上一篇|下一篇|微信|微博|扫一扫|掃一掃|реклама|поделиться|lesen sie auch|schon gelesen\?|explore further|veja também|leia também|lee también|lire aussi|à lire aussi|read also|also read|see also|next article|previous article|nächster artikel|vorheriger artikel|vorschau auf den nächsten artikel)\s*[:：]?$")
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
/// Reporter labels in Chinese bylines.
const REPORTER_LABELS: &[&str] = &[
    "特约撰稿人",
    "撰稿人",
    "执笔人",
    "執筆人",
    "记者",
    "記者",
    "实习生",
    "實習生",
    "通讯员",
    "通訊員",
    "撰稿",
    "执笔",
    "執筆",
];

fn is_han_name(t: &str) -> bool {
    let n = t.chars().count();
    (2..=4).contains(&n) && t.chars().all(|c| crate::content::is_cjk(c) || c == '·')
}

/// A line that is only a reporter byline: `本报记者 葛灵丹`, `光明日报记者 王建宏 张文攀`,
/// `□ 本报实习生 刘国栋 周炜 本报记者 王燕平 2003-7-24`, `记者 彭冲 山东冠县报道`, `文/张三`,
/// `文｜李四`, `张三 发表于 2005-9-15 11:46`. Returns the names.
fn reporter_line(line: &str) -> Option<Vec<String>> {
    let has_label = REPORTER_LABELS.iter().any(|l| line.contains(l))
        || line.contains("发表于")
        || line.contains("發表於")
        || line
            .trim_start_matches(['□', '■', '●', '◎', ' '])
            .starts_with('文');
    if !has_label {
        return None;
    }
    let mut t = line.trim_start_matches(['□', '■', '●', '◎', ' ', '\u{3000}']);
    // A trailing date (`… 2003-7-24`, `发表于 2005-9-15 11:46:00`).
    if let Some(f) = dates::find_all(t).last() {
        if t[f.end..]
            .trim_matches(|c: char| !c.is_alphanumeric())
            .len()
            <= 3
        {
            t = t[..f.start].trim_end();
        }
    }
    if let Some(head) = t
        .strip_suffix("发表于")
        .or_else(|| t.strip_suffix("發表於"))
        .map(str::trim)
    {
        // `ggjjzhzz 发表于 …`: a user name posting (the word before the label; a title may
        // precede it when the page printed both on one line).
        let head = head.rsplit(char::is_whitespace).next().unwrap_or(head);
        let ok = !head.is_empty()
            && head.chars().count() <= 20
            && head
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '·');
        return ok.then(|| vec![head.to_string()]);
    }
    let mut names = Vec::new();
    let mut labels = 0;
    let mut outlet_seen = false;
    let mut rest = t;
    // `文/张三`, `文｜李四`.
    if let Some(r) = rest
        .strip_prefix('文')
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix(['/', '｜', '|', '／']))
    {
        labels += 1;
        rest = r;
    }
    for tok in
        rest.split(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | ',' | '\u{3000}'))
    {
        let labelled = tok.ends_with([':', '：']);
        let tok = tok.trim_matches([':', '：']);
        if tok.is_empty() {
            continue;
        }
        // Another field (`编辑：`, `来源：`): a metadata line, read field by field elsewhere.
        if label_field(tok).is_some_and(|f| f != Field::Author) {
            return None;
        }
        // A label, possibly with the outlet before it and a name glued after it.
        if let Some((i, l)) = REPORTER_LABELS
            .iter()
            .find_map(|l| tok.find(l).map(|i| (i, *l)))
        {
            let before = &tok[..i];
            let after = tok[i + l.len()..].trim_start_matches([':', '：']);
            if before.chars().count() <= 8 && before.chars().all(crate::content::is_cjk) {
                labels += 1;
                if !after.is_empty() {
                    if !is_han_name(after) {
                        return None;
                    }
                    names.push(after.to_string());
                }
                continue;
            }
            return None;
        }
        if labelled {
            return None;
        }
        if labels == 0 {
            // The outlet before the label: `新华网黑龙江频道 记者 伊琳`.
            if names.is_empty()
                && !outlet_seen
                && tok.chars().count() <= 12
                && tok.chars().all(crate::content::is_cjk)
            {
                outlet_seen = true;
                continue;
            }
            return None;
        }
        if is_han_name(tok) {
            names.push(tok.to_string());
        } else if tok.ends_with("报道") || tok.ends_with("報導") {
            // `记者 彭冲 山东冠县报道`: the place of the report is not a name.
            if tok.chars().count() > 12 {
                return None;
            }
        } else {
            return None;
        }
    }
    names.retain(|n| !n.ends_with("报道") && !n.ends_with("報導"));
    (labels > 0 && !names.is_empty() && names.len() <= 8).then_some(names)
}

/// Reporters credited in parentheses at the end of the article: `（记者 胡晓蓉）`,
/// `(信报记者 蔡雪婧)`, or names alone: `（常书香 马丹阳）`.
static REPORTER_TAIL_CN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[（(]\s*(?:\p{Han}{0,6}?(?:记者|記者|实习生|實習生|通讯员|通訊員)\s*)?((?:\p{Han}{2,3}[\s　、，,]+)*\p{Han}{2,3})(?:\s+\p{Han}{1,8}?(?:报道|報導))?\s*[）)]\s*$")
        .expect("static regex")
});
static EDITOR_INLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[（(\[【]\s*(?:责任编辑|責任編輯|编辑|編輯|责编|責編)\s*[:：]?\s*([\p{Han}·・ ]{2,20}?)\s*[）)\]】]\s*$")
        .expect("static regex")
});

/// A Chinese metadata label with its colon after a space, inside a line.
static LABEL_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s+((?:责任编辑|責任編輯|编辑|編輯|责编|責編|来源|來源|作者|记者|記者|执笔人|執筆人|发布时间|發佈時間|發布時間|时间|時間|日期|点击|點擊|浏览|瀏覽)\s*[:：])")
        .expect("static regex")
});

/// One to four Chinese names in brackets: `[ 黄宇 ]`, `【张三 李四】`.
static BRACKET_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\[【]\s*(\p{Han}{2,4}(?:\s+\p{Han}{2,4}){0,3})\s*[\]】]").expect("static regex")
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
        | "by" | "执笔人" | "執筆人" | "执笔" | "執筆" | "撰文" | "撰稿" | "撰稿人"
        // The issuing body of a government document, in the metadata table of every Chinese
        // government disclosure page (政府信息公开: 索引号, 发文机关, 成文日期, 文号…).
        | "发文机关" | "發文機關" | "发文单位" | "發文單位" | "发布机构" | "發佈機構" | "發布機構" => {
            Field::Author
        }
        "责任编辑" | "責任編輯" | "编辑" | "編輯" | "责编" | "責編" | "editor" | "edited by"
        | "редактор" | "本文编辑" => Field::Editor,
        "hits" | "views" | "点击" | "點擊" | "阅读" | "閱讀" | "浏览" | "瀏覽" | "字号"
        | "字號" | "评论" | "評論" | "comments" | "分享" | "分享到" | "просмотры" | "aufrufe" => {
            Field::Ignore
        }
        _ => return None,
    })
}

/// A byline value that can be names: no sentence punctuation, no markup debris, short names.
fn plausible_names(v: &str) -> bool {
    !v.contains(['？', '?', '。', '！', '!', '=', '"', '<', '>'])
        && split_names(v).iter().all(|n| n.chars().count() <= 40)
}

/// Try to read a line as a metadata line; fills `c` and returns true if it is one.
fn meta_line(line: &str, c: &mut Cleaned) -> bool {
    if weighted_len(line) > 240 {
        return false;
    }
    // A row of a table, its cells joined by tabs: a metadata row when every cell is a field
    // (`来源：新华网	2005年08月28日 20:56	作者：张三`); a record with data cells among its dates
    // (`2016年	5月6日至10月7日	KBS	欢迎SHOW`) is the table's data, not the page's date line.
    let record = line.matches('\t').count() >= 2;
    // `执笔人：A B 编辑： C 来源： D`: a new label starts a new field.
    let line = &*LABEL_START.replace_all(line, "|$1");
    let fields: Vec<&str> = line
        .split(['|', '｜', '\u{3000}', '\t'])
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
            Some((Field::Author, v)) if plausible_names(v) => {
                recognised += 1;
                authors = split_names(v);
            }
            // `记者：你通过什么渠道…？`: an interview question, not a byline.
            Some((Field::Author, _)) => unknown += 1,
            Some((Field::Editor, v)) => {
                recognised += 1;
                if !v.is_empty() {
                    editor = Some(v.to_string());
                }
            }
            Some((Field::Ignore, _)) => recognised += 1,
            None => {
                // A name in brackets next to the date (`2004年7月16日08:19 [ 黄宇 ]`), as
                // Chinese portals print the author.
                let bracketed = BRACKET_NAME
                    .captures(f)
                    .and_then(|c| c.get(1))
                    .map(|m| split_names(m.as_str()));
                // The reader's clock (`Aktuelle Zeit: …`) names no date of the article.
                let lower = f.to_lowercase();
                if crate::meta::CLOCK_WORDS.iter().any(|w| lower.contains(w)) {
                    recognised += 1;
                    continue;
                }
                // An unlabelled date field.
                let found = dates::find_all(f);
                if let Some(d) = found.first() {
                    let rest = f.chars().count() - f[d.start..d.end].chars().count();
                    // `2005年7月1日，发行了第三张个人专辑。`: a dated sentence of the text (a
                    // timeline, a chronology), not a date line.
                    let after = &f[d.end..];
                    let sentence = after.contains(['，', '。', '！', '？', '；'])
                        || (ends_like_sentence(after) && after.chars().any(is_cjk));
                    if rest <= 30 && !sentence {
                        recognised += 1;
                        date = date.or(Some(d.date));
                        // The name follows the date; a bracket before it tags a category
                        // (`[湖湘文化]陈天华《警世钟》 2005-9-15`).
                        let after_date = BRACKET_NAME.find(f).is_some_and(|m| m.start() >= d.end);
                        if let (Some(b), true, true) = (bracketed, authors.is_empty(), after_date) {
                            authors = b;
                        }
                        continue;
                    }
                }
                if let (Some(b), true) = (bracketed, fields.len() > 1) {
                    recognised += 1;
                    if authors.is_empty() {
                        authors = b;
                    }
                    continue;
                }
                unknown += 1;
            }
        }
    }
    if record && unknown > 0 {
        return false;
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
    if wl < 120 && BREADCRUMB.is_match(line) {
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
    // A bare address on a line of its own (a download link, a source's address printed as
    // text): a link, not a sentence of the article.
    if !line.contains(char::is_whitespace)
        && ["http://", "https://", "www."].iter().any(|p| {
            line.get(..p.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(p))
        })
    {
        return true;
    }
    if wl < 120 && IMAGE_FILE.is_match(line) {
        return true;
    }
    if wl < 120 && CREDIT.is_match(line) {
        return true;
    }
    // Length first: most lines are long prose, and these patterns are for short lines.
    if wl < 120 && (CREDIT_BY.is_match(line) || TOGGLE.is_match(line)) {
        return true;
    }
    if wl < 80 && READING_TIME.is_match(line)
        || wl < 250 && DISCLOSURE.is_match(line)
        || wl < 150 && COUNTER_PAGER.is_match(line)
    {
        return true;
    }
    // One Chinese character alone: a label printed vertically (`今` / `日` / `推` / `荐`).
    let mut chars = line.chars();
    if matches!((chars.next(), chars.next()), (Some(c), None) if is_cjk(c)) {
        return true;
    }
    if wl < 400
        && line.chars().any(is_cjk)
        && CAPTION_CN.is_match(line)
        && (!FIGURE_LABEL.is_match(line) || PHOTO_CREDIT_END.is_match(line))
    {
        return true;
    }
    if wl < 300 && COPYRIGHT.is_match(line) {
        return true;
    }
    if wl < 600 && COOKIE.is_match(line) && COOKIE_CONTEXT.is_match(line) {
        return true;
    }
    if wl < 150 && CATEGORY.is_match(line) {
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
    let mut last_reporter = false;
    let recurring = recurring_labels(lines);
    let last_lines = lines.len().saturating_sub(2);
    for (idx, raw) in lines.iter().enumerate() {
        let line =
            raw.trim_matches(|ch: char| ch.is_whitespace() || ch == '\u{feff}' || ch == '\u{200b}');
        if line.is_empty() {
            continue;
        }
        let prev_reporter = std::mem::take(&mut last_reporter);
        if is_furniture(line) {
            continue;
        }
        if line.chars().count() <= 60 {
            if let Some(names) = reporter_line(line) {
                if c.byline.is_empty() {
                    c.byline = names;
                } else if prev_reporter {
                    // `本报实习生 A B` then `本报记者 C D` on the next line.
                    c.byline.extend(names);
                }
                if c.published.is_none() {
                    c.published = dates::find_all(line).last().map(|f| f.date);
                }
                last_reporter = true;
                continue;
            }
        }
        if meta_line(line, &mut c) {
            // The date under the issuer's name closing a notice or a letter is the document's
            // signature (落款), part of its text, not the page's date line.
            if idx >= last_lines
                && SIGNATURE_DATE.is_match(line)
                && kept.len() >= 2
                && kept.last().is_some_and(|l| is_signatory(l))
            {
                kept.push(line.to_string());
            }
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
        // Exact repeats (titles and leads printed twice). A short line that recurs three times
        // or more is a label the text is built on (`专家点评` closing each section, `Q:`, a
        // table's header row), not a title printed again: every copy stays.
        if !seen.insert(line.to_string()) && !recurring.contains(line) {
            continue;
        }
        kept.push(line.to_string());
    }

    if mode == Mode::Text {
        // Trailing navigation words after the last real paragraph.
        while let Some(last) = kept.last() {
            // A notice's signature (issuer, date) closes the text; it is not navigation.
            let n = kept.len();
            if n >= 2 && SIGNATURE_DATE.is_match(last) && is_signatory(&kept[n - 2]) {
                break;
            }
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
    // An author's name alone on the line under the headline: `犬儒病(上)` / `胡平` / text.
    if c.byline.is_empty() && kept.len() >= 3 {
        // A part number closing the headline (`(上)`, `（下）`) is not a sentence end.
        let first = kept[0]
            .trim_end()
            .strip_suffix([')', '）'])
            .and_then(|t| t.rsplit_once(['(', '（']))
            .filter(|(_, part)| part.chars().count() <= 4)
            .map_or(kept[0].as_str(), |(head, _)| head);
        let name = kept[1].trim_matches(|ch: char| ch.is_whitespace() || ch == '\u{3000}');
        if weighted_len(first) <= 120 && !ends_like_sentence(first) && is_han_name(name) {
            c.byline = vec![name.to_string()];
            kept.remove(1);
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
            if let Some(cap) = REPORTER_TAIL_CN.captures(p) {
                let Some(names) = cap.get(1) else { continue };
                let labelled = cap_labelled(p);
                // Names alone close a sentence (`……发展。（常书香 马丹阳）`); after a headline
                // or a link they are a category (`……盖房事件(房产)`).
                let before = p[..cap.get(0).map_or(0, |m| m.start())].trim_end();
                let after_sentence = before.ends_with(['。', '！', '？', '”', '"', '.', '!', '?']);
                if !labelled && !after_sentence {
                    continue;
                }
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

/// A date alone in the long Chinese form a signature carries: `2022年1月27日`,
/// `二〇二二年一月二十七日`.
static SIGNATURE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d{4}年\d{1,2}月\d{1,2}日|[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)$")
        .expect("static regex")
});

/// A signatory's line: a short name of a person or a body (`吉林省人民政府`), no figures, no
/// sentence.
fn is_signatory(line: &str) -> bool {
    let l = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    !l.is_empty()
        && weighted_len(l) <= 60
        && !l.chars().any(|c| c.is_ascii_digit())
        && !ends_like_sentence(l)
        && !l.contains([':', '：', '，', ','])
}

/// A short line that recurs at least this many times is a structural label, not a repeat.
const RECURRING: usize = 3;

/// Short lines (a label, a subhead, a table's header row) that occur [`RECURRING`] times or more.
fn recurring_labels(lines: &[String]) -> std::collections::HashSet<&str> {
    let mut counts: std::collections::HashMap<&str, usize> = Default::default();
    for l in lines {
        let l =
            l.trim_matches(|ch: char| ch.is_whitespace() || ch == '\u{feff}' || ch == '\u{200b}');
        if !l.is_empty() && weighted_len(l) <= 60 {
            *counts.entry(l).or_insert(0) += 1;
        }
    }
    counts
        .into_iter()
        .filter(|&(_, n)| n >= RECURRING)
        .map(|(l, _)| l)
        .collect()
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

/// A short line that opens the add-ons after an article: related links, "read more", about the
/// author, comments, tags.
static TAIL_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:related(?: articles| stories| posts| content| news| coverage)?|read (?:more|also|next)|more (?:from|on|about|stories|news|like this)|you (?:may|might) also (?:like|enjoy|be interested)|recommended(?: for you| articles| stories| reading)?|about the author|further reading|see also|also on\b|most (?:read|popular|viewed)|popular (?:posts|stories|articles)|trending|tags?|topics|leave a (?:reply|comment)|\d* ?comments?|share (?:this|on|the article|it)|like it\?|mehr zum thema|mehr themen|mehr (?:dazu|zum)|lesen sie (?:auch|mehr|weiter)|auch interessant|das könnte (?:dich|sie) (?:auch )?interessieren|das thema könnte|weitere (?:artikel|beiträge|themen|nachrichten|news)|empfohlene (?:beiträge|artikel)|ähnliche (?:artikel|beiträge)|verwandte (?:artikel|beiträge|themen)|zum weiterlesen|passend dazu|über (?:den autor|die autorin)|schlagwörter|schlagworte|kommentare|keine kommentare|jetzt teilen|artikel teilen|weiterlesen|à lire aussi|lire aussi|sur le même sujet|articles similaires|voir aussi|te puede interesar|lee también|más sobre|veja também|leia também|saiba mais|lees ook|noticias relacionadas|más noticias|leggi anche|articoli correlati|czytaj (?:także|też)|zobacz (?:także|też)|相关阅读|相關閱讀|相关新闻|相關新聞|相关文章|相關文章|延伸阅读|延伸閱讀|推荐阅读|推薦閱讀|热门文章|熱門文章|猜你喜欢|相关报道|相關報導)\b[^=]{0,40}$",
    )
    .expect("static regex")
});

/// A short line that opens the comments: everything after it goes, however long.
static COMMENTS_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:leave a (?:reply|comment)|post a comment|add a comment|\d+ (?:comments?|responses?|replies)|comments? \(\d+\)|kommentar schreiben|kommentare \(\d+\)|\d+ kommentare|laisser un commentaire|deja un comentario|发表评论|發表評論|网友评论|網友評論|最新评论|最新評論|我来说两句|我來說兩句|评论区|評論區|已有\d+条评论|共\s*\d+\s*条评论)[^=]{0,30}$",
    )
    .expect("static regex")
});

/// Calls to action and page widgets that end an article: newsletters, follow us, share, rate.
static CALL_TO_ACTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:newsletter|subscribe|sign up|log ?in (?:to|for)|follow (?:us|me|the|\w+ on)|keep up with|join (?:us|our)|share (?:this|it)|jetzt teilen|artikel teilen|abonnier|registrier|einloggen|anmelden|folge[n]? (?:sie |du )?uns|war (?:der|dieser) artikel|wie bewerten sie|bewertungen?\)|noch keine bewertung|síguenos|suscr[ií]b|únete|hazte miembro|abonnez|inscrivez|zapraszamy|subskrypc|telegram|whatsapp-kanal|newsletter abonnieren|if you (?:enjoyed|liked|value|appreciate)|consider supporting|support (?:our|us)\b|we want to hear|letter to the editor|affiliate[- ]links?|jede (?:kleine )?spende|jetzt spenden|spenden sie|unterstütze[n]? (?:sie |du )?uns|gefällt (?:dir|ihnen) (?:unser|unsere|dieser|diese|der|das))",
    )
    .expect("static regex")
});

/// Calls to action that are never article prose, whatever their length and place: paywall and
/// newsletter boxes, app and social-media plugs, teaser links labelled `MIRA:` / `Also read:`.
static STRONG_CALL_TO_ACTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:please subscribe|subscribe (?:now|today|here)|to (?:view|read) the full (?:story|article)|sign up (?:to get|to receive|for our|now|here)|(?:download|get) (?:the|our) [\w ]{0,30}apps?|apps? for (?:ios|iphone) and android|follow (?:us|the \w+|\w+) on (?:twitter|facebook|instagram)|cancel (?:at )?any ?time|e-mail-adresse ein|enter your e-?mail|verpasse keine|verpassen sie keine|missing out on the latest|wir informieren sie regelmäßig|(?:wir respektieren|we respect) (?:deine|ihre|your) priva|cancela cuando quieras|(?:nuestro|our|unseren?) (?:canal de youtube|youtube[- ]channel|youtube-kanal)|^(?:mira|mire|lee también|lea también|ver también|also read|read also|watch|lesen sie auch|leia também|czytaj (?:też|także)|te recomendamos)\s*:)",
    )
    .expect("static regex")
});

/// Drop the add-ons after an article: from a tail marker in the last half of the text on, and
/// calls to action (short lines anywhere, lines up to 200 weighted chars in the last third).
pub fn trim_tail(paragraphs: &mut Vec<String>) {
    let lens: Vec<usize> = paragraphs.iter().map(|p| weighted_len(p)).collect();
    let total: usize = lens.iter().sum();
    if total == 0 || paragraphs.len() < 3 {
        return;
    }
    let mut before = 0usize;
    let mut cut = None;
    for (i, p) in paragraphs.iter().enumerate() {
        // In the second half, with at most a third of the text after it (a "more on this"
        // box inside the article is followed by more article).
        let after = total - before - lens[i];
        let line = p.trim();
        // Comments may be longer than the article: a quarter of the text before them is enough
        // (a comment count under the headline has nothing before it).
        if lens[i] <= 80
            && ((before * 2 >= total && after * 3 <= total && TAIL_MARKER.is_match(line))
                || (before * 4 >= total && COMMENTS_MARKER.is_match(line)))
        {
            cut = Some(i);
            break;
        }
        before += lens[i];
    }
    if let Some(i) = cut {
        paragraphs.truncate(i);
    }
    let total: usize = paragraphs.iter().map(|p| weighted_len(p)).sum();
    let mut before = 0usize;
    let mut out = Vec::with_capacity(paragraphs.len());
    for p in paragraphs.drain(..) {
        let wl = weighted_len(&p);
        let late = before * 3 >= total * 2;
        before += wl;
        if (late && wl <= 200 || wl <= 90) && CALL_TO_ACTION.is_match(&p)
            || wl <= 250 && STRONG_CALL_TO_ACTION.is_match(&p)
        {
            continue;
        }
        out.push(p);
    }
    *paragraphs = out;
    // Short lines that are not sentences after the last one (`Artikel bewerten`, `Autour de :`,
    // `Photo credits: …`, a lone section title of a teaser box) are page furniture.
    while paragraphs.len() > 1 && paragraphs.last().is_some_and(|p| is_trailing_label(p)) {
        paragraphs.pop();
    }
}

/// A short line without numbers that does not end a sentence: a label, a button, a section title.
fn is_trailing_label(p: &str) -> bool {
    let t = p.trim();
    weighted_len(t) <= 40
        // Numbers make data lines: list entries, quantities, addresses.
        && !t.chars().any(|c| c.is_ascii_digit())
        && !t.ends_with([
            '.', '!', '?', '。', '！', '？', '"', '”', '»', '“', '…', ')', '）', '」', '』', '\'',
        ])
}

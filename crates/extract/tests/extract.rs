//! Extraction behaviour on the five sample articles (text input) and on small HTML pages kept in
//! `tests/html/` with their expected output next to them (`UPDATE_EXPECT=1` rewrites those).

use model::{Content, RawDocument, RawMeta};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn raw(id: &str, content: Content) -> RawDocument {
    RawDocument {
        id: id.to_string(),
        source: id.to_string(),
        content,
        meta: RawMeta::default(),
        encoding: "UTF-8".to_string(),
    }
}

#[test]
fn seeds_match_gold() {
    let gold: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/seeds.gold.json")).expect("gold file"),
    )
    .expect("gold json");
    let docs = gold["documents"].as_object().expect("documents");
    let mut failures = Vec::new();
    for (id, g) in docs {
        let path = root().join("examples/seeds").join(format!("{id}.txt"));
        let text = std::fs::read_to_string(&path).expect("seed file");
        let art = extract::extract(&raw(id, Content::Text(text)));
        let body = art.text();
        let lines: Vec<&str> = body.lines().map(str::trim).collect();
        for d in g["must_drop"].as_array().into_iter().flatten() {
            let d = d.as_str().unwrap_or_default().trim();
            if lines.contains(&d) {
                failures.push(format!("{id}: furniture kept: {d:?}"));
            }
        }
        for k in g["must_keep"].as_array().into_iter().flatten() {
            let k = k.as_str().unwrap_or_default().trim();
            if !body.contains(k) {
                failures.push(format!("{id}: text lost: {k:?}"));
            }
        }
        for t in g["title_contains"].as_array().into_iter().flatten() {
            let t = t.as_str().unwrap_or_default();
            if !art.title.as_deref().unwrap_or("").contains(t) {
                failures.push(format!("{id}: title {:?} lacks {t:?}", art.title));
            }
        }
        let want_pub = g["published"].as_str();
        if art.published.as_deref() != want_pub {
            failures.push(format!(
                "{id}: published {:?}, want {want_pub:?}",
                art.published
            ));
        }
        if let Some(by) = g.get("byline").and_then(Value::as_array) {
            let want: Vec<&str> = by.iter().filter_map(Value::as_str).collect();
            if art.byline != want {
                failures.push(format!("{id}: byline {:?}, want {want:?}", art.byline));
            }
        }
        if let Some(ed) = g.get("editor").and_then(Value::as_str) {
            if art.editor.as_deref() != Some(ed) {
                failures.push(format!("{id}: editor {:?}, want {ed:?}", art.editor));
            }
        }
        if let Some(dl) = g.get("dateline") {
            let got = art.dateline.clone().unwrap_or_default();
            let want_place = dl["place"].as_str().unwrap_or_default();
            let place_ok = match got.place.as_deref() {
                Some(p) => p == want_place || (want_place == "Kazan" && p == "喀山"),
                None => false,
            };
            if !place_ok || got.date.as_deref() != dl["date"].as_str() {
                failures.push(format!("{id}: dateline {got:?}, want {dl}"));
            }
        }
        if let Some(o) = &art.outlet {
            let mentions: Vec<&str> = g["outlet_mentions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let known = ["新華網", "新华网"];
            if !mentions.iter().any(|m| o.contains(m)) && !known.contains(&o.as_str()) {
                failures.push(format!("{id}: outlet {o:?} not among {mentions:?}"));
            }
        }
        if !art.segments.is_empty() {
            failures.push(format!("{id}: segments must be left empty"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The fields of an article that the HTML cases pin, as pretty JSON.
fn summary(a: &model::Article) -> String {
    let v = serde_json::json!({
        "title": a.title,
        "published": a.published,
        "outlet": a.outlet,
        "byline": a.byline,
        "editor": a.editor,
        "dateline": a.dateline,
        "paragraphs": a.paragraphs,
        "diagnostics": a.diagnostics,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// Every `tests/html/NAME.html` is extracted and compared with `NAME.expected.json`;
/// `UPDATE_EXPECT=1` rewrites the expected files.
#[test]
fn html_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/html");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/html")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    names.sort();
    assert!(names.len() >= 8);
    let mut failures = Vec::new();
    for p in names {
        let html = std::fs::read_to_string(&p).expect("html case");
        let stem = p
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let got = summary(&extract::extract(&raw(&stem, Content::Html(html))));
        let exp_path = dir.join(format!("{stem}.expected.json"));
        if update {
            std::fs::write(&exp_path, &got).expect("write expected");
            continue;
        }
        let want = std::fs::read_to_string(&exp_path).unwrap_or_default();
        if want != got {
            failures.push(format!("{stem}: got\n{got}\nwant\n{want}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(UPDATE_EXPECT=1 rewrites)",
        failures.join("\n")
    );
}

fn html(s: &str) -> model::Article {
    extract::extract(&raw("t", Content::Html(s.to_string())))
}

#[test]
fn html_signals() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/html");
    let read = |n: &str| std::fs::read_to_string(dir.join(n)).expect("case");
    let a = html(&read("jsonld.html"));
    assert_eq!(a.title.as_deref(), Some("Harbour reopens after storm"));
    assert_eq!(a.published.as_deref(), Some("2024-03-05T09:30:00"));
    assert_eq!(a.outlet.as_deref(), Some("Coastal Daily"));
    assert_eq!(a.byline, ["Ann Lee", "Bo Chen"]);
    assert!(!a.text().contains("Tweet") && !a.text().contains("Copyright"));
    let dl = a.dateline.expect("dateline");
    assert_eq!(
        (dl.place.as_deref(), dl.date.as_deref()),
        (Some("Portsmouth"), Some("2024-03-05"))
    );

    let a = html(&read("og.html"));
    assert_eq!(a.title.as_deref(), Some("Museum opens new wing"));
    assert_eq!(a.outlet.as_deref(), Some("City Herald"));
    assert_eq!(a.published.as_deref(), Some("2023-06-01"));
    assert_eq!(a.byline, ["Maria Rossi"]);
    assert!(!a.text().contains("kids"), "comments are not article text");

    let a = html(&read("zh.html"));
    assert_eq!(a.published.as_deref(), Some("2024-10-23T08:59:26"));
    assert_eq!(a.editor.as_deref(), Some("張芃芃"));
    assert_eq!(a.byline, ["郝薇薇", "黃河"]);
    assert!(!a.text().contains("發佈時間") && !a.text().contains("ICP"));
    let dl = a.dateline.expect("dateline");
    assert_eq!(
        (dl.place.as_deref(), dl.date.as_deref()),
        (Some("喀山"), Some("2024-10-22"))
    );

    let a = html(&read("ru.html"));
    assert_eq!(a.published.as_deref(), Some("2024-10-22T14:05"));
    assert_eq!(a.dateline.and_then(|d| d.place).as_deref(), Some("Москва"));

    for page in ["home.html", "cookie.html"] {
        let a = html(&read(page));
        assert!(a.paragraphs.is_empty(), "{page}: {:?}", a.paragraphs);
        assert!(
            a.diagnostics.iter().any(|d| d == "no article text found"),
            "{page}"
        );
    }

    let a = html(&read("malformed.html"));
    assert!(a.text().contains("Third paragraph after stray end tags"));
    assert!(a.text().contains("overlap badly & an entity"));
    assert!(!a.text().contains("var x"));

    let a = html(&read("lying-charset.html"));
    assert!(a.text().contains("页面却声称自己使用windows-1251编码"));
    assert_eq!(a.paragraphs.len(), 2);
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 100_000;
    let mut s = String::with_capacity(depth * 11 + 200);
    s.push_str("<html><body>");
    for _ in 0..depth {
        s.push_str("<div>");
    }
    s.push_str("<p>Deep inside a hundred thousand divs there is still a paragraph of article text to find here, and it is long enough to count as an article rather than a stray navigation label.</p>");
    for _ in 0..depth {
        s.push_str("</div>");
    }
    s.push_str("</body></html>");
    let a = html(&s);
    assert!(a.text().contains("Deep inside a hundred thousand divs"));
}

#[test]
fn hardening_9_text_past_four_mib_is_not_cut() {
    // Extraction used to cut text at 4 MiB (and HTML at 8 MiB) whatever `--max-doc-mib` said;
    // ingest's document limit is now the only limit, so the end of a 4.1 MiB text is kept.
    let mut s = String::new();
    let mut n = 0;
    while s.len() < (4 << 20) + (64 << 10) {
        n += 1;
        s.push_str(&format!(
            "Paragraph {n} of a very long scraped report says the council met again today.\n\n"
        ));
    }
    s.push_str("The closing paragraph names the treasurer Quillon Abernathy-Voss as the source.\n");
    let a = extract::extract(&raw("long", Content::Text(s)));
    assert!(
        a.paragraphs
            .last()
            .is_some_and(|p| p.contains("Quillon Abernathy-Voss")),
        "the end of the text was cut"
    );
    assert!(!a.diagnostics.iter().any(|d| d.contains("only the first")));
}

#[test]
fn hardening_10_impossible_published_dates_are_dropped() {
    let body = "<html><head><meta property=\"article:published_time\" content=\"2024-10-22\"></head><body><article><p>The city council approved the new budget on Tuesday after a long debate about the costs of the bridge repairs and the school buildings.</p></article></body></html>";
    for bad in [
        "yesterday",
        "2024-13-45",
        "0000-00-00",
        "1200-01-01",
        "9999-12-28",
    ] {
        let mut r = raw("d", Content::Html(body.into()));
        r.meta.published = Some(bad.into());
        let a = extract::extract(&r);
        // The page's own date takes over, and the user is told which value was dropped.
        assert_eq!(a.published.as_deref(), Some("2024-10-22"), "{bad}");
        assert!(
            a.diagnostics
                .iter()
                .any(|d| d.contains("publication date dropped") && d.contains(bad)),
            "{bad}: {:?}",
            a.diagnostics
        );
    }
    // A date after the capture date is as absurd as one in the future.
    let mut r = raw("d", Content::Html(body.into()));
    r.meta.published = Some("2024-12-01".into());
    r.meta.captured = Some("2024-10-23T10:00:00Z".into());
    assert_eq!(
        extract::extract(&r).published.as_deref(),
        Some("2024-10-22")
    );
    r.meta.published = Some("2024-10-23T09:00:00Z".into());
    assert_eq!(
        extract::extract(&r).published.as_deref(),
        Some("2024-10-23T09:00:00Z")
    );
}

#[test]
fn text_input_metadata_wins() {
    let mut r = raw(
        "m",
        Content::Text("Some headline\nBody text of the article that is long enough.".into()),
    );
    r.meta.title = Some("Given title".into());
    r.meta.published = Some("2020-01-02".into());
    let a = extract::extract(&r);
    assert_eq!(a.title.as_deref(), Some("Given title"));
    assert_eq!(a.published.as_deref(), Some("2020-01-02"));
}

/// A page whose article paragraphs sit inside `inner` (opening tags of the wrapper), with a
/// navigation list before and a footer after.
fn page_with(inner_open: &str, inner_close: &str) -> String {
    format!(
        "<html><body><nav><ul><li><a href='/'>Home</a></li><li><a href='/a'>About</a></li></ul></nav>\
         {inner_open}\
         <p>The harbour authority said on Monday that the northern quay would reopen after repairs, and that ferries would run to the usual timetable from next week.</p>\
         <p>Engineers replaced two hundred metres of the sea wall, which the winter storms had undermined, at a cost the council put at four million euros.</p>\
         <p>Fishermen, who had moved their boats to the southern basin, welcomed the news but asked for a say in how berths are shared out.</p>\
         {inner_close}<footer><p>Contact us</p></footer></body></html>"
    )
}

#[test]
fn class_names_that_only_look_like_boilerplate_keep_their_text() {
    for (open, close) in [
        // page builders and field wrappers
        ("<div class='elementor-widget-wrap'><div class='elementor-widget elementor-widget-text-editor'>", "</div></div>"),
        ("<div class='field field--name-body field--label-hidden'>", "</div>"),
        ("<div class='col hidden-xs l-hidden-s'>", "</div>"),
        // a blog post box with a positional class, a commentary (opinion) article
        ("<div class='post_box top post-138'>", "</div>"),
        ("<div class='news subjective commentary article'>", "</div>"),
        ("<article class='node node--promoted'>", "</article>"),
    ] {
        let a = html(&page_with(open, close));
        assert!(a.text().contains("northern quay"), "{open}: {:?}", a.paragraphs);
        assert!(a.text().contains("share out") || a.text().contains("shared out"), "{open}");
    }
    // Real widgets, comments and sidebars are still dropped.
    let s = page_with("<div class='entry'>", "</div>").replace(
        "<footer>",
        "<div class='widget widget_text'><p>Our sponsors make this blog possible, thank you so much to all of them for their support over the years.</p></div><footer>",
    );
    assert!(!html(&s).text().contains("sponsors"));
}

#[test]
fn article_printed_only_inside_noscript_is_read() {
    let s = page_with(
        "<div class='post-body'><script type='text/template'><p>template copy</p></script><noscript>",
        "</noscript></div>",
    );
    let a = html(&s);
    assert!(a.text().contains("northern quay"), "{:?}", a.paragraphs);
    assert!(!a.text().contains("template copy"));
    // A noscript tracking pixel or notice stays out.
    let s = page_with(
        "<div>",
        "</div><noscript>Please enable JavaScript</noscript>",
    );
    assert!(!html(&s).text().contains("enable JavaScript"));
}

#[test]
fn header_with_a_lead_paragraph_is_not_furniture() {
    let s = page_with(
        "<article><header><h2>Quay to reopen</h2><p class='lead'>After a winter of storm damage and two hundred metres of new sea wall, the northern quay is ready for ferries again.</p></header>",
        "</article>",
    );
    let a = html(&s);
    assert!(
        a.text().contains("ready for ferries again"),
        "{:?}",
        a.paragraphs
    );
    assert!(a.text().contains("northern quay would reopen"));
}

#[test]
fn visible_date_near_the_headline_is_the_fallback() {
    // No metadata, no date class or label: the date under the headline, which the page repeats,
    // wins over dates in a list of other posts and in the copyright line.
    let s = page_with(
        "<div><h1>Quay to reopen</h1><p>12 March 2021</p>",
        "<p>Posted 12 March 2021 by the editors.</p></div>\
         <div><ul><li>Older story, 3 February 2021</li><li>Another one, 9 January 2021</li></ul></div>\
         <p>© 2019 Harbour News</p>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2021-03-12"));
    // A labelled date line in the text still beats the guess.
    let s = page_with(
        "<div><h1>Quay to reopen</h1><p>3 March 2021</p><p>3 March 2021</p><p>Published: 4 March 2021</p>",
        "</div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2021-03-04"));
}

#[test]
fn full_url_date_beats_disagreeing_metadata() {
    let s = page_with(
        "<head><meta name='date' content='2009-04-11'></head><div>",
        "</div>",
    );
    let mut r = raw("u", Content::Html(s));
    r.meta.url = Some("https://example.org/2019/10/22/a-story/".into());
    assert_eq!(
        extract::extract(&r).published.as_deref(),
        Some("2019-10-22")
    );
}

fn zh_page(body: &str) -> String {
    format!(
        "<html><head><meta name='author' content='www.example.cn'></head><body><div class='content'>\
         <h1>全市新建公园二十座</h1>{body}</div></body></html>"
    )
}

const ZH_PARA: &str = "<p>今年以来，全市新建和改造公园二十座，新增绿地面积三百多公顷，市民出门见绿的愿望正在变成现实，各区还将继续推进口袋公园建设。</p>";

#[test]
fn chinese_reporter_bylines() {
    // A byline line of its own, with the paper's name before the label; the site's domain in
    // the author meta tag yields to it.
    let a = html(&zh_page(&format!(
        "<p>光明日报记者 王建宏 张文攀</p>{ZH_PARA}{ZH_PARA}"
    )));
    assert_eq!(a.byline, ["王建宏", "张文攀"]);
    assert!(!a.text().contains("光明日报记者"));
    let a = html(&zh_page(&format!("<p>记者 彭冲 山东冠县报道</p>{ZH_PARA}")));
    assert_eq!(a.byline, ["彭冲"]);
    // Credited in parentheses at the end, with or without the label.
    let tail = |t: &str| {
        html(&zh_page(&format!(
            "{ZH_PARA}<p>市园林局表示，明年将再建十座公园。{t}</p>"
        )))
        .byline
    };
    assert_eq!(tail("（信报记者 蔡雪婧）"), ["蔡雪婧"]);
    assert_eq!(tail("（常书香 马丹阳 ）"), ["常书香", "马丹阳"]);
    assert!(!tail("（新华社）").contains(&"新华社".to_string()));
}

#[test]
fn government_document_metadata_table() {
    // A disclosure page's metadata table: each label in a cell of its own, its value in the
    // next. The issuing body is the document's author.
    let table = "<table><tr><td>索 引 号：</td><td>000014349/2023-00112</td></tr>\
                 <tr><td>发文机关：</td><td>某某市人民政府办公室</td></tr>\
                 <tr><td>发布日期：</td><td>2023年05月09日</td></tr></table>";
    let a = html(&zh_page(&format!("{table}{ZH_PARA}{ZH_PARA}")));
    assert_eq!(a.byline, ["某某市人民政府办公室"]);
    assert_eq!(a.published.as_deref().map(|d| &d[..10]), Some("2023-05-09"));
    assert!(!a.text().contains("发文机关"));
    // A label whose next block is a sentence of the article is not paired with it.
    let a = html(&zh_page(&format!("<p>作者：</p>{ZH_PARA}")));
    assert!(
        !a.byline.iter().any(|b| b.contains("公园")),
        "{:?}",
        a.byline
    );
}

#[test]
fn author_page_links_name_the_author_of_a_page_without_a_byline() {
    let page = |links: &str| {
        format!(
            "<html><body><div class='side'>{links}\
             <a href='/?m=200604&author=7'>April 2006</a> <a href='/?cat=3&author=7'>travel</a>\
             </div><div class='content'><h1>全市新建公园二十座</h1>{ZH_PARA}{ZH_PARA}</div></body></html>"
        )
    };
    let one =
        "<a href='http://blog.example.org/?author=7' title='blog'><font><u>晚风</u></font></a>";
    assert_eq!(html(&page(one)).byline, ["晚风"]);
    let rel = "<a rel=\"author\" href='/people/ann'>Ann Lee</a>";
    assert_eq!(html(&page(rel)).byline, ["Ann Lee"]);
    // Links to two writers (a list of contributors) name nobody.
    let two = format!("{one}<a href='/author/bo-chen/'>Bo Chen</a>");
    assert!(html(&page(&two)).byline.is_empty());
}

#[test]
fn publication_label_inside_a_long_meta_line() {
    // The line also names categories and a comment link; only the words before the date count.
    let s = page_with(
        "<div><h1>Quay to reopen</h1><p class='entry-meta'>Author: kim | Published on 16.12.2012 \
         / Categories: Harbour, Town, Weather, Storms, Boats / Tags: quay, storm, reopening, \
         council, harbour master / Leave a comment</p>",
        "</div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2012-12-16"));
    // A footer with "last changed" before "published": the second date is the one.
    let s = page_with(
        "<div><h1>Quay to reopen</h1>",
        "</div><p>Letzte Änderung: 31.10.2023 - 14:49:39<br>Erschienen am: 01.11.2023<br>\
         © bei der Autorin</p>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2023-11-01"));
}

#[test]
fn date_glued_to_a_label_and_date_attributes() {
    let s = page_with(
        "<div><h1>Quay to reopen</h1><div class='datestamp'><span>입력2023.11.02. 오후 8:06</span></div>",
        "</div>",
    );
    assert_eq!(
        html(&s).published.as_deref().map(|d| &d[..10]),
        Some("2023-11-02")
    );
    // RDFa `property="schema:dateCreated"` with a content attribute.
    let s = page_with(
        "<div><h1>Quay to reopen</h1><span property='schema:dateCreated' \
         content='2022-01-28T12:45:46+00:00'></span>",
        "</div>",
    );
    assert_eq!(
        html(&s).published.as_deref().map(|d| &d[..10]),
        Some("2022-01-28")
    );
    // A `<time>` in a side column is better than no date.
    let s = page_with(
        "<aside><span class='x'><time datetime='2020-06-22T09:30:00+02:00'>28 minutes ago</time></span></aside><div><h1>Quay to reopen</h1>",
        "</div>",
    );
    assert_eq!(
        html(&s).published.as_deref().map(|d| &d[..10]),
        Some("2020-06-22")
    );
}

#[test]
fn utc_metadata_time_yields_to_the_local_day() {
    // The same moment given with the local offset.
    let s = page_with(
        "<head><meta property='article:published_time' content='2020-12-24T23:59:50+00:00'>\
         <script type='application/ld+json'>{\"@type\":\"NewsArticle\",\
         \"datePublished\":\"2020-12-25T01:59:50+02:00\"}</script></head><div><h1>Quay to reopen</h1>",
        "</div>",
    );
    assert_eq!(
        html(&s).published.as_deref().map(|d| &d[..10]),
        Some("2020-12-25")
    );
    // An early UTC hour and a visible date line the day before (a page west of Greenwich).
    let s = page_with(
        "<head><meta property='article:published_time' content='2023-11-09T06:35:29+00:00'></head>\
         <div><h1>Quay to reopen</h1><p class='date'>Posted: November 8, 2023 / 10:35 PM PST</p>",
        "</div>",
    );
    assert_eq!(
        html(&s).published.as_deref().map(|d| &d[..10]),
        Some("2023-11-08")
    );
    // Midday UTC: the metadata day stands.
    let s = page_with(
        "<head><meta property='article:published_time' content='2023-11-09T12:35:29+00:00'></head>\
         <div><h1>Quay to reopen</h1><p class='date'>Posted: November 8, 2023</p>",
        "</div>",
    );
    assert_eq!(
        html(&s).published.as_deref().map(|d| &d[..10]),
        Some("2023-11-09")
    );
}

#[test]
fn date_only_in_the_paths_of_uploads() {
    // No date anywhere but in the paths the site files its uploads under; the most frequent wins.
    let s = page_with(
        "<head><meta property='og:image' content='https://example.org/up/2018/04/09/cover.png'></head>\
         <div><h1>Quay to reopen</h1><img src='/up/2018/04/09/quay.jpg'><a href='/2017/01/02/older/'>Older</a>",
        "</div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2018-04-09"));
    // A year and month only, or an impossible day, is not a date.
    let s = page_with(
        "<div><h1>Quay to reopen</h1><img src='/up/2018/04/quay.jpg'><img src='/up/2018/02/31/x.jpg'>",
        "</div>",
    );
    assert_eq!(html(&s).published, None);
}

#[test]
fn day_printed_in_a_time_element_beats_its_attribute() {
    let s = page_with(
        "<div><h1>Quay to reopen</h1><p class='meta'><time datetime='2021-05-11T08:00:00Z'>Posted on 2 May 2021</time></p>",
        "</div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2021-05-02"));
    // Printed without a day, or the same day: the attribute (with its time) stands.
    let s = page_with(
        "<div><h1>Quay to reopen</h1><p class='meta'><time datetime='2021-05-11T08:00:00Z'>2 hours ago</time></p>",
        "</div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2021-05-11T08:00:00"));
}

#[test]
fn date_lines_labelled_apart_by_a_byline_or_as_the_clock() {
    // The label in an element of its own just before the date.
    let s = page_with(
        "<div><h1>Quay to reopen</h1><p>04.02.2022 - 00:00 Uhr</p>\
         <div class='x'><h5>Datum:</h5>03.02.2022</div>",
        "</div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2022-02-03"));
    // A byline before the date outranks a bare date line elsewhere.
    let s = page_with(
        "<div><p>12 mars 2019</p><h1>Quay to reopen</h1><div>Accueil | Par Jean Dupont | 30 septembre 2018</div>",
        "</div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2018-09-30"));
    // The reader's clock is not the article's date.
    let s = page_with(
        "<div class='date'>Aktuelle Zeit: 14.10.2020, 12:18</div><div><h1>Quay to reopen</h1>\
         <p>Verfasst von Ann Lee, 21.01.2009, 05:42 in Hafen und Verkehr, Kai Nord</p>",
        "</div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2009-01-21T05:42"));
}

#[test]
fn time_elements_of_other_posts_are_not_the_page_date() {
    // An embedded post quotes its own date.
    let s = page_with(
        "<head><meta name='date' content='2019-01-29T09:00:00+01:00'></head><div><h1>Quay to reopen</h1><p class='date'>29.01.2019</p>\
         <blockquote class='embed'><p>Look at the quay</p><time datetime='2018-03-12T19:30:12+00:00'>Mar 12, 2018</time></blockquote>",
        "</div>",
    );
    assert_eq!(
        html(&s).published.as_deref().map(|d| &d[..10]),
        Some("2019-01-29")
    );
    // A teaser list with its classed dates.
    let teasers: String = ["2020-05-04", "2019-12-15", "2020-05-20"]
        .iter()
        .map(|d| format!("<li><a href='/x'>Other story</a><time class='teaser-date' datetime='{d}T04:00:00Z'>{d}</time></li>"))
        .collect();
    let s = page_with(
        "<head><meta name='date' content='2020-06-15T10:11:25Z'></head><div><h1>Quay to reopen</h1>",
        &format!("</div><ul class='more'>{teasers}</ul>"),
    );
    assert_eq!(
        html(&s).published.as_deref().map(|d| &d[..10]),
        Some("2020-06-15")
    );
}

#[test]
fn dated_reply_list_yields_to_a_labelled_line_anywhere() {
    let replies: String = ["15. Mai 2016", "16. Mai 2016", "20. Juni 2016"]
        .iter()
        .map(|d| {
            format!(
                "<div class='reply-meta'>{d} at 11:21 · Antwort</div><p>Danke für den Bericht!</p>"
            )
        })
        .collect();
    // Far from the headline, after a long article.
    let more =
        "<p>The quay stays open for ferries while the work on the southern basin goes on.</p>"
            .repeat(14);
    let s = page_with(
        &format!("<div><h1>Quay to reopen</h1>{replies}"),
        &format!("{more}<div class='post-footer'>Dieser Artikel wurde am 14. Mai 2016 um 14:48 von Ann Lee geschrieben und unter dem Stichwort Hafen, Kai, Fähre in die Kategorie Verkehr eingeordnet. Es gibt schon drei Antworten, wie ist deine Meinung?</div></div>"),
    );
    assert_eq!(html(&s).published.as_deref(), Some("2016-05-14T14:48"));
}

#[test]
fn site_logo_in_an_h1_is_not_the_headline() {
    // Today's date in the top bar sits by the logo's h1; the article's date by its own h1.
    let s = page_with(
        "<header><ul class='topbar-info'><li>Tuesday, (08 Dec 2020)</li></ul>\
         <div class='header-logo'><h1>Harbour News</h1></div></header>\
         <div><p>Markets</p><p>Weather</p><p>Sport</p><p>Culture</p><p>Opinion</p></div>\
         <div><h1>Quay to reopen</h1><ul class='meta'><li>13 Oct 2020 18:29</li></ul>",
        "</div>",
    );
    assert_eq!(
        html(&s).published.as_deref().map(|d| &d[..10]),
        Some("2020-10-13")
    );
}

#[test]
fn chinese_byline_variants() {
    // The outlet before the label, and two labelled groups on consecutive lines with a date.
    let a = html(&zh_page(&format!(
        "<p>新华网黑龙江频道 记者 伊琳 李清芬</p>{ZH_PARA}<p>记者：你们通过什么渠道获取这些信息？</p>{ZH_PARA}"
    )));
    assert_eq!(a.byline, ["伊琳", "李清芬"]);
    let a = html(&zh_page(&format!(
        "<p>本报实习生 刘国栋 周炜</p><p>本报记者 王燕平 方云凤 2003-7-24</p>{ZH_PARA}{ZH_PARA}"
    )));
    assert_eq!(a.byline, ["刘国栋", "周炜", "王燕平", "方云凤"]);
    // An interview question is not a byline.
    let a = html(&zh_page(&format!(
        "{ZH_PARA}<p>记者：你们通过什么渠道获取这些信息？</p>{ZH_PARA}"
    )));
    assert!(
        a.byline.iter().all(|n| !n.contains("渠道")),
        "{:?}",
        a.byline
    );
    // Several labels on one line: each field is read on its own.
    let a = html(&zh_page(&format!(
        "{ZH_PARA}{ZH_PARA}<p>执笔人：闵乐夫 赵兰波 编辑： 吕峥 来源： 千龙网</p>"
    )));
    assert_eq!(a.byline, ["闵乐夫", "赵兰波"]);
    assert_eq!(a.editor.as_deref(), Some("吕峥"));
    // Credited at the end with the place of the report.
    let a = html(&zh_page(&format!(
        "{ZH_PARA}<p>该人士表示，改革将继续推进。（姚峰 上海报道）</p>"
    )));
    assert_eq!(a.byline, ["姚峰"]);
}

#[test]
fn date_only_in_the_page_source() {
    // A date under a publication key in a script is better than none; a visible date near the
    // headline is not needed for it.
    let s = page_with(
        "<script>window.__STATE__={\"id\":7,\"createdAt\":\"2022-01-31T15:58:43+01:00\"}</script>\
         <div><h1>Quay to reopen</h1>",
        "</div>",
    );
    assert_eq!(
        html(&s).published.as_deref().map(|d| &d[..10]),
        Some("2022-01-31")
    );
    // No key: the most frequent ISO date-time in the source.
    let s = page_with(
        "<script>var a=['2020-03-18T13:52:08+0100','2020-03-18T12:20:48+0100','2019-01-02T10:00:00'];</script>\
         <div><h1>Quay to reopen</h1>",
        "</div>",
    );
    assert_eq!(
        html(&s).published.as_deref().map(|d| &d[..10]),
        Some("2020-03-18")
    );
}

#[test]
fn updated_date_shown_instead_of_the_first_one() {
    let head = "<head><meta property='article:published_time' content='2021-11-29T14:13:37'>\
                <meta property='article:modified_time' content='2022-01-12T09:00:00'></head>";
    // The page prints only the update date: that one.
    let s = page_with(
        &format!("{head}<div><h1>Quay to reopen</h1><p class='date'>12.01.2022</p>"),
        "</div>",
    );
    assert_eq!(
        html(&s).published.as_deref().map(|d| &d[..10]),
        Some("2022-01-12")
    );
    // It prints the first date too: the publication date stands.
    let s = page_with(
        &format!(
            "{head}<div><h1>Quay to reopen</h1><p class='date'>29.11.2021, updated 12.01.2022</p>"
        ),
        "</div>",
    );
    assert_eq!(
        html(&s).published.as_deref().map(|d| &d[..10]),
        Some("2021-11-29")
    );
}

#[test]
fn add_ons_after_the_article_are_dropped() {
    // A "more on this" box and a newsletter prompt after the article's last paragraph.
    let s = page_with(
        "<div><h1>Quay to reopen</h1>",
        "<p>Ferry operators said they would publish the new timetable on their websites by Friday.</p>\
         <p>Sign up for our newsletter to get the latest harbour news in your inbox.</p>\
         <h3>Read more</h3><p>Storm damage closes coastal road</p><p>Council approves new budget</p></div>",
    );
    let a = html(&s);
    let t = a.text();
    assert!(t.contains("new timetable"), "{t}");
    assert!(!t.contains("newsletter"), "{t}");
    assert!(!t.contains("Council approves"), "{t}");
    // The same words early in the article, followed by most of it, stay.
    let s = page_with(
        "<div><h1>Quay to reopen</h1><p>Related</p>",
        "<p>Ferry operators said they would publish the new timetable on their websites by Friday.</p></div>",
    );
    assert!(html(&s).text().contains("Engineers replaced"));
}

#[test]
fn boilerplate_class_words_count_only_at_word_starts() {
    // `apageroot` is not a pager, `m-lazyloader-section` holds the article.
    let s = "<html><body><nav><a href='/'>Home</a></nav><section class='APageRoot__SectionWrapper'>\
        <div class='ATheContent__Section m-lazyloader-section'><h1>Packaging without waste</h1>\
        <p>We have dropped the paper delivery note for all of our suppliers, which saves about forty tonnes of paper each year.</p>\
        <p>The savings go to our cardboard suppliers, who use them to make their boxes lighter and easier to recycle.</p>\
        <p>Customers will see the new boxes in all stores from next spring, the company said in a statement.</p>\
        </div></section><div class='pager'><a href='/2'>2</a></div></body></html>";
    let a = html(s);
    assert!(
        a.text().contains("paper delivery note"),
        "{:?}",
        a.paragraphs
    );
}

#[test]
fn comments_section_ends_the_article_however_long() {
    let comments: String = (0..12)
        .map(|i| {
            format!(
                "<p>读者{i}回复：这篇文章写得很好，我完全同意作者对于这个问题的看法和分析。</p>"
            )
        })
        .collect();
    let a = html(&zh_page(&format!(
        "{ZH_PARA}<p>公园建设资金主要来自市级财政，各区按照一比一的比例配套，确保工程按期完工并向市民开放。</p>\
         <p>市园林局表示，明年还将新建十座公园，并对二十个老旧公园进行提升改造，让市民在家门口就能享受绿色。</p>\
         <p>发表评论</p>{comments}"
    )));
    let t = a.text();
    assert!(t.contains("口袋公园"), "{t}");
    assert!(!t.contains("回复"), "{t}");
}

#[test]
fn date_printed_only_in_the_share_bar() {
    let s = page_with(
        "<div><h1>Quay to reopen</h1>",
        "<div class='social-share'><h5>23.01.2019</h5><a href='/s'>Share</a></div></div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2019-01-23"));
}

#[test]
fn chinese_author_in_brackets_by_the_date() {
    let a = html(&zh_page(&format!(
        "<p>2004年7月16日08:19 [ 黄宇 ] 来源：[ 国际金融报 ]</p>{ZH_PARA}{ZH_PARA}"
    )));
    assert_eq!(a.byline, ["黄宇"]);
    assert_eq!(a.published.as_deref(), Some("2004-07-16T08:19"));
    // A bracketed heading inside the text is not a byline.
    let a = html(&zh_page(&format!("{ZH_PARA}<p>【公园建设】</p>{ZH_PARA}")));
    assert!(
        !a.byline.contains(&"公园建设".to_string()),
        "{:?}",
        a.byline
    );
}

#[test]
fn link_about_the_author_is_not_the_author() {
    let a = html(&format!(
        "<html><body><div class='content'><h1>全市新建公园二十座</h1>\
         <p>2004年7月16日08:19 [ 黄宇 ] 来源：[ 国际金融报 ]</p>\
         <div class='author'><a href='/a'>■该作者文章</a></div>{ZH_PARA}{ZH_PARA}</div></body></html>"
    ));
    assert_eq!(a.byline, ["黄宇"]);
}

#[test]
fn creation_time_and_bare_generic_day_yield_to_schema_date_published() {
    let ld = "<script type='application/ld+json'>{\"@type\":\"NewsArticle\",\
              \"datePublished\":\"2023-11-09T03:02:34-05:00\"}</script>";
    // A draft's creation time the evening before.
    let s = page_with(
        &format!(
            "<head><meta name='dcterms.created' content='2023-11-08T20:25:25-05:00'>{ld}</head>\
             <div><h1>Quay to reopen</h1>"
        ),
        "</div>",
    );
    assert_eq!(
        html(&s).published.as_deref().map(|d| &d[..10]),
        Some("2023-11-09")
    );
    // A bare day under `dc.date`.
    let s = page_with(
        &format!(
            "<head><meta name='dc.date' content='2023-11-08'>{ld}</head><div><h1>Quay to reopen</h1>"
        ),
        "</div>",
    );
    assert_eq!(
        html(&s).published.as_deref().map(|d| &d[..10]),
        Some("2023-11-09")
    );
    // A timed generic `date` still comes before the schema date.
    let s = page_with(
        &format!(
            "<head><meta name='date' content='2023-11-10T14:11:58+01:00'>{ld}</head>\
             <div><h1>Quay to reopen</h1>"
        ),
        "</div>",
    );
    assert_eq!(
        html(&s).published.as_deref().map(|d| &d[..10]),
        Some("2023-11-10")
    );
}

#[test]
fn short_labels_after_the_last_sentence_are_dropped() {
    let s = page_with(
        "<div><h1>Quay to reopen</h1>",
        "<p>Rate this article</p><p>Photo credits: Harbour Board</p><p>Around the topic:</p></div>",
    );
    let t = html(&s).text();
    assert!(t.contains("how berths are shared out."), "{t}");
    assert!(!t.contains("Rate this article"), "{t}");
    assert!(!t.contains("Photo credits"), "{t}");
    assert!(!t.contains("Around the topic"), "{t}");
    // Data lines with numbers (an address, a quantity) and sentences stay.
    let s = page_with(
        "<div><h1>Quay to reopen</h1>",
        "<p>Harbour Office, Quay Street 14</p></div>",
    );
    assert!(html(&s).text().contains("Quay Street 14"));
}

#[test]
fn chinese_author_name_alone_under_the_headline() {
    let a = html(&zh_page(&format!("<p>胡平</p>{ZH_PARA}{ZH_PARA}")));
    assert_eq!(a.byline, ["胡平"]);
    assert!(
        !a.paragraphs.iter().any(|p| p == "胡平"),
        "{:?}",
        a.paragraphs
    );
    // A part number closing the headline.
    let a = html(
        &zh_page(&format!("<p>胡平</p>{ZH_PARA}{ZH_PARA}"))
            .replace("二十座</h1>", "二十座(上)</h1>"),
    );
    assert_eq!(a.byline, ["胡平"]);
    // A short subheading after a paragraph is not a name.
    let a = html(&zh_page(&format!("{ZH_PARA}<p>看点</p>{ZH_PARA}")));
    assert!(!a.byline.contains(&"看点".to_string()), "{:?}", a.byline);
    assert!(a.paragraphs.iter().any(|p| p == "看点"));
}

#[test]
fn short_call_to_action_inside_the_article_is_dropped() {
    let s = page_with(
        "<div><h1>Quay to reopen</h1><p>Harbour Newsletter: sign up to get the week's news</p>",
        "</div>",
    );
    let t = html(&s).text();
    assert!(!t.contains("Newsletter"), "{t}");
    assert!(t.contains("Engineers replaced"), "{t}");
}

#[test]
fn lead_between_the_headline_and_the_body_is_kept() {
    // Headline and standfirst in a header outside the container that wins, with a picture
    // credit between them.
    let s = "<html><body><nav><a href='/'>Home</a></nav><div class='head'><h1>Quay to reopen</h1>\
         <div class='teaser-text'><p>After a winter of storm damage and two hundred metres of new sea wall, the northern quay is ready for ferries again.</p></div>\
         <figure><img src='q.jpg'><figcaption>The northern quay at dawn on Monday, seen from the lighthouse across the harbour basin</figcaption></figure></div>\
         <div class='body'>\
         <p>The harbour authority said on Monday that the northern quay would reopen after repairs, and that ferries would run to the usual timetable from next week.</p>\
         <p>Engineers replaced two hundred metres of the sea wall, which the winter storms had undermined, at a cost the council put at four million euros.</p>\
         <p>Fishermen, who had moved their boats to the southern basin, welcomed the news but asked for a say in how berths are shared out.</p>\
         </div><footer><p>Contact us</p></footer></body></html>";
    let a = html(s);
    assert_eq!(
        a.paragraphs.first().map(String::as_str),
        Some("Quay to reopen")
    );
    assert!(
        a.text().contains("ready for ferries again"),
        "{:?}",
        a.paragraphs
    );
    assert!(
        !a.text().contains("seen from the lighthouse"),
        "{:?}",
        a.paragraphs
    );
    assert!(a.text().contains("how berths are shared out"));
}

#[test]
fn picture_captions_author_boxes_and_tables_of_contents_are_furniture() {
    let s = page_with(
        "<div><h1>Quay to reopen</h1>\
         <div class='ez-toc-container'><p>Table of contents</p><ul><li>Repairs</li><li>Ferries</li></ul></div>\
         <figure><img src='q.jpg'><figcaption>The northern quay at dawn on Monday, seen from the lighthouse across the basin.</figcaption></figure>",
        "<section class='author-box'><p>Jane Doe has covered the harbour and its ferries for the Gazette since the year two thousand and ten.</p></section></div>",
    );
    let t = html(&s).text();
    assert!(t.contains("how berths are shared out"), "{t}");
    assert!(!t.contains("seen from the lighthouse"), "{t}");
    assert!(!t.contains("Table of contents"), "{t}");
    assert!(!t.contains("covered the harbour"), "{t}");
}

#[test]
fn title_in_a_smaller_heading_leads_in_the_standfirst() {
    // No `h1`: the headline is an `h2` that repeats the page title, followed by a standfirst
    // outside the container that wins.
    let s = "<html><head><meta property='og:title' content='Quay to reopen after storm repairs'></head>\
         <body><nav><a href='/'>Home</a></nav><div class='head'><h2>Quay to reopen after storm repairs</h2>\
         <div class='intro'><p>After a winter of storm damage and two hundred metres of new sea wall, the northern quay is ready for ferries again.</p></div></div>\
         <div class='body'>\
         <p>The harbour authority said on Monday that the northern quay would reopen after repairs, and that ferries would run to the usual timetable from next week.</p>\
         <p>Engineers replaced two hundred metres of the sea wall, which the winter storms had undermined, at a cost the council put at four million euros.</p>\
         <p>Fishermen, who had moved their boats to the southern basin, welcomed the news but asked for a say in how berths are shared out.</p>\
         </div><footer><p>Contact us</p></footer></body></html>";
    let a = html(s);
    assert!(
        a.text().contains("ready for ferries again"),
        "{:?}",
        a.paragraphs
    );
    assert!(a.text().contains("how berths are shared out"));
}

#[test]
fn metadata_time_with_a_local_offset_names_the_day_against_the_url() {
    let with_url = |meta: &str, url: &str| {
        let s = page_with(
            &format!("<head><meta property='article:published_time' content='{meta}'></head><div>"),
            "</div>",
        );
        let mut r = raw("u", Content::Html(s));
        r.meta.url = Some(url.into());
        extract::extract(&r).published.map(|d| d[..10].to_string())
    };
    // The URL carries the day the story was filed; the local publication time is the next day.
    assert_eq!(
        with_url(
            "2020-02-19T18:37:32+01:00",
            "https://example.org/2020/02/18/story.html"
        )
        .as_deref(),
        Some("2020-02-19")
    );
    // Without an offset (or in UTC) the URL's day stands.
    assert_eq!(
        with_url(
            "2020-02-19T18:37:32",
            "https://example.org/2020/02/18/story.html"
        )
        .as_deref(),
        Some("2020-02-18")
    );
    // Republished years later: the URL keeps the first day.
    assert_eq!(
        with_url(
            "2019-06-17T18:28:00+02:00",
            "https://example.org/2017/07/12/story"
        )
        .as_deref(),
        Some("2017-07-12")
    );
}

#[test]
fn a_shorter_section_beside_the_article_body_joins_it() {
    let para = "<p>The harbour authority said on Monday that the northern quay would reopen after repairs, and that ferries would run to the usual timetable from next week, weather permitting.</p>";
    let s = format!(
        "<html><body><nav><a href='/'>Home</a></nav><div id='wrap'><div class='story'>{}</div>\
         <div class='part-two'><p>Later that afternoon, the council, agreed to publish the full cost of the repairs.</p>\
         <p>Ferry crews said, they hoped the berths would be shared out fairly and soon.</p>\
         <p>Dockers asked the council, for a meeting before the quay opens again.</p>\
         <p>Harbour pilots expect, the first ferry to berth there on Thursday morning.</p></div>\
         </div><footer><p>Contact us</p></footer></body></html>",
        para.repeat(10)
    );
    let t = html(&s).text();
    assert!(t.contains("publish the full cost"), "{t}");
}

#[test]
fn paragraph_closed_by_a_misnested_inline_end_tag_stays_in_the_article() {
    // `<span><p>…</span>`: the last paragraph's end tag is missing and the `</span>` closes it;
    // its text (and the reporter credited at its end) belongs to the article, not the table cell.
    let para = "<p>　　全市今年新建和改造公园二十座，新增绿地面积三百多公顷，市民出门见绿的愿望正在变成现实，各区还将继续推进口袋公园建设。</p>";
    let s = format!(
        "<html><body><table><tr><td><a href='/'>首页</a> <a href='/news'>新闻</a></td></tr>\
         <tr><td><span class='text'>{}<p>　　市园林局表示，明年将再建十座公园，并向市民征集命名建议。（李明 杭州报道）</span>\
         <img src='/b.gif'></td></tr></table></body></html>",
        para.repeat(4)
    );
    let a = html(&s);
    assert!(a.text().contains("明年将再建十座公园"), "{}", a.text());
    assert_eq!(a.byline, ["李明"]);
}

#[test]
fn credits_reading_times_toggles_and_appeals_are_furniture() {
    let para = "<p>The harbour authority said on Monday that the northern quay would reopen after repairs, and that ferries would run to the usual timetable from next week, weather permitting.</p>";
    let s = format!(
        "<html><body><article><h1>Quay to reopen</h1><p>3 min read</p>{para}\
         <p>Photograph by Jane Smith, Harbour Archive</p>{para}<p>Show more</p>{para}{para}\
         <p>If you enjoyed reading this story, would you consider supporting our reporting?</p>\
         <p>Lesezeit: 4 Minuten</p><p>Titelbild: J. Smith/Agentur</p></article></body></html>"
    );
    let t = html(&s).text();
    for gone in [
        "3 min read",
        "Photograph by",
        "Show more",
        "If you enjoyed",
        "Lesezeit",
        "Titelbild",
    ] {
        assert!(!t.contains(gone), "{gone:?} kept in {t}");
    }
    assert!(t.contains("northern quay would reopen"));
    // A sentence that mentions a photographer is text.
    let s = format!(
        "<html><body><article><h1>Quay to reopen</h1>{para}<p>Photographs by local children were \
         shown at the reopening, and the mayor thanked every one of them.</p>{para}</article></body></html>"
    );
    assert!(html(&s).text().contains("Photographs by local children"));
}

#[test]
fn json_ld_with_junk_after_the_object_is_still_read() {
    let s = page_with(
        "<head><script type='application/ld+json'>{\"@type\": \"NewsArticle\", \
         \"datePublished\": \"2021-06-03T10:00:00+02:00\"}\n}</script></head><div>",
        "</div><aside><p class='date'>01.02.2020</p></aside>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2021-06-03T10:00:00"));
}

#[test]
fn dublin_core_keys_written_with_a_colon() {
    let s = page_with(
        "<head><meta name='DC:date' content='2009-09-15'></head><div><h1>Quay</h1>",
        "</div><p>Der Hafen war zuletzt am 28.05.2009 gesperrt, als ein Sturm die alte Mauer an \
         mehreren Stellen beschädigt hatte.</p>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2009-09-15"));
}

#[test]
fn adjacent_time_elements_are_separate_dates() {
    let s = page_with(
        "<article><h1>Quay to reopen</h1><header><time class='stamp'>Published on August 19, 2019</time>\
         <time class='stamp-mobile'>August 19, 2019 • 31 Likes</time></header>",
        "</article><div class='more'><p>October 8, 2020</p></div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2019-08-19"));
}

#[test]
fn dates_of_a_teaser_list_yield_to_the_article_date() {
    // The teasers come first and each carries its own date; the article's own date line is
    // further down, by the headline.
    let teaser = |d: &str| {
        format!("<div class='teaser'><a href='/x'>Another story from the archive</a><p class='date'>{d}</p></div>")
    };
    let s = page_with(
        &format!(
            "<div class='top'>{}{}{}</div><article><h1>Quay to reopen</h1><p class='date'>21. Jan 2022</p>",
            teaser("06. Aug 2020"),
            teaser("18. Feb 2021"),
            teaser("17. Okt 2020")
        ),
        "</article>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2022-01-21"));
    // A blog's front page is all list: its first entry stands.
    let s = page_with(
        &format!(
            "<div class='posts'>{}{}{}</div><div>",
            teaser("06. Aug 2020"),
            teaser("18. Feb 2021"),
            teaser("17. Okt 2020")
        ),
        "</div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2020-08-06"));
}

#[test]
fn generic_date_meta_yields_to_the_publication_date_the_page_shows() {
    // `<meta name="date">` carries the last change; the page marks its publication date.
    let s = page_with(
        "<head><meta name='date' content='2022-01-21T15:38:44+01:00'></head><article><h1>Quay</h1>\
         <p class='info'><time itemprop='datePublished' datetime='2022-01-27'>27.01.2022</time></p>",
        "</article>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2022-01-27"));
    // Or prints it, labelled, by the headline.
    let s = page_with(
        "<head><meta name='date' content='11/01/2023 12:43:42'></head><div><h1>Quay</h1>\
         <p>Erstellt am: 01.11.2023</p>",
        "</div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2023-11-01"));
    // A specific key (`article:published_time`) stands.
    let s = page_with(
        "<head><meta property='article:published_time' content='2022-01-21T15:38:44+01:00'></head>\
         <div><h1>Quay</h1><p>Erstellt am: 01.11.2023</p>",
        "</div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2022-01-21T15:38:44"));
}

#[test]
fn slashed_date_time_in_a_script_is_the_last_resort() {
    let s = page_with(
        "<div><h1>Quay</h1><p class='meta'><script>writeDate(\"2020/04/17 01:43:09\")</script> views 7</p>",
        "</div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2020-04-17"));
}

#[test]
fn scholarly_author_tags_padded_chinese_names_and_category_tails() {
    // `citation_author` beats a publisher named in the author tag; a two-character name padded
    // with a space is one name.
    let s = zh_page(&format!(
        "{ZH_PARA}{ZH_PARA}<p>市园林局表示，明年将再建十座公园。</p>"
    ))
    .replace(
        "<meta name='author' content='www.example.cn'>",
        "<meta name='author' content='学术期刊出版社'><meta name='citation_author' content='赵 培'>\
         <meta name='citation_author' content='Smith, John'>",
    );
    assert_eq!(html(&s).byline, ["赵培", "Smith, John"]);
    // A category in brackets after a link title is not a name.
    let s = zh_page(&format!(
        "{ZH_PARA}{ZH_PARA}<p>精彩专题：关注城市公园建设(房产)</p>"
    ))
    .replace("<meta name='author' content='www.example.cn'>", "");
    assert!(html(&s).byline.is_empty(), "{:?}", html(&s).byline);
}

#[test]
fn poster_after_a_bracketed_category_and_title() {
    // A blog's post header: `[category]title` then `user 发表于 date` in one cell.
    let s = format!(
        "<html><body><table><tr><td>[城市生活]公园里的春天<br>lixiao88 发表于 2006-3-15 11:46:00</td></tr>\
         <tr><td>{ZH_PARA}{ZH_PARA}{ZH_PARA}</td></tr></table></body></html>"
    );
    let a = html(&s);
    assert_eq!(a.byline, ["lixiao88"]);
    assert_eq!(a.published.as_deref(), Some("2006-03-15T11:46:00"));
}

#[test]
fn paywall_app_and_teaser_plugs_go_wherever_they_stand() {
    let para = "<p>The harbour authority said on Monday that the northern quay would reopen after repairs, and that ferries would run to the usual timetable from next week, weather permitting.</p>";
    let s = format!(
        "<html><body><article><h1>Quay to reopen</h1>{para}\
         <p>To read the full story, please subscribe to the Coastal Daily. You can choose a yearly plan or a weekly pass at a reduced price.</p>\
         {para}<p>LEE TAMBIÉN: El puerto reabre tras la tormenta</p>{para}\
         <p>Sign up to get the best stories of the week, and offers from our partners, as picked by the editors.</p>{para}{para}{para}\
         </article></body></html>"
    );
    let t = html(&s).text();
    for gone in ["please subscribe", "LEE TAMBIÉN", "Sign up to get"] {
        assert!(!t.contains(gone), "{gone:?} kept in {t}");
    }
    // Prose that mentions subscribing stays.
    let s = format!(
        "<html><body><article><h1>Quay to reopen</h1>{para}<p>More than two thousand families subscribe \
         to the ferry pass, and the council expects the number to grow once the quay reopens next week.</p>{para}{para}</article></body></html>"
    );
    assert!(html(&s)
        .text()
        .contains("More than two thousand families subscribe"));
}

#[test]
fn ad_disclosures_teaser_labels_newsletter_forms_and_php_warnings_are_furniture() {
    let para = "<p>The harbour authority said on Monday that the northern quay would reopen after repairs, and that ferries would run to the usual timetable from next week, weather permitting.</p>";
    let s = format!(
        "<html><body><article><h1>Quay to reopen</h1><p>*Werbung. Dieser Beitrag enthält Werbung für eine Reederei.</p>\
         {para}<p>Schon gelesen?</p><p>Explore further</p>{para}\
         <p>Enter your email address to get our weekly digest</p><p>We respect your privacy.</p>{para}\
         <p>Warning: Undefined variable $x in /var/www/site/wp-content/plugins/box.php on line 12</p>\
         <p>Alle Angaben ohne Gewähr.</p>{para}</article></body></html>"
    );
    let t = html(&s).text();
    for gone in [
        "Werbung",
        "Schon gelesen",
        "Explore further",
        "Enter your email",
        "respect your privacy",
        "Undefined variable",
        "ohne Gewähr",
    ] {
        assert!(!t.contains(gone), "{gone:?} kept in {t}");
    }
    // A sentence about advertising is text.
    let s = format!(
        "<html><body><article><h1>Quay to reopen</h1>{para}<p>Werbung für die neue Fähre hängt schon \
         an jeder Haltestelle, sagte der Sprecher der Reederei am Montag.</p>{para}</article></body></html>"
    );
    assert!(html(&s).text().contains("Werbung für die neue Fähre"));
}

#[test]
fn dateline_date_opening_the_report_beats_a_guess() {
    let s = format!(
        "<html><body><div class='text'><h1>Quay to reopen</h1><p><strong>Harbourtown, (12.11.2021).</strong> \
         The harbour authority said the northern quay would reopen after repairs, and ferries would run to the \
         usual timetable from next week.</p><p>A meeting is planned for 21.11.2021, and a second one for \
         21.11.2021 in the evening, the council said, and another on 21.11.2021.</p>{}</div></body></html>",
        "<p>Fishermen, who had moved their boats to the southern basin, welcomed the news but asked for a say in how berths are shared out.</p>"
    );
    assert_eq!(html(&s).published.as_deref(), Some("2021-11-12"));
}

#[test]
fn month_in_the_url_takes_the_day_from_a_post_footer() {
    // The only full date is in the post's footer line (page furniture); the URL gives the month.
    let mut r = raw(
        "u",
        Content::Html(page_with(
            "<div><h1>Quay to reopen</h1>",
            "</div><footer><p>Dieser Beitrag wurde am 19. Mai 2010 um 23:03 Uhr gepostet und liegt \
             in der Kategorie Allgemein.</p></footer>",
        )),
    );
    r.meta.url = Some("https://blog.example.org/2010/05/quay-to-reopen/".into());
    assert_eq!(
        extract::extract(&r).published.as_deref().map(|d| &d[..10]),
        Some("2010-05-19")
    );
}

#[test]
fn short_line_opening_with_a_date_by_the_headline() {
    let s = page_with(
        "<div class='kicker'><span>02.02.2022 10:16 Uhr - 1. Bundesliga - Vereine, dpa/red</span></div><div><h1>Quay to reopen</h1>\
         <p>Die Saison endet am 30.01.2022, sagte der Verband; am 30.01.2022 wird auch gewählt, \
         und der Vorstand trifft sich ebenfalls am 30.01.2022 in der Halle.</p>",
        "</div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2022-02-02T10:16"));
}

#[test]
fn read_counters_pagers_and_vertical_labels_are_furniture() {
    let s = zh_page(&format!(
        "{ZH_PARA}<p>今</p><p>日</p><p>推</p><p>荐</p>{ZH_PARA}<p>(本文发表于首页, 已被阅读178次)</p>\
         <p>本文引用(Trackback)链接: /trackback.php?p=17</p><p>第1页/共1页 &lt;&lt; 上一页 | 下一页 &gt;&gt;</p><p>积分: 1205</p>{ZH_PARA}"
    ));
    let a = html(&s);
    for l in &a.paragraphs {
        assert!(l.chars().count() > 1, "{l:?} kept");
        assert!(
            !l.contains("阅读178次") && !l.contains("Trackback") && !l.contains("共1页"),
            "{l:?} kept"
        );
    }
    assert!(a.text().contains("全市新建和改造公园二十座"));
}

#[test]
fn arabic_month_names_are_read() {
    let s = page_with(
        "<head><meta property='article:published_time' content='الأربعاء، 07 أكتوبر 2020 - 12:09 م'></head><div><h1>Quay</h1>",
        "</div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2020-10-07T12:09"));
}

#[test]
fn date_in_an_author_line_and_after_a_user_name() {
    // A byline element carrying the date, its words glued by adjacent inline elements.
    let s = page_with(
        "<div><h1 class='top'>Quay</h1></div><div class='story'>\
         <p class='kicker author'><em>von</em><span>Ann Lee</span> <em>31.10.2023</em></p>",
        "</div><div class='box'><p>Opening: 3. November 2023, 19:00</p></div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2023-10-31"));
    // A user name with digits before the date (`von Marianne1 am 20.09.2020`).
    let s = page_with(
        "<div><h1>Quay</h1><p>von Marianne1 am 20.09.2020</p>",
        "</div><aside><time datetime='2020-09-23T18:19:06'>23.09.2020</time></aside>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2020-09-20"));
}

#[test]
fn a_paragraph_opening_with_its_date_beats_a_list_of_teaser_dates() {
    let teaser = |d: &str| {
        format!("<li class='teaser'><a href='/x'>Another column from the archive</a><div class='date'>{d}</div></li>")
    };
    let s = format!(
        "<html><body><h1>Quay</h1><div class='intro'><p><strong>31. Oktober 2023.</strong> \
         The harbour authority said on Monday that the northern quay would reopen after repairs, and that \
         ferries would run to the usual timetable from next week, once the divers have checked the piles.</p></div>\
         <div class='body'><p>Engineers replaced two hundred metres of the sea wall, which the winter storms had undermined, at a cost the council put at four million euros.</p>\
         <p>Fishermen, who had moved their boats to the southern basin, welcomed the news but asked for a say in how berths are shared out.</p></div>\
         <ul class='more'>{}{}{}</ul></body></html>",
        teaser("24. Oktober 2023"),
        teaser("18. Oktober 2023"),
        teaser("10. Oktober 2023")
    );
    assert_eq!(html(&s).published.as_deref(), Some("2023-10-31"));
    // A date that goes on as part of a sentence is not a dateline.
    let s = s.replace(
        "31. Oktober 2023.</strong>",
        "31. Oktober 2023</strong> war es so weit:",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2023-10-24"));
}

#[test]
fn blog_front_page_takes_its_newest_post_date_and_text() {
    let post = |title: &str, date: &str, label: &str, body: &str| {
        format!(
            "<table class='entry'><tr><td class='entry-title'>{title}</td></tr><tr><td class='entry-date'>{date}</td></tr>\
             <tr><td class='entry-body'><p>{body}</p><p>{body} {label}</p></td></tr></table>"
        )
    };
    let long = "The harbour authority said on Monday that the northern quay would reopen after repairs, and that ferries would run to the usual timetable from next week";
    let s = format!(
        "<html><body><div class='blog'>{}{}{}</div></body></html>",
        post("Quay to reopen", "2005-06-14 03:25:55", "First.", long),
        post("Sea wall mended", "2005-06-13 15:00:14", "Second.", long),
        post("Boats move south", "2005-06-10 05:41:31", "Third.", long)
    );
    let a = html(&s);
    let text = a.paragraphs.join("\n");
    assert!(text.contains("First."), "{text}");
    assert!(!text.contains("Second."), "{text}");
    assert!(!text.contains("Third."), "{text}");
    assert_eq!(a.published.as_deref(), Some("2005-06-14T03:25:55"));
    // Entries of one day (a live blog) stay whole.
    let s = format!(
        "<html><body><div class='blog'>{}{}</div></body></html>",
        post("Quay to reopen", "2005-06-14 13:25", "First.", long),
        post("Sea wall mended", "2005-06-14 09:00", "Second.", long)
    );
    let text = html(&s).paragraphs.join("\n");
    assert!(
        text.contains("First.") && text.contains("Second."),
        "{text}"
    );
}

#[test]
fn dates_glued_to_the_next_word_and_bar_separated_dates() {
    // `<a>08/08/2017</a><a>durch Stephan</a>`: adjacent links without a space.
    let s = page_with(
        "<div><h1>Quay</h1><div class='post-meta'><a href='/d'>08/08/2017</a><a href='/a'>durch Stephan Markus</a></div>",
        "</div><div class='widget'><div class='widget-date'>14/06/2019</div></div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2017-08-08"));
    let s = page_with(
        "<div><h1>Quay</h1><table class='subline'><tr><td>26 | 01 | 2022 </td><td>Schweiz</td></tr></table>",
        "</div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2022-01-26"));
}

#[test]
fn stale_metadata_day_yields_to_the_printed_time() {
    // The metadata names a day the page never prints; the page prints its date in a `<time>`.
    let s = page_with(
        "<head><meta property='og:article:published_time' content='2022-01-15'></head><div><h1>Quay</h1>\
         <ul class='facts'><li><time datetime='2022-01-25'>25.01.2022</time></li></ul>",
        "</div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2022-01-25"));
    // A day or two apart is a time-zone matter and the metadata stands.
    let s = page_with(
        "<head><meta property='article:published_time' content='2022-01-24'></head><div><h1>Quay</h1>\
         <ul class='facts'><li><time datetime='2022-01-25'>25.01.2022</time></li></ul>",
        "</div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2022-01-24"));
}

#[test]
fn disagreeing_publication_tags_go_by_the_printed_day() {
    // A bare day in an itemprop tag, a timestamp in JSON-LD; the page prints the latter's day
    // (and teasers in a side column print the former's).
    let s = page_with(
        "<head><meta itemprop='datePublished' content='2019-10-18'>\
         <script type='application/ld+json'>{\"@type\":\"NewsArticle\",\"datePublished\":\"2019-10-19T03:00:00.000Z\"}</script></head>\
         <article><h1>Quay</h1><div class='metainfo'><span>Ann Lee</span> 19.10.2019, 05:00 Uhr</div>",
        "</article><aside class='sidebar'><ul><li>Sam Roe 18.10.2019, 20:00 Uhr</li></ul></aside>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2019-10-19T03:00:00"));
}

#[test]
fn description_date_is_a_last_resort() {
    let s = page_with(
        "<head><meta property='og:description' content='Bears: a record year (Notizia del 14 Gennaio 2020)'></head><div><h1>Quay</h1>",
        "</div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2020-01-14"));
}

#[test]
fn short_dotted_date_glued_to_its_time_in_a_thread() {
    let post = |t: &str| {
        format!("<div class='post'><span class='who'>maculi</span><span class='when'><span>28.09.19</span><span>{t}</span></span>\
                 <div class='text'>The harbour authority said on Monday that the northern quay would reopen after repairs.</div></div>")
    };
    let s = format!(
        "<html><body><h1>Quay question</h1>{}{}{}<aside><ul><li><span>29.10.19 18:30 Uhr</span> Meetup</li></ul></aside></body></html>",
        post("12:44"),
        post("13:39"),
        post("13:55")
    );
    assert_eq!(
        html(&s).published.as_deref().map(|d| &d[..10]),
        Some("2019-09-28")
    );
}

#[test]
fn nested_html_and_body_tags_do_not_cut_the_article() {
    // A document pasted into the page's content: its `<html>`/`<body>` are not a page wrapper
    // that stops the article from taking in the sections around it.
    let s = "<html><body><div class='paper'><div class='head'><h2>Quay to reopen</h2></div>\
             <div class='fulltext'><html><body>\
             <p>The harbour authority said on Monday that the northern quay would reopen after repairs, and that ferries would run to the usual timetable from next week.</p>\
             <p>Engineers replaced two hundred metres of the sea wall, which the winter storms had undermined, at a cost the council put at four million euros.</p>\
             <p>The council said the southern basin would be dredged next spring, so that larger boats can use it in all tides, and that berths would be shared by lot.</p>\
             <p>Divers checked the piles of the old pier last week and found them sound, the authority said, so the pier can stay in use while the quay is finished.</p>\
             </body></html></div>\
             <div class='part'>Fishermen, who had moved their boats to the southern basin, welcomed the news but asked for a say in how berths are shared out.</div>\
             <div class='part'>Ferry companies expect the first crossings on Friday morning, weather permitting, with the full timetable from the first of next month on.</div>\
             </div><div class='foot'><a href='/'>Home</a></div></body></html>";
    let text = html(s).paragraphs.join("\n");
    assert!(text.contains("Engineers replaced"), "{text}");
    assert!(text.contains("Fishermen, who had moved"), "{text}");
    assert!(text.contains("Ferry companies expect"), "{text}");
}

#[test]
fn headline_outside_is_kept_when_subheads_inside_are_h1() {
    let s = "<html><body><div class='head'><h1>Quay to reopen after the winter storms</h1></div>\
             <table><tr><td class='article_content'>\
             <p>The harbour authority said on Monday that the northern quay would reopen after repairs, and that ferries would run to the usual timetable.</p>\
             <h1>What was repaired</h1>\
             <p>Engineers replaced two hundred metres of the sea wall, which the winter storms had undermined, at a cost the council put at four million euros.</p>\
             <p>Fishermen, who had moved their boats to the southern basin, welcomed the news but asked for a say in how berths are shared out.</p>\
             </td></tr></table></body></html>";
    let a = html(s);
    assert_eq!(
        a.paragraphs.first().map(String::as_str),
        Some("Quay to reopen after the winter storms")
    );
}

#[test]
fn copyright_line_date_is_the_very_last_resort() {
    // No other date anywhere: the generation time in the copyright line.
    let s = page_with(
        "<div><h1>Quay</h1>",
        "</div><div class='bottom'><p>Copyright © 19.12.2019 - 12:14 h by Harbour Ltd. All rights reserved.</p></div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2019-12-19T12:14"));
    // Any other date wins over it.
    let s = page_with(
        "<div><h1>Quay</h1><p class='date'>03.02.2019</p>",
        "</div><div class='bottom'><p>Copyright © 19.12.2019 - 12:14 h by Harbour Ltd.</p></div>",
    );
    assert_eq!(html(&s).published.as_deref(), Some("2019-02-03"));
}

#[test]
fn data_table_rows_are_one_line_with_their_linked_cells() {
    // A table of broadcasts inside an article: each row reads as one line, its linked cells
    // (a channel, a programme) kept, its repeated cells not taken for repeated titles.
    let s = page_with(
        "<div class='article-body'><h2>Programmes</h2><table>\
         <tr><th>Year</th><th>Channel</th><th>Programme</th></tr>\
         <tr><td>2016</td><td><a href='/c/kbs'>KBS</a></td><td><a href='/p/1'>Welcome Show</a></td></tr>\
         <tr><td>2017</td><td><a href='/c/kbs'>KBS</a></td><td><a href='/p/2'>Dragon Club</a></td></tr>\
         </table>",
        "</div>",
    );
    let a = html(&s);
    let lines: Vec<&str> = a.paragraphs.iter().map(String::as_str).collect();
    assert!(lines.contains(&"Year\tChannel\tProgramme"), "{lines:?}");
    assert!(lines.contains(&"2016\tKBS\tWelcome Show"), "{lines:?}");
    assert!(lines.contains(&"2017\tKBS\tDragon Club"), "{lines:?}");
    assert!(a.text().contains("northern quay"));
    // A menu laid out as a table (links only in every row) is still navigation.
    let s = page_with(
        "<div class='article-body'><table><tr><td><a href='/'>News</a></td><td><a href='/s'>Sport</a></td></tr>\
         <tr><td><a href='/w'>Weather</a></td><td><a href='/t'>Travel</a></td></tr></table>",
        "</div>",
    );
    let a = html(&s);
    assert!(!a.text().contains("Weather"), "{:?}", a.paragraphs);
    assert!(a.text().contains("northern quay"));
}

#[test]
fn edit_links_and_hidden_inline_text_are_not_text() {
    let s = page_with(
        "<div class='mw-parser-output'><h2><span class='mw-headline'>Repairs</span><span class='mw-editsection'>[<a href='?action=edit'>edit</a>]</span></h2>\
         <p>The quay, said the mayor<span style='display:none'>HIDDEN-NOTE</span>, is safe. <a class='post-edit-link' href='/wp-admin/post.php'>Edit</a></p>",
        "</div>",
    );
    let a = html(&s);
    let lines: Vec<&str> = a.paragraphs.iter().map(String::as_str).collect();
    assert!(lines.contains(&"Repairs"), "{lines:?}");
    assert!(
        lines.contains(&"The quay, said the mayor, is safe."),
        "{lines:?}"
    );
    assert!(!a.text().contains("HIDDEN-NOTE") && !a.text().contains("edit"));
}

#[test]
fn collapsed_lists_and_navigation_boxes_are_left_out() {
    let s = page_with(
        "<div class='mw-parser-output'><h2>Albums</h2>\
         <div class='mw-collapsible mw-collapsed'><ol><li>Opening Song</li><li>Harbour Lights</li></ol></div>\
         <div class='NavFrame collapsed'><div class='NavContent'>Tour dates in nine cities</div></div>",
        "<table class='navbox'><tr><th>Ports</th><td>Northern quay · Southern basin · Old harbour · Ferry terminal</td></tr></table></div>",
    );
    let a = html(&s);
    let t = a.text();
    assert!(
        t.contains("northern quay would reopen"),
        "{:?}",
        a.paragraphs
    );
    assert!(
        !t.contains("Harbour Lights") && !t.contains("Tour dates"),
        "{t}"
    );
    assert!(!t.contains("Ferry terminal"), "{t}");
}

#[test]
fn a_label_recurring_through_the_text_is_kept_a_repeated_title_is_not() {
    let body = |n: usize| {
        format!("Case {n}: the council found that the claim about the quay was not supported by any survey, and said so in its report.")
    };
    let text = format!(
        "Five claims about the harbour\nFive claims about the harbour\nExpert view\n{}\nExpert view\n{}\nExpert view\n{}\n",
        body(1),
        body(2),
        body(3)
    );
    let a = extract::extract(&raw("t", Content::Text(text)));
    let all = a.paragraphs.join("\n");
    assert_eq!(all.matches("Expert view").count(), 3, "{all}");
    assert!(
        !all.contains("Five claims about the harbour\nFive claims"),
        "{all}"
    );
}

#[test]
fn a_numbered_figure_label_is_text_a_photo_credit_is_not() {
    let para = "电子商务平台的物流环节决定了买家的体验，下面的图给出了整个产业链的结构，以及各方之间的关系。";
    let text = format!(
        "物流配送研究\n{para}\n图1. 产业链结构图\n{para}再论。\n图2 港口夜景（新华社记者 王五 摄）\n{para}三论。\n"
    );
    let a = extract::extract(&raw("t", Content::Text(text)));
    let all = a.paragraphs.join("\n");
    assert!(all.contains("图1. 产业链结构图"), "{all}");
    assert!(!all.contains("港口夜景"), "{all}");
}

#[test]
fn a_prose_section_next_to_a_long_body_joins_it() {
    // A paper's page: the abstract sits in its own block before a long body, which outscores
    // it many times over; it is still part of the article. A link list after the body is not.
    let para = |n: usize| {
        format!("<p>Section {n}: the survey of the northern quay measured the sea wall every ten metres, and the engineers compared each reading with the plans, the tide tables and the records of the winter storms.</p>")
    };
    let body: String = (1..=30).map(para).collect();
    let s = format!(
        "<html><body><div class='paper'><div class='title'><b>Survey of the quay</b></div>\
         <div class='abs'><p>Abstract: we measured the quay wall after the storms, found two weak sections and propose a repair plan that the council can afford.</p></div>\
         <div></div>\
         <div class='fulltext'>{body}</div>\
         <div class='links'><a href='/1'>Other papers by these authors on harbour walls</a> <a href='/2'>Download the data set as a spreadsheet file</a></div>\
         </div></body></html>"
    );
    let a = html(&s);
    let t = a.text();
    assert!(t.contains("Abstract: we measured"), "{:?}", a.paragraphs);
    assert!(t.contains("Section 30:"));
    assert!(!t.contains("Other papers"), "{t}");
}

#[test]
fn a_blogs_trackback_notice_is_furniture() {
    let para = "码头的海堤在冬天的风暴中受损，工程师们用了三个月时间修复了两百米长的堤坝，市政府表示渡轮下周恢复正常班次。";
    let text = format!(
        "码头重新开放\n{para}\n{para}再说一遍。\n你可以使用这个链接引用该篇文章 http://blog.example.org/tb?id=12345\n引用地址：http://blog.example.org/trackback/12345\n"
    );
    let a = extract::extract(&raw("t", Content::Text(text)));
    let all = a.paragraphs.join("\n");
    assert!(all.contains("再说一遍"), "{all}");
    assert!(!all.contains("引用") && !all.contains("http"), "{all}");
}

#[test]
fn a_noprint_aside_inside_a_sentence_is_not_text() {
    let s = page_with(
        "<div class='mw-parser-output'><p>He hosted <a href='/w/Show'>Crisis Escape</a><span class='noprint ilh-comment'>（Korean：<a href='https://ko.example.org/x'>위기탈출</a>）</span> for four years, the longest of any host.</p>",
        "</div>",
    );
    let a = html(&s);
    let lines: Vec<&str> = a.paragraphs.iter().map(String::as_str).collect();
    assert!(
        lines.contains(&"He hosted Crisis Escape for four years, the longest of any host."),
        "{lines:?}"
    );
}

#[test]
fn a_bare_address_on_its_own_line_is_not_text() {
    let para = "The harbour authority said on Monday that the northern quay would reopen after repairs, and that ferries would run to the usual timetable.";
    let text = format!(
        "Quay to reopen\n{para}\nhttp://files.example.org/upload/2005/quay-report.pdf\n{para} Again.\nSee the report at http://files.example.org/report for details.\n"
    );
    let a = extract::extract(&raw("t", Content::Text(text)));
    let all = a.paragraphs.join("\n");
    assert!(!all.contains("quay-report.pdf"), "{all}");
    assert!(
        all.contains("See the report at http://files.example.org/report"),
        "{all}"
    );
}

#[test]
fn the_signature_date_closing_a_notice_is_kept() {
    let para = "为做好港口北码头修复工程建设，维护相关单位和人民群众合法权益，现将有关事项通告如下，请各单位认真遵照执行。";
    let notice = format!("2022年1月20日\n关于北码头修复工程的通告\n{para}\n{para}特此通告。\n海港市人民政府\n2022年1月27日\n");
    let a = extract::extract(&raw("t", Content::Text(notice)));
    let all = a.paragraphs.join("\n");
    assert!(all.ends_with("海港市人民政府\n2022年1月27日"), "{all}");
    // The page's own date line at the top is still metadata, not text.
    assert!(!all.contains("2022年1月20日"), "{all}");
}

#[test]
fn an_author_tag_crediting_the_forum_software_is_not_a_byline() {
    let head = "<head><meta name='generator' content='Discuz! X3.4'><meta name='author' content='Discuz! Team and Comsenz UI Team'></head>";
    let s =
        page_with("<div class='post'>", "</div>").replacen("<html>", &format!("<html>{head}"), 1);
    assert!(html(&s).byline.is_empty(), "{:?}", html(&s).byline);
    // A real author beside a generator tag stays.
    let head = "<head><meta name='generator' content='WordPress 6.4'><meta name='author' content='Ann Lee'></head>";
    let s =
        page_with("<div class='post'>", "</div>").replacen("<html>", &format!("<html>{head}"), 1);
    assert_eq!(html(&s).byline, ["Ann Lee"]);
}

#[test]
fn a_short_dated_sentence_is_text_not_a_date_line() {
    let para = "港口北码头在冬季风暴中受损，工程师们用了三个月时间修复了两百米长的堤坝，市政府表示渡轮下周恢复正常班次。";
    let text = format!(
        "码头大事记\n发布时间：2022-01-28 08:59\n{para}\n2021年12月3日，北码头封闭。\n2022年1月20日，修复工程完工。\n{para}再说一遍。\n"
    );
    let a = extract::extract(&raw("t", Content::Text(text)));
    let all = a.paragraphs.join("\n");
    assert!(all.contains("2021年12月3日，北码头封闭。"), "{all}");
    assert!(all.contains("2022年1月20日，修复工程完工。"), "{all}");
    assert!(!all.contains("发布时间"), "{all}");
    assert_eq!(a.published.as_deref(), Some("2022-01-28T08:59"));
}

#[test]
fn a_dated_table_row_is_data_not_a_date_line() {
    let s = page_with(
        "<div class='article-body'><table>\
         <tr><th>Years</th><th>Dates</th><th>Channel</th><th>Programme</th></tr>\
         <tr><td>2016</td><td>6 May 2016</td><td><a href='/c/kbs'>KBS</a></td><td>Welcome</td></tr>\
         </table>",
        "</div>",
    );
    let a = html(&s);
    let lines: Vec<&str> = a.paragraphs.iter().map(String::as_str).collect();
    assert!(
        lines.contains(&"2016\t6 May 2016\tKBS\tWelcome"),
        "{lines:?}"
    );
}

#[test]
fn a_metadata_row_laid_out_as_a_table_is_still_metadata() {
    let s = page_with(
        "<div class='article-body'><table><tr><td>来源：新华网</td><td>2005年08月28日 20:56</td><td>作者：张三</td></tr></table>",
        "</div>",
    );
    let a = html(&s);
    assert!(!a.text().contains("来源"), "{:?}", a.paragraphs);
    assert_eq!(a.published.as_deref(), Some("2005-08-28T20:56"));
    assert_eq!(a.byline, ["张三"]);
}

#[test]
fn a_table_of_linked_headlines_with_dates_is_not_data() {
    let s = page_with(
        "<div class='article-body'>",
        "<table><tr><td><a href='/a'>Ferry operators welcome the news from the harbour authority</a></td><td>2024-03-01</td></tr>\
         <tr><td><a href='/b'>Council approves four million euros for sea wall repairs</a></td><td>2024-02-20</td></tr></table></div>",
    );
    let a = html(&s);
    assert!(a.text().contains("northern quay"));
    assert!(!a.text().contains("Ferry operators"), "{:?}", a.paragraphs);
}

#[test]
fn a_charset_the_bytes_contradict_is_reported_as_a_diagnostic() {
    // A GBK page that declares UTF-8: read as GBK, and the article says the declaration was
    // overruled (the decoder's note reaches the article's diagnostics).
    let page = "<html><head><meta charset=\"utf-8\"></head><body><h1>新闻标题</h1>\
                <p>这是一段用国标码写成的新闻正文，它的字符集声明说自己是统一码，解码器应当识破这个声明并如实报告。</p>\
                <p>第二段正文继续讲述同一件事情，让页面的文字足够长，像一篇真正的新闻报道那样。</p></body></html>";
    let (gbk, _, _) = encoding_rs::GBK.encode(page);
    let path = std::env::temp_dir().join(format!("storyline-lying-{}.html", std::process::id()));
    std::fs::write(&path, &gbk).unwrap();
    let raws: Vec<RawDocument> =
        ingest::read_paths(std::slice::from_ref(&path), ingest::Options::default())
            .filter_map(Result::ok)
            .collect();
    std::fs::remove_file(&path).unwrap();
    let a = extract::extract(&raws[0]);
    assert_eq!(a.title.as_deref(), Some("新闻标题"));
    assert!(a.text().contains("解码器应当识破"), "{}", a.text());
    assert!(
        a.diagnostics
            .iter()
            .any(|d| d.contains("declared UTF-8") && d.contains("GBK")),
        "{:?}",
        a.diagnostics
    );
}

/// A listing's hints (a feed item's title, date, author, outlet) fill only what the page does
/// not say itself; the page's own metadata wins; an author given as RSS's `address (Name)`
/// gives the name.
#[test]
fn hints_fill_only_what_the_page_leaves_out() {
    let body: String = (1..=3)
        .map(|i| {
            format!(
                "<p>The harbour board met for the {i}th time this season to weigh the plan for \
                 the eastern quay, and its members asked for a fuller survey of the works.</p>"
            )
        })
        .collect();
    let bare = format!(
        "<html><head><meta charset=utf-8></head><body><article>{body}</article></body></html>"
    );
    let full = format!(
        "<html><head><title>Own headline</title><meta name=author content=\"Page Author\">\
         <meta property=article:published_time content=2024-05-10T09:00:00Z>\
         <meta property=og:site_name content=\"Page Herald\"></head>\
         <body><article><h1>Own headline</h1>{body}</article></body></html>"
    );
    let hints = model::Hints {
        title: Some("Feed headline".into()),
        published: Some("2024-05-14T06:30:00+00:00".into()),
        author: Some("desk@example.org (Jane Doe)".into()),
        outlet: Some("Feed Gazette".into()),
        via: Some("https://news.example/feed.xml".into()),
    };
    let with_hints = |html: &str| {
        let mut r = raw("hinted", Content::Html(html.to_string()));
        r.meta.hints = hints.clone();
        extract::extract(&r)
    };
    let a = with_hints(&bare);
    assert_eq!(a.title.as_deref(), Some("Feed headline"));
    assert!(
        a.published
            .as_deref()
            .is_some_and(|p| p.starts_with("2024-05-14")),
        "{:?}",
        a.published
    );
    assert_eq!(a.byline, ["Jane Doe"]);
    assert_eq!(a.outlet.as_deref(), Some("Feed Gazette"));
    let b = with_hints(&full);
    assert_eq!(b.title.as_deref(), Some("Own headline"));
    assert!(
        b.published
            .as_deref()
            .is_some_and(|p| p.starts_with("2024-05-10")),
        "{:?}",
        b.published
    );
    assert_eq!(b.byline, ["Page Author"]);
    assert_eq!(b.outlet.as_deref(), Some("Page Herald"));
    // Without hints the bare page has no title, date or author.
    let plain = extract::extract(&raw("plain", Content::Html(bare)));
    assert_eq!((plain.title, plain.published), (None, None));
    assert!(plain.byline.is_empty());
}

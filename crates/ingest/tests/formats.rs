//! Every input format, on files written here: what is read, and what each kind of bad input says.

use std::io::Write;
use std::path::{Path, PathBuf};

use ingest::{read_paths, IngestError, Options};
use model::{Content, RawDocument};

fn read(paths: &[PathBuf]) -> (Vec<RawDocument>, Vec<IngestError>) {
    read_with(paths, Options::default())
}

fn read_with(paths: &[PathBuf], opts: Options) -> (Vec<RawDocument>, Vec<IngestError>) {
    let mut docs = Vec::new();
    let mut errs = Vec::new();
    for item in read_paths(paths, opts) {
        match item {
            Ok(d) => docs.push(d),
            Err(e) => errs.push(e),
        }
    }
    (docs, errs)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

const PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Xi, Putin hold talks</title></head>\
<body><article><p>Chinese President Xi Jinping held talks with Russian President Vladimir Putin in Beijing on Thursday.</p></article></body></html>";

#[test]
fn html_and_text_files_take_their_stem_as_id() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "talks.html", PAGE.as_bytes());
    let t = write(
        dir.path(),
        "note.txt",
        "Putin arrived in Beijing.\n".as_bytes(),
    );
    let (docs, errs) = read(&[h, t]);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].id, "talks");
    assert!(matches!(&docs[0].content, Content::Html(h) if h.contains("Xi Jinping")));
    assert_eq!(docs[1].id, "note");
    assert!(matches!(&docs[1].content, Content::Text(_)));
}

#[test]
fn legacy_encodings_are_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body><p>国家主席习近平在喀山同俄罗斯总统普京举行会晤。</p></body></html>");
    let (big5, _, _) = encoding_rs::BIG5.encode(
        "國家主席習近平在喀山克里姆林宮同俄羅斯總統普京舉行會晤。雙方就中俄關係交換了意見。",
    );
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251
        .encode("Владимир Путин провёл переговоры с Си Цзиньпином в Казани 22 октября 2024 года.");
    let (latin1, _, _) = encoding_rs::WINDOWS_1252.encode(
        "Le président français a rencontré ses homologues à Genève. Déclaration commune signée.",
    );
    let (docs, errs) = read(&[
        write(dir.path(), "gbk.html", &gbk),
        write(dir.path(), "big5.txt", &big5),
        write(dir.path(), "ru.txt", &cp1251),
        write(dir.path(), "fr.txt", &latin1),
    ]);
    assert!(errs.is_empty(), "{errs:?}");
    assert!(
        docs[0].content.as_str().contains("习近平在喀山"),
        "{}",
        docs[0].encoding
    );
    assert!(
        docs[1].content.as_str().contains("習近平在喀山"),
        "{}",
        docs[1].encoding
    );
    assert!(
        docs[2].content.as_str().contains("Путин"),
        "{}",
        docs[2].encoding
    );
    assert!(
        docs[3].content.as_str().contains("président"),
        "{}",
        docs[3].encoding
    );
}

#[test]
fn utf8_bom_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice("Kazan summit".as_bytes());
    let (docs, _) = read(&[write(dir.path(), "bom.txt", &bytes)]);
    assert_eq!(docs[0].content.as_str(), "Kazan summit");
}

#[test]
fn jsonl_reads_good_lines_and_names_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let body = concat!(
        r#"{"id":"a1","text":"Putin visits Beijing.","title":"Visit","published":"2024-05-16","url":"https://example.org/a1","source":"Example News","lang":"en"}"#,
        "\n",
        "this is not json\n",
        r#"{"text":"no id here"}"#,
        "\n",
        "\n",
        r#"{"id":"a2","html":"<p>习近平会见普京</p>"}"#,
        "\n",
        r#"{"id":"a3"}"#,
        "\n",
    );
    let p = write(dir.path(), "batch.jsonl", body.as_bytes());
    let (docs, errs) = read(std::slice::from_ref(&p));
    assert_eq!(
        docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["a1", "a2"]
    );
    assert_eq!(docs[0].meta.outlet.as_deref(), Some("Example News"));
    assert_eq!(docs[0].meta.published.as_deref(), Some("2024-05-16"));
    assert!(matches!(docs[1].content, Content::Html(_)));
    let shown = p.display().to_string();
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert!(
        errs[0].input == format!("{shown}:2") && errs[0].why.contains("not JSON"),
        "{}",
        errs[0]
    );
    assert!(
        errs[1].input == format!("{shown}:3") && errs[1].why.contains("`id`"),
        "{}",
        errs[1]
    );
    assert!(
        errs[2].input == format!("{shown}:6") && errs[2].why.contains("neither"),
        "{}",
        errs[2]
    );
}

#[test]
fn jsonl_line_with_invalid_utf8_is_named_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = b"{\"id\":\"x\",\"text\":\"ok\"}\n{\"id\":\"y\",\"text\":\"".to_vec();
    body.extend_from_slice(&[0xff, 0xfe]);
    body.extend_from_slice(b"\"}\n{\"id\":\"z\",\"text\":\"also ok\"}\n");
    let (docs, errs) = read(&[write(dir.path(), "bad.jsonl", &body)]);
    assert_eq!(docs.len(), 2);
    assert!(
        errs[0].input.ends_with(":2") && errs[0].why.contains("UTF-8"),
        "{}",
        errs[0]
    );
}

fn warc_record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    let content_type = if kind == "response" {
        "application/http; msgtype=response"
    } else {
        "application/warc-fields"
    };
    let mut out = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-05-17T01:02:03Z\r\nWARC-Record-ID: <urn:uuid:{}>\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        uri.len(),
        block.len()
    )
    .into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn http_response(content_type: &str, body: &[u8]) -> Vec<u8> {
    http_with_headers(&format!("Content-Type: {content_type}\r\n"), body)
}

/// An HTTP 200 response with these header lines (each ending in CRLF) and its Content-Length.
fn http_with_headers(headers: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\n{headers}Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn warc_file() -> Vec<u8> {
    let (gbk, _, _) = encoding_rs::GBK
        .encode("<html><body><p>新华社北京5月16日电 国家主席习近平会谈。</p></body></html>");
    let mut w = Vec::new();
    w.extend(warc_record("warcinfo", "", b"software: test\r\n"));
    w.extend(warc_record(
        "request",
        "https://news.example/a",
        b"GET /a HTTP/1.1\r\n\r\n",
    ));
    w.extend(warc_record(
        "response",
        "https://news.example/a",
        &http_response("text/html; charset=utf-8", PAGE.as_bytes()),
    ));
    w.extend(warc_record(
        "response",
        "https://news.example/logo.png",
        &http_response("image/png", b"\x89PNG...."),
    ));
    w.extend(warc_record(
        "response",
        "https://news.example/zh",
        &http_response("text/html; charset=gbk", &gbk),
    ));
    w
}

#[test]
fn warc_response_records_with_html_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let (docs, errs) = read(&[write(dir.path(), "crawl.warc", &warc_file())]);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(
        docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["https://news.example/a", "https://news.example/zh"]
    );
    assert!(docs[1].content.as_str().contains("习近平"));
    assert_eq!(docs[1].meta.url.as_deref(), Some("https://news.example/zh"));
}

/// A WARC record with an explicit id and extra header lines (each ending in CRLF).
fn warc_record_with(kind: &str, uri: &str, id: &str, headers: &str, block: &[u8]) -> Vec<u8> {
    let content_type = if kind == "metadata" {
        "application/warc-fields"
    } else {
        "application/http; msgtype=response"
    };
    let mut out = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-05-17T01:02:03Z\r\nWARC-Record-ID: <urn:uuid:{id}>\r\n{headers}Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

#[test]
fn warc_metadata_records_give_their_response_its_hints() {
    let page = http_response("text/html; charset=utf-8", PAGE.as_bytes());
    let fields = |title: &str| {
        format!(
            "title: {title}\r\npublished: 2024-05-14T06:30:00+00:00\r\nauthor: desk@example.org (Jane Doe)\r\n\
             outlet: Hint Gazette\r\nvia: https://news.example/feed.xml\r\nhopsFromSeed: L\r\n"
        )
    };
    let mut w = Vec::new();
    // After its response, naming it in WARC-Concurrent-To (as `storyline watch` writes it).
    w.extend(warc_record_with(
        "response",
        "https://news.example/a",
        "a",
        "",
        &page,
    ));
    w.extend(warc_record_with(
        "metadata",
        "https://news.example/a",
        "a-meta",
        "WARC-Concurrent-To: <urn:uuid:a>\r\n",
        fields("Title A").as_bytes(),
    ));
    // Before its response, naming it in WARC-Refers-To; one naming no record read.
    w.extend(warc_record_with(
        "metadata",
        "https://news.example/b",
        "b-meta",
        "WARC-Refers-To: <urn:uuid:b>\r\n",
        fields("Title B").as_bytes(),
    ));
    w.extend(warc_record_with(
        "metadata",
        "https://news.example/x",
        "x-meta",
        "WARC-Refers-To: <urn:uuid:x>\r\n",
        fields("Title X").as_bytes(),
    ));
    w.extend(warc_record_with(
        "response",
        "https://news.example/b",
        "b",
        "",
        &page,
    ));
    w.extend(warc_record_with(
        "response",
        "https://news.example/c",
        "c",
        "",
        &page,
    ));
    let dir = tempfile::tempdir().unwrap();
    let (docs, errs) = read(&[write(dir.path(), "watch.warc", &w)]);
    assert!(errs.is_empty(), "{errs:?}");
    let hints: Vec<(&str, Option<&str>)> = docs
        .iter()
        .map(|d| (d.id.as_str(), d.meta.hints.title.as_deref()))
        .collect();
    assert_eq!(
        hints,
        [
            ("https://news.example/a", Some("Title A")),
            ("https://news.example/b", Some("Title B")),
            ("https://news.example/c", None),
        ]
    );
    let a = &docs[0].meta.hints;
    assert_eq!(a.published.as_deref(), Some("2024-05-14T06:30:00+00:00"));
    assert_eq!(a.author.as_deref(), Some("desk@example.org (Jane Doe)"));
    assert_eq!(a.outlet.as_deref(), Some("Hint Gazette"));
    assert_eq!(a.via.as_deref(), Some("https://news.example/feed.xml"));
    // Hints are not the input's own metadata, which wins over the page.
    assert_eq!(docs[0].meta.title, None);
    assert_eq!(docs[0].meta.published, None);
}

#[test]
fn gzipped_warc_with_one_member_per_record_is_read() {
    let dir = tempfile::tempdir().unwrap();
    // Common Crawl compresses each record as its own gzip member.
    let mut gz = Vec::new();
    gz.extend(gzip(&warc_record(
        "response",
        "https://news.example/a",
        &http_response("text/html", PAGE.as_bytes()),
    )));
    gz.extend(gzip(&warc_record(
        "response",
        "https://news.example/b",
        &http_response("text/html", PAGE.as_bytes()),
    )));
    let (docs, errs) = read(&[write(dir.path(), "crawl.warc.gz", &gz)]);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(docs.len(), 2);
}

#[test]
fn truncated_warc_keeps_earlier_records_and_names_the_cut_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = warc_file();
    let full = w.len();
    w.extend(warc_record(
        "response",
        "https://news.example/c",
        &http_response("text/html", PAGE.as_bytes()),
    ));
    w.truncate(full + 300);
    let p = write(dir.path(), "cut.warc", &w);
    let (docs, errs) = read(&[p]);
    assert_eq!(docs.len(), 2);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].to_string().contains("cut.warc#record6") && errs[0].why.contains("truncated"),
        "{}",
        errs[0]
    );
}

#[test]
fn truncated_gzip_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut gz = gzip(PAGE.repeat(50).as_bytes());
    gz.truncate(gz.len() / 2);
    let ok = write(dir.path(), "b.html", PAGE.as_bytes());
    let bad = write(dir.path(), "a.html.gz", &gz);
    let (docs, errs) = read(&[bad, ok]);
    assert_eq!(docs.len(), 1, "the good file is still read");
    assert!(
        errs[0].input.ends_with("a.html.gz") && errs[0].why.contains("gzip"),
        "{}",
        errs[0]
    );
}

#[test]
fn gzipped_html_and_jsonl_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let (docs, errs) = read(&[
        write(dir.path(), "page.html.gz", &gzip(PAGE.as_bytes())),
        write(
            dir.path(),
            "batch.jsonl.gz",
            &gzip(b"{\"id\":\"j1\",\"text\":\"hello\"}\n"),
        ),
    ]);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(
        docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["page", "j1"]
    );
}

#[test]
fn rss_and_atom_items_become_articles() {
    let dir = tempfile::tempdir().unwrap();
    let rss = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Example Wire</title><link>https://wire.example/</link><description>news</description>
<item><title>Putin arrives in Beijing</title><link>https://wire.example/1</link><guid>https://wire.example/1</guid>
<pubDate>Thu, 16 May 2024 04:00:00 GMT</pubDate><description>Short summary.</description>
<content:encoded><![CDATA[<p>Russian President Vladimir Putin arrived in Beijing on Thursday for a two-day state visit.</p>]]></content:encoded></item>
<item><title>Title only</title><link>https://wire.example/2</link></item>
</channel></rss>"#;
    let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title><id>urn:wire</id><updated>2024-10-22T10:00:00Z</updated>
<entry><title>Xi meets Putin in Kazan</title><id>urn:wire:kazan</id><link href="https://atom.example/kazan"/>
<updated>2024-10-22T10:00:00Z</updated><content type="html">&lt;p&gt;Chinese President Xi Jinping met Putin in Kazan.&lt;/p&gt;</content></entry>
</feed>"#;
    let (docs, errs) = read(&[
        write(dir.path(), "wire.rss", rss.as_bytes()),
        write(dir.path(), "wire.atom", atom.as_bytes()),
    ]);
    assert_eq!(docs.len(), 2, "{errs:?}");
    assert_eq!(docs[0].id, "https://wire.example/1");
    assert_eq!(
        docs[0].meta.title.as_deref(),
        Some("Putin arrives in Beijing")
    );
    assert_eq!(docs[0].meta.outlet.as_deref(), Some("Example Wire"));
    assert!(docs[0]
        .meta
        .published
        .as_deref()
        .unwrap()
        .starts_with("2024-05-16"));
    assert!(docs[0].content.as_str().contains("two-day state visit"));
    assert_eq!(docs[1].id, "urn:wire:kazan");
    assert_eq!(errs.len(), 1);
    assert!(errs[0].input.ends_with("wire.rss#item2"), "{}", errs[0]);
}

#[test]
fn directories_are_walked_recursively_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "b/deep/x.txt", b"second");
    write(dir.path(), "a.txt", b"first");
    write(dir.path(), ".hidden/y.txt", b"hidden");
    let (docs, errs) = read(&[dir.path().to_path_buf()]);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(
        docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["a", "b/deep/x"]
    );
}

#[test]
fn empty_binary_missing_and_oversized_inputs_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.html", b"");
    let blank = write(dir.path(), "blank.txt", b"  \n\n ");
    let binary = write(
        dir.path(),
        "photo.jpg",
        &[
            0xff, 0xd8, 0xff, 0xe0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1, 2, 3, 0, 0,
        ],
    );
    let big = write(dir.path(), "big.html", &vec![b'a'; 3 << 20]);
    let good = write(dir.path(), "good.txt", b"Still read.");
    let missing = dir.path().join("missing.html");
    let opts = Options {
        max_document_bytes: 1 << 20,
    };
    let (docs, errs) = read_with(&[empty, blank, binary, big, missing, good], opts);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].id, "good");
    let msgs: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert_eq!(msgs.len(), 5, "{msgs:?}");
    assert!(msgs[0].contains("empty.html: empty file"), "{}", msgs[0]);
    assert!(msgs[1].contains("blank.txt: empty file"), "{}", msgs[1]);
    assert!(msgs[2].contains("photo.jpg: binary file"), "{}", msgs[2]);
    assert!(
        msgs[3].contains("big.html") && msgs[3].contains("document limit"),
        "{}",
        msgs[3]
    );
    assert!(msgs[4].contains("missing.html: cannot open"), "{}", msgs[4]);
}

/// The default limit turns a 200 MB page into one clear error without reading it into memory.
/// Writes 200 MB, so it runs only with STORYLINE_SLOW_TESTS=1.
#[test]
fn a_200_mb_file_is_refused_by_default() {
    if std::env::var_os("STORYLINE_SLOW_TESTS").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("huge.html");
    let mut f = std::fs::File::create(&p).unwrap();
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..200 {
        f.write_all(&chunk).unwrap();
    }
    drop(f);
    let (docs, errs) = read(&[p]);
    assert!(docs.is_empty());
    assert!(errs[0].why.contains("document limit"), "{}", errs[0]);
}

/// An HTML response with extra header lines.
fn http_response_with(headers: &str, body: &[u8]) -> Vec<u8> {
    http_with_headers(
        &format!("Content-Type: text/html; charset=utf-8\r\n{headers}"),
        body,
    )
}

fn limit_mib(n: usize) -> Options {
    Options {
        max_document_bytes: n << 20,
    }
}

#[test]
fn hardening_3_gzip_bomb_in_warc_is_capped() {
    let dir = tempfile::tempdir().unwrap();
    // 16 MiB of one byte: a 16 KB gzip body. The limit is 1 MiB.
    let bomb = gzip(&vec![b' '; 16 << 20]);
    assert!(bomb.len() < 1 << 20);
    let mut w = warc_record(
        "response",
        "https://news.example/bomb",
        &http_response_with("Content-Encoding: gzip\r\n", &bomb),
    );
    w.extend(warc_record(
        "response",
        "https://news.example/after",
        &http_response_with("Content-Encoding: gzip\r\n", &gzip(PAGE.as_bytes())),
    ));
    let (docs, errs) = read_with(&[write(dir.path(), "bomb.warc", &w)], limit_mib(1));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].input.ends_with("bomb.warc#record1") && errs[0].why.contains("document limit"),
        "{}",
        errs[0]
    );
    assert_eq!(docs.len(), 1, "the record after the bomb is read");
    assert!(docs[0].content.as_str().contains("Xi Jinping"));
}

#[test]
fn hardening_3_gzip_bombs_in_files_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = gzip(&vec![b' '; 16 << 20]);
    let mut lines = b"{\"id\":\"j1\",\"text\":\"".to_vec();
    lines.extend(vec![b'a'; 4 << 20]);
    lines.extend_from_slice(b"\"}\n{\"id\":\"j2\",\"text\":\"after\"}\n");
    let (docs, errs) = read_with(
        &[
            write(dir.path(), "a.html.gz", &bomb),
            write(dir.path(), "b.jsonl.gz", &gzip(&lines)),
        ],
        limit_mib(1),
    );
    let msgs: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(msgs[0].contains("a.html.gz") && msgs[0].contains("document limit"));
    assert!(msgs[1].contains("b.jsonl.gz:1") && msgs[1].contains("document limit"));
    assert_eq!(
        docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["j2"]
    );
}

#[test]
fn hardening_4_files_in_subdirectories_have_path_ids() {
    let dir = tempfile::tempdir().unwrap();
    let jan = write(dir.path(), "2024-01/index.html", PAGE.as_bytes());
    write(dir.path(), "2024-02/index.html", PAGE.as_bytes());
    write(
        dir.path(),
        "2024-02/deep/story.txt.gz",
        &gzip(b"Some text."),
    );
    write(dir.path(), "top.html", PAGE.as_bytes());
    let (docs, errs) = read(&[dir.path().to_path_buf(), jan]);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(
        docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        [
            "2024-01/index",
            "2024-02/deep/story",
            "2024-02/index",
            "top",
            // Named on the command line: the stem, as before.
            "index"
        ]
    );
}

#[test]
fn hardening_5_warc_records_carry_their_capture_date() {
    let dir = tempfile::tempdir().unwrap();
    let (docs, _) = read(&[write(dir.path(), "crawl.warc", &warc_file())]);
    assert_eq!(
        docs[0].meta.captured.as_deref(),
        Some("2024-05-17T01:02:03Z")
    );
}

#[test]
fn hardening_6_rss_without_version_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let rss = "<?xml version=\"1.0\"?><rss><channel><title>Wire</title>\
<item><title>T</title><link>https://wire.example/1</link><description>Plain text about the council budget.</description></item>\
</channel></rss>";
    let (docs, errs) = read(&[write(dir.path(), "old.rss", rss.as_bytes())]);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(docs.len(), 1);
    assert!(docs[0]
        .content
        .as_str()
        .contains("<p>Plain text about the council budget.</p>"));
}

#[test]
fn hardening_7_gzip_header_over_a_plain_body_reads_the_body() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = Vec::new();
    for n in 0..3 {
        w.extend(warc_record(
            "response",
            &format!("https://news.example/{n}"),
            &http_response_with("Content-Encoding: gzip\r\n", PAGE.as_bytes()),
        ));
    }
    w.extend(warc_record(
        "response",
        "https://news.example/deflate",
        &http_response_with("Content-Encoding: deflate\r\n", PAGE.as_bytes()),
    ));
    let (docs, errs) = read(&[write(dir.path(), "quirk.warc", &w)]);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(docs.len(), 4);
    for d in &docs {
        assert!(d.content.as_str().contains("Xi Jinping"));
        assert!(
            d.meta.notes.iter().any(|n| n.contains("not compressed")),
            "{:?}",
            d.meta
        );
    }
}

#[test]
fn hardening_8_nul_and_wide_encodings_are_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut nul = PAGE.as_bytes().to_vec();
    nul.insert(200, 0);
    let utf16le_no_bom: Vec<u8> = PAGE.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let utf32be: Vec<u8> = std::iter::once('\u{feff}')
        .chain("Putin arrived in Beijing.\n".chars())
        .flat_map(|c| u32::from(c).to_be_bytes())
        .collect();
    let feed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>W</title><item><link>https://w.example/1</link><description>&lt;p&gt;The council met.&lt;/p&gt;</description></item></channel></rss>";
    let feed16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(feed.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let mut jsonl = vec![0xef, 0xbb, 0xbf];
    jsonl.extend_from_slice(
        b"{\"id\":\"first\",\"text\":\"one\"}\n{\"id\":\"second\",\"text\":\"two\"}\n",
    );
    let (docs, errs) = read(&[
        write(dir.path(), "nul.html", &nul),
        write(dir.path(), "wide.html", &utf16le_no_bom),
        // No extension: the format is sniffed on the decoded text.
        write(dir.path(), "wide-page", &utf16le_no_bom),
        write(dir.path(), "wide.txt", &utf32be),
        write(dir.path(), "wide.rss", &feed16),
        write(dir.path(), "bom.jsonl", &jsonl),
    ]);
    assert!(errs.is_empty(), "{errs:?}");
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "nul",
            "wide",
            "wide-page",
            "wide",
            "https://w.example/1",
            "first",
            "second"
        ]
    );
    assert!(matches!(&docs[2].content, Content::Html(_)));
    for d in &docs[..3] {
        assert!(d.content.as_str().contains("Xi Jinping"), "{}", d.id);
    }
    assert_eq!(docs[1].encoding, "UTF-16LE");
    assert_eq!(docs[3].content.as_str(), "Putin arrived in Beijing.\n");
    assert!(docs[4].content.as_str().contains("The council met."));
}

#[test]
fn hardening_11_ids_with_control_characters_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let lines = "{\"id\":\"a\\tb\",\"text\":\"x\"}\n{\"id\":\"nl\\n\",\"text\":\"x\"}\n{\"id\":\"nul\\u0000\",\"text\":\"x\"}\n{\"id\":\"rtl\\u202e\",\"text\":\"x\"}\n{\"id\":\"c1\\u0085\",\"text\":\"x\"}\n{\"id\":\"fine\",\"text\":\"x\"}\n";
    let tabbed = write(
        dir.path(),
        "tab\there.txt",
        b"A file whose name holds a tab.",
    );
    let (docs, errs) = read(&[write(dir.path(), "ids.jsonl", lines.as_bytes()), tabbed]);
    assert_eq!(
        docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["fine"]
    );
    let msgs: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert_eq!(msgs.len(), 6, "{msgs:?}");
    for (n, m) in msgs[..5].iter().enumerate() {
        assert!(
            m.contains(&format!("ids.jsonl:{}", n + 1)) && m.contains("refused"),
            "{m}"
        );
    }
    assert!(msgs[5].contains("refused"), "{}", msgs[5]);
    // The message shows the id escaped, never the raw character.
    assert!(msgs
        .iter()
        .all(|m| !m[m.find("id ").unwrap()..].contains(['\t', '\n', '\0'])));
}

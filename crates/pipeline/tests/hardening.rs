//! Hostile and real-world input through the whole pipeline (issue 17): later captures of a URL,
//! feed items without paragraphs, ids that may not be stored. Every input is written here.

use model::{Content, RawDocument, RawMeta};
use store::Store;

const COUNCIL: &str = "<html><body><article><p>The city council of Northbridge approved the new budget on Tuesday evening after a long debate about the costs of the harbour bridge repairs.</p><p>The treasurer said the repairs would start in the spring and take two years.</p></article></body></html>";
const COUNCIL_UPDATED: &str = "<html><body><article><p>The city council of Northbridge approved the new budget on Tuesday evening after a long debate about the costs of the harbour bridge repairs.</p><p>Update: the mayor said on Wednesday that the repairs would start in the summer instead.</p></article></body></html>";

fn capture(id: &str, captured: Option<&str>, html: &str) -> RawDocument {
    RawDocument {
        id: id.into(),
        source: format!("crawl.warc#{id}"),
        content: Content::Html(html.into()),
        meta: RawMeta {
            url: Some(id.into()),
            captured: captured.map(str::to_string),
            ..RawMeta::default()
        },
        encoding: "UTF-8".into(),
    }
}

fn outcome_id(r: &Result<pipeline::Outcome, pipeline::PipelineError>) -> (bool, String) {
    match r {
        Ok(pipeline::Outcome::Ingested { id, .. }) => (true, id.clone()),
        Ok(pipeline::Outcome::AlreadyIngested { id }) => (false, id.clone()),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn hardening_5_a_later_capture_with_other_content_is_a_new_linked_document() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store::SqliteStore::open(dir.path()).unwrap();
    let url = "https://news.example/council";
    {
        let mut p = pipeline::Pipeline::open(&mut store).unwrap();
        let first = p.ingest(capture(url, Some("2024-05-17T01:02:03Z"), COUNCIL));
        assert_eq!(outcome_id(&first), (true, url.to_string()));
        let later = p.ingest(capture(url, Some("2024-05-18T09:00:00Z"), COUNCIL_UPDATED));
        let later_id = format!("{url}@2024-05-18T09:00:00Z");
        assert_eq!(outcome_id(&later), (true, later_id.clone()));
        // The same captures again, and a third capture with the second's content: stored.
        for (date, html) in [
            ("2024-05-17T01:02:03Z", COUNCIL),
            ("2024-05-18T09:00:00Z", COUNCIL_UPDATED),
            ("2024-05-19T00:00:00Z", COUNCIL_UPDATED),
            ("2024-05-20T00:00:00Z", COUNCIL),
        ] {
            let again = p.ingest(capture(url, Some(date), html));
            assert!(!outcome_id(&again).0, "{date}: stored again");
        }
        // Without a capture date, other content under a stored id is still refused.
        let err = p.ingest(capture(url, None, COUNCIL_UPDATED)).unwrap_err();
        assert!(err
            .to_string()
            .contains("already stored with different content"));
    }
    assert_eq!(store.document_count().unwrap(), 2);
    let later = store
        .document(&format!("{url}@2024-05-18T09:00:00Z"))
        .unwrap()
        .unwrap();
    assert_eq!(later.article.capture_of.as_deref(), Some(url));
    let first = store.document(url).unwrap().unwrap();
    assert_eq!(first.article.capture_of, None);
    assert!(first.article.text().contains("two years"));
}

#[test]
fn hardening_6_feed_items_without_paragraphs_become_articles() {
    let dir = tempfile::tempdir().unwrap();
    let sentence = "The city council of Northbridge approved the new budget on Tuesday evening after a long debate about the costs of the harbour bridge repairs";
    let rss = format!(
        "<?xml version=\"1.0\"?><rss><channel><title>Wire</title>\
<item><link>https://w.example/plain</link><description>{sentence}, plain.\n\nA second paragraph of plain text follows here.</description></item>\
<item><link>https://w.example/cdata</link><description><![CDATA[{sentence}, in CDATA & plain.]]></description></item>\
<item><link>https://w.example/br</link><description>&lt;b&gt;Northbridge&lt;/b&gt; {sentence}, with breaks.&lt;br&gt;&lt;br /&gt;The treasurer spoke after it.</description></item>\
<item><link>https://w.example/span</link><description>&lt;span&gt;{sentence}, in a span.&lt;/span&gt;</description></item>\
</channel></rss>"
    );
    let atom = format!(
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A</title><id>urn:a</id><updated>2024-10-22T10:00:00Z</updated>\
<entry><title>T</title><id>urn:a:1</id><updated>2024-10-22T10:00:00Z</updated><content type=\"text\">{sentence}, as Atom text with a &lt;tag&gt; in it.</content></entry></feed>"
    );
    std::fs::write(dir.path().join("wire.rss"), rss).unwrap();
    std::fs::write(dir.path().join("wire.atom"), atom).unwrap();
    let raws: Vec<RawDocument> =
        ingest::read_paths(&[dir.path().to_path_buf()], ingest::Options::default())
            .map(|r| r.unwrap())
            .collect();
    assert_eq!(raws.len(), 5);
    for raw in &raws {
        let a = extract::extract(raw);
        assert!(
            a.text().contains("harbour bridge repairs"),
            "{}: {:?}",
            raw.id,
            a.diagnostics
        );
    }
    let atom = extract::extract(&raws[0]);
    assert!(
        atom.text().contains("with a <tag> in it"),
        "{}",
        atom.text()
    );
    let br = extract::extract(&raws[3]);
    assert!(br.paragraphs.len() >= 2, "{:?}", br.paragraphs);
}

#[test]
fn hardening_11_ids_with_control_characters_never_reach_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store::SqliteStore::open(dir.path()).unwrap();
    {
        let mut p = pipeline::Pipeline::open(&mut store).unwrap();
        for id in ["a\tb", "line\nbreak", "nul\0", "rtl\u{202e}txt"] {
            let err = p.ingest(capture(id, None, COUNCIL)).unwrap_err();
            assert!(err.to_string().contains("refused"), "{err}");
        }
    }
    assert_eq!(store.document_count().unwrap(), 0);
}

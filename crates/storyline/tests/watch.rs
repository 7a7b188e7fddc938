//! `storyline watch` end to end, against a news site the test serves on 127.0.0.1: feeds, a
//! sitemap index, robots.txt with Disallow and Crawl-delay, ETag and Last-Modified, a redirect
//! chain and a loop, a 500 that recovers, a 404, a 429 with Retry-After, a slow body, a body
//! over the size cap, a gzip bomb, a feed item without a page, the same article under two
//! URLs; then a second pass (nothing fetched again), the archive re-ingested (the same
//! documents), and a run stopped mid-pass and restarted (nothing fetched twice).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

mod common;
mod site;
use common::*;
use site::{article, Reply, Request, Site};

/// Flags that keep the test fast: no per-host delay beyond robots.txt's, short timeouts and
/// back-off, a 1 MiB cap.
const FAST: &[&str] = &[
    "--allow-private",
    "--delay-secs",
    "0",
    "--backoff-secs",
    "0.05",
    "--retries",
    "1",
    "--max-page-mib",
    "1",
    "--contact",
    "tests@example.org",
];

fn watch(db: &Path, extra: &[&str], sources: &[String]) -> Output {
    bin()
        .arg("--db")
        .arg(db)
        .arg("watch")
        .args(FAST)
        .args(["--timeout-secs", "1"])
        .args(extra)
        .args(sources)
        .output()
        .unwrap()
}

/// `storyline ingest` of a watch's archive into the store `db`; it must succeed.
fn ingest_archive(db: &Path, archive: &Path) {
    let o = bin()
        .arg("--db")
        .arg(db)
        .arg("ingest")
        .arg(archive)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn long_text(seed: &str) -> String {
    (1..=5)
        .map(|i| {
            format!(
                "<p>In {seed}, residents gathered for meeting number {i} about the harbour plan; \
                 the mayor of {seed} promised an answer within {i} weeks.</p>"
            )
        })
        .collect()
}

fn rss(
    site_url: &dyn Fn(&str) -> String,
    items: &[(&str, Option<&str>, Option<String>)],
) -> String {
    let items: String = items
        .iter()
        .map(|(title, path, text)| {
            let link = path
                .map(|p| format!("<link>{}</link>", site_url(p).replace('&', "&amp;")))
                .unwrap_or_default();
            let desc = text
                .as_ref()
                .map(|t| format!("<description><![CDATA[{t}]]></description>"))
                .unwrap_or_default();
            format!(
                "<item><title>{title}</title>{link}<guid isPermaLink=\"false\">id-{title}</guid>\
                 <pubDate>Thu, 16 May 2024 08:00:00 GMT</pubDate>{desc}</item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>\
         <title>Test Gazette</title><link>{}</link><description>t</description>{items}\
         </channel></rss>",
        site_url("/")
    )
}

fn html(body: String) -> Reply {
    Reply::new(200, "text/html; charset=utf-8", body)
}

fn earlier(log: &[Request], path: &str) -> usize {
    log.iter().filter(|r| r.path == path).count()
}

/// The site of the main test. `base` is filled in once the port is known.
fn news_site() -> Site {
    let base: Arc<std::sync::OnceLock<String>> = Arc::new(std::sync::OnceLock::new());
    let b = Arc::clone(&base);
    // 16 MiB of spaces in about 16 KiB, made once (the server answers within the timeout).
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&vec![b' '; 16 << 20]).unwrap();
    let bomb = gz.finish().unwrap();
    let site = Site::start(move |req, log| {
        let url = |p: &str| format!("{}{p}", b.get().unwrap());
        match req.path.as_str() {
            "/robots.txt" => Reply::new(
                200,
                "text/plain",
                "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.2\n",
            ),
            "/feed.xml" => {
                if req.headers.get("if-none-match").map(String::as_str) == Some("\"feed-v1\"") {
                    return Reply::new(304, "application/rss+xml", "").header("ETag", "\"feed-v1\"");
                }
                let items = [
                    ("a", Some("/news/a?utm_source=rss&utm_medium=feed"), None),
                    ("b", Some("/news/b"), None),
                    ("secret", Some("/private/secret"), None),
                    ("chain", Some("/redirect/1"), None),
                    ("loop", Some("/loop/1"), None),
                    ("flaky", Some("/flaky"), None),
                    ("missing", Some("/missing"), Some(long_text("Missington"))),
                    ("short", Some("/gone"), Some("<p>Just a teaser.</p>".to_string())),
                    ("busy", Some("/busy"), None),
                    ("slow", Some("/slow"), None),
                    ("huge", Some("/huge"), None),
                    ("bomb", Some("/bomb"), None),
                    ("nolink", None, Some(long_text("Linkless"))),
                    ("amp", Some("/amp/a"), None),
                ];
                Reply::new(200, "application/rss+xml", rss(&url, &items))
                    .header("ETag", "\"feed-v1\"")
                    .header("Last-Modified", "Thu, 16 May 2024 08:00:00 GMT")
            }
            "/atom.xml" => {
                if req.headers.get("if-modified-since").map(String::as_str)
                    == Some("Thu, 16 May 2024 09:00:00 GMT")
                {
                    return Reply::new(304, "application/atom+xml", "");
                }
                let body = format!(
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\
                     <feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Other Feed</title>\
                     <id>urn:t</id><updated>2024-05-16T09:00:00Z</updated>\
                     <entry><title>A again</title><id>urn:a</id><updated>2024-05-16T09:00:00Z</updated>\
                     <link href=\"{}\"/></entry>\
                     <entry><title>D</title><id>urn:d</id><updated>2024-05-16T09:00:00Z</updated>\
                     <link href=\"{}\"/></entry></feed>",
                    url("/news/a?fbclid=xyz#comments"),
                    url("/news/d")
                );
                Reply::new(200, "application/atom+xml", body)
                    .header("Last-Modified", "Thu, 16 May 2024 09:00:00 GMT")
            }
            "/sitemap.xml" => Reply::new(
                200,
                "application/xml",
                format!(
                    "<?xml version=\"1.0\"?><sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
                     <sitemap><loc>{}</loc></sitemap></sitemapindex>",
                    url("/sitemap-news.xml")
                ),
            ),
            "/sitemap-news.xml" => Reply::new(
                200,
                "application/xml",
                format!(
                    "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
                     xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\"><url><loc>{}</loc>\
                     <news:news><news:publication_date>2024-05-16</news:publication_date>\
                     <news:title>E from the sitemap</news:title></news:news></url></urlset>",
                    url("/news/e")
                ),
            ),
            "/news/a" => html(article("Alderton", None)),
            "/amp/a" => html(article("Alderton", Some("/news/a?utm_campaign=amp"))),
            "/news/b" => html(article("Brookfield", None)),
            "/news/c" => html(article("Carlisle", None)),
            "/news/d" => html(article("Dunmore", None)),
            "/news/e" => html(article("Eastleigh", None)),
            "/private/secret" => html(article("Secretville", None)),
            "/redirect/1" => Reply::new(301, "text/html", "").header("Location", "/redirect/2"),
            "/redirect/2" => Reply::new(302, "text/html", "").header("Location", &url("/news/c")),
            "/loop/1" => Reply::new(302, "text/html", "").header("Location", "/loop/2"),
            "/loop/2" => Reply::new(302, "text/html", "").header("Location", "/loop/1"),
            "/flaky" if earlier(log, "/flaky") == 0 => Reply::new(500, "text/plain", "oops"),
            "/flaky" => html(article("Flakeby", None)),
            "/busy" if earlier(log, "/busy") == 0 => {
                Reply::new(429, "text/plain", "slow down").header("Retry-After", "1")
            }
            "/busy" => html(article("Busyton", None)),
            "/slow" => {
                let mut r = html(article("Slowbury", None));
                r.trickle = Some((16, Duration::from_millis(50)));
                r
            }
            "/huge" => html(format!("<html><body>{}</body></html>", "x".repeat(3 << 20))),
            "/bomb" => Reply::new(200, "text/html", bomb.clone()).header("Content-Encoding", "gzip"),
            _ => Reply::new(404, "text/plain", "not found"),
        }
    });
    base.set(format!("http://{}", site.addr)).unwrap();
    site
}

fn ids_and_texts(db: &Path) -> BTreeMap<String, String> {
    exported_documents(db)
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap().to_string(),
                d["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn watch_once_fetches_politely_archives_and_resumes() {
    let site = news_site();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let archive = dir.path().join("archive");
    let sources = vec![
        site.url("/feed.xml"),
        site.url("/atom.xml"),
        site.url("/sitemap.xml"),
    ];
    let o = watch(
        &db,
        &["--once", "--archive", archive.to_str().unwrap()],
        &sources,
    );
    let (out, err) = (stdout(&o), stderr(&o));
    assert_eq!(o.status.code(), Some(2), "errors were met\n{out}\n{err}");

    let docs = ids_and_texts(&db);
    let ids: Vec<&str> = docs.keys().map(String::as_str).collect();
    let u = |p: &str| site.url(p);
    let expected = [
        u("/busy"),
        u("/feed.xml#id-nolink"),
        u("/flaky"),
        u("/missing"),
        u("/news/a"),
        u("/news/b"),
        u("/news/c"),
        u("/news/d"),
        u("/news/e"),
    ];
    let mut expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    expected.sort();
    assert_eq!(ids, expected, "\n{out}\n{err}");
    assert!(
        docs[&u("/missing")].contains("Missington"),
        "the item's own text"
    );

    // Politeness: robots.txt read once and obeyed, one request at a time, Crawl-delay kept
    // between requests, the contact in the User-Agent.
    assert_eq!(site.hits("/robots.txt"), 1);
    assert_eq!(site.hits("/private/secret"), 0);
    assert_eq!(site.max_in_flight(), 1);
    let log = site.requests();
    for pair in log.windows(2) {
        let gap = pair[1].at.duration_since(pair[0].at);
        assert!(
            gap >= Duration::from_millis(190),
            "{gap:?} between {} and {}",
            pair[0].path,
            pair[1].path
        );
    }
    assert!(log
        .iter()
        .all(|r| r.headers["user-agent"].contains("tests@example.org")));
    // Retry-After: the second /busy came at least a second after the 429.
    let busy: Vec<&Request> = log.iter().filter(|r| r.path == "/busy").collect();
    assert_eq!(busy.len(), 2);
    assert!(busy[1].at.duration_since(busy[0].at) >= Duration::from_secs(1));
    // A 500 is retried, a 404 is not; the same article is fetched once though listed twice
    // (tracking parameters) and under another URL (its canonical link points at it).
    assert_eq!(site.hits("/flaky"), 2);
    assert_eq!(site.hits("/missing"), 1);
    assert_eq!(site.hits("/news/a"), 1);
    assert!(site.hits("/amp/a") <= 1);
    assert_eq!(site.hits("/loop/1"), 1, "a loop is not followed round");
    // Each failure is named.
    for (what, why) in [
        ("/loop/1", "redirect loop"),
        ("/missing", "HTTP 404"),
        ("/huge", "larger than"),
        ("/bomb", "larger than"),
        ("/slow", "timed out"),
        ("/private/secret", "robots.txt"),
    ] {
        assert!(
            err.lines().any(|l| l.contains(&u(what)) && l.contains(why)),
            "no error naming {what} ({why}):\n{err}"
        );
    }
    assert!(
        out.contains("new articles") || out.contains("new article"),
        "{out}"
    );

    // A second pass: the feeds answer 304 to the validators; no page is fetched again.
    let before: Vec<usize> = ["/news/a", "/news/b", "/flaky", "/busy", "/news/e"]
        .iter()
        .map(|p| site.hits(p))
        .collect();
    let o = watch(&db, &["--once"], &sources);
    let out2 = stdout(&o);
    assert!(out2.contains(" 0 new articles"), "{out2}\n{}", stderr(&o));
    let after: Vec<usize> = ["/news/a", "/news/b", "/flaky", "/busy", "/news/e"]
        .iter()
        .map(|p| site.hits(p))
        .collect();
    assert_eq!(before, after);
    let feed_asks: Vec<Request> = site
        .requests()
        .into_iter()
        .filter(|r| r.path == "/feed.xml")
        .collect();
    assert_eq!(feed_asks.len(), 2);
    assert_eq!(
        feed_asks[1]
            .headers
            .get("if-none-match")
            .map(String::as_str),
        Some("\"feed-v1\"")
    );
    let atom_asks: Vec<Request> = site
        .requests()
        .into_iter()
        .filter(|r| r.path == "/atom.xml")
        .collect();
    assert_eq!(
        atom_asks[1]
            .headers
            .get("if-modified-since")
            .map(String::as_str),
        Some("Thu, 16 May 2024 09:00:00 GMT")
    );

    // The archive gives the same documents.
    let db2 = dir.path().join("db2");
    ingest_archive(&db2, &archive);
    assert_eq!(ids_and_texts(&db2), docs);
}

/// A site whose feed lists `/p/1`…`/p/N`, pages named after `places`; the third page is held
/// (its response does not end) until the returned flag is set.
fn site_holding_the_third_page(places: &'static [&'static str]) -> (Site, Arc<AtomicBool>) {
    let release = Arc::new(AtomicBool::new(false));
    let r = Arc::clone(&release);
    let base: Arc<std::sync::OnceLock<String>> = Arc::new(std::sync::OnceLock::new());
    let b = Arc::clone(&base);
    let site = Site::start(move |req, _| {
        let url = |p: &str| format!("{}{p}", b.get().unwrap());
        if req.path == "/feed.xml" {
            let paths: Vec<(String, String)> = (1..=places.len())
                .map(|i| (format!("p{i}"), format!("/p/{i}")))
                .collect();
            let items: Vec<(&str, Option<&str>, Option<String>)> = paths
                .iter()
                .map(|(id, path)| (id.as_str(), Some(path.as_str()), None))
                .collect();
            return Reply::new(200, "application/rss+xml", rss(&url, &items));
        }
        let page = req
            .path
            .strip_prefix("/p/")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| (1..=places.len()).contains(n));
        match page {
            Some(n) => {
                let mut reply = html(article(places[n - 1], None));
                if n == 3 && !r.load(Ordering::SeqCst) {
                    let r = Arc::clone(&r);
                    reply.hold = Some(Arc::new(move || r.load(Ordering::SeqCst)));
                }
                reply
            }
            None => Reply::new(404, "text/plain", "not found"),
        }
    });
    base.set(format!("http://{}", site.addr)).unwrap();
    (site, release)
}

/// `storyline watch --once` of `site`'s feed with one worker, started and left running.
fn spawn_watch(
    db: &Path,
    site: &Site,
    output: impl Fn() -> std::process::Stdio,
) -> std::process::Child {
    bin()
        .arg("--db")
        .arg(db)
        .arg("watch")
        .args(FAST)
        .args(["--once", "--workers", "1", "--timeout-secs", "60"])
        .arg(site.url("/feed.xml"))
        .stdout(output())
        .stderr(output())
        .spawn()
        .unwrap()
}

#[test]
fn a_watch_stopped_mid_pass_resumes_without_fetching_again() {
    let (site, release) =
        site_holding_the_third_page(&["Firstwick", "Secondford", "Thirdham", "Fourtown"]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let mut child = spawn_watch(&db, &site, std::process::Stdio::piped);
    // Wait (without a time limit that could fail a slow machine) until /p/3 is asked for.
    while site.hits("/p/3") == 0 {
        assert!(child.try_wait().unwrap().is_none(), "the watch ended early");
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // Let /p/3 finish only once the signal has been taken (no longer pending for the
    // process): a signal is delivered when a thread of the process runs, and on a loaded
    // machine the fetch of /p/3 could otherwise end, and /p/4 start, before any thread has.
    while signal_pending(child.id()) {
        std::thread::sleep(Duration::from_millis(5));
    }
    release.store(true, Ordering::SeqCst);
    let o = child.wait_with_output().unwrap();
    assert!(stderr(&o).contains("stopped by a signal"), "{}", stderr(&o));
    let first = stored_ids(&db);
    assert!(
        first.contains(&site.url("/p/1")) && first.contains(&site.url("/p/2")),
        "{first:?}"
    );
    assert!(!first.contains(&site.url("/p/4")));

    let o = watch(&db, &["--once"], &[site.url("/feed.xml")]);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    let all = stored_ids(&db);
    assert_eq!(all.len(), 4, "{all:?}");
    assert_eq!(site.hits("/p/1"), 1);
    assert_eq!(site.hits("/p/2"), 1);
    assert_eq!(site.hits("/p/4"), 1);
}

/// A watch killed outright (no chance to write the URL rows it holds) refetches no page whose
/// document was stored: the store's documents answer for the rows it lost.
#[test]
fn a_killed_watch_refetches_no_stored_page() {
    let (site, release) = site_holding_the_third_page(&["Firstbury", "Secondbury", "Thirdbury"]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let mut child = spawn_watch(&db, &site, std::process::Stdio::null);
    // While /p/3 is held, the idle input lets the pipeline commit the first two pages.
    let stored = |db: &Path| -> usize {
        let o = bin().arg("--db").arg(db).arg("export").output().unwrap();
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| l.contains("\"type\":\"document\""))
            .count()
    };
    while site.hits("/p/3") == 0 || stored(&db) < 2 {
        assert!(child.try_wait().unwrap().is_none(), "the watch ended early");
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    release.store(true, Ordering::SeqCst);

    let o = watch(&db, &["--once"], &[site.url("/feed.xml")]);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    assert_eq!(stored_ids(&db).len(), 3);
    assert_eq!(site.hits("/p/1"), 1);
    assert_eq!(site.hits("/p/2"), 1);
}

/// Whether a signal sent to process `pid` is still pending for it (Linux: `ShdPnd` in
/// `/proc/PID/status`; elsewhere, or when it cannot be read, it is taken as delivered).
fn signal_pending(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("ShdPnd:"))
                .map(|mask| mask.trim().trim_start_matches('0').is_empty())
        })
        .is_some_and(|none| !none)
}

/// A page with text only: no `<title>`, headline, date, author or site name of its own.
fn bare_page(seed: &str) -> String {
    let paragraphs: String = (1..=4)
        .map(|i| {
            format!(
                "<p>Residents of {seed} will vote on the harbour plan in round {i}, and the \
                 council of {seed} says the count for district {i} will be public, as the \
                 harbour office of {seed} confirmed to reporters.</p>\n"
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><article>\n\
         {paragraphs}</article></body></html>"
    )
}

/// A feed whose items carry a title, a date and an author, one for a page that has none of
/// its own and one for a page that has its own.
fn hint_site() -> Site {
    let base: Arc<std::sync::OnceLock<String>> = Arc::new(std::sync::OnceLock::new());
    let b = Arc::clone(&base);
    let site = Site::start(move |req, _| {
        let url = |p: &str| format!("{}{p}", b.get().unwrap());
        match req.path.as_str() {
            "/feed.xml" => {
                let body = format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>\
                     <title>Hint Gazette</title><link>{}</link><description>t</description>\
                     <item><title>Harbour vote set for June</title><link>{}</link>\
                     <guid>bare</guid><pubDate>Tue, 14 May 2024 06:30:00 GMT</pubDate>\
                     <author>desk@example.org (Jane Doe)</author></item>\
                     <item><title>The feed's title for the full page</title><link>{}</link>\
                     <guid>full</guid><pubDate>Tue, 14 May 2024 06:30:00 GMT</pubDate>\
                     <author>desk@example.org (Someone Else)</author></item>\
                     </channel></rss>",
                    url("/"),
                    url("/news/bare"),
                    url("/news/full")
                );
                Reply::new(200, "application/rss+xml", body).header("ETag", "\"hints-v1\"")
            }
            "/news/bare" => html(bare_page("Quayside")),
            "/news/full" => {
                let page = article("Fullerton", None).replace(
                    "</title>",
                    "</title><meta name=\"author\" content=\"Page Author\">\
                     <meta property=\"article:published_time\" content=\"2024-05-10T09:00:00Z\">\
                     <meta property=\"og:site_name\" content=\"Page Herald\">",
                );
                html(page)
            }
            _ => Reply::new(404, "text/plain", "not found"),
        }
    });
    base.set(format!("http://{}", site.addr)).unwrap();
    site
}

/// What the documents of a store say, by id: the fields the hints may fill, and the text.
fn documents_by_id(db: &Path) -> BTreeMap<String, serde_json::Value> {
    exported_documents(db)
        .into_iter()
        .map(|d| {
            let id = d["id"].as_str().unwrap().to_string();
            let kept = serde_json::json!({
                "title": d["title"], "published": d["published"], "byline": d["byline"],
                "outlet": d["outlet"], "url": d["url"], "text": d["text"],
            });
            (id, kept)
        })
        .collect()
}

#[test]
fn feed_hints_fill_what_the_page_lacks_and_survive_the_archive() {
    let site = hint_site();
    let dir = tempfile::tempdir().unwrap();
    let (db, archive) = (dir.path().join("db"), dir.path().join("archive"));
    let o = watch(
        &db,
        &["--once", "--archive", archive.to_str().unwrap()],
        &[site.url("/feed.xml")],
    );
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    let docs = documents_by_id(&db);
    assert_eq!(docs.len(), 2, "{docs:#?}");

    // The page says nothing of itself: the feed item's title, date, author and outlet stand.
    let bare = &docs[&site.url("/news/bare")];
    assert_eq!(bare["title"], "Harbour vote set for June", "{bare:#}");
    assert!(
        bare["published"]
            .as_str()
            .is_some_and(|p| p.starts_with("2024-05-14")),
        "{bare:#}"
    );
    assert_eq!(bare["byline"], serde_json::json!(["Jane Doe"]), "{bare:#}");
    assert_eq!(bare["outlet"], "Hint Gazette", "{bare:#}");
    // The page says it all: its own metadata wins over the feed's.
    let full = &docs[&site.url("/news/full")];
    assert_eq!(full["title"], "Fullerton bridge repairs", "{full:#}");
    assert!(
        full["published"]
            .as_str()
            .is_some_and(|p| p.starts_with("2024-05-10")),
        "{full:#}"
    );
    assert_eq!(
        full["byline"],
        serde_json::json!(["Page Author"]),
        "{full:#}"
    );
    assert_eq!(full["outlet"], "Page Herald", "{full:#}");

    // The hints are in the archive: a fresh store made from it holds the same documents.
    let db2 = dir.path().join("db2");
    ingest_archive(&db2, &archive);
    assert_eq!(documents_by_id(&db2), docs);
}

/// The watch state on a PostgreSQL store (`--db postgres://…`) behaves as on SQLite: the
/// sources' validators and the URLs' statuses are stored, a second pass asks conditionally and
/// fetches no page again, and the store reports the sources' health. Needs
/// `STORYLINE_TEST_PG` (scripts/with-postgres.sh); skips loudly without it, fails under CI.
#[test]
fn watch_state_on_postgres_resumes_like_on_sqlite() {
    let Some(server) = store::suite::pg::server("PostgreSQL watch test") else {
        return;
    };
    let db = store::suite::pg::fresh_database(&server, "storyline_watch");
    let base: Arc<std::sync::OnceLock<String>> = Arc::new(std::sync::OnceLock::new());
    let b = Arc::clone(&base);
    let site = Site::start(move |req, _| {
        let url = |p: &str| format!("{}{p}", b.get().unwrap());
        match req.path.as_str() {
            "/feed.xml" => {
                if req.headers.get("if-none-match").map(String::as_str) == Some("\"pg-v1\"") {
                    return Reply::new(304, "application/rss+xml", "").header("ETag", "\"pg-v1\"");
                }
                let items = [
                    ("one", Some("/p/1?utm_source=rss"), None),
                    ("two", Some("/p/2"), None),
                    ("lost", Some("/p/lost"), None),
                ];
                Reply::new(200, "application/rss+xml", rss(&url, &items))
                    .header("ETag", "\"pg-v1\"")
            }
            "/p/1" => html(article("Pgton", None)),
            "/p/2" => html(article("Postbury", None)),
            _ => Reply::new(404, "text/plain", "not found"),
        }
    });
    base.set(format!("http://{}", site.addr)).unwrap();
    let feed = site.url("/feed.xml");
    let db_path = Path::new(&db);

    let o = watch(db_path, &["--once"], std::slice::from_ref(&feed));
    assert_eq!(
        o.status.code(),
        Some(2),
        "the 404 is an error\n{}\n{}",
        stdout(&o),
        stderr(&o)
    );
    let ids = stored_ids(&db);
    let expected: std::collections::BTreeSet<String> =
        [site.url("/p/1"), site.url("/p/2")].into_iter().collect();
    assert_eq!(ids, expected);

    let mut state = store::open_watch_state(&db).unwrap();
    let source = state.source(&feed).unwrap().expect("the source's row");
    assert_eq!(source.kind, "feed");
    assert_eq!(source.etag.as_deref(), Some("\"pg-v1\""));
    assert_eq!(source.last_status.as_deref(), Some("ok"));
    assert_eq!((source.fetches, source.new_items), (1, 2));
    assert!(source.next_poll.is_some() && source.last_fetch.is_some());
    let one = state
        .url(&site.url("/p/1"))
        .unwrap()
        .expect("the page's row");
    assert_eq!(one.status, "stored");
    assert_eq!(one.document.as_deref(), Some(site.url("/p/1").as_str()));
    let lost = state
        .url(&site.url("/p/lost"))
        .unwrap()
        .expect("the page's row");
    assert_eq!(
        (lost.status.as_str(), lost.http_status),
        ("gone", Some(404))
    );
    drop(state);

    // A second pass: the feed is asked with its ETag (304) and no page is fetched again.
    let o = watch(db_path, &["--once"], std::slice::from_ref(&feed));
    assert_eq!(
        o.status.code(),
        Some(1),
        "nothing new is 'nothing found'\n{}\n{}",
        stdout(&o),
        stderr(&o)
    );
    assert!(stdout(&o).contains(" 0 new articles"), "{}", stdout(&o));
    let asks: Vec<Request> = site
        .requests()
        .into_iter()
        .filter(|r| r.path == "/feed.xml")
        .collect();
    assert_eq!(asks.len(), 2);
    assert_eq!(
        asks[1].headers.get("if-none-match").map(String::as_str),
        Some("\"pg-v1\"")
    );
    for page in ["/p/1", "/p/2", "/p/lost"] {
        assert_eq!(site.hits(page), 1, "{page} fetched again");
    }

    // What the server's sources page reads.
    let report = store::open(&db).unwrap().watch_report().unwrap();
    assert_eq!(report.sources.len(), 1);
    assert_eq!(
        report.sources[0].last_status.as_deref(),
        Some("not modified")
    );
    assert_eq!(report.sources[0].fetches, 2);
    assert_eq!(report.hosts.len(), 1, "{:?}", report.hosts);
    assert_eq!(report.hosts[0].pages, 1);
    assert!(report.hosts[0]
        .last_error
        .as_deref()
        .is_some_and(|e| e.contains("/p/lost")));
}

/// A feed of `n` slow pages (each body sent in four pieces 60 ms apart).
fn slow_site(n: usize) -> Site {
    let base: Arc<std::sync::OnceLock<String>> = Arc::new(std::sync::OnceLock::new());
    let b = Arc::clone(&base);
    let site = Site::start(move |req, _| {
        let url = |p: &str| format!("{}{p}", b.get().unwrap());
        if req.path == "/feed.xml" {
            let items: String = (0..n)
                .map(|i| {
                    format!(
                        "<item><title>Item {i}</title><link>{}</link></item>",
                        url(&format!("/p/{i}"))
                    )
                })
                .collect();
            let body = format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Slow</title>{items}</channel></rss>"
            );
            return Reply::new(200, "application/rss+xml", body);
        }
        match req.path.strip_prefix("/p/") {
            Some(i) => {
                let mut reply = html(bare_page(&format!("Town{i}")));
                reply.trickle = Some((reply.body.len() / 4 + 1, Duration::from_millis(60)));
                reply
            }
            None => Reply::new(404, "text/plain", "not found"),
        }
    });
    base.set(format!("http://{}", site.addr)).unwrap();
    site
}

#[test]
fn per_host_caps_the_requests_in_flight_to_one_host() {
    // The default: one at a time, though eight workers could go.
    let site = slow_site(6);
    let dir = tempfile::tempdir().unwrap();
    let o = watch(
        &dir.path().join("one"),
        &["--once"],
        &[site.url("/feed.xml")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(site.max_in_flight(), 1);
    assert_eq!(ids_and_texts(&dir.path().join("one")).len(), 6);

    // --per-host 3: more than one at once, never more than three.
    let site = slow_site(9);
    let o = watch(
        &dir.path().join("three"),
        &["--once", "--per-host", "3"],
        &[site.url("/feed.xml")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let most = site.max_in_flight();
    assert!((2..=3).contains(&most), "{most} in flight");
    assert_eq!(ids_and_texts(&dir.path().join("three")).len(), 9);

    // Zero is not a cap.
    let o = watch(
        &dir.path().join("zero"),
        &["--once", "--per-host", "0"],
        &[site.url("/feed.xml")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--per-host"), "{}", stderr(&o));
}

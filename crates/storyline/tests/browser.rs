//! The web UI in a real browser: headless Chromium (the Debian `chromium` package) against
//! `storyline serve` on a loopback port with the sample corpus. Checks that the timeline shows
//! the events (newest first, each card with a coverage sparkline where its documents are
//! dated), that an event page opens with its summary box (a coverage chart with bars when
//! documents are dated), its coverage table and documents, and that a
//! search for 金砖 shows the English BRICS coverage, that the storyline page chains the three
//! events oldest first and that an entity page lists its events; saves screenshots (into
//! `docs/screenshots/` with `UPDATE_SCREENSHOTS=1`, else into a temporary directory).
//!
//! The timeline's coverage volume, the event page's outlet bars and map, and the search page's
//! groups, facets and marked matches must be there and not empty; a hostile title (a script
//! tag, a right-to-left override, a 10,000-letter word) must show as text.
//!
//! Without Chromium the test is skipped with a loud message, unless `CI` is set: then it fails.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

mod common;
use common::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn chromium() -> Option<PathBuf> {
    let candidates = [
        std::env::var("CHROMIUM").unwrap_or_default(),
        "/usr/bin/chromium".into(),
        "/usr/bin/chromium-browser".into(),
    ];
    candidates
        .into_iter()
        .filter(|c| !c.is_empty())
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// The server, stopped when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(db: &Path) -> Server {
    let mut child = bin()
        .arg("--db")
        .arg(db)
        .args(["serve", "--addr", "127.0.0.1:0", "--no-semantic"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start storyline serve");
    let stdout = child.stdout.take().expect("server stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the server's first line");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in the server's first line: {line}"))
        .trim_end_matches('/')
        .to_string();
    Server { child, url }
}

/// Run headless Chromium with a fresh profile; returns stdout.
fn browse(chrome: &Path, profile: &Path, args: &[String]) -> String {
    let out = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn dump_dom(chrome: &Path, profile: &Path, url: &str) -> String {
    browse(chrome, profile, &["--dump-dom".into(), url.into()])
}

fn screenshot(chrome: &Path, profile: &Path, url: &str, file: &Path, size: &str) {
    browse(
        chrome,
        profile,
        &[
            format!("--screenshot={}", file.display()),
            format!("--window-size={size}"),
            url.into(),
        ],
    );
    let len = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    assert!(
        len > 10_000,
        "screenshot {} is empty ({len} bytes)",
        file.display()
    );
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn timeline_event_and_search_in_headless_chromium() {
    let Some(chrome) = chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!("CI is set but Chromium is missing: install it with `apt-get install -y chromium` (.ci/run does)");
        }
        eprintln!("\n!!! SKIPPING the browser test: Chromium is not installed (apt-get install -y chromium) !!!\n");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let o = bin()
        .arg("--db")
        .arg(&db)
        .arg("ingest")
        .arg(root().join("examples/seeds"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let events = bin()
        .arg("--db")
        .arg(&db)
        .args(["events", "--json"])
        .output()
        .unwrap();
    let events: Vec<serde_json::Value> = String::from_utf8_lossy(&events.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        events.len(),
        3,
        "the sample corpus holds three events (Moscow, Beijing, Kazan): {events:?}"
    );

    // A hostile document, ingested after the sample's events were listed: a title with a
    // script tag, a right-to-left override and a 10,000-letter word.
    let long_word = "W".repeat(10_000);
    let hostile = serde_json::json!({
        "id": "hostile-browser",
        "title": format!("<script>alert('t')</script> \u{202E}evil\u{202C} {long_word}"),
        "source": "<b>Evil</b> Outlet",
        "published": "2024-06-01",
        "text": "An unrelated harbour story in Rotterdam. <img src=x onerror=alert(1)> More words here for a paragraph.",
    });
    let o = bin()
        .arg("--db")
        .arg(&db)
        .args(["ingest", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(format!("{hostile}\n").as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let server = serve(&db);
    let profile = tempfile::tempdir().unwrap();
    let shots = if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
        let d = root().join("docs/screenshots");
        std::fs::create_dir_all(&d).unwrap();
        d
    } else {
        dir.path().to_path_buf()
    };

    // The timeline lists every event, each linking to its page.
    let dom = dump_dom(&chrome, profile.path(), &format!("{}/", server.url));
    assert!(
        dom.contains("newest first"),
        "no order toggle on the timeline"
    );
    for e in &events {
        let title = e["title"].as_str().unwrap();
        let shown = title
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert!(dom.contains(&shown), "timeline lacks event {title:?}");
    }
    let event_href = dom
        .split("href=\"/events/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to an event page")
        .to_string();

    // The event page: coverage by outlet and language, claims section, documents.
    let biggest = events
        .iter()
        .max_by_key(|e| e["document_count"].as_u64())
        .unwrap();
    let biggest_url = format!(
        "{}/events/{}",
        server.url,
        enc(biggest["id"].as_str().unwrap())
    );
    for url in [
        format!("{}/events/{event_href}", server.url),
        biggest_url.clone(),
    ] {
        let dom = dump_dom(&chrome, profile.path(), &url);
        // The summary box comes first, and its coverage chart is drawn with bars.
        let summary = dom.find("class=\"summary-box\"").expect("a summary box");
        assert!(summary < dom.find("id=\"claims\"").unwrap(), "{url}");
        assert!(dom.contains("Independent sources"), "{url}");
        if let Some(at) = dom.find("coverage-chart") {
            let chart = &dom[at..at + dom[at..].find("</svg>").unwrap()];
            assert!(chart.contains("<rect"), "an empty coverage chart on {url}");
        }
        assert!(dom.contains("Who reported it"), "{url}");
        assert!(dom.contains("Claims and their sources"), "{url}");
        assert!(dom.contains("class=\"document\""), "{url}");
    }
    // The timeline: its coverage volume drawn with linked bars; the hostile title as text,
    // no script element made of it, the page no wider than the window.
    let dom = dump_dom(&chrome, profile.path(), &format!("{}/", server.url));
    let volume = dom
        .split("id=\"volume\"")
        .nth(1)
        .and_then(|rest| rest.split("</figure>").next())
        .expect("no coverage volume on the timeline");
    assert!(
        volume.contains("<a href=\"/?from=") && volume.contains("<rect"),
        "{volume}"
    );
    assert!(
        dom.contains("&lt;script&gt;alert('t')&lt;/script&gt;"),
        "the hostile title is not shown as text"
    );
    assert!(
        !dom.contains("<script>alert"),
        "a script element was made of a title"
    );

    // The biggest event: the outlets by language as bars, and the map of the places named.
    let dom = dump_dom(&chrome, profile.path(), &biggest_url);
    let bars = dom
        .split("id=\"outlet-languages\"")
        .nth(1)
        .and_then(|rest| rest.split("</figure>").next())
        .expect("no outlet bars on the biggest event");
    assert!(bars.contains("<rect"), "empty outlet bars: {bars}");
    let map = dom
        .split("id=\"map\"")
        .nth(1)
        .and_then(|rest| rest.split("</figure>").next())
        .expect("no map on the biggest event (its places: Beijing, China, Russia…)");
    assert!(
        map.contains("<path") && (map.contains("fill=\"#0072B2\"") || map.contains("<circle")),
        "an empty map: {map}"
    );

    // Syndicated sentences are highlighted once an event holds several outlets' copies (the
    // seeds' Beijing event does when the clusterer groups it).
    if biggest["document_count"].as_u64().unwrap() > 1 {
        let dom = dump_dom(&chrome, profile.path(), &biggest_url);
        assert!(
            dom.contains("<mark class=\"shared\""),
            "shared passages are not highlighted"
        );
        // Who appears with whom: the people and organisations of its documents, as a graph.
        let graph = dom
            .split("id=\"cooccurrence\"")
            .nth(1)
            .and_then(|rest| rest.split("</figure>").next())
            .expect("no co-occurrence graph on the biggest event");
        assert!(
            graph.contains("<line") && graph.contains("<circle"),
            "{graph}"
        );
    }

    // Search for 金砖: the English BRICS coverage shows.
    let search_url = format!("{}/search?q={}", server.url, enc("金砖"));
    let dom = dump_dom(&chrome, profile.path(), &search_url);
    assert!(dom.contains("class=\"hit\""), "no hits for 金砖");
    assert!(
        dom.contains("BRICS"),
        "the English BRICS coverage is missing"
    );
    assert!(dom.contains(">en<"), "no English hit");
    // Hits grouped by event, facets with counts that link back to the page, matches marked.
    assert!(
        dom.contains("class=\"group-title\""),
        "hits are not grouped by event"
    );
    for facet in ["facet-lang", "facet-outlet", "facet-date"] {
        let f = dom
            .split(&format!("id=\"{facet}\""))
            .nth(1)
            .and_then(|rest| rest.split("</section>").next())
            .unwrap_or_else(|| panic!("no {facet} on the search page"));
        assert!(
            f.contains("<li") && f.contains("href=\"/search?q="),
            "an empty {facet}: {f}"
        );
    }
    assert!(dom.contains("<mark>"), "no match is marked");

    // The storyline page: the three events as one chain, oldest first.
    let dom = dump_dom(
        &chrome,
        profile.path(),
        &format!("{}/storylines", server.url),
    );
    let storyline_href = dom
        .split("href=\"/storylines/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to a storyline page")
        .to_string();
    let storyline_url = format!("{}/storylines/{storyline_href}", server.url);
    let dom = dump_dom(&chrome, profile.path(), &storyline_url);
    let mut by_date = events.clone();
    by_date.sort_by(|a, b| a["start"].as_str().cmp(&b["start"].as_str()));
    let at: Vec<usize> = by_date
        .iter()
        .map(|e| {
            let title = e["title"].as_str().unwrap();
            dom.find(&title.replace('&', "&amp;"))
                .unwrap_or_else(|| panic!("storyline lacks {title:?}"))
        })
        .collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "storyline events are not oldest first: {at:?}"
    );
    assert!(
        dom.contains("Moscow → Beijing → Kazan"),
        "the storyline is not titled by its places"
    );

    // An entity page: the most mentioned entity, with its events.
    let dom = dump_dom(&chrome, profile.path(), &format!("{}/entities", server.url));
    let entity_href = dom
        .split("href=\"/entities/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to an entity page")
        .to_string();
    let entity_url = format!("{}/entities/{entity_href}", server.url);
    let dom = dump_dom(&chrome, profile.path(), &entity_url);
    assert!(
        dom.contains("href=\"/events/"),
        "entity page without events"
    );
    // Its mentions over time: a chart with bars (the most mentioned entity has dated documents).
    let mentions = dom
        .split("id=\"mentions\"")
        .nth(1)
        .and_then(|rest| rest.split("</figure>").next())
        .expect("entity page without its mentions over time");
    assert!(
        mentions.contains("<svg") && mentions.contains("<rect"),
        "an empty mentions chart on {entity_url}"
    );

    screenshot(
        &chrome,
        profile.path(),
        &storyline_url,
        &shots.join("storyline.png"),
        "1280,900",
    );
    screenshot(
        &chrome,
        profile.path(),
        &entity_url,
        &shots.join("entity.png"),
        "1280,900",
    );
    screenshot(
        &chrome,
        profile.path(),
        &biggest_url,
        &shots.join("event-phone.png"),
        "390,844",
    );
    screenshot(
        &chrome,
        profile.path(),
        &format!("{}/", server.url),
        &shots.join("timeline.png"),
        "1280,900",
    );
    screenshot(
        &chrome,
        profile.path(),
        &biggest_url,
        &shots.join("event.png"),
        "1280,1400",
    );
    screenshot(
        &chrome,
        profile.path(),
        &search_url,
        &shots.join("search.png"),
        "1280,900",
    );
    screenshot(
        &chrome,
        profile.path(),
        &format!("{}/", server.url),
        &shots.join("timeline-phone.png"),
        "390,844",
    );
}

//! The server end to end over a real socket: the API on the sample corpus, error bodies, the
//! ingest guard (disabled, token, size limit), escaping of hostile article text, the OpenAPI
//! description, and the pages.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use store::{SqliteStore, Store};

const TOKEN: &str = "s3cret-token-0123456789";

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds")
}

const HOSTILE: &str = r#"{"id": "hostile\"><script>alert('id')</script>", "title": "<script>alert('title')</script> Talks \" onmouseover=\"alert(1)", "source": "<b>Evil</b> Outlet", "published": "2024-05-16", "url": "javascript:alert('url')", "text": "Leaders met in Beijing on Thursday. <script>alert('text')</script> The talks covered trade. \"><img src=x onerror=alert('img')> More text follows here to make a paragraph."}"#;

/// A store holding the seeds and a hostile article.
fn store_with_seeds(dir: &Path) {
    let mut store = SqliteStore::open(dir).unwrap();
    let mut pipe = pipeline::Pipeline::open(&mut store).unwrap();
    for raw in ingest::read_paths(&[seeds()], ingest::Options::default()) {
        pipe.ingest(raw.unwrap()).unwrap();
    }
    let hostile = ingest::read_jsonl(
        Box::new(std::io::Cursor::new(HOSTILE.as_bytes().to_vec())),
        "hostile",
        ingest::Options::default(),
    );
    for raw in hostile {
        pipe.ingest(raw.unwrap()).unwrap();
    }
    drop(pipe);
    // Two outlets carrying the same wire sentence, in one event (whatever the clusterer does).
    let shared = "The two sides signed a joint statement on deepening the comprehensive strategic partnership.";
    for (id, outlet, own) in [
        (
            "wire-a",
            "Outlet A",
            "Outlet A adds its own first sentence here.",
        ),
        (
            "wire-b",
            "Outlet B",
            "A different opening line from the second outlet.",
        ),
    ] {
        let mut d = store::suite::doc(id, &format!("{own} {shared}"));
        d.article.outlet = Some(outlet.into());
        d.event = Some("ev-wire".into());
        let mut c = store::Commit::document_only(d);
        c.event = Some(store::EventState {
            event: model::Event {
                id: "ev-wire".into(),
                title: "Joint statement signed".into(),
                start: Some("2024-05-16".into()),
                end: Some("2024-05-16".into()),
                ..model::Event::default()
            },
            state: Vec::new(),
        });
        store.commit(&c).unwrap();
    }
}

struct Running {
    addr: SocketAddr,
    _runtime: tokio::runtime::Runtime,
}

fn start(dir: &Path, config: server::Config) -> Running {
    start_app(dir, config, None)
}

/// A server over the store in `dir`, with the map's shapes when given.
fn start_app(dir: &Path, config: server::Config, atlas: Option<server::Atlas>) -> Running {
    let db = dir.to_path_buf();
    let open = move || -> Result<Box<dyn Store>, store::StoreError> {
        Ok(Box::new(SqliteStore::open(&db)?))
    };
    let searcher = Arc::new(search::Searcher::load(false));
    let app = server::App::new(config, &open, searcher).unwrap();
    if let Some(atlas) = atlas {
        app.set_atlas(Arc::new(atlas));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(server::serve(app, listener));
    Running {
        addr,
        _runtime: runtime,
    }
}

struct Reply {
    status: u16,
    headers: String,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// A minimal HTTP/1.1 client: one request per connection.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    // A server may answer (413) before reading everything; ignore a reset while sending.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    Reply {
        status,
        headers: head.to_string(),
        body,
    }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// A GET whose answer is kept as bytes (a gzipped body is not text): the head and the body.
fn get_bytes(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> (String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    let mut head = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    (
        String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase(),
        raw[end + 4..].to_vec(),
    )
}

fn get(addr: SocketAddr, path: &str) -> Reply {
    request(addr, "GET", path, &[], b"")
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn api_pages_search_and_escaping_over_the_seeds() {
    let dir = tempfile::tempdir().unwrap();
    store_with_seeds(dir.path());
    let s = start(dir.path(), server::Config::default());
    let addr = s.addr;

    // Status and the timeline.
    let status = get(addr, "/api/status").json();
    assert_eq!(status["documents"], 8);
    assert_eq!(status["ingest"], false);
    let events = get(addr, "/api/events").json();
    let items = events["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert_eq!(events["total"].as_u64().unwrap() as usize, items.len());
    let first = items[0]["id"].as_str().unwrap().to_string();

    // Filters: a language no document has, an outlet, a date range.
    assert_eq!(get(addr, "/api/events?lang=xx").json()["total"], 0);
    assert_eq!(get(addr, "/api/events?from=2099-01-01").json()["total"], 0);
    let paged = get(addr, "/api/events?limit=1&offset=1").json();
    assert!(paged["items"].as_array().unwrap().len() <= 1);
    assert_eq!(
        get(addr, "/api/events?limit=abc").json()["code"],
        "bad_request"
    );

    // The entity filter: the events an entity appears in, as its own page lists them.
    let ents = get(addr, "/api/entities?limit=500").json();
    let busiest = ents["items"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|e| e["documents"].as_u64())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let with = get(addr, &format!("/api/events?entity={}", enc(&busiest))).json();
    let view = get(addr, &format!("/api/entities/{}", enc(&busiest))).json();
    let ids = |v: &Value| -> Vec<String> {
        let mut ids: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    assert!(with["total"].as_u64().unwrap() >= 1, "{with}");
    assert_eq!(ids(&with["items"]), ids(&view["events"]));
    assert_eq!(
        get(addr, "/api/events?entity=no-such-entity").json()["total"],
        0
    );
    // Language filter: every event listed has a document in that language.
    for e in get(addr, "/api/events?lang=ru").json()["items"]
        .as_array()
        .unwrap()
    {
        assert!(e["languages"].as_array().unwrap().iter().any(|l| l == "ru"));
    }

    // One event with its documents and their spans.
    let ev = get(addr, &format!("/api/events/{}", enc(&first))).json();
    assert_eq!(ev["id"], first.as_str());
    let docs = ev["documents"].as_array().unwrap();
    assert!(!docs.is_empty());
    assert!(docs[0]["paragraphs"][0]["spans"][0]["text"].is_string());
    for key in [
        "passages",
        "claims",
        "quotes",
        "facts",
        "disagreements",
        "entities",
    ] {
        assert!(ev[key].is_array(), "{key} missing");
    }

    // Shared passages: the wire sentence both outlets carry, marked in both documents.
    let ev = get(addr, "/api/events/ev-wire").json();
    let passages = ev["passages"].as_array().unwrap();
    assert_eq!(passages.len(), 1, "{ev}");
    assert_eq!(
        passages[0]["documents"],
        serde_json::json!(["wire-a", "wire-b"])
    );
    for d in ev["documents"].as_array().unwrap() {
        let spans = d["paragraphs"][0]["spans"].as_array().unwrap();
        assert_eq!(spans.len(), 2, "{d}");
        assert_eq!(spans[1]["passage"], 0);
        assert!(spans[1]["text"]
            .as_str()
            .unwrap()
            .starts_with("The two sides"));
    }
    let page = get(addr, "/events/ev-wire");
    assert!(page.body.contains("<mark class=\"shared\""));

    // The document list: all, by event, by language (newest first).
    let all = get(addr, "/api/documents?limit=200").json();
    assert_eq!(all["total"], 8);
    let wire_docs = get(addr, "/api/documents?event=ev-wire").json();
    assert_eq!(wire_docs["total"], 2, "{wire_docs}");
    let zh = get(addr, "/api/documents?lang=zh").json();
    assert!(zh["total"].as_u64().unwrap() >= 1);
    for d in zh["items"].as_array().unwrap() {
        assert!(d["languages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l.as_str().unwrap().starts_with("zh-")));
    }
    let dates: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["published"].as_str())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    assert_eq!(
        get(addr, "/api/documents?offset=-1").json()["code"],
        "bad_request"
    );

    // One document.
    let doc_id = docs[0]["id"].as_str().unwrap();
    let d = get(addr, &format!("/api/documents/{}", enc(doc_id))).json();
    assert_eq!(d["id"], doc_id);
    assert!(d["text"].as_str().unwrap().len() > 100);

    // Errors: JSON with a stable code and the status of the table.
    let r = get(addr, "/api/events/no-such-event");
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["code"], "not_found");
    let r = get(addr, "/api/no/such/path");
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["code"], "not_found");
    let r = get(addr, "/api/ingest");
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["code"], "method_not_allowed");
    assert!(r.headers.to_ascii_lowercase().contains("allow: post"));
    let r = request(addr, "DELETE", "/api/events", &[], b"");
    assert_eq!(r.json()["code"], "method_not_allowed");
    let r = get(addr, "/api/search");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["code"], "bad_request");
    let r = get(addr, &format!("/api/search?q={}", "x".repeat(600)));
    assert_eq!(r.status, 400);

    // Cross-lingual search: 金砖 finds the English BRICS coverage.
    let r = get(addr, &format!("/api/search?q={}", enc("金砖"))).json();
    let hits = r["hits"].as_array().unwrap();
    assert!(
        hits.iter().any(
            |h| h["languages"].as_array().unwrap().iter().any(|l| l == "en")
                && h["snippet"].as_str().unwrap().contains("BRICS")
        ),
        "{r}"
    );
    // And a query with FTS syntax in it is just words.
    assert_eq!(
        get(addr, &format!("/api/search?q={}", enc("\"a* OR NEAR("))).status,
        200
    );
    // Query syntax that cannot be read is the client's error, and says what is wrong.
    let r = get(addr, &format!("/api/search?q={}", enc("council OR")));
    assert_eq!(r.status, 400);
    assert!(
        r.json()["message"].as_str().unwrap().contains("`OR`"),
        "{:?}",
        r.json()
    );

    // Search pages: offset and limit, echoed back.
    let all = get(addr, "/api/search?q=Putin&limit=3").json();
    let hits = all["hits"].as_array().unwrap();
    assert!(hits.len() >= 2, "{all}");
    let second = get(addr, "/api/search?q=Putin&limit=1&offset=1").json();
    assert_eq!(
        (second["offset"].clone(), second["limit"].clone()),
        (1.into(), 1.into())
    );
    assert_eq!(second["hits"].as_array().unwrap().len(), 1);
    assert_eq!(second["hits"][0]["document"], hits[1]["document"]);

    // A blank query finds nothing (no error); a missing one is a bad request.
    let r = get(addr, "/api/search?q=%20");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["hits"].as_array().unwrap().len(), 0);

    // Ingest is off by default; without credentials the answer is 401 all the same.
    let r = request(addr, "POST", "/api/ingest", &[], b"{}");
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["code"], "unauthorized");
    let r = request(
        addr,
        "POST",
        "/api/ingest",
        &[("Authorization", "Bearer x")],
        b"{}",
    );
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["code"], "ingest_disabled");

    // Gzip when the client takes it, for the API and the pages alike; never otherwise.
    for path in [format!("/api/events/{}", enc(&first)), "/".to_string()] {
        let plain = get(addr, &path);
        assert!(!plain
            .headers
            .to_ascii_lowercase()
            .contains("content-encoding"));
        let (head, body) = get_bytes(addr, &path, &[("Accept-Encoding", "br;q=1, gzip;q=0.8")]);
        assert!(head.contains("content-encoding: gzip"), "{path}: {head}");
        assert!(head.contains("vary: accept-encoding"), "{head}");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&body[..])
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, plain.body, "{path}");
        let (head, _) = get_bytes(addr, &path, &[("Accept-Encoding", "gzip;q=0")]);
        assert!(!head.contains("content-encoding"), "{head}");
    }

    // Pages.
    let home = get(addr, "/");
    assert_eq!(home.status, 200);
    assert!(home
        .headers
        .to_ascii_lowercase()
        .contains("content-security-policy"));
    assert!(home.body.contains("Timeline"));
    assert!(home.body.contains(&format!("/events/{}", enc(&first))) || home.body.contains(&first));
    let page = get(addr, &format!("/events/{}", enc(&first)));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Who reported it"));
    // The people and organisations who appear together (Xi and Putin in every seed).
    let graph = page
        .body
        .split("id=\"cooccurrence\"")
        .nth(1)
        .expect("a co-occurrence graph");
    assert!(graph.contains("<line") && graph.contains("Who appears with whom"));
    let page = get(addr, &format!("/search?q={}", enc("金砖")));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("BRICS"));
    for p in ["/entities", "/storylines", "/static/style.css", "/search"] {
        assert_eq!(get(addr, p).status, 200, "{p}");
    }
    let page = get(addr, &format!("/entities/{}", enc(&busiest)));
    assert_eq!(page.status, 200);
    // Mentions over time: the API's counts and the page's chart.
    let mentions = view["mentions_by_language"].as_array().unwrap();
    assert!(!mentions.is_empty(), "{view}");
    let counted: u64 = mentions
        .iter()
        .map(|m| m["documents"].as_u64().unwrap())
        .sum();
    assert!(counted <= view["documents_total"].as_u64().unwrap());
    assert!(page.body.contains("id=\"mentions\""));
    assert!(page.body.contains("mentions-chart") && page.body.contains("<rect"));
    assert!(page
        .body
        .contains(&format!("/events/{}", enc(&ids(&view["events"])[0]))));
    let lines = get(addr, "/api/storylines").json();
    for l in lines["items"].as_array().unwrap() {
        let id = l["id"].as_str().unwrap();
        assert_eq!(get(addr, &format!("/storylines/{}", enc(id))).status, 200);
    }
    let missing = get(addr, "/events/nope");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("not_found"));

    // Hostile article text, title, outlet and id are escaped on every page that shows them.
    let hostile_id = "hostile\"><script>alert('id')</script>";
    let d = get(addr, &format!("/api/documents/{}", enc(hostile_id))).json();
    let hostile_event = d["event"].as_str().unwrap().to_string();
    for path in [
        format!("/documents/{}", enc(hostile_id)),
        format!("/events/{}", enc(&hostile_event)),
        "/".to_string(),
        format!("/search?q={}", enc("<script>alert")),
        format!("/search?q={}", enc("talks covered trade")),
        "/entities".to_string(),
        "/storylines".to_string(),
    ] {
        let r = get(addr, &path);
        assert_eq!(r.status, 200, "{path}");
        let body = r.body.to_lowercase();
        assert!(!body.contains("<script"), "{path}: unescaped script tag");
        assert!(!body.contains("<img"), "{path}: unescaped img tag");
        assert!(!body.contains("<b>evil"), "{path}: unescaped markup");
        assert!(
            !body.contains("\" onmouseover=\""),
            "{path}: attribute injection"
        );
        assert!(
            !body.contains("href=\"javascript:"),
            "{path}: javascript: link"
        );
    }
    // The API gives the hostile text back as data: JSON that round-trips it unchanged, served
    // as JSON and not to be sniffed as HTML.
    let r = get(addr, &format!("/api/documents/{}", enc(hostile_id)));
    let headers = r.headers.to_ascii_lowercase();
    assert!(
        headers.contains("content-type: application/json"),
        "{headers}"
    );
    assert!(headers.contains("x-content-type-options: nosniff"));
    let d = r.json();
    assert_eq!(d["id"], hostile_id);
    assert!(d["text"]
        .as_str()
        .unwrap()
        .contains("<script>alert('text')</script>"));
    assert_eq!(d["url"], "javascript:alert('url')");
    let hits = get(
        addr,
        &format!("/api/search?q={}", enc("talks covered trade")),
    );
    assert!(hits
        .headers
        .to_ascii_lowercase()
        .contains("application/json"));
    assert!(hits.body.contains("hostile"), "{}", hits.body);
    let r = get(addr, &format!("/documents/{}", enc(hostile_id)));
    assert!(
        r.body.contains("&lt;script&gt;"),
        "escaped text should be shown"
    );

    // The OpenAPI description lists exactly the routed API paths, each with its operation, and
    // every path it describes is answered by its own handler (not the API's 404 fallback).
    let spec = get(addr, "/api/openapi.json").json();
    assert_eq!(spec["openapi"], "3.1.0");
    let mut described: Vec<&str> = spec["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    described.sort();
    let mut routed = server::api_paths();
    routed.sort();
    assert_eq!(described, routed);
    for (path, item) in spec["paths"].as_object().unwrap() {
        let method = if path == "/api/ingest" { "post" } else { "get" };
        let op = &item[method];
        assert!(op["responses"].is_object(), "{path}: no {method} operation");
        assert!(op["summary"].is_string(), "{path}: no summary");
        let concrete = path.replace("{id}", "x");
        let r = if method == "post" {
            request(addr, "POST", &concrete, &[], b"{}")
        } else {
            get(addr, &concrete)
        };
        assert!(
            !r.body.contains("this API path"),
            "{path} is described but not routed"
        );
    }
}

#[test]
fn ingest_needs_the_flag_and_the_token_and_respects_the_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let config = server::Config {
        allow_ingest: true,
        token: Some(TOKEN.into()),
        max_body_bytes: 64 * 1024,
        ..server::Config::default()
    };
    let s = start(dir.path(), config);
    let addr = s.addr;
    let article = br#"{"id": "a1", "title": "Summit opens in Kazan", "published": "2024-10-22", "source": "Test Wire", "text": "The BRICS summit opened in Kazan on Tuesday with leaders from many countries attending the meeting."}"#;

    let r = request(addr, "POST", "/api/ingest", &[], article);
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["code"], "unauthorized");
    let r = request(
        addr,
        "POST",
        "/api/ingest",
        &[("Authorization", "Bearer wrong-token!")],
        article,
    );
    assert_eq!(r.status, 401);

    let auth = format!("Bearer {TOKEN}");
    let r = request(
        addr,
        "POST",
        "/api/ingest",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        article,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let rep = r.json();
    assert_eq!(rep["ingested"], 1);
    assert_eq!(rep["results"][0]["status"], "ingested");
    // Again: already ingested.
    let r = request(
        addr,
        "POST",
        "/api/ingest",
        &[("Authorization", &auth)],
        article,
    );
    assert_eq!(r.json()["already_ingested"], 1);
    // A JSONL batch with one bad line.
    let batch = b"{\"id\": \"a2\", \"text\": \"Second article about the summit in Kazan with enough words to count.\"}\nnot json\n";
    let r = request(
        addr,
        "POST",
        "/api/ingest",
        &[("Authorization", &auth)],
        batch,
    )
    .json();
    assert_eq!(r["ingested"], 1);
    assert_eq!(r["failed"], 1);
    // Empty body.
    let r = request(
        addr,
        "POST",
        "/api/ingest",
        &[("Authorization", &auth)],
        b"  ",
    );
    assert_eq!(r.status, 400);
    // Too large.
    let big = vec![b'x'; 200 * 1024];
    let r = request(
        addr,
        "POST",
        "/api/ingest",
        &[("Authorization", &auth)],
        &big,
    );
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["code"], "payload_too_large");

    // What was ingested is served and searchable at once.
    assert_eq!(get(addr, "/api/status").json()["documents"], 2);
    let hits = get(addr, "/api/search?q=kazan").json();
    assert_eq!(hits["hits"].as_array().unwrap().len(), 2, "{hits}");
}

/// Parses JSON, refusing an object that holds one key twice (what strict clients do).
fn strict_json(body: &str) -> Result<(), String> {
    use serde::de::{Deserialize, Deserializer, Error, MapAccess, SeqAccess, Visitor};

    struct Strict;
    impl<'de> Deserialize<'de> for Strict {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Strict, D::Error> {
            d.deserialize_any(StrictVisitor)
        }
    }
    struct StrictVisitor;
    impl<'de> Visitor<'de> for StrictVisitor {
        type Value = Strict;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_bool<E>(self, _: bool) -> Result<Strict, E> {
            Ok(Strict)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Strict, E> {
            Ok(Strict)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Strict, E> {
            Ok(Strict)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Strict, E> {
            Ok(Strict)
        }
        fn visit_str<E>(self, _: &str) -> Result<Strict, E> {
            Ok(Strict)
        }
        fn visit_unit<E>(self) -> Result<Strict, E> {
            Ok(Strict)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Strict, A::Error> {
            while a.next_element::<Strict>()?.is_some() {}
            Ok(Strict)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Strict, A::Error> {
            let mut seen = std::collections::HashSet::new();
            while let Some(k) = a.next_key::<String>()? {
                if !seen.insert(k.clone()) {
                    return Err(A::Error::custom(format!("duplicate key `{k}`")));
                }
                a.next_value::<Strict>()?;
            }
            Ok(Strict)
        }
    }
    serde_json::from_str::<Strict>(body)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[test]
fn strict_json_refuses_duplicate_keys() {
    assert!(strict_json(r#"{"a": 1, "b": [{"c": 2}]}"#).is_ok());
    assert!(strict_json(r#"{"a": 1, "b": {"c": 2, "c": 3}}"#).is_err());
}

/// A title with markup, a right-to-left override and an Arabic word; and a 10,000-letter word.
const RTL_TITLE: &str = "<script>alert(1)</script> \u{202E}evil reversed \u{2069} خبر";

/// A store built directly (no pipeline): one event of 2024-05-16 whose documents have an id
/// with a slash, hostile titles and dates in several forms (RFC 2822, ISO, raw text).
fn store_with_hostile_ids_and_dates(dir: &Path) {
    let mut store = SqliteStore::open(dir).unwrap();
    let long_word = "w".repeat(10_000);
    let docs = [
        (
            "a/b",
            "Thu, 16 May 2024 10:00:00 +0000",
            "Slash id".to_string(),
        ),
        ("rtl", "2024-05-17", RTL_TITLE.to_string()),
        ("long", "2024-05-15T08:00:00Z", format!("Long {long_word}")),
        ("undated", "yesterday", "Undated".to_string()),
        ("older", "2023-01-02", "Older".to_string()),
    ];
    for (id, published, title) in docs {
        let mut d = store::suite::doc(
            id,
            &format!("The text of {id} says something about the event."),
        );
        d.article.published = Some(published.into());
        d.article.title = Some(title);
        d.article.outlet = Some(format!("Outlet {id}"));
        d.event = Some("ev-h".into());
        let mut c = store::Commit::document_only(d);
        c.event = Some(store::EventState {
            event: model::Event {
                id: "ev-h".into(),
                title: RTL_TITLE.into(),
                start: Some("2024-05-16".into()),
                end: Some("2024-05-16".into()),
                ..model::Event::default()
            },
            state: Vec::new(),
        });
        store.commit(&c).unwrap();
    }
}

/// Every right-to-left override in `body` lies inside a bidi isolate (FSI/LRI/RLI … PDI).
fn overrides_isolated(body: &str) -> bool {
    let mut depth = 0usize;
    for c in body.chars() {
        match c {
            '\u{2066}'..='\u{2068}' => depth += 1,
            '\u{2069}' => depth = depth.saturating_sub(1),
            '\u{202E}' | '\u{202D}' if depth == 0 => return false,
            _ => {}
        }
    }
    true
}

#[test]
fn api_answers_strictly_and_pages_isolate_hostile_text() {
    let dir = tempfile::tempdir().unwrap();
    store_with_hostile_ids_and_dates(dir.path());
    let s = start(dir.path(), server::Config::default());
    let addr = s.addr;

    // No duplicate keys in any body; the event's count is `document_count`.
    let ev = get(addr, "/api/events/ev-h");
    assert_eq!(ev.status, 200, "{}", ev.body);
    strict_json(&ev.body).unwrap();
    let v = ev.json();
    assert_eq!(v["document_count"], 5);
    assert_eq!(v["documents"].as_array().unwrap().len(), 5);
    for path in [
        "/api/status",
        "/api/events",
        "/api/documents",
        "/api/documents/a%2Fb",
        "/api/entities",
        "/api/storylines",
        "/api/search?q=text",
        "/api/events?from=notadate",
        "/api",
        "/api/events/nope",
    ] {
        let r = get(addr, path);
        strict_json(&r.body).unwrap_or_else(|e| panic!("{path}: {e}: {}", r.body));
    }

    // An id with a slash: linked as one percent-encoded segment, and that link resolves.
    let d = get(addr, "/api/documents/a%2Fb");
    assert_eq!(d.status, 200, "{}", d.body);
    assert_eq!(d.json()["id"], "a/b");
    for page in ["/events/ev-h", "/search?q=text", "/"] {
        let body = get(addr, page).body;
        if page == "/events/ev-h" || page.starts_with("/search") {
            assert!(body.contains("href=\"/documents/a%2Fb\""), "{page}");
        }
        assert!(
            !body.contains("/documents/a&#x2f;b"),
            "{page}: an entity-escaped slash in a link"
        );
    }
    assert_eq!(get(addr, "/documents/a%2Fb").status, 200);

    // The header's search box is empty on the entity list, not "None".
    let entities = get(addr, "/entities").body;
    assert!(!entities.contains("value=\"None\""));
    assert!(!get(addr, "/entities?q=").body.contains("None"));

    // Documents newest first by their date, read whatever its form; undated last.
    let docs = get(addr, "/api/documents").json();
    let order: Vec<&str> = docs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["rtl", "a/b", "long", "older", "undated"]);

    // Bad parameters are 400 with a message naming them.
    for (path, names) in [
        ("/api/events?from=notadate", "`from`"),
        ("/api/events?to=2024-13-45", "`to`"),
        ("/api/entities?kind=bogus", "`kind`"),
        ("/api/events?offset=-256", "offset"),
        ("/api/documents?limit=-1", "limit"),
        ("/api/entities?offset=x", "offset"),
    ] {
        let r = get(addr, path);
        assert_eq!(r.status, 400, "{path}: {}", r.body);
        let e = r.json();
        assert_eq!(e["code"], "bad_request", "{path}");
        let message = e["message"].as_str().unwrap();
        assert!(message.contains(names), "{path}: {message}");
        assert!(!message.contains("invalid digit"), "{path}: {message}");
    }
    assert!(get(addr, "/api/events?offset=-256").json()["message"]
        .as_str()
        .unwrap()
        .contains("whole number"));
    assert_eq!(get(addr, "/?from=notadate").status, 400);
    // A date or a date-time of the event's day keeps it, from either end.
    for q in [
        "from=2024-05-16",
        "from=2024-05-16T00:00:00Z",
        "from=2024-05-16T23:59:59%2B08:00",
        "to=2024-05-16T00:00:00Z",
        "to=2024-05-16",
        "from=2024-05-16&to=2024-05-16",
    ] {
        assert_eq!(
            get(addr, &format!("/api/events?{q}")).json()["total"],
            1,
            "{q}"
        );
    }
    assert_eq!(get(addr, "/api/events?from=2024-05-17").json()["total"], 0);
    assert_eq!(
        get(addr, "/api/events?to=2024-05-15T23:00:00Z").json()["total"],
        0
    );
    assert_eq!(get(addr, "/api/entities?kind=person").status, 200);

    // Unknown API paths, `/api` itself included, answer JSON 404s whatever the method.
    for (method, path) in [
        ("GET", "/api"),
        ("GET", "/api/"),
        ("GET", "/api/nope"),
        ("POST", "/api/nope/deeper"),
    ] {
        let r = request(addr, method, path, &[], b"");
        assert_eq!(r.status, 404, "{method} {path}");
        assert_eq!(r.json()["code"], "not_found", "{method} {path}");
    }

    // Hostile titles render escaped and isolated; the long word can wrap.
    for page in ["/", "/events/ev-h", "/documents/rtl", "/search?q=text"] {
        let body = get(addr, page).body;
        assert!(!body.contains("<script>alert"), "{page}: unescaped");
        assert!(
            body.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
            "{page}"
        );
        assert!(body.contains('\u{202E}'), "{page}: the title is shown");
        assert!(
            overrides_isolated(&body),
            "{page}: an override outside an isolate"
        );
        assert!(
            body.contains("\u{2068}&lt;script&gt;"),
            "{page}: the title is not in an isolate"
        );
    }
    let long = get(addr, "/documents/long").body;
    assert!(long.contains(&"w".repeat(10_000)));
    let css = get(addr, "/static/style.css").body;
    let body_rule = &css[css.find("\nbody {").unwrap()..];
    let body_rule = &body_rule[..body_rule.find('}').unwrap()];
    assert!(body_rule.contains("overflow-wrap: anywhere"), "{body_rule}");
}

/// A client that opens a connection and never finishes its request line, or leaves a
/// keep-alive connection idle, is disconnected after the configured header timeout.
#[test]
fn half_open_and_idle_connections_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    store_with_hostile_ids_and_dates(dir.path());
    let config = server::Config {
        header_timeout: std::time::Duration::from_millis(300),
        ..server::Config::default()
    };
    let s = start(dir.path(), config);
    // How long the client waits before it calls the server hung: a guard, far above the
    // server's timeout, not a measure of speed.
    let guard = Some(std::time::Duration::from_secs(120));

    let mut partial = TcpStream::connect(s.addr).unwrap();
    partial.set_read_timeout(guard).unwrap();
    partial.write_all(b"GET /api/sta").unwrap();
    let mut rest = Vec::new();
    let closed = partial.read_to_end(&mut rest);
    assert!(
        !matches!(&closed, Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)),
        "a half-open connection was kept: {closed:?}"
    );

    let mut idle = TcpStream::connect(s.addr).unwrap();
    idle.set_read_timeout(guard).unwrap();
    idle.write_all(format!("GET /api/status HTTP/1.1\r\nHost: {}\r\n\r\n", s.addr).as_bytes())
        .unwrap();
    let mut answer = Vec::new();
    let closed = idle.read_to_end(&mut answer);
    assert!(
        !matches!(&closed, Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)),
        "an idle keep-alive connection was kept: {closed:?}"
    );
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // The server still answers new connections.
    assert_eq!(get(s.addr, "/api/status").status, 200);
}

#[test]
fn an_ingest_where_every_line_fails_is_422_and_short_tokens_open_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let config = server::Config {
        allow_ingest: true,
        token: Some(TOKEN.into()),
        ..server::Config::default()
    };
    let s = start(dir.path(), config);
    let auth = format!("Bearer {TOKEN}");
    let r = request(
        s.addr,
        "POST",
        "/api/ingest",
        &[("Authorization", &auth)],
        b"not json\n{\"text\": \"no id here\"}\n",
    );
    assert_eq!(r.status, 422, "{}", r.body);
    strict_json(&r.body).unwrap();
    let v = r.json();
    assert_eq!(v["code"], "nothing_ingested");
    assert_eq!(v["failed"], 2);
    assert_eq!(v["ingested"], 0);
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert!(results
        .iter()
        .all(|r| r["status"] == "failed" && r["error"].is_string()));

    // A one-character token is configured: nothing it sends (or anything else) is accepted.
    let dir = tempfile::tempdir().unwrap();
    let config = server::Config {
        allow_ingest: true,
        token: Some("x".into()),
        ..server::Config::default()
    };
    let s = start(dir.path(), config);
    let r = request(
        s.addr,
        "POST",
        "/api/ingest",
        &[("Authorization", "Bearer x")],
        br#"{"id": "a", "text": "Some words about a meeting in a city on a day."}"#,
    );
    assert_eq!(r.status, 401, "{}", r.body);
    assert!(!server::token_ok("x"));
    assert!(server::token_ok(TOKEN));
}

/// Several clients post at once into the one ingest engine: each answer holds exactly its own
/// documents (ids, statuses, events), and the store ends with all of them.
#[test]
fn concurrent_ingests_share_the_engine_and_each_gets_its_own_results() {
    let dir = tempfile::tempdir().unwrap();
    let config = server::Config {
        allow_ingest: true,
        token: Some(TOKEN.into()),
        ..server::Config::default()
    };
    let s = start(dir.path(), config);
    let addr = s.addr;
    let places = ["Kazan", "Lima", "Oslo", "Nairobi"];
    let clients: Vec<_> = (0..4)
        .map(|c| {
            std::thread::spawn(move || {
                let auth = format!("Bearer {TOKEN}");
                let mut mine = Vec::new();
                for r in 0..3 {
                    // One request of one document, then JSON Lines of two plus a bad line.
                    let ids: Vec<String> = (0..=r.min(1))
                        .map(|k| format!("client{c}-req{r}-doc{k}"))
                        .collect();
                    let mut body = String::new();
                    for (k, id) in ids.iter().enumerate() {
                        let place = places[(c + k) % places.len()];
                        let line = serde_json::json!({
                            "id": id,
                            "title": format!("Report {id} from {place}"),
                            "published": format!("2024-0{}-1{}", c + 1, r),
                            "text": format!(
                                "Officials in {place} announced {} new measures on Monday. The plan of client {c} covers {} districts. Request {r} gives document {k} its own words.",
                                10 + c * 3 + r, 5 + k
                            ),
                        });
                        body.push_str(&line.to_string());
                        body.push('\n');
                    }
                    if r == 2 {
                        body.push_str("not json\n");
                    }
                    let reply = request(
                        addr,
                        "POST",
                        "/api/ingest",
                        &[("Authorization", &auth)],
                        body.as_bytes(),
                    );
                    assert_eq!(reply.status, 200, "{}", reply.body);
                    let v = reply.json();
                    let results = v["results"].as_array().unwrap();
                    let got: Vec<&str> = results
                        .iter()
                        .filter(|x| x["status"] == "ingested")
                        .map(|x| x["id"].as_str().unwrap())
                        .collect();
                    assert_eq!(got, ids, "client {c} request {r}: {v}");
                    assert_eq!(v["ingested"], ids.len());
                    assert!(results
                        .iter()
                        .filter(|x| x["status"] == "ingested")
                        .all(|x| x["event"].is_string()));
                    assert_eq!(v["failed"], usize::from(r == 2), "{v}");
                    mine.extend(ids);
                }
                mine
            })
        })
        .collect();
    let mut all: Vec<String> = clients
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    all.sort();
    assert_eq!(all.len(), 4 * 5);
    assert_eq!(get(addr, "/api/status").json()["documents"], all.len());
    let store = SqliteStore::open(dir.path()).unwrap();
    for id in &all {
        let d = store.document(id).unwrap();
        assert!(d.is_some_and(|d| d.event.is_some()), "{id} is stored");
    }
}

/// The server's ingest takes the store's ingest lock per batch, not for its lifetime: while
/// another ingest holds it, a posted document waits (and is not stored); once it is released,
/// the post completes, and between posts another ingest can take the lock at once.
#[test]
fn the_server_takes_the_ingest_lock_per_batch_not_for_its_lifetime() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().to_str().unwrap().to_string();
    let config = server::Config {
        allow_ingest: true,
        token: Some(TOKEN.into()),
        ingest_lock: Some(spec.clone()),
        ..server::Config::default()
    };
    let s = start(dir.path(), config);
    let addr = s.addr;
    let post = move |id: &str| {
        let body = serde_json::json!({
            "id": id,
            "title": format!("Harbour {id} reopens"),
            "text": format!("The harbour of {id} reopened on Friday after repairs that lasted three weeks. Ships were waiting outside."),
        });
        let auth = format!("Bearer {TOKEN}");
        request(
            addr,
            "POST",
            "/api/ingest",
            &[("Authorization", &auth)],
            body.to_string().as_bytes(),
        )
    };
    assert_eq!(post("first").status, 200);
    // Between posts the lock is free: another ingest takes it without waiting.
    let held =
        store::IngestLock::acquire(&spec, || panic!("the server holds the ingest lock")).unwrap();
    let waiting = std::thread::spawn(move || post("second"));
    std::thread::sleep(std::time::Duration::from_millis(500));
    let store = SqliteStore::open(dir.path()).unwrap();
    assert!(
        store.document("second").unwrap().is_none(),
        "committed while another ingest held the lock"
    );
    drop(held);
    let r = waiting.join().unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(store.document("second").unwrap().is_some());
}

/// The sources page and `/api/sources` show what a watch wrote in the store's watch tables:
/// each source with its last fetch, status, error, next poll and counts, and the hosts whose
/// pages failed; hostile text in them is escaped. A store no watch ran on shows none.
#[test]
fn the_sources_page_shows_the_watched_sources_and_their_health() {
    let dir = tempfile::tempdir().unwrap();
    drop(SqliteStore::open(dir.path()).unwrap());
    let empty = start(dir.path(), server::Config::default());
    let r = get(empty.addr, "/api/sources");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), serde_json::json!({"sources": [], "hosts": []}));
    let page = get(empty.addr, "/sources");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("No watched sources"), "{}", page.body);
    drop(empty);

    let spec = dir.path().to_str().unwrap();
    let mut state = store::open_watch_state(spec).unwrap();
    state
        .put_source(&store::SourceState {
            source: "http://news.example/feed.xml".into(),
            kind: "feed".into(),
            last_fetch: Some(1_715_846_400),
            next_poll: Some(1_715_847_300),
            interval_secs: 900,
            last_status: Some("ok".into()),
            fetches: 3,
            new_items: 12,
            ..store::SourceState::default()
        })
        .unwrap();
    state
        .put_source(&store::SourceState {
            source: "http://broken.example/<script>alert(1)</script>".into(),
            kind: "sitemap".into(),
            last_fetch: Some(1_715_846_400),
            interval_secs: 1800,
            last_status: Some("error".into()),
            last_error: Some("HTTP 503 <b>down</b>".into()),
            fetches: 2,
            errors: 2,
            ..store::SourceState::default()
        })
        .unwrap();
    for (url, status, error, at) in [
        ("http://news.example/a", "stored", None, 1_715_846_400),
        (
            "http://news.example/b",
            "gone",
            Some("HTTP 404"),
            1_715_846_401,
        ),
        (
            "http://news.example/c",
            "failed",
            Some("timed out"),
            1_715_846_402,
        ),
        (
            "http://other.example:8080/x",
            "disallowed",
            Some("robots.txt"),
            1_715_846_403,
        ),
    ] {
        state
            .put_url(&store::UrlState {
                url: url.into(),
                status: status.into(),
                error: error.map(str::to_string),
                fetched_at: Some(at),
                ..store::UrlState::default()
            })
            .unwrap();
    }
    drop(state);

    let running = start(dir.path(), server::Config::default());
    let r = get(running.addr, "/api/sources");
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    let sources = v["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 2);
    let feed = &sources[1];
    assert_eq!(feed["source"], "http://news.example/feed.xml");
    assert_eq!(feed["kind"], "feed");
    assert_eq!(feed["last_fetch"], "2024-05-16T08:00:00Z");
    assert_eq!(feed["next_poll"], "2024-05-16T08:15:00Z");
    assert_eq!(feed["last_status"], "ok");
    assert_eq!(feed["last_error"], Value::Null);
    assert_eq!(feed["new_articles"], 12);
    assert_eq!(feed["fetches"], 3);
    assert_eq!(sources[0]["last_status"], "error");
    assert_eq!(sources[0]["errors"], 2);
    assert_eq!(
        v["hosts"],
        serde_json::json!([
            {"host": "news.example", "pages_with_errors": 2,
             "last_error": "http://news.example/c: timed out",
             "last_error_at": "2024-05-16T08:00:02Z"},
            {"host": "other.example:8080", "pages_with_errors": 1,
             "last_error": "http://other.example:8080/x: robots.txt",
             "last_error_at": "2024-05-16T08:00:03Z"},
        ])
    );

    let page = get(running.addr, "/sources");
    assert_eq!(page.status, 200);
    let body = &page.body;
    assert!(
        body.contains(r#"<a href="/sources">Sources</a>"#),
        "linked from the header"
    );
    for shown in [
        "http://news.example/feed.xml",
        "2024-05-16T08:15:00Z",
        "news.example",
        "http://news.example/c: timed out",
        "other.example:8080",
    ] {
        // The template engine escapes `/` too.
        let shown = shown.replace('/', "&#x2f;");
        assert!(body.contains(&shown), "{shown} not on the page:\n{body}");
    }
    assert!(!body.contains("<script>alert"), "unescaped:\n{body}");
    assert!(body.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    assert!(body.contains("HTTP 503 &lt;b&gt;down&lt;&#x2f;b&gt;"));
    assert!(!body.contains("<script"), "a page without scripts");
}

/// A store built through the store API: one event reported by two outlets in two languages
/// (a translation pair from Outlet Alpha, an English report from Outlet Beta that gives
/// another death toll), claims stored least-backed first, and a second storyline.
fn store_for_the_event_view(dir: &Path) {
    let mut store = SqliteStore::open(dir).unwrap();
    let docs: [(&str, &str, &str, &str, Option<&str>); 3] = [
        (
            "quake-en-alpha",
            "Outlet Alpha",
            "en",
            "An earthquake struck the coast on Thursday. Officials said 12 people died.",
            None,
        ),
        (
            "quake/zh-alpha",
            "Outlet Alpha",
            "zh-Hans",
            "周四海岸发生地震。官员说有12人死亡。",
            Some("quake-en-alpha"),
        ),
        (
            "quake-en-beta",
            "Outlet Beta",
            "en",
            "A strong earthquake hit the coast. Rescuers said 15 people died.",
            None,
        ),
    ];
    let days = [
        "2024-05-16T08:00:00Z",
        "2024-05-17T09:00:00Z",
        "2024-05-17T10:00:00Z",
    ];
    let mut ids: Vec<String> = Vec::new();
    for (i, (id, outlet, lang, text, translation_of)) in docs.iter().enumerate() {
        let mut d = store::suite::doc(id, text);
        d.article.outlet = Some(outlet.to_string());
        d.article.published = Some(days[i].into());
        d.article.segments[0].lang = lang.to_string();
        d.event = Some("ev-quake".into());
        d.translation_of = translation_of.map(String::from);
        ids.push(id.to_string());
        let mut c = store::Commit::document_only(d);
        c.event = Some(store::EventState {
            event: model::Event {
                id: "ev-quake".into(),
                title: "Earthquake on the coast".into(),
                start: Some("2024-05-16".into()),
                end: Some("2024-05-17".into()),
                place: Some("Coast Town".into()),
                storyline: Some("sl-quake".into()),
                documents: ids.clone(),
            },
            state: Vec::new(),
        });
        // The places each names (a hostile name among them).
        let place = |eid: &str, name: &str| model::Entity {
            id: eid.into(),
            kind: model::EntityKind::Place,
            name: name.into(),
            aliases: Default::default(),
            documents: vec![id.to_string()],
        };
        c.entities = match i {
            0 => vec![
                place("china", "China"),
                place("beijing", "Beijing"),
                place("coast-town", "Coast <i>Town</i>"),
            ],
            2 => vec![
                place("russia", "Russia"),
                place("coast-town", "Coast <i>Town</i>"),
            ],
            _ => Vec::new(),
        };
        let toll = if *outlet == "Outlet Beta" { 15.0 } else { 12.0 };
        c.facts = vec![model::Fact {
            document: id.to_string(),
            value: toll,
            unit: Some("people".into()),
            text: text.to_string(),
            subject: Some("dead".into()),
        }];
        if i == 0 {
            c.quotes = vec![model::Quote {
                document: id.to_string(),
                speaker: Some("A Coast Official".into()),
                text: "The rescue goes on through the night.".into(),
                via: None,
                direct: true,
            }];
        }
        if i == 2 {
            c.claims = Some((
                "ev-quake".into(),
                vec![
                    model::Claim {
                        event: "ev-quake".into(),
                        text: "Rescuers worked through the night.".into(),
                        sources: vec!["quake-en-beta".into()],
                        outlets: vec!["Outlet Beta".into()],
                        single_source: true,
                        disagreement: Vec::new(),
                        independent_sources: 1,
                        evidence: Vec::new(),
                    },
                    model::Claim {
                        event: "ev-quake".into(),
                        text: "An earthquake struck the coast.".into(),
                        sources: vec!["quake-en-alpha".into(), "quake-en-beta".into()],
                        outlets: vec!["Outlet Alpha".into(), "Outlet Beta".into()],
                        single_source: false,
                        disagreement: Vec::new(),
                        independent_sources: 2,
                        evidence: Vec::new(),
                    },
                ],
            ));
        }
        store.commit(&c).unwrap();
    }
    let mut d = store::suite::doc("other-1", "A separate story about a harbour.");
    d.article.published = Some("2024-06-01".into());
    d.event = Some("ev-other".into());
    let mut c = store::Commit::document_only(d);
    c.event = Some(store::EventState {
        event: model::Event {
            id: "ev-other".into(),
            title: "Harbour story".into(),
            start: Some("2024-06-01".into()),
            end: Some("2024-06-01".into()),
            storyline: Some("sl-harbour".into()),
            documents: vec!["other-1".into()],
            ..model::Event::default()
        },
        state: Vec::new(),
    });
    store.commit(&c).unwrap();
}

/// Every `<svg>…</svg>` in `page`, each checked to be well-formed XML.
fn svgs(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find("<svg") {
        let end = rest[at..].find("</svg>").expect("an unclosed <svg>") + at + "</svg>".len();
        let svg = &rest[at..end];
        let mut r = quick_xml::Reader::from_str(svg);
        loop {
            match r.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("SVG is not well-formed XML ({e}): {svg}"),
            }
        }
        out.push(svg.to_string());
        rest = &rest[end..];
    }
    out
}

#[test]
fn event_page_summarises_orders_claims_and_sets_figures_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    store_for_the_event_view(dir.path());
    let run = start(dir.path(), server::Config::default());
    let addr = run.addr;

    // The API: the translation pair counts once; coverage per day and language.
    let ev = get(addr, "/api/events/ev-quake");
    assert_eq!(ev.status, 200, "{}", ev.body);
    strict_json(&ev.body).unwrap();
    let ev = ev.json();
    assert_eq!(ev["document_count"], 3);
    assert_eq!(ev["independent_sources"], 2, "{ev}");
    let cov = ev["coverage_by_language"].as_array().unwrap();
    let n = |day: &str, lang: &str| {
        cov.iter()
            .find(|c| c["day"] == day && c["language"] == lang)
            .map_or(0, |c| c["documents"].as_u64().unwrap())
    };
    assert_eq!(
        (
            n("2024-05-16", "en"),
            n("2024-05-17", "en"),
            n("2024-05-17", "zh-Hans")
        ),
        (1, 1, 1),
        "{cov:?}"
    );
    // Claims: the two-outlet claim first though stored second.
    let claims = ev["claims"].as_array().unwrap();
    assert_eq!(claims[0]["text"], "An earthquake struck the coast.");
    assert_eq!(claims[1]["single_source"], true);
    // Key figures: 12 (two documents) before 15 (one).
    assert_eq!(ev["key_figures"][0]["value"], 12.0, "{}", ev["key_figures"]);
    assert_eq!(ev["key_figures"][0]["sources"].as_array().unwrap().len(), 2);

    // The page: the summary box comes first, with the same numbers.
    let page = get(addr, "/events/ev-quake");
    assert_eq!(page.status, 200);
    let body = &page.body;
    let summary = body.find("class=\"summary-box\"").expect("a summary box");
    for later in ["id=\"coverage\"", "id=\"claims\"", "id=\"documents\""] {
        assert!(
            body.find(later).unwrap() > summary,
            "{later} before the summary"
        );
    }
    assert!(body.contains("<span class=\"num\" id=\"reports\">3</span>"));
    assert!(body.contains("<span class=\"num\" id=\"independent\">2</span>"));
    assert!(body.contains("<span class=\"num\" id=\"outlet-count\">2</span>"));
    assert!(body.contains("<span class=\"num\" id=\"language-count\">2</span>"));
    assert!(body.contains("Coast Town") && body.contains("2024-05-16 – 2024-05-17"));
    // The coverage chart: well-formed SVG with a title and a description, three bars, and the
    // numbers as a table too.
    let charts: Vec<String> = svgs(body)
        .into_iter()
        .filter(|s| s.contains("coverage-chart"))
        .collect();
    assert_eq!(charts.len(), 1);
    let chart = &charts[0];
    assert!(chart.contains("<title id=") && chart.contains("<desc id="));
    assert!(chart.contains("role=\"img\""));
    assert_eq!(chart.matches("<rect").count(), 3, "{chart}");
    assert!(body.contains("<th>zh-Hans</th>"));
    // Claims by backing, the single-source one marked.
    let backed = body.find("An earthquake struck the coast.").unwrap();
    let single = body.find("Rescuers worked through the night.").unwrap();
    assert!(backed < single, "claims are not ordered by backing");
    assert!(body[single..].contains("single source"));
    // The disagreement panel: both tolls side by side, with their outlets.
    let panel = &body[body
        .find("class=\"disagreement-panel\"")
        .expect("a disagreement panel")..];
    let table = &panel[..panel.find("</table>").unwrap()];
    assert!(
        table.contains(">12 people<") && table.contains(">15 people<"),
        "{table}"
    );
    assert!(table.contains("Outlet Alpha") && table.contains("Outlet Beta"));

    // The document page: its translation link (the `/` in the id encoded), figures and quotes.
    let doc = get(addr, &format!("/documents/{}", enc("quake/zh-alpha")));
    assert_eq!(doc.status, 200, "{}", doc.body);
    assert!(doc.body.contains("Translation of"));
    assert!(doc
        .body
        .contains("<a href=\"/documents/quake-en-alpha\">quake-en-alpha</a>"));
    assert!(doc.body.contains("id=\"facts\"") && doc.body.contains(">12 people<"));
    let doc = get(addr, "/documents/quake-en-alpha");
    assert!(doc.body.contains("id=\"quotes\""));
    assert!(doc.body.contains("The rescue goes on through the night."));
    let api = get(addr, &format!("/api/documents/{}", enc("quake/zh-alpha"))).json();
    assert_eq!(api["translation_of"], "quake-en-alpha");
    assert!(api["capture_of"].is_null());

    // The timeline: newest first by default, oldest first on request; cards with outlet and
    // language counts and a sparkline.
    let tl = get(addr, "/").body;
    assert!(tl.find("Harbour story").unwrap() < tl.find("Earthquake on the coast").unwrap());
    assert!(tl.contains("2 outlets") && tl.contains("2 languages"));
    assert!(svgs(&tl).iter().any(|s| s.contains("class=\"spark\"")));
    assert!(tl.contains("order=oldest"));
    let tl = get(addr, "/?order=oldest").body;
    assert!(tl.find("Harbour story").unwrap() > tl.find("Earthquake on the coast").unwrap());
    let api = get(addr, "/api/events").json();
    assert_eq!(api["items"][0]["id"], "ev-other");
    assert_eq!(api["items"][1]["coverage"][1]["documents"], 2);
    assert_eq!(get(addr, "/api/events?order=sideways").status, 400);
    for bad in ["order=", "kind=%09", "from=", "to=%202024-05-16"] {
        let path = if bad.starts_with("kind") {
            "/api/entities"
        } else {
            "/api/events"
        };
        let r = get(addr, &format!("{path}?{bad}"));
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        assert!(
            r.json()["message"].as_str().unwrap().contains('`'),
            "{}",
            r.body
        );
    }
    assert_eq!(get(addr, "/?from=&to=&order=").status, 200);

    // /api/storylines pages, with the total.
    let all = get(addr, "/api/storylines").json();
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    assert_eq!(all["total"], 2);
    let one = get(addr, "/api/storylines?limit=1").json();
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        (one["total"].clone(), one["limit"].clone()),
        (2.into(), 1.into())
    );
    let second = get(addr, "/api/storylines?limit=1&offset=1").json();
    assert_ne!(one["items"][0]["id"], second["items"][0]["id"]);
    // An offset too large for the machine is past the end, not an error.
    let far = get(addr, "/api/storylines?offset=89487336043871515680111067136");
    assert_eq!(far.status, 200, "{}", far.body);
    assert_eq!(far.json()["items"].as_array().unwrap().len(), 0);
    // Under /api a typed parameter is given as its type: not empty, no spaces around (the
    // pages' forms send empty fields, which the pages take as unset).
    for bad in ["limit=-1", "offset=x", "limit=1.5", "limit=", "offset=%201"] {
        let r = get(addr, &format!("/api/storylines?{bad}"));
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        assert_eq!(r.json()["code"], "bad_request");
    }
}

/// A two-country atlas (China and Russia as squares) with Beijing in China.
fn small_atlas() -> server::Atlas {
    let topo = r#"{"type":"Topology","arcs":[[[100,20],[110,20],[110,30],[100,30],[100,20]],[[110,40],[130,40],[130,60],[110,60],[110,40]]],
        "objects":{"countries":{"type":"GeometryCollection","geometries":[
          {"type":"Polygon","arcs":[[0]],"id":"156","properties":{"name":"China"}},
          {"type":"Polygon","arcs":[[1]],"id":"643","properties":{"name":"Russia"}}]}}}"#;
    let iso = r#"{"3166-1":[{"alpha_2":"CN","numeric":"156","name":"China"},
        {"alpha_2":"RU","numeric":"643","name":"Russian Federation"}]}"#;
    let cities = vec![(
        "Beijing".to_string(),
        25.0,
        105.0,
        "CN".to_string(),
        1_000_000,
    )];
    server::Atlas::from_parts(topo, iso, &cities).unwrap()
}

fn start_with_atlas(dir: &Path, atlas: server::Atlas) -> Running {
    start_app(dir, server::Config::default(), Some(atlas))
}

#[test]
fn search_facets_filter_count_and_mark_and_group_by_event() {
    let dir = tempfile::tempdir().unwrap();
    store_for_the_event_view(dir.path());
    let run = start(dir.path(), server::Config::default());
    let addr = run.addr;

    let r = get(addr, "/api/search?q=earthquake");
    assert_eq!(r.status, 200, "{}", r.body);
    strict_json(&r.body).unwrap();
    let r = r.json();
    assert_eq!(r["total"], 2, "{r}");
    let langs = r["facets"]["languages"].as_array().unwrap();
    assert_eq!(langs[0]["value"], "en");
    assert_eq!(langs[0]["count"], 2);
    let outlets: Vec<&str> = r["facets"]["outlets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["value"].as_str().unwrap())
        .collect();
    assert!(outlets.contains(&"Outlet Alpha") && outlets.contains(&"Outlet Beta"));
    let dates = r["facets"]["dates"].as_array().unwrap();
    assert_eq!(dates[0]["label"], "2024-05-16", "{dates:?}");
    assert_eq!(r["facets"]["events"][0]["id"], "ev-quake");
    assert_eq!(r["facets"]["events"][0]["count"], 2);
    // Each snippet comes in pieces, the query's word marked (any case, any inflection).
    for h in r["hits"].as_array().unwrap() {
        let spans = h["snippet_spans"].as_array().unwrap();
        let joined: String = spans.iter().map(|s| s["text"].as_str().unwrap()).collect();
        assert_eq!(joined, h["snippet"].as_str().unwrap());
        assert!(
            spans.iter().any(|s| s["matched"] == true
                && s["text"]
                    .as_str()
                    .unwrap()
                    .eq_ignore_ascii_case("earthquake")),
            "{spans:?}"
        );
    }

    // Filters narrow the hits and the total; each facet still offers its other values.
    let beta = get(addr, "/api/search?q=earthquake&outlet=outlet%20beta").json();
    assert_eq!(beta["total"], 1, "{beta}");
    assert_eq!(beta["hits"][0]["document"], "quake-en-beta");
    assert_eq!(beta["facets"]["outlets"].as_array().unwrap().len(), 2);
    let day = get(
        addr,
        "/api/search?q=earthquake&from=2024-05-17&to=2024-05-17",
    )
    .json();
    assert_eq!(day["total"], 1);
    assert_eq!(
        get(addr, "/api/search?q=earthquake&lang=ru").json()["total"],
        0
    );
    for bad in ["from=notadate", "to=2024-13-01", "from="] {
        let r = get(addr, &format!("/api/search?q=earthquake&{bad}"));
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        assert_eq!(r.json()["code"], "bad_request");
    }

    // The page: hits grouped under their event, facets as links the page accepts back, the
    // matches marked.
    let page = get(addr, "/search?q=earthquake");
    assert_eq!(page.status, 200);
    let body = &page.body;
    assert!(body.contains("<span id=\"total\">2</span>"), "{body}");
    assert!(body.contains("class=\"group-title\"") && body.contains("Earthquake on the coast"));
    assert!(body.contains("<mark>earthquake</mark>") || body.contains("<mark>Earthquake</mark>"));
    for facet in ["facet-lang", "facet-outlet", "facet-date"] {
        assert!(body.contains(&format!("id=\"{facet}\"")), "no {facet}");
    }
    assert!(body.contains("href=\"/search?q=earthquake&amp;outlet=Outlet%20Beta\""));
    assert!(svgs(body).iter().any(|s| s.contains("date-facet")));
    let narrowed = get(addr, "/search?q=earthquake&outlet=Outlet%20Beta&from=&to=");
    assert_eq!(narrowed.status, 200);
    assert!(narrowed.body.contains("<span id=\"total\">1</span>"));
    assert!(narrowed.body.contains("class=\"on\""));
}

#[test]
fn timeline_volume_zooms_and_event_page_draws_outlet_bars_and_the_map() {
    let dir = tempfile::tempdir().unwrap();
    store_for_the_event_view(dir.path());
    let run = start_with_atlas(dir.path(), small_atlas());
    let addr = run.addr;

    // The timeline's coverage volume: bars per day over the dated documents, each a link
    // narrowing the timeline to its day; zoomed in, a way back out.
    let tl = get(addr, "/").body;
    let volume: Vec<String> = svgs(&tl)
        .into_iter()
        .filter(|s| s.contains("volume-chart"))
        .collect();
    assert_eq!(volume.len(), 1, "{tl}");
    assert!(
        volume[0].contains("<a href=\"/?from=2024-05-17&amp;to=2024-05-17\">"),
        "{}",
        volume[0]
    );
    assert!(volume[0].matches("<rect").count() >= 3);
    let zoomed = get(addr, "/?from=2024-05-17&to=2024-05-17").body;
    assert!(zoomed.contains("zoom out") && zoomed.contains("Earthquake on the coast"));
    assert!(!zoomed.contains("Harbour story"));

    // The event API: outlets × languages and the places, located.
    let ev = get(addr, "/api/events/ev-quake").json();
    let by_outlet = ev["coverage_by_outlet"].as_array().unwrap();
    assert_eq!(by_outlet[0]["outlet"], "Outlet Alpha");
    assert_eq!(by_outlet.len(), 3, "{by_outlet:?}");
    let places = ev["places"].as_array().unwrap();
    let place = |id: &str| places.iter().find(|p| p["entity"] == id).unwrap();
    assert_eq!(place("china")["country"], "CN");
    assert_eq!(place("beijing")["latitude"], 25.0);
    assert!(place("coast-town")["country"].is_null());

    // The page: bars per outlet cut by language, and the map with the named country filled
    // and the city as a dot; names escaped.
    let body = get(addr, "/events/ev-quake").body;
    let all = svgs(&body);
    let bars = all
        .iter()
        .find(|s| s.contains("outlet-bars"))
        .expect("outlet bars");
    assert_eq!(bars.matches("<rect").count(), 3, "{bars}");
    let map = all
        .iter()
        .find(|s| s.contains("class=\"map\""))
        .expect("a map");
    assert!(map.contains("<path") && map.contains("#0072B2"), "{map}");
    assert_eq!(map.matches("<circle").count(), 1);
    assert!(map.contains("Beijing"));
    assert!(
        body.contains("Coast &lt;i&gt;Town&lt;/i&gt;") && !body.contains("<i>"),
        "a place name is not escaped"
    );

    // Without an atlas the page still lists the places, and says the map is off.
    drop(run);
    let run = start(dir.path(), server::Config::default());
    let body = get(run.addr, "/events/ev-quake").body;
    assert!(body.contains("The map is not available"));
    assert!(body.contains("Coast &lt;i&gt;Town"));
}

/// The event page's title is in the reader's language (`Accept-Language`) where one of the
/// event's documents is written in it; otherwise the event's own title.
#[test]
fn the_event_title_is_in_the_readers_language_where_a_version_exists() {
    let dir = tempfile::tempdir().unwrap();
    store_with_seeds(dir.path());
    let s = start(dir.path(), server::Config::default());
    let addr = s.addr;
    let events = get(addr, "/api/events?limit=100").json();
    // An event with documents in two languages, and a titled document in one that is not the
    // language of the event's title.
    let mut found = None;
    for e in events["items"].as_array().unwrap() {
        let id = e["id"].as_str().unwrap();
        let ev = get(addr, &format!("/api/events/{}", enc(id))).json();
        let title = ev["title"].as_str().unwrap().to_string();
        for d in ev["documents"].as_array().unwrap() {
            let (Some(t), Some(l)) = (d["title"].as_str(), d["languages"][0].as_str()) else {
                continue;
            };
            if t.trim() != title.trim() && !t.trim().is_empty() {
                found = Some((
                    id.to_string(),
                    title.clone(),
                    t.trim().to_string(),
                    l.to_string(),
                ));
                break;
            }
        }
        if found.is_some() {
            break;
        }
    }
    let (id, event_title, doc_title, lang) = found.expect("the seeds hold a multilingual event");
    let base = lang.split('-').next().unwrap();
    let path = format!("/events/{}", enc(&id));
    let accept = format!("xx;q=0, {base}-XX;q=0.9, *;q=0.1");
    let r = request(addr, "GET", &path, &[("Accept-Language", &accept)], b"");
    assert_eq!(r.status, 200);
    assert!(
        r.headers.to_lowercase().contains("accept-language"),
        "{}",
        r.headers
    );
    let h1 = r
        .body
        .split("<h1")
        .nth(1)
        .unwrap()
        .split("</h1>")
        .next()
        .unwrap();
    assert!(h1.contains(&format!("lang=\"{lang}\"")), "{h1}");
    let first_word = doc_title.split_whitespace().next().unwrap();
    assert!(h1.contains(first_word), "{h1} / {doc_title}");
    assert!(r.body.contains("class=\"original-title\""));
    // Without the header: the event's own title, no second line.
    let r = get(addr, &path);
    let h1 = r
        .body
        .split("<h1")
        .nth(1)
        .unwrap()
        .split("</h1>")
        .next()
        .unwrap();
    let first_word = event_title.split_whitespace().next().unwrap();
    assert!(h1.contains(first_word), "{h1} / {event_title}");
    assert!(!r.body.contains("class=\"original-title\""));
}

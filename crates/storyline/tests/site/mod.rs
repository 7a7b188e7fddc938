//! A small news site on 127.0.0.1 for the `watch` tests: a std::net server, one thread per
//! connection, `Connection: close`, that records every request (path, time, headers) and the
//! most requests it ever had in flight at once. What it serves is a function the test gives.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A request as the site saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    pub at: Instant,
    /// Header names lowercased.
    pub headers: HashMap<String, String>,
}

/// What to answer.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Send the body in pieces of this many bytes, pausing this long between them.
    pub trickle: Option<(usize, Duration)>,
    /// Send nothing until this returns true (polled).
    pub hold: Option<Arc<dyn Fn() -> bool + Send + Sync>>,
}

impl Reply {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            trickle: None,
            hold: None,
        }
    }

    pub fn header(mut self, k: &str, v: &str) -> Reply {
        self.headers.push((k.into(), v.into()));
        self
    }
}

type Handler = dyn Fn(&Request, &[Request]) -> Reply + Send + Sync;

#[derive(Default)]
struct Log {
    requests: Vec<Request>,
    in_flight: usize,
    max_in_flight: usize,
}

pub struct Site {
    pub addr: SocketAddr,
    log: Arc<Mutex<Log>>,
}

impl Site {
    /// Start serving; `handler` gets the request and every earlier one.
    pub fn start(handler: impl Fn(&Request, &[Request]) -> Reply + Send + Sync + 'static) -> Site {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Log::default()));
        let handler: Arc<Handler> = Arc::new(handler);
        let shared = Arc::clone(&log);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (log, handler) = (Arc::clone(&shared), Arc::clone(&handler));
                std::thread::spawn(move || serve(stream, &log, &*handler));
            }
        });
        Site { addr, log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().requests.clone()
    }

    /// How many times `path` was asked for.
    pub fn hits(&self, path: &str) -> usize {
        self.requests().iter().filter(|r| r.path == path).count()
    }

    pub fn max_in_flight(&self) -> usize {
        self.log.lock().unwrap().max_in_flight
    }
}

fn serve(stream: TcpStream, log: &Mutex<Log>, handler: &Handler) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let request = Request {
        path,
        at: Instant::now(),
        headers,
    };
    let reply = {
        let mut l = log.lock().unwrap();
        l.in_flight += 1;
        l.max_in_flight = l.max_in_flight.max(l.in_flight);
        let reply = handler(&request, &l.requests);
        l.requests.push(request);
        reply
    };
    if let Some(hold) = &reply.hold {
        while !hold() {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    // The request stops counting as in flight just before its last bytes go out: the client
    // may start its next request as soon as it has them, before this thread is back.
    let mut done = Some(|| log.lock().unwrap().in_flight -= 1);
    let _ = write_reply(stream, &reply, &mut || {
        if let Some(f) = done.take() {
            f()
        }
    });
    if let Some(f) = done.take() {
        f()
    }
}

/// Write `r`; `last` runs just before the body's last piece is written.
fn write_reply(mut stream: TcpStream, r: &Reply, last: &mut dyn FnMut()) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} X\r\n", r.status);
    for (k, v) in &r.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        r.body.len()
    ));
    stream.write_all(head.as_bytes())?;
    let (n, pause) = r.trickle.unwrap_or((r.body.len(), Duration::ZERO));
    let pieces: Vec<&[u8]> = r.body.chunks(n.max(1)).collect();
    if pieces.is_empty() {
        last();
    }
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            std::thread::sleep(pause);
            if client_gone(&stream) {
                return Ok(());
            }
        }
        if i + 1 == pieces.len() {
            last();
        }
        stream.write_all(piece)?;
        stream.flush()?;
    }
    Ok(())
}

/// An article page: a headline and paragraphs of text made from `seed` (distinct per seed), with
/// an optional canonical link.
pub fn article(seed: &str, canonical: Option<&str>) -> String {
    let link = canonical
        .map(|c| format!("<link rel=\"canonical\" href=\"{c}\">"))
        .unwrap_or_default();
    let paragraphs: String = (1..=4)
        .map(|i| {
            format!(
                "<p>The council of {seed} met on day {i} to discuss the {seed} bridge repairs. \
                 Officials in {seed} said that work on section {i} would cost {i}00 thousand \
                 dollars and take {i} months, according to the {seed} transport office.</p>\n"
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{seed} bridge repairs</title>\
         {link}</head><body><article><h1>{seed} bridge repairs</h1>\n{paragraphs}</article>\
         </body></html>"
    )
}

/// Whether the client closed the connection (it sent its whole request, so anything readable
/// now is the end of the stream).
fn client_gone(stream: &TcpStream) -> bool {
    let _ = stream.set_nonblocking(true);
    let gone = match stream.peek(&mut [0u8; 1]) {
        Ok(n) => n == 0,
        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
    };
    let _ = stream.set_nonblocking(false);
    gone
}

#!/usr/bin/env bash
# Load test (not a unit test): `storyline serve` on 127.0.0.1 under wrk, 200 connections for
# DURATION seconds on the search and event endpoints, while an `ingest` of more documents runs
# against the same store. Prints requests/s, p50/p99 latency and the error count (non-2xx
# answers plus socket errors); exits non-zero when that count is not zero or the ingest failed.
#
#   scripts/load-test.sh [DURATION_SECONDS] [CONNECTIONS]     (default 60, 200)
#
# The store: examples/seeds plus the first half of every ../shared/eval/clustering/*/docs.jsonl
# (EVAL_DIR to point elsewhere); the second half is ingested during the load. Without the eval
# sets the script says so and stops. STORYLINE_BIN: an already built binary (else a release
# build). SERVE_ARGS: extra `serve` options (e.g. --no-semantic). LOAD_DIR: work directory.
# wrk (Debian package `wrk`) is installed with apt-get when missing (root only).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-60}
CONNECTIONS=${2:-200}
EVAL_DIR=${EVAL_DIR:-../shared/eval}
TARGET=${CARGO_TARGET_DIR:-target}
say() { echo "load-test: $*" >&2; }

sets=()
for f in "$EVAL_DIR"/clustering/*/docs.jsonl; do
    [ -f "$f" ] && sets+=("$f")
done
if [ "${#sets[@]}" -eq 0 ]; then
    say "no eval clustering sets found under $EVAL_DIR/clustering/*/docs.jsonl (set EVAL_DIR); the load test needs them"
    exit 2
fi
if ! command -v wrk >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then
        say "installing wrk with apt-get"
        apt-get install -y -q wrk >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
    else
        say "wrk is missing and we are not root: install the Debian package wrk"
        exit 2
    fi
fi
if [ -n "${STORYLINE_BIN:-}" ]; then
    BIN="$(realpath "$STORYLINE_BIN")"
else
    cargo build --release --quiet --locked -p storyline --bin storyline
    BIN="$(realpath "$TARGET/release/storyline")"
fi

WORK=${LOAD_DIR:-$(mktemp -d)}
mkdir -p "$WORK"
DB="$WORK/db"
SERVER_PID=
INGEST_PID=
FEED_PID=
cleanup() {
    [ -n "$FEED_PID" ] && kill "$FEED_PID" 2>/dev/null || true
    [ -n "$INGEST_PID" ] && kill "$INGEST_PID" 2>/dev/null || true
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT

# Split every set: first half before the load, second half during it.
: >"$WORK/before.jsonl"
: >"$WORK/during.jsonl"
for f in "${sets[@]}"; do
    n=$(wc -l <"$f")
    head -n $((n / 2)) "$f" >>"$WORK/before.jsonl"
    tail -n +$((n / 2 + 1)) "$f" >>"$WORK/during.jsonl"
done
say "work directory $WORK; $(nproc) cores; sets: ${sets[*]}"
say "ingesting examples/seeds and $(wc -l <"$WORK/before.jsonl") documents before the load"
# A few eval documents are rejected (empty text) and named on stderr; that is not a failure here.
"$BIN" --db "$DB" ingest examples/seeds "$WORK/before.jsonl" >"$WORK/ingest-before.log" 2>&1 ||
    grep -q '^ingested ' "$WORK/ingest-before.log" || { cat "$WORK/ingest-before.log" >&2; exit 1; }
grep '^ingested ' "$WORK/ingest-before.log" | sed 's/^/  /' >&2

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
# shellcheck disable=SC2086
"$BIN" --db "$DB" serve --addr "127.0.0.1:$PORT" ${SERVE_ARGS:-} >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
    curl -fs "$URL/api/status" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; say "the server exited"; exit 1; }
    sleep 0.5
done
curl -fs "$URL/api/status" >/dev/null || { say "the server did not answer on $URL"; exit 1; }

# Requests to rotate through: some event pages and searches made of words from event titles
# (plus one that matches nothing), all taken from the store itself.
curl -fs "$URL/api/events?limit=50" >"$WORK/events.json"
python3 - "$WORK/events.json" "$WORK/paths.lua" <<'PY'
import json, sys, urllib.parse
items = json.load(open(sys.argv[1]))["items"]
paths = []
for e in items[:20]:
    paths.append("/api/events/" + urllib.parse.quote(e["id"], safe=""))
words = []
for e in items:
    for w in (e.get("title") or "").split():
        w = w.strip(".,:;!?\"'()")
        if len(w) > 3 and w not in words:
            words.append(w)
queries = words[:15] + [" ".join(words[i:i + 2]) for i in range(0, min(len(words), 10), 2)]
queries.append("zzqxjv nothing matches")
for q in queries:
    paths.append("/api/search?q=" + urllib.parse.quote(q))
with open(sys.argv[2], "w") as out:
    out.write("paths = {\n")
    for p in paths:
        out.write("  %s,\n" % json.dumps(p))
    out.write("}\n")
print("load-test: %d event pages and %d searches in rotation" % (len(paths) - len(queries), len(queries)), file=sys.stderr)
PY
cat "$WORK/paths.lua" - >"$WORK/load.lua" <<'LUA'
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  bad = 0
  n = id * 7
end
function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
  end
end
function done(summary, latency, requests)
  local nb = 0
  for _, t in ipairs(threads) do
    nb = nb + t:get("bad")
  end
  local e = summary.errors
  local sock = e.connect + e.read + e.write + e.timeout
  io.write(string.format("RESULT requests=%d seconds=%.1f rps=%.1f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f non2xx=%d socket_errors=%d (connect %d read %d write %d timeout %d)\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    nb, sock, e.connect, e.read, e.write, e.timeout))
end
LUA

say "ingesting more documents during the whole load: the other halves, then numbered copies of them (new ids, an opening line added) until wrk ends"
start_docs=$(curl -fs "$URL/api/status" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("documents","?"))')
rm -f "$WORK/stop" "$WORK/feed"
mkfifo "$WORK/feed"
python3 - "$WORK/during.jsonl" "$WORK/stop" <<'PY' >"$WORK/feed" &
import json, os, sys
docs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
r = 0
try:
    while not os.path.exists(sys.argv[2]):
        for d in docs:
            if os.path.exists(sys.argv[2]):
                break
            if r:
                d = dict(d, id="%s~copy%d" % (d["id"], r))
                if d.get("text"):
                    d["text"] = "Update %d.\n\n%s" % (r, d["text"])
            sys.stdout.write(json.dumps(d, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        r += 1
except BrokenPipeError:
    pass
PY
FEED_PID=$!
( /usr/bin/time -f "ingest wall %es, peak %MKB" "$BIN" --db "$DB" ingest - <"$WORK/feed" ) >"$WORK/ingest-during.log" 2>&1 &
INGEST_PID=$!
say "wrk: $CONNECTIONS connections, ${DURATION}s, on $URL"
wrk -t "$(nproc)" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 10s --latency -s "$WORK/load.lua" "$URL" | tee "$WORK/wrk.log"
ingest_state="ran through the load"
kill -0 "$INGEST_PID" 2>/dev/null || ingest_state="ENDED BEFORE the load did"
# End of the stream: the feeder stops, the ingest reads end of input and finishes.
touch "$WORK/stop"
ingest_rc=0
wait "$FEED_PID" || true
wait "$INGEST_PID" || ingest_rc=$?
INGEST_PID=
# Documents rejected for their content (named on stderr, with their line) are not an ingest
# failure; any other error is.
if [ "$ingest_rc" -ne 0 ] && grep -q '^ingested ' "$WORK/ingest-during.log" &&
    ! grep '^storyline: ' "$WORK/ingest-during.log" | grep -vq '^storyline: <stdin>:[0-9]*: article '; then
    ingest_rc=0
fi
end_docs=$(curl -fs "$URL/api/status" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("documents","?"))')
tail -n 3 "$WORK/ingest-during.log" | sed 's/^/  ingest: /'
result=$(grep '^RESULT' "$WORK/wrk.log")
errors=$(echo "$result" | sed -n 's/.*non2xx=\([0-9]*\) socket_errors=\([0-9]*\).*/\1 \2/p')
total=$(( ${errors% *} + ${errors#* } ))
echo "load-test summary: ${result#RESULT }"
echo "load-test summary: documents $start_docs -> $end_docs; ingest $ingest_state; exit $ingest_rc"
echo "load-test summary: errors (non-2xx + socket) = $total"
if [ "$total" -ne 0 ] || [ "$ingest_rc" -ne 0 ]; then
    exit 1
fi

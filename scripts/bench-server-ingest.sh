#!/usr/bin/env bash
# Server ingest cost against store size (a benchmark, not a test; issue 20's "server ingest"):
# builds a store of SMALL documents and one of BIG documents with `storyline ingest`, starts
# `storyline serve --allow-ingest` on 127.0.0.1 on a copy of each, posts the same POSTS single
# documents to each, one at a time, and prints the mean and median seconds per posted document
# (as the client sees them) for both stores and their ratio (BIG / SMALL). Target: ratio ≤ 2.
#
#   scripts/bench-server-ingest.sh [SMALL] [BIG] [POSTS]      (default: 100 20000 40)
#
# The articles: the clustering eval sets' (EVAL_DIR, default ../shared/eval/clustering) repeated
# as scripts/bench-ingest.sh does (a new id, a publication date 120 days after the previous
# copy's and a numbered opening line per copy, so each copy is new content); without the eval
# sets, synthetic multi-sentence articles. The posted documents are further copies, under ids of
# their own, so they are new to both stores. The first WARMUP (default 3) posts to each server
# are not counted (the server loads its pipeline and the encoder warms up).
# Stores are kept in BENCH_DIR (default /tmp/storyline-bench-server-ingest) and reused when they
# hold the right number of documents; each run posts into a fresh copy.
# STORYLINE_BIN: an already built binary; else a release build (scripts/lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
SMALL=${1:-100}
BIG=${2:-20000}
POSTS=${3:-40}
WARMUP=${WARMUP:-3}
EVAL_DIR=${EVAL_DIR:-../shared/eval/clustering}
WORK=${BENCH_DIR:-/tmp/storyline-bench-server-ingest}
TOKEN=bench-token-0123456789abcdef
. scripts/lib.sh
BIN=$(storyline_bin)
mkdir -p "$WORK"

python3 - "$EVAL_DIR" "$WORK" "$BIG" "$((POSTS + WARMUP))" <<'PY'
import datetime, json, os, random, sys
sys.path.insert(0, "scripts")
from bench_articles import copies as bench_copies
src, work, total, posts = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
docs = []
if os.path.isdir(src):
    from bench_articles import articles
    docs = articles(src)
if not docs:
    # Synthetic articles: a few sentences about one of many stories (place, actor, figures).
    rng = random.Random(20)
    syl = ["ka", "lo", "mi", "ra", "ten", "vo", "su", "del", "an", "gri", "po", "zen"]
    word = lambda: "".join(rng.choice(syl) for _ in range(rng.randint(2, 3)))
    for s in range(400):
        place, actor = word().title(), word().title() + " " + word().title()
        topic = [word() for _ in range(12)]
        body = []
        for p in range(3):
            sents = []
            for _ in range(4):
                ws = [rng.choice(topic) for _ in range(rng.randint(8, 14))]
                sents.append("%s %s in %s, %s said, citing %d %s." % (
                    ws[0].title(), " ".join(ws[1:]), place, actor, rng.randint(2, 900), rng.choice(topic)))
            body.append(" ".join(sents))
        docs.append({"id": "story%d" % s, "title": "%s: %s %s" % (place, topic[0], topic[1]),
                     "published": "2019-%02d-%02d" % (rng.randint(1, 12), rng.randint(1, 28)),
                     "text": "\n".join(body)})

def copies(prefix, count, first_k):
    return bench_copies(docs, prefix, count, first_k)

with open(os.path.join(work, "stream.jsonl"), "w", encoding="utf-8") as f:
    for e in copies("", total, 0):
        f.write(json.dumps(e, ensure_ascii=False) + "\n")
# Posted documents: copies from far past the stream, new to both stores.
with open(os.path.join(work, "posts.jsonl"), "w", encoding="utf-8") as f:
    for e in copies("post-", posts, 10_000):
        f.write(json.dumps(e, ensure_ascii=False) + "\n")
PY

# A store of the first N documents of the stream (reused when it holds N).
build() {
  local n=$1 db="$WORK/db-$1"
  # The stream's first N documents, as built last time (a copy of stream.jsonl's head).
  if [ -f "$db.built" ] && head -n "$n" "$WORK/stream.jsonl" | cmp -s - "$db.built"; then
    echo "store of $n documents: reused ($db)" >&2
    return
  fi
  rm -rf "$db" "$db.built"
  head -n "$n" "$WORK/stream.jsonl" >"$WORK/in-$n.jsonl"
  local start end
  start=$(date +%s.%N)
  "$BIN" --db "$db" ingest "$WORK/in-$n.jsonl" >/dev/null 2>"$WORK/ingest-$n.err" || {
    echo "ingest of $n documents failed:" >&2
    tail -5 "$WORK/ingest-$n.err" >&2
    exit 1
  }
  end=$(date +%s.%N)
  mv "$WORK/in-$n.jsonl" "$db.built"
  echo "store of $n documents: built in $(python3 -c "print(f'{$end - $start:.0f}')") s ($db)" >&2
}

# Post the documents of posts.jsonl one at a time to a server on a fresh copy of store N;
# prints "MEAN MEDIAN" (seconds per posted document, warm-up excluded).
measure() {
  local n=$1 run="$WORK/run-$1"
  rm -rf "$run"
  cp -a "$WORK/db-$n" "$run"
  "$BIN" --db "$run" serve --addr 127.0.0.1:0 --allow-ingest --token "$TOKEN" \
    >"$WORK/serve-$n.out" 2>"$WORK/serve-$n.err" &
  local pid=$!
  local addr=""
  for _ in $(seq 1 600); do
    addr=$(sed -n 's|.*serving http://\([^/]*\)/.*|\1|p' "$WORK/serve-$n.out")
    [ -n "$addr" ] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "the server on store $n stopped:" >&2
      tail -5 "$WORK/serve-$n.err" >&2
      exit 1
    fi
    sleep 0.5
  done
  [ -n "$addr" ] || { kill "$pid"; echo "the server on store $n did not start" >&2; exit 1; }
  python3 - "$addr" "$TOKEN" "$WORK/posts.jsonl" "$WARMUP" <<'PY' || { kill "$pid"; exit 1; }
import http.client, json, statistics, sys, time
addr, token, path, warmup = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
host, port = addr.rsplit(":", 1)
times = []
for i, line in enumerate(open(path, encoding="utf-8")):
    c = http.client.HTTPConnection(host, int(port), timeout=600)
    t = time.perf_counter()
    c.request("POST", "/api/ingest", body=line.encode("utf-8"),
              headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    r = c.getresponse()
    body = r.read()
    dt = time.perf_counter() - t
    c.close()
    rep = json.loads(body)
    if r.status != 200 or rep.get("ingested") != 1:
        sys.exit("post %d: %d %s" % (i, r.status, body[:300]))
    if i >= warmup:
        times.append(dt)
print("%.4f %.4f" % (statistics.mean(times), statistics.median(times)))
PY
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

build "$SMALL"
build "$BIG"
read -r small_mean small_median < <(measure "$SMALL")
read -r big_mean big_median < <(measure "$BIG")
posted=$(( $(wc -l <"$WORK/posts.jsonl") - WARMUP ))
echo "posted $posted single documents, one at a time (after $WARMUP not counted), seconds per document:"
printf "  store of %6d documents: mean %s  median %s\n" "$SMALL" "$small_mean" "$small_median"
printf "  store of %6d documents: mean %s  median %s\n" "$BIG" "$big_mean" "$big_median"
python3 -c "
m = $big_mean / $small_mean; d = $big_median / $small_median
print(f'  ratio {$BIG} / {$SMALL}: mean {m:.2f}, median {d:.2f} (target: at most 2)')"

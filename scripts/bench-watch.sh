#!/usr/bin/env bash
# storyline watch on a loopback news site (a benchmark, not a test): N real articles from the
# eval sets (../shared/eval/clustering, or $EVAL_DIR; see scripts/bench_articles.py) rendered as
# HTML pages, listed by one RSS feed, served by Python's threading HTTP server on 127.0.0.1 with
# a robots.txt without Crawl-delay. Runs `storyline watch --once --delay-secs 0 --archive` into a
# fresh store, then `storyline ingest` of the archive it wrote into another fresh store, and
# prints pages/s of each: fetching is not the bottleneck when the watch's rate is close to the
# ingest's (the watch fetches while the pipeline works, so its rate is the slower of the two).
#   scripts/bench-watch.sh [N]      (default 1500; WATCH_ARGS="--per-host 4" adds watch options)
# CPU time of each command is printed too: on a busy machine it holds better than the rates.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1500}
EVAL_DIR=${EVAL_DIR:-../shared/eval/clustering}
# STORYLINE_BIN: an already built binary; else a release build (scripts/lib.sh).
. scripts/lib.sh
BIN=$(storyline_bin)
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/site/p"
python3 - "$EVAL_DIR" "$WORK/site" "$N" <<'PY'
import html, os, sys
sys.path.insert(0, "scripts")
from bench_articles import articles
src, site, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
docs = articles(src)
items = []
for i in range(n):
    d = docs[i % len(docs)]
    title = html.escape(d.get("title") or "Article %d" % i)
    # A copy beyond the first round gets a numbered opening line: new content, as in bench-ingest.
    paras = ([] if i < len(docs) else ["Report %d." % i]) + [p for p in d["text"].split("\n") if p.strip()]
    body = "\n".join("<p>%s</p>" % html.escape(p) for p in paras)
    with open(os.path.join(site, "p", "%d.html" % i), "w", encoding="utf-8") as f:
        f.write("<!DOCTYPE html><html><head><meta charset='utf-8'><title>%s</title></head>"
                "<body><article><h1>%s</h1>%s</article></body></html>" % (title, title, body))
    items.append("<item><title>%s</title><link>{BASE}/p/%d.html</link></item>" % (title, i))
with open(os.path.join(site, "feed.tmpl"), "w", encoding="utf-8") as f:
    f.write("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Bench</title>"
            + "".join(items) + "</channel></rss>")
with open(os.path.join(site, "robots.txt"), "w") as f:
    f.write("User-agent: *\nAllow: /\n")
PY
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed "s#{BASE}#http://127.0.0.1:$PORT#g" "$WORK/site/feed.tmpl" > "$WORK/site/feed.xml"
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$WORK/site" >/dev/null 2>&1 &
SERVER=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/robots.txt" >/dev/null && break; sleep 0.1; done

now() { date +%s.%N; }
# CPU seconds the loopback site has used so far (utime + stime of its process): on two cores the
# site's work is taken from the pipeline during the watch, and not during the ingest.
site_cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$SERVER/stat"; }
c0=$(site_cpu)
t0=$(now)
/usr/bin/time -f "%U %S" -o "$WORK/cpu-watch" "$BIN" --db "$WORK/db-watch" watch --once --allow-private --delay-secs 0 --contact bench@example.org ${WATCH_ARGS:-} \
  --archive "$WORK/warc" "http://127.0.0.1:$PORT/feed.xml" | head -1
t1=$(now)
c1=$(site_cpu)
/usr/bin/time -f "%U %S" -o "$WORK/cpu-ingest" "$BIN" --db "$WORK/db-ingest" ingest "$WORK/warc"
t2=$(now)
python3 - "$N" "$t0" "$t1" "$t2" "$c0" "$c1" "$WORK/cpu-watch" "$WORK/cpu-ingest" <<'PY'
import sys
n, t0, t1, t2, c0, c1 = int(sys.argv[1]), *map(float, sys.argv[2:7])
cpu = [sum(map(float, open(f).read().split()[-2:])) for f in sys.argv[7:9]]
w, i = t1 - t0, t2 - t1
print("pages: %d" % n)
print("watch --once (fetch + ingest): %.1f s, %.1f pages/s" % (w, n / w))
print("ingest of its archive alone:   %.1f s, %.1f pages/s" % (i, n / i))
print("watch / ingest rate: %.2f" % ((n / w) / (n / i)))
# CPU time (user + system, all threads) holds better than wall time on a busy machine.
print("CPU: watch %.1f s (%.2f ms/page), ingest %.1f s (%.2f ms/page), watch / ingest %.2f"
      % (cpu[0], 1000 * cpu[0] / n, cpu[1], 1000 * cpu[1] / n, cpu[0] / cpu[1]))
print("cores busy: watch %.2f, ingest %.2f" % (cpu[0] / w, cpu[1] / i))
print("the site's CPU during the watch: %.1f s (%.0f%% of one core over the watch)" % (c1 - c0, 100 * (c1 - c0) / w))
PY

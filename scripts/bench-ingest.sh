#!/usr/bin/env bash
# End-to-end ingest throughput (a benchmark, not a test). Builds a synthetic but realistic stream
# from the eval sets in ../shared/eval/clustering (or $EVAL_DIR): every article repeated with a
# new id, a publication date 120 days after the previous copy's and a numbered opening line, so
# each copy is new content. Ingests it in chunks of $CHUNK articles into one fresh store and prints, per chunk,
# articles/s and the peak resident memory of the ingest process, so the per-article cost at
# 100k stored articles can be compared with that at 10k. The machine may be shared: the CPU
# time per article (user + system, all threads) is printed too, with the rate it implies on
# this machine's cores when they are free.
#   scripts/bench-ingest.sh [TOTAL] [CHUNK]      (default: 100000 10000)
# ARTICLE_CHARS=3000-5000: articles of that length, built from related eval articles (see
# scripts/bench_articles.py); without it the eval articles as they are (~1.9k characters).
# BENCH_LANGS=16: the 16-language stream (NTREX's articles in the encoder's 16 languages, from
# ../shared/eval/multilingual or $MULTI_DIR) instead of the clustering sets (en, zh, ru).
set -euo pipefail
cd "$(dirname "$0")/.."
TOTAL=${1:-100000}
CHUNK=${2:-10000}
EVAL_DIR=${EVAL_DIR:-../shared/eval/clustering}
# STORYLINE_BIN: an already built binary; else a release build (scripts/lib.sh).
. scripts/lib.sh
BIN=$(storyline_bin)
WORK=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$WORK"
python3 - "$EVAL_DIR" "$WORK" "$TOTAL" "$CHUNK" <<'PY'
import json, sys, datetime, os
sys.path.insert(0, "scripts")
from bench_articles import articles, copies
src, work, total, chunk = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
docs = articles(src)
out = None
for n, e in enumerate(copies(docs, "", total, 0)):
    if n % chunk == 0:
        if out:
            out.close()
        out = open(os.path.join(work, "chunk-%03d.jsonl" % (n // chunk)), "w", encoding="utf-8")
    out.write(json.dumps(e, ensure_ascii=False) + "\n")
out.close()
PY
chars=$(python3 -c "import json,glob;t=[len(json.loads(l)['text']) for l in open(sorted(glob.glob('$WORK/chunk-*.jsonl'))[0])];print(sum(t)//len(t))")
echo "stream: $TOTAL articles in chunks of $CHUNK, mean $chars characters; store in $WORK/db"
stored=0
for f in "$WORK"/chunk-*.jsonl; do
  n=$(wc -l <"$f")
  start=$(date +%s.%N)
  /usr/bin/time -f "%M %U %S" -o "$WORK/rss" "$BIN" --db "$WORK/db" ingest "$f" >/dev/null 2>"$WORK/err" || true
  end=$(date +%s.%N)
  stored=$((stored + n))
  read -r rss user sys < <(tail -1 "$WORK/rss")
  cpu_ms=$(echo "scale=1; 1000 * ($user + $sys) / $n" | bc)
  echo "$stored stored: load average $(cut -d' ' -f1-3 /proc/loadavg):" \
    "$(echo "scale=1; $n / ($end - $start)" | bc) articles/s over the last $n" \
    "(CPU ${cpu_ms} ms/article: $(echo "scale=1; $(nproc) * 1000 / $cpu_ms" | bc) articles/s on $(nproc) free cores)," \
    "peak memory $((rss / 1024)) MB"
done

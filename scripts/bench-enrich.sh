#!/usr/bin/env bash
# What enrichment (entities, quotes, facts, claims) adds to end-to-end ingest time (a benchmark,
# not a test). Ingests the same articles from the eval sets in ../shared/eval/clustering (or
# $EVAL_DIR) into fresh stores with enrichment on and off (STORYLINE_ENRICH=off), alternating
# ROUNDS times, and prints each run's wall time and the ratio of the medians, in one run.
#   scripts/bench-enrich.sh [ARTICLES] [ROUNDS]      (default: 400 3)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-400}
ROUNDS=${2:-3}
EVAL_DIR=${EVAL_DIR:-../shared/eval/clustering}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet -p storyline --bin storyline
BIN="$TARGET/release/storyline"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 - "$EVAL_DIR" "$WORK/docs.jsonl" "$N" <<'PY'
import json, sys, os
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
sets = [[json.loads(l) for l in open(os.path.join(src, s, "docs.jsonl"), encoding="utf-8") if l.strip()]
        for s in ("newswcl50", "ntrex-dev", "ecbplus-dev")]
# Round-robin over the sets, so English, Chinese and Russian are all in the sample.
docs, i = [], 0
while len(docs) < n and any(i < len(s) for s in sets):
    docs += [s[i] for s in sets if i < len(s) and (s[i].get("text") or "").strip()]
    i += 1
with open(out, "w", encoding="utf-8") as f:
    for d in docs[:n]:
        f.write(json.dumps(d, ensure_ascii=False) + "\n")
PY
n=$(wc -l <"$WORK/docs.jsonl")
echo "ingest of $n articles (newswcl50, ntrex-dev, ecbplus-dev), release build, fresh store each run"
on=(); off=()
run() { # $1 = on|off
  rm -rf "$WORK/db"
  local start end
  start=$(date +%s.%N)
  if [ "$1" = off ]; then
    STORYLINE_ENRICH=off "$BIN" --db "$WORK/db" ingest "$WORK/docs.jsonl" >/dev/null 2>"$WORK/err" || true
  else
    "$BIN" --db "$WORK/db" ingest "$WORK/docs.jsonl" >/dev/null 2>"$WORK/err" || true
  fi
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
for r in $(seq "$ROUNDS"); do
  t_off=$(run off); t_on=$(run on)
  off+=("$t_off"); on+=("$t_on")
  echo "round $r: enrichment off ${t_off}s, on ${t_on}s"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m_off=$(median "${off[@]}"); m_on=$(median "${on[@]}")
echo "median: off ${m_off}s, on ${m_on}s; enrichment adds $(echo "scale=1; 100 * ($m_on - $m_off) / $m_off" | bc)% to ingest time"

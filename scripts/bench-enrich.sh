#!/usr/bin/env bash
# What enrichment (entities, quotes, facts, claims) adds to end-to-end ingest time (a benchmark,
# not a test). Ingests the same articles from the eval sets in ../shared/eval/clustering (or
# $EVAL_DIR) into fresh stores with enrichment on and off (STORYLINE_ENRICH=off), alternating
# ROUNDS times, and prints each run's wall time and the ratio of the medians, in one run.
#   scripts/bench-enrich.sh [ARTICLES] [ROUNDS]      (default: 400 3)
#
# The difference splits into a fixed start-up cost (loading the dictionaries, gazetteer and NER
# models) and a cost per article: the same is measured on a single article, whose difference is
# taken as the start-up part. Wall time is the headline (the issue's measure); CPU time (user +
# system) is printed beside it, as it is steadier on a shared machine. Enrichment keeps a snapshot of its built gazetteer in the asset
# cache; a first run after each build writes it and is timed apart ("cold start").
#
# BASE_BIN=path/to/other/storyline also times that binary in the same rounds (e.g. one built
# from main), so that two versions are compared on the same machine state.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-400}
ROUNDS=${2:-3}
EVAL_DIR=${EVAL_DIR:-../shared/eval/clustering}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet -p storyline --bin storyline
BIN="${STORYLINE_BIN:-$TARGET/release/storyline}"
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
head -n 1 "$WORK/docs.jsonl" >"$WORK/one.jsonl"
n=$(wc -l <"$WORK/docs.jsonl")
langs=$(python3 -c 'import collections,json,sys; c=collections.Counter(json.loads(l).get("lang") for l in open(sys.argv[1])); print(", ".join(f"{k} {v}" for k,v in sorted(c.items())))' "$WORK/docs.jsonl")
echo "ingest of $n articles (newswcl50, ntrex-dev, ecbplus-dev: $langs), release build, fresh store each run"
run() { # $1 = binary, $2 = on|off, $3 = input; prints "wall cpu" seconds (cpu = user + system)
  rm -rf "$WORK/db"
  if [ "$2" = off ]; then
    STORYLINE_ENRICH=off /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$1" --db "$WORK/db" ingest "$3" >/dev/null 2>"$WORK/err" || true
  else
    /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$1" --db "$WORK/db" ingest "$3" >/dev/null 2>"$WORK/err" || true
  fi
  awk '{printf "%.2f %.2f\n", $1, $2 + $3}' "$WORK/time"
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
pct() { echo "scale=1; 100 * ($1 - $2) / $2" | bc; }
bins=("$BIN")
names=("this build")
if [ -n "${BASE_BIN:-}" ]; then
  bins+=("$BASE_BIN")
  names+=("base ($BASE_BIN)")
fi
for b in "${!bins[@]}"; do
  echo "${names[$b]}: first run after a build (writes the snapshot where there is one): one article on, wall/cpu $(run "${bins[$b]}" on "$WORK/one.jsonl" | tr ' ' /)s"
done
declare -A t
for r in $(seq "$ROUNDS"); do
  for b in "${!bins[@]}"; do
    line="round $r, ${names[$b]} (wall/cpu s):"
    for input in all one; do
      f="$WORK/docs.jsonl"
      [ $input = one ] && f="$WORK/one.jsonl"
      for mode in off on; do
        read -r wall cpu < <(run "${bins[$b]}" $mode "$f")
        t[$b,$mode,$input,wall]+="$wall "
        t[$b,$mode,$input,cpu]+="$cpu "
        line+=" $input-$mode $wall/$cpu"
      done
    done
    echo "$line"
  done
done
for b in "${!bins[@]}"; do
  for k in wall cpu; do
    # shellcheck disable=SC2086
    m_off=$(median ${t[$b,off,all,$k]}); m_on=$(median ${t[$b,on,all,$k]})
    # shellcheck disable=SC2086
    s_off=$(median ${t[$b,off,one,$k]}); s_on=$(median ${t[$b,on,one,$k]})
    startup=$(echo "$s_on - $s_off" | bc)
    per=$(echo "scale=2; 1000 * (($m_on - $m_off) - ($s_on - $s_off)) / $n" | bc)
    echo "${names[$b]}, $k time: median off ${m_off}s, on ${m_on}s; enrichment adds $(pct "$m_on" "$m_off")% (start-up ${startup}s, from one article; per article ${per} ms)"
  done
done

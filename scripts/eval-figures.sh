#!/usr/bin/env bash
# Figure parity on ntrex16-dev (issue 19): ingest the set into a fresh store, export, and print
# for each language how far the figures of a translation agree with those of its English
# original (multiset overlap of values, |A∩B| / max(|A|,|B|), micro-averaged), for the tuning
# and the checking half of the articles (split by a hash of the article label), next to a plain
# digit-regex baseline, the English figures per countable digit group (coverage), and entity
# parity (Jaccard of the entity ids of a translation and of its original).
# Scoring: scripts/eval_figures.py.
#   scripts/eval-figures.sh            (EVAL_DIR: default ../shared/eval/multilingual)
# STORYLINE_BIN: an already built binary (scripts/lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL_DIR=${EVAL_DIR:-../shared/eval/multilingual}
. scripts/lib.sh
BIN=$(storyline_bin)
dir="$EVAL_DIR/ntrex16-dev"
if [ ! -f "$dir/docs.jsonl" ]; then
  echo "eval-figures: no $dir/docs.jsonl (set EVAL_DIR)" >&2
  exit 2
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# Exit status 2 means some inputs were refused (named on stderr); the rest is scored.
"$BIN" --db "$WORK/db" ingest "$dir/docs.jsonl" >/dev/null 2>"$WORK/err" || true
refused=$(grep -c . "$WORK/err" || true)
[ "$refused" != 0 ] && echo "(ingest wrote $refused lines on stderr)" && head -3 "$WORK/err"
"$BIN" --db "$WORK/db" export >"$WORK/export.jsonl"
python3 scripts/eval_figures.py "$WORK/export.jsonl" "$dir/docs.jsonl" "$dir/labels.json" "$dir/langs.json"

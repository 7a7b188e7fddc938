#!/usr/bin/env bash
# Clustering evaluation: ingest each set in ../shared/eval/clustering (or $EVAL_DIR) into a fresh
# store, export, and print pairwise precision/recall/F1 and BCubed F1 against its labels.json.
#   scripts/eval-cluster.sh [SET...]     (default: ntrex-dev newswcl50 ecbplus-dev)
#   SHUFFLE=SEED scripts/eval-cluster.sh  also ingests a seeded shuffle of each set and prints its
#                                         scores (order independence, measured)
# Targets: ntrex-dev pairwise F1 ≥ 0.95, newswcl50 BCubed F1 ≥ 0.90, ecbplus-dev BCubed F1 ≥ 0.85.
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL_DIR=${EVAL_DIR:-../shared/eval/clustering}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet -p storyline --bin storyline
cargo build --release --quiet -p cluster --example score
BIN="$TARGET/release/storyline"
SCORE="$TARGET/release/examples/score"
SETS=("$@")
[ ${#SETS[@]} -eq 0 ] && SETS=(ntrex-dev newswcl50 ecbplus-dev)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for set in "${SETS[@]}"; do
  dir="$EVAL_DIR/$set"
  if [ ! -f "$dir/docs.jsonl" ]; then
    echo "eval-cluster: no $dir/docs.jsonl (set EVAL_DIR)" >&2
    exit 2
  fi
  db="$WORK/$set"
  start=$(date +%s.%N)
  # Exit status 2 means some inputs were refused (named on stderr); the rest is scored.
  "$BIN" --db "$db" ingest "$dir/docs.jsonl" >/dev/null 2>"$WORK/$set.err" || true
  refused=$(grep -c . "$WORK/$set.err" || true)
  [ "$refused" != 0 ] && echo "               ($refused input lines refused, see ingest)"
  end=$(date +%s.%N)
  "$BIN" --db "$db" export >"$WORK/$set.jsonl"
  "$SCORE" "$WORK/$set.jsonl" "$dir/labels.json" "$set"
  [ -n "${KEEP_EXPORT:-}" ] && cp "$WORK/$set.jsonl" "${KEEP_EXPORT}-$set.jsonl"
  echo "               ingest $(echo "$end - $start" | bc) s"
  if [ -n "${SHUFFLE:-}" ]; then
    shuf --random-source=<(yes "$SHUFFLE") "$dir/docs.jsonl" >"$WORK/$set.shuffled.jsonl"
    "$BIN" --db "$db-shuffled" ingest "$WORK/$set.shuffled.jsonl" >/dev/null 2>&1 || true
    "$BIN" --db "$db-shuffled" export >"$WORK/$set.shuffled.out.jsonl"
    "$SCORE" "$WORK/$set.shuffled.out.jsonl" "$dir/labels.json" "$set~shuffled"
  fi
done

#!/usr/bin/env bash
# Clustering evaluation: ingest each set in ../shared/eval/clustering (or $EVAL_DIR) into a fresh
# store, export, and print pairwise precision/recall/F1 and BCubed F1 against its labels.json.
#   scripts/eval-cluster.sh [SET...]     (default: ntrex-dev newswcl50 ecbplus-dev)
#   SHUFFLES=N scripts/eval-cluster.sh   also ingests N seeded shuffles of each set and prints
#                                         the scores of each and the spread of pairwise F1
#                                         and BCubed F1 (order independence, measured; the CLI
#                                         commits in batches of 64, ordered within each batch;
#                                         STORYLINE_BATCH=1 keeps the arrival order, which
#                                         measures how much the decisions themselves depend on it;
#                                         batches fill to 64 whatever the reader's pace, so a set
#                                         of up to 64 documents gives one result in any order)
# Targets: ntrex-dev pairwise F1 ≥ 0.95, newswcl50 BCubed F1 ≥ 0.90, ecbplus-dev BCubed F1 ≥ 0.85.
#
# ntrex-dev's gold groups are articles (one article in four languages), not events: two outlets'
# reports of one earthquake are two gold groups but one event. For it, a second line scores the
# same-article groups the linker finds (`translation_of` / `duplicate_of`, `score --articles`),
# the level its labels describe; the events line is printed as well.
ARTICLE_SETS=" ntrex-dev "
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL_DIR=${EVAL_DIR:-../shared/eval/clustering}
TARGET=${CARGO_TARGET_DIR:-target}
# STORYLINE_BIN: an already built binary; else a release build (scripts/lib.sh).
. scripts/lib.sh
BIN=$(storyline_bin)
cargo build --release --quiet -p cluster --example score
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
  [[ "$ARTICLE_SETS" == *" $set "* ]] && "$SCORE" --articles "$WORK/$set.jsonl" "$dir/labels.json" "$set"
  [ -n "${KEEP_EXPORT:-}" ] && cp "$WORK/$set.jsonl" "${KEEP_EXPORT}-$set.jsonl"
  echo "               ingest $(echo "$end - $start" | bc) s"
  if [ -n "${SHUFFLES:-}" ]; then
    f1s=()
    b3s=()
    for seed in $(seq 1 "$SHUFFLES"); do
      shuf --random-source=<(yes "$seed") "$dir/docs.jsonl" >"$WORK/$set.shuffled.jsonl"
      rm -rf "$db-shuffled"
      "$BIN" --db "$db-shuffled" ingest "$WORK/$set.shuffled.jsonl" >/dev/null 2>&1 || true
      "$BIN" --db "$db-shuffled" export >"$WORK/$set.shuffled.out.jsonl"
      line=$("$SCORE" "$WORK/$set.shuffled.out.jsonl" "$dir/labels.json" "$set~$seed")
      echo "$line"
      [[ "$ARTICLE_SETS" == *" $set "* ]] && "$SCORE" --articles "$WORK/$set.shuffled.out.jsonl" "$dir/labels.json" "$set~$seed"
      f1s+=("$(echo "$line" | sed -E 's/.*pairwise P [0-9.]+ R [0-9.]+ F1 ([0-9.]+).*/\1/')")
      b3s+=("$(echo "$line" | sed -E 's/.*BCubed P [0-9.]+ R [0-9.]+ F1 ([0-9.]+).*/\1/')")
    done
    spread() { sort -n | awk -v set="$set" -v what="$1" '{a[NR]=$1; s+=$1} END {printf "%-14s %s over %d shuffles: min %.3f mean %.3f max %.3f\n", set, what, NR, a[1], s/NR, a[NR]}'; }
    printf '%s\n' "${f1s[@]}" | spread "pairwise F1"
    printf '%s\n' "${b3s[@]}" | spread "BCubed F1"
  fi
done

#!/usr/bin/env bash
# Multilingual evaluation: ingest each set of ../shared/eval/multilingual (or $EVAL_DIR) into a
# fresh store, export, and print one table (scores by scripts/eval_multilingual.py):
#   semeval22-dev  same-story pairs, precision/recall/F1 overall and per language pair, for the
#                  tuning half and the checking half (a split of the pairs that keeps every
#                  document in one half; fit on the tuning half only), next to the cosine
#                  baseline (vectors from `storyline embed`, the pipeline's own; its one
#                  threshold fitted on the tuning half only).
#   ntrex16-dev    language id per language, same-article groups (translation_of/duplicate_of,
#                  pairwise F1), events (BCubed F1); cross-lingual search (a title in any of
#                  the 16 languages finds the English version in the top 10, per language, text
#                  only and with vectors, on two halves of the articles: the search_eval example,
#                  `--xling`, over the store just built); claims (scripts/eval_claims.py): false
#                  corroborations (versions of one article counted as several independent
#                  sources), claims per document, quote speakers that are a pronoun or punctuation.
#   disagree-dev   planted figure disagreements found and faithful pairs flagged, for a tuning
#                  and a checking half (SHA-256 of the pair's first id); claims per document.
#   newswcl50      (from ../shared/eval/clustering, or $CLUSTER_DIR) claims per document.
#   scripts/eval-multilingual.sh [SET...]     (default: semeval22-dev ntrex16-dev disagree-dev)
# STORYLINE_BIN: an already built binary (scripts/lib.sh); SEARCH_EVAL_BIN: an already built
# search_eval example (else a release build of the tree).
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL_DIR=${EVAL_DIR:-../shared/eval/multilingual}
CLUSTER_DIR=${CLUSTER_DIR:-../shared/eval/clustering}
. scripts/lib.sh
BIN=$(storyline_bin)
SETS=("$@")
[ ${#SETS[@]} -eq 0 ] && SETS=(semeval22-dev ntrex16-dev disagree-dev)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for set in "${SETS[@]}"; do
  dir="$EVAL_DIR/$set"
  [ -f "$dir/docs.jsonl" ] || [ ! -f "$CLUSTER_DIR/$set/docs.jsonl" ] || dir="$CLUSTER_DIR/$set"
  if [ ! -f "$dir/docs.jsonl" ]; then
    echo "eval-multilingual: no $dir/docs.jsonl (set EVAL_DIR)" >&2
    exit 2
  fi
  db="$WORK/$set"
  start=$(date +%s.%N)
  # Exit status 2 means some inputs were refused (named on stderr); the rest is scored.
  "$BIN" --db "$db" ingest "$dir/docs.jsonl" >/dev/null 2>"$WORK/$set.err" || true
  end=$(date +%s.%N)
  refused=$(grep -c . "$WORK/$set.err" || true)
  [ "$refused" != 0 ] && echo "($set: $refused lines on ingest's stderr, see below)" && head -3 "$WORK/$set.err"
  "$BIN" --db "$db" export >"$WORK/$set.jsonl"
  case "$set" in
    semeval22-dev)
      "$BIN" embed "$dir/docs.jsonl" >"$WORK/$set.vectors.jsonl"
      python3 scripts/eval_multilingual.py semeval "$WORK/$set.jsonl" "$WORK/$set.vectors.jsonl" "$dir/pairs.json"
      ;;
    ntrex16-dev)
      python3 scripts/eval_multilingual.py ntrex "$WORK/$set.jsonl" "$dir/labels.json" "$dir/langs.json"
      if [ -z "${SEARCH_EVAL_BIN:-}" ]; then
        cargo build --release --quiet -p search --example search_eval >&2
        SEARCH_EVAL_BIN="${CARGO_TARGET_DIR:-target}/release/examples/search_eval"
      fi
      "$SEARCH_EVAL_BIN" --xling "$db" "$dir/labels.json" "$dir/langs.json"
      python3 scripts/eval_claims.py corroboration "$WORK/$set.jsonl" "$dir/labels.json"
      ;;
    disagree-dev)
      python3 scripts/eval_claims.py disagree "$WORK/$set.jsonl" "$dir/gold.json"
      ;;
    newswcl50)
      python3 scripts/eval_claims.py perdoc "$WORK/$set.jsonl" "$set"
      ;;
    *)
      echo "eval-multilingual: no scoring for $set" >&2
      ;;
  esac
  echo "  ingest $(echo "$end - $start" | bc) s"
done

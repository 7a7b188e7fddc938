#!/usr/bin/env bash
# Scale benchmark (a benchmark, not a test): TOTAL articles (default 1,000,000) streamed into the
# embedded store and into PostgreSQL, one long-running `storyline ingest -` each. Prints
# articles/s over time, the per-article cost at 10k/100k/1M, disk per article and peak memory.
#
#   scripts/bench-scale.sh [TOTAL] [embedded|postgres|both] [INTERVAL_SECONDS]
#
# PostgreSQL: a throwaway server from scripts/with-postgres.sh (or STORYLINE_TEST_PG's server).
# The article stream is built from ../shared/eval/clustering (EVAL_DIR); see bench-scale.py.
# ARTICLE_CHARS=3000-5000 streams articles of that length (related eval articles joined), the
# length the speed target speaks of; without it, the eval articles as they are (~1.9k chars).
# The projection for 10M/100M articles is in README.md ("Scale").
#
# Resumable on the embedded store: with BENCH_DIR set to the same directory, a run that was
# stopped (Ctrl-C, or free disk below DISK_RESERVE_GB) goes on where the store stands, and the
# report covers every segment (samples in BENCH_DIR/embedded.tsv). On PostgreSQL, set
# STORYLINE_BENCH_PG to a database URL of a server you keep running to resume the same way
# (samples in BENCH_DIR/postgres.tsv); without it the run uses a throwaway server.
set -euo pipefail
cd "$(dirname "$0")/.."
TOTAL=${1:-1000000}
WHICH=${2:-both}
INTERVAL=${3:-30}
# STORYLINE_BIN: an already built binary; else a release build (scripts/lib.sh).
. scripts/lib.sh
BIN=$(storyline_bin)
WORK=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$WORK"
echo "bench-scale: $TOTAL articles; work directory $WORK; $(nproc) cores"
if [ "$WHICH" = embedded ] || [ "$WHICH" = both ]; then
    echo "== embedded store ($WORK/db)"
    python3 scripts/bench-scale.py "$BIN" "$WORK/db" "$TOTAL" "$INTERVAL" "$WORK/embedded.tsv"
fi
if [ "$WHICH" = postgres ] || [ "$WHICH" = both ]; then
    echo "== PostgreSQL"
    if [ -n "${STORYLINE_BENCH_PG:-}" ]; then
        python3 scripts/bench-scale.py "$BIN" "$STORYLINE_BENCH_PG" "$TOTAL" "$INTERVAL" \
            "$WORK/postgres.tsv"
    else
        scripts/with-postgres.sh bash -c '
            set -euo pipefail
            db="${STORYLINE_TEST_PG%/*}/storyline_bench_$$"
            psql "$STORYLINE_TEST_PG" -qc "CREATE DATABASE storyline_bench_$$"
            python3 scripts/bench-scale.py "$0" "$db" "$1" "$2"
        ' "$BIN" "$TOTAL" "$INTERVAL"
    fi
fi

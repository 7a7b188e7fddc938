#!/usr/bin/env bash
# Server benchmark (not a test): builds a store of N articles and prints p50/p95/p99 of search
# and page times, server-side (its Server-Timing header) and as the client sees them.
#
#   scripts/bench-server.sh [N] [DB_DIR]      (default 100000, /tmp/storyline-bench)
#
# How the store is built (see crates/server/examples/server_bench.rs, which prints it too): the sample
# corpus and ../shared/eval/clustering/{ntrex-dev,newswcl50,ecbplus-dev} go through the full
# pipeline once (DB_DIR.base, encoder vectors included); then perturbed copies of those
# documents (a paragraph dropped, two swapped, dates shifted, vectors jittered) are written
# straight through the store API until N documents. A store already holding N documents is
# reused. Targets (issue 7): search p95 ≤ 50 ms, pages ≤ 200 ms server-side at 100,000; issue 21:
# pages p95 ≤ 60 ms at 100,000, charts and the event map included (the server loads the map's
# shapes as `storyline serve` does).
#
# Environment: CARGO_TARGET_DIR as usual. Further arguments are passed on (--requests N,
# --concurrency N, --no-semantic).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-100000}"
DB="${2:-/tmp/storyline-bench}"
shift $(( $# > 2 ? 2 : $# ))
cd "$ROOT"
exec cargo run --release --locked -p server --example server_bench -- --docs "$N" --db "$DB" "$@"

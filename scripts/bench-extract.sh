#!/usr/bin/env bash
# Time Storyline's extraction against Python trafilatura on the same pages, in one run.
#   scripts/bench-extract.sh [EVAL_DIR]      (default ../shared/eval)
# trafilatura is installed by package name into a throw-away virtualenv (deleted on exit).
# Both sides read and decode all pages first and time only extraction; trafilatura runs on one
# core (its usual use), Storyline is reported on one thread and on all cores. Each side also
# reports the CPU time per page of its one-thread run (Linux), steadier than wall time on a
# shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL=${1:-../shared/eval}
DIRS=("$EVAL/extraction/trafilatura/html" "$EVAL/extraction/zh-web/html" "$EVAL/dates")
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/work/target-extract}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cargo build --release -q -p extract --example extract_bench
"$CARGO_TARGET_DIR/release/examples/extract_bench" "${DIRS[@]}" --list "$WORK/pages.txt" | tee "$WORK/storyline.txt"

python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q trafilatura lxml_html_clean
cat > "$WORK/bench.py" <<'PY'
import gzip, sys, time
import trafilatura
paths = [l.strip() for l in open(sys.argv[1]) if l.strip()]
pages = []
for p in paths:
    with (gzip.open(p, 'rb') if p.endswith('.gz') else open(p, 'rb')) as f:
        pages.append(trafilatura.utils.decode_file(f.read()))
t = time.perf_counter()
c = time.thread_time()
for h in pages:
    trafilatura.extract(h)
el = time.perf_counter() - t
cpu = time.thread_time() - c
print(f"trafilatura: {len(pages)} pages; 1 thread {len(pages)/el:.1f} pages/s")
print(f"trafilatura cpu: {cpu * 1e3 / len(pages):.3f} ms per page (one thread, CPU time)")
PY
"$WORK/venv/bin/python" "$WORK/bench.py" "$WORK/pages.txt" | tee "$WORK/trafilatura.txt"

python3 - "$WORK/storyline.txt" "$WORK/trafilatura.txt" <<'PY'
import re, sys
s = open(sys.argv[1]).read(); t = open(sys.argv[2]).read()
one = float(re.search(r"1 thread ([\d.]+)", s).group(1))
alln = float(re.search(r"threads ([\d.]+)", s).group(1))
tr = float(re.search(r"1 thread ([\d.]+)", t).group(1))
print(f"ratio: storyline/trafilatura = {one/tr:.1f}x on one thread, {alln/tr:.1f}x on all cores (target >= 10x)")
sc = re.search(r"storyline cpu: ([\d.]+)", s)
tc = re.search(r"trafilatura cpu: ([\d.]+)", t)
if sc and tc:
    print(f"ratio by CPU time per page (one thread): {float(tc.group(1))/float(sc.group(1)):.1f}x")
PY

#!/usr/bin/env bash
# Time and peak memory of `storyline ingest` on hostile single documents of growing size (a
# benchmark, not a test): analysis must grow about linearly with the size of a document and a
# 4 MB document must stay well under 1 GB.
#   scripts/bench-bounds.sh [KIND...]        (default: every kind; sizes from $SIZES)
#
# Each document is generated here (nothing is read from outside the repository) as a `.txt`
# file of SIZE bytes, and ingested alone into a fresh store. Kinds:
#   figures      an English sentence full of figures, repeated (issue 17, point 1)
#   zh-quotes    a Chinese sentence with a quote and a speech verb, repeated (point 2)
#   giant        one sentence of words without punctuation
#   name         one name repeated
#   marks        unmatched quotation marks between words
#   digits       400-digit numbers
#   yi           亿亿亿万 repeated
#   zh-line      one line of Chinese without punctuation
#   brackets     deeply nested brackets
# Prints one line per kind and size: seconds, peak RSS in KB, exit status (137: killed after
# $LIMIT seconds; 134: aborted, e.g. a failed allocation).
# BIN=path/to/storyline measures another build (default: target/release/storyline, built here).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"65536 262144 1048576 4000000"}
LIMIT=${LIMIT:-300}   # seconds before a run is killed (exit 137: a hang)
KINDS=("$@")
[ "${#KINDS[@]}" -eq 0 ] && KINDS=(figures zh-quotes giant name marks digits yi zh-line brackets)
TARGET=${CARGO_TARGET_DIR:-target}
if [ -z "${BIN:-}" ]; then
    cargo build --release --quiet -p storyline --bin storyline
    BIN="$TARGET/release/storyline"
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

gen() {
    python3 - "$1" "$2" "$3" <<'PY'
import random, sys
kind, size, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rnd = random.Random(17)
units = {
    "figures": "Two-way trade between China and Russia reached $240.1 billion in 2023, up 26.3 percent, "
               "with 1,200 tonnes of grain, 5.2 percent growth, 16 regions and 187,000 tourists, Putin said. ",
    "zh-quotes": "普京表示：“中俄贸易额达到2401亿美元，同比增长26.3%，双方将继续合作。”新华社报道。",
    "name": "Vladimir Putin ",
    "yi": "亿亿亿万",
}
def body():
    if kind in units:
        return units[kind]
    if kind == "giant":
        words = ["trade", "Putin", "said", "Moscow", "grew", "billion", "the", "talks", "Beijing", "agreed"]
        return " ".join(rnd.choice(words) + (str(rnd.randrange(100)) if rnd.random() < 0.1 else "") for _ in range(64)) + " "
    if kind == "marks":
        return "“ said Xi « he told the Global Times \" and 「 officials 『 noted „ "
    if kind == "digits":
        return "".join(rnd.choice("0123456789") for _ in range(400)) + " percent, " + str(rnd.randrange(10**6)) + " dollars. "
    if kind == "zh-line":
        return "".join(rnd.choice("中国俄罗斯贸易合作表示习近平普京会见双方经济发展人民币美元亿万") for _ in range(200))
    if kind == "brackets":
        return "(" * 200 + "[Putin said 5 percent {" + ")" * 150 + "]" + "}" * 30 + " "
    raise SystemExit(f"unknown kind {kind}")
parts, n = [], 0
while n < size:
    b = body()
    parts.append(b)
    n += len(b.encode())
text = "".join(parts).encode()[:size].decode("utf-8", "ignore")
with open(out, "w", encoding="utf-8") as f:
    f.write("Title of a hostile document\n\n" + text + "\n")
PY
}

printf '%-10s %9s %8s %10s %s\n' kind bytes seconds peak_KB exit
for kind in "${KINDS[@]}"; do
    for size in $SIZES; do
        doc="$WORK/$kind-$size.txt"
        gen "$kind" "$size" "$doc"
        rm -rf "$WORK/db"
        set +e
        /usr/bin/time -f "%e %M" -o "$WORK/time" timeout -s KILL "$LIMIT" "$BIN" ingest --db "$WORK/db" "$doc" \
            >/dev/null 2>"$WORK/err"
        rc=$?
        set -e
        read -r secs kb <"$WORK/time" || { secs='?'; kb='?'; }
        # /usr/bin/time writes "Command exited with non-zero status N" first when it fails.
        if ! [[ "$secs" =~ ^[0-9.]+$ ]]; then read -r secs kb < <(tail -n 1 "$WORK/time"); fi
        printf '%-10s %9s %8s %10s %s\n' "$kind" "$size" "$secs" "$kb" "$rc"
        [ "$rc" -le 1 ] || tail -n 3 "$WORK/err" >&2
        rm -f "$doc"
    done
done

#!/usr/bin/env bash
# Robustness harness (issue 17): runs `storyline extract` and `storyline ingest` over other
# projects' public test corpora and over generated hostile inputs, each process under a time and
# an address-space limit, and tells per file: ok, clear error, unclear error, crash or hang.
#   scripts/robustness.sh [--full] [CORPUS...]
# Corpora: feedparser chardet warcat html5lib-tree html5lib-encoding html5lib-tokenizer generated
# (default: all). The corpora are the test files shipped in pinned source distributions, fetched
# by package name with pip into ${STORYLINE_CACHE:-~/.cache/storyline}/robustness (never into
# the repository); `generated` is written by scripts/robustness_inputs.py (a million unclosed
# divs, billion laughs, XXE, gzip bombs, 4 MB of figures, UTF-16, NUL bytes, bad ids, ...).
#
# Files are run in groups (one process per group, at most $ROBUST_JOBS at once); a group that
# crashes, hangs or prints an error naming none of its files is run again one process per file,
# so every finding names its file. `ingest` loads the encoder once per process, so by default it
# runs on an even sample of at most $ROBUST_INGEST_SAMPLE files per corpus (every k-th file in
# name order; the generated inputs are always all run); --full runs every file.
#
# Classes: ok (exit 0 or 1 and not named in an error); clear error (named on stderr by an error
# line, no panic); unclear error (exit 2 alone, and stderr does not name the file); crash (a
# signal, "panicked at", an allocation failure, or XXE: /etc/passwd in the output); hang (killed
# by `timeout`). Peak memory is the largest resident set of one process (/usr/bin/time %M); a
# file whose process reached $ROBUST_MAX_RSS_MIB is listed as a "memory" finding. The report
# ends with the most frequent error messages per corpus (what is refused, and why).
# Exit status 1 if any crash or hang, or a peak of $ROBUST_MAX_RSS_MIB or more; 0 otherwise.
# The last run's report and the stderr of every finding stay in $CACHE/robustness/last/.
#
# Environment: STORYLINE_BIN (default target/release/storyline, built if missing),
# ROBUST_JOBS=2, ROBUST_TIMEOUT=60 (seconds per single file; a group gets 5x),
# ROBUST_MEM_MIB=4096 (address-space limit, prlimit --as), ROBUST_MAX_RSS_MIB=1024,
# ROBUST_INGEST_SAMPLE=200, ROBUST_GROUP=100 (files per extract process; ingest: a quarter).
set -euo pipefail

# ---- one unit: a process over a list of files (called through xargs) -------------------------
if [ "${1:-}" = "--unit" ]; then
  id=$2
  read -r mode limit <"$WORK/units/$id.meta"
  mapfile -t files <"$WORK/units/$id.list"
  r="$WORK/res/$id"
  case $mode in
    extract) cmd=("$BIN" extract "${files[@]}") ;;
    ingest) cmd=("$BIN" --db "$WORK/db/$id" ingest "${files[@]}") ;;
    *) exit 2 ;;
  esac
  set +e
  RUST_BACKTRACE=1 /usr/bin/time -f %M -o "$r.time" \
    timeout --foreground -k 5 "$limit" prlimit --as=$((MEM_MIB << 20)) -- "${cmd[@]}" >"$r.out" 2>"$r.err"
  echo $? >"$r.rc"
  set -e
  # XXE: the contents of /etc/passwd must never reach the output.
  if grep -q 'root:x:0:0' "$r.out"; then echo "output holds /etc/passwd (XXE)" >>"$r.err"; echo leak >"$r.leak"; fi
  rm -rf "$r.out" "$WORK/db/$id"
  exit 0
fi

cd "$(dirname "$0")/.."
FULL=0
CORPORA=()
for arg in "$@"; do
  case $arg in
    --full) FULL=1 ;;
    -h | --help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "robustness.sh: unknown option $arg" >&2; exit 2 ;;
    *) CORPORA+=("$arg") ;;
  esac
done
[ ${#CORPORA[@]} -gt 0 ] || CORPORA=(feedparser chardet warcat html5lib-tree html5lib-encoding html5lib-tokenizer generated)

JOBS=${ROBUST_JOBS:-2}
TIMEOUT=${ROBUST_TIMEOUT:-60}
export MEM_MIB=${ROBUST_MEM_MIB:-4096}
MAX_RSS_MIB=${ROBUST_MAX_RSS_MIB:-1024}
SAMPLE=${ROBUST_INGEST_SAMPLE:-200}
GROUP=${ROBUST_GROUP:-100}
CACHE="${STORYLINE_CACHE:-$HOME/.cache/storyline}/robustness"
for tool in python3 pip timeout prlimit /usr/bin/time sha256sum; do
  command -v "$tool" >/dev/null || { echo "robustness.sh: $tool is needed" >&2; exit 2; }
done

if [ -n "${STORYLINE_BIN:-}" ]; then
  BIN=$(realpath "$STORYLINE_BIN")
else
  BIN="$(realpath "${CARGO_TARGET_DIR:-target}")/release/storyline"
  [ -x "$BIN" ] || cargo build --release --quiet -p storyline --bin storyline
fi
export BIN

# ---- fetch: pinned source distributions, by package name -------------------------------------
# name version sha256 corpora-it-holds (folder inside the archive)
SOURCES="
feedparser 6.0.11 c9d0407b64c6f2a065d0ebb292c2b35c01050cc0dc33757461aaabdc4c4184d5 feedparser
chardet 5.2.0 1b3b6ff479a8c414bc3fa2c0852995695c4a026dcd6d0633b2dd092ca39c1cf7 chardet
Warcat 2.2.5 a3d7af6b4f1cbc6244833e19904932647c8f57d46a2b770fc499a1ec5ca8a8bd warcat
html5lib 1.1 b2e5b40261e20f354d198eae92afc10d750afb487ed5e50f9c4eaf07c184146f html5lib-tree,html5lib-encoding,html5lib-tokenizer
"
mkdir -p "$CACHE/dist" "$CACHE/src" "$CACHE/corpora"
# pip prepares each sdist's metadata even when only downloading; these old setup.py files import
# pkg_resources, which setuptools 70 and later no longer ship.
printf 'setuptools<70\n' >"$CACHE/dist/build-constraints.txt"
while read -r name version sha corpora; do
  [ -n "$name" ] || continue
  wanted=0
  for c in ${corpora//,/ }; do [[ " ${CORPORA[*]} " == *" $c "* ]] && wanted=1; done
  [ $wanted = 1 ] || continue
  archive=$(find "$CACHE/dist" -maxdepth 1 -iname "$name-$version.tar.gz" | head -n1)
  if [ -z "$archive" ]; then
    echo "fetching $name==$version (source distribution)" >&2
    PIP_CONSTRAINT="$CACHE/dist/build-constraints.txt" pip download --quiet --no-deps \
      --no-binary :all: "$name==$version" -d "$CACHE/dist" >&2
    archive=$(find "$CACHE/dist" -maxdepth 1 -iname "$name-$version.tar.gz" | head -n1)
  fi
  got=$(sha256sum "$archive" | cut -d' ' -f1)
  if [ "$got" != "$sha" ]; then
    echo "robustness.sh: $archive: SHA-256 $got, expected $sha; delete it to fetch again" >&2
    exit 2
  fi
  src="$CACHE/src/$(basename "$archive" .tar.gz)"
  [ -d "$src" ] || { mkdir -p "$CACHE/src" && tar -xzf "$archive" -C "$CACHE/src"; }
  for c in ${corpora//,/ }; do
    if [ ! -e "$CACHE/corpora/$c.done" ]; then
      rm -rf "${CACHE:?}/corpora/$c"
      python3 scripts/robustness_inputs.py corpus "$c" "$src" "$CACHE/corpora/$c"
      touch "$CACHE/corpora/$c.done"
    fi
  done
done <<<"$SOURCES"

if [[ " ${CORPORA[*]} " == *" generated "* ]]; then
  stamp=$(sha256sum scripts/robustness_inputs.py | cut -d' ' -f1)
  if [ "$(cat "$CACHE/corpora/generated.done" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "${CACHE:?}/corpora/generated"
    python3 scripts/robustness_inputs.py generate "$CACHE/corpora/generated"
    echo "$stamp" >"$CACHE/corpora/generated.done"
  fi
fi

# ---- units ---------------------------------------------------------------------------------------
export WORK="$CACHE/last"
rm -rf "$WORK"
mkdir -p "$WORK/units" "$WORK/res" "$WORK/db" "$WORK/findings"
: >"$WORK/units.todo"
n=0
# new_unit MODE CORPUS LIMIT FILE... : one process over these files.
new_unit() {
  n=$((n + 1))
  local id="u$n"
  echo "$1 $3" >"$WORK/units/$id.meta"
  echo "$2" >"$WORK/units/$id.corpus"
  shift 3
  printf '%s\n' "$@" >"$WORK/units/$id.list"
  echo "$id" >>"$WORK/units.todo"
}
for corpus in "${CORPORA[@]}"; do
  dir="$CACHE/corpora/$corpus"
  [ -d "$dir" ] || { echo "robustness.sh: unknown corpus $corpus" >&2; exit 2; }
  mapfile -t all < <(find "$dir" -type f | LC_ALL=C sort)
  for mode in extract ingest; do
    files=("${all[@]}")
    size=$GROUP
    [ "$mode" = ingest ] && size=$(((GROUP + 3) / 4))
    if [ "$mode" = ingest ] && [ "$FULL" = 0 ] && [ "$corpus" != generated ] && [ ${#all[@]} -gt "$SAMPLE" ]; then
      step=$(((${#all[@]} + SAMPLE - 1) / SAMPLE))
      files=()
      for ((i = 0; i < ${#all[@]}; i += step)); do files+=("${all[i]}"); done
    fi
    echo "$corpus $mode ${#files[@]} ${#all[@]}" >>"$WORK/corpora"
    [ "$corpus" = generated ] && size=1
    limit=$TIMEOUT
    [ "$size" -gt 1 ] && limit=$((TIMEOUT * 5))
    for ((i = 0; i < ${#files[@]}; i += size)); do
      new_unit "$mode" "$corpus" "$limit" "${files[@]:i:size}"
    done
  done
done

run_units() {
  [ -s "$WORK/units.todo" ] || return 0
  # shellcheck disable=SC2016
  xargs -P "$JOBS" -I{} "$0" --unit {} <"$WORK/units.todo"
  : >"$WORK/units.todo"
}

# is_crash ID: the process died of a signal, panicked, failed to allocate or leaked a file.
is_crash() {
  local rc
  rc=$(cat "$WORK/res/$1.rc")
  [ -e "$WORK/res/$1.leak" ] && return 0
  { [ "$rc" -gt 128 ] && [ "$rc" != 137 ]; } && return 0
  grep -qE 'panicked at|memory allocation of [0-9]+ bytes failed|fatal runtime error|stack overflow' "$WORK/res/$1.err"
}
# over_memory ID: the process's peak resident set reached $MAX_RSS_MIB.
over_memory() {
  local peak
  peak=$(tail -n1 "$WORK/res/$1.time" 2>/dev/null)
  [[ "$peak" =~ ^[0-9]+$ ]] && [ "$peak" -ge $((MAX_RSS_MIB * 1024)) ]
}
is_hang() {
  local rc
  rc=$(cat "$WORK/res/$1.rc")
  [ "$rc" = 124 ] || [ "$rc" = 137 ]
}
# Error lines that name none of the unit's files (tracing's own prefix aside).
unnamed_lines() {
  grep -vF -f "$WORK/units/$1.list" "$WORK/res/$1.err" | grep -v '^\s*$' || true
}

echo "running $n processes, $JOBS at a time, $TIMEOUT s per file, address space $MEM_MIB MiB" >&2
start=$SECONDS
run_units
# Split each group that crashed, hung or printed an unattributed error into one unit per file.
declare -A split=()
nsplit=0
for list in "$WORK"/units/*.list; do
  id=$(basename "$list" .list)
  [ "$(wc -l <"$list")" -gt 1 ] || continue
  if is_crash "$id" || is_hang "$id" || over_memory "$id" || [ -n "$(unnamed_lines "$id")" ]; then
    split[$id]=1
    nsplit=$((nsplit + 1))
    read -r mode _ <"$WORK/units/$id.meta"
    corpus=$(cat "$WORK/units/$id.corpus")
    while read -r f; do new_unit "$mode" "$corpus" "$TIMEOUT" "$f"; done <"$list"
  fi
done
if [ $nsplit -gt 0 ]; then
  echo "running $nsplit groups again one file per process" >&2
  run_units
fi

# ---- classify and report ---------------------------------------------------------------------------
REPORT="$WORK/report.txt"
: >"$WORK/rows"
: >"$WORK/findings.txt"
for meta in "$WORK"/units/*.meta; do
  id=$(basename "$meta" .meta)
  [ -z "${split[$id]:-}" ] || continue
  read -r mode _ <"$meta"
  corpus=$(cat "$WORK/units/$id.corpus")
  peak=$(tail -n1 "$WORK/res/$id.time" 2>/dev/null || echo 0)
  [[ "$peak" =~ ^[0-9]+$ ]] || peak=0
  rc=$(cat "$WORK/res/$id.rc")
  count=$(wc -l <"$WORK/units/$id.list")
  class=""
  if is_hang "$id"; then class=hang
  elif is_crash "$id"; then class=crash
  elif [ "$count" = 1 ] && [ "$rc" = 2 ] && ! grep -qF -f "$WORK/units/$id.list" "$WORK/res/$id.err"; then
    class=unclear
  elif over_memory "$id"; then class=memory
  fi
  if [ -n "$class" ]; then
    file=$(head -n1 "$WORK/units/$id.list")
    cp "$WORK/res/$id.err" "$WORK/findings/$corpus.$mode.$(basename "$file").err"
    what=$(grep -m1 -E 'panicked at|memory allocation|fatal runtime|stack overflow|XXE|error' "$WORK/res/$id.err" ||
      head -n1 "$WORK/res/$id.err")
    [ "$class" = hang ] && what="killed after ${TIMEOUT}s; ${what}"
    printf '%s\t%s\t%s\t%s\texit %s, %s MiB: %s\n' "$class" "$corpus" "$mode" "${file#"$CACHE/corpora/"}" \
      "$rc" $((peak / 1024)) "${what:0:300}" >>"$WORK/findings.txt"
  fi
  case $class in
    unclear) echo "$corpus $mode 1 0 0 1 0 0 $peak" ;;
    crash) echo "$corpus $mode 1 0 0 0 1 0 $peak" ;;
    hang) echo "$corpus $mode 1 0 0 0 0 1 $peak" ;;
    *)
      # The unit's files that some stderr line names (one grep, not one per file).
      named=$({ grep -oF -f "$WORK/units/$id.list" "$WORK/res/$id.err" || true; } | sort -u | wc -l)
      echo "$corpus $mode $count $((count - named)) $named 0 0 0 $peak"
      ;;
  esac >>"$WORK/rows"
done

{
  echo "storyline robustness: $(basename "$BIN") $("$BIN" --version 2>/dev/null | cut -d' ' -f2-), $(date -u +%FT%TZ), $((SECONDS - start)) s"
  printf '%-19s %-7s %12s %7s %7s %7s %6s %5s %9s\n' corpus command files ok "clear" unclear crash hang "peak MiB"
  awk '{k=$1" "$2; f[k]+=$3; ok[k]+=$4; cl[k]+=$5; un[k]+=$6; cr[k]+=$7; h[k]+=$8; if ($9>p[k]) p[k]=$9; if (!(k in order)) order[k]=NR}
       END {for (k in f) print order[k], k, f[k], ok[k], cl[k], un[k], cr[k], h[k], int(p[k]/1024)}' "$WORK/rows" |
    sort -n | while read -r _ c m f ok cl un cr h p; do
      total=$(awk -v c="$c" -v m="$m" '$1==c && $2==m {print ($3<$4) ? $3" of "$4 : $3}' "$WORK/corpora")
      printf '%-19s %-7s %12s %7s %7s %7s %6s %5s %9s\n' "$c" "$m" "$total" "$ok" "$cl" "$un" "$cr" "$h" "$p"
    done
  echo
  echo "most frequent error messages (corpus, command, files; the path and numbers left out):"
  for meta in "$WORK"/units/*.meta; do
    id=$(basename "$meta" .meta)
    [ -z "${split[$id]:-}" ] || continue
    read -r mode _ <"$meta"
    # One count per file and message: "storyline: PATH[#RECORD][:LINE]: MESSAGE" → "PATH<tab>MESSAGE".
    sed -nE "s|^storyline: ($CACHE/corpora/[^:#]*)[^:]*:([0-9]+:)? ?(.*)|\1\t\3|p" "$WORK/res/$id.err" |
      sort -u | cut -f2 | sed -E 's/[0-9]+/N/g' | sed "s|^|$(cat "$WORK/units/$id.corpus") $mode |"
  done | sort | uniq -c | sort -k2,3 -k1,1nr | awk '{k=$2" "$3; if (++seen[k] <= 3) print}' | cut -c1-160
  if [ -s "$WORK/findings.txt" ]; then
    echo
    echo "findings (class, corpus, command, file, what; full stderr in $WORK/findings/):"
    sort "$WORK/findings.txt"
  fi
} | tee "$REPORT"

bad=$(awk -v max=$((MAX_RSS_MIB * 1024)) '$7 + $8 > 0 || $9 >= max {n++} END {print n + 0}' "$WORK/rows")
[ "$bad" = 0 ]

#!/usr/bin/env bash
# Property-based check of the HTTP API against its OpenAPI description (crates/server/openapi.json)
# with Schemathesis: every check, loopback only, bounded in examples and in time. Fails on any
# failure Schemathesis reports.
#
# It installs `schemathesis` by package name with pip into a throw-away virtualenv (removed at
# the end), ingests the bundled samples (examples/seeds) into a throw-away store, starts
# `storyline serve` on 127.0.0.1 with ingest on (a random token, passed to Schemathesis), and
# runs `schemathesis run http://127.0.0.1:PORT/api/openapi.json --checks all`.
#
#   scripts/schemathesis.sh                   # defaults: 40 examples per operation, 150 s
#   ST_MAX_EXAMPLES=200 ST_MAX_TIME=900 scripts/schemathesis.sh
#
# Environment: STORYLINE_BIN (a built binary; default: a debug build of the tree, which the
# test suite builds anyway), ST_MAX_EXAMPLES, ST_MAX_TIME (seconds), ST_SEED (default 1, so a
# run is repeatable; `random` for a fresh one), SCHEMATHESIS_VERSION (a pip version spec,
# default any).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
max_examples="${ST_MAX_EXAMPLES:-40}"
max_time="${ST_MAX_TIME:-150}"
seed="${ST_SEED:-1}"

if [ -n "${STORYLINE_BIN:-}" ]; then
    bin=$(realpath "$STORYLINE_BIN")
else
    cargo build --quiet --locked -p storyline --bin storyline
    bin="$root/${CARGO_TARGET_DIR:-target}/debug/storyline"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/storyline-schemathesis.XXXXXX")
server=""
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "==> installing schemathesis into a throw-away virtualenv"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis${SCHEMATHESIS_VERSION:-}"
"$work/venv/bin/schemathesis" --version
echo "    (installed in ${SECONDS} s)"

echo "==> ingesting examples/seeds into a throw-away store"
"$bin" --db "$work/db" ingest examples/seeds

# A free loopback port: bind port 0 and read back what the system gave.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
echo "==> starting storyline serve on 127.0.0.1:$port"
STORYLINE_TOKEN="$token" "$bin" --db "$work/db" serve --addr "127.0.0.1:$port" --allow-ingest \
    >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/api/status', timeout=2)" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$server" 2>/dev/null; then
        echo "storyline serve exited:" >&2
        cat "$work/serve.log" >&2
        exit 1
    fi
    sleep 1
done

echo "==> schemathesis run (--checks all, at most $max_examples examples per operation, $max_time s)"
seed_arg=(--seed "$seed")
[ "$seed" = random ] && seed_arg=()
status=0
(
    cd "$work"   # Schemathesis keeps a cache in its working directory: the throw-away one
    # scripts/schemathesis.toml: per-operation expectations, explained there.
    "$work/venv/bin/schemathesis" --config-file "$root/scripts/schemathesis.toml" run \
        "http://127.0.0.1:$port/api/openapi.json" \
        --checks all \
        --max-examples "$max_examples" \
        --max-time "$max_time" \
        --request-timeout 30 \
        --generation-database none \
        --no-color \
        --header "Authorization: Bearer $token" \
        "${seed_arg[@]}"
) || status=$?
if [ "$status" -ne 0 ]; then
    echo "==> schemathesis reported failures (exit $status); the server's log:" >&2
    tail -n 40 "$work/serve.log" >&2
    exit "$status"
fi
echo "==> schemathesis: 0 failures (the whole script took ${SECONDS} s)"

#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server and STORYLINE_TEST_PG pointing at it:
#
#   scripts/with-postgres.sh cargo test -p store
#
# The server lives in a temporary directory, listens on 127.0.0.1 only (a free port) and on a
# Unix socket in that directory, trusts local connections, and is stopped and deleted when the
# command ends. When STORYLINE_TEST_PG is already set, the command runs against that server.
# When the PostgreSQL binaries are missing they are installed with apt-get (root only; set
# STORYLINE_PG_NO_INSTALL=1 to forbid it); without them the command still runs, and the
# PostgreSQL tests skip (or fail, when CI is set).
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARG...]" >&2
    exit 2
fi
if [ -n "${STORYLINE_TEST_PG:-}" ]; then
    exec "$@"
fi

say() { echo "with-postgres: $*" >&2; }

find_bin() {
    local d
    # Highest major version first.
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then
            echo "$d"
            return 0
        fi
    done
    return 1
}

PGBIN="$(find_bin || true)"
if [ -z "$PGBIN" ] && [ -z "${STORYLINE_PG_NO_INSTALL:-}" ] && [ "$(id -u)" -eq 0 ] \
    && command -v apt-get >/dev/null 2>&1; then
    say "PostgreSQL is not installed; installing the Debian package postgresql"
    export DEBIAN_FRONTEND=noninteractive
    if apt-get update </dev/null >&2 && apt-get install -y --no-install-recommends postgresql </dev/null >&2; then
        PGBIN="$(find_bin || true)"
    else
        say "apt-get could not install postgresql"
    fi
fi
if [ -z "$PGBIN" ]; then
    say "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin); running without STORYLINE_TEST_PG"
    exec "$@"
fi

# postgres refuses to run as root: run the server as an unprivileged user.
RUN=()
if [ "$(id -u)" -eq 0 ]; then
    PGUSER_OS=postgres
    if ! id "$PGUSER_OS" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$PGUSER_OS"
    fi
    if command -v runuser >/dev/null 2>&1; then
        RUN=(runuser -u "$PGUSER_OS" --)
    else
        RUN=(su "$PGUSER_OS" -s /bin/sh -c '"$0" "$@"')
    fi
fi

# As root, the server's user must be able to reach the directory: use /tmp, not root's TMPDIR.
if [ "${#RUN[@]}" -gt 0 ]; then
    TMP="$(mktemp -d /tmp/storyline-pg.XXXXXX)"
else
    TMP="$(mktemp -d "${TMPDIR:-/tmp}/storyline-pg.XXXXXX")"
fi
chmod 700 "$TMP"
if [ "${#RUN[@]}" -gt 0 ]; then
    chown "$PGUSER_OS" "$TMP"
fi
PGDATA="$TMP/data"
LOG="$TMP/server.log"
SERVER_PID=""

# Stop the server: SIGINT is PostgreSQL's "fast shutdown" (roll back, stop at once). The
# postmaster's own pid is in postmaster.pid ($! may be runuser's).
stop_server() {
    local pid
    pid="$(head -n 1 "$PGDATA/postmaster.pid" 2>/dev/null || true)"
    for p in $pid $SERVER_PID; do
        kill -INT "$p" 2>/dev/null || true
    done
    for _ in $(seq 1 100); do
        [ -e "$PGDATA/postmaster.pid" ] || break
        sleep 0.1
    done
    for p in $pid $SERVER_PID; do
        kill -KILL "$p" 2>/dev/null || true
    done
    if [ -n "$SERVER_PID" ]; then
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}

cleanup() {
    local status=$?
    if [ -n "$SERVER_PID" ]; then
        stop_server
    fi
    rm -rf "$TMP"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"${RUN[@]}" "$PGBIN/initdb" -D "$PGDATA" -U storyline --auth=trust -E UTF8 --locale=C -N \
    >"$TMP/initdb.log" 2>&1 </dev/null || {
    cat "$TMP/initdb.log" >&2
    say "initdb failed"
    exit 2
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

PORT=""
for _ in $(seq 1 20); do
    candidate=$((20000 + RANDOM % 40000))
    port_in_use "$candidate" && continue
    "${RUN[@]}" "$PGBIN/postgres" -D "$PGDATA" -k "$TMP" -h 127.0.0.1 -p "$candidate" \
        -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
        -c max_connections=100 >"$LOG" 2>&1 </dev/null &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            break
        fi
        if "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$candidate" 2>/dev/null; then
            PORT="$candidate"
            break 2
        fi
        sleep 0.1
    done
    stop_server
done
if [ -z "$PORT" ]; then
    cat "$LOG" >&2 || true
    say "could not start PostgreSQL"
    exit 2
fi

"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U storyline storyline </dev/null
export STORYLINE_TEST_PG="postgres://storyline@127.0.0.1:$PORT/storyline"
# For tests that stop and start the server themselves.
export STORYLINE_TEST_PG_DATA="$PGDATA"
export STORYLINE_TEST_PG_BIN="$PGBIN"
say "$("$PGBIN/postgres" --version) at $STORYLINE_TEST_PG"

set +e
"$@"
status=$?
set -e
exit "$status"

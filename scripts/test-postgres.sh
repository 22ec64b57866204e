#!/usr/bin/env bash
# Throwaway PostgreSQL server for the test suite, on 127.0.0.1 only.
#
#   bash scripts/test-postgres.sh start   # init (once) + start; idempotent
#   bash scripts/test-postgres.sh url     # SQLAlchemy URL of the test database
#   bash scripts/test-postgres.sh stop    # fast shutdown; harmless if not running
#
# Port: DULUAN_TEST_PG_PORT (default 54329). Cluster, socket and log live in
# var/test-pg/ in the repository, or in /tmp/duluan-test-pg-$PORT when the
# `postgres` OS user (which runs the server when we are root) cannot reach the
# repository, or when the socket path would be too long for a Unix socket.
set -euo pipefail

PORT="${DULUAN_TEST_PG_PORT:-54329}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DB=duluan_test
ROLE=duluan
PASSWORD=duluan

die() { echo "test-postgres: $*" >&2; exit 1; }

# Highest installed server version (a client-only version dir has no postgres binary).
BIN="$(ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -n 1 || true)"
BIN="${BIN%/postgres}"
[ -n "$BIN" ] && [ -x "$BIN/initdb" ] \
    || die "no PostgreSQL server under /usr/lib/postgresql/*/bin (run: bash scripts/system-deps.sh)"

IS_ROOT=0
[ "$(id -u)" -eq 0 ] && IS_ROOT=1

# Run a server-side command as the cluster owner (initdb/pg_ctl refuse root).
as_owner() {
    if [ "$IS_ROOT" -eq 1 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

choose_base() {
    local base="$ROOT/var/test-pg"
    # 107 bytes is the Unix socket path limit; keep a margin.
    if [ "${#base}" -gt 80 ]; then
        echo "/tmp/duluan-test-pg-$PORT"; return
    fi
    if [ "$IS_ROOT" -eq 1 ]; then
        local probe="$ROOT"
        [ -d "$ROOT/var" ] && probe="$ROOT/var"
        if ! runuser -u postgres -- test -x "$probe" 2>/dev/null; then
            echo "/tmp/duluan-test-pg-$PORT"; return
        fi
    fi
    echo "$base"
}

BASE="$(choose_base)"
DATA="$BASE/data"
SOCK="$BASE/run"
LOG="$BASE/postgres.log"

running() {
    [ -f "$DATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

psql_admin() {
    "$BIN/psql" -X -q -h "$SOCK" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
}

init_cluster() {
    mkdir -p "$BASE"
    if [ "$IS_ROOT" -eq 1 ]; then
        chown postgres:postgres "$BASE"
    fi
    chmod 700 "$BASE"
    # A half-made or other-version cluster is worthless: start over.
    local want
    want="$("$BIN/postgres" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')"
    if [ -e "$DATA" ] && [ "$(cat "$DATA/PG_VERSION" 2>/dev/null)" != "$want" ]; then
        rm -rf "$DATA"
    fi
    if [ ! -f "$DATA/PG_VERSION" ]; then
        echo "test-postgres: initdb in $DATA"
        as_owner "$BIN/initdb" -D "$DATA" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
            --auth-local=trust --auth-host=scram-sha-256 >"$BASE/initdb.log" 2>&1 \
            || { cat "$BASE/initdb.log" >&2; die "initdb failed"; }
        # Durability is pointless for a throwaway test server.
        as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<'CONF'

# duluan test server
fsync = off
synchronous_commit = off
full_page_writes = off
unix_socket_permissions = 0700
CONF
    fi
    as_owner mkdir -p "$SOCK"
    as_owner chmod 700 "$SOCK"
}

ensure_db() {
    psql_admin <<SQL
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', '$ROLE', '$PASSWORD')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$ROLE') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', '$DB', '$ROLE')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DB') \gexec
SQL
}

cmd_start() {
    if running; then
        echo "test-postgres: already running ($DATA, port $PORT)"
    else
        init_cluster
        as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
            -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$SOCK" \
            start >/dev/null \
            || { tail -n 20 "$LOG" >&2 || true; die "server did not start (port $PORT in use?)"; }
    fi
    local i
    for i in $(seq 1 60); do
        if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
            ensure_db
            echo "test-postgres: ready on 127.0.0.1:$PORT ($DATA)"
            return 0
        fi
        sleep 0.5
    done
    die "server not ready after 30 s; see $LOG"
}

cmd_stop() {
    if running; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
        echo "test-postgres: stopped"
    else
        echo "test-postgres: not running"
    fi
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    url) echo "postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB" ;;
    *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac

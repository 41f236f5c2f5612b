#!/usr/bin/env bash
# Starts (or finds running) a PostgreSQL server for the tests, as an ordinary process on loopback, and prints its URL.
#
#   scripts/services/postgres.sh [start|stop|restart|url] [DATA_DIR]
#
# start (the default) is idempotent: it installs Debian's `postgresql` when it is missing and we are root, runs
# initdb on first use, starts the server as the `postgres` user on 127.0.0.1:$ORION_POSTGRES_PORT (55432 by
# default) with its socket in /tmp, creates the database `orion_test`, and prints
# postgresql://postgres@127.0.0.1:PORT/orion_test on stdout (everything else goes to stderr). stop is
# `pg_ctl stop -m fast` (what the restart test does to the server in the middle of a hunt).
set -euo pipefail

action="${1:-start}"
data="${2:-${ORION_POSTGRES_DATA:-/tmp/orion-postgres}}"
port="${ORION_POSTGRES_PORT:-55432}"
database="orion_test"
url="postgresql://postgres@127.0.0.1:$port/$database"

log() { echo "postgres.sh: $*" >&2; }

bin=""
for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/pg_ctl" ] && bin="$candidate"
done
if [ -z "$bin" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        log "PostgreSQL is not installed and we are not root: install Debian's postgresql package"
        exit 1
    fi
    log "installing Debian's postgresql"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    for candidate in /usr/lib/postgresql/*/bin; do
        [ -x "$candidate/pg_ctl" ] && bin="$candidate"
    done
    [ -n "$bin" ] || { log "postgresql installed but no pg_ctl found under /usr/lib/postgresql"; exit 1; }
fi

# Runs a PostgreSQL program as the `postgres` user (initdb and the server refuse to run as root).
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
    else
        "$@"
    fi
}

running() { as_postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

start() {
    if [ ! -s "$data/PG_VERSION" ]; then
        mkdir -p "$data"
        if [ "$(id -u)" -eq 0 ]; then
            chown postgres: "$data"
            chmod 700 "$data"
        fi
        as_postgres "$bin/initdb" -D "$data" -A trust -U postgres >"$data.initdb.log" 2>&1 \
            || { log "initdb failed: see $data.initdb.log"; exit 1; }
    fi
    if ! running; then
        (
            # The server outlives this script: it must not inherit the caller's other descriptors. Foundation's
            # Process, for one, learns that its child exited when a socket it passed down is closed, so a server
            # holding it made a test that ran this script wait forever.
            for fd in /proc/$BASHPID/fd/*; do
                fd="${fd##*/}"
                case "$fd" in 0 | 1 | 2 | 255) ;; *) eval "exec $fd>&-" 2>/dev/null || true ;; esac
            done
            as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 30 \
                -o "-k /tmp -c listen_addresses=127.0.0.1 -p $port -c max_connections=300 -c fsync=off" start >&2
        ) || { log "the server did not start: see $data/server.log"; exit 1; }
    fi
    if ! as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
        as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$database" 2>/dev/null || true
    fi
    echo "$url"
}

case "$action" in
    start) start ;;
    stop) running && as_postgres "$bin/pg_ctl" -D "$data" -w stop -m fast >&2 || true ;;
    restart)
        running && as_postgres "$bin/pg_ctl" -D "$data" -w stop -m fast >&2 || true
        start
        ;;
    url) echo "$url" ;;
    *) log "unknown action '$action': use start, stop, restart or url"; exit 2 ;;
esac

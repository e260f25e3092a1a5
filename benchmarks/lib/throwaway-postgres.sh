# Sourced by the benchmark scripts that need a PostgreSQL store: starts a throw-away server (initdb + pg_ctl on a free
# loopback port, fsync on, as a real store would run; as the PostgreSQL store tests do) with one database, sets
# PG_CONNECTION to its connection string, and removes it all when the script exits. scripts/install-postgres.sh installs
# the server binaries.
#   source benchmarks/lib/throwaway-postgres.sh; start_throwaway_postgres DATABASE
start_throwaway_postgres() {
    local database="$1"
    local bin
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
        echo "$(basename "$0"): no PostgreSQL server binaries; run scripts/install-postgres.sh for the PostgreSQL part." >&2
        exit 1
    fi

    local as_postgres=()
    if [ "$(id -u)" -eq 0 ]; then
        as_postgres=(runuser -u postgres --)
    fi

    THROWAWAY_PG_DIR="$(mktemp -d /tmp/causeway-bench-pg-XXXXXX)"
    THROWAWAY_PG_CTL=("${as_postgres[@]}" "$bin/pg_ctl")
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$THROWAWAY_PG_DIR"
    local port
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    trap stop_throwaway_postgres EXIT
    "${as_postgres[@]}" "$bin/initdb" -D "$THROWAWAY_PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C >/dev/null
    "${as_postgres[@]}" "$bin/pg_ctl" -D "$THROWAWAY_PG_DIR/data" -l "$THROWAWAY_PG_DIR/server.log" -w \
        -o "-p $port -k $THROWAWAY_PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null
    "${as_postgres[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$database"
    PG_CONNECTION="Host=127.0.0.1;Port=$port;Username=postgres;Database=$database"
}

stop_throwaway_postgres() {
    "${THROWAWAY_PG_CTL[@]}" -D "$THROWAWAY_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$THROWAWAY_PG_DIR"
}

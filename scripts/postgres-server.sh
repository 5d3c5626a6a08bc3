#!/bin/sh -e
# A private PostgreSQL on 127.0.0.1 for the benchmark's peer (PostGraphile), without systemd.
#   scripts/postgres-server.sh start   install Debian's postgresql if missing, start, create the role
#   scripts/postgres-server.sh stop    stop it and remove its data
#   scripts/postgres-server.sh url DB  print a connection URL for database DB on it
#   scripts/postgres-server.sh sql SQL [DB]   run SQL on it as the superuser
# State lives in $PG_BENCH_DIR (default build/postgres); the port is $PG_BENCH_PORT (default 25432).
# PostgreSQL refuses to run as root: as root, it runs as Debian's postgres user.
DIR=${PG_BENCH_DIR:-$(pwd)/build/postgres}
# Below 32768, where Linux starts its ephemeral ports: no client connection can be holding it.
PORT=${PG_BENCH_PORT:-25432}

url() {
    echo "postgres://todo:todo@127.0.0.1:$PORT/$1"
}

bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

sql() {
    as_owner "$(bin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$PORT" -U postgres \
        -d "${2:-postgres}" -c "$1"
}

running() {
    [ -f "$DIR/data/postmaster.pid" ] && as_owner "$(bin)/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1
}

install() {
    [ -n "$(bin)" ] && return 0
    echo "installing Debian's postgresql" >&2
    if [ "$(id -u)" != 0 ]; then echo "postgresql is missing; install it as root" >&2; exit 1; fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        --no-install-recommends postgresql >/dev/null
}

start() {
    install
    running && return 0
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
    if [ ! -f "$DIR/data/PG_VERSION" ]; then
        as_owner "$(bin)/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 \
            --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1
    fi
    # Sockets in $DIR, TCP on 127.0.0.1 only; the bench's peer and loader connect over TCP.
    as_owner "$(bin)/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
        -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    sql "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'todo') THEN
        CREATE ROLE todo LOGIN PASSWORD 'todo' CREATEDB; END IF; END \$\$;"
    echo "PostgreSQL running on 127.0.0.1:$PORT (data in $DIR)" >&2
}

stop() {
    if running; then
        as_owner "$(bin)/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null
    fi
    rm -rf "$DIR"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) url "${2:?usage: $0 url DATABASE}" ;;
    sql) sql "${2:?usage: $0 sql STATEMENTS [DATABASE]}" "${3:-}" ;;
    *) echo "usage: $0 start|stop|url DATABASE|sql STATEMENTS [DATABASE]" >&2; exit 2 ;;
esac

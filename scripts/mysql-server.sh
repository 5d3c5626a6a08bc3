#!/bin/sh -e
# A private MariaDB (MySQL protocol) on 127.0.0.1 for the tests, without systemd.
#   scripts/mysql-server.sh start   install mariadb-server if missing, start, create the database
#   scripts/mysql-server.sh stop    stop it and remove its data
#   scripts/mysql-server.sh kill    kill it at once (SIGKILL), keeping its data, as a crash would
#   scripts/mysql-server.sh url DB  print a DATABASE_URL for database DB on it
#   scripts/mysql-server.sh sql SQL run SQL on it as root
# State lives in $MYSQL_TEST_DIR (default build/mysql); the port is $MYSQL_TEST_PORT (default 23061).
DIR=${MYSQL_TEST_DIR:-$(pwd)/build/mysql}
# Below 32768, where Linux starts its ephemeral ports: no client connection can be holding it.
PORT=${MYSQL_TEST_PORT:-23061}
SOCKET=$DIR/mysqld.sock

url() {
    echo "mysql://todo:todo@127.0.0.1:$PORT/$1?charset=utf8mb4&connect_timeout=5"
}

sql() {
    mariadb --no-defaults --socket="$SOCKET" -uroot -e "$1"
}

running() {
    [ -f "$DIR/mysqld.pid" ] && kill -0 "$(cat "$DIR/mysqld.pid")" 2>/dev/null
}

install() {
    command -v mariadbd >/dev/null 2>&1 && return 0
    echo "installing Debian's mariadb-server" >&2
    if [ "$(id -u)" != 0 ]; then echo "mariadb-server is missing; install it as root" >&2; exit 1; fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        --no-install-recommends mariadb-server >/dev/null
}

start() {
    install
    running && return 0
    mkdir -p "$DIR"
    if [ ! -d "$DIR/data/mysql" ]; then
        mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$DIR/data" \
            --auth-root-authentication-method=normal >"$DIR/install.log" 2>&1
    fi
    # --no-defaults keeps Debian's /etc/mysql settings (and their port and socket) out.
    mariadbd --no-defaults --user="$(id -un)" --datadir="$DIR/data" --socket="$SOCKET" \
        --port="$PORT" --bind-address=127.0.0.1 --pid-file="$DIR/mysqld.pid" \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
        --max-connections=500 --log-error="$DIR/error.log" >/dev/null 2>&1 &
    i=0
    until mariadb-admin --no-defaults --socket="$SOCKET" -uroot ping >/dev/null 2>&1; do
        i=$((i + 1))
        if [ $i -gt 60 ]; then echo "MariaDB did not start; see $DIR/error.log" >&2; exit 1; fi
        sleep 0.5
    done
    # The test user may create and drop its scratch and test databases.
    mariadb --no-defaults --socket="$SOCKET" -uroot <<SQL
CREATE USER IF NOT EXISTS 'todo'@'127.0.0.1' IDENTIFIED BY 'todo';
CREATE USER IF NOT EXISTS 'todo'@'localhost' IDENTIFIED BY 'todo';
GRANT ALL PRIVILEGES ON *.* TO 'todo'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'todo'@'localhost';
SQL
    echo "MariaDB running on 127.0.0.1:$PORT (data in $DIR)" >&2
}

stop() {
    if running; then
        kill "$(cat "$DIR/mysqld.pid")"
        i=0
        while running && [ $i -lt 60 ]; do i=$((i + 1)); sleep 0.5; done
    fi
    rm -rf "$DIR"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    kill) running && kill -9 "$(cat "$DIR/mysqld.pid")" && rm -f "$DIR/mysqld.pid" ;;
    url) url "${2:?usage: $0 url DATABASE}" ;;
    sql) sql "${2:?usage: $0 sql STATEMENTS}" ;;
    *) echo "usage: $0 start|stop|kill|url DATABASE|sql STATEMENTS" >&2; exit 2 ;;
esac

#!/bin/sh -e
# Runs the test command given as arguments with a private MariaDB, so the tests run on MySQL as well
# as SQLite, and with Debian's redis-server, which the multi-process event tests start. Without root
# (to install them) those tests are skipped, except under CI=true, where a skip is an error.
MYSQL=scripts/mysql-server.sh
if ! command -v redis-server >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "installing Debian's redis-server" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        --no-install-recommends redis-server >/dev/null
fi
started=""
if [ -z "${TEST_MYSQL_URL:-}" ]; then
    if command -v mariadbd >/dev/null 2>&1 || [ "$(id -u)" = 0 ]; then
        [ -f build/mysql/mysqld.pid ] && kill -0 "$(cat build/mysql/mysqld.pid)" 2>/dev/null || started=yes
        $MYSQL start
        TEST_MYSQL_URL=$($MYSQL url todobackend_test)
        export TEST_MYSQL_URL
    else
        echo "MariaDB is not installed and cannot be (not root): the MySQL tests are skipped." >&2
    fi
fi
status=0
"$@" || status=$?
[ -n "$started" ] && $MYSQL stop
exit $status

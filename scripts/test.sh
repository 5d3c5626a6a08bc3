#!/bin/sh -e
# Runs the test command given as arguments with what the tests need beyond the Python packages:
# Debian's MariaDB (a private instance, so the tests run on MySQL as well as SQLite), redis-server
# (the multi-process event tests start their own), Chromium (the GraphiQL browser tests), bats,
# curl and jq (the book's bats acceptance tests), and the JavaScript clients' packages (npm ci).
# What is missing is installed when running as root; otherwise those tests are skipped, except
# under CI=true, where a skip is an error.
MYSQL=scripts/mysql-server.sh

missing=""
for package in mariadb-server redis-server chromium bats curl jq; do
    dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
done
if [ -n "$missing" ] && [ "$(id -u)" = 0 ]; then
    echo "installing Debian's$missing" >&2
    apt-get update -qq
    # shellcheck disable=SC2086 # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        --no-install-recommends $missing >/dev/null
elif [ -n "$missing" ]; then
    echo "not root, so not installing:$missing (the tests that need them are skipped)" >&2
fi

# The JavaScript clients, exactly as locked, whenever the lock is newer than what is installed.
installed=tests/js/node_modules/.package-lock.json
if command -v npm >/dev/null 2>&1 && [ -f tests/js/package-lock.json ] &&
    { [ ! -f $installed ] || [ tests/js/package-lock.json -nt $installed ]; }; then
    npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
fi

started=""
if [ -z "${TEST_MYSQL_URL:-}" ] && command -v mariadbd >/dev/null 2>&1; then
    [ -f build/mysql/mysqld.pid ] && kill -0 "$(cat build/mysql/mysqld.pid)" 2>/dev/null || started=yes
    $MYSQL start
    TEST_MYSQL_URL=$($MYSQL url todobackend_test)
    export TEST_MYSQL_URL
fi
status=0
"$@" || status=$?
[ -n "$started" ] && $MYSQL stop
exit $status

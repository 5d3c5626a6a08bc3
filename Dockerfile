# todobackend: `test` runs the test suite, `release` serves the API. `make test` builds both
# (docker.mk, docker-compose.yml). Every stage starts from the same Python image, so a virtualenv
# built in one stage runs unchanged in another.

# ---- deps: the runtime dependencies, installed once from the lock file --------------------------
# Official slim Python; a newer patch release arrives with `docker compose build --pull`.
FROM python:3.11-slim-bookworm AS deps

# Every image of this project carries the label, so `make clean` finds its dangling images.
LABEL application=todobackend

# uv builds the virtualenv at /opt/venv from the system Python (never a downloaded one), copies
# packages out of its cache mount (hard links cannot cross mounts) and compiles them to bytecode,
# so the app's workers start fast in a release image whose files they cannot write.
ENV UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    UV_NO_BUILD=1

# The uv that the lock file pins; it stays in this stage and `test`, never in `release`.
RUN pip install --no-cache-dir --disable-pip-version-check --root-user-action=ignore uv==0.13.8

# uv reads the project files from the working directory; `test` later copies the source here too.
WORKDIR /app

# Runtime dependencies only, exactly as locked (--locked refuses a lock that is out of date with
# pyproject.toml instead of resolving again). Every locked package ships a wheel for CPython 3.11
# on manylinux, so no compiler is needed; UV_NO_BUILD makes a future source-only dependency fail
# here, loudly, rather than pull in build tools. Only the two dependency files are mounted, so a
# source change does not rerun this step; the cache mount keeps downloads across builds.
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    uv sync --locked --no-dev --no-install-project

# ---- source: the application's files, only those that ship -------------------------------------
FROM python:3.11-slim-bookworm AS source

WORKDIR /app

# What the service runs: its modules, packages and migrations, and GraphiQL's vendored files. No
# tests, benchmarks or build scripts are copied, so none reaches the release image.
COPY app.py settings.py ./
COPY graph graph
COPY migrations migrations
COPY models models
COPY rest rest
COPY todos todos
COPY web web
COPY static static

# Compiled ahead (hash-checked, so a source file mounted over one is never shadowed by a stale
# .pyc), as the release image cannot write bytecode.
RUN python -m compileall -q --invalidation-mode checked-hash /app

# ---- js: the JavaScript client tests' npm packages, exactly as locked (tests/js) ----------------
# npm only here: Debian's npm drags in node-gyp and many node-* packages; the test image needs only
# nodejs and the plain JavaScript files this stage installs.
FROM python:3.11-slim-bookworm AS js

# Debian's Node.js and npm (bookworm: Node 18, which the pinned client versions support).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /js

# Only the lock and its manifest, so a source change does not reinstall them.
COPY tests/js/package.json tests/js/package-lock.json tests/js/.npmrc ./

# Exactly the locked versions; the cache mount keeps downloads across builds.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

# ---- test: runtime plus test dependencies, the whole source; runs the suite -----------------------
FROM deps AS test

# Debian's redis-server (the multi-process event tests start their own), bats, curl and jq (the
# book's bats acceptance cases), nodejs (the JavaScript client tests). Versions come from the base
# image's Debian release (bookworm), as in scripts/test.sh; apt's package lists go in the same
# step, so they never reach a layer.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends redis-server bats curl jq nodejs \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/*

# The dev group added to a copy of the runtime virtualenv, from the same lock (still no resolving).
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    uv sync --locked --no-install-project

# The virtualenv's tools come first; no .pyc or pytest cache written into the source tree, coverage
# data kept out of it too, so the suite runs as any user (docker.mk runs it as the caller's uid).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    COVERAGE_FILE=/tmp/.coverage

# Source last: a change to it rebuilds only this layer, never the dependencies above.
COPY . .

# The JavaScript clients installed in `js`.
COPY --from=js /js/node_modules tests/js/node_modules

# The suite, with JUnit and coverage XML in /reports (a bind mount of build/reports in Compose);
# not the tests that need a browser, a MariaDB server of their own or the repository's Docker files
# (the native run has those).
CMD ["pytest", "-m", "not browser and not outage and not repository", "-p", "no:cacheprovider", "--junitxml=/reports/unittests.xml", "--cov", "--cov-report=xml:/reports/coverage.xml", "--cov-report=term"]

# ---- release: runtime virtualenv and source only, no compiler, non-root ---------------------------
FROM python:3.11-slim-bookworm AS release

# Found by `make clean` like the test image.
LABEL application=todobackend

# A fixed uid and gid (1000), so files shared with the host or a volume have a known owner.
RUN groupadd --gid 1000 app \
    && useradd --uid 1000 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

# The virtualenv's programs first; logs unbuffered; nothing to write bytecode into (all compiled).
# uvicorn reads its worker count from WEB_CONCURRENCY. One by default; with more, set REDIS_URL
# too, so each worker's subscribers get the others' events at once (without it, within 0.5 s).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    WEB_CONCURRENCY=1

# The runtime dependencies exactly as built in `deps`; no resolving, no uv, no test packages.
COPY --from=deps /opt/venv /opt/venv

# The service runs from /app, the migrations (`python -m migrations upgrade`) too.
WORKDIR /app

# The pruned, precompiled source, owned by root: the app user can read it but not change it.
COPY --from=source /app /app

# The app runs unprivileged, as `app`; numeric, so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000

# uvicorn's port; Compose publishes it on a free host port.
EXPOSE 8000

# /health answers 200 only while the database answers; Python's urllib needs no curl in the image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"]

# Exec form: uvicorn (started by web/serve.py, which deals connections to the workers in turn) is
# PID 1 and gets SIGTERM itself. It stops accepting, finishes the requests in flight for at most
# 5 s, then exits, within `docker stop`'s 10 s before SIGKILL. The app comes from its factory;
# forwarded headers count only from FORWARDED_ALLOW_IPS (web/forwarded.py); each response leaves
# in one write (web/protocol.py).
CMD ["python", "-m", "web.serve", "--factory", "app:main", "--no-proxy-headers", "--http", "web.protocol:HttpToolsCoalescing", "--host", "0.0.0.0", "--port", "8000", "--timeout-graceful-shutdown", "5"]

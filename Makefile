# todobackend: `make help` lists the targets. Native targets need Python 3.11+ and make;
# the Docker targets need a Docker engine with Compose v2.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
HOST ?= 127.0.0.1
PORT ?= 8000
REPORTS := build/reports
MYSQL := scripts/mysql-server.sh
HADOLINT := $(BIN)/hadolint
CONTRACT := ../shared/contract/schema.graphql

.PHONY: help install run migrate migrations schema lint check soak bench token persisted-manifest

# The book's Docker targets: version, test, release, clean.
include docker.mk

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# The virtualenv is rebuilt whenever the lock file changes; uv (itself pinned in the lock) installs it.
$(BIN)/.installed: pyproject.toml uv.lock
	test -x $(BIN)/uv || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV) && \
		$(BIN)/python -m pip install -q --disable-pip-version-check uv==$(UV_VERSION); }
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --locked
	touch $@

install: $(BIN)/.installed ## create .venv from the lock file

run: install migrate ## migrate the configured database, then serve on HOST:PORT (default SQLite)
	$(BIN)/python -m web.serve --factory app:main --no-proxy-headers --http web.protocol:HttpToolsCoalescing \
		--host $(HOST) --port $(PORT) --timeout-graceful-shutdown 5

migrate: install ## apply the pending migrations to the configured database
	$(BIN)/python -m migrations upgrade

# aerich works out a change from the models and the last migration file, without a database; the
# MySQL version only picks the column-rename syntax (MySQL 8 and MariaDB 10.5+ share it).
migrations: install ## write migrations for both databases from the models: make migrations NAME=...
	@test -n "$(NAME)" || { echo "usage: make migrations NAME=what_changed"; exit 1; }
	DATABASE_URL=sqlite://build/unused.sqlite3 $(BIN)/python -m migrations new $(NAME)
	DATABASE_URL=mysql://unused@127.0.0.1:1/unused AERICH_MYSQL_VERSION=8.0 \
		$(BIN)/python -m migrations new $(NAME)

token: install ## print a development token for AUTH_MODE=jwt: make token SUB=alice [MINUTES=60]
	@test -n "$(SUB)" || { echo "usage: make token SUB=alice [MINUTES=60]" >&2; exit 2; }
	@PYTHONPATH=. $(BIN)/python scripts/dev-token.py "$(SUB)" $(if $(MINUTES),--minutes $(MINUTES))

persisted-manifest: install ## print a trusted documents manifest of FROM's .graphql files
	@test -n "$(FROM)" || { echo "usage: make persisted-manifest FROM=folder > manifest.json" >&2; exit 2; }
	@PYTHONPATH=. $(BIN)/python scripts/persisted-manifest.py "$(FROM)"

schema: install ## write schema.graphql and possibleTypes.json (Apollo Client's) from the code
	$(BIN)/python -m graph > schema.graphql
	$(BIN)/python -m graph --possible-types > possibleTypes.json

lint: install ## ruff (lint and format), mypy, the import layers, module sizes, hadolint, Compose
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports --no-cache
	scripts/module-sizes.sh
	$(HADOLINT) Dockerfile
	@# Compose needs a Docker client with the compose plugin; CI always has it (the harness).
	@if [ "$$CI" = true ] || docker compose version >/dev/null 2>&1; then \
		echo "$(COMPOSE) config --quiet"; $(COMPOSE) config --quiet; \
	else echo "docker compose is not available here: docker-compose.yml not checked"; fi

check: lint ## lint, check schema.graphql (and possibleTypes.json) is current and contains the contract, run every test
	$(BIN)/python -m graph | diff -u schema.graphql - || { echo "schema.graphql is stale: make schema"; exit 1; }
	$(BIN)/python -m graph --possible-types | diff -u possibleTypes.json - || \
		{ echo "possibleTypes.json is stale: make schema"; exit 1; }
	@# The tests hold the schema to their copy of the contract, which may be ahead of the shared
	@# one (with what its README adds) but must break nothing of it; nor may the schema.
	@if [ -f $(CONTRACT) ]; then echo "scripts/contract-check.py $(CONTRACT) ..."; \
		$(BIN)/python scripts/contract-check.py $(CONTRACT) tests/contract/schema.graphql schema.graphql; fi
	scripts/test.sh $(BIN)/pytest --junitxml=$(REPORTS)/unittests.xml \
		--cov --cov-report=xml:$(REPORTS)/coverage.xml --cov-report=term

SOAK_SECONDS ?= 120
soak: install ## the model-based concurrent test, SOAK_SECONDS (120) per configuration; SEED=... replays
	scripts/test.sh $(BIN)/python -m tests.acceptance.model --seconds $(SOAK_SECONDS) $(if $(SEED),--seed $(SEED))

bench: install ## the service against a raw ceiling and PostGraphile under wrk; QUICK=1, ONLY=peer
	$(BIN)/python bench/run.py $(if $(QUICK),--quick) $(foreach key,$(ONLY),--only $(key))
	$(BIN)/python bench/subscribers.py $(if $(QUICK),--quick)

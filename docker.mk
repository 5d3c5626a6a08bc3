# The Docker workflow: test and release images, the test suite and the acceptance tests in Compose,
# and cleaning up. The Makefile includes this file; `make -f docker.mk TARGET` works alone too.
# Needs a Docker engine with Compose v2 (on a machine without one: ../shared/docker-harness).

# One Compose project for the stack; set another to run a second stack beside it (CI, say).
DOCKER_PROJECT ?= todobackend
COMPOSE := docker compose --project-name $(DOCKER_PROJECT)
# The version the book's `make version` reports: the commit, unless APP_VERSION says otherwise.
APP_VERSION ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
# The test containers run as the caller, so the reports in build/reports are the caller's files.
DOCKER_USER ?= $(shell id -u):$(shell id -g)
DOCKER_REPORTS := build/reports

.PHONY: version test release clean

version: ## print {"Version": "<git short hash>"} (APP_VERSION=... overrides it)
	@echo '{"Version": "$(APP_VERSION)"}'

test: ## build the images (newer bases pulled), run the tests in Docker; reports in build/reports
	mkdir -p $(DOCKER_REPORTS)
	$(COMPOSE) build --pull test release
	$(COMPOSE) run --rm --no-TTY --user $(DOCKER_USER) test

release: ## migrate db, start app, run the acceptance tests against it, print the app's URL
	mkdir -p $(DOCKER_REPORTS)
	$(COMPOSE) run --rm --no-TTY migrate
	$(COMPOSE) up --detach --wait --no-deps redis app
	$(COMPOSE) run --rm --no-TTY --no-deps --user $(DOCKER_USER) acceptance
	@echo "App running at http://localhost:$$($(COMPOSE) port app 8000 | sed 's/.*://')"

clean: ## remove the Docker stack with its volumes, and the dangling todobackend images
	$(COMPOSE) down --volumes --remove-orphans
	docker image prune --force --filter label=application=todobackend

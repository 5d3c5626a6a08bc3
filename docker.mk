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
# AUTH=jwt: `make release` runs the stack in AUTH_MODE=jwt, with a key pair made for the run (the
# app checks tokens with its public half, the acceptance tests sign with its private half).
AUTH ?= none
JWT_KEYS := build/jwt
ifeq ($(AUTH),jwt)
RELEASE_ENV = AUTH_MODE=jwt ACCEPTANCE_AUTH_MODE=jwt \
	JWT_PUBLIC_KEY="$$(awk '{printf "%s\\n", $$0}' $(JWT_KEYS)/public.pem)" \
	ACCEPTANCE_JWT_PRIVATE_KEY="$$(awk '{printf "%s\\n", $$0}' $(JWT_KEYS)/private.pem)"
else ifneq ($(AUTH),none)
$(error AUTH must be none or jwt)
endif
# PERSISTED=only: the production posture of trusted documents. `make release` runs the stack in
# PERSISTED_ONLY mode with a manifest of tests/persisted/'s operations (build/persisted/), and
# the acceptance tests of that mode against it.
PERSISTED ?= any
PERSISTED_MANIFEST := build/persisted/manifest.json
ifeq ($(PERSISTED),only)
RELEASE_ENV += PERSISTED_DOCUMENTS=/persisted/manifest.json PERSISTED_ONLY=true \
	ACCEPTANCE_PERSISTED_ONLY=true ACCEPTANCE_MARKERS=persisted_only
else ifneq ($(PERSISTED),any)
$(error PERSISTED must be any or only)
endif

.PHONY: version test release clean jwt-keys persisted-documents

version: ## print {"Version": "<git short hash>"} (APP_VERSION=... overrides it)
	@echo '{"Version": "$(APP_VERSION)"}'

test: ## build the images (newer bases pulled), run the tests in Docker; reports in build/reports
	mkdir -p $(DOCKER_REPORTS)
	$(COMPOSE) build --pull test release
	$(COMPOSE) run --rm --no-TTY --user $(DOCKER_USER) test

release: ## migrate db, start app, run the acceptance tests against it, print its URL (AUTH=jwt, PERSISTED=only)
	mkdir -p $(DOCKER_REPORTS) $(dir $(PERSISTED_MANIFEST))
	$(if $(filter jwt,$(AUTH)),$(MAKE) --no-print-directory jwt-keys)
	$(if $(filter only,$(PERSISTED)),$(MAKE) --no-print-directory persisted-documents)
	$(COMPOSE) run --rm --no-TTY migrate
	$(RELEASE_ENV) $(COMPOSE) up --detach --wait --no-deps redis app
	$(RELEASE_ENV) $(COMPOSE) run --rm --no-TTY --no-deps --user $(DOCKER_USER) acceptance
	@echo "App running at http://localhost:$$($(COMPOSE) port app 8000 | sed 's/.*://')"

# A new ES256 key pair for each jwt release: nothing of it outlives the stack that uses it.
jwt-keys:
	mkdir -p $(JWT_KEYS)
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $(JWT_KEYS)/private.pem
	openssl pkey -in $(JWT_KEYS)/private.pem -pubout -out $(JWT_KEYS)/public.pem

# The trusted documents' manifest, written by the test image (it has the tests and the tools).
persisted-documents:
	mkdir -p $(dir $(PERSISTED_MANIFEST))
	$(COMPOSE) run --rm --no-TTY --no-deps --user $(DOCKER_USER) --env PYTHONPATH=/app test \
		python scripts/persisted-manifest.py tests/persisted > $(PERSISTED_MANIFEST).new
	mv $(PERSISTED_MANIFEST).new $(PERSISTED_MANIFEST)

clean: ## remove the Docker stack with its volumes, and the dangling todobackend images
	$(COMPOSE) down --volumes --remove-orphans
	rm -rf $(JWT_KEYS) $(dir $(PERSISTED_MANIFEST))
	docker image prune --force --filter label=application=todobackend

# agentgate agent: make help lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

IMAGE ?= agentgate/agent:latest
# The official Alpine Node image by default; where no registry is reachable, the local stand-in if present.
NODE_IMAGE ?= $(shell docker image inspect local/node:24-bookworm-slim >/dev/null 2>&1 && echo local/node:24-bookworm-slim || echo node:24-alpine)
CLAUDE_CODE_VERSION ?= 2.1.330
NPM_CONFIG_REGISTRY ?= $(shell npm config get registry 2>/dev/null || echo https://registry.npmjs.org/)
VERSION := $(shell node -p 'require("./package.json").version')
REVISION := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
export NODE_IMAGE NPM_CONFIG_REGISTRY CLAUDE_CODE_VERSION

.PHONY: help
help: ## List the targets
	@awk 'BEGIN { FS = ":.*## " } /^[a-z-]+:.*## / { printf "  make %-15s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-fund --no-audit

.PHONY: deps
deps: node_modules/.package-lock.json ## Install the npm dependencies (npm ci)

.PHONY: build
build: deps ## Bundle the supervisor into dist/supervisor.cjs
	npm run --silent build

.PHONY: typecheck
typecheck: deps ## Type-check the supervisor and tests
	npx tsc --noEmit

.PHONY: image
image: ## Build the image (NODE_IMAGE=... for another base)
	docker build --network host -f docker/Dockerfile -t $(IMAGE) \
	  --build-arg NODE_IMAGE=$(NODE_IMAGE) --build-arg NPM_CONFIG_REGISTRY=$(NPM_CONFIG_REGISTRY) \
	  --build-arg CLAUDE_CODE_VERSION=$(CLAUDE_CODE_VERSION) --build-arg VERSION=$(VERSION) \
	  --build-arg REVISION=$(REVISION) --build-arg CREATED=$$(date -u +%Y-%m-%dT%H:%M:%SZ) .
	@docker image inspect -f 'built {{index .RepoTags 0}}: {{.Size}} bytes' $(IMAGE)

.PHONY: up
up: ## Build and start the agent with compose (AGENTGATE_PROJECT_DIR=... for your project)
	docker compose up --build agent

.PHONY: down
down: ## Stop and remove the compose containers (volumes are kept)
	docker compose down

.PHONY: attach
attach: ## Attach to the agent's tmux session (detach with Ctrl-b d)
	docker compose exec agent tmux attach -t agent

.PHONY: logs
logs: ## Follow the supervisor's logs
	docker compose logs -f agent

.PHONY: shell
shell: ## A bash shell in the running agent container
	docker compose exec agent bash

.PHONY: test
test: build ## All tests: unit, integration (root) and container (when an engine is reachable)
	npx vitest run

.PHONY: test-unit
test-unit: deps ## Unit tests only
	npx vitest run test/unit

.PHONY: test-container
test-container: build ## Container tests only (needs a Docker engine)
	npx vitest run test/container

.PHONY: lint
lint: typecheck ## Type-check, lint the Dockerfile and shell scripts, validate compose
	npx --yes dockerfile-utils@0.16.3 lint docker/Dockerfile
	shellcheck docker/*.sh test/fixtures/*.sh .ci/run
	docker compose config -q

.PHONY: bench
bench: build ## Benchmarks beside their baselines; writes bench/results/latest.md
	node bench/run.mjs

.PHONY: clean
clean: ## Remove build output and test images
	rm -rf dist coverage
	-docker image rm agentgate/agent:test 2>/dev/null

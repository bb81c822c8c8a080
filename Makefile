# agentgate agent: make help lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

IMAGE ?= agentgate/agent:latest
# compose runs the image make builds: IMAGE=... reaches compose as AGENTGATE_IMAGE.
export AGENTGATE_IMAGE := $(IMAGE)
# The official Alpine Node image by default; where no registry is reachable, the local stand-in if present.
NODE_IMAGE ?= $(shell docker image inspect local/node:24-bookworm-slim >/dev/null 2>&1 && echo local/node:24-bookworm-slim || echo node:24-alpine)
# Written once, in the Dockerfile's global ARG; CLAUDE_CODE_VERSION=... (or none) overrides it, an empty one does not.
CLAUDE_CODE_VERSION := $(or $(CLAUDE_CODE_VERSION),$(shell sed -n 's/^ARG CLAUDE_CODE_VERSION=//p' docker/Dockerfile))
NPM_CONFIG_REGISTRY ?= $(shell npm config get registry 2>/dev/null || echo https://registry.npmjs.org/)
VERSION := $(shell node -p 'require("./package.json").version')
REVISION := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
export NODE_IMAGE NPM_CONFIG_REGISTRY CLAUDE_CODE_VERSION

# PROJECT=~/code/x (relative to where you stand) is the project directory; the agent on it is found by that
# directory, never by a name made from it (another directory's agent may have that name). NAME=... to choose one.
ifdef PROJECT
PROJECT_DIR := $(shell cd "$(PWD)" 2>/dev/null && realpath -e -- "$(patsubst ~%,$(HOME)%,$(PROJECT))" 2>/dev/null)
export AGENTGATE_PROJECT_DIR := $(PROJECT_DIR)
endif
export COMPOSE_PROJECT_NAME := agentgate$(if $(NAME),-$(NAME))
# Engines older than 25 refuse healthcheck.start_interval: add the override that drops it.
ENGINE_API := $(shell docker version -f '{{.Server.APIVersion}}' 2>/dev/null)
COMPOSE_FILE ?= compose/compose.yaml
ifneq ($(ENGINE_API),)
ifneq ($(firstword $(shell printf '%s\n' "$(ENGINE_API)" 1.44 | sort -V)),1.44)
COMPOSE_FILE := $(COMPOSE_FILE):compose/engine-pre-25.yaml
endif
endif
export COMPOSE_FILE
# Docker refuses a CPU limit above the host's count: up to 2, never more than the host has.
AGENTGATE_CPUS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ "$$n" -gt 2 ] && n=2; echo $$n)
export AGENTGATE_CPUS

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
image: ## Build the image (NODE_IMAGE=... for another base; AGENTS=claude,codex,gemini,opencode,copilot for more agents)
	docker build --network host -f docker/Dockerfile -t $(IMAGE) \
	  --build-arg NODE_IMAGE=$(NODE_IMAGE) --build-arg NPM_CONFIG_REGISTRY=$(NPM_CONFIG_REGISTRY) \
	  $(if $(AGENTS),--build-arg AGENTS=$(AGENTS)) \
	  --build-arg CLAUDE_CODE_VERSION=$(CLAUDE_CODE_VERSION) --build-arg VERSION=$(VERSION) \
	  --build-arg REVISION=$(REVISION) --build-arg CREATED=$$(date -u +%Y-%m-%dT%H:%M:%SZ) .
	@docker image inspect -f 'built {{index .RepoTags 0}}: {{.Size}} bytes' $(IMAGE)

# Release builds (docker-bake.hcl): linux/amd64 and linux/arm64, the default and the CUDA variant. Needs a
# buildx builder that can build for both (docker buildx create --use --driver docker-container) and a registry login.
BAKE_ENV = VERSION=$(VERSION) REVISION=$$(git rev-parse HEAD) CREATED=$$(date -u +%Y-%m-%dT%H:%M:%SZ) \
  NPM_CONFIG_REGISTRY=$(NPM_CONFIG_REGISTRY) CLAUDE_CODE_VERSION=$(CLAUDE_CODE_VERSION)

.PHONY: release-plan
release-plan: ## Print what `make release` would build and tag, without building
	$(BAKE_ENV) docker buildx bake --print release

.PHONY: release
release: ## Build and push vX.Y.Z, vX.Y, vX, latest and sha-<commit> (+ -cuda) from package.json's version
	@git diff --quiet HEAD || { echo "make: the tree has uncommitted changes; a release is built from a commit" >&2; exit 2; }
	$(BAKE_ENV) docker buildx bake --push release

.PHONY: release-dev
release-dev: ## Build and push dev and sha-<commit> (+ -cuda)
	$(BAKE_ENV) VERSION= docker buildx bake --push dev

# The everyday targets are thin calls of the host command (dist/agentgate.cjs, `make install` puts it on PATH).
AGENTGATE := node dist/agentgate.cjs
# The agent these targets mean: NAME=..., else the one on PROJECT's directory, else the sample workspace's agent.
AGENT_NAME = $(or $(NAME),$(if $(PROJECT),"$(PROJECT_DIR)",sample))

.PHONY: check-project
check-project:
	@if [ -n "$(PROJECT)" ] && [ -z "$(PROJECT_DIR)" ]; then \
	  echo "make: PROJECT=$(PROJECT) does not exist (relative paths are resolved from $(PWD)); give a directory that exists" >&2; exit 2; fi

.PHONY: install
install: build ## Put the agentgate command on PATH (npm install -g . from this clone)
	npm install -g --no-fund --no-audit .
	@echo "installed: $$(command -v agentgate) ($$(agentgate --version))"

.PHONY: up
up: build check-project ## Start the agent (PROJECT=~/code/x for your project; the sample workspace without; ARGS='--ssh 2222' for more), wait until healthy
	@$(AGENTGATE) up $(if $(PROJECT),"$(PROJECT_DIR)",--sample) $(if $(NAME),--name $(NAME)) --image $(IMAGE) $(ARGS)
	@command -v agentgate >/dev/null || echo "  (agentgate is not on PATH until make install; meanwhile: make attach$(if $(NAME), NAME=$(NAME))$(if $(PROJECT), PROJECT=$(PROJECT)))"

.PHONY: down
down: build check-project ## Stop and remove the agent's container (its state volume is kept)
	@$(AGENTGATE) rm $(AGENT_NAME)

.PHONY: attach
attach: build check-project ## Attach to the agent's tmux session (detach with Ctrl-b d; READ_ONLY=1 to watch)
	@$(AGENTGATE) attach $(AGENT_NAME) $(if $(READ_ONLY),--read-only)

.PHONY: status
status: build check-project ## The agent's health report for people
	@$(AGENTGATE) status $(AGENT_NAME)

.PHONY: ls
ls: build ## Every agent on this engine (compose, Swarm, docker run, agentgate up), most urgent first
	@$(AGENTGATE) ls

.PHONY: ps
ps: ## The agentgate compose projects on this engine
	docker compose ls --all --filter name=agentgate

.PHONY: logs
logs: build check-project ## Follow the supervisor's logs
	@$(AGENTGATE) logs -f $(AGENT_NAME)

.PHONY: shell
shell: build check-project ## A bash shell in the running agent container
	@$(AGENTGATE) exec $(AGENT_NAME) --tty -- bash

.PHONY: test
test: build ## All tests but multinode: unit, integration, deploy and container (when an engine is reachable)
	npx vitest run --project '!multinode'

.PHONY: test-unit
test-unit: deps ## Unit tests only (pure logic, seconds)
	npx vitest run --project unit

.PHONY: test-integration
test-integration: build ## Integration tests only: the real bundle, tmux, git and sshd on this machine
	npx vitest run --project integration

.PHONY: test-deploy
test-deploy: deps ## Deploy tests only: the Helm chart and the release plan
	npx vitest run --project deploy

.PHONY: test-container
test-container: build ## Container tests only (needs a Docker engine; builds the test image first)
	npx vitest run --project container

.PHONY: test-swarm-nodes
test-swarm-nodes: build ## The Swarm stack on two Docker-in-Docker nodes: spread, drain (privileged containers, minutes)
	npx vitest run --project multinode

.PHONY: lint
lint: typecheck ## Type-check, lint the Dockerfile and shell scripts, validate compose
	npx --yes dockerfile-utils@0.16.3 lint docker/Dockerfile
	shellcheck docker/*.sh test/fixtures/*.sh test/fixtures/docker-node/*.sh .ci/run
	docker compose -f compose/compose.yaml config -q
	docker compose -f compose/compose.yaml -f compose/engine-pre-25.yaml config -q
	AGENTGATE_SSH_KEYS=compose/no-credentials.json docker compose -f compose/compose.yaml -f compose/ssh.yaml config -q
	docker compose -f compose/compose.yaml -f compose/egress.yaml config -q
	docker compose -f compose/compose.yaml -f compose/gpu.yaml config -q
	docker stack config -c compose/stack.yaml >/dev/null
	docker stack config -c compose/stack.yaml -c compose/stack-host-network.yaml >/dev/null

.PHONY: bench
bench: build ## Benchmarks beside their baselines; writes bench/results/latest.md
	node bench/run.mjs

.PHONY: bench-cli
bench-cli: build ## The host command's figures alone (up, ls with 20 agents, its start); writes bench/results/cli.md
	node bench/cli.mjs

.PHONY: docs
docs: deps ## Regenerate docs/configuration.md from the config schema (a unit test fails when it is stale)
	npx esbuild scripts/gen-config-docs.ts --bundle --platform=node --format=esm --log-level=warning --outfile=dist/gen-config-docs.mjs
	node dist/gen-config-docs.mjs

.PHONY: clean
clean: ## Remove build output and test images
	rm -rf dist coverage
	-docker image rm agentgate/agent:test 2>/dev/null

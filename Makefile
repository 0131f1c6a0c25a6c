# Vigor: `make run` installs and starts the app; `make test` installs and runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 3000
export PATH := $(abspath $(BIN)):$(PATH)
export REFLEX_USE_NPM := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run serve-prod test install install-dev lint unit e2e browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/python -m vigor_app migrate
	@echo "Vigor is starting: open http://localhost:$(PORT) once the build finishes."
	$(BIN)/reflex run --env prod --single-port --frontend-port $(PORT) --backend-port $(PORT)

# Several workers on PostgreSQL (DATABASE_URL) and Redis (REDIS_URL): see docs/operations.md.
serve-prod: install
	bash scripts/serve_prod.sh $(PORT)

lint: install-dev
	@bash scripts/timed.sh lint $(BIN)/ruff check .

unit: install-dev
	@bash scripts/timed.sh "unit and state tests" $(BIN)/pytest tests --ignore=tests/e2e -q

browser: install-dev
	@bash scripts/ensure_chromium.sh

e2e: install-dev browser
	@bash scripts/timed.sh "browser tests" $(BIN)/pytest tests/e2e -q -p no:asyncio

test: lint unit e2e

clean:
	rm -rf .web .states $(VENV)

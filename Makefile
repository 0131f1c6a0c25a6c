# Vigor: `make run` installs and starts the app; `make test` installs and runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 3000
# Processes the unit and state tests run in (pytest-xdist): one per core by default; an idle
# process takes waiting tests from a busy one (--dist worksteal), so one long test holds up no one.
TEST_WORKERS ?= auto
export PATH := $(abspath $(BIN)):$(PATH)
export REFLEX_USE_NPM := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run serve-prod test install install-dev lock lint typecheck unit coach-eval e2e browser clean

# Installs come from the lock files only: every package pinned, every file checked against its
# sha256, and pip (which resolves dependencies, no --no-deps) refuses to install a dependency that
# the lock lacks on this platform. pip itself is installed first, at the version
# requirements-pip.lock pins. `make lock` rewrites the locks from requirements*.txt.
PIP_INSTALL := $(BIN)/python -m pip install --quiet --require-hashes
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-pip: requirements-pip.lock | $(BIN)/python
	$(PIP_INSTALL) -r requirements-pip.lock
	touch $@

$(VENV)/.installed: requirements.lock $(VENV)/.installed-pip
	$(PIP_INSTALL) -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed
	$(PIP_INSTALL) -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# Rewrite the locks after editing requirements*.txt, with the hashes of every file PyPI has for
# each version. Versions already locked stay where the inputs allow them; `make lock UPGRADE=1`
# moves every package to its newest allowed release. requirements-dev.txt is constrained by
# requirements.lock, so that lock is written first. The next `make` installs the new locks.
lock: install-dev
	$(PIP_COMPILE) --output-file requirements-pip.lock requirements-pip.txt
	$(PIP_COMPILE) --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) --output-file requirements-dev.lock requirements-dev.txt

run: install
	$(BIN)/python -m vigor_app migrate
	@echo "Vigor is starting: open http://localhost:$(PORT) once the build finishes."
	$(BIN)/reflex run --env prod --single-port --frontend-port $(PORT) --backend-port $(PORT)

# Several workers on PostgreSQL (DATABASE_URL) and Redis (REDIS_URL): see docs/operations.md.
serve-prod: install
	bash scripts/serve_prod.sh $(PORT)

lint: install-dev
	@bash scripts/timed.sh lint $(BIN)/ruff check .

typecheck: install-dev
	@bash scripts/timed.sh "type check" $(BIN)/mypy

unit: install-dev
	@bash scripts/timed.sh "unit and state tests" $(BIN)/pytest tests --ignore=tests/e2e -q -n $(TEST_WORKERS) --dist worksteal

# The built-in coach asked the labelled questions of tests/coach_eval (docs/coach.md): prints the
# figures and fails when resolution, flagging or false flags miss their floors.
coach-eval: install-dev
	@bash scripts/timed.sh "coach evaluation" $(BIN)/python -m tests.coach_eval

browser: install-dev
	@bash scripts/ensure_chromium.sh

e2e: install-dev browser
	@bash scripts/timed.sh "browser tests" $(BIN)/pytest tests/e2e -q -p no:asyncio

test: lint typecheck unit coach-eval e2e

clean:
	rm -rf .web .states $(VENV)

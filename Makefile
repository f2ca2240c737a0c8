# Baton — the two commands a newcomer needs are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench venv translations lock clean

$(STAMP): requirements/lock.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Baton needs Python 3.11 (set PYTHON=/path/to/python3.11)")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/lock.txt
	@touch $(STAMP)

venv: $(STAMP)

translations: venv
	@$(PY) manage.py build_translations

## Run Baton embedded: SQLite in var/, demo company on first start, web server and worker.
run: translations
	@bash scripts/run.sh

## The whole suite: lint, types, checks, tests on SQLite and PostgreSQL, browser tests.
test: translations
	@bash scripts/test.sh

## Benchmarks B1–B6 on PostgreSQL against hand-written SQL (docs/benchmarks.md); BENCH_ARGS="--scale small".
bench: translations
	@bash scripts/bench.sh

## Re-pin every dependency (after editing pyproject.toml).
lock: venv
	$(VENV)/bin/pip-compile --quiet --extra dev --no-emit-index-url --no-emit-find-links --strip-extras \
		-o requirements/lock.txt pyproject.toml

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

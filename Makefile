# The two commands a newcomer needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
# The first Python from 3.11 to 3.13 on the PATH (choose one: make run PYTHON=python3.12).
SUPPORTED_PYTHON := import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))
PYTHON ?= $(shell for p in python3.11 python3.12 python3.13 python3 python; do \
	command -v $$p >/dev/null 2>&1 && $$p -c '$(SUPPORTED_PYTHON)' 2>/dev/null && { echo $$p; break; }; \
	done)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: run test lint format install install-test messages translations bench bench-scale worker beat clean docs-screenshots

# uv installs in seconds where pip takes minutes; pip stays the fallback when uv can't be had.
define pip_install
	if [ -x $(BIN)/uv ]; then $(BIN)/uv pip install --quiet --python $(PY) $(1); \
	else $(PY) -m pip install --quiet $(1); fi
endef

$(BIN)/activate:
	@test -n "$(PYTHON)" || { echo "Python 3.11, 3.12 or 3.13 is needed and none is on the PATH."; \
		echo "Install one (Debian/Ubuntu: sudo apt install python3 python3-venv), or name it: make run PYTHON=/path/to/python3.12"; exit 1; }
	@$(PYTHON) -c '$(SUPPORTED_PYTHON)' || { echo "$(PYTHON) does not run, or is not Python 3.11 to 3.13."; exit 1; }
	@echo "Using $$($(PYTHON) -c 'import sys; print(sys.executable, sys.version.split()[0])')"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv \
		|| $(PY) -m pip install --quiet --upgrade pip setuptools wheel

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(call pip_install,-e .)
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(call pip_install,-e ".[test]")
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

translations: install
	DEBUG=1 $(MANAGE) compile_translations

run: install translations
	DEBUG=1 $(MANAGE) migrate --noinput
	DEBUG=1 $(MANAGE) seed_demo
	@echo "Portal on http://$(HOST):$(PORT)/ — demo accounts are listed in README.md"
	DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

lint: install-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	TESTING=1 $(MANAGE) makemigrations --check --dry-run

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install-test lint translations
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Extract the French source texts into locale/en/LC_MESSAGES/django.po (then translate).
messages: install
	TESTING=1 $(MANAGE) makemessages -l en --no-obsolete --add-location file --ignore ".venv/*" --ignore "var/*" --ignore "tests/*" --ignore "bench/*" --ignore "*/migrations/*"
	DEBUG=1 $(MANAGE) compile_translations

bench: install-test translations
	TESTING=1 $(PY) -m bench

# Scale benchmark (README "Scale benchmark"): loads BENCH_INVOICES invoices into an empty
# PostgreSQL database named bench_scale* by COPY, then measures the pages through gunicorn.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench_scale
BENCH_INVOICES ?= 2000000
bench-scale: install-test translations
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench.scale run --invoices $(BENCH_INVOICES) $(BENCH_ARGS)

# The screenshots of the user guides (docs/guide/): docs/img/*.png, 1280x800, French UI,
# taken on the demo data by the browser test that also checks those pages in `make test`.
docs-screenshots: install-test translations
	DOCS_SCREENSHOTS=1 $(BIN)/pytest -q -p no:xdist tests/e2e/test_docs_screenshots.py

worker: install
	$(BIN)/celery -A portal worker --loglevel INFO

beat: install
	$(BIN)/celery -A portal beat --loglevel INFO

clean:
	rm -rf $(VENV) var/staticfiles

# The two commands a newcomer needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: run test lint format install install-test messages translations bench worker beat clean

$(BIN)/activate:
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools wheel

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test]"
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

worker: install
	$(BIN)/celery -A portal worker --loglevel INFO

beat: install
	$(BIN)/celery -A portal beat --loglevel INFO

clean:
	rm -rf $(VENV) var/staticfiles

# Citizen portal. `make help` lists the targets; `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run serve test test-fast lint format check messages lock bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(PY):
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed ## Create .venv if missing and install the pinned dependencies

run: install ## Set up, load the demo municipality, serve the site, the worker and the SMS stand-in (Ctrl-C stops all)
	$(MANAGE) migrate --noinput
	$(MANAGE) compiletranslations
	$(MANAGE) load_demo
	$(MANAGE) setup_schedules
	@echo "Serving http://$(HOST):$(PORT)/ with the task worker; SMS texts are printed below by the stand-in. Ctrl-C stops all."
	@trap 'kill 0' INT TERM; $(MANAGE) sms_gateway_standin & $(MANAGE) qcluster & $(MANAGE) runserver $(HOST):$(PORT) & wait

test: install ## Install what is missing and run the whole suite
	$(MANAGE) compiletranslations
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install ## ruff lint and format check, then the import contracts between rooms (pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install ## Apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install ## Django checks, missing migrations, untranslated strings
	DJANGO_SETTINGS_MODULE=portal.settings.test $(MANAGE) check
	DJANGO_SETTINGS_MODULE=portal.settings.test $(MANAGE) makemigrations --check --dry-run
	$(MAKE) messages
	$(MANAGE) checktranslations

messages: install ## Refresh locale/ from the code (needs GNU gettext); English is filled from msgids
	$(MANAGE) makemessages -l th -l en --no-location --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'media/*' --ignore 'bench/*' --ignore 'tests/*'
	$(MANAGE) makemessages -d djangojs -l th -l en --no-location --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'media/*' --ignore 'bench/*' --ignore 'tests/*' --ignore 'static/vendor/*'  # portal/upstream_messages.js: Wagtail's JavaScript gaps
	$(MANAGE) checktranslations --fill-english || true

lock: | $(PY) ## Re-pin requirements*.txt from requirements*.in
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

bench: install ## Measure pages, form submissions, the million-case queue, then 1,000 offices with 2M cases, areas and public reports (needs wrk)
	@command -v wrk >/dev/null || { echo "make bench needs wrk: apt-get install wrk"; exit 1; }
	$(PY) -m bench $(BENCH_ARGS)
	$(PY) -m bench.offices $(BENCH_OFFICES_ARGS)  # 1,000 offices and 2,000,000 cases on PostgreSQL
	$(PY) -m bench.areas  # point-in-area matching with 200 areas (SQLite)
	$(PY) -m bench.places $(BENCH_PLACES_ARGS)  # public reports' GeoJSON at 1,000,000 cases, the map on a throttled phone
	$(PY) -m bench.line  # LINE webhook p95 at 50 concurrent senders; 50 residents reporting by chat at once

clean: ## Remove the virtualenv, the SQLite database and collected files
	rm -rf $(VENV) db.sqlite3* staticfiles var

# Two commands for a newcomer: `make run` and `make test`. Both set up everything.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

# Development defaults; production sets its own environment (see README).
export DEBUG ?= true

.PHONY: run test test-faults lint format migrate seed lock bench clean

$(STAMP): requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $(STAMP)

var:
	mkdir -p var/mail var/media

migrate: $(STAMP) var
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo --if-empty

run: seed
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -ll -c pyproject.toml -r . -x "./.venv,./var,./tests,./bench,*/tests/*,./conftest.py"

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The suite runs on every core (pytest-xdist; each worker has its own test database; an
# idle worker takes tests queued for the other, so the slow browser tests do not make a tail).
# One worker more than cores: a browser test waits on Chromium and its live server in turn,
# and the extra worker fills those waits (on 2 cores: 4:25 with 2 workers, 4:03 with 3).
# `make test PYTEST_WORKERS=0` runs it in one process.
PYTEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))

test: $(STAMP) var lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal

# Fault and recovery tests: they stop and start the database, so they need the
# throwaway cluster of .ci/pg.sh (PG_BIN, PGDATA, PGPORT); .ci/run calls this last.
test-faults: $(STAMP) var
	$(BIN)/pytest -m faults tests/faults

# Regenerate the lock files after changing pyproject.toml (needs uv: pip install uv).
# requirements.lock is development and CI (with the dev extra); requirements.prod.lock
# is what the production image installs, without test tools.
lock:
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock
	uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements.prod.lock

clean:
	rm -rf $(VENV) var

# Benchmarks (needs root for the throwaway PostgreSQL cluster and wrk): prints figures.
bench: $(STAMP)
	bash bench/run

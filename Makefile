# facilitator: `make run` serves the app at http://127.0.0.1:5000 (and the participant pages on the
# room's Wi-Fi: room mode, facilitator/room.py), `make test` runs every test.
# Both set up everything they need on a fresh Debian machine first.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
PYTEST := $(BIN)/python -m pytest
POSTGRES_URL ?= postgresql+psycopg://127.0.0.1:5432/test

.PHONY: run serve install install-test system-deps system-deps-test migrate library test test-fast test-postgres check bench clean

$(BIN)/python:
	@echo "Making the virtual environment .venv (first run only)."
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip

# setuptools prints an "Editable installation" notice box on every editable install; only that
# module's notice is silenced, any other build warning still shows.
QUIET_EDITABLE := PYTHONWARNINGS=ignore::UserWarning:setuptools.command.editable_wheel
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "Installing the Python packages into .venv (a minute or two the first time)."
	@$(QUIET_EDITABLE) $(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(QUIET_EDITABLE) $(BIN)/python -m pip install -q -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

system-deps:
	@bash .ci/system-deps.sh run

system-deps-test:
	bash .ci/system-deps.sh test

migrate: install
	@$(FLASK) db upgrade

library: migrate
	@$(FLASK) library sync

# Your pages on 127.0.0.1:5000 only; unless PUBLIC_BASE_URL is set, the participant pages alone on
# the laptop's network address too (ROOM_HOST:ROOM_PORT), where the QR codes then lead.
run: system-deps library
	@$(FLASK) start --port 5000

# For a practice's server: migrations once, the library, then gunicorn's workers (docs/deploy.md).
serve: system-deps library
	$(BIN)/gunicorn -c python:facilitator.gunicorn_conf app:app

check: install
	$(FLASK) library check

# Everything, on SQLite, then the database-facing tests again on PostgreSQL.
test: system-deps-test install-test
	$(FLASK) library check
	$(PYTEST) -q
	FACILITATOR_TEST_DB=postgresql FACILITATOR_TEST_POSTGRES_URL=$(POSTGRES_URL) $(PYTEST) -q -m "not browser and not pdf and not slow"

# The quick part alone: no browser, no PDF rendering, no servers.
test-fast: install-test
	$(PYTEST) -q -m "not browser and not pdf and not slow"

test-postgres: install-test
	FACILITATOR_TEST_DB=postgresql FACILITATOR_TEST_POSTGRES_URL=$(POSTGRES_URL) $(PYTEST) -q

# The published figures, each a ratio against a baseline measured in the same run (docs name them).
bench: system-deps-test install-test
	$(BIN)/python bench/planner.py
	$(BIN)/python bench/handouts.py
	$(BIN)/python bench/submissions.py
	$(BIN)/python bench/scale_out.py
	$(BIN)/python bench/backup.py

clean:
	rm -rf $(VENV) .pytest_cache

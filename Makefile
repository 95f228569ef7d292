# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := wsgi.py

.PHONY: run test install lint bench db demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

db: install
	$(BIN)/flask db upgrade
	$(BIN)/flask data demo
	$(BIN)/flask search sync
	$(BIN)/flask board sync

run: db
	bash scripts/run-dev.sh "$(HOST)" "$(PORT)"

# Everything on SQLite, then again on PostgreSQL every test that uses a database (the browser
# tests exercise no other SQL: they run once).
test: install
	bash scripts/install-test-deps.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	$(BIN)/python -m pytest --db=postgres -m "not browser" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python -m bench.relevance
	$(BIN)/python -m bench.speed

clean:
	rm -rf $(VENV) instance .pytest_cache

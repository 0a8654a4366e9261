# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast lint typecheck bench validate

# The slow lanes (markers registered in pyproject.toml, listed in README.md "Development"):
# the browser suite, a PostgreSQL cluster, nginx in front of app servers, generated data of
# thousands of units, git repositories. `make test-fast` leaves them out.
SLOW := browser or postgres or nginx or scale or git

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The app is installed in editable mode (`pip install -e .`): `import directory` works from
# any folder and `landkort` is on the venv's PATH; no sys.path edits anywhere.
$(VENV)/.run-installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(VENV)/.run-installed $@

## Install and start the app on the bundled demo data (or $LANDKORT_DATA), on $(PORT).
## The port is given to Streamlit, so it serves exactly the address printed (or stops when
## the port is taken): `PORT=8601 make run`.
PORT ?= 8501
run: $(VENV)/.run-installed
	@echo "Kommunalt landkort: http://127.0.0.1:$(PORT) (bound to 127.0.0.1 only, so without sign-in you get the staff view; to serve the network set up sign-in, see README)"; LANDKORT_DATA=$${LANDKORT_DATA:-data} $(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT)

## Install and run the checks: lint, format, types, then the whole test suite (unit,
## AppTest and the browser tests in Debian's chromium: `apt-get install chromium`).
## Everything but the browser runs on both cores; the browser tests (each a server and a
## Chromium of its own) run one at a time: two at once on two cores ran into their timeouts.
test: lint typecheck $(VENV)/.dev-installed
	$(BIN)/python -m pytest -n 2 -m "not browser"
	$(BIN)/python -m pytest -m browser

## The same checks and every test not in a slow lane ($(SLOW)), on both cores: the
## few minutes' check while working.
test-fast: lint typecheck $(VENV)/.dev-installed
	$(BIN)/python -m pytest -n 2 -m "not ($(SLOW))"

## ruff (lint and format) and lint-imports (the layers, pyproject.toml).
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## Type-check the core packages (directory, search) with mypy; settings in pyproject.toml.
typecheck: $(VENV)/.dev-installed
	$(BIN)/python -m mypy

validate: $(VENV)/.run-installed
	$(BIN)/landkort validate data

bench: $(VENV)/.dev-installed
	$(BIN)/python -m benchmarks

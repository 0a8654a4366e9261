# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck bench validate

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

## Install and start the app on the bundled demo data (or $LANDKORT_DATA).
run: $(VENV)/.run-installed
	@echo "Kommunalt landkort: http://127.0.0.1:8501 (bound to 127.0.0.1 only, so without sign-in you get the staff view; to serve the network set up sign-in, see README)"; LANDKORT_DATA=$${LANDKORT_DATA:-data} $(BIN)/streamlit run app.py --server.address 127.0.0.1

## Install and run the checks: lint, format, types, then the whole test suite (unit,
## AppTest and the browser tests in Debian's chromium: `apt-get install chromium`).
test: lint typecheck $(VENV)/.dev-installed
	$(BIN)/python -m pytest

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

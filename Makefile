# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck bench validate

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.run-installed $@

## Install and start the app on the bundled demo data (or $LANDKORT_DATA).
run: $(VENV)/.run-installed
	LANDKORT_DATA=$${LANDKORT_DATA:-data} $(BIN)/streamlit run app.py

## Install and run the tests (lint, unit, AppTest, and browser tests when chromium is there).
test: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest

## Type-check the core packages (directory, search) with mypy; settings in pyproject.toml.
typecheck: $(VENV)/.dev-installed
	$(BIN)/python -m mypy

validate: $(VENV)/.run-installed
	$(BIN)/python -m directory validate data

bench: $(VENV)/.dev-installed
	$(BIN)/python -m benchmarks

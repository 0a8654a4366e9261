# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench validate

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
	@echo "Kommunalt landkort: http://127.0.0.1:8501 (bound to 127.0.0.1 only, so without sign-in you get the staff view; to serve the network set up sign-in, see README)"; LANDKORT_DATA=$${LANDKORT_DATA:-data} $(BIN)/streamlit run app.py --server.address 127.0.0.1

## Install and run the tests (lint, unit, AppTest, and browser tests when chromium is there).
test: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

validate: $(VENV)/.run-installed
	$(BIN)/python -m directory validate data

bench: $(VENV)/.dev-installed
	$(BIN)/python -m benchmarks

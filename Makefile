# The two commands a new user needs: `make demo` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: demo test lint typecheck pytest soak bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

demo: $(STAMP_RUN)
	$(BIN)/appizer-tui --demo

test: $(STAMP_TEST)
	$(BIN)/ruff check appizer_tui tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 -q

soak: $(STAMP_TEST)
	APPIZER_SOAK=long $(BIN)/python -m pytest -q -m soak -p no:xdist

bench: $(STAMP_TEST)
	$(BIN)/python benchmarks/run_all.py

screenshots: $(STAMP_TEST)
	$(BIN)/python -m appizer_tui.ui.screenshots screenshots

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .hypothesis

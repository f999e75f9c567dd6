# citebot — set-up and everyday commands. `make ask Q="..."` and `make test` work on a fresh clone.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
Q ?= Когда обанкротилась Zhidou?

.PHONY: install ask test lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

install: $(BIN)/.installed  ## create .venv and install citebot with its dev tools

ask: install  ## answer $(Q) from seeds/ (indexes on first use)
	$(BIN)/citebot ask "$(Q)"

test: install  ## lint, type-check and run the test suite (starts its own Chroma server)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: install  ## run the benchmarks and rewrite bench/results/*.md
	$(BIN)/python -m bench.run_all

clean:
	rm -rf data .pytest_cache .ruff_cache

# Qiao CRM. `make run` sets up and starts everything; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000
DEMO   ?=
VERBOSE ?=

.PHONY: run test test-fast install translations lint bench ci clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	@$(BIN)/pybabel compile -d crm/translations >/dev/null 2>&1 || $(BIN)/pybabel compile -d crm/translations

run: install
	$(BIN)/crm run --host $(HOST) --port $(PORT) $(if $(DEMO),--demo,) $(if $(VERBOSE),--verbose,)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install  # everything but the browser and reliability tests
	$(BIN)/python -m pytest -m "not browser and not reliability" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check crm tests bench

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

extract: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_pgettext:1c,2 -k _lp:1c,2 --no-wrap -o crm/translations/messages.pot .
	$(BIN)/pybabel update -i crm/translations/messages.pot -d crm/translations --no-fuzzy-matching --no-wrap

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Qiao CRM. `make run` sets up and starts everything; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000
DEMO   ?=
VERBOSE ?=

.PHONY: run test test-fast install translations lint bench ci clean lock

LOCK     := requirements-dev.lock
LOCK_CMD := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --no-emit-trusted-host

# Exact versions with hashes from the lock file, then the project itself without resolving.
$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $(STAMP)

# Refresh the lock files after changing the dependencies in pyproject.toml (pins stay where
# they can); `make lock LOCK_ARGS=--upgrade` moves every pin to the newest release.
lock: $(STAMP)
	$(LOCK_CMD) $(LOCK_ARGS) -o requirements.lock pyproject.toml
	$(LOCK_CMD) $(LOCK_ARGS) --extra dev -o requirements-dev.lock pyproject.toml

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

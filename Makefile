# `make demo` and `make test` work on a machine with only python3 (3.11, 3.12 or 3.13) and make:
# they create .venv and install the locked dependencies when it is missing or older than the lock
# (tools/make_venv.sh). `make test PYTHON=python3.13` picks the Python.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=
# Test processes: one per core, at most four (each crawl test runs several processes of its own);
# `make test TEST_JOBS=1` runs the suite in one process.
TEST_JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ "$$n" -gt 4 ] && n=4; echo $$n)

.PHONY: demo test test-latest bench lint audit lock clean-venv check

# `make demo PYTHON=python3.13` with a .venv of another Python makes the venv again.
ifeq ($(origin PYTHON),command line)
VENV_VERSION   := $(shell $(BIN)/python -c 'import sys; print(sys.version_info[:2])' 2>/dev/null)
WANTED_VERSION := $(shell $(PYTHON) -c 'import sys; print(sys.version_info[:2])' 2>/dev/null)
ifneq ($(VENV_VERSION),$(WANTED_VERSION))
REBUILD := rebuild
.PHONY: $(STAMP)
endif
endif

$(STAMP): requirements.lock pyproject.toml tools/make_venv.sh
	@tools/make_venv.sh "$(PYTHON)" $(VENV) requirements.lock $(REBUILD)
	@touch $@

demo: $(STAMP)
	$(BIN)/newsdesk demo

test: $(STAMP)
	@tools/run_tests.sh $(BIN)/python $(TEST_JOBS) $(PYTEST_ARGS)

# The suite's core (no slow crawls) against the newest releases pyproject.toml allows, not the
# lock: a new upstream release is a known quantity before anyone pins it. A probe, so not
# hash-checked; it prints the versions it tested.
LATEST := .venv-latest
test-latest:
	@tools/make_venv.sh "$(PYTHON)" $(LATEST) requirements.lock
	@$(LATEST)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade --upgrade-strategy eager -e '.[dev]'
	@$(LATEST)/bin/python -m pip list --format=freeze 2>/dev/null | grep -iE '^(scrapy|scrapy-redis|trafilatura|apscheduler|lxml|sqlalchemy|alembic|twisted)==' | tr '\n' ' '; echo
	$(LATEST)/bin/python -m pytest -q -m "not slow" $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench all

lint: $(STAMP)
	$(BIN)/ruff check .

# Known vulnerabilities in the locked dependencies (pip-audit; PyPI project pages where it cannot reach).
audit: $(STAMP)
	$(BIN)/python tools/audit_lock.py requirements.lock

check: lint test

# Re-pin every dependency after editing pyproject.toml.
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --strip-extras --extra dev --generate-hashes --allow-unsafe \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

clean-venv:
	rm -rf $(VENV) $(LATEST)

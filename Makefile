# newswire: `make demo` and `make test` are the contract (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

export NEWSWIRE_HOME ?= $(CURDIR)/.newswire
export PATH := $(BIN):$(PATH)

.PHONY: install demo test test-fast lint chromium eval bench up down shell clean constraints

install: $(STAMP)

# A fresh install is reproducible: every package is pinned by constraints.txt, frozen from a
# working install (`make constraints` refreshes it).
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]' -e ./sample_site
	touch $@

demo: install
	scripts/demo.sh

# Every layer (unit, integration, e2e) and the house rules; CI runs this (.ci/run).
test: install chromium lint
	$(BIN)/python -m pytest

# The unit layer only: no server, no network, seconds.
test-fast: install
	$(BIN)/python -m pytest tests/unit

# House rules: ruff lints and checks the formatting of the whole tree (`ruff format .` fixes it).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# tests/e2e/test_ui.py drives Debian's headless Chromium through its chromedriver: install both
# when missing (as root, or with password-less sudo); a no-op when they are there. Without
# them the browser test is skipped and says why.
chromium:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif ! command -v apt-get > /dev/null; then \
	    echo "no apt-get: install chromium and its chromedriver for the browser test" >&2; \
	else \
	    if [ "$$(id -u)" = 0 ]; then sudo=; elif sudo -n true 2> /dev/null; then sudo=sudo; \
	    else echo "not root and no sudo: cannot install chromium chromium-driver" >&2; exit 0; fi; \
	    $$sudo apt-get update -qq \
	    && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	fi

# Parser accuracy against the labelled pages, and trafilatura on the same pages (the `eval`
# extra): prints the tables and writes them to eval/results.md.
eval: install
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,eval]'
	$(BIN)/python eval/evaluate.py

# Benchmarks (issue 7): parse, load, end to end, re-parse and DAG parse, side by side with
# trafilatura / bare lxml / bare COPY; writes bench/results/latest.{json,md}. About 15 minutes
# on 2 cores; run it on a quiet machine. `bench/run.py --quick` is a smoke run.
bench: install
	$(BIN)/python bench/run.py

up: install
	scripts/up.sh

down:
	scripts/down.sh

# A shell with make up's environment (.newswire/env): newswire and airflow by hand against it.
shell:
	@test -s "$(NEWSWIRE_HOME)/env" || { echo "make shell: run make up first" >&2; exit 1; }
	@bash --rcfile scripts/shellrc -i

constraints: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^pip==' > constraints.txt

clean: down
	rm -rf $(VENV) .newswire

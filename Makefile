# newswire: `make demo` and `make test` are the contract (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

export NEWSWIRE_HOME ?= $(CURDIR)/.newswire
export PATH := $(BIN):$(PATH)

.PHONY: install demo test eval up down clean constraints

install: $(STAMP)

# A fresh install is reproducible: every package is pinned by constraints.txt, frozen from a
# working install (`make constraints` refreshes it).
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

demo: install
	scripts/demo.sh

test: install
	$(BIN)/python -m pytest

# Parser accuracy against the labelled pages, and trafilatura on the same pages (the `eval`
# extra): prints the tables and writes them to eval/results.md.
eval: install
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,eval]'
	$(BIN)/python eval/evaluate.py

up: install
	scripts/up.sh

down:
	scripts/down.sh

constraints: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^pip==' > constraints.txt

clean: down
	rm -rf $(VENV) .newswire

# dmsite: the commands users type.  Everything runs in a local virtual environment (.venv).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SPHINXOPTS ?= -W --keep-going -j auto
PORT   ?= 8000
EXTRAS ?= test  # the optional dependencies installed into .venv; `make html EXTRAS=` installs only what building needs

.PHONY: html test benchmark-guard serve linkcheck validate clean system-deps help

help:
	@echo "make html       build the site into _build/html (warnings are errors)"
	@echo "make test       run the test suite (lint, types, unit, site and browser tests)"
	@echo "make benchmark-guard  time the N = 400 benchmark against sphinx-needs and plain Sphinx"
	@echo "make serve      build, then serve _build/html on http://localhost:$(PORT)"
	@echo "make validate   check the data in content/data"
	@echo "make linkcheck  check external links"
	@echo "make clean      remove build output and caches"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.$(if $(strip $(EXTRAS)),[$(strip $(EXTRAS))])'
	@touch $@

system-deps:
	@command -v dot >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && apt-get install -y -q graphviz; \
	  else echo "graphviz 'dot' is missing: install it (Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install graphviz)"; exit 1; fi; }

html: $(STAMP) system-deps
	$(BIN)/sphinx-build -b html $(SPHINXOPTS) -c . content _build/html

validate: $(STAMP)
	$(BIN)/dmsite validate content/data

test: $(STAMP) system-deps
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadgroup

benchmark-guard: $(STAMP) system-deps
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	PYTHON=$(BIN)/python sh benchmarks/ci.sh

serve: html
	$(BIN)/python -m http.server --directory _build/html $(PORT)

linkcheck: $(STAMP) system-deps
	$(BIN)/sphinx-build -b linkcheck -c . content _build/linkcheck

clean:
	rm -rf _build .cache .pytest_cache .mypy_cache

# dmsite: the commands users type.  Everything runs in a local virtual environment (.venv).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SPHINXOPTS ?= -W --keep-going -j auto
PORT   ?= 8000
EXTRAS ?= test  # the optional dependencies installed into .venv; `make html EXTRAS=` installs only what building needs

# PDF building: XeLaTeX (the data is Unicode), the LaTeX packages Sphinx uses, latexmk, FreeFont faces,
# rsvg-convert for the SVG charts and pdftotext for the PDF tests (Debian package names).
PDF_PACKAGES := texlive-xetex texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended \
                fonts-freefont-otf latexmk librsvg2-bin poppler-utils
LATEXMKOPTS ?= -interaction=nonstopmode -halt-on-error -quiet

.PHONY: html pdf test benchmark-guard serve linkcheck validate clean system-deps pdf-deps pdf-packages help

help:
	@echo "make html       build the site into _build/html (warnings are errors)"
	@echo "make pdf        build the site and the DM documents (DMTN-158, LDM-564, LDM-503) as PDFs into _build/pdf"
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

pdf-packages:
	@echo $(PDF_PACKAGES)

pdf-deps:
	@command -v xelatex >/dev/null && command -v latexmk >/dev/null && command -v rsvg-convert >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(PDF_PACKAGES); \
	  else echo "PDF building needs XeLaTeX, latexmk and rsvg-convert (Debian/Ubuntu: sudo apt-get install $(PDF_PACKAGES))"; exit 1; fi; }

# The whole site as one PDF (content/) and the DM documents (pdf/: the same data, other pages).
pdf: $(STAMP) system-deps pdf-deps
	$(BIN)/sphinx-build -b latex $(SPHINXOPTS) -c . content _build/latex
	$(BIN)/sphinx-build -b latex $(SPHINXOPTS) -c pdf pdf _build/latex-docs
	$(MAKE) -C _build/latex LATEXMKOPTS="$(LATEXMKOPTS)" all-pdf & \
	  $(MAKE) -C _build/latex-docs LATEXMKOPTS="$(LATEXMKOPTS)" all-pdf; docs=$$?; wait $$! && [ $$docs = 0 ]
	mkdir -p _build/pdf && cp _build/latex/*.pdf _build/latex-docs/*.pdf _build/pdf/
	@ls -1 _build/pdf/*.pdf

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
	rm -rf _build .cache pdf/.cache .pytest_cache .mypy_cache

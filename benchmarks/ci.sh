#!/bin/sh
# Regression guard for CI: the N = 400 benchmark once per site (dmsite, sphinx-needs, plain Sphinx),
# printing the times, the ratios dmsite / sphinx-needs and dmsite / floor, and the reader-side figures of the
# table page in Chromium (load, filter keystroke, clear, sort; benchmarks/reader.py). Not a timing assertion:
# it fails only if a build fails or warns. About 20 s on 2 cores.
set -eu
cd "$(dirname "$0")/.."
exec "${PYTHON:-.venv/bin/python}" benchmarks/run.py --ci

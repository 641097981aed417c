#!/bin/sh
# Regression guard for CI: the N = 400 benchmark once per site (dmsite, sphinx-needs, plain Sphinx),
# printing the times and the ratios dmsite / sphinx-needs and dmsite / floor. Not a timing assertion:
# it fails only if a build fails or warns. About 20 s on 2 cores.
set -eu
cd "$(dirname "$0")/.."
exec "${PYTHON:-.venv/bin/python}" benchmarks/run.py --ci

"""Helpers shared by every test: real sites, git repositories, a browser, data sets."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

"""Fixtures for every test: small real sites, and the browser (see ``support``)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support import REPO_ROOT
from support.browser import browser, browser_page  # noqa: F401 - fixtures
from support.site import Site


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path / "site")


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Site]:
    def make(name: str = "site", **kwargs: str) -> Site:
        return Site(tmp_path / name, **kwargs)

    return make


@pytest.fixture(scope="session")
def dm_site_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The DM site built as ``make html`` builds it, into a temporary folder (once per test process)."""
    outdir = tmp_path_factory.mktemp("dm-site-html") / "html"
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", "auto", "-c", str(REPO_ROOT),
         str(REPO_ROOT / "content"), str(outdir)],
        capture_output=True, text=True, timeout=600, check=False, cwd=REPO_ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return outdir

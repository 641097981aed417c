"""Fixtures for every test: small real sites, and the browser (see ``support``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
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

"""Shared helpers: write a small site into a temp dir and build it with Sphinx for real."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

DEFAULT_CONF = """
extensions = ["myst_parser", "dmsite.sphinxext"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["data/**", "_build"]
html_theme = "basic"
dmsite_data_dir = "data"
dmsite_status_date = "{status_date}"
dmsite_cache_dir = "{cache_dir}"
"""


@dataclass
class Site:
    """A small dmsite site on disk, built with a real Sphinx."""

    root: Path
    status_date: str = "2021-05-10"
    extra_conf: str = ""

    @property
    def outdir(self) -> Path:
        return self.root / "_build" / "html"

    def write(self, relpath: str, text: str) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def conf(self) -> None:
        text = DEFAULT_CONF.format(status_date=self.status_date, cache_dir=self.root / ".cache")
        (self.root / "conf.py").write_text(text + textwrap.dedent(self.extra_conf), encoding="utf-8")

    def build(self, parallel: int = 0, fresh: bool = False) -> str:
        """Build (incrementally unless *fresh*); return the warnings text."""
        self.conf()
        warnings = StringIO()
        app = SphinxTestApp(
            "html", srcdir=self.root, builddir=self.root / "_build", status=StringIO(), warning=warnings,
            parallel=parallel, freshenv=fresh,
        )
        try:
            app.build(force_all=fresh)
        finally:
            app.cleanup()
        return warnings.getvalue()

    def page(self, name: str = "index") -> BeautifulSoup:
        return BeautifulSoup((self.outdir / f"{name}.html").read_text(encoding="utf-8"), "html.parser")

    def html(self, name: str = "index") -> str:
        return (self.outdir / f"{name}.html").read_text(encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path / "site")


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Site]:
    def make(name: str = "site", **kwargs: str) -> Site:
        return Site(tmp_path / name, **kwargs)

    return make

"""A small dmsite site written into a temp dir and built with a real Sphinx."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

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
suppress_warnings = ["dmsite.unlinked"]  # small sites link to records no page lists (tests/hostile/test_links.py)
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

    def write_all(self, files: dict[str, str]) -> Site:
        """Write every file of *files* (relative path → text); return the site."""
        for relpath, text in files.items():
            self.write(relpath, text)
        return self

    def page(self, name: str = "index") -> BeautifulSoup:
        return BeautifulSoup((self.outdir / f"{name}.html").read_text(encoding="utf-8"), "html.parser")

    def html(self, name: str = "index") -> str:
        return (self.outdir / f"{name}.html").read_text(encoding="utf-8")


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write *files* (relative path → text, dedented, or bytes) under *root*; return *root*."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root

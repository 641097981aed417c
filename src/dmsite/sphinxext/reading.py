"""Reading the site: the graph viewer, theme-following colours, print styles, favicon, search ranking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from ..data.catalog import Catalog
from . import state

STATIC = Path(__file__).resolve().parent / "static"
# kinds whose ids are slugs: their search entry reads "Name (slug)"; the others "ID — Name"
NAME_FIRST = {"product", "person", "role", "group", "institution"}


def record_title(catalog: Catalog | None, kind: str, record_id: str) -> str:
    """How a record is listed in search results: its id and its name ("DM-AP-14 — Alert Production …")."""
    record: Any = None
    if catalog is not None:
        key = catalog.wbs_key(record_id) if kind == "wbs" else record_id
        record = catalog.table(kind).get(key) if key else None
    name = next((str(v) for v in (getattr(record, a, None) for a in ("name", "title")) if v), "")
    name = " ".join(name.split())
    if not name or name == record_id:
        return record_id
    return f"{name} ({record_id})" if kind in NAME_FIRST else f"{record_id} — {name}"


def current_catalog() -> Catalog | None:
    """The build's catalog, or None where none is loaded."""
    try:
        return state.current().catalog
    except RuntimeError:
        return None


def _config_inited(app: Sphinx, config: Config) -> None:
    if not config.html_favicon:
        config.html_favicon = str(STATIC / "dmsite-favicon.svg")
    if not config.html_search_scorer:
        config.html_search_scorer = str(STATIC / "dmsite-search.js")


def setup(app: Sphinx) -> None:
    app.connect("config-inited", _config_inited)
    app.add_css_file("dmsite-reading.css")
    app.add_js_file("vendor/panzoom.min.js", defer="defer")
    app.add_js_file("dmsite-graphs.js", defer="defer")
    app.add_js_file("dmsite-reading.js", defer="defer")

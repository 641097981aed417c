"""Graphs laid out while the build goes on, and put into pages as they are written.

A directive calls ``graph_placeholders``: the layout starts in the background (one ``dot``
process per core, cached by content), the page's raw HTML holds a comment naming the graph,
and the DOT text is kept on the page's doctree.  When the page is written the comment becomes
the inline SVG, its record links resolved for that page.  So reading goes on while ``dot``
works, and the SVG is neither pickled with the doctree nor fed to the search index (its labels
repeat the entries on the page).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..graphviz import LAYOUT_ERRORS, render_svg, start_renders
from ..render.html import REF_PATTERN, esc
from .base import record_url
from .state import current

logger = logging.getLogger(__name__)

PLACEHOLDER = re.compile(r"<!--dmsite-graph:([0-9a-f]{64})-->")
ATTRIBUTE = "dmsite_graphs"  # on the document node: graph key -> DOT text
DRAWS_GRAPHS = re.compile(r"(\{|\.\. )dm-(milestones-by-wbs|dependency-graph)\b")  # MyST or reST


def graph_placeholders(document: nodes.document, dots: list[str], cache_dir: Path) -> list[str]:
    """Start laying out *dots* (in one ``dot`` process); returns the HTML comments that become their SVGs
    when the page is written."""
    keys = start_renders(dots, cache_dir)
    document.setdefault(ATTRIBUTE, {}).update(zip(keys, dots, strict=True))
    return [f"<!--dmsite-graph:{key}-->" for key in keys]


def fill_graphs(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Replace the page's graph placeholders by their SVG (waiting for layouts still running)."""
    body = context.get("body")
    if not isinstance(body, str) or "<!--dmsite-graph:" not in body:
        return
    graphs: dict[str, str] = doctree.get(ATTRIBUTE, {}) if isinstance(doctree, nodes.document) else {}
    cache_dir = current().cache_dir
    url = record_url(app, pagename)

    def svg(match: re.Match[str]) -> str:
        key = match.group(1)
        try:
            text = _layout(key, graphs, cache_dir)
        except LAYOUT_ERRORS as exc:  # dot missing or failing: say so
            logger.warning("graph not drawn: %s", exc, location=pagename, type="dmsite", subtype="graph")
            return f'<p class="dm-note">Graph not drawn: {esc(exc)}</p>'
        return REF_PATTERN.sub(url, text)

    context["body"] = PLACEHOLDER.sub(svg, body)


def _layout(key: str, graphs: dict[str, str], cache_dir: Path) -> str:
    if key in graphs:
        return render_svg(graphs[key], cache_dir)
    return (cache_dir / f"{key}.svg").read_text(encoding="utf-8")  # pages joined into one (singlehtml)


def _graph_pages_first(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Read the pages that draw graphs first, so that ``dot`` works while the others are read."""

    def draws(docname: str) -> bool:
        try:
            return bool(DRAWS_GRAPHS.search(Path(env.doc2path(docname)).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            return False

    docnames.sort(key=lambda docname: not draws(docname))  # stable: otherwise in Sphinx's order


def setup(app: Sphinx) -> None:
    app.connect("env-before-read-docs", _graph_pages_first)
    app.connect("html-page-context", fill_graphs)

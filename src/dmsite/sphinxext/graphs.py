"""The one way a directive shows a graph: a ``dm_graph`` node carrying its DOT, laid out while the build goes on.

A directive calls ``graph_figures``: the layout starts in the background (``dmsite.graphviz``: one
``dot`` process per batch, cached by content) and the directive returns real figure nodes, each
holding a ``dm_graph`` node (the DOT text, its purpose, a text alternative) and a caption.  The HTML
writer puts a comment naming the graph where it goes; when the page is written the comment becomes
the inline SVG, its record links resolved for that page.  So reading goes on while ``dot`` works, and
the SVG is neither pickled with the doctree nor fed to the search index (its labels repeat the
entries on the page).  A graph that cannot be drawn (``GraphvizError``: the program missing, failing
or hanging) is one warning at its directive and a note on the page where it would be.  Other
builders show the text alternative (``render`` gives them PDF or PNG when they want a picture).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxTranslator
from sphinx.util.nodes import set_source_info
from sphinx.writers.html5 import HTML5Translator

from ..errors import GraphvizError
from ..graphviz import graph_key, render_svg, start_renders
from ..render.html import esc
from .links import resolve_refs
from .state import current

logger = logging.getLogger(__name__)

PURPOSES = ("dependency-graph", "product-tree", "org-chart", "document-tree")
PLACEHOLDER = re.compile(r"<!--dmsite-graph:([0-9a-f]{64})-->(.*?)<!--/dmsite-graph-->", re.S)  # (key, legend)
GRAPH_DIRECTIVES = ("milestones-by-wbs", "dependency-graph", "product-tree", "org-chart", "document-tree")
DRAWS_GRAPHS = re.compile(r"(\{|\.\. )dm-(" + "|".join(GRAPH_DIRECTIVES) + r")\b")  # MyST or reST


class dm_graph(nodes.General, nodes.Element):  # type: ignore[misc]  # docutils node naming
    """A graph to draw.  Attributes: ``dot`` (DOT text), ``purpose`` (one of ``PURPOSES``), ``alt`` (a text
    alternative), ``directive`` (its name, for messages) and ``legend`` (HTML shown under it, optional)."""


@dataclass(frozen=True)
class Graph:
    """What a directive knows of one graph it shows."""

    dot: str
    purpose: str
    alt: str
    caption: str = ""
    legend: str = ""  # HTML between the graph and its caption
    classes: tuple[str, ...] = ()  # of the figure, besides dm-figure


def graph_figures(directive: SphinxDirective, graphs: Sequence[Graph], cache_dir: Path) -> list[nodes.Node]:
    """Figures showing *graphs*, whose layouts start now, in the background and in one ``dot`` process."""
    start_renders([graph.dot for graph in graphs], cache_dir)
    return [_figure(directive, graph) for graph in graphs]


def _figure(directive: SphinxDirective, graph: Graph) -> nodes.figure:
    assert graph.purpose in PURPOSES, graph.purpose
    node = dm_graph(
        "", dot=graph.dot, purpose=graph.purpose, alt=graph.alt, directive=directive.name, legend=graph.legend
    )
    set_source_info(directive, node)
    figure = nodes.figure("", node, classes=["dm-figure", *graph.classes])
    set_source_info(directive, figure)
    if graph.caption:
        figure += nodes.caption(graph.caption, graph.caption)
    return figure


# -- HTML: a placeholder while the page is translated, the SVG (or a note) when it is written -----


def _visit_html(self: HTML5Translator, node: dm_graph) -> None:
    legend = node.get("legend", "")
    self.body.append(f'<!--dmsite-graph:{graph_key(node["dot"])}-->{legend}<!--/dmsite-graph-->')
    raise nodes.SkipNode


def fill_graphs(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Replace the page's graph placeholders by their SVG (waiting for layouts still running)."""
    body = context.get("body")
    if not isinstance(body, str) or "<!--dmsite-graph:" not in body or not isinstance(doctree, nodes.document):
        return
    graphs: dict[str, dm_graph] = {}
    for node in doctree.findall(dm_graph):
        graphs.setdefault(graph_key(node["dot"]), node)
    cache_dir = current().cache_dir
    warned: set[tuple[str | None, int | None, str]] = set()

    def svg(match: re.Match[str]) -> str:
        node = graphs.get(match.group(1))
        if node is None:  # not this page's graph: left alone
            return match.group(0)
        try:
            text = render_svg(node["dot"], cache_dir)
        except GraphvizError as error:
            if (node.source, node.line, str(error)) not in warned:  # one warning per directive
                warned.add((node.source, node.line, str(error)))
                logger.warning(
                    "%s: graph not drawn: %s", node["directive"], error, location=node, type="dmsite", subtype="graph"
                )
            return f'<div class="dm-graph"><p class="dm-note dm-graph-error">Graph not drawn: {esc(error)}</p></div>'
        return f'<div class="dm-graph">{resolve_refs(app, pagename, text)}</div>{match.group(2)}'  # the legend: with its graph

    context["body"] = PLACEHOLDER.sub(svg, body)


# -- other builders: the text alternative, until they draw the graph (see graphviz.render) --------


def _visit_text_alternative(self: SphinxTranslator, node: dm_graph) -> None:
    if not node.children:
        node += nodes.paragraph(node["alt"], node["alt"], classes=["dm-graph-alt"])


def _depart(self: SphinxTranslator, node: dm_graph) -> None:
    pass


def _graph_pages_first(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Read the pages that draw graphs first, so that ``dot`` works while the others are read."""

    def draws(docname: str) -> bool:
        try:
            return bool(DRAWS_GRAPHS.search(Path(env.doc2path(docname)).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            return False

    docnames.sort(key=lambda docname: not draws(docname))  # stable: otherwise in Sphinx's order


def setup(app: Sphinx) -> None:
    alternative = (_visit_text_alternative, _depart)
    app.add_node(
        dm_graph, html=(_visit_html, None), text=alternative, latex=alternative, man=alternative, texinfo=alternative
    )
    app.connect("env-before-read-docs", _graph_pages_first)
    app.connect("html-page-context", fill_graphs)

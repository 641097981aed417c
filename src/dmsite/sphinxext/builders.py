"""The data in every builder: dmsite's raw HTML becomes docutils nodes for LaTeX, text and the others.

The HTML builders keep the fast path (raw HTML from the renderers, record links swapped for
URLs).  For any builder that does not write HTML, each piece of dmsite markup is rebuilt as
docutils nodes when the page is resolved (see ``htmlnodes``): record links become internal
references (PDF links in LaTeX), dependency graphs are drawn by ``dot`` as PDF and the
hand-written SVG charts are converted by ``rsvg-convert`` (librsvg), each once per content.
A builder that shows no pictures (text, man) gets the picture's description in brackets.
What cannot be converted is reported, naming the directive.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import NoUri
from sphinx.util import logging

from .. import graphviz
from ..atomic import write_atomically
from ..errors import GraphvizError
from ..render.html import REF_SCHEME, parse_ref
from . import graphs
from .domain import DmDomain
from .htmlnodes import Converter
from .state import current

logger = logging.getLogger(__name__)

FIGURES = "dmsite-figures"  # folder in the builder's output holding the converted pictures
TIMEOUT_S = 120
REF = re.compile(r"dmsite-ref:([a-z]+):(\S+)")


def converts(app: Sphinx) -> bool:
    """Whether this builder needs dmsite's HTML rebuilt as nodes (every builder that does not write HTML)."""
    return getattr(app.builder, "format", "html") != "html"


def directive_of(raw: nodes.raw) -> str | None:
    """The dmsite directive that made this raw node (None: not dmsite's markup)."""
    name = raw.get("dmsite_directive")
    if name:
        return str(name)
    return "dmsite" if 'class="dm-' in raw.astext() or "<!--dmsite-graph:" in raw.astext() else None


# -- pictures ---------------------------------------------------------------------------------


class Pictures:
    """Graphs and SVG charts as files the builder can include, converted in the background, once each."""

    def __init__(self, app: Sphinx):
        self.app = app
        types = app.builder.supported_image_types
        self.format = next((f for f in ("application/pdf", "image/png") if f in types), None)
        self.folder = Path(app.outdir) / FIGURES
        self.jobs: list[tuple[Future[None], str, Any, nodes.Node]] = []
        self.pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 2)

    def node(self, svg: str | None, dot: str | None, alt: str, inline: bool, where: str, location: Any) -> list[nodes.Node]:
        if self.format is None:  # text, man: what the picture shows, in words
            return [] if inline else [nodes.paragraph("", f"[{alt}]", classes=["dm-picture-text"])]
        if svg is None and dot is None:
            logger.warning("%s: the graph could not be drawn (its layout is not known)", where,
                           location=location, type="dmsite", subtype="builder")
            return [nodes.paragraph("", f"[{alt}: not drawn]")]
        suffix = ".pdf" if self.format == "application/pdf" else ".png"
        source = dot if dot is not None else svg
        assert source is not None
        name = hashlib.sha256((suffix + ("dot" if dot is not None else "svg") + source).encode()).hexdigest()[:32]
        uri = f"{FIGURES}/{name}{suffix}"
        image = nodes.image(uri=uri, candidates={self.format: uri}, alt=alt)
        out = self.folder / f"{name}{suffix}"
        if not out.exists():
            job = self.pool.submit(_draw_dot if dot is not None else _draw_svg, source, out)
            self.jobs.append((job, where, location, image))
        return [image]

    def wait(self) -> None:
        """Wait for the conversions; a failed one is reported and its image replaced by its description."""
        for job, where, location, image in self.jobs:
            try:
                job.result()
            except (GraphvizError, RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
                logger.warning("%s: picture not drawn: %s", where, exc, location=location, type="dmsite",
                               subtype="builder")
                text = f"[{image.get('alt', 'picture')}: not drawn]"
                inline = isinstance(image.parent, nodes.TextElement)
                image.replace_self(nodes.inline("", text) if inline else nodes.paragraph("", text))
        self.jobs.clear()


def _run(command: list[str], source: str, out: Path) -> None:
    """Run a converter reading *source* on stdin; the result is moved into place only when complete."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".{os.getpid()}.tmp{out.suffix}")
    done = subprocess.run([*command, "-o", str(tmp)], input=source.encode(), capture_output=True,
                          timeout=TIMEOUT_S, check=False)
    if done.returncode != 0 or not tmp.exists():
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"{Path(command[0]).name} failed: {done.stderr.decode(errors='replace').strip()[:300]}")
    tmp.replace(out)


def _draw_dot(dot: str, out: Path) -> None:
    """A graph drawn by graphviz directly as vector PDF (or PNG), through the one layout cache."""
    data = graphviz.render(dot, "pdf" if out.suffix == ".pdf" else "png", current().cache_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(out, data)


_LINK_OPEN = re.compile(r"<a\b[^>]*>")


def printable_svg(svg: str) -> str:
    """An inline SVG as a file: its namespace declared, links (placeholders, meaningless on paper) unwrapped."""
    head_end = svg.find(">")
    head = svg[:head_end]
    if "xmlns=" not in head:
        head += ' xmlns="http://www.w3.org/2000/svg"'
    if "xlink:" in svg and "xmlns:xlink=" not in head:
        head += ' xmlns:xlink="http://www.w3.org/1999/xlink"'
    body = _LINK_OPEN.sub("<g>", svg[head_end:]).replace("</a>", "</g>")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + head + body


def _draw_svg(svg: str, out: Path) -> None:
    """A hand-written SVG chart converted by librsvg (vector PDF, or PNG)."""
    exe = shutil.which("rsvg-convert")
    if exe is None:
        raise RuntimeError("'rsvg-convert' was not found: install librsvg (Debian: apt-get install librsvg2-bin)")
    _run([exe, "-f", "pdf" if out.suffix == ".pdf" else "png"], printable_svg(svg), out)


# -- links ------------------------------------------------------------------------------------


class Links:
    """Where a link in dmsite's markup goes for this builder."""

    def __init__(self, app: Sphinx):
        self.app = app
        self.domain = cast(DmDomain, app.env.get_domain("dm"))
        self.latex = app.builder.format == "latex"
        self.within = getattr(app.builder, "docnames", None) if self.latex else None  # the PDF's pages

    def node(self, href: str, content: list[nodes.Node], docname: str) -> list[nodes.Node]:
        if href.startswith(REF_SCHEME):
            found = REF.match(href)
            return self.record(found, content, docname) if found else content
        if href.startswith(("http://", "https://", "mailto:", "#", "%")):
            return [nodes.reference("", "", *content, refuri=href, internal=href[:1] in "#%")]
        return content  # a file of the HTML site (an export): nothing to link to here

    def record(self, found: re.Match[str], content: list[nodes.Node], docname: str) -> list[nodes.Node]:
        kind, record_id = parse_ref(found)
        entry = self.domain.entry(kind, record_id, self.within)
        if entry is None:
            return content  # no entry (in this PDF): the text alone
        target_doc, target_anchor = entry
        if self.latex:
            return [nodes.reference("", "", *content, refuri=f"%{target_doc}#{target_anchor}", internal=True)]
        try:
            uri = self.app.builder.get_relative_uri(docname, target_doc)
        except NoUri:
            return content
        return [nodes.reference("", "", *content, refuri=f"{uri}#{target_anchor}", internal=True)]


# -- the conversion ---------------------------------------------------------------------------


class _Sink:
    def __init__(self, links: Links, pictures: Pictures, docname: str, where: str, location: Any):
        self.links, self.pictures = links, pictures
        self.docname, self.where, self.location = docname, where, location

    def link(self, href: str, content: list[nodes.Node]) -> list[nodes.Node]:
        return self.links.node(href, content, self.docname)

    def picture(self, svg: str | None, graph_key: str | None, alt: str, inline: bool) -> list[nodes.Node]:
        if graph_key:  # graphs are dm_graph nodes (drawn below); a key in markup names a layout of an HTML build
            cached = current().cache_dir / f"{graph_key}.svg"
            svg = cached.read_text(encoding="utf-8") if cached.exists() else None
        return self.pictures.node(svg, None, alt, inline, self.where, self.location)

    def warn(self, message: str) -> None:
        logger.warning("%s: %s", self.where, message, location=self.location, type="dmsite", subtype="builder")


def _docname_of(node: nodes.Node, default: str) -> str:
    parent: nodes.Node | None = node
    while parent is not None:
        if isinstance(parent, addnodes.start_of_file):
            return str(parent["docname"])
        parent = parent.parent
    return default


def convert_markup(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Rebuild every piece of dmsite markup on the (possibly joined) page as docutils nodes."""
    if not converts(app):
        return
    raws = [(raw, name) for raw in doctree.findall(nodes.raw)
            if "html" in raw.get("format", "").split() and (name := directive_of(raw))]
    drawn = list(doctree.findall(graphs.dm_graph))
    if raws or drawn:
        links, pictures = Links(app), Pictures(app)
        for raw, name in raws:
            page = _docname_of(raw, docname)
            location = raw if raw.source else (page, None)
            sink = _Sink(links, pictures, page, f"{{{name}}}" if name != "dmsite" else "dmsite", location)
            raw.replace_self(Converter(sink).convert(raw.astext()) or [nodes.comment()])
        for graph in drawn:
            _draw_graph(graph, pictures, links, _docname_of(graph, docname))
        pictures.wait()
        pictures.pool.shutdown()
    _mark_completed(doctree)
    if app.builder.format == "latex":
        _anchor_links_to_their_page(doctree, docname)
        _smaller_wide_tables(doctree)
        _dates_in_one_piece(doctree)


def _mark_completed(doctree: nodes.document) -> None:
    """Completed milestones named by roles read in italics too (the HTML does it with CSS)."""
    for node in list(doctree.findall(nodes.literal)):
        if "dm-completed" in node.get("classes", ()) and not isinstance(node.parent, nodes.emphasis):
            node.replace_self(nodes.emphasis("", "", *node.children, classes=node["classes"]))


DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _dates_in_one_piece(doctree: nodes.document) -> None:
    """A date is never broken across lines at its hyphens (2020-|10-23 reads as two numbers)."""
    for text in list(doctree.findall(nodes.Text)):
        parent = text.parent
        if parent is None or isinstance(parent, nodes.raw | nodes.literal_block | nodes.comment) or not DATE.search(text):
            continue
        parts: list[nodes.Node] = []
        last = 0
        for found in DATE.finditer(text):
            parts += [nodes.Text(text[last:found.start()])] if found.start() > last else []
            parts.append(nodes.raw("", r"\mbox{" + found.group(0) + "}", format="latex"))
            last = found.end()
        parts += [nodes.Text(text[last:])] if last < len(text) else []
        index = parent.index(text)
        parent[index:index + 1] = parts


FONT_SIZES = {0.9: r"\small", 0.8: r"\footnotesize"}


def _smaller_wide_tables(doctree: nodes.document) -> None:
    """Tables whose longest words do not fit the page at the text's size are set smaller (see htmlnodes)."""
    for table in list(doctree.findall(nodes.table)):
        size = FONT_SIZES.get(table.get("dmsite_scale", 1.0))
        if size and table.parent is not None:
            index = table.parent.index(table)
            table.parent.insert(index + 1, nodes.raw("", "\\endgroup\n", format="latex"))
            table.parent.insert(index, nodes.raw("", f"\\begingroup{size}\n", format="latex"))


def _anchor_links_to_their_page(doctree: nodes.document, docname: str) -> None:
    """LaTeX joins pages into one document: ``#anchor`` links (citations to the reference list) point at the
    page that holds the anchor; a link to an anchor no page holds becomes plain text."""
    pages: dict[str, str] = {}
    for node in doctree.findall(nodes.Element):
        for ident in node.get("ids", ()):
            pages.setdefault(ident, _docname_of(node, docname))
    for ref in list(doctree.findall(nodes.reference)):
        uri = ref.get("refuri", "")
        if uri.startswith("#") and len(uri) > 1:
            page = pages.get(uri[1:])
            if page is None:
                ref.replace_self(nodes.inline("", "", *ref.children, classes=ref.get("classes", [])))
            elif page != _docname_of(ref, docname):
                ref["refuri"] = f"%{page}#{uri[1:]}"
        elif uri == "#":
            ref.replace_self(nodes.inline("", "", *ref.children, classes=ref.get("classes", [])))


def _draw_graph(graph: graphs.dm_graph, pictures: Pictures, links: Links, page: str) -> None:
    """A dm_graph node as the builder's picture (a PDF page in LaTeX), its legend as nodes below it."""
    where = f"{{dm-{graph['directive']}}}" if not str(graph["directive"]).startswith("dm-") else f"{{{graph['directive']}}}"
    location = graph if graph.source else (page, None)
    shown = pictures.node(None, graph["dot"], graph["alt"], False, where, location)
    if graph.get("legend"):
        shown += Converter(_Sink(links, pictures, page, where, location)).convert(graph["legend"])
    graph.replace_self(shown)


def setup(app: Sphinx) -> None:
    app.connect("doctree-resolved", convert_markup, priority=450)  # after the page's lists, before HTML links

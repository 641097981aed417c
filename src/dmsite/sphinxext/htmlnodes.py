"""dmsite's rendered HTML turned into docutils nodes, for the builders that do not write HTML.

The renderers write HTML strings (the fast path of the HTML builders).  The LaTeX, text and
other builders cannot use raw HTML, so the same markup is parsed here and rebuilt as docutils
nodes: paragraphs, lists, field lists, tables, emphasis, links and images.  What the markup
links to and what its pictures become depends on the builder, so a :class:`Sink` decides.
Nothing is dropped without a word: an element this module does not know is kept as its text
and reported to the sink.
"""

from __future__ import annotations

import html
import re
from typing import Protocol

from docutils import nodes

from .columns import column_widths
from .htmltree import El, parse, walk

# -- a small element tree -------------------------------------------------------------------


# -- what depends on the builder ------------------------------------------------------------


class Sink(Protocol):
    def link(self, href: str, content: list[nodes.Node]) -> list[nodes.Node]:
        """The link's content as this builder shows it (a reference, or the content alone)."""

    def picture(self, svg: str | None, graph_key: str | None, alt: str, inline: bool) -> list[nodes.Node]:
        """An inline SVG (or the graph a ``dot`` layout will draw) as this builder shows it."""

    def warn(self, message: str) -> None:
        """Report markup that could not be converted."""


# -- conversion -------------------------------------------------------------------------------

BLOCK = {
    "p", "div", "ul", "ol", "dl", "table", "figure", "figcaption", "details", "summary", "section",
    "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "hr", "dm-graph", "nav", "header", "footer", "article",
}
INLINE_STYLE: dict[str, type[nodes.TextElement]] = {
    "strong": nodes.strong, "b": nodes.strong, "em": nodes.emphasis, "i": nodes.emphasis, "cite": nodes.emphasis,
    "code": nodes.literal, "kbd": nodes.literal, "samp": nodes.literal, "tt": nodes.literal,
    "sub": nodes.subscript, "sup": nodes.superscript,
}
INLINE_PLAIN = {"span", "small", "abbr", "time", "mark", "u", "s", "label", "bdi", "data", "var", "q", "dfn"}
IGNORED = {"script", "style", "input", "button", "select", "option", "template", "noscript", "colgroup", "col", "wbr"}
# What the site's stylesheet says with type, said here with nodes: completed milestones in italics (DMTN-158),
# inherited managers and owners in italics and marked, missing values in italics.
ITALIC = {"dm-completed", "dm-inherited", "dm-missing", "dm-unknown"}
SUFFIX = {"dm-inherited": " (inherited)"}


class Converter:
    """Builds docutils nodes from one piece of dmsite markup."""

    def __init__(self, sink: Sink):
        self.sink = sink
        self.unknown: set[str] = set()

    def convert(self, markup: str) -> list[nodes.Node]:
        out = self.blocks(parse(markup).children, top=True)
        if self.unknown:
            self.sink.warn(f"shown as plain text (no conversion for this builder): <{'>, <'.join(sorted(self.unknown))}>")
        return out

    # blocks ---------------------------------------------------------------------------------

    def blocks(self, children: list[El | str], top: bool = False) -> list[nodes.Node]:
        """Block content; runs of text and inline elements become paragraphs."""
        out: list[nodes.Node] = []
        run: list[El | str] = []

        def flush() -> None:
            inline = self.inlines(run)
            run.clear()
            if any(not isinstance(n, nodes.Text) or n.strip() for n in inline):
                out.append(nodes.paragraph("", "", *_strip(inline)))

        for child in children:
            if isinstance(child, El) and child.tag in BLOCK:
                flush()
                out += self.block(child, top)
            else:
                run.append(child)
        flush()
        return out

    def block(self, el: El, top: bool) -> list[nodes.Node]:
        tag = el.tag
        if tag == "p":
            node: nodes.Element = nodes.paragraph("", "", *_strip(self.inlines(el.children)))
        elif tag == "ul" and "dm-legend" in el.classes:  # a figure's key: one line, not a list
            keys = [self.inlines(li.children) for li in el.children if isinstance(li, El) and li.tag == "li"]
            node = nodes.paragraph()
            for n, key in enumerate(keys):
                node += [nodes.Text("; ")] if n else []
                node += _strip(key)
        elif tag in ("ul", "ol"):
            node = nodes.bullet_list() if tag == "ul" else nodes.enumerated_list(enumtype="arabic", suffix=".")
            for item in el.children:
                if isinstance(item, El) and item.tag == "li":
                    node += nodes.list_item("", *(self.blocks(item.children) or [nodes.paragraph()]))
                    self._ids(item, node[-1])
        elif tag == "dl":
            node = self.description_list(el)
        elif tag == "table":
            node = self.table(el, top)
        elif tag == "figure":
            return self._ids(el, self.figure(el, top))
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            node = nodes.rubric("", "", *_strip(self.inlines(el.children)))
        elif tag == "summary":
            node = nodes.paragraph("", "", nodes.strong("", "", *_strip(self.inlines(el.children))))
        elif tag == "figcaption":
            node = nodes.paragraph("", "", *_strip(self.inlines(el.children)))
        elif tag == "pre":
            node = nodes.literal_block(el.text(), el.text())
        elif tag == "blockquote":
            node = nodes.block_quote("", *self.blocks(el.children))
        elif tag == "dm-graph":
            return self.picture(None, el.attrs["key"], "dependency graph", inline=False)
        elif tag == "hr":
            return []
        elif top and "dm-graph" in el.classes and [_holds_picture(c) for c in el.children if isinstance(c, El)] == [True]:
            return self._ids(el, self.captioned(el))
        else:  # div, details, section...: their content, in order
            return self._ids(el, self.blocks(el.children, top))
        return self._ids(el, [node])

    def description_list(self, el: El) -> nodes.Element:
        """``dl``: dmsite's fields as a list of "label: value" (as DMTN-158 lists them), else a definition list."""
        fields = "dm-fields" in el.classes
        out: nodes.Element = nodes.bullet_list(classes=["dm-fields"]) if fields else nodes.definition_list()
        term: El | None = None
        for child in el.children:
            if not isinstance(child, El):
                continue
            if child.tag == "dt":
                term = child
            elif child.tag == "dd":
                label = self.inlines(term.children) if term else []
                body = self.blocks(child.children) or [nodes.paragraph()]
                if fields and len(body) == 1 and isinstance(body[0], nodes.paragraph):
                    body[0].insert(0, nodes.Text(": "))
                    body[0].insert(0, nodes.strong("", "", *_strip(label)))
                    out += nodes.list_item("", *body)
                elif fields:
                    out += nodes.list_item("", nodes.paragraph("", "", nodes.strong("", "", *_strip(label))), *body)
                else:
                    out += nodes.definition_list_item("", nodes.term("", "", *_strip(label)), nodes.definition("", *body))
                term = None
        return out

    def figure(self, el: El, top: bool) -> list[nodes.Node]:
        """A figure: its picture(s), then the caption and legend as paragraphs (floats only at the top)."""
        pictures = [c for c in el.children if isinstance(c, El) and _holds_picture(c)]
        caption = next((c for c in el.children if isinstance(c, El) and c.tag == "figcaption"), None)
        if top and len(pictures) == 1 and caption is not None:
            image = _lone_image(self.blocks([pictures[0]]))
            rest = [c for c in el.children if c is not pictures[0] and c is not caption]
            if len(image) == 1 and isinstance(image[0], nodes.image):
                figure = nodes.figure("", image[0], nodes.caption("", "", *_strip(self.inlines(caption.children))))
                legend = self.blocks(rest)
                if legend:
                    figure += nodes.legend("", *legend)
                return [figure]
            return image + self.blocks(rest) + self.blocks([caption])
        return self.blocks(el.children)

    def captioned(self, el: El) -> list[nodes.Node]:
        """A chart on its own (a Gantt chart): a figure captioned with the chart's title."""
        image = _lone_image(self.blocks(el.children))
        if len(image) == 1 and isinstance(image[0], nodes.image):
            return [nodes.figure("", image[0], nodes.caption("", image[0]["alt"]))]
        return image

    # tables -----------------------------------------------------------------------------------

    def table(self, el: El, top: bool) -> nodes.Element:
        head: list[list[nodes.entry]] = []
        body: list[list[nodes.entry]] = []
        title: list[nodes.Node] = []
        for row, in_head in _rows(el):
            cells = [self.cell(c) for c in row.children if isinstance(c, El) and c.tag in ("td", "th")]
            (head if in_head else body).append(cells)
        for child in el.children:
            if isinstance(child, El) and child.tag == "caption":
                title = _strip(self.inlines(child.children))
        width = max((sum(1 + e.get("morecols", 0) for e in r) for r in head + body), default=1)
        table = nodes.table(classes=["dm-table"])
        if title:
            table += nodes.title("", "", *title)
        group = nodes.tgroup(cols=width)
        table += group
        widths, scale = column_widths(head + body, width, len(head))
        for colwidth in widths:
            group += nodes.colspec(colwidth=colwidth)
        table["classes"].append("colwidths-given")  # LaTeX: columns of these relative widths, wrapping
        if scale < 1:
            table["dmsite_scale"] = scale
        if top and len(body) > 30:
            table["classes"].append("longtable")  # breaks across pages, header repeated
        if head:
            group += nodes.thead("", *(self.row(r, width) for r in head))
        group += nodes.tbody("", *(self.row(r, width) for r in body or [[]]))
        return table

    def cell(self, el: El) -> nodes.entry:
        entry = nodes.entry("", *(self.blocks(el.children) or [nodes.paragraph()]))
        span = el.attrs.get("colspan", "1")
        if span.isdigit() and int(span) > 1:
            entry["morecols"] = int(span) - 1
        return entry

    @staticmethod
    def row(entries: list[nodes.entry], width: int) -> nodes.row:
        used = sum(1 + e.get("morecols", 0) for e in entries)
        return nodes.row("", *entries, *(nodes.entry("", nodes.paragraph()) for _ in range(width - used)))

    # inline content ---------------------------------------------------------------------------

    def inlines(self, children: list[El | str]) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        for child in children:
            if isinstance(child, str):
                text = " ".join(child.split())
                if text or child:
                    before = " " if child[:1].isspace() else ""
                    out.append(nodes.Text(before + text + (" " if child[-1:].isspace() and text else "")))
            else:
                out += self.inline(child)
        return out

    def inline(self, el: El) -> list[nodes.Node]:
        tag = el.tag
        if tag in IGNORED or "headerlink" in el.classes:
            return []
        if tag == "br":
            return [nodes.Text(" ")]
        if tag == "dm-svg":
            return self.picture(el.attrs["svg"], None, _svg_alt(el.attrs["svg"]), inline=True)
        content = self.inlines(el.children)
        if tag == "a":
            out = self.sink.link(el.attrs.get("href", ""), content) if content else []
        elif tag in INLINE_STYLE:
            out = [INLINE_STYLE[tag]("", "", *content)]
        elif tag in INLINE_PLAIN or tag in BLOCK or tag in ("li", "dt", "dd", "td", "th", "tr", "caption"):
            out = content  # a block inside inline content: its text, in place
        else:
            self.unknown.add(tag)
            out = content
        if out and ITALIC.intersection(el.classes):
            out = [nodes.emphasis("", "", *out)]
        out += [nodes.Text(SUFFIX[c]) for c in el.classes if c in SUFFIX]
        return self._ids(el, out)

    def picture(self, svg: str | None, key: str | None, alt: str, inline: bool) -> list[nodes.Node]:
        return self.sink.picture(svg, key, alt, inline)

    @staticmethod
    def _ids(el: El, out: list[nodes.Node] | nodes.Element) -> list[nodes.Node]:
        """Keep the element's id as a target, so that links to it land (LaTeX labels, anchors)."""
        result = [out] if isinstance(out, nodes.Element) else out
        ident = el.attrs.get("id")
        if not ident:
            return result
        target = nodes.target("", "", ids=[nodes.make_id(ident) if not _SAFE_ID.fullmatch(ident) else ident])
        target["dmsite_anchor"] = ident
        first = result[0] if result else None
        if isinstance(first, nodes.table | nodes.figure):  # LaTeX labels these by their own ids
            first["ids"].append(target["ids"][0])
            return result
        if isinstance(first, nodes.paragraph | nodes.rubric | nodes.list_item | nodes.field_list):
            holder = first[0] if isinstance(first, nodes.list_item | nodes.field_list) and len(first) else first
            if isinstance(holder, nodes.paragraph | nodes.rubric):
                holder.insert(0, target)
                return result
        if result and isinstance(first, nodes.TextElement | nodes.Text) and not isinstance(first, nodes.paragraph):
            return [target, *result]  # inline: the target in the same line
        return [nodes.paragraph("", "", target), *result] if result else [target]


_SAFE_ID = re.compile(r"[A-Za-z0-9_.:-]+")


def _rows(table: El) -> list[tuple[El, bool]]:
    rows: list[tuple[El, bool]] = []
    for child in table.children:
        if not isinstance(child, El):
            continue
        if child.tag == "tr":
            rows.append((child, all(isinstance(c, str) or c.tag == "th" for c in child.children) and not rows))
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows += [(r, child.tag == "thead") for r in child.children if isinstance(r, El) and r.tag == "tr"]
    return rows


def _lone_image(blocks: list[nodes.Node]) -> list[nodes.Node]:
    """A paragraph holding nothing but an image is that image (a figure's picture)."""
    if len(blocks) == 1 and isinstance(blocks[0], nodes.paragraph) and len(blocks[0]) == 1:
        image = blocks[0][0]
        if isinstance(image, nodes.image):
            image.parent = None
            return [image]
    return blocks


def _holds_picture(el: El) -> bool:
    """Whether the element is or holds a graph or chart (legend swatches do not count)."""
    return any(
        c.tag == "dm-graph" or (c.tag == "dm-svg" and 'aria-hidden="true"' not in c.attrs["svg"][:300]) for c in walk(el)
    )


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S)
_LABEL = re.compile(r'aria-label="([^"]*)"')


def _svg_alt(svg: str) -> str:
    head = svg[: svg.find(">") + 1]
    found = _LABEL.search(head) or _TITLE.search(svg)
    return html.unescape(" ".join(found.group(1).split())) if found else "chart"


def _strip(inline: list[nodes.Node]) -> list[nodes.Node]:
    """Trim the spaces at both ends of a line of inline nodes."""
    while inline and isinstance(inline[0], nodes.Text) and not inline[0].strip():
        inline = inline[1:]
    while inline and isinstance(inline[-1], nodes.Text) and not inline[-1].strip():
        inline = inline[:-1]
    if inline and isinstance(inline[0], nodes.Text):
        inline = [nodes.Text(inline[0].lstrip()), *inline[1:]]
    if inline and isinstance(inline[-1], nodes.Text):
        inline = [*inline[:-1], nodes.Text(inline[-1].rstrip())]
    return inline



"""Documents: the document tree as DOT (LDM-294 Figure 6) and the table of document entries."""

from __future__ import annotations

import textwrap
from collections import defaultdict
from collections.abc import Iterable

from ..analyses.documents import related
from ..data.catalog import Catalog
from ..data.model import Document
from .bibliography import format_authors, link_handles, sort_key
from .dot import dot_html_text, dot_string, dot_tooltip
from .html import anchor, esc, link, markdown, ref_url
from .tables import Column, table

# status → (node style, outline colour, text colour, fill); planned documents are red as in LDM-294 Fig. 6
STATUS_STYLE: dict[str, tuple[str, str, str, str]] = {
    "released": ("rounded,filled", "#333333", "#000000", "#ffffff"),
    "draft": ("rounded,dashed,filled", "#1f5f99", "#1f5f99", "#eef5fb"),
    "planned": ("rounded,dashed,filled", "#c0392b", "#c0392b", "#fdf0ef"),
}
STATUS_LABEL = {"released": "Released", "draft": "Draft", "planned": "Planned, not yet written"}
# relation type → edge colour (no red: red means "planned"); each legible as text on white (≥ 4.5:1)
EDGE_COLOURS = (
    "#555555", "#2e7d32", "#6a1b9a", "#1565c0", "#a84300", "#00707a",
    "#ad1457", "#5f5a00", "#4e342e", "#283593", "#00695c", "#5c6300",
)


def _node(doc: Document) -> str:
    style, colour, text_colour, fill = STATUS_STYLE[doc.status]
    title = textwrap.wrap(doc.title, 30)[:3] if doc.title != doc.handle else []
    label = "\n".join([doc.handle, *title])
    tooltip = f"{doc.handle}: {doc.title} ({doc.status})"
    return (
        f"  {dot_string(doc.handle)} [label={dot_string(label)}, style={dot_string(style)}, color={dot_string(colour)}, "
        f"fontcolor={dot_string(text_colour)}, fillcolor={dot_string(fill)}, URL={dot_string(ref_url('doc', doc.handle))}, "
        f"target=\"_top\", tooltip={dot_tooltip(tooltip)}, id={dot_string(anchor('doc-tree', doc.handle))}];"
    )


def _edge_colours(types: Iterable[str]) -> dict[str, str]:
    return {t: EDGE_COLOURS[i % len(EDGE_COLOURS)] for i, t in enumerate(sorted(set(types)))}


def _legend(statuses: Iterable[str], colours: dict[str, str]) -> str:
    """One node holding a table: the statuses drawn as their nodes are, the relation types in their colours."""
    cells = []
    for status in [s for s in STATUS_STYLE if s in set(statuses)]:
        style, colour, text_colour, fill = STATUS_STYLE[status]
        dashed = ' STYLE="dashed"' if "dashed" in style else ""
        cells.append(
            f'<TR><TD BORDER="1" COLOR="{colour}" BGCOLOR="{fill}"{dashed}>'
            f'<FONT COLOR="{text_colour}">{esc(STATUS_LABEL[status])}</FONT></TD></TR>'
        )
    for rel_type, colour in colours.items():
        cells.append(f'<TR><TD ALIGN="LEFT"><FONT COLOR="{colour}">&#8594; {dot_html_text(rel_type)}</FONT></TD></TR>')
    table = '<TABLE BORDER="0" CELLSPACING="4"><TR><TD><B>Legend</B></TD></TR>' + "".join(cells) + "</TABLE>"
    return f'  "dm legend" [shape=box, style="rounded", color="#bbbbbb", fontsize=10, id="dm-legend", label=<{table}>];'


def tree_dot(catalog: Catalog, docs: list[Document]) -> str:
    """DOT of *docs* and the relations among them, top-down (LDM-294 Fig. 6): the related-to document above."""
    shown = {d.handle for d in docs}
    edges = sorted((rel.to, doc.handle, rel.type) for doc in docs for rel in doc.relations if rel.to in shown)
    colours = _edge_colours(t for _, _, t in edges)
    lines = [
        "digraph documents {",
        '  graph [rankdir=TB, nodesep=0.2, ranksep=0.5, fontname="Helvetica"];',
        '  node [shape=box, fontname="Helvetica", fontsize=10, margin="0.12,0.05"];',
        '  edge [fontname="Helvetica", fontsize=8, arrowsize=0.7];',
    ]
    lines += [_node(d) for d in docs]
    for upper, lower, rel_type in edges:
        colour = colours[rel_type]
        lines.append(
            f"  {dot_string(upper)} -> {dot_string(lower)} [color={dot_string(colour)}, "
            f"tooltip={dot_tooltip(f'{lower} {rel_type} {upper}')}];"
        )
    lines += _rows_of_leaves(edges)
    lines.append(_legend({d.status for d in docs}, colours))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _rows_of_leaves(edges: list[tuple[str, str, str]], per_row: int = 4) -> list[str]:
    """Invisible edges that stack a document's many leaf children in rows, not one very wide row."""
    parents: dict[str, set[str]] = defaultdict(set)
    children: dict[str, list[str]] = defaultdict(list)
    for upper, lower, _ in edges:
        parents[lower].add(upper)
        if lower not in children[upper]:
            children[upper].append(lower)
    lines = []
    for upper in sorted(children):
        leaves = [d for d in children[upper] if d not in children and len(parents[d]) == 1]
        lines += [f"  {dot_string(leaves[i - per_row])} -> {dot_string(leaves[i])} [style=invis];"
                  for i in range(per_row, len(leaves))]
    return lines


# -- the table of entries ---------------------------------------------------------------


def _relations_cell(relations: list[tuple[str, str, str]]) -> str:
    return "<br>".join(f"{esc(arrow)} {esc(rel_type)} {link('doc', other)}" for arrow, rel_type, other in relations)


def _doc(row: object) -> Document:
    assert isinstance(row, Document)
    return row


def documents_table(catalog: Catalog, docs: Iterable[Document]) -> str:
    """One row per document; the first cell is the document's entry (anchor ``doc-HANDLE``)."""
    relations = related(catalog)

    def handle(row: object) -> str:
        doc = _doc(row)
        return f'<span class="dm-entry" id="{esc(anchor("doc", doc.handle))}">{esc(doc.handle)}</span>'

    def title(row: object) -> str:
        doc = _doc(row)
        text = f'<a class="reference external" href="{esc(doc.url)}">{esc(doc.title)}</a>' if doc.url else esc(doc.title)
        if doc.description:
            text += f'<div class="dm-description">{link_handles(markdown(doc.description), catalog)}</div>'
        return text

    def status(row: object) -> str:
        return f'<span class="dm-doc-{esc(_doc(row).status)}">{esc(_doc(row).status)}</span>'

    columns = [
        Column("Handle", handle, lambda r: _doc(r).handle),
        Column("Title", title, lambda r: _doc(r).title),
        Column("Authors", lambda r: esc(", ".join(format_authors(_doc(r).authors)))),
        Column("Year", lambda r: esc(_doc(r).year or ""), lambda r: str(_doc(r).year or "")),
        Column("Status", status, lambda r: _doc(r).status),
        Column("Series", lambda r: esc(_doc(r).series or ""), lambda r: _doc(r).series or ""),
        Column("Relations", lambda r: _relations_cell(relations.get(_doc(r).handle, []))),
    ]
    rows: list[Document] = sorted(docs, key=sort_key)
    return table(rows, columns, css="dm-documents", facets=(4, 5))

"""Glossary and acronym tables, and finding the terms a text uses (like the seeds' Acronyms sections)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..data.model import Term
from .html import anchor, esc, link, markdown
from .tables import Column, table

_INLINE_MATH = re.compile(r"\$(?=\S)([^$<>\n]*?\S)\$(?!\d)")  # "$> 5$" of LaTeX sources, shown "> 5" (not "$5 or $6")


def _definition(term: Term) -> str:
    rendered = _INLINE_MATH.sub(r'<span class="dm-math">\1</span>', markdown(term.definition).strip())
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return rendered


def _term_of(row: object) -> Term:
    assert isinstance(row, Term)
    return row


def acronyms_table(terms: Iterable[Term], entries: bool = False, caption: str = "") -> str:
    """'Acronym | Description' rows in the seeds' order; *entries*: rows are the terms' entries."""
    def name(row: object) -> str:
        term = _term_of(row)
        if entries:
            return f'<span class="dm-entry" id="{esc(anchor("term", term.term))}">{esc(term.term)}</span>'
        return link("term", term.term)

    rows = sorted(terms, key=lambda t: (t.term.casefold(), t.term))  # "Alert", "alert packet", "AP"
    if not rows:
        return '<p class="dm-acronyms dm-empty">No glossary terms are used here.</p>'
    columns = [
        Column("Acronym" if not entries else "Term", name, lambda r: _term_of(r).term),
        Column("Description", lambda r: _definition(_term_of(r))),
    ]
    return table(rows, columns, css="dm-acronyms" if not entries else "dm-glossary", caption=caption)


def glossary_table(terms: Iterable[Term]) -> str:
    """Every term with its definition; each row is the term's entry (anchor ``term-...``)."""
    return acronyms_table(terms, entries=True)


def candidates_table(rows: list[tuple[str, int, list[tuple[str, str]]]]) -> str:
    """Unknown ALL-CAPS tokens: (token, count, [(page title, page url)])."""
    if not rows:
        return '<p class="dm-glossary-candidates dm-empty">Every ALL-CAPS word used is in the glossary.</p>'

    def pages(row: object) -> str:
        assert isinstance(row, tuple)
        return ", ".join(f'<a href="{esc(url)}">{esc(title)}</a>' for title, url in row[2])

    columns = [
        Column("Word", lambda r: f"<code>{esc(r[0])}</code>", lambda r: r[0]),  # type: ignore[index]
        Column("Uses", lambda r: str(r[1]), lambda r: f"{r[1]:08d}"),  # type: ignore[index]
        Column("Pages", pages),
    ]
    return table(rows, columns, css="dm-glossary-candidates")

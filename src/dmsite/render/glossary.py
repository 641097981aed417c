"""Glossary and acronym tables, and finding the terms a text uses (like the seeds' Acronyms sections)."""

from __future__ import annotations

import functools
import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from ..model import Term
from .html import anchor, esc, link, markdown
from .tables import Column, table

_TAGS = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_ALL_CAPS = re.compile(r"^[A-Z]{2,}[0-9]*$")  # 'DM', 'DP0'; not 'F17F' (a cycle name)
# Words made of letters, digits and inner hyphens (ids like DMS-REQ-0002 are one word), only those
# with two capitals in a row: the others can hold no all-caps part, and the regex engine skips them.
_WORD_WITH_CAPS = re.compile(r"(?<![A-Za-z0-9])(?=[A-Za-z0-9-]*[A-Z]{2})[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")


def html_text(markup: str) -> str:
    """The visible text of an HTML fragment (tags dropped, entities decoded)."""
    return html.unescape(_TAGS.sub(" ", markup))


@functools.lru_cache(maxsize=8)
def _term_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    if not terms:
        return None
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=lambda t: (-len(t), t)))
    # a whole word (a plural 's' allowed); 'DM-AP-10' is an id, not a use of 'DM'
    return re.compile(rf"(?<![\w-])({alternatives})s?(?![\w]|-\w)")


def used_terms(text: str, terms: Iterable[str]) -> set[str]:
    """The glossary terms that occur in *text* (case-sensitive, whole words)."""
    pattern = _term_pattern(tuple(sorted(set(terms))))
    if pattern is None:
        return set()
    return {m.group(1) for m in pattern.finditer(_SPACE.sub(" ", text))}


def caps_tokens(text: str) -> Counter[str]:
    """ALL-CAPS words (2+ capitals) in *text*, with counts; hyphenated ids with digits are skipped."""
    counts: Counter[str] = Counter()
    for word in _WORD_WITH_CAPS.findall(text):
        if "-" in word and any(c.isdigit() for c in word):
            continue
        counts.update(part for part in word.split("-") if _ALL_CAPS.match(part))
    return counts


def candidates(counts: Mapping[str, int], terms: Iterable[str], ignore: Iterable[str] = ()) -> list[tuple[str, int]]:
    """ALL-CAPS tokens that are not glossary terms (nor in *ignore*), most used first."""
    known = set(terms) | set(ignore)
    unknown = [(token, n) for token, n in counts.items() if token not in known and token.rstrip("s") not in known]
    return sorted(unknown, key=lambda item: (-item[1], item[0]))


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

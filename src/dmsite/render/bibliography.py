"""Documents as a bibliography (pybtex): entries, seed-style reference lists, citation links.

Citations in rendered HTML are written as ``dmsite-cite:HANDLE`` placeholders that the Sphinx
layer points at the page's reference list (or the document's entry).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from pybtex.database import BibliographyData, Entry, Person
from pybtex.scanner import PybtexError
from pybtex.textutils import abbreviate

from ..analyses.citations import handle_pattern
from ..data.model import Document
from .html import esc

if TYPE_CHECKING:
    from ..data.catalog import Catalog

CITE_SCHEME = "dmsite-cite:"
CITE_PATTERN = re.compile(r"dmsite-cite:([^\"'<>\s]+)")
MAX_LISTED_AUTHORS = 4  # more than this: the first three and "et al." (as the seeds do)

# -- records → pybtex ------------------------------------------------------------


def to_entry(doc: Document) -> Entry:
    """One Document as a pybtex entry (type ``techreport``, key = handle)."""
    fields = {"title": doc.title, "handle": doc.handle}
    if doc.year is not None:
        fields["year"] = str(doc.year)
    for name in ("url", "series", "version"):
        value = getattr(doc, name)
        if value:
            fields[name] = value
    people = [_person(a) or Person(last=a.strip("{}")) for a in doc.authors]
    persons = {"author": people} if people else None
    return Entry("techreport", fields=fields, persons=persons)


def bibliography_data(docs: Iterable[Document]) -> BibliographyData:
    """The documents as a pybtex bibliography, sorted as the reference lists are."""
    return BibliographyData(entries={d.handle: to_entry(d) for d in sorted(docs, key=sort_key)})


def to_bibtex(docs: Iterable[Document]) -> str:
    """The documents as BibTeX text (for teams that cite them from LaTeX)."""
    return str(bibliography_data(docs).to_string("bibtex"))


# -- formatting like the seeds' reference lists -----------------------------------


def _is_literal(author: str) -> bool:
    """A corporate author ('{LSST Project}', 'The LSST ... Team'): shown as written."""
    if author.startswith("{") and author.endswith("}"):
        return True
    if "," in author:
        return False
    words = author.split()
    return len(words) > 4 or any(w[:1].islower() for w in words) or len(words) < 2


def _person(author: str) -> Person | None:
    """The author as a pybtex Person, or None for a corporate or unparsable name."""
    if _is_literal(author):
        return None
    try:
        return Person(author)
    except PybtexError:  # e.g. too many commas
        return None


def format_author(author: str) -> str:
    """'Kian-Tat Lim' or 'Lim, Kian-Tat' → 'Lim, K.-T.'; corporate names as written."""
    person = _person(author)
    if person is None:
        return author.strip("{}")
    last = " ".join(person.prelast_names + person.last_names).replace("{", "").replace("}", "")
    firsts = " ".join(abbreviate(n) for n in person.first_names + person.middle_names)
    suffix = ", " + " ".join(person.lineage_names) if person.lineage_names else ""
    return f"{last}, {firsts}{suffix}" if firsts else last + suffix


def format_authors(authors: list[str]) -> list[str]:
    shown = [format_author(a) for a in authors]
    return shown if len(shown) <= MAX_LISTED_AUTHORS else [*shown[:3], "et al."]


def sort_key(doc: Document) -> tuple[str, int, str, str]:
    """Reference-list order: first author, year, title; author-less documents first, by handle."""
    if not doc.authors:
        return "", 0, doc.handle, ""
    return format_author(doc.authors[0]).casefold(), doc.year or 0, doc.title.casefold(), doc.handle


def entry_html(doc: Document, link_handle: Callable[[str], str | None] | None = None) -> str:
    """``[LDM-148], Lim, K.-T., ..., 2018, <em>Title</em>, LDM-148, URL <a>...</a>`` (escaped).

    *link_handle* maps a handle to a URL for the handle after the title (its entry).
    """
    label = f'<strong class="dm-cite-label">[{esc(doc.handle)}]</strong>'
    parts = [esc(a) for a in format_authors(doc.authors)]
    if doc.year is not None:
        parts.append(str(doc.year))
    if doc.title != doc.handle:  # a title that only repeats the handle means the title is unknown
        parts.append(f"<em>{esc(doc.title)}</em>")
    target = link_handle(doc.handle) if link_handle else None
    parts.append(f'<a class="dm-ref dm-doc" href="{esc(target)}">{esc(doc.handle)}</a>' if target else esc(doc.handle))
    if doc.url:
        parts.append(f'URL <a class="reference external" href="{esc(doc.url)}">{esc(doc.url)}</a>')
    if doc.status != "released":
        parts.append(f'<span class="dm-doc-{esc(doc.status)}">({esc(doc.status)})</span>')
    return label + (", " if doc.authors else " ") + ", ".join(parts)


def references_html(
    docs: Iterable[Document], anchor_of: Callable[[str], str] | None = None,
    link_handle: Callable[[str], str | None] | None = None,
) -> str:
    """A numbered reference list sorted like the seeds; entries get ids from *anchor_of*."""
    items = []
    for doc in sorted(docs, key=sort_key):
        ident = f' id="{esc(anchor_of(doc.handle))}"' if anchor_of else ""
        items.append(f"<li{ident}>{entry_html(doc, link_handle)}</li>")
    if not items:
        return '<p class="dm-references dm-empty">No documents are cited on this page.</p>'
    return '<ol class="dm-references">\n' + "\n".join(items) + "\n</ol>"


# -- citation links ----------------------------------------------------------------


def cite_url(handle: str) -> str:
    return CITE_SCHEME + quote(handle, safe="")


def cite_link(handle: str, text: str | None = None) -> str:
    """A citation of *handle* in raw HTML; the page's reference list will include it."""
    return f'<a class="dm-cite" href="{cite_url(handle)}">{esc(text or handle)}</a>'


_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_ENTITY = re.compile(r"(&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)")


def link_handles(html: str, catalog: Catalog) -> str:
    """Turn known handles in the text of *html* into citations (not inside links or tags)."""
    pattern = handle_pattern(catalog.documents)
    if pattern is None or not html:
        return html
    out: list[str] = []
    in_link = 0
    for piece in _TAG_OR_TEXT.split(html):
        if piece.startswith("<"):
            lowered = piece[:3].lower()
            if lowered.startswith("<a") and (len(piece) < 3 or not piece[2].isalnum()):
                in_link += 1
            elif lowered == "</a":
                in_link = max(0, in_link - 1)
            out.append(piece)
        elif in_link:
            out.append(piece)
        else:  # entities ('&lt;', '&amp;') are left whole: a document handle 'lt' is not cited inside one
            out += [p if p.startswith("&") else pattern.sub(lambda m: cite_link(m.group(0)), p)
                    for p in _ENTITY.split(piece)]
    return "".join(out)


def cite_handles_in(html: str) -> list[str]:
    """The handles of the citation placeholders in *html*, in order."""
    return [unquote(m.group(1)) for m in CITE_PATTERN.finditer(html)]

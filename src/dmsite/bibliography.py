"""Documents as a bibliography (pybtex): entries, seed-style formatting, citations, .bib import.

Pure functions over Document records; nothing here knows about Sphinx.  Citations in
rendered HTML are written as ``dmsite-cite:HANDLE`` placeholders that the Sphinx layer
points at the page's reference list (or the document's entry).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.input.bibtex import Parser
from pybtex.richtext import Text
from pybtex.scanner import PybtexError, PybtexSyntaxError
from pybtex.textutils import abbreviate

from .model import Document
from .problems import Loc, Problem
from .render.html import esc

if TYPE_CHECKING:
    from .catalog import Catalog

CITE_SCHEME = "dmsite-cite:"
CITE_PATTERN = re.compile(r"dmsite-cite:([^\"'<>\s]+)")
MAX_LISTED_AUTHORS = 4  # more than this: the first three and "et al." (as the seeds do)
_HANDLE_SERIES = re.compile(r"^([A-Za-z]+)-\d")

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


# -- citations in text ------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _handle_pattern(handles: tuple[str, ...]) -> re.Pattern[str] | None:
    if not handles:
        return None
    # longest first, so that LDM-1481 is not read as LDM-148 followed by "1"
    alternatives = "|".join(re.escape(h) for h in sorted(handles, key=lambda h: (-len(h), h)))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w]|-\w)")


def _pattern_for(documents: Mapping[str, Document]) -> re.Pattern[str] | None:
    return _handle_pattern(tuple(sorted(documents)))


def cited_handles(text: str, catalog: Catalog) -> list[str]:
    """Known document handles mentioned in *text*, in order of first mention.

    A handle is a whole word: 'LDM-151 §3.1' cites LDM-151; 'LDM-503-10a' (a milestone) does not
    cite LDM-503.
    """
    pattern = _pattern_for(catalog.documents)
    if pattern is None:
        return []
    return list(dict.fromkeys(m.group(0) for m in pattern.finditer(text)))


def cite_url(handle: str) -> str:
    return CITE_SCHEME + quote(handle, safe="")


def cite_link(handle: str, text: str | None = None) -> str:
    """A citation of *handle* in raw HTML; the page's reference list will include it."""
    return f'<a class="dm-cite" href="{cite_url(handle)}">{esc(text or handle)}</a>'


_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")


def link_handles(html: str, catalog: Catalog) -> str:
    """Turn known handles in the text of *html* into citations (not inside links or tags)."""
    pattern = _pattern_for(catalog.documents)
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
        else:
            out.append(pattern.sub(lambda m: cite_link(m.group(0)), piece))
    return "".join(out)


def cite_handles_in(html: str) -> list[str]:
    """The handles of the citation placeholders in *html*, in order."""
    return [unquote(m.group(1)) for m in CITE_PATTERN.finditer(html)]


# -- .bib import ----------------------------------------------------------------------

_ENTRY_START = re.compile(r"@\s*([A-Za-z]+)\s*[{(]\s*([^,\s]+)\s*,")
_NOT_ENTRIES = {"string", "comment", "preamble"}
BibRecord = tuple[dict[str, Any], Loc, dict[str, Loc]]


def _plain(latex: str) -> str:
    """LaTeX field text → plain text ('Juri{\\'c}' → 'Jurić')."""
    return str(Text.from_latex(latex).render_as("text")).strip()


def _person_text(person: Person) -> str:
    last = _plain(" ".join(person.prelast_names + person.last_names))
    first = _plain(" ".join(person.first_names + person.middle_names))
    if person.last_names and person.last_names[0].startswith("{") and not first:
        return "{" + last + "}"  # a corporate author stays literal
    return f"{last}, {first}" if first else last


def _entry_lines(text: str) -> dict[str, int]:
    """Line of each entry key (pybtex does not keep positions)."""
    lines: dict[str, int] = {}
    for match in _ENTRY_START.finditer(text):
        if match.group(1).lower() not in _NOT_ENTRIES:
            lines.setdefault(match.group(2), text.count("\n", 0, match.start()) + 1)
    return lines


def _field_locs(text: str, name: str, line: int, fields: Iterable[str]) -> dict[str, Loc]:
    lines = text.splitlines()
    locs: dict[str, Loc] = {}
    for number in range(line - 1, min(len(lines), line + 60)):
        match = re.match(r"\s*([A-Za-z_-]+)\s*=", lines[number])
        if match and match.group(1).lower() in fields:
            locs.setdefault(match.group(1).lower(), Loc(name, number + 1, match.start(1) + 1))
        if number > line - 1 and _ENTRY_START.search(lines[number]):
            break
    return locs


def _values(key: str, entry: Entry) -> dict[str, Any]:
    fields = {k.lower(): v for k, v in entry.fields.items()}
    handle = _plain(fields.get("handle", key))
    values: dict[str, Any] = {"handle": handle, "title": _plain(fields.get("title", ""))}
    authors = [_person_text(p) for p in entry.persons.get("author", [])]
    if authors:
        values["authors"] = authors
    if "year" in fields:
        year = _plain(fields["year"])
        values["year"] = int(year) if year.isdigit() else year
    url = fields.get("url") or (f"https://doi.org/{fields['doi']}" if "doi" in fields else None)
    if url:
        values["url"] = url.strip()
    series = _HANDLE_SERIES.match(handle)
    if "series" in fields or series:
        values["series"] = _plain(fields["series"]) if "series" in fields else series.group(1)  # type: ignore[union-attr]
    if "version" in fields:
        values["version"] = _plain(fields["version"])
    return values


def _syntax_problem(text: str, name: str, exc: PybtexSyntaxError) -> Problem:
    """Point at the error line and name the entry it is in (an unclosed brace shows at the end)."""
    line = exc.lineno or 1
    message = re.sub(r"^syntax error in line \d+: ", "", str(exc))
    entries = _entry_lines(text)
    # an error on the line an entry starts on means the entry before it was not closed
    before = line - 1 if line in entries.values() else line
    starts = [(n, key) for key, n in entries.items() if n <= before]
    if starts:
        start, key = max(starts)
        return Problem(Loc(name, line), key, f"BibTeX syntax error: {message} (in entry '{key}' at line {start})")
    return Problem(Loc(name, line), "-", f"BibTeX syntax error: {message}")


def read_bib(text: str, name: str) -> tuple[list[BibRecord], list[Problem]]:
    """Parse BibTeX *text* (shown as *name*) into Document field values with locations.

    Known fields are mapped (handle — or the entry key —, title, author, year, url/doi, series,
    version); other fields are ignored.  Syntax errors become located problems.
    """
    try:
        data = Parser().parse_string(text)
    except PybtexSyntaxError as exc:
        return [], [_syntax_problem(text, name, exc)]
    except PybtexError as exc:
        key = re.search(r": (\S+)$", str(exc))
        starts = [m for m in _ENTRY_START.finditer(text) if key and m.group(2) == key.group(1)]
        line = text.count("\n", 0, starts[-1].start()) + 1 if starts else 1
        return [], [Problem(Loc(name, line), key.group(1) if key else "-", f"BibTeX error: {exc}")]
    lines = _entry_lines(text)
    records: list[BibRecord] = []
    for key, entry in data.entries.items():
        line = lines.get(key, 1)
        locs = _field_locs(text, name, line, {*entry.fields.keys(), "author"})
        locs = {("authors" if k == "author" else k): v for k, v in locs.items()}
        records.append((_values(key, entry), Loc(name, line), locs))
    return records, []


def read_bib_file(path: Path, name: str) -> tuple[list[BibRecord], list[Problem]]:
    """Read one .bib file; unreadable or non-UTF-8 files are located problems."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return [], [Problem(Loc(name, line), "-", f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x})")]
    return read_bib(text, name)

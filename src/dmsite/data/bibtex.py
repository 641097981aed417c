"""Reading BibTeX (.bib) files of documents into located plain records (pybtex)."""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pybtex.backends.plaintext import Backend
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.input.bibtex import Parser
from pybtex.richtext import Text
from pybtex.scanner import PybtexError, PybtexSyntaxError

from ..errors import InputRefused
from .problems import Loc, Problem, clip
from .text import describe_char

MAX_BIB_BYTES = 4 * 1024 * 1024  # pybtex and its LaTeX decoder read 0.3 to 1 MB a second
MAX_BIB_SECONDS = 15.0
_PLAIN_FIELD = re.compile(r"[\w .,;:()/+=@!?<>\"*|\[\]-]*")  # no character the LaTeX decoder would change
_TEXT = Backend()  # looked up once: ``render_as("text")`` searches the installed plugins on every call
# what a .bib file may not hold, raw (YAML's rule): controls but tab and line breaks, NEL, lone surrogates
_NOT_IN_BIB = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")

_HANDLE_SERIES = re.compile(r"^([A-Za-z]+)-\d")

_ENTRY_START = re.compile(r"@\s*([A-Za-z]+)\s*[{(]\s*([^,\s]+)\s*,")
_NOT_ENTRIES = {"string", "comment", "preamble"}
BibRecord = tuple[dict[str, Any], Loc, dict[str, Loc]]


@functools.lru_cache(maxsize=16384)  # authors, series and years repeat
def _plain(latex: str) -> str:
    """LaTeX field text → plain text ('Juri{\\'c}' → 'Jurić')."""
    if _PLAIN_FIELD.fullmatch(latex) and "--" not in latex and "  " not in latex:  # most fields: no decoding
        return latex.strip()
    return str(Text.from_latex(latex).render(_TEXT)).strip()


def _person_text(person: Person) -> str:
    last = _plain(" ".join(person.prelast_names + person.last_names))
    first = _plain(" ".join(person.first_names + person.middle_names))
    if person.last_names and person.last_names[0].startswith("{") and not first:
        return "{" + last + "}"  # a corporate author stays literal
    return f"{last}, {first}" if first else last


def _entry_lines(text: str) -> dict[str, int]:
    """Line of each entry key (pybtex does not keep positions)."""
    lines: dict[str, int] = {}
    line, counted = 1, 0
    for match in _ENTRY_START.finditer(text):
        line, counted = line + text.count("\n", counted, match.start()), match.start()  # counted once: linear
        if match.group(1).lower() not in _NOT_ENTRIES:
            lines.setdefault(match.group(2), line)
    return lines


def _field_locs(lines: list[str], name: str, line: int, fields: Iterable[str]) -> dict[str, Loc]:
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
    values: dict[str, Any] = {"handle": handle}
    if "title" in fields:  # none: the model says it is missing
        values["title"] = _plain(fields["title"])
    authors = [_person_text(p) for p in entry.persons.get("author", [])]
    if authors:
        values["authors"] = authors
    if "year" in fields:
        year = _plain(fields["year"])
        values["year"] = int(year) if year.isascii() and year.isdigit() and len(year) < 10 else year
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
    bad = _NOT_IN_BIB.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - text.rfind("\n", 0, bad.start())
        return [], [Problem(Loc(name, line, col), "-", f"character {describe_char(bad.group())} is not allowed in a "
                                                       ".bib file; remove it")]
    try:
        deadline = time.monotonic() + MAX_BIB_SECONDS
        data = _TimedParser(name, deadline).parse_string(text)
    except InputRefused as refused:
        return [], [Problem(refused.loc, "-", refused.message)]
    except PybtexSyntaxError as exc:
        return [], [_syntax_problem(text, name, exc)]
    except PybtexError as exc:
        key = re.search(r": (\S+)$", str(exc))
        starts = [m for m in _ENTRY_START.finditer(text) if key and m.group(2) == key.group(1)]
        line = text.count("\n", 0, starts[-1].start()) + 1 if starts else 1
        return [], [Problem(Loc(name, line), key.group(1) if key else "-", f"BibTeX error: {exc}")]
    lines = _entry_lines(text)
    text_lines = text.splitlines()
    records: list[BibRecord] = []
    for key, entry in data.entries.items():
        line = lines.get(key, 1)
        if time.monotonic() > deadline:
            return [], [_too_slow(name, line, key)]
        locs = _field_locs(text_lines, name, line, {*entry.fields.keys(), "author"})
        locs = {("authors" if k == "author" else k): v for k, v in locs.items()}
        records.append((_values(key, entry), Loc(name, line), locs))
    return records, []


def _too_slow(name: str, line: int, key: str) -> Problem:
    return Problem(Loc(name, line), "-", f"reading the .bib file took longer than {MAX_BIB_SECONDS:.0f} s; stopped at "
                                         f"entry '{clip(key)}' (split the file)")


class _TimedParser(Parser):  # type: ignore[misc]
    """pybtex's parser, stopping with a located problem once the file has taken longer than its *deadline*."""

    def __init__(self, name: str, deadline: float):
        super().__init__()
        self.name, self.deadline = name, deadline

    def parse_string(self, text: str) -> BibliographyData:
        data = self.data
        original = data.add_entry

        def add_entry(key: str, entry: Entry) -> None:
            if time.monotonic() > self.deadline:
                line = text.count("\n", 0, text.find(key)) + 1 if key in text else 1
                problem = _too_slow(self.name, line, key)
                raise InputRefused(problem.loc, problem.message)
            original(key, entry)

        data.add_entry = add_entry
        return super().parse_string(text)


def read_bib_file(path: Path, name: str) -> tuple[list[BibRecord], list[Problem]]:
    """Read one .bib file; unreadable, too large or non-UTF-8 files are located problems."""
    try:
        if path.stat().st_size > MAX_BIB_BYTES:
            return [], [Problem(Loc(name), "-", f"file is larger than {MAX_BIB_BYTES // 2**20} MB (the limit for "
                                                ".bib files); split it")]
        raw = path.read_bytes()
    except OSError as exc:
        return [], [Problem(Loc(name), "-", f"cannot read the file ({exc.strerror})")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return [], [Problem(Loc(name, line), "-", f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x})")]
    return read_bib(text, name)

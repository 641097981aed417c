"""HTML building blocks shared by every renderer: escaping, Markdown, record links.

Links to records are written as placeholders (``dmsite-ref:KIND:ID``) because a
renderer does not know on which page a record's entry lives; the Sphinx layer swaps
them for real URLs when the page is written.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import quote, unquote

from markdown_it import MarkdownIt

REF_SCHEME = "dmsite-ref:"
REF_PATTERN = re.compile(r'dmsite-ref:([a-z]+):([^"\'<>\s]+)')

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


_PLACEHOLDER = re.compile(r"dmsite-(ref|cite):")


def _defuse(html: str) -> str:
    """Text from the data never forms a link placeholder: its colon is written as an entity (reads the same)."""
    return _PLACEHOLDER.sub(r"dmsite-\1&#58;", html) if "dmsite-" in html else html


def esc(text: object) -> str:
    """Escape any value for HTML text and attribute values."""
    return _defuse(escape("" if text is None else str(text), quote=True))


_PLAIN_LINE = re.compile(r"[A-Za-z][A-Za-z0-9 ,.:;()'/-]*[A-Za-z0-9.:;)'/-]")  # no Markdown syntax possible


def markdown(text: str | None) -> str:
    """Render Markdown from the data; raw HTML in it is shown escaped, unsafe links dropped."""
    if text and _PLAIN_LINE.fullmatch(text):  # one plain line: the paragraph Markdown would make, much faster
        return _defuse(f"<p>{text}</p>\n")
    return _defuse(str(_markdown.render(text or "")))


def anchor(kind: str, record_id: str) -> str:
    """The stable HTML id of a record's entry."""
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9_.-]", "-", record_id)


def ref_url(kind: str, record_id: str) -> str:
    return f"{REF_SCHEME}{kind}:{quote(record_id, safe='')}"


PAGE_SCHEME = "dmsite-page:"  # a link to a page of the site by its docname, resolved when the page is written
PAGE_PATTERN = re.compile(r'dmsite-page:([^"\'<>\s]+)')


def page_url(docname: str) -> str:
    return PAGE_SCHEME + quote(docname, safe="/")


def parse_ref(match: re.Match[str]) -> tuple[str, str]:
    return match.group(1), unquote(match.group(2))


def link(kind: str, record_id: str, text: str | None = None, css: str = "") -> str:
    """An HTML link to a record's entry; *text* is plain text (escaped here)."""
    classes = f"dm-ref dm-{kind}" + (f" {css}" if css else "")
    return f'<a class="{classes}" href="{ref_url(kind, record_id)}">{esc(text or record_id)}</a>'


def note_html(text: str, css: str = "dm-empty") -> str:
    """A quiet one-line note (an empty list, a selection with nothing in it), escaped."""
    return f'<p class="{esc(css)}">{esc(text)}</p>'

"""Record links resolved when a page is written; a link to a record whose entry is on no page is plain text.

Renderers write ``dmsite-ref:KIND:ID`` placeholders (see ``render.html``).  When no page of the
site holds the record's entry (a site without a WBS dictionary page, say), the link would go to an
anchor that exists nowhere: it becomes the text alone instead, and the build warns once per kind
with the number of such links (``[dmsite.unlinked]``; ``-W`` makes it fail).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import cast
from urllib.parse import unquote

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import NoUri
from sphinx.util import logging

from ..data.model import kind_named
from ..render.html import REF_PATTERN, anchor, parse_ref
from .domain import DmDomain

logger = logging.getLogger(__name__)

# a link written by render.html.link (its text is escaped and holds no element), and a link attribute elsewhere (SVG)
_HTML_LINK = re.compile(r'<a class="(dm-ref[^"]*)" href="dmsite-ref:([a-z]+):([^"\'<>\s]+)">([^<]*)</a>')
_LINK_ATTR = re.compile(r'\s(?:xlink:)?href="dmsite-ref:([a-z]+):([^"\'<>\s]+)"')

_UNLINKED: dict[int, Counter[tuple[str, str]]] = {}  # per build environment: (kind, id) → links left as text
_ENTRIES_BEFORE: dict[int, dict[tuple[str, str], tuple[str, str]]] = {}  # per build environment, before reading


def note_unlinked(env: BuildEnvironment, kind: str, record_id: str) -> None:
    _UNLINKED.setdefault(id(env), Counter())[(kind, record_id)] += 1


def entry_url(app: Sphinx, docname: str) -> Callable[[str, str], str | None]:
    """The URL, from page *docname*, of a record's entry; None when no page holds it."""
    domain = cast(DmDomain, app.env.get_domain("dm"))
    builder = app.builder
    pages: dict[str, str] = {}  # a page links to thousands of entries on a few pages

    def url(kind: str, record_id: str) -> str | None:
        entry = domain.entry(kind, record_id)
        if entry is None:
            return None
        target_doc, target_anchor = entry
        if target_doc == docname:
            return "#" + target_anchor
        page = pages.get(target_doc)
        if page is None:
            try:
                page = pages[target_doc] = builder.get_relative_uri(docname, target_doc)
            except NoUri:  # a PDF without that page
                return None
        return "#" + target_anchor if page.startswith("#") else page + "#" + target_anchor  # singlehtml: one page

    return url


def resolve_refs(app: Sphinx, docname: str, text: str) -> str:
    """*text* (HTML or SVG) with every record placeholder swapped for its URL, or the link for its text alone."""
    url = entry_url(app, docname)

    def html_link(match: re.Match[str]) -> str:
        kind, record_id = match.group(2), unquote(match.group(3))
        found = url(kind, record_id)
        if found is None:
            note_unlinked(app.env, kind, record_id)
            return f'<span class="{match.group(1)} dm-no-entry">{match.group(4)}</span>'
        return f'<a class="{match.group(1)}" href="{found}">{match.group(4)}</a>'

    def attribute(match: re.Match[str]) -> str:
        kind, record_id = match.group(1), unquote(match.group(2))
        found = url(kind, record_id)
        if found is None:  # an SVG <a> without a link: its shapes and text stay, nothing to click
            note_unlinked(app.env, kind, record_id)
            return ""
        return match.group(0).split("=", 1)[0] + f'="{found}"'

    def other(match: re.Match[str]) -> str:  # a placeholder outside a link (none is written so): its anchor
        kind, record_id = parse_ref(match)
        return url(kind, record_id) or "#" + anchor(kind, record_id)

    return REF_PATTERN.sub(other, _LINK_ATTR.sub(attribute, _HTML_LINK.sub(html_link, text)))


def warn_unlinked(app: Sphinx, exception: Exception | None) -> None:
    """At the end of a build: one warning per kind of record linked to but shown on no page."""
    unlinked = _UNLINKED.pop(id(app.env), Counter())
    if exception is not None:
        return
    by_kind: dict[str, Counter[str]] = {}
    for (kind, record_id), count in unlinked.items():
        by_kind.setdefault(kind, Counter())[record_id] += count
    for kind, ids in sorted(by_kind.items()):
        cls = kind_named(kind)
        noun = cls.called() if cls else kind
        links, records = sum(ids.values()), len(ids)
        examples = ", ".join(sorted(ids)[:3]) + (", ..." if records > 3 else "")
        logger.warning(
            "%d %s to %d %s (%s) %s shown as plain text: no page of the site shows %s",
            links, "link" if links == 1 else "links", records, _plural(noun, records), examples,
            "is" if links == 1 else "are", "its entry" if records == 1 else "their entries",
            type="dmsite", subtype="unlinked",
        )


def _plural(noun: str, count: int) -> str:
    if count == 1:
        return noun
    return noun[: -len("person")] + "people" if noun.endswith("person") else noun + "s"


def note_entries_before(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Before reading: where each record's entry is (to compare with after reading)."""
    _ENTRIES_BEFORE[id(env)] = dict(cast(DmDomain, env.get_domain("dm")).objects)
    return []


def pages_to_relink(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """After reading: when an entry moved to another page, came or went, every page is written again, since
    any page may link to it (a page not read again keeps its doctree; its links are made when it is written)."""
    before = _ENTRIES_BEFORE.pop(id(env), None)
    if before is None or before == cast(DmDomain, env.get_domain("dm")).objects:
        return []
    return sorted(env.found_docs)

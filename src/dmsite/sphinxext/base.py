"""What every dmsite directive shares: the catalog, raw HTML output, record entries."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import cast
from urllib.parse import unquote

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import NoUri
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..data.catalog import Catalog
from ..render.html import PAGE_PATTERN, anchor
from .domain import DmDomain
from .inputs import note_use
from .links import resolve_refs
from .state import BuildData, current

logger = logging.getLogger(__name__)


class DataDirective(SphinxDirective):
    """A directive that shows catalog data; marks its page as depending on the data."""

    @property
    def data(self) -> BuildData:
        if not getattr(self, "_dmsite_noted", False):  # the page depends on the data (see inputs.py)
            self._dmsite_noted = True
            note_use(self, current().catalog)
        return current()

    @property
    def catalog(self) -> Catalog:
        return self.data.catalog

    @property
    def domain(self) -> DmDomain:
        return cast(DmDomain, self.env.get_domain("dm"))

    def note_entries(self, kind: str, record_ids: list[str]) -> None:
        """Declare that this page holds the entries (anchors) of these records."""
        for record_id in record_ids:
            self.domain.note_entry(kind, record_id, anchor(kind, record_id))

    def html(self, markup: str, search: bool = True) -> list[nodes.Node]:
        """Wrap rendered HTML; record links in it are resolved when the page is written.

        ``search=False`` keeps it out of the search index (a big table repeating entries found elsewhere).
        """
        # A rawsource of its own: Sphinx copies an empty one from the text, doubling a big page's doctree.
        raw = nodes.raw(
            self.name, markup, format="html", classes=[] if search else ["no-search"], dmsite_directive=self.name
        )
        raw.source, raw.line = self.get_source_info()
        return [raw]

    def warn(self, message: str) -> None:
        logger.warning(message, location=self.get_location(), type="dmsite", subtype="directive")


def page_link(app: Sphinx, docname: str) -> Callable[[re.Match[str]], str]:
    """For ``PAGE_PATTERN.sub``: the URL, from page *docname*, of the page a ``dmsite-page:`` names ('#': none)."""

    def url(match: re.Match[str]) -> str:
        try:
            return app.builder.get_relative_uri(docname, unquote(match.group(1)))
        except NoUri:
            return "#"

    return url


def resolve_record_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Swap ``dmsite-ref:`` and ``dmsite-page:`` placeholders in raw HTML for URLs."""
    page = page_link(app, docname)
    for raw in doctree.findall(nodes.raw):
        text = raw.astext()
        if "dmsite-ref:" in text or "dmsite-page:" in text:
            new = raw.copy()  # its attributes (the directive's name, the location) kept
            new += nodes.Text(PAGE_PATTERN.sub(page, resolve_refs(app, docname, text)))
            raw.replace_self(new)

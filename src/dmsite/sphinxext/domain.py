"""The ``dm`` domain: where each record's entry lives, roles that link to it, and all cross-page state.

Whatever dmsite keeps between builds about pages lives here, purged (``clear_doc``) and merged
from parallel readers (``merge_domaindata``) in one place: each page's entries, which data it
shows (``inputs.py``), whether it shows history, what text it uses (``process_doc``), and the
build-wide marks that tell what changed since the last build.  (The catalog itself is not
pickled: see ``state.py``.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, cast

from docutils import nodes
from docutils.nodes import Element, Node, system_message
from sphinx.addnodes import pending_xref
from sphinx.builders import Builder
from sphinx.domains import Domain, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

from ..data.catalog import Status
from ..data.model import RECORD_CLASSES
from .reading import current_catalog, record_title
from .state import current

logger = logging.getLogger(__name__)

Use = tuple[str, dict[str, Any], list[str], str]  # directive class, options, arguments, fingerprint (inputs.py)
HistoryUse = Literal["always", "inputs"]  # read again when the commit changes; or when its inputs differ


@dataclass(frozen=True)
class PageScan:
    """What the text of a page uses (see ``documents.py``)."""

    terms: frozenset[str]
    caps: dict[str, int]
    site_lists: bool  # the page shows a site-wide acronym or candidate list


KIND_TABLES = {cls.anchor: cls.table for cls in RECORD_CLASSES}  # object type (the anchor) → catalog table
# The plain role names pages use: each kind's name ({document}, {requirement}; Sphinx's own {doc}
# links pages), and {req}, the short name pages have always used.
PLAIN_ROLES = {cls.kind: cls.anchor for cls in RECORD_CLASSES} | {"req": "req"}


class RecordRole(XRefRole):
    """``{milestone}`DM-AP-9``` and friends: a link to the record's entry; warns on unknown ids."""

    def __init__(self, kind: str):
        super().__init__(innernodeclass=nodes.literal if kind != "term" else nodes.inline)
        self.kind = kind

    def run(self) -> tuple[list[Node], list[system_message]]:
        self.refdomain, self.reftype = "dm", self.kind
        self.classes = ["xref", "dm", f"dm-{self.kind}"]
        catalog = current().catalog
        target = self.target if self.kind != "wbs" else (catalog.wbs_key(self.target) or self.target)
        if not catalog.has(self.kind, target):
            logger.warning("unknown %s '%s'", self.kind, self.target, location=self.get_location(),
                           type="dmsite", subtype="ref")
        elif self.kind == "milestone" and catalog.status(catalog.milestones[target]) in (Status.COMPLETED, Status.RETIRED):
            self.classes.append(f"dm-{catalog.status(catalog.milestones[target]).value}")
        self.target = target
        dm_domain(self.env).note_reads_all()  # a page that reads the catalog
        return self.create_xref_node()


class DmDomain(Domain):
    name = "dm"
    label = "dmsite records"
    object_types = {kind: ObjType(kind, kind) for kind in KIND_TABLES}
    roles = {kind: RecordRole(kind) for kind in KIND_TABLES}
    # "entries": (kind, id) -> {docname: anchor}, every page holding an entry of the record;
    # "objects": (kind, id) -> (docname, anchor), the one links go to: the first page by name, so the
    # choice does not depend on which pages an incremental or parallel build happened to read.
    # Per page: "all_data" (pages depending on all the data), "history" (docname -> HistoryUse), "uses"
    # (docname -> [Use]), "scans" (docname -> PageScan).  "marks": build-wide name -> value.
    initial_data = {
        "entries": {}, "objects": {}, "all_data": {}, "history": {}, "uses": {}, "scans": {}, "marks": {},
    }
    data_version = 3
    PER_PAGE = ("all_data", "history", "uses", "scans")

    @property
    def entries(self) -> dict[tuple[str, str], dict[str, str]]:
        entries: dict[tuple[str, str], dict[str, str]] = self.data["entries"]
        return entries

    @property
    def objects(self) -> dict[tuple[str, str], tuple[str, str]]:
        objects: dict[tuple[str, str], tuple[str, str]] = self.data["objects"]
        return objects

    def _choose(self, key: tuple[str, str]) -> None:
        pages = self.entries.get(key)
        if pages:
            self.objects[key] = min(pages.items())
        else:
            self.entries.pop(key, None)
            self.objects.pop(key, None)

    def note_entry(self, kind: str, record_id: str, anchor: str) -> None:
        """Record that the current page holds the entry of a record (the first page by name wins)."""
        self.entries.setdefault((kind, record_id), {}).setdefault(self.env.docname, anchor)
        self._choose((kind, record_id))

    def entry(self, kind: str, record_id: str, within: Iterable[str] | None = None) -> tuple[str, str] | None:
        """Where links to the record go; *within*: only these pages (a PDF holding some of the site's pages)."""
        if within is None:
            return self.objects.get((kind, record_id))
        pages = self.entries.get((kind, record_id), {})
        return next(((doc, pages[doc]) for doc in sorted(pages) if doc in within), None)

    # -- what each page shows ---------------------------------------------------------------------

    def note_reads_all(self) -> None:
        """The current page shows data without declaring which: any data change reads it again."""
        self.data["all_data"][self.env.docname] = True

    def reads_all(self, docname: str) -> bool:
        return docname in self.data["all_data"]

    @property
    def pages_reading_all(self) -> list[str]:
        return list(self.data["all_data"])

    @property
    def uses(self) -> dict[str, list[Use]]:
        """Per page, what its directives declared they show (see ``inputs.py``)."""
        uses: dict[str, list[Use]] = self.data["uses"]
        return uses

    def note_use(self, use: Use) -> None:
        self.uses.setdefault(self.env.docname, []).append(use)

    @property
    def history(self) -> dict[str, HistoryUse]:
        """Per page that shows schedule history, when to read it again (see ``history.py``)."""
        history: dict[str, HistoryUse] = self.data["history"]
        return history

    def note_history(self, when: HistoryUse) -> None:
        """The current page shows history: "always" read again when the commit changes (and wins), or
        only when its directives' "inputs" differ."""
        if when == "always" or self.env.docname not in self.history:
            self.history[self.env.docname] = when

    @property
    def scans(self) -> dict[str, PageScan]:
        """Per page, the text it uses (the glossary terms and capitalised words)."""
        scans: dict[str, PageScan] = self.data["scans"]
        return scans

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        from .documents import scan_page  # documents.py builds on this module

        self.scans[docname] = scan_page(document)

    def mark(self, name: str, value: str | None) -> str | None:
        """Keep a build-wide *value* under *name* (the data's digest, the commit...); return the one before."""
        marks: dict[str, str | None] = self.data["marks"]
        previous = marks.get(name)
        marks[name] = value
        return previous

    # -- purge and merge: every page's state, in one place -------------------------------------

    def clear_doc(self, docname: str) -> None:
        for key, pages in list(self.entries.items()):
            if pages.pop(docname, None) is not None:
                self._choose(key)
        for name in self.PER_PAGE:
            self.data[name].pop(docname, None)

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        wanted = set(docnames)
        for key, pages in otherdata["entries"].items():
            for doc, anchor in pages.items():
                if doc in wanted:
                    self.entries.setdefault(key, {})[doc] = anchor
                    self._choose(key)
        for name in self.PER_PAGE:
            self.data[name].update({doc: value for doc, value in otherdata[name].items() if doc in wanted})

    def resolve_xref(
        self, env: BuildEnvironment, fromdocname: str, builder: Builder, typ: str, target: str,
        node: pending_xref, contnode: Element,
    ) -> Element | None:
        found = self._resolve(fromdocname, builder, typ, target, contnode)
        catalog = current_catalog()
        if found is None and builder.format == "html" and catalog is not None and catalog.has(typ, target):
            from .links import note_unlinked  # links.py builds on this module

            note_unlinked(env, typ, target)  # a known record whose entry is on no page: its text, counted
        return found

    def _resolve(self, fromdocname: str, builder: Builder, typ: str, target: str, contnode: Element) -> Element | None:
        found = self.entry(typ, target, getattr(builder, "docnames", None) if builder.format == "latex" else None)
        if found is None:
            return None
        return make_refnode(builder, fromdocname, found[0], found[1], contnode, target)

    def resolve_any_xref(
        self, env: BuildEnvironment, fromdocname: str, builder: Builder, target: str,
        node: pending_xref, contnode: Element,
    ) -> list[tuple[str, Element]]:
        results = []
        for kind in KIND_TABLES:
            ref = self._resolve(fromdocname, builder, kind, target, contnode)
            if ref is not None:
                results.append((f"dm:{kind}", ref))
        return results

    def get_type_name(self, type: ObjType, primary: bool = False) -> str:
        return type.lname  # search results read "milestone, in …", not "dmsite records milestone, in …"

    def get_objects(self) -> Iterable[tuple[str, str, str, str, str, int]]:
        catalog = current_catalog()
        # The search index and the inventory both ask: each title made once per build.
        titles: dict[tuple[str, str], str] = catalog.derived("record titles", dict) if catalog else {}
        for key, (doc, anchor) in sorted(self.objects.items()):
            title = titles.get(key)
            if title is None:
                title = titles[key] = record_title(catalog, *key)
            yield key[1], title, key[0], doc, anchor, 1


def dm_domain(env: BuildEnvironment) -> DmDomain:
    """The build's ``dm`` domain: the records' entries and every page's dmsite state."""
    return cast(DmDomain, env.get_domain("dm"))

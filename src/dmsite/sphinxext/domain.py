"""The ``dm`` domain: where each record's entry lives, and roles that link to it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from docutils import nodes
from docutils.nodes import Element, Node, system_message
from sphinx.addnodes import pending_xref
from sphinx.builders import Builder
from sphinx.domains import Domain, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

from ..catalog import ROLE_TABLES, Status
from .reading import current_catalog, record_title
from .state import current

logger = logging.getLogger(__name__)

KIND_TABLES = ROLE_TABLES  # role / object type → catalog table
# The plain role names pages use; Sphinx's own {doc} links pages, so documents are {document}
# (and {dm:doc}).
PLAIN_ROLES = {("document" if kind == "doc" else kind): kind for kind in KIND_TABLES}


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
        elif self.kind == "milestone" and catalog.status(catalog.milestones[target]) == Status.COMPLETED:
            self.classes.append("dm-completed")
        self.target = target
        self.env.metadata[self.env.docname]["dmsite"] = True  # a page that reads the catalog
        return self.create_xref_node()


class DmDomain(Domain):
    name = "dm"
    label = "dmsite records"
    object_types = {kind: ObjType(kind, kind) for kind in KIND_TABLES}
    roles = {kind: RecordRole(kind) for kind in KIND_TABLES}
    # "entries": (kind, id) -> {docname: anchor}, every page holding an entry of the record;
    # "objects": (kind, id) -> (docname, anchor), the one links go to: the first page by name, so the
    # choice does not depend on which pages an incremental or parallel build happened to read.
    initial_data = {"entries": {}, "objects": {}}
    data_version = 2

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

    def entry(self, kind: str, record_id: str) -> tuple[str, str] | None:
        return self.objects.get((kind, record_id))

    def clear_doc(self, docname: str) -> None:
        for key, pages in list(self.entries.items()):
            if pages.pop(docname, None) is not None:
                self._choose(key)

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        wanted = set(docnames)
        for key, pages in otherdata["entries"].items():
            for doc, anchor in pages.items():
                if doc in wanted:
                    self.entries.setdefault(key, {})[doc] = anchor
                    self._choose(key)

    def resolve_xref(
        self, env: BuildEnvironment, fromdocname: str, builder: Builder, typ: str, target: str,
        node: pending_xref, contnode: Element,
    ) -> Element | None:
        found = self.entry(typ, target)
        if found is None:
            return None
        return make_refnode(builder, fromdocname, found[0], found[1], contnode, target)

    def resolve_any_xref(
        self, env: BuildEnvironment, fromdocname: str, builder: Builder, target: str,
        node: pending_xref, contnode: Element,
    ) -> list[tuple[str, Element]]:
        results = []
        for kind in KIND_TABLES:
            ref = self.resolve_xref(env, fromdocname, builder, kind, target, node, contnode)
            if ref is not None:
                results.append((f"dm:{kind}", ref))
        return results

    def get_type_name(self, type: ObjType, primary: bool = False) -> str:
        return type.lname  # search results read "milestone, in …", not "dmsite records milestone, in …"

    def get_objects(self) -> Iterable[tuple[str, str, str, str, str, int]]:
        catalog = current_catalog()
        for (kind, record_id), (doc, anchor) in sorted(self.objects.items()):
            yield record_id, record_title(catalog, kind, record_id), kind, doc, anchor, 1

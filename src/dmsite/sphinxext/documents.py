"""Documents, citations, glossary and traceability: thin directives and roles over the renderers.

Citations (``{cite}`` and ``dmsite-cite:`` placeholders written by renderers) and the lists that
depend on what a page contains (``dm-references``, ``dm-acronyms``, ``dm-glossary-candidates``)
are completed when the page is resolved: the text each page uses is scanned when it is read
and kept in the ``dm`` domain, so a site-wide table is rewritten whenever any page's use changes.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

from ..analyses import documents as document_tree
from ..analyses import glossary as term_use
from ..analyses import traceability as tracing
from ..data.model import Term
from ..render import documents as docs_render
from ..render import glossary, traceability
from ..render.bibliography import CITE_PATTERN, CITE_SCHEME, cite_url, references_html
from ..render.html import anchor, note_html
from .base import DataDirective
from .domain import PageScan, dm_domain
from .graphs import Graph, graph_figures
from .links import entry_url
from .state import current

logger = logging.getLogger(__name__)

SCOPES = ("page", "site")


def _list_option(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").replace(",", " ").split() if v.strip()]


def _scope(value: str | None) -> str:
    return directives.choice(value or "page", SCOPES)  # type: ignore[no-any-return]


def _direction(value: str | None) -> str:
    return directives.choice(value or "up", ("up", "down"))  # type: ignore[no-any-return]


# -- nodes completed when the page is resolved ------------------------------------------------


class dm_pending(nodes.General, nodes.Element):  # type: ignore[misc]  # docutils node naming
    """A list that depends on the whole page (or site): references, acronyms, candidates."""


def _skip(self: Any, node: nodes.Element) -> None:
    raise nodes.SkipNode


def _noscan(markup: list[nodes.Node]) -> list[nodes.Node]:
    """Mark raw output that must not count as text the page 'uses' (e.g. the glossary itself)."""
    for node in markup:
        if isinstance(node, nodes.Element):
            node["dmsite_noscan"] = True
    return markup


# -- citations --------------------------------------------------------------------------------


class CiteRole(SphinxRole):
    """``{cite}`LDM-148``` (or ``LDM-148,LSE-61``) → ``[LDM-148]`` linking to the page's reference entry."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        dm_domain(self.env).note_reads_all()
        documents = current().catalog.documents
        handles = _list_option(self.text)
        if not handles:
            logger.warning("empty citation: name a document handle, e.g. {cite}`LDM-148`",
                           location=self.get_location(), type="dmsite", subtype="cite")
            return [], []
        out: list[nodes.Node] = [nodes.Text("[")]
        for i, handle in enumerate(handles):
            if i:
                out.append(nodes.Text(", "))
            if handle in documents:
                out.append(nodes.reference(handle, handle, refuri=cite_url(handle), classes=["dm-cite"]))
            else:
                logger.warning("unknown document '%s' cited", handle, location=self.get_location(),
                               type="dmsite", subtype="cite")
                out.append(nodes.inline(handle, handle, classes=["dm-cite", "dm-unknown"]))
        out.append(nodes.Text("]"))
        return [nodes.inline("", "", *out, classes=["dm-citation"])], []


class ReferencesDirective(DataDirective):
    """``dm-references``: the documents this page cites (``:all:`` every document), as the seeds list them."""

    option_spec = {"all": directives.flag}

    def run(self) -> list[nodes.Node]:
        _ = self.data  # the list depends on the data
        return [dm_pending(what="references", all="all" in self.options)]


class DocumentsDirective(DataDirective):
    """``dm-documents``: the documents' entries (``:series:`` / ``:status:`` to choose)."""

    option_spec = {"series": directives.unchanged, "status": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        series, status = set(_list_option(self.options.get("series"))), set(_list_option(self.options.get("status")))
        chosen = [
            d for d in self.catalog.documents.values()
            if (not series or d.series in series) and (not status or d.status in status)
        ]
        self.note_entries("doc", sorted(d.handle for d in chosen))
        return self.html(docs_render.documents_table(self.catalog, chosen))


class DocumentTreeDirective(DataDirective):
    """``dm-document-tree``: documents and their relations (``:handles:``, ``:series:``, ``:caption:``)."""

    option_spec = {"handles": directives.unchanged, "series": directives.unchanged, "caption": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        handles = _list_option(self.options.get("handles"))
        for unknown in [h for h in handles if h not in self.catalog.documents]:
            self.warn(f"unknown document '{unknown}' in :handles:")
        chosen = document_tree.tree_documents(self.catalog, handles, _list_option(self.options.get("series")))
        if not chosen:
            return self.html(note_html("No documents to show."))
        dot, caption = docs_render.tree_dot(self.catalog, chosen), self.options.get("caption", "")
        alt = f"Document tree of {len(chosen)} document{'s' if len(chosen) != 1 else ''}"
        graph = Graph(dot, "document-tree", alt, caption, classes=("dm-document-tree",))
        return graph_figures(self, [graph], self.data.cache_dir)


# -- glossary -------------------------------------------------------------------------------


class AcronymsDirective(DataDirective):
    """``dm-acronyms``: the terms this page (``:scope: site``: the site) uses; ``:glossary:`` adds non-acronyms."""

    option_spec = {"scope": _scope, "glossary": directives.flag}

    def run(self) -> list[nodes.Node]:
        _ = self.data
        return [dm_pending(what="acronyms", scope=self.options.get("scope", "page"), glossary="glossary" in self.options)]


class GlossaryDirective(DataDirective):
    """``dm-glossary``: every term with its definition; the rows are the terms' entries."""

    option_spec = {"acronyms-only": directives.flag}

    def run(self) -> list[nodes.Node]:
        terms = [t for t in self.catalog.terms.values() if t.acronym or "acronyms-only" not in self.options]
        self.note_entries("term", sorted(t.term for t in terms))
        return _noscan(self.html(glossary.glossary_table(terms)))


class GlossaryCandidatesDirective(DataDirective):
    """``dm-glossary-candidates``: ALL-CAPS words used (``:scope:`` site by default) that the glossary lacks."""

    option_spec = {"scope": _scope, "min-count": directives.positive_int}

    def run(self) -> list[nodes.Node]:
        _ = self.data
        return [dm_pending(what="candidates", scope=self.options.get("scope", "site"),
                           min_count=self.options.get("min-count", 1))]


# -- traceability -----------------------------------------------------------------------------


class _RequirementsDirective(DataDirective):
    option_spec = {"source": directives.unchanged, "prefix": directives.unchanged}

    def requirements(self, every: bool = False) -> list[Any]:
        source, prefix = self.options.get("source"), self.options.get("prefix")
        if source and source not in self.catalog.documents:
            self.warn(f"unknown document '{source}' in :source:")
        chosen = tracing.select_requirements(self.catalog, source, prefix, every)
        if not chosen and self.catalog.requirements:
            self.warn("no requirement matches :source: / :prefix:")
        return chosen


class RequirementsDirective(_RequirementsDirective):
    """``dm-requirements``: requirement entries (anchors for ``{req}`` and the matrices)."""

    def run(self) -> list[nodes.Node]:
        reqs = self.requirements(every=True)
        self.note_entries("req", [r.id for r in reqs])
        return self.html(traceability.requirements_html(self.catalog, reqs))


class TraceReqComponentsDirective(_RequirementsDirective):
    """``dm-trace-req-components``: requirement → components (LDM-148 §15.1)."""

    def run(self) -> list[nodes.Node]:
        return self.html(traceability.req_components_html(self.catalog, self.requirements()))


class TraceComponentReqsDirective(_RequirementsDirective):
    """``dm-trace-component-reqs``: leaf component → requirements (LDM-148 §15.2)."""

    def run(self) -> list[nodes.Node]:
        return self.html(traceability.component_reqs_html(self.catalog, self.requirements()))


class TraceReqReqDirective(_RequirementsDirective):
    """``dm-trace-req-req``: ``:direction: up`` (traces to, App. D) or ``down`` (traced from, App. E)."""

    option_spec = {**_RequirementsDirective.option_spec, "direction": _direction, "hide-empty": directives.flag}

    def run(self) -> list[nodes.Node]:
        markup = traceability.req_req_html(
            self.catalog, self.requirements(), self.options.get("direction", "up"), "hide-empty" in self.options
        )
        return self.html(markup)


# -- what each page uses: scanned when read, kept per page ----------------------------------------


def _scans(env: BuildEnvironment) -> dict[str, PageScan]:
    return dm_domain(env).scans


def _noscan_ancestor(node: nodes.Node) -> bool:
    parent: nodes.Node | None = node
    while parent is not None:
        if isinstance(parent, nodes.Element) and parent.get("dmsite_noscan"):
            return True
        parent = parent.parent
    return False


def page_text(doctree: nodes.document) -> str:
    """The text a reader sees on the page (raw HTML reduced to its text), without glossary tables."""
    parts = []
    for raw in doctree.findall(nodes.raw):
        if "html" in raw.get("format", "").split() and not raw.get("dmsite_noscan"):
            parts.append(term_use.html_text(raw.astext()))
    for text in doctree.findall(nodes.Text):
        if not isinstance(text.parent, nodes.raw | nodes.comment) and not _noscan_ancestor(text):
            parts.append(str(text))
    return "\n".join(parts)


def scan_page(doctree: nodes.document) -> PageScan:
    """What a page's text uses (kept by the ``dm`` domain when the page is read)."""
    catalog = current().catalog
    text = page_text(doctree)
    site = any(p.get("scope") == "site" for p in doctree.findall(dm_pending))
    return PageScan(frozenset(term_use.used_terms(text, catalog.terms)), dict(term_use.caps_tokens(text)), site)


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=sorted).encode()).hexdigest()


def _reread_when_terms_change(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Which terms a page uses depends on the glossary: a changed term list means reading every page again."""
    key = _digest(sorted(current().catalog.terms))
    previous = dm_domain(env).mark("terms", key)
    if previous is None or previous == key:
        return []
    return sorted(env.found_docs)


def _rewrite_site_lists(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages with site-wide lists are written again whenever what the site uses has changed."""
    scans = _scans(env)
    use = {d: [sorted(s.terms), s.caps] for d, s in scans.items() if d in env.all_docs}
    key = _digest(use)
    previous = dm_domain(env).mark("use", key)
    if previous == key:
        return []
    return sorted(d for d, s in scans.items() if s.site_lists and d in env.all_docs)


# -- completing a page ----------------------------------------------------------------------------


def _cited_on(doctree: nodes.document) -> list[str]:
    """Handles cited on the page, in order: ``{cite}`` and placeholders in raw HTML."""
    handles: list[str] = []
    for node in doctree.findall(lambda n: isinstance(n, nodes.reference | nodes.raw)):
        if isinstance(node, nodes.reference):
            uri = node.get("refuri", "")
            if uri.startswith(CITE_SCHEME):
                handles.append(unquote(uri[len(CITE_SCHEME):]))
        elif CITE_SCHEME in node.astext():
            handles += [unquote(m.group(1)) for m in CITE_PATTERN.finditer(node.astext())]
    return list(dict.fromkeys(handles))


def _complete_references(app: Sphinx, doctree: nodes.document, docname: str) -> set[str]:
    """Fill the page's reference lists; return the handles that have an entry on this page."""
    documents = current().catalog.documents
    cited = [h for h in _cited_on(doctree) if h in documents]
    listed: set[str] = set()
    doc_url = entry_url(app, docname)
    for node in list(doctree.findall(dm_pending)):
        if node["what"] != "references":
            continue
        shown = list(documents) if node["all"] else cited
        first = not listed
        markup = references_html(
            [documents[h] for h in shown],
            anchor_of=(lambda h: anchor("cite", h)) if first else None,
            link_handle=lambda h: doc_url("doc", h),
        )
        if first:
            listed = set(shown)
        node.replace_self(nodes.raw("", markup, format="html", dmsite_directive="dm-references"))
    return listed


def _link_citations(app: Sphinx, doctree: nodes.document, docname: str, listed: set[str]) -> None:
    """Point citations at this page's reference entry, else at the document's entry, else its URL."""
    documents = current().catalog.documents
    doc_url = entry_url(app, docname)

    def target(handle: str) -> str | None:
        if handle in listed:
            return "#" + anchor("cite", handle)
        doc = documents.get(handle)
        return doc_url("doc", handle) or (doc.url if doc else None)

    for ref in list(doctree.findall(nodes.reference)):
        uri = ref.get("refuri", "")
        if uri.startswith(CITE_SCHEME):
            url = target(unquote(uri[len(CITE_SCHEME):]))
            if url:
                ref["refuri"] = url
            else:
                ref.replace_self(nodes.inline(ref.astext(), ref.astext(), classes=ref["classes"]))
    for raw in list(doctree.findall(nodes.raw)):
        text = raw.astext()
        if CITE_SCHEME in text:
            new = raw.copy()  # its attributes (the directive's name, the location) kept
            new += nodes.Text(CITE_PATTERN.sub(lambda m: _escaped(target(unquote(m.group(1))) or "#"), text))
            raw.replace_self(new)


def _escaped(url: str) -> str:
    return url.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def _site_use(env: BuildEnvironment) -> tuple[set[str], Counter[str], dict[str, list[str]]]:
    terms: set[str] = set()
    caps: Counter[str] = Counter()
    pages: dict[str, list[str]] = {}
    for docname, scan in sorted(_scans(env).items()):
        if docname not in env.all_docs:
            continue
        terms |= scan.terms
        caps.update(scan.caps)
        for token in scan.caps:
            pages.setdefault(token, []).append(docname)
    return terms, caps, pages


def _complete_glossary_lists(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    pending = [n for n in doctree.findall(dm_pending) if n["what"] in ("acronyms", "candidates")]
    if not pending:
        return
    catalog = current().catalog
    env = app.env
    page = _scans(env).get(docname, PageScan(frozenset(), {}, False))
    site_terms, site_caps, pages = _site_use(env)
    for node in pending:
        site = node["scope"] == "site"
        if node["what"] == "acronyms":
            used = site_terms if site else page.terms
            terms: list[Term] = [catalog.terms[t] for t in used if t in catalog.terms]
            markup = glossary.acronyms_table([t for t in terms if t.acronym or node["glossary"]])
        else:
            counts = site_caps if site else Counter(page.caps)
            rows = [
                (token, n, [_page_link(app, docname, d) for d in (pages.get(token, []) if site else [docname])][:10])
                for token, n in term_use.candidates(counts, catalog.terms, catalog.documents)
                if n >= node["min_count"]
            ]
            markup = glossary.candidates_table(rows)
        node.replace_self(_noscan([nodes.raw("", markup, format="html", dmsite_directive=f"dm-{node['what']}")]))


def _page_link(app: Sphinx, fromdoc: str, docname: str) -> tuple[str, str]:
    title = app.env.titles.get(docname)
    return (title.astext() if title else docname), app.builder.get_relative_uri(fromdoc, docname)


def _complete_page(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    listed = _complete_references(app, doctree, docname)
    _link_citations(app, doctree, docname, listed)
    _complete_glossary_lists(app, doctree, docname)


def setup(app: Sphinx) -> None:
    """Register this area's directives, roles and events."""
    skip: tuple[Callable[..., None], None] = (_skip, None)
    app.add_node(dm_pending, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
    app.add_role_to_domain("dm", "cite", CiteRole())  # {dm:cite}; the short {cite} see shortnames.py
    for name, directive in {
        "dm-references": ReferencesDirective,
        "dm-documents": DocumentsDirective,
        "dm-document-tree": DocumentTreeDirective,
        "dm-acronyms": AcronymsDirective,
        "dm-glossary": GlossaryDirective,
        "dm-glossary-candidates": GlossaryCandidatesDirective,
        "dm-requirements": RequirementsDirective,
        "dm-trace-req-components": TraceReqComponentsDirective,
        "dm-trace-component-reqs": TraceComponentReqsDirective,
        "dm-trace-req-req": TraceReqReqDirective,
    }.items():
        app.add_directive(name, directive)
    app.connect("env-get-outdated", _reread_when_terms_change)
    app.connect("env-get-updated", _rewrite_site_lists)
    app.connect("doctree-resolved", _complete_page, priority=400)  # before record links are resolved

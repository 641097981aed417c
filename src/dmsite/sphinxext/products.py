"""Directives for products, the WBS and the organisation (LDM-294); registered by dmsite.sphinxext.

Thin: each directive picks records from the catalog, calls a renderer and wraps the result.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx

from ..analyses import products as product_tree
from ..analyses import wbs
from ..data.model import Product
from ..render import organisation as org
from ..render import products as render
from ..render.html import anchor, link, note_html
from .base import DataDirective
from .graphs import Graph, graph_figures


class _GraphDirective(DataDirective):
    """Shared by the diagram directives: a unique SVG id prefix per diagram, one figure per graph."""

    def graph_id(self, name: str) -> str:
        return f"{name}-{self.env.new_serialno(name)}"

    def figure(self, graph: Graph) -> list[nodes.Node]:
        return graph_figures(self, [graph], self.data.cache_dir)


class ProductTreeDirective(_GraphDirective):
    """``dm-product-tree``: the product hierarchy (LDM-294 Fig. 10).

    Options: ``:root: ID`` (draw only this product and what lies below it), ``:depth: N`` (N levels of
    boxes), ``:branches:`` (one titled diagram per top-level branch), ``:max-packages: N``, ``:caption:``.
    """

    option_spec = {
        "root": directives.unchanged_required,
        "depth": directives.positive_int,
        "branches": directives.flag,
        "max-packages": directives.nonnegative_int,
        "caption": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        catalog = self.catalog
        root = self.options.get("root")
        if root is not None and root not in catalog.products:
            self.warn(f"dm-product-tree: unknown product '{root}' in :root:")
            return []
        if "branches" in self.options:
            return [self._branch_section(branch) for branch in product_tree.top_branches(catalog, root)]
        roots = [catalog.products[root]] if root else product_tree.root_products(catalog)
        return self._figure(roots, self.options.get("caption", ""))

    def _figure(self, roots: list[Product], caption: str) -> list[nodes.Node]:
        if not roots:
            return self.html(note_html("No products."))
        dot = render.product_tree_dot(
            self.catalog, roots, self.options.get("depth"), self.graph_id("dm-product-tree"),
            self.options.get("max-packages", 6),
        )
        alt = "Product tree of " + ", ".join(root.name for root in roots)
        return self.figure(Graph(dot, "product-tree", alt, caption, classes=("dm-product-tree",)))

    def _branch_section(self, branch: Product) -> nodes.section:
        section = nodes.section(ids=[f"tree-{anchor('product', branch.id)}"], names=[f"tree {branch.id}"])
        section += nodes.title(text=branch.name)
        below = product_tree.descendant_count(self.catalog, branch)
        count = {0: "No products", 1: "1 product"}.get(below, f"{below} products")
        intro = f'<p class="dm-branch-link">{count} below {link("product", branch.id, branch.name)}.</p>'
        section += self.html(intro)
        section += self._figure([branch], self.options.get("caption", ""))
        return section


def _selected_products(directive: DataDirective) -> list[Product] | None:
    """The products under ``:root:`` (all when absent) in tree order; None after warning of a bad root."""
    catalog = directive.catalog
    root = directive.options.get("root")
    if root is not None and root not in catalog.products:
        directive.warn(f"unknown product '{root}' in :root:")
        return None
    return product_tree.tree_order(catalog, catalog.products[root] if root else None)


class ProductTableDirective(DataDirective):
    """``dm-product-table``: every product (or those under ``:root:``) with effective manager/owner."""

    option_spec = {"root": directives.unchanged_required, "caption": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        products = _selected_products(self)
        if products is None:
            return []
        return self.html(render.product_table(self.catalog, products, self.options.get("caption", "")))


class ProductEntriesDirective(DataDirective):
    """``dm-product-entries``: one anchored entry per product (or per product under ``:root:``)."""

    option_spec = {"root": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        products = _selected_products(self)
        if products is None:
            return []
        self.note_entries("product", [p.id for p in products])
        return self.html(render.product_entries(self.catalog, products))


class ContactsDirective(DataDirective):
    """``dm-contacts``: package / Jira component → product → manager and owner (LDM-294 §5)."""

    option_spec = {"caption": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        return self.html(render.contacts(self.catalog, self.options.get("caption", "")))


class WbsDictionaryDirective(DataDirective):
    """``dm-wbs-dictionary``: every WBS element (under ``:root: CODE``) with the products defined at it."""

    option_spec = {"root": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        root = self.options.get("root")
        code = self.catalog.wbs_key(root) if root else None
        if root and code is None:
            self.warn(f"unknown WBS element '{root}' in :root:")
            return []
        self.note_entries("wbs", wbs.wbs_codes(self.catalog, code))
        return self.html(render.wbs_dictionary(self.catalog, code))


class WbsTableDirective(DataDirective):
    """``dm-wbs-table``: the top-level WBS elements and their lead institutions (LDM-294 Table 3)."""

    option_spec = {"caption": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        return self.html(render.wbs_table(self.catalog, self.options.get("caption", "")))


class OrgChartDirective(_GraphDirective):
    """``dm-org-chart``: roles, holders and reporting lines; scientists in green (LDM-294 Fig. 5).

    Options: ``:direction: TB|LR`` (default: top-down, as LDM-294 Fig. 5), ``:caption:``.
    """

    option_spec = {"caption": directives.unchanged, "direction": lambda arg: directives.choice(arg, ("TB", "LR"))}

    def run(self) -> list[nodes.Node]:
        if not self.catalog.roles:
            return self.html(note_html("No roles."))
        dot = org.org_chart_dot(self.catalog, self.graph_id("dm-org-chart"), self.options.get("direction"))
        caption = self.options.get("caption", "")
        return self.figure(Graph(dot, "org-chart", "Organisation chart", caption, classes=("dm-org-chart",)))


class _EntriesDirective(DataDirective):
    kind = ""

    def render(self) -> str:
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        self.note_entries(self.kind, sorted(self.catalog.table(self.kind)))
        markup = self.render()
        if not self.catalog.table(self.kind):
            markup = note_html(f"No {self.kind} records.")
        return self.html(markup)


class RolesDirective(_EntriesDirective):
    """``dm-roles``: each role with holders, reporting line, responsibilities and authorities (§6)."""

    kind = "role"

    def render(self) -> str:
        return org.role_entries(self.catalog)


class GroupsDirective(_EntriesDirective):
    """``dm-groups``: each group or body with chair, members and meeting cadence (§7)."""

    kind = "group"

    def render(self) -> str:
        return org.group_entries(self.catalog)


class InstitutionsDirective(_EntriesDirective):
    """``dm-institutions``: each institution with the WBS elements it leads and the groups it hosts (§8)."""

    kind = "institution"

    def render(self) -> str:
        return org.institution_entries(self.catalog)


class PeopleDirective(_EntriesDirective):
    """``dm-people``: each person with their roles, groups and the products they manage or own."""

    kind = "person"

    def render(self) -> str:
        return org.people_entries(self.catalog)


DIRECTIVES: dict[str, type[DataDirective]] = {
    "dm-product-tree": ProductTreeDirective,
    "dm-product-table": ProductTableDirective,
    "dm-product-entries": ProductEntriesDirective,
    "dm-contacts": ContactsDirective,
    "dm-wbs-dictionary": WbsDictionaryDirective,
    "dm-wbs-table": WbsTableDirective,
    "dm-org-chart": OrgChartDirective,
    "dm-roles": RolesDirective,
    "dm-groups": GroupsDirective,
    "dm-institutions": InstitutionsDirective,
    "dm-people": PeopleDirective,
}


def setup(app: Sphinx) -> None:
    """Register this area's directives."""
    for name, directive in DIRECTIVES.items():
        app.add_directive(name, directive)

"""The product tree: effective contacts, children and walks, and which product claims each package."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..data.catalog import Catalog
from ..data.model import Product, Requirement


@dataclass(frozen=True)
class Contact:
    """A product's effective manager or owner and the product it is inherited from (None: its own)."""

    person: str | None
    source: Product | None = None

    @property
    def inherited(self) -> bool:
        return self.source is not None


def contact(catalog: Catalog, product: Product, role: str) -> Contact:
    """The effective *role* ("manager" or "owner") of *product*, remembering where it came from."""
    person, inherited = catalog.effective(product, role)
    if not inherited:
        return Contact(person)
    source = next(a for a in catalog.ancestors(product) if getattr(a, role))
    return Contact(person, source)


def requirements_by_product(catalog: Catalog) -> dict[str, list[Requirement]]:
    found: dict[str, list[Requirement]] = defaultdict(list)
    for requirement in catalog.requirements.values():
        for product_id in requirement.allocated:
            found[product_id].append(requirement)
    return {pid: sorted(rs, key=lambda r: r.id) for pid, rs in found.items()}


def claims(catalog: Catalog, field: str) -> dict[str, list[Product]]:
    """Package (or Jira component, per *field*) → the products listing it, in name order."""
    found: dict[str, list[Product]] = defaultdict(list)
    for product in catalog.products.values():
        for name in getattr(product, field):
            if product not in found[name]:
                found[name].append(product)
    return {name: sorted(found[name], key=by_name) for name in sorted(found, key=str.casefold)}


def by_name(product: Product) -> tuple[str, str]:
    return product.name.casefold(), product.id


def child_products(catalog: Catalog, product_id: str) -> list[Product]:
    return sorted((catalog.products[c] for c in catalog.children_of(product_id)), key=by_name)


def root_products(catalog: Catalog) -> list[Product]:
    """Products without a (known) parent."""
    roots = [p for p in catalog.products.values() if not p.parent or p.parent not in catalog.products]
    return sorted(roots, key=by_name)


def top_branches(catalog: Catalog, root: str | None = None) -> list[Product]:
    """The branches one diagram each: children of *root*, or of the single root product."""
    if root is not None:
        return child_products(catalog, root)
    roots = root_products(catalog)
    return child_products(catalog, roots[0].id) if len(roots) == 1 else roots


def walk(catalog: Catalog, roots: Iterable[Product], depth: int | None = None,
         key: Callable[[Product], Any] = by_name) -> Iterator[tuple[Product, int]]:
    """Pre-order (product, level) from *roots* (level 1), siblings in *key* order, down to *depth* levels; never loops."""
    seen: set[str] = set()
    stack = [(p, 1) for p in reversed(list(roots))]
    while stack:
        product, level = stack.pop()
        if product.id in seen:
            continue
        seen.add(product.id)
        yield product, level
        if depth is None or level < depth:
            children = sorted((catalog.products[c] for c in catalog.children_of(product.id)), key=key)
            stack.extend((c, level + 1) for c in reversed(children) if c.id not in seen)


def tree_order(catalog: Catalog, root: Product | None = None, key: Callable[[Product], Any] = by_name) -> list[Product]:
    """The products under *root* (every product when None) depth first, siblings in *key* order.

    With no root, products on a parent loop (which have no root; the catalog reports the loop) come last, by id.
    """
    roots = [root] if root else sorted(root_products(catalog), key=key)
    ordered = [p for p, _ in walk(catalog, roots, key=key)]
    if root is None:
        shown = {p.id for p in ordered}
        ordered += sorted((p for p in catalog.products.values() if p.id not in shown), key=lambda p: p.id)
    return ordered


def descendant_count(catalog: Catalog, product: Product) -> int:
    return sum(1 for _ in walk(catalog, [product])) - 1


@dataclass(frozen=True)
class ContactRow:
    name: str
    kind: str  # "package" or "Jira component"
    product: Product
    others: tuple[Product, ...]  # other products claiming the same name


def contact_rows(catalog: Catalog) -> list[ContactRow]:
    rows = []
    for field, kind in (("packages", "package"), ("jira_components", "Jira component")):
        for name, products in claims(catalog, field).items():
            for product in products:
                rows.append(ContactRow(name, kind, product, tuple(p for p in products if p is not product)))
    return rows


def conflicts(catalog: Catalog) -> list[tuple[str, str, list[Product]]]:
    """(kind, name, products) for every package or Jira component claimed by more than one product."""
    found = []
    for field, kind in (("packages", "package"), ("jira_components", "Jira component")):
        found += [(kind, name, ps) for name, ps in claims(catalog, field).items() if len(ps) > 1]
    return found

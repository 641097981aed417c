"""The WBS as a tree: natural code order, parents and children, and what lists itself under each element."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from ..data.catalog import Catalog
from ..data.model import Milestone, Product
from .products import by_name

R = TypeVar("R", Milestone, Product)


def wbs_sort_key(code: str) -> tuple[tuple[int, int, str], ...]:
    """Natural order of WBS codes: 1.02C.9 before 1.02C.10."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))


def wbs_sort_text(code: str | None) -> str:
    """A text key that sorts like :func:`wbs_sort_key` (for table columns)."""
    return ".".join(p.zfill(6) if p.isdigit() else p for p in (code or "").split("."))


def wbs_parent(catalog: Catalog, code: str) -> str | None:
    """The nearest element whose code is a dotted prefix of *code*."""
    parts = code.split(".")
    for size in range(len(parts) - 1, 0, -1):
        candidate = ".".join(parts[:size])
        if candidate in catalog.wbs:
            return candidate
    return None


def wbs_children(catalog: Catalog) -> dict[str | None, list[str]]:
    """Sub-elements of every element (key None: the elements without a parent), in code order."""
    children: dict[str | None, list[str]] = defaultdict(list)
    for code in sorted(catalog.wbs, key=wbs_sort_key):
        children[wbs_parent(catalog, code)].append(code)
    return dict(children)


def top_level_wbs(catalog: Catalog) -> list[str]:
    """Table 3's elements: the children of the single root element (1.02C), else the roots."""
    children = wbs_children(catalog)
    roots = children.get(None, [])
    if len(roots) == 1 and children.get(roots[0]):
        return children[roots[0]]
    return roots


def level2_code(catalog: Catalog, code: str | None, tops: set[str] | None = None) -> str | None:
    """The top-level element (Table 3) that *code* falls under, if any (*tops*: precomputed top level)."""
    element = catalog.resolve_wbs(code)
    tops = set(top_level_wbs(catalog)) if tops is None else tops
    current = element.code if element else None
    while current is not None and current not in tops:
        current = wbs_parent(catalog, current)
    return current


def products_by_wbs(catalog: Catalog) -> dict[str, list[Product]]:
    """Products defined at each WBS element (the products whose ``wbs`` names it)."""
    return _by_wbs(catalog, catalog.products.values(), by_name)


def milestones_by_wbs(catalog: Catalog) -> dict[str, list[Milestone]]:
    """Milestones of each WBS element, by due date."""
    return _by_wbs(catalog, catalog.milestones.values(), lambda m: (m.due, m.id))


def _by_wbs(catalog: Catalog, records: Iterable[R], order: Callable[[R], Any]) -> dict[str, list[R]]:
    found: dict[str, list[R]] = defaultdict(list)
    for record in records:
        code = catalog.wbs_key(record.wbs)
        if code:
            found[code].append(record)
    return {code: sorted(rs, key=order) for code, rs in found.items()}


def wbs_codes(catalog: Catalog, root: str | None = None) -> list[str]:
    """Codes in natural order; only *root* and its sub-elements when given."""
    ordered = sorted(catalog.wbs, key=wbs_sort_key)
    if root is None:
        return ordered
    return [c for c in ordered if c == root or c.startswith(root + ".")]


def roles_by_wbs(catalog: Catalog) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for role in sorted(catalog.roles.values(), key=lambda r: r.id):
        for code in role.wbs:
            key = catalog.wbs_key(code)
            if key:
                found[key].append(role.id)
    return found

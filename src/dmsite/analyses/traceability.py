"""Traceability as data: which requirements are shown, their allocation to components, and traces."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..data.catalog import Catalog
from ..data.model import Product, Requirement
from .products import tree_order


def select_requirements(
    catalog: Catalog, source: str | None = None, prefix: str | None = None, every: bool = False
) -> list[Requirement]:
    """Requirements from document *source* and/or with id *prefix*.

    With neither (and not *every*), higher-level requirements (traced to by others and
    allocated to nothing, e.g. OSS requirements above DMSR ones) are left out.
    """
    traced_to = {t for r in catalog.requirements.values() for t in r.traces}
    chosen = []
    for req in catalog.requirements.values():
        if source is not None and req.source != source:
            continue
        if prefix is not None and not req.id.startswith(prefix):
            continue
        if not every and source is None and prefix is None and req.id in traced_to and not req.allocated:
            continue
        chosen.append(req)
    return sorted(chosen, key=lambda r: r.id)


def is_leaf(catalog: Catalog, product: Product) -> bool:
    return not catalog.children_of(product.id) and not product.grouping


@dataclass(frozen=True)
class Allocation:
    """Requirement ↔ component pairs of a selection of requirements, and what is left uncovered."""

    by_requirement: dict[str, list[str]]  # requirement id → product ids (known products only)
    by_component: dict[str, list[str]]  # product id → requirement ids (leaf products, and any allocated to)
    requirements_without_component: list[str]
    components_without_requirement: list[str]  # leaf products only
    non_leaf_allocations: list[tuple[str, str]]  # (requirement, product) pairs on non-leaf products


def allocation(catalog: Catalog, reqs: Iterable[Requirement]) -> Allocation:
    by_requirement: dict[str, list[str]] = {}
    by_component: dict[str, list[str]] = defaultdict(list)
    for req in reqs:
        products = sorted({p for p in req.allocated if p in catalog.products})
        by_requirement[req.id] = products
        for product in products:
            by_component[product].append(req.id)
    leaves = [p.id for p in tree_order(catalog, key=lambda p: p.id) if is_leaf(catalog, p)]
    rows = [p.id for p in tree_order(catalog, key=lambda p: p.id) if p.id in by_component or p.id in set(leaves)]
    non_leaf = sorted(
        (r, p) for p, rs in by_component.items() for r in rs if not is_leaf(catalog, catalog.products[p])
    )
    return Allocation(
        by_requirement=by_requirement,
        by_component={p: sorted(by_component.get(p, [])) for p in rows},
        requirements_without_component=[r for r, ps in by_requirement.items() if not ps],
        components_without_requirement=[p for p in leaves if not by_component.get(p)],
        non_leaf_allocations=non_leaf,
    )


def traced_from(catalog: Catalog) -> dict[str, list[str]]:
    """requirement id → ids of the requirements that trace to it."""
    below: dict[str, list[str]] = defaultdict(list)
    for req in catalog.requirements.values():
        for target in req.traces:
            below[target].append(req.id)
    return {k: sorted(v) for k, v in below.items()}


def req_req_pairs(catalog: Catalog, reqs: list[Requirement], direction: str) -> list[tuple[str, list[str]]]:
    """Each requirement with those it traces to (*direction* 'up') or those tracing to it ('down')."""
    if direction == "up":
        return [(r.id, sorted(set(r.traces))) for r in reqs]
    below = traced_from(catalog)
    return [(r.id, below.get(r.id, [])) for r in reqs]

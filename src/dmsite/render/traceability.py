"""Traceability (LDM-148 §15, LDM-294 App. D/E): requirements ↔ components, requirement ↔ requirement.

The analyses are pure functions over the catalog; the renderers turn them into one HTML
string each, with coverage figures above the matrix.
"""

from __future__ import annotations

from collections.abc import Callable

from ..analyses.traceability import allocation, is_leaf, req_req_pairs, traced_from
from ..data.catalog import Catalog
from ..data.model import Requirement
from .bibliography import cite_link, link_handles
from .html import anchor, esc, link, markdown
from .tables import Column, table

# -- rendering -----------------------------------------------------------------------------


def _req_label(catalog: Catalog, req_id: str) -> str:
    req = catalog.requirements.get(req_id)
    title = f" {esc(req.title)}" if req and req.title != req_id else ""
    return f"{link('req', req_id)}{title}"


def _product_label(catalog: Catalog, product_id: str) -> str:
    product = catalog.products.get(product_id)
    return link("product", product_id, product.name if product else product_id)


def _list(items: list[str], render: Callable[[str], str]) -> str:
    if not items:
        return '<span class="dm-none">—</span>'
    return '<ul class="dm-trace-list">' + "".join(f"<li>{render(i)}</li>" for i in items) + "</ul>"


LONG_LIST = 12  # coverage lists longer than this are folded


def _figure(count: int, total: int, text: str, items: list[str], render: Callable[[str], str]) -> str:
    figure = f'<span class="dm-count">{count}</span> of {total} {esc(text)}'
    listed = ", ".join(render(i) for i in items)
    if len(items) > LONG_LIST:
        return f"<li><details><summary>{figure}</summary>{listed}</details></li>"
    return f"<li>{figure}: {listed}</li>" if items else f"<li>{figure}</li>"


def _row(pair: object) -> tuple[str, list[str]]:
    assert isinstance(pair, tuple)
    return pair


def req_components_html(catalog: Catalog, reqs: list[Requirement]) -> str:
    """Requirement → components, with the requirements that no component covers."""
    alloc = allocation(catalog, reqs)
    coverage = (
        '<ul class="dm-coverage">'
        + _figure(len(alloc.requirements_without_component), len(reqs), "requirements have no component",
                  alloc.requirements_without_component, lambda r: link("req", r))
        + "</ul>"
    )
    columns = [
        Column("Requirement", lambda p: _req_label(catalog, _row(p)[0]), lambda p: _row(p)[0]),
        Column("Components", lambda p: _list(_row(p)[1], lambda c: _product_label(catalog, c)),
               lambda p: str(len(_row(p)[1]))),
    ]
    rows = sorted(alloc.by_requirement.items())
    return coverage + table(rows, columns, css="dm-trace dm-trace-req-components")


def component_reqs_html(catalog: Catalog, reqs: list[Requirement]) -> str:
    """Leaf component → requirements (LDM-148 §15.2), with the components no requirement covers."""
    alloc = allocation(catalog, reqs)
    leaves = [p for p in alloc.by_component if is_leaf(catalog, catalog.products[p])]
    figures = [
        _figure(len(alloc.components_without_requirement), len(leaves), "leaf components have no requirement",
                alloc.components_without_requirement, lambda p: _product_label(catalog, p)),
    ]
    if alloc.non_leaf_allocations:
        products = sorted({p for _, p in alloc.non_leaf_allocations})
        figures.append(_figure(len(products), len(alloc.by_component), "components listed are not leaves but have "
                               "requirements allocated (only leaf components should be)", products,
                               lambda p: _product_label(catalog, p)))

    def component(pair: object) -> str:
        product_id = _row(pair)[0]
        parent = catalog.products[product_id].parent
        note = "" if is_leaf(catalog, catalog.products[product_id]) else ' <span class="dm-note">(not a leaf)</span>'
        part_of = f'<div class="dm-part-of">in {_product_label(catalog, parent)}</div>' if parent else ""
        return f'<span id="{esc(anchor("trace-component", product_id))}">{_product_label(catalog, product_id)}</span>' \
            f"{note}{part_of}"

    columns = [
        Column("Component", component, lambda p: catalog.products[_row(p)[0]].name),
        Column("Requirements", lambda p: _list(_row(p)[1], lambda r: _req_label(catalog, r)),
               lambda p: str(len(_row(p)[1]))),
    ]
    rows = list(alloc.by_component.items())
    return '<ul class="dm-coverage">' + "".join(figures) + "</ul>" + table(rows, columns, css="dm-trace dm-trace-component-reqs")


def req_req_html(catalog: Catalog, reqs: list[Requirement], direction: str, hide_empty: bool = False) -> str:
    """A requirement → requirement matrix (LDM-294 App. D: 'up'; App. E: 'down')."""
    pairs = req_req_pairs(catalog, reqs, direction)
    empty = [r for r, targets in pairs if not targets]
    what = "trace to no higher-level requirement" if direction == "up" else "are traced by no lower-level requirement"
    coverage = '<ul class="dm-coverage">' + _figure(len(empty), len(pairs), f"requirements {what}", empty,
                                                     lambda r: link("req", r)) + "</ul>"
    rows = [p for p in pairs if p[1] or not hide_empty]
    heading = "Traces to" if direction == "up" else "Traced from"
    columns = [
        Column("Requirement", lambda p: _req_label(catalog, _row(p)[0]), lambda p: _row(p)[0]),
        Column(heading, lambda p: ", ".join(link("req", r) for r in _row(p)[1]) or '<span class="dm-none">—</span>',
               lambda p: ",".join(_row(p)[1])),
    ]
    return coverage + table(rows, columns, css=f"dm-trace dm-trace-req-req dm-trace-{direction}")


def requirements_html(catalog: Catalog, reqs: list[Requirement]) -> str:
    """Requirement entries (anchor ``req-ID``): title, source, traces both ways, components."""
    below = traced_from(catalog)

    def entry(row: object) -> str:
        assert isinstance(row, Requirement)
        return f'<span class="dm-entry" id="{esc(anchor("req", row.id))}">{esc(row.id)}</span>'

    def req(row: object) -> Requirement:
        assert isinstance(row, Requirement)
        return row

    def title(row: object) -> str:
        description = req(row).description
        text = f'<div class="dm-description">{link_handles(markdown(description), catalog)}</div>' if description else ""
        return esc(req(row).title) + text

    def links(kind: str, ids: list[str]) -> str:
        return ", ".join(link(kind, i) for i in ids)

    columns = [
        Column("Requirement", entry, lambda r: req(r).id),
        Column("Title", title, lambda r: req(r).title),
        Column("Source", lambda r: cite_link(req(r).source or "") if req(r).source else "", lambda r: req(r).source or ""),
        Column("Traces to", lambda r: links("req", sorted(req(r).traces))),
        Column("Traced from", lambda r: links("req", below.get(req(r).id, []))),
        Column("Components", lambda r: ", ".join(_product_label(catalog, p) for p in sorted(req(r).allocated))),
    ]
    return table(reqs, columns, css="dm-requirements", facets=(2,))

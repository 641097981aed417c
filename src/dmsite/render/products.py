"""Products and the WBS (LDM-294 §5, App. A, App. B, Table 3, Fig. 10) as HTML and DOT text.

Pure functions over the catalog.  Manager and owner are shown *effective*: inherited
from the nearest ancestor when a product leaves them empty, and marked as inherited.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..analyses.products import (
    Contact,
    ContactRow,
    child_products,
    conflicts,
    contact,
    contact_rows,
    descendant_count,
    requirements_by_product,
    walk,
)
from ..analyses.wbs import (
    level2_code,
    milestones_by_wbs,
    products_by_wbs,
    roles_by_wbs,
    top_level_wbs,
    wbs_children,
    wbs_codes,
    wbs_parent,
    wbs_sort_text,
)
from ..data.catalog import Catalog
from ..data.model import Milestone, Product, Requirement, WbsElement
from .dot import dot_html_text, dot_string, dot_tooltip
from .html import anchor, esc, link, markdown, ref_url
from .tables import Column, table

FONT = "Helvetica,Arial,sans-serif"
PACKAGES_PER_LINE = 3


# -- relations derived for display ---------------------------------------------


# -- small HTML pieces ------------------------------------------------------------


def person_link(catalog: Catalog, person_id: str | None) -> str:
    if not person_id:
        return ""
    person = catalog.people.get(person_id)
    return link("person", person_id, person.name if person else person_id)


def contact_html(catalog: Catalog, found: Contact) -> str:
    """A person link; inherited values are wrapped and say where they come from."""
    if not found.person:
        return ""
    html = person_link(catalog, found.person)
    if found.source is None:
        return html
    origin = f"inherited from {found.source.name}"
    return f'<span class="dm-inherited" title="{esc(origin)}">{html}</span>'


def contact_sort(catalog: Catalog, found: Contact) -> str:
    person = catalog.people.get(found.person or "")
    return person.name if person else (found.person or "")


def product_link(catalog: Catalog, product_id: str | None) -> str:
    if not product_id:
        return ""
    product = catalog.products.get(product_id)
    return link("product", product_id, product.name if product else product_id)


def wbs_link(catalog: Catalog, code: str | None, with_name: bool = False) -> str:
    """A link to the WBS element *code* resolves to (the raw code when it resolves to none)."""
    if not code:
        return ""
    element = catalog.resolve_wbs(code)
    if element is None:
        return f'<span class="dm-unknown">{esc(code)}</span>'
    text = f"{element.code} {element.name}" if with_name else element.code
    return link("wbs", element.code, text)


def codes(items: Iterable[str]) -> str:
    return ", ".join(f"<code>{esc(i)}</code>" for i in items)


def fields(pairs: Iterable[tuple[str, str]]) -> str:
    """A definition list of (label, HTML) pairs, leaving out the empty ones."""
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in pairs if v)
    return f'<dl class="dm-fields">{rows}</dl>' if rows else ""


def entry(kind: str, record_id: str, title: str, body: str, css: str = "") -> str:
    """One record's entry with its stable anchor (see :func:`anchor`)."""
    target = anchor(kind, record_id)
    heading = (
        f'<h3 class="dm-entry-title">{esc(title)} <code class="dm-id">{esc(record_id)}</code>'
        f'<a class="headerlink" href="#{target}" title="Link to this entry">¶</a></h3>'
    )
    classes = " ".join(c for c in ("dm-entry", f"dm-entry-{kind}", css) if c)
    return f'<div class="{classes}" id="{target}">{heading}{body}</div>'


# -- product tree (Fig. 10) -------------------------------------------------------


def product_tree_dot(
    catalog: Catalog, roots: list[Product], depth: int | None = None, graph_id: str = "dm-product-tree",
    max_packages: int = 6,
) -> str:
    """The product hierarchy under *roots* as a left-to-right tree, each box linking to its entry."""
    lines = [
        f"digraph {dot_string(graph_id)} {{",
        f"  id={dot_string(graph_id)}; rankdir=LR; ranksep=0.35; nodesep=0.12;",
        f'  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#4a5a6a", fontname={dot_string(FONT)},'
        ' margin="0.12,0.05", target="_top"];',
        '  edge [arrowhead=none, color="#7a8a9a"];',
    ]
    shown = list(walk(catalog, roots, depth))
    shown_ids = {p.id for p, _ in shown}
    for product, _ in shown:
        hidden = [c for c in catalog.children_of(product.id) if c not in shown_ids]
        lines.append(f"  {_tree_node(catalog, product, hidden, max_packages)}")
    for product, _ in shown:
        for child in child_products(catalog, product.id):
            if child.id in shown_ids:
                lines.append(f"  {dot_string(product.id)} -> {dot_string(child.id)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _tree_node(catalog: Catalog, product: Product, hidden: list[str], max_packages: int) -> str:
    rows = [f"<b>{dot_html_text(product.name)}</b>"]
    element = catalog.resolve_wbs(product.wbs)
    if product.wbs:
        rows.append(f'<font point-size="9" color="#445566">{dot_html_text(element.code if element else product.wbs)}</font>')
    packages = product.packages[:max_packages]
    for start in range(0, len(packages), PACKAGES_PER_LINE):
        chunk = ", ".join(packages[start:start + PACKAGES_PER_LINE])
        rows.append(f'<font point-size="9" face="Courier,monospace">{dot_html_text(chunk)}</font>')
    if len(product.packages) > max_packages:
        rows.append(f'<font point-size="8">+{len(product.packages) - max_packages} more packages</font>')
    if hidden:
        below = len(hidden) + sum(descendant_count(catalog, catalog.products[h]) for h in hidden)
        rows.append(f'<font point-size="8" color="#885500"><i>+{below} more below</i></font>')
    cells = "".join(f"<tr><td>{row}</td></tr>" for row in rows)
    label = f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">{cells}</table>>'
    fill = "#eef1f4" if product.grouping or catalog.children_of(product.id) else "#ffffff"
    hint = f"{product.name}: {product.description}" if product.description else product.name
    return (
        f"{dot_string(product.id)} [label={label}, fillcolor={dot_string(fill)}, "
        f"URL={dot_string(ref_url('product', product.id))}, tooltip={tooltip(hint)}];"
    )


def tooltip(text: str) -> str:
    """A DOT tooltip on one line."""
    return dot_tooltip(" ".join(text.split()))


# -- product table (App. A) --------------------------------------------------------


def product_table(catalog: Catalog, products: list[Product], caption: str = "") -> str:
    """Every product with WBS, area (top-level element), name, description, effective manager/owner, packages."""
    tops = set(top_level_wbs(catalog))
    areas = {p.id: level2_code(catalog, p.wbs, tops) for p in products}
    columns = [
        Column("WBS", lambda p: wbs_link(catalog, _p(p).wbs), lambda p: wbs_sort_text(catalog.wbs_key(_p(p).wbs))),
        Column("Area", lambda p: _area(catalog, areas[_p(p).id]), lambda p: _area_text(catalog, areas[_p(p).id])),
        Column("Product", lambda p: link("product", _p(p).id, _p(p).name), lambda p: _p(p).name),
        Column("Description", lambda p: esc(_p(p).description or "")),
        Column("Manager", lambda p: contact_html(catalog, contact(catalog, _p(p), "manager")),
               lambda p: contact_sort(catalog, contact(catalog, _p(p), "manager"))),
        Column("Owner", lambda p: contact_html(catalog, contact(catalog, _p(p), "owner")),
               lambda p: contact_sort(catalog, contact(catalog, _p(p), "owner"))),
        Column("Packages", lambda p: codes(_p(p).packages)),
    ]
    return table(products, columns, css="dm-product-table", caption=caption, facets=(1, 4, 5))


def _p(row: object) -> Product:
    assert isinstance(row, Product)
    return row


def _area(catalog: Catalog, code: str | None) -> str:
    if not code:
        return ""
    return f'<span title="{esc(catalog.wbs[code].name)}">{link("wbs", code)}</span>'


def _area_text(catalog: Catalog, code: str | None) -> str:
    return f"{code} {catalog.wbs[code].name}" if code else ""


# -- product entries ----------------------------------------------------------------


def product_entries(catalog: Catalog, products: list[Product]) -> str:
    """One entry per product: relations, people, packages, documents, requirements, milestones."""
    requirements = requirements_by_product(catalog)
    milestones = milestones_by_wbs(catalog)
    parts = [_product_entry(catalog, p, requirements.get(p.id, []), milestones) for p in products]
    return '<div class="dm-entries dm-product-entries">' + "\n".join(parts) + "</div>"


def _product_entry(
    catalog: Catalog, product: Product, requirements: list[Requirement], milestones: dict[str, list[Milestone]],
) -> str:
    code = catalog.wbs_key(product.wbs)
    path = " › ".join(product_link(catalog, a.id) for a in reversed(list(catalog.ancestors(product))))
    body = fields([
        ("Parent", product_link(catalog, product.parent)),
        ("Path", path),
        ("Sub-products", ", ".join(product_link(catalog, c.id) for c in child_products(catalog, product.id))),
        ("WBS element", wbs_link(catalog, product.wbs, with_name=True)),
        ("Manager", contact_html(catalog, contact(catalog, product, "manager")) or _none()),
        ("Owner", contact_html(catalog, contact(catalog, product, "owner")) or _none()),
        ("Packages", codes(product.packages)),
        ("Jira components", codes(product.jira_components)),
        ("Documents", ", ".join(_doc_link(catalog, d) for d in product.documents)),
        ("Requirements", ", ".join(link("req", r.id, f"{r.id} {r.title}") for r in requirements)),
        ("Milestones of its WBS element", _milestone_list(milestones.get(code or "", []))),
    ])
    description = f'<div class="dm-description">{markdown(product.description)}</div>' if product.description else ""
    css = "dm-grouping" if product.grouping else ""
    return entry("product", product.id, product.name, description + body, css)


def _none() -> str:
    return '<span class="dm-missing">none</span>'


def _doc_link(catalog: Catalog, handle: str) -> str:
    document = catalog.documents.get(handle)
    return link("doc", handle, f"{handle}: {document.title}" if document else handle)


def _milestone_list(milestones: list[Milestone]) -> str:
    if not milestones:
        return ""
    items = "".join(f"<li>{link('milestone', m.id)} {esc(m.name)} <span class=\"dm-date\">(due {m.due})</span></li>"
                    for m in milestones)
    return f'<ul class="dm-milestones">{items}</ul>'


# -- contacts (§5) --------------------------------------------------------------------


def contacts(catalog: Catalog, caption: str = "") -> str:
    """Package / Jira component → product → manager and owner; conflicts listed first."""
    clashes = conflicts(catalog)
    notice = ""
    if clashes:
        items = "".join(
            f"<li>{esc(kind)} <code>{esc(name)}</code> is claimed by "
            + ", ".join(product_link(catalog, p.id) for p in products) + "</li>"
            for kind, name, products in clashes
        )
        notice = (
            f'<div class="dm-conflicts admonition warning"><p class="admonition-title">'
            f"{len(clashes)} {'name is' if len(clashes) == 1 else 'names are'} claimed by more than one product</p>"
            f"<p>Each package and Jira component should map to exactly one product.</p><ul>{items}</ul></div>"
        )

    def row(r: object) -> ContactRow:
        assert isinstance(r, ContactRow)
        return r

    def name_cell(r: object) -> str:
        item = row(r)
        mark = ' <span class="dm-conflict" title="claimed by more than one product">⚠ shared</span>' if item.others else ""
        return f"<code>{esc(item.name)}</code>{mark}"

    columns = [
        Column("Package / component", name_cell, lambda r: row(r).name),
        Column("Kind", lambda r: esc(row(r).kind), lambda r: row(r).kind),
        Column("Product", lambda r: link("product", row(r).product.id, row(r).product.name),
               lambda r: row(r).product.name),
        Column("WBS", lambda r: wbs_link(catalog, row(r).product.wbs),
               lambda r: wbs_sort_text(catalog.wbs_key(row(r).product.wbs))),
        Column("Manager", lambda r: contact_html(catalog, contact(catalog, row(r).product, "manager")) or _none(),
               lambda r: contact_sort(catalog, contact(catalog, row(r).product, "manager"))),
        Column("Owner", lambda r: contact_html(catalog, contact(catalog, row(r).product, "owner")) or _none(),
               lambda r: contact_sort(catalog, contact(catalog, row(r).product, "owner"))),
    ]
    return notice + table(contact_rows(catalog), columns, css="dm-contacts", caption=caption, facets=(1, 4, 5))


# -- WBS dictionary (App. B) and Table 3 --------------------------------------------------


def wbs_table(catalog: Catalog, caption: str = "") -> str:
    """Table 3: the top-level WBS elements and their lead institutions."""

    def element(r: object) -> WbsElement:
        assert isinstance(r, WbsElement)
        return r

    columns = [
        Column("WBS", lambda r: link("wbs", element(r).code), lambda r: wbs_sort_text(element(r).code)),
        Column("Description", lambda r: esc(element(r).name)),
        Column("Lead institution", lambda r: _institution_link(catalog, element(r).lead)),
    ]
    rows = [catalog.wbs[c] for c in top_level_wbs(catalog)]
    return table(rows, columns, css="dm-wbs-table", caption=caption)


def _institution_link(catalog: Catalog, institution_id: str | None) -> str:
    if not institution_id:
        return ""
    institution = catalog.institutions.get(institution_id)
    return link("institution", institution_id, institution.name if institution else institution_id)


def wbs_dictionary(catalog: Catalog, root: str | None = None) -> str:
    """Every WBS element (under *root*, if given) in code order, with the products defined at it."""
    products = products_by_wbs(catalog)
    children = wbs_children(catalog)
    roles = roles_by_wbs(catalog)
    parts = []
    for code in wbs_codes(catalog, root):
        element = catalog.wbs[code]
        parent = wbs_parent(catalog, code)
        body = fields([
            ("Lead institution", _institution_link(catalog, element.lead)),
            ("Part of", wbs_link(catalog, parent, with_name=True) if parent else ""),
            ("Sub-elements", ", ".join(wbs_link(catalog, c, with_name=True) for c in children.get(code, []))),
            ("Roles", ", ".join(link("role", r, catalog.roles[r].title) for r in roles.get(code, []))),
            ("Products defined at this element", _product_list(products.get(code, []))),
        ])
        description = f'<div class="dm-description">{markdown(element.description)}</div>' if element.description else ""
        parts.append(entry("wbs", code, element.name, description + body))
    return '<div class="dm-entries dm-wbs-dictionary">' + "\n".join(parts) + "</div>"


def _product_list(products: list[Product]) -> str:
    if not products:
        return ""
    return '<ul class="dm-products">' + "".join(f"<li>{link('product', p.id, p.name)}</li>" for p in products) + "</ul>"

"""Products and the WBS (LDM-294 §5, App. A, App. B, Table 3, Fig. 10) as HTML and DOT text.

Pure functions over the catalog.  Manager and owner are shown *effective*: inherited
from the nearest ancestor when a product leaves them empty, and marked as inherited.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..data.catalog import Catalog
from ..data.model import Milestone, Product, Requirement, WbsElement
from .dot import dot_html_text, dot_string, dot_tooltip
from .html import anchor, esc, link, markdown, ref_url
from .tables import Column, table

FONT = "Helvetica,Arial,sans-serif"
PACKAGES_PER_LINE = 3


# -- relations derived for display ---------------------------------------------


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
    found: dict[str, list[Product]] = defaultdict(list)
    for product in catalog.products.values():
        code = catalog.wbs_key(product.wbs)
        if code:
            found[code].append(product)
    return {code: sorted(ps, key=_by_name) for code, ps in found.items()}


def milestones_by_wbs(catalog: Catalog) -> dict[str, list[Milestone]]:
    found: dict[str, list[Milestone]] = defaultdict(list)
    for milestone in catalog.milestones.values():
        code = catalog.wbs_key(milestone.wbs)
        if code:
            found[code].append(milestone)
    return {code: sorted(ms, key=lambda m: (m.due, m.id)) for code, ms in found.items()}


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
    return {name: sorted(found[name], key=_by_name) for name in sorted(found, key=str.casefold)}


def _by_name(product: Product) -> tuple[str, str]:
    return product.name.casefold(), product.id


def child_products(catalog: Catalog, product_id: str) -> list[Product]:
    return sorted((catalog.products[c] for c in catalog.children_of(product_id)), key=_by_name)


def root_products(catalog: Catalog) -> list[Product]:
    """Products without a (known) parent."""
    roots = [p for p in catalog.products.values() if not p.parent or p.parent not in catalog.products]
    return sorted(roots, key=_by_name)


def top_branches(catalog: Catalog, root: str | None = None) -> list[Product]:
    """The branches one diagram each: children of *root*, or of the single root product."""
    if root is not None:
        return child_products(catalog, root)
    roots = root_products(catalog)
    return child_products(catalog, roots[0].id) if len(roots) == 1 else roots


def walk(catalog: Catalog, roots: Iterable[Product], depth: int | None = None) -> Iterator[tuple[Product, int]]:
    """Pre-order (product, level) from *roots* (level 1), down to *depth* levels; never loops."""
    seen: set[str] = set()
    stack = [(p, 1) for p in reversed(list(roots))]
    while stack:
        product, level = stack.pop()
        if product.id in seen:
            continue
        seen.add(product.id)
        yield product, level
        if depth is None or level < depth:
            stack.extend((c, level + 1) for c in reversed(child_products(catalog, product.id)) if c.id not in seen)


def descendant_count(catalog: Catalog, product: Product) -> int:
    return sum(1 for _ in walk(catalog, [product])) - 1


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
    roles = _roles_by_wbs(catalog)
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


def wbs_codes(catalog: Catalog, root: str | None = None) -> list[str]:
    """Codes in natural order; only *root* and its sub-elements when given."""
    ordered = sorted(catalog.wbs, key=wbs_sort_key)
    if root is None:
        return ordered
    return [c for c in ordered if c == root or c.startswith(root + ".")]


def _roles_by_wbs(catalog: Catalog) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for role in sorted(catalog.roles.values(), key=lambda r: r.id):
        for code in role.wbs:
            key = catalog.wbs_key(code)
            if key:
                found[key].append(role.id)
    return found


def _product_list(products: list[Product]) -> str:
    if not products:
        return ""
    return '<ul class="dm-products">' + "".join(f"<li>{link('product', p.id, p.name)}</li>" for p in products) + "</ul>"

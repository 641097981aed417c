"""Product and organisation renderers without Sphinx: DOT that graphviz accepts, loops, scale."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dmsite.analyses import products as product_tree
from dmsite.analyses import wbs
from dmsite.data.catalog import Catalog
from dmsite.data.load import build_catalog
from dmsite.data.model import Person, Product, Role
from dmsite.graphviz import render_svg
from dmsite.render import organisation as org
from dmsite.render import products as render

DAY = dt.date(2021, 5, 10)
HOSTILE = 'A "quoted" <script>x()</script> {brace} | back\\slash \\N & amp'


def _catalog(records: list[object]) -> Catalog:
    return Catalog.from_records(records, DAY)  # type: ignore[arg-type]


def _svg_text(svg: str) -> list[str]:
    return [t.get_text() for t in BeautifulSoup(svg, "html.parser").select("g.node text")]


def test_hostile_names_survive_dot_as_literal_text(tmp_path: Path) -> None:
    catalog = _catalog([
        Product(id="root", name=HOSTILE, description=HOSTILE, packages=["pkg{1}", "<b>"]),
        Person(id="p", name=HOSTILE),
        Role(id="r", title=HOSTILE, holders=["p"], scientist=True),
    ])
    tree = render.product_tree_dot(catalog, product_tree.root_products(catalog))
    assert "<b>A &quot;quoted&quot; &lt;script&gt;x()&lt;/script&gt; {brace}" in tree  # HTML-like label: entities
    assert 'tooltip="A \\"quoted\\" <script>' in tree  # quoted DOT string: quotes escaped
    svg = render_svg(tree, tmp_path)
    assert _svg_text(svg) == [HOSTILE, "pkg{1}, <b>"]
    assert "<script>" not in svg
    tooltip = BeautifulSoup(svg, "html.parser").select_one("g.node a")["xlink:title"]
    assert tooltip == f"{HOSTILE}: {HOSTILE}"
    chart = render_svg(org.org_chart_dot(catalog), tmp_path)
    role = next(g for g in BeautifulSoup(chart, "html.parser").select("g.node") if g.find("title").get_text() == "r")
    assert [t.get_text() for t in role.select("text")] == [HOSTILE, HOSTILE, "scientist"]


def test_walk_stops_on_a_parent_loop_and_the_catalog_reports_it() -> None:
    catalog = _catalog([
        Product(id="a", name="A", parent="c"), Product(id="b", name="B", parent="a"), Product(id="c", name="C", parent="b"),
        Product(id="top", name="Top"),
    ])
    assert [p.id for p in product_tree.root_products(catalog)] == ["top"]
    assert [(p.id, level) for p, level in product_tree.walk(catalog, [catalog.products["a"]])] == [("a", 1), ("b", 2), ("c", 3)]
    assert product_tree.contact(catalog, catalog.products["a"], "owner") == product_tree.Contact(None)
    assert any("parent cycle" in p.message for p in catalog.errors)


def test_inherited_contact_names_its_source() -> None:
    catalog = _catalog([
        Product(id="top", name="Top", owner="o", manager="m"),
        Product(id="mid", name="Mid", parent="top", manager="m2"),
        Product(id="leaf", name="Leaf", parent="mid"),
        Person(id="o", name="Owner"), Person(id="m", name="M"), Person(id="m2", name="M2"),
    ])
    leaf = catalog.products["leaf"]
    assert product_tree.contact(catalog, leaf, "manager") == product_tree.Contact("m2", catalog.products["mid"])
    assert product_tree.contact(catalog, leaf, "owner") == product_tree.Contact("o", catalog.products["top"])
    html = render.contact_html(catalog, product_tree.contact(catalog, leaf, "owner"))
    assert 'class="dm-inherited" title="inherited from Top"' in html and ">Owner</a>" in html


def test_wbs_order_and_hierarchy() -> None:
    codes = ["1.02C.10", "1.02C.9", "1.02C", "1.02C.03.01", "1.02C.03"]
    assert sorted(codes, key=wbs.wbs_sort_key) == ["1.02C", "1.02C.03", "1.02C.03.01", "1.02C.9", "1.02C.10"]
    assert wbs.wbs_sort_text("1.02C.9") < wbs.wbs_sort_text("1.02C.10")


def _big_catalog(tmp_path: Path, count: int) -> Catalog:
    """*count* products, ten per parent, over 10 WBS elements, in a real data directory."""
    lines = []
    for i in range(count):
        parent = f"  parent: p{(i - 1) // 10}\n" if i else ""
        lines.append(f"- id: p{i}\n  name: Product {i}\n{parent}  wbs: '1.02C.{i % 10:02d}'\n"
                     f"  manager: alice\n  packages: [pkg_{i}, shared_{i % 50}]\n")
    (tmp_path / "products").mkdir(parents=True)
    (tmp_path / "products" / "p.yaml").write_text("".join(lines))
    (tmp_path / "people").mkdir()
    (tmp_path / "people" / "p.yaml").write_text("- id: alice\n  name: Alice\n")
    (tmp_path / "wbs").mkdir()
    (tmp_path / "wbs" / "w.yaml").write_text(
        "- code: '1.02C'\n  name: DM\n" + "".join(f"- code: '1.02C.{w:02d}'\n  name: E{w}\n" for w in range(10)))
    catalog = build_catalog(tmp_path, DAY)
    assert not catalog.errors
    return catalog


def test_renderers_scale_to_thousands_of_products(tmp_path: Path) -> None:
    catalog = _big_catalog(tmp_path, 2000)
    products = [p for p, _ in product_tree.walk(catalog, product_tree.root_products(catalog))]
    assert len(products) == 2000
    start = time.perf_counter()
    table = render.product_table(catalog, products)
    entries = render.product_entries(catalog, products)
    contacts = render.contacts(catalog)
    trimmed = render.product_tree_dot(catalog, product_tree.root_products(catalog), depth=3)
    elapsed = time.perf_counter() - start
    assert table.count("<tr>") == 2001 and entries.count('class="dm-entry ') == 2000
    assert contacts.count("<tr>") == 4001
    assert len(re.findall(r'^\s+"p\d+" \[', trimmed, flags=re.M)) == 111  # 1 + 10 + 100 boxes
    assert "+1889 more below" not in trimmed and "more below" in trimmed
    assert elapsed < 20, f"renderers took {elapsed:.1f}s for 2000 products"


@pytest.mark.parametrize("depth", [1, 2])
def test_trimmed_boxes_count_what_is_hidden(tmp_path: Path, depth: int) -> None:
    catalog = _big_catalog(tmp_path, 111)  # root, 10 children, 100 grandchildren
    dot = render.product_tree_dot(catalog, product_tree.root_products(catalog), depth=depth)
    hidden = 110 if depth == 1 else 10
    assert f"+{hidden} more below" in dot

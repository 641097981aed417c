"""The graph node in real builds: inline SVG in a real figure, kept out of the search index, and a text
alternative for builders that draw no SVG."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from sphinx.testing.util import SphinxTestApp
from support.site import Site
from test_products_site import write_data

PAGE = """
# Tree

The products, drawn.

:::{dm-product-tree}
:caption: Zanzibar products
:::

```{toctree}
entries
```
"""
ENTRIES = """
# Entries

:::{dm-product-entries}
:::
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    site = Site(tmp_path_factory.mktemp("graph-node") / "site")
    write_data(site)
    site.write("index.md", PAGE)
    site.write("entries.md", ENTRIES)
    assert site.build() == ""
    return site


def test_the_svg_sits_in_a_figure_with_its_caption_and_resolved_links(site: Site) -> None:
    figure = site.page().select_one("figure.dm-figure.dm-product-tree")
    assert figure is not None
    svg = figure.select_one("div.dm-graph > svg")
    assert svg is not None
    assert "Single Frame Pipe" in svg.get_text()
    links = {a.get("xlink:href") or a.get("href") for a in svg.select("a")}
    assert "entries.html#product-sfp" in links  # record links point at the entries' page
    assert not [link for link in links if link and link.startswith("dmsite-ref:")]
    assert figure.figcaption.get_text(strip=True).startswith("Zanzibar products")


def test_graph_labels_stay_out_of_the_search_index_and_the_caption_is_in_it(site: Site) -> None:
    text = (site.outdir / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    page = index["docnames"].index("index")
    terms = {t for t, pages in index["terms"].items() if page in (pages if isinstance(pages, list) else [pages])}
    assert "Single Frame Pipe" in site.page().select_one("figure svg").get_text()  # the tree's boxes...
    assert terms == {"The", "drawn", "product", "zanzibar", "entri"}  # ...are not its words: text, caption, toctree are


def test_a_text_build_shows_the_text_alternative_and_the_caption(site: Site) -> None:
    app = SphinxTestApp(
        "text", srcdir=site.root, builddir=site.root / "_build", status=StringIO(), warning=StringIO()
    )
    try:
        app.build()
    finally:
        app.cleanup()
    text = (site.root / "_build" / "text" / "index.txt").read_text(encoding="utf-8")
    assert "Product tree of Data Management" in text
    assert "Zanzibar products" in text
    assert "digraph" not in text and "<svg" not in text

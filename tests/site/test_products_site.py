"""Products, contacts and the WBS in a real Sphinx build: what a reader sees (LDM-294 §5, App. A/B, Fig. 10)."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup, Tag
from support.products import HOSTILE_NAME, write_data
from support.site import Site

PAGES = {
    "index.md": """
        # Products

        ```{toctree}
        entries
        bad
        ```

        See {product}`sfp` and {wbs}`02C.03`.

        ## Whole tree

        :::{dm-product-tree}
        :caption: Trimmed tree
        :depth: 2
        :::

        ## Full tree

        :::{dm-product-tree}
        :::

        ## Rooted

        :::{dm-product-tree}
        :root: l1
        :::

        ## Branches

        :::{dm-product-tree}
        :branches:
        :::

        ## Table

        :::{dm-product-table}
        :::

        ## Contacts

        :::{dm-contacts}
        :::

        ## Top level

        :::{dm-wbs-table}
        :::
        """,
    "entries.md": """
        # Entries

        :::{dm-product-entries}
        :::

        :::{dm-wbs-dictionary}
        :::
        """,
    "bad.md": """
        # Bad options

        :::{dm-product-tree}
        :root: nope
        :::
        """,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, str]:
    site = Site(tmp_path_factory.mktemp("products") / "site")
    write_data(site)
    for path, text in PAGES.items():
        site.write(path, text)
    return site, site.build()


def _svgs(page: BeautifulSoup) -> list[Tag]:
    return page.select("figure.dm-product-tree svg")


def _node_ids(svg: Tag) -> set[str]:
    return {g.find("title").get_text() for g in svg.select("g.node")}


def _row(table: Tag, text: str) -> Tag:
    rows = [r for r in table.select("tbody tr") if r.find_all("td")[2].get_text(strip=True) == text]
    assert len(rows) == 1, text
    return rows[0]


def test_only_the_bad_root_warns(built: tuple[Site, str]) -> None:
    _, warnings = built
    lines = [w for w in warnings.splitlines() if "WARNING" in w]
    assert len(lines) == 1
    assert "bad.md" in lines[0] and "unknown product 'nope'" in lines[0]


def test_table_shows_effective_people_and_marks_inherited_ones(built: tuple[Site, str]) -> None:
    site, _ = built
    table = site.page().select_one("table.dm-product-table")
    sfp = _row(table, "Single Frame Pipe").find_all("td")
    manager, owner = sfp[4], sfp[5]
    assert manager.get_text(strip=True) == "Carol Camp" and manager.select(".dm-inherited") == []
    inherited = owner.select_one(".dm-inherited")
    assert inherited is not None and inherited.get_text(strip=True) == "Bob Scientist"
    assert inherited["title"] == "inherited from Data Management"
    # a grouping row with nothing of its own inherits both from the root
    l1 = _row(table, "Level 1 System").find_all("td")
    assert [c.select_one(".dm-inherited").get_text(strip=True) for c in l1[4:6]] == ["Alice Admin", "Bob Scientist"]
    root = _row(table, "Data Management").find_all("td")
    assert root[4].select(".dm-inherited") == [] and root[4].get_text(strip=True) == "Alice Admin"
    assert table["class"].count("dm-interactive") == 1 and table["data-facets"] == "1,4,5"


def test_depth_trims_deeper_products_and_says_what_is_hidden(built: tuple[Site, str]) -> None:
    site, _ = built
    trimmed, full, rooted, *_ = _svgs(site.page())
    assert _node_ids(trimmed) == {"dm", "l1", "drp"}
    assert "+3 more below" in trimmed.get_text()
    assert _node_ids(full) == {"dm", "l1", "drp", "sfp", "ap", "isr"}
    assert _node_ids(rooted) == {"l1", "sfp", "ap", "isr"}
    assert "Trimmed tree" in site.page().select_one("figure.dm-product-tree figcaption").get_text()


def test_boxes_show_wbs_element_and_packages(built: tuple[Site, str]) -> None:
    site, _ = built
    full = _svgs(site.page())[1]
    sfp = next(g for g in full.select("g.node") if g.find("title").get_text() == "sfp")
    texts = [t.get_text() for t in sfp.select("text")]
    assert texts == ["Single Frame Pipe", "1.02C.03.01", "pipe_drivers, ip_isr"]


def test_diagram_nodes_link_to_entry_anchors(built: tuple[Site, str]) -> None:
    site, _ = built
    entries = site.page("entries")
    links = [a["xlink:href"] for svg in _svgs(site.page()) for a in svg.select("a")]
    assert links and all(href.startswith("entries.html#product-") for href in links)
    for href in links:
        assert entries.find(id=href.split("#", 1)[1]) is not None, href
    role = site.page().select_one("a.reference code.dm-product")
    assert role.find_parent("a")["href"] == "entries.html#product-sfp"
    wbs = site.page().select_one("a.reference code.dm-wbs")
    assert wbs.find_parent("a")["href"] == "entries.html#wbs-1.02C.03"


def test_one_diagram_per_top_level_branch(built: tuple[Site, str]) -> None:
    site, _ = built
    page = site.page()
    titles = [h.get_text(strip=True).rstrip("¶") for h in page.select("section#branches section > h3")]
    assert titles == ["Coaddition", "Level 1 System"]
    assert "3 products below Level 1 System" in page.select_one("section#branches").get_text(" ", strip=True)


def test_product_entry_lists_relations_people_and_traces(built: tuple[Site, str]) -> None:
    site, _ = built
    sfp = site.page("entries").find(id="product-sfp")
    text = sfp.get_text(" ", strip=True)
    for expected in ("Parent Level 1 System", "WBS element 1.02C.03.01 Single Frame Processing", "Manager Carol Camp",
                     "Owner Bob Scientist", "pipe_drivers", "LDM-151: Science Pipelines Design",
                     "DMS-REQ-0001 Process single frames", "DM-AP-1 First light of SFP (due 2020-01-01)"):
        assert expected in text, expected
    assert sfp.select_one("a.dm-product")["href"] == "#product-l1"
    assert sfp.select_one(".dm-inherited").get_text(strip=True) == "Bob Scientist"
    children = site.page("entries").find(id="product-dm").get_text(" ", strip=True)
    assert "Sub-products Coaddition , Level 1 System" in children


def test_every_package_maps_to_one_product_unless_claimed_twice(built: tuple[Site, str]) -> None:
    site, _ = built
    page = site.page()
    rows = page.select("table.dm-contacts tbody tr")
    by_name: dict[str, list[list[str]]] = {}
    for row in rows:
        cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
        by_name.setdefault(row.find("code").get_text(), []).append(cells)
    assert by_name["ip_isr"] == [["ip_isr", "package", "Single Frame Pipe", "1.02C.03.01", "Carol Camp", "Bob Scientist"]]
    assert by_name["ap"] == [["ap", "Jira component", "Alert Generation", "1.02C.03", "Alice Admin", "Bob Scientist"]]
    assert [r[2] for r in by_name["pipe_drivers"]] == ["Coaddition", "Single Frame Pipe"]
    assert all("⚠ shared" in r[0] for r in by_name["pipe_drivers"])
    assert "shared" not in by_name["ap_association"][0][0]
    notice = page.select_one(".dm-conflicts").get_text(" ", strip=True)
    assert "package pipe_drivers is claimed by Coaddition , Single Frame Pipe" in notice
    assert "Jira component pipelines is claimed by Coaddition , Single Frame Pipe" in notice
    assert "2 names are claimed by more than one product" in notice


def test_validate_warns_of_a_package_claimed_twice(built: tuple[Site, str], capsys: pytest.CaptureFixture[str]) -> None:
    from dmsite.cli import main

    site, _ = built
    assert main(["validate", str(site.root / "data"), "--status-date", "2021-05-10"]) == 0
    err = capsys.readouterr().err
    assert re.search(r"products\.yaml:\d+:3: (sfp|drp): package 'pipe_drivers' is also claimed by product", err)
    assert re.search(r"products\.yaml:\d+:3: (sfp|drp): Jira component 'pipelines' is also claimed by product", err)


def test_wbs_dictionary_and_top_level_table(built: tuple[Site, str]) -> None:
    site, _ = built
    entries = site.page("entries")
    ap = entries.find(id="wbs-1.02C.03").get_text(" ", strip=True)
    assert "Lead institution University of Washington" in ap
    assert "Products defined at this element Alert Generation" in ap
    assert "Sub-elements 1.02C.03.01 Single Frame Processing" in ap
    assert "T/CAM Alert Production" in ap
    assert entries.find(id="wbs-1.02C").select_one(".dm-description em").get_text() == "whole"
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in site.page().select("table.dm-wbs-table tbody tr")]
    assert rows == [["1.02C.03", "Alert Production", "University of Washington"],
                    ["1.02C.04", "Data Release Production", "Princeton University"]]


def test_text_from_data_is_escaped_in_html_and_svg(built: tuple[Site, str]) -> None:
    site, _ = built
    for name in ("index", "entries"):
        html = site.html(name)
        assert "<script>alert" not in html and "<b>signature" not in html
        assert not [s for s in site.page(name).find_all("script") if "alert" in s.get_text()]
    full = _svgs(site.page())[1]
    isr = next(g for g in full.select("g.node") if g.find("title").get_text() == "isr")
    assert isr.select("text")[0].get_text() == HOSTILE_NAME
    assert 'Instrument <b>signature</b> "removal" {x}' in isr.find("a")["xlink:title"]
    assert site.page("entries").find(id="product-isr").find("h3").get_text().startswith(HOSTILE_NAME)


HOSTILE = {
    "loop": ("- id: a\n  name: A\n  parent: b\n- id: b\n  name: B\n  parent: a\n",
             "products.yaml:6:3: b: parent cycle: a -> b -> a"),
    "manager": ("- id: a\n  name: A\n  manager: nobody\n",
                "products.yaml:3:3: a: manager 'nobody' is not a known person"),
    "wbs": ("- id: a\n  name: A\n  wbs: '9.99'\n",
            "products.yaml:3:3: a: wbs '9.99' is not a known WBS element"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_products_give_located_errors(
    case: str, site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    from sphinx.errors import SphinxError

    from dmsite.cli import main

    text, message = HOSTILE[case]
    site.write("data/people/people.yaml", "- id: alice\n  name: Alice\n")
    site.write("data/products/products.yaml", text)
    site.write("index.md", "# Products\n\n:::{dm-product-tree}\n:::\n")
    assert main(["validate", str(site.root / "data"), "--status-date", "2021-05-10"]) == 1
    err = capsys.readouterr().err
    assert message in err, err
    with pytest.raises(SphinxError, match="1 problem"):
        site.build()
    assert not (site.outdir / "index.html").exists()

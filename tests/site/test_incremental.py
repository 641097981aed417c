"""Incremental and parallel builds give exactly the pages a clean serial build of the same sources gives.

A small site with aggregates on several pages (record tables, the product tree, milestone tables and
the dependency graph, documents, the glossary) and roles linking across pages is built, then its data
is edited, extended and cut down between incremental builds; after each step every output file is
compared with a fresh build of the same sources in another folder.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable

import pytest
from support.sample_site import DATA, PAGES, assert_same, clean_build, outputs
from support.site import Site


def text_of(site: Site, page: str, selector: str) -> str:
    return " ".join(site.page(page).select_one(selector).get_text(" ").split())


@pytest.fixture
def built(make_site: Callable[..., Site]) -> Site:
    site = make_site("incremental").write_all({**DATA, **PAGES})
    warnings = site.build(fresh=True)
    assert "ERROR" not in warnings, warnings
    return site


def test_edits_additions_and_removals_match_clean_builds(built: Site, make_site: Callable[..., Site]) -> None:
    site = built
    assert "Alert distribution" in text_of(site, "records", "table.dm-records-milestones")

    # 1. edit: a name and a completion shown on several pages
    milestones = (site.root / "data/milestones/ap.yaml").read_text()
    site.write("data/milestones/ap.yaml", milestones.replace("Alert distribution", "Alert stream live").replace(
        "  predecessors: [DM-AP-1]", "  completed: 2021-04-01\n  predecessors: [DM-AP-1]"))
    site.build()
    assert "Alert stream live" in text_of(site, "records", "table.dm-records-milestones")
    assert "Alert distribution" not in site.html("records") + site.html("milestones")
    assert_same(outputs(site), clean_build(make_site, "clean-1", site))

    # 2. add: a file of new records, one of them a child product
    site.write("data/products/more.yaml", "- {id: ap-alerts, name: Alert Distribution, parent: ap}\n")
    site.write("data/milestones/more.yaml", "- {id: DM-AP-3, name: Third, due: 2022-01-01, "
                                            "predecessors: [DM-AP-2], description: More.}\n")
    site.write("data/glossary/more.yaml", "- {term: DRP, definition: Data Release Production}\n")
    site.build()
    assert "DM-AP-3" in text_of(site, "records", "table.dm-records-milestones")
    assert "ap-alerts" in text_of(site, "records", "table.dm-records-products")
    assert_same(outputs(site), clean_build(make_site, "clean-2", site))

    # 3. remove: the file again, and a record that other pages showed
    for rel in ("data/products/more.yaml", "data/milestones/more.yaml", "data/glossary/more.yaml"):
        (site.root / rel).unlink()
    site.write("data/documents/d.yaml", (site.root / "data/documents/d.yaml").read_text().replace(
        "  relations: [{to: LDM-148}]\n", ""))
    site.build()
    assert "DM-AP-3" not in site.html("records")
    assert_same(outputs(site), clean_build(make_site, "clean-3", site))


def test_a_page_edit_and_a_new_page_match_clean_builds(built: Site, make_site: Callable[..., Site]) -> None:
    site = built
    site.write("plain.md", "# Plain\n\nNow it names {milestone}`DM-AP-2` and {product}`dm`.\n")
    site.write("more.md", "# More\n\n:::{dm-records} glossary\n:::\n")
    site.write("index.md", textwrap.dedent(PAGES["index.md"]).replace("plain\n", "plain\nmore\n"))
    site.build()
    assert "DM-AP-2" in site.html("plain")
    assert 'href="more.html"' in site.html("index")
    assert_same(outputs(site), clean_build(make_site, "clean-pages", site))


def test_moving_entries_to_another_page_updates_links_to_them(built: Site, make_site: Callable[..., Site]) -> None:
    """Links to a record follow its entry when the entry moves, though the linking page did not change."""
    site = built
    assert 'href="products.html#product-ap"' in site.html("index")
    site.write("products.md", textwrap.dedent(PAGES["products.md"]).replace(":::{dm-product-entries}\n:::\n", ""))
    site.write("glossary.md", textwrap.dedent(PAGES["glossary.md"]) + "\n:::{dm-product-entries}\n:::\n")
    site.build()  # index.md did not change, yet its link must follow the entry
    assert 'href="glossary.html#product-ap"' in site.html("index")
    assert_same(outputs(site), clean_build(make_site, "clean-moved", site))


def test_parallel_build_equals_serial_build(make_site: Callable[..., Site]) -> None:
    site = make_site("sources").write_all({**DATA, **PAGES})
    serial = clean_build(make_site, "serial", site)
    parallel = clean_build(make_site, "parallel", site, parallel=2)
    assert len([name for name in serial if name.endswith(".html")]) >= len(PAGES)
    assert_same(parallel, serial)


def test_incremental_parallel_build_after_a_data_edit(built: Site, make_site: Callable[..., Site]) -> None:
    site = built
    site.write("data/products/p.yaml", (site.root / "data/products/p.yaml").read_text().replace(
        "Alert Production", "Prompt Processing"))
    site.build(parallel=2)
    assert "Prompt Processing" in text_of(site, "records", "table.dm-records-products")
    assert_same(outputs(site), clean_build(make_site, "clean-parallel", site))


def test_broken_data_leaves_the_previous_pages_and_the_next_fix_rebuilds(built: Site,
                                                                          make_site: Callable[..., Site]) -> None:
    site = built
    before = outputs(site)
    good = (site.root / "data/glossary/g.yaml").read_text()
    site.write("data/glossary/g.yaml", good + "- {term: AP, definition: again}\n")
    with pytest.raises(Exception, match=r"1 problem\(s\)"):
        site.build()
    assert outputs(site) == before
    site.write("data/glossary/g.yaml", good.replace("Alert Production", "Alert Production (AP)"))
    site.build()
    assert "Alert Production (AP)" in site.html("glossary")
    assert_same(outputs(site), clean_build(make_site, "clean-fixed", site))


def test_outputs_do_not_depend_on_the_folder(make_site: Callable[..., Site]) -> None:
    """The comparison above is fair: two clean builds in different folders are identical."""
    site = make_site("a").write_all({**DATA, **PAGES})
    first = clean_build(make_site, "b", site)
    second = clean_build(make_site, "c", site)
    assert_same(first, second)
    assert any('class="dm-ref dm-milestone' in text and "DM-AP-2" in text for text in first.values())
    shutil.rmtree(site.root)

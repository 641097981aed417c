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
from support.site import Site

DATA = {
    "data/institutions/i.yaml": "- {id: UW, name: University of Washington}\n",
    "data/people/p.yaml": "- {id: wom, name: William O'Mullane, institution: UW}\n- {id: lpg, name: Leanne Guy}\n",
    "data/wbs/w.yaml": '- {code: "1.02C", name: Data Management}\n- {code: "1.02C.03", name: Alert Production}\n',
    "data/products/p.yaml": """
        - id: dm
          name: Data Management
          manager: wom
          owner: lpg
        - id: ap
          name: Alert Production
          parent: dm
          wbs: "02C.03"
        """,
    "data/milestones/ap.yaml": """
        - id: DM-AP-1
          name: Prototype pipeline
          wbs: "02C.03"
          level: 2
          due: 2020-06-01
          completed: 2020-05-01
          description: The first one.
        - id: DM-AP-2
          name: Alert distribution
          wbs: "02C.03"
          level: 2
          due: 2021-11-30
          predecessors: [DM-AP-1]
          description: Alerts go out.
        """,
    "data/documents/d.yaml": """
        - handle: LDM-294
          title: Organization, Responsibilities and Plans
          year: 2020
          relations: [{to: LDM-148}]
        - handle: LDM-148
          title: Data Management System Design
          year: 2019
        """,
    "data/glossary/g.yaml": "- {term: AP, definition: Alert Production}\n",
}
PAGES = {
    "index.md": """
        # Home

        ```{toctree}
        records
        milestones
        products
        documents
        glossary
        plain
        ```

        Next is {milestone}`DM-AP-2` after {milestone}`DM-AP-1`; see {product}`ap` and {document}`LDM-294`.
        """,
    "records.md": """
        # Records

        :::{dm-records} milestones
        :columns: id, name, due, completed
        :::

        :::{dm-records} products
        :columns: id, name, parent
        :::
        """,
    "milestones.md": """
        # Milestones

        :::{dm-milestone-table}
        :::

        :::{dm-dependency-graph}
        :::
        """,
    "products.md": """
        # Products

        :::{dm-product-tree}
        :::

        :::{dm-product-entries}
        :::
        """,
    "documents.md": """
        # Documents

        :::{dm-documents}
        :::
        """,
    "glossary.md": """
        # Glossary

        :::{dm-glossary}
        :::
        """,
    "plain.md": "# Plain\n\nNo data here.\n",
}
SKIPPED = {"searchindex.js", ".buildinfo", ".buildinfo.bak", "objects.inv"}




def outputs(site: Site) -> dict[str, str]:
    """Every file the build wrote, with the build's own folder name taken out."""
    found = {}
    for path in sorted(site.outdir.rglob("*")):
        if path.is_file() and path.name not in SKIPPED and "_images" not in path.parts:
            text = path.read_text(encoding="utf-8", errors="replace")
            found[str(path.relative_to(site.outdir))] = text.replace(str(site.root), "<root>")
    return found


def sources(site: Site) -> dict[str, str]:
    return {str(p.relative_to(site.root)): p.read_text(encoding="utf-8")
            for p in site.root.rglob("*") if p.is_file() and p.suffix in {".md", ".yaml"}
            and "_build" not in p.parts and ".cache" not in p.parts}


def clean_build(make_site: Callable[..., Site], name: str, of: Site, parallel: int = 0) -> dict[str, str]:
    fresh = make_site(name).write_all(sources(of))
    warnings = fresh.build(parallel=parallel, fresh=True)
    assert "ERROR" not in warnings, warnings
    return outputs(fresh)


def assert_same(incremental: dict[str, str], clean: dict[str, str]) -> None:
    assert sorted(incremental) == sorted(clean)
    for name in clean:
        assert incremental[name] == clean[name], f"{name} differs from a clean build"


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

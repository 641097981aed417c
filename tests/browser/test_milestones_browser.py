"""The milestone pages in a real browser: the table filters, graph nodes lead to the details."""

from __future__ import annotations

import pytest
from support.browser import serve
from support.milestones import MILESTONES, WBS
from support.site import Site


@pytest.mark.browser
def test_table_filters_and_graph_nodes_link_to_details(site: Site, browser_page) -> None:
    site.write("data/wbs/wbs.yaml", WBS)
    site.write("data/milestones/ms.yaml", MILESTONES)
    site.write("index.md", "# Table\n\n```{toctree}\nwbs\n```\n\n:::{dm-milestone-table}\n:::\n")
    site.write("wbs.md", "# By WBS\n\n:::{dm-milestones-by-wbs}\n:wbs: 02C.03\n:::\n")
    site.build()
    page = browser_page.page
    with serve(site.outdir) as url:
        page.goto(url + "index.html")
        rows = page.locator("table.dm-milestone-table tbody tr")
        assert rows.count() == 8
        page.select_option("select[aria-label='Filter by Status']", "overdue")
        visible = [r.inner_text().split("\t")[0] for r in rows.all() if r.is_visible()]
        assert visible == ["DM-AP-2", "DM-AP-3"]
        page.fill(".dm-filter input[type=search]", "alard")
        assert [r.is_visible() for r in rows.all()].count(True) == 1
        page.goto(url + "wbs.html")
        page.locator("svg g.node a").filter(has_text="DM-AP-2").first.click()
        page.wait_for_url("**/wbs.html#milestone-DM-AP-2")
        assert page.locator("#milestone-DM-AP-2").is_visible()
        assert browser_page.errors == []

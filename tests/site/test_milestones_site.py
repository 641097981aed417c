"""Milestone directives in real Sphinx builds: what a reader sees on the pages and in the exports."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from support.milestones import MILESTONES, WBS
from support.site import Site

INDEX = """
# Milestones

The first pipeline was {milestone}`DM-AP-1`.

```{toctree}
wbs
```

## Summary

:::{dm-milestone-summary}
:subject: The DM Subsystem
:::

:::{dm-burndown}
:::

## Overdue

:::{dm-overdue}
:::

## Slipping

:::{dm-slipping}
:::

## By month

:::{dm-milestones-by-month}
:::

## Releases

:::{dm-releases}
:features: DM-
:::

## Tests

:::{dm-test-milestones}
:::

## Key

:::{dm-key-milestones}
:::

## Table

:::{dm-milestone-table}
:::

## Downloads

:::{dm-milestone-exports}
:::
"""

WBS_PAGE = """
# By WBS

:::{dm-milestones-by-wbs}
:::
"""

FORMULA = """
- id: DM-X-1
  name: "=HYPERLINK(\\"http://example.invalid\\")"
  due: 2022-03-01
"""


def make(site: Site, extra: str = "") -> Site:
    site.write("data/wbs/wbs.yaml", WBS)
    site.write("data/milestones/ms.yaml", MILESTONES + extra)
    site.write("index.md", INDEX)
    site.write("wbs.md", WBS_PAGE)
    return site


def section(page: BeautifulSoup, tag: str, title: str) -> BeautifulSoup:
    """The section whose heading reads *title*."""
    heading = next(h for h in page.find_all(tag) if h.get_text().rstrip("#¶") == title)
    return heading.find_parent("section")


def overdue_ids(page: BeautifulSoup) -> list[str]:
    return [a.get_text() for a in page.select("ul.dm-overdue-list li > a")]


def test_summary_overdue_and_month_lists(site: Site) -> None:
    warnings = make(site).build()
    assert "WARNING" not in warnings.replace("milestone has no description", ""), warnings
    page = site.page()
    summary = page.select_one("p.dm-summary").get_text(" ", strip=True)
    assert "The DM Subsystem is currently tracking 8 milestones: 0 at Level 1, 4 at Level 2, 3 at Level 3" in summary
    assert "1 has no level defined. Of these, 3 have been completed." in summary
    assert "2 are late relative to the baseline schedule" in summary
    assert "status at 2021-05-10" in page.select_one("p.dm-provenance").get_text()
    assert overdue_ids(page) == ["DM-AP-2", "DM-AP-3"]
    items = [li.get_text(" ", strip=True) for li in page.select("ul.dm-overdue-list li")]
    assert "[Due 2020-06-01; 343 days late]" in items[0]
    slipping = [a.get_text() for a in page.select("ul.dm-slipping-list li > a")]
    assert slipping == ["DM-AP-2", "LDM-503-10"]
    months = [h.get_text().rstrip("#¶") for h in page.select("section h3")]
    assert months[0] == "Due in December 2021" and "Due in May 2017" in months
    assert "Due in May 2021" not in months  # empty months are one quiet line, not a section each
    quiet = [p.get_text() for p in page.select("p.dm-empty-months")]
    assert "No milestones due in May 2021." in quiet and "No milestones due from July 2021 to September 2021." in quiet
    nov = section(page, "h3", "Due in November 2017")
    assert nov.select_one("a.dm-completed").get_text() == "LDM-503-02"  # completed ones are marked
    assert "(completed 2017-12-01)" in nov.get_text()


def test_status_date_changes_the_overdue_list(make_site: Callable[..., Site]) -> None:
    late = make(make_site("late", status_date="2021-05-10"))
    early = make(make_site("early", status_date="2020-07-01"))
    late.build()
    early.build()
    assert overdue_ids(late.page()) == ["DM-AP-2", "DM-AP-3"]
    assert overdue_ids(early.page()) == ["DM-AP-2"]
    assert "30 days late" in early.page().select_one("ul.dm-overdue-list").get_text()


def test_links_resolve_to_detail_blocks_and_graphs_link_there(site: Site) -> None:
    make(site).build(parallel=2)
    page, details = site.page(), site.page("wbs")
    link = page.select_one("ul.dm-overdue-list a")
    assert link["href"] == "wbs.html#milestone-DM-AP-2"
    role = page.find("a", href="wbs.html#milestone-DM-AP-1")  # the {milestone} role links to the detail too
    assert role is not None and "dm-completed" in role.select_one("code")["class"]
    block = details.find(id="milestone-DM-AP-2")
    assert block is not None and "dm-milestone-detail" in block["class"]
    fields = {dt.get_text(): dd for dt, dd in zip(block.select("dt"), block.select("dd"), strict=True)}
    assert fields["Level"].get_text() == "3"
    assert [a["href"] for a in fields["Predecessors"].select("a")] == ["#milestone-DM-AP-1"]
    assert [a.get_text() for a in fields["Successors"].select("a")] == ["LDM-503-11"]
    assert fields["Baseline due"].get_text() == "2020-06-01" and fields["Forecast"].get_text() == "2021-08-01"
    assert fields["Completed"].get_text() == "Completion pending"
    assert fields["Jira"].get_text() == "DM-1234"
    assert "No description available" in block.get_text()
    described = details.find(id="milestone-DM-AP-1")
    assert described.select_one(".dm-description em").get_text() == "first"
    assert "LDM-533" in details.find(id="milestone-LDM-503-02").get_text()
    sections = [h.get_text().rstrip("#¶") for h in details.select("section h2")]
    assert sections == ["1.02C.00: Level 2 Milestones", "1.02C.03: Alert Production",
                        "1.02C.04: Data Release Production"]
    graph = section(details, "h2", "1.02C.03: Alert Production").select_one(".dm-graph svg")
    node = graph.find("g", id=re.compile("DM-AP-2$"))
    assert node.find("a")["xlink:href"] == "#milestone-DM-AP-2"
    assert node.find("ellipse")["fill"] == "#fbd5a8"  # overdue, in this element
    assert graph.find("g", id=re.compile("LDM-503-11$")).find("polygon") is not None  # other element
    ids = [el["id"] for el in details.find_all(id=True)]
    assert len(ids) == len(set(ids)), "HTML ids on the page are unique"


def test_burndown_table_and_releases(site: Site) -> None:
    make(site).build()
    page = site.page()
    rows = {r.th.get_text(): [td.get_text() for td in r.select("td")] for r in page.select("table.dm-burndown-data tbody tr")}
    assert rows["2021-01-01"] == ["4", "5", "5"]
    assert rows["2021-06-01"] == ["3", "4", ""]  # achieved is unknown after the status date
    svg = page.select_one("svg.dm-burndown")
    assert svg.find("title").get_text() and svg.select_one("g.dm-today") is not None
    releases = {
        h.get_text().rstrip("#¶"): h.find_parent("section")
        for h in section(page, "h2", "Releases").select("h3")
    }
    assert list(releases) == ["HSC reprocessing: LDM-503-02", "DAQ validation: LDM-503-10",
                              "Ops rehearsal for commissioning #2: LDM-503-11"]
    hsc = releases["HSC reprocessing: LDM-503-02"]
    assert "Due: 2017-11-30; completed 2017-12-01." in hsc.get_text()
    assert [li.a.get_text() for li in hsc.select("ul.dm-features li")] == ["DM-DRP-1", "DM-AP-1"]
    assert "(Due: 2017-05-31; completed 2017-11-01)" in hsc.select_one("ul.dm-features li").get_text()
    assert "No new functionality" in releases["DAQ validation: LDM-503-10"].get_text()
    ops = releases["Ops rehearsal for commissioning #2: LDM-503-11"]
    assert [li.a.get_text() for li in ops.select("ul.dm-features li")] == ["DM-AP-2", "DM-DRP-2"]
    assert "currently incomplete" in ops.get_text()
    tests = [[td.get_text() for td in r.select("td")] for r in page.select("table.dm-test-milestones tbody tr")]
    assert tests[1] == ["LDM-503-10", "2021-10-31", "2022-01-15", "DAQ validation"]
    assert page.select_one("svg.dm-gantt") is not None
    key = [r.td.get_text() for r in page.select("table.dm-key-milestones tbody tr")]
    assert key == ["DM-DRP-2", "LDM-503-10"]


def test_interactive_table_has_facets_and_plain_rows(site: Site) -> None:
    make(site).build()
    table = site.page().select_one("table.dm-milestone-table")
    assert "dm-interactive" in table["class"] and table["data-facets"] == "2,3,7"
    heads = [th.get_text() for th in table.select("thead th")]
    assert [heads[i] for i in (2, 3, 7)] == ["WBS", "Level", "Status"]
    rows = {r.td.get_text(): [td.get_text() for td in r.select("td")] for r in table.select("tbody tr")}
    assert len(rows) == 8 and rows["DM-AP-3"][7] == "overdue" and rows["DM-AP-1"][7] == "completed"


def test_exports_are_written_and_parse(site: Site) -> None:
    make(site, FORMULA).build()
    doc = json.loads((site.outdir / "milestones.json").read_text(encoding="utf-8"))
    assert len(doc["milestones"]) == 9
    rows = list(csv.DictReader(io.StringIO((site.outdir / "milestones.csv").read_text(encoding="utf-8"), newline="")))
    assert [r["id"] for r in rows][:3] == ["DM-AP-1", "DM-AP-2", "DM-AP-3"]
    assert next(r for r in rows if r["id"] == "DM-X-1")["name"].startswith("'=")  # not a formula
    ics = (site.outdir / "milestones.ics").read_bytes().decode("utf-8")
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    lines = ics.replace("\r\n ", "").split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    events = ics.replace("\r\n ", "").split("BEGIN:VEVENT")[1:]
    assert len(events) == 6  # open milestones only
    ops = next(e for e in events if "UID:LDM-503-11@" in e)
    assert "SUMMARY:LDM-503-11: Test report: Ops rehearsal #2\\, with a comma\\; and semicolon" in ops
    assert "DTSTART;VALUE=DATE:20211219" in ops and "DTEND;VALUE=DATE:20211220" in ops
    links = [a["href"] for a in site.page().select("ul.dm-exports a")]
    assert links == ["milestones.json", "milestones.csv", "milestones.ics"]


def test_bad_options_are_reported_with_locations(site: Site) -> None:
    make(site)
    site.write("bad.md", """
        # Bad

        :::{dm-overdue}
        :wbs: 02C.99
        :::

        :::{dm-burndown}
        :levels: 7
        :::
        """)
    warnings = site.build()
    assert re.search(r"bad.md:\d+: WARNING: unknown WBS element '02C.99'", warnings)
    assert "level '7' is not 1, 2, 3, 4 or none" in warnings


@pytest.mark.parametrize("page", ["index", "wbs"])
def test_same_data_builds_byte_identical_pages(make_site: Callable[..., Site], page: str) -> None:
    first, second = make(make_site("one")), make(make_site("two"))
    first.build()
    second.build()

    def svgs(site: Site) -> list[str]:
        return re.findall(r"<svg.*?</svg>", site.html(page), re.S)

    assert svgs(first) and svgs(first) == svgs(second)


def test_key_milestones_show_the_previous_forecast_from_git(site: Site) -> None:
    import git

    make(site)
    site.write("index.md", "# Key\n\n:::{dm-key-milestones}\n:::\n")
    repo = git.Repo.init(site.root)
    with repo.config_writer() as config:
        config.set_value("user", "name", "Test").set_value("user", "email", "test@example.invalid")
    repo.index.add(["data/milestones/ms.yaml", "data/wbs/wbs.yaml"])
    repo.index.commit("baseline")
    data = site.root / "data/milestones/ms.yaml"
    data.write_text(data.read_text().replace("forecast: 2022-01-15", "forecast: 2022-03-01"))
    repo.index.add(["data/milestones/ms.yaml"])
    repo.index.commit("re-forecast LDM-503-10")
    site.build()
    table = site.page().select_one("table.dm-key-milestones")
    assert "Previous forecast" in [th.get_text() for th in table.select("thead th")]
    rows = {r.td.get_text(): [td.get_text() for td in r.select("td")] for r in table.select("tbody tr")}
    assert rows["LDM-503-10"][2:4] == ["2022-03-01", "2022-01-15"]
    assert rows["DM-DRP-2"][3] == ""  # never re-forecast


def test_project_graph_filtered_by_level(site: Site) -> None:
    make(site)
    site.write("graph.md", "# Graph\n\n:::{dm-dependency-graph}\n:levels: 2\n:no-neighbours:\n:::\n")
    site.build()
    svg = site.page("graph").select_one(".dm-graph svg")
    shown = sorted(g.find("title").get_text() for g in svg.select("g.node"))
    assert shown == ["DM-DRP-1", "LDM-503-02", "LDM-503-10", "LDM-503-11"]
    assert site.page("graph").select_one("ul.dm-legend") is not None


def test_data_edit_updates_every_milestone_page_incrementally(site: Site) -> None:
    make(site).build()
    assert overdue_ids(site.page()) == ["DM-AP-2", "DM-AP-3"]
    data = site.root / "data/milestones/ms.yaml"
    data.write_text(data.read_text().replace("  due: 2021-04-30\n", "  due: 2021-04-30\n  completed: 2021-05-01\n"))
    site.build()
    assert overdue_ids(site.page()) == ["DM-AP-2"]
    detail = site.page("wbs").find(id="milestone-DM-AP-3")
    assert "2021-05-01" in detail.get_text() and "Completion pending" not in detail.get_text()


def test_milestones_without_a_detail_page_are_reported(site: Site) -> None:
    make(site)
    site.write("wbs.md", "# AP\n\n:::{dm-milestones-by-wbs}\n:wbs: 02C.03\n:::\n")
    warnings = site.build()
    assert "5 milestone(s) have no detail entry on any page" in warnings
    assert "DM-DRP-1, DM-DRP-2, LDM-503-02, LDM-503-10, LDM-503-11" in warnings


def test_empty_wbs_page_keeps_its_title(site: Site) -> None:
    make(site)
    site.write("none.md", ":::{dm-milestones-by-wbs}\n:wbs: none\n:::\n")
    site.write("index.md", INDEX.replace("wbs\n```", "wbs\nnone\n```"))
    warnings = site.build()
    assert "doesn't have a title" not in warnings
    page = site.page("none")
    assert page.select_one("h1").get_text().rstrip("#¶") == "Milestones without a WBS element"
    assert "No milestones in this selection." in page.get_text()


def test_a_large_element_is_drawn_in_graphs_of_whole_years(site: Site) -> None:
    """Above depgraph.SPLIT_ABOVE milestones: one graph per run of years holding at most that many."""
    count = 130
    chain = [
        {"id": f"DM-BIG-{i:03d}", "name": f"Step {i}", "wbs": "02C.04", "due": f"{2019 + i // 50}-{1 + i % 12:02d}-01",
         **({"predecessors": [f"DM-BIG-{i - 1:03d}"]} if i else {})}
        for i in range(count)
    ]  # 50 due in 2019, 50 in 2020, 30 in 2021: 2019-2020 (100) and 2021 (adding it would make 130)
    site.write("data/wbs/wbs.yaml", WBS)
    site.write("data/milestones/big.yaml", json.dumps(chain))
    site.write("index.md", "# Big\n\n:::{dm-milestones-by-wbs}\n:wbs: 02C.04\n:::\n")
    assert "WARNING" not in site.build()
    page = site.page()
    figures = page.select("figure.dm-figure")
    periods = {"2019-2020": ("2019–2020", range(0, 100)), "2021": ("2021", range(100, 130))}
    assert [f.select_one("svg > g")["id"] for f in figures] == [f"dm-graph-1-02C-04-{p}" for p in periods]
    for figure, (period, (years, numbers)) in zip(figures, periods.items(), strict=True):
        assert f"due in {years} (the element has {count}: it is drawn in several graphs" in figure.figcaption.get_text()
        home = {g["id"].removeprefix(f"dm-graph-1-02C-04-{period}-") for g in figure.select("g.dm-home")}
        assert home == {f"DM-BIG-{i:03d}" for i in numbers}
        others = {g["id"].rsplit("-", 1)[-1] for g in figure.select("g.dm-other")}
        assert others == {f"{i:03d}" for i in (numbers[0] - 1, numbers[-1] + 1) if 0 <= i < count}  # neighbours
        links = {a["xlink:href"] for a in figure.select("svg g.node a")}
        assert links == {f"#milestone-{mid}" for mid in home} | {f"#milestone-DM-BIG-{o}" for o in others}
    assert len(page.select(".dm-milestone-detail")) == count

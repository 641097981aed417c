"""Schedule analyses and milestone renderers on small catalogs (no Sphinx)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from bs4 import BeautifulSoup
from support.milestones import catalog

from dmsite.analyses import schedule
from dmsite.graphviz import render_svg
from dmsite.render import charts, depgraph, milestone_exports

D = dt.date


def ids(milestones: list[schedule.Milestone]) -> list[str]:
    return [m.id for m in milestones]


def test_summary_counts_levels_and_status() -> None:
    s = schedule.summary(catalog())
    assert s.total == 8
    assert s.by_level == {1: 0, 2: 4, 3: 3, 4: 0}
    assert s.no_level == 1
    assert (s.completed, s.overdue, s.open) == (3, 2, 3)


def test_overdue_depends_on_the_status_date_only() -> None:
    late = schedule.overdue(catalog(D(2021, 5, 10)))
    assert [(x.milestone.id, x.days) for x in late] == [("DM-AP-2", 343), ("DM-AP-3", 10)]
    earlier = schedule.overdue(catalog(D(2020, 7, 1)))
    assert [(x.milestone.id, x.days) for x in earlier] == [("DM-AP-2", 30)]


def test_slipping_lists_open_milestones_forecast_after_baseline() -> None:
    slips = schedule.slipping(catalog())
    assert [(x.milestone.id, x.days) for x in slips] == [("DM-AP-2", 426), ("LDM-503-10", 76)]


def test_by_month_is_newest_first_and_keeps_empty_months() -> None:
    months = schedule.by_month(catalog().milestones.values())
    assert (months[0].year, months[0].month) == (2021, 12)
    assert (months[-1].year, months[-1].month) == (2017, 5)
    assert len(months) == 4 * 12 + 8  # May 2017 .. December 2021, every month
    may_2021 = next(m for m in months if (m.year, m.month) == (2021, 5))
    assert may_2021.milestones == []
    nov_2017 = next(m for m in months if (m.year, m.month) == (2017, 11))
    assert ids(nov_2017.milestones) == ["LDM-503-02"]


def test_by_wbs_groups_sub_elements_under_their_element() -> None:
    groups = schedule.by_wbs(catalog())
    assert [g.code for g in groups] == ["1.02C.00", "1.02C.03", "1.02C.04"]
    assert ids(groups[1].milestones) == ["DM-AP-1", "DM-AP-2", "DM-AP-3"]  # DM-AP-1 is in 02C.03.01
    deeper = schedule.by_wbs(catalog(), depth=4)
    assert "1.02C.03.01" in [g.code for g in deeper]


def test_scope_filters_by_wbs_prefix_ids_and_levels() -> None:
    cat = catalog()
    assert ids(schedule.select(cat, schedule.Scope(wbs="02C.03"))) == ["DM-AP-1", "DM-AP-2", "DM-AP-3"]
    assert ids(schedule.select(cat, schedule.Scope(ids=("DM-DRP",)))) == ["DM-DRP-1", "DM-DRP-2"]
    assert ids(schedule.select(cat, schedule.Scope(ids=("LDM-503-1*",)))) == ["LDM-503-10", "LDM-503-11"]
    assert ids(schedule.select(cat, schedule.Scope(levels=(None,)))) == ["DM-DRP-2"]
    assert len(schedule.select(cat, schedule.Scope(levels=(2, 3)))) == 7


def test_burndown_series() -> None:
    data = schedule.burndown(catalog())
    at = {d: i for i, d in enumerate(data.dates)}
    assert data.dates[0] == D(2017, 5, 1) and data.dates[-1] == D(2022, 2, 1)
    i = at[D(2021, 1, 1)]
    assert (data.baseline[i], data.forecast[i], data.achieved[i]) == (4, 5, 5)
    assert data.achieved[at[D(2021, 6, 1)]] is None  # after the status date
    assert data.baseline[0] == data.forecast[0] == data.achieved[0] == 8
    assert data.baseline[-1] == data.forecast[-1] == 0
    scoped = schedule.burndown(catalog(), schedule.Scope(wbs="02C.04", start=D(2020, 1, 1), end=D(2021, 12, 31)))
    assert scoped.total == 2 and scoped.dates[0] == D(2020, 1, 1)
    assert scoped.baseline[0] == 1  # DM-DRP-1 was due in 2017


def test_releases_derive_features_from_predecessors() -> None:
    found = schedule.releases(catalog(), feature_patterns=("DM-*",))
    assert [r.milestone.id for r in found] == ["LDM-503-02", "LDM-503-10", "LDM-503-11"]
    assert ids(found[0].features) == ["DM-DRP-1", "DM-AP-1"]  # by due date
    assert found[1].features == []
    assert ids(found[2].features) == ["DM-AP-2", "DM-DRP-2"]  # LDM-503-10 is not a DM- feature
    everything = schedule.releases(catalog())
    assert "LDM-503-10" in ids(everything[2].features)
    assert [r.milestone.id for r in schedule.releases(catalog(), ("DM-DRP-*",))] == ["DM-DRP-1", "DM-DRP-2"]


def test_key_milestones_sorted_by_forecast_and_neighbours() -> None:
    cat = catalog()
    assert ids(schedule.key_milestones(cat)) == ["DM-DRP-2", "LDM-503-10"]
    home = [cat.milestones["DM-AP-2"]]
    assert ids(schedule.neighbours(cat, home)) == ["DM-AP-1", "LDM-503-11"]


def test_dependency_graph_styles_nodes_by_status_and_element() -> None:
    cat = catalog()
    group = schedule.by_wbs(cat)[1]
    svg = BeautifulSoup(render_svg(depgraph.wbs_graph_dot(cat, group.milestones, "g", "AP")), "html.parser")
    overdue_home = svg.find("g", id="g-DM-AP-2")
    assert {"dm-overdue", "dm-home"} <= set(overdue_home["class"])
    assert overdue_home.find("ellipse")["fill"] == "#fbd5a8" and overdue_home.find("ellipse")["stroke"] == "#d35400"
    other = svg.find("g", id="g-LDM-503-11")  # a successor from another element: a rectangle
    assert "dm-other" in other["class"] and other.find("polygon") is not None and other.find("ellipse") is None
    assert svg.find("g", id="g-DM-AP-1").find("ellipse")["fill"] == "#cfe2f3"  # completed: blue
    assert svg.find("g", id="g-DM-AP-2").find("a")["xlink:href"] == "dmsite-ref:milestone:DM-AP-2"
    assert "Alert distribution" in svg.get_text() and svg.find("b") is None  # names are escaped


def test_charts_and_graphs_are_byte_identical_across_runs() -> None:
    def draw() -> tuple[str, str, str]:
        cat = catalog()
        dot = depgraph.wbs_graph_dot(cat, schedule.by_wbs(cat)[0].milestones, "g", "L2")
        return (
            render_svg(dot),  # no cache: dot runs each time
            charts.burndown_svg(schedule.burndown(cat)),
            charts.gantt_svg(cat, schedule.test_milestones(cat)),
        )

    assert draw() == draw()


def test_exports_parse() -> None:
    cat = catalog()
    doc = json.loads(milestone_exports.milestones_json(cat))
    assert doc["status_date"] == "2021-05-10"
    by_id = {m["id"]: m for m in doc["milestones"]}
    assert by_id["DM-DRP-1"]["successors"] == ["DM-DRP-2", "LDM-503-02"]
    assert by_id["DM-AP-2"]["status"] == "overdue"
    rows = list(csv.DictReader(io.StringIO(milestone_exports.milestones_csv(cat))))
    assert len(rows) == 8 and rows[0]["id"] == "DM-AP-1"
    assert next(r for r in rows if r["id"] == "LDM-503-11")["predecessors"] == "DM-AP-2; DM-DRP-2; LDM-503-10"


def test_ics_folding_and_escaping() -> None:
    long = "é" * 100
    folded = milestone_exports.fold("SUMMARY:" + long)
    assert all(len(line.encode()) <= 75 for line in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "SUMMARY:" + long
    assert milestone_exports.ics_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_scope_none_selects_milestones_without_wbs_and_they_group_last() -> None:
    from dmsite.data.catalog import Catalog
    from dmsite.data.model import Milestone

    cat = catalog()
    lone = Milestone(id="X-1", name="No element", due=D(2019, 1, 1))
    cat = Catalog.from_records([*cat.wbs.values(), *cat.milestones.values(), lone], cat.status_date)
    assert ids(schedule.select(cat, schedule.Scope(wbs=schedule.NO_WBS))) == ["X-1"]
    groups = schedule.by_wbs(cat)
    assert groups[-1].code is None and ids(groups[-1].milestones) == ["X-1"]

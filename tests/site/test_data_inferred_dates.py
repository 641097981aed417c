"""Where the seeds give no day, the DM data says so, as content/data/sources/inferred-dates.yaml.txt records.

The list names every retired milestone, every due date known only to the month and every estimated
completion, with the seed line it rests on.  Checked both ways against the data (every entry is in
the data and every such value in the data is an entry) and against the seeds: each cited line says
what the entry claims, and every exact day the data still writes is one a seed gives.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import cache
from typing import Any

import yaml
from support import REPO_ROOT
from test_data_milestones import SEEDS, catalog, dmtn158, ldm564_only, seed, status_date

from dmsite.analyses.schedule import burndown, counted
from dmsite.data.dates import PlanDate
from dmsite.data.model import Milestone

LIST = REPO_ROOT / "content" / "data" / "sources" / "inferred-dates.yaml.txt"
LISTS = {  # list name -> (field, how many)
    "retired": ("retired", 6),
    "month_only": ("due", 66),
    "estimated_completion": ("completed_estimated", 50),
    "month_only_completion": ("completed", 45),
}
DAY = r"(\d{4}-\d\d-\d\d)"
DONE = rf"(?:completed {DAY}|currently incomplete)"
LDM564_LINE = re.compile(rf"^- ([A-Z][\w-]+): .* (?:\(\*|\*\()Due: {DAY}; {DONE}(?:\*\)|\)\*)$")  # (*Due: …*) or *(Due: …)*
LDM564_TEST = re.compile(rf"^\*Due: {DAY}; {DONE}\.\*$")


@cache
def recorded() -> dict[str, list[dict[str, Any]]]:
    data = yaml.safe_load(LIST.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def seed_line(ref: str) -> str:
    name, number = ref.split(":")
    return (SEEDS / name).read_text(encoding="utf-8").splitlines()[int(number) - 1]


@cache
def ldm564_dates() -> dict[str, tuple[str, str | None]]:
    """Every milestone LDM-564 §3 dates (test milestones and features) → (due, completed or None)."""
    text = seed("001")
    body = text[text.index("## 3 Functionality in DM releases"):text.index("## 4 References")]
    dates: dict[str, tuple[str, str | None]] = {}
    test = None
    for line in body.splitlines():
        if m := re.match(r"^###\s+\**3\.\d+\s+.+?:\s+(LDM-503-\w+)\**\s*$", line):
            test = m.group(1)
        elif test and (m := LDM564_TEST.match(line.strip())):
            dates[test], test = (m.group(1), m.group(2)), None
        elif line.startswith("- ") and "Due:" in line:
            m = LDM564_LINE.match(line.strip())
            assert m, f"LDM-564 feature line not understood: {line}"
            assert dates.setdefault(m.group(1), (m.group(2), m.group(3))) == (m.group(2), m.group(3)), m.group(1)
    return dates


def lost(milestone_id: str) -> bool:
    """DMTN-158's text has no details for the milestone (only a heading, or only a by-month line)."""
    entry = dmtn158().entries.get(milestone_id)
    return entry is None or not entry.fields


def is_month(day: dt.date | None) -> bool:
    return isinstance(day, PlanDate) and day.is_month


def milestones() -> list[Milestone]:
    return list(catalog().milestones.values())


def test_counts_and_fields() -> None:
    lists = recorded()
    assert {k: len(v) for k, v in lists.items()} == {name: count for name, (_, count) in LISTS.items()}
    for name, (field, _) in LISTS.items():
        for entry in lists[name]:
            assert set(entry) == {"id", "field", "value", "was", "seed_line", "reason"}, entry
            assert entry["field"] == field and len(entry["reason"]) > 40, entry["id"]
        assert len({e["id"] for e in lists[name]}) == len(lists[name]), f"{name}: an id twice"


def test_the_list_is_what_the_data_says_and_all_of_it() -> None:
    cat, lists = catalog(), recorded()
    in_data = {
        "retired": {m.id: m.retired.isoformat() for m in milestones() if m.retired},
        "month_only": {m.id: m.due.isoformat() for m in milestones() if is_month(m.due)},
        "estimated_completion": {m.id: True for m in milestones() if m.completed_estimated},
        "month_only_completion": {m.id: m.completed.isoformat() for m in milestones() if is_month(m.completed)},
    }
    for name, values in in_data.items():
        assert {e["id"]: e["value"] for e in lists[name]} == values, name
    assert not any(is_month(m.forecast) or is_month(m.retired) for m in cat.milestones.values())


def test_retired_are_the_ldm564_only_milestones_and_count_at_no_burndown_point() -> None:
    cat, entries = catalog(), recorded()["retired"]
    assert {e["id"] for e in entries} == ldm564_only()
    chart = burndown(cat)
    for entry in entries:
        retired = cat.milestones[entry["id"]].retired
        # the latest day the seeds allow: the status of DMTN-158 (March 2021)
        assert retired == dt.date(2021, 3, 31) and entry["was"] is None, entry["id"]
        for ref in entry["seed_line"].split(", "):
            assert ref.startswith("001_") and seed_line(ref).strip().startswith(f"- {entry['id']}:"), ref
        assert "004_c3c6fc34a66e4899.txt:9" in entry["reason"]
    # the burndown draws the current baseline: DMTN-158's milestones only, at every point
    assert chart.total == dmtn158().summary["total"]
    assert max(chart.baseline[0], chart.forecast[0], chart.achieved[0] or 0) <= dmtn158().summary["total"]


def test_month_only_due_dates_are_milestones_dmtn158_lost_and_cite_their_month() -> None:
    cat, by_month = catalog(), dmtn158().by_month
    for entry in recorded()["month_only"]:
        due, was = cat.milestones[entry["id"]].due, dt.date.fromisoformat(entry["was"])
        assert (was.year, was.month) == (due.year, due.month), entry["id"]
        assert lost(entry["id"]) and entry["id"] not in dmtn158().overdue, "detailed and overdue-list dates are exact"
        assert entry["id"] not in ldm564_dates() or ldm564_dates()[entry["id"]][0] != entry["was"], (
            f"{entry['id']}: LDM-564 gives the day {entry['was']}")
        line = seed_line(entry["seed_line"])
        if entry["id"] in by_month:
            assert re.match(rf"^\s*• {re.escape(entry['id'])}: ", line), entry["id"]
        else:  # in no surviving month list: the heading of the lost month it is put in
            assert line == f"Due in {calendar.month_name[due.month]} {due.year}", entry["id"]


def test_every_exact_day_in_the_data_is_one_a_seed_gives() -> None:
    """Due and completion days: DMTN-158's detailed entry or overdue list, else LDM-564; else estimated."""
    entries, overdue, ldm = dmtn158().entries, dmtn158().overdue, ldm564_dates()
    for m in milestones():
        if not is_month(m.due):
            if not lost(m.id):
                assert m.due.isoformat() == entries[m.id].fields["Due"], m.id
            elif m.id in overdue:
                assert m.due.isoformat() == overdue[m.id], m.id
            else:
                assert m.id in ldm and m.due.isoformat() == ldm[m.id][0], f"{m.id}: due day {m.due} in no seed"
        if m.completed and not m.completed_estimated and lost(m.id):
            assert m.id in ldm and m.completed.isoformat() == ldm[m.id][1], f"{m.id}: completed {m.completed} in no seed"


def test_estimated_completions_are_the_completed_milestones_no_seed_dates() -> None:
    """DMTN-158 counts them completed (due before the status date, not in its complete overdue list)."""
    cat, ldm = catalog(), ldm564_dates()
    entries = recorded()["estimated_completion"]
    undated = {m.id for m in counted(milestones()) if lost(m.id) and m.due < status_date()
               and m.id not in dmtn158().overdue and not (m.id in ldm and ldm[m.id][1])}
    assert {e["id"] for e in entries} == undated
    for entry in entries:
        m = cat.milestones[entry["id"]]
        # the placeholder is the due date, to the day or to the month as the due date is known
        assert m.completed == m.due and is_month(m.completed) == is_month(m.due), m.id
        assert m.comment and "placeholder" in m.comment, m.id
    completed_months = {e["id"]: e for e in recorded()["month_only_completion"]}
    assert set(completed_months) == {e["id"] for e in entries} & {e["id"] for e in recorded()["month_only"]}
    # the five that keep a day keep LDM-564's due day
    exact = {e["id"] for e in entries} - set(completed_months)
    assert {i: cat.milestones[i].due.isoformat() for i in exact} == {i: ldm[i][0] for i in exact}
    assert len(exact) == 5

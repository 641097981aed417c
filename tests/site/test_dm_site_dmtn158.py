"""Acceptance: the built DM site says what DMTN-158 says (issue 19).

The expected figures, lists and months are read from the seed text (``004_*.txt``), never typed in:
the headline summary, the overdue list, the months of "Milestones by due date", and the range and
counts of the burndown (DMTN-158's Figure 1 counts its 379 milestones only).  The releases page
shows a day only where a seed gives it, and the retired LDM-564-only features as retired.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from support import REPO_ROOT
from test_data_inferred_dates import ldm564_dates
from test_data_milestones import MONTHS, catalog, dmtn158, ldm564_only, seed, status_date

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The DM site built as ``make html`` builds it (warnings are errors)."""
    outdir = tmp_path_factory.mktemp("dm-site-dmtn158") / "html"
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-j", "auto",
         "-c", str(REPO_ROOT), str(REPO_ROOT / "content"), str(outdir)],
        capture_output=True, text=True, timeout=900, check=False, cwd=REPO_ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return outdir


def page(outdir: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((outdir / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def text(node: Tag) -> str:
    return " ".join(node.get_text().split())


# -- DMTN-158, read from its text ------------------------------------------------


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    ids: tuple[str, ...]
    lost: bool  # the heading is there, its list is not (neither milestones nor "No milestones due.")

    @property
    def heading(self) -> str:
        return f"Due in {dt.date(self.year, self.month, 1):%B %Y}"


@cache
def seed_overdue() -> dict[str, tuple[str, str]]:
    """DMTN-158 "Currently overdue milestones": id → (name, due)."""
    lines = seed("004").splitlines()
    block = lines[lines.index("Currently overdue milestones"):lines.index("Milestones by due date")]
    found = (re.match(r"^\s*• ([^:]+): (.*) \[Due (\d{4}-\d\d-\d\d)\]$", line) for line in block)
    return {m.group(1): (m.group(2), m.group(3)) for m in found if m}


@cache
def seed_months() -> list[Month]:
    """DMTN-158 "Milestones by due date", newest month first, as the seed lists them."""
    lines = seed("004").splitlines()
    block = lines[lines.index("Milestones by due date") + 1:lines.index("Milestones by WBS")]
    months: list[Month] = []
    heading: tuple[int, int] | None = None
    ids: list[str] = []
    empty = False

    def close() -> None:
        if heading:
            months.append(Month(heading[0], heading[1], tuple(ids), lost=not ids and not empty))

    for line in block:
        if m := re.match(r"^Due in (\w+) (\d{4})$", line):
            close()
            heading, ids, empty = (int(m.group(2)), MONTHS[m.group(1)]), [], False
        elif line.strip() == "• No milestones due.":
            empty = True
        elif m := re.match(r"^\s*• ([^:]+): ", line):
            ids.append(m.group(1))
    close()
    return months


def first_day(month: Month) -> dt.date:
    return dt.date(month.year, month.month, 1)


# -- the tests -------------------------------------------------------------------------


def test_the_seed_is_read_as_issue_19_quotes_it() -> None:
    """The parsers above read the figures the issue quotes (so a broken parser cannot pass the tests below)."""
    figures = dmtn158().summary
    assert [figures[k] for k in ("total", "level1", "level2", "level3", "level4", "no_level", "completed", "late")] == [
        379, 7, 79, 280, 8, 5, 307, 31]
    assert len(seed_overdue()) == figures["late"]
    assert len(seed_months()) == 101 and sum(m.lost for m in seed_months()) == 19


def test_headline_is_dmtn158s(site: Path) -> None:
    summary = text(page(site, "milestones/index").select_one(".dm-summary"))
    found = re.search(
        r"tracking (\d+) milestones: (\d+) at Level 1, (\d+) at Level 2, (\d+) at Level 3, (\d+) at Level 4\. "
        r"(\d+) have no level defined\. Of these, (\d+) have been completed\. "
        r"Of the (\d+) incomplete milestones, (\d+) are late", summary)
    assert found, summary
    shown = dict(zip(("total", "level1", "level2", "level3", "level4", "no_level", "completed", "open", "late"),
                     map(int, found.groups()), strict=True))
    figures = dmtn158().summary
    assert {k: v for k, v in shown.items() if k != "open"} == figures
    assert shown["open"] == figures["total"] - figures["completed"]


def test_overdue_list_is_dmtn158s(site: Path) -> None:
    items = page(site, "milestones/overdue").select("ul.dm-overdue-list > li")
    shown: dict[str, tuple[str, str]] = {}
    for item in items:
        found = re.fullmatch(r"([^:]+): (.*) \[Due (\d{4}-\d\d-\d\d); (\d+) days? late\]", text(item))
        assert found, text(item)
        milestone_id, name, due, late = found.groups()
        shown[milestone_id] = (name, due)
        assert int(late) == (status_date() - dt.date.fromisoformat(due)).days, milestone_id
    assert len(items) == len(shown)
    assert shown == seed_overdue()
    assert not set(shown) & ldm564_only()


def test_by_month_page_has_dmtn158s_months_and_lists(site: Path) -> None:
    """DMTN-158's months, newest first: those with milestones as sections, each run of empty ones as one line."""
    body = page(site, "milestones/by-month")
    sections = body.select("article section section")
    shown = [(text(s.find("h2")).rstrip("#").strip(),
              tuple(text(a) for a in s.select("ul.dm-month-list > li > a.dm-milestone"))) for s in sections]
    months = seed_months()
    listed = [m for m in months if m.ids or m.lost]
    assert [heading for heading, _ in shown] == [m.heading for m in listed]  # Dec 2022 … Aug 2014, none from 2013
    for (heading, ids), month in zip(shown, listed, strict=True):
        if month.lost:  # the seed lost this month's list; the data puts at least one milestone in it
            assert ids, heading
        else:
            assert sorted(ids) == sorted(month.ids), heading
    said_empty = set()
    for line in body.select("p.dm-empty-months"):
        found = re.fullmatch(r"No milestones due (?:in (\w+ \d{4})|from (\w+ \d{4}) to (\w+ \d{4}))\.", text(line))
        assert found, text(line)
        first, last = (found.group(1), found.group(1)) if found.group(1) else (found.group(2), found.group(3))
        day = dt.date(int(first.split()[1]), MONTHS[first.split()[0]], 1)
        end = dt.date(int(last.split()[1]), MONTHS[last.split()[0]], 1)
        while day <= end:
            said_empty.add(f"Due in {day:%B %Y}")
            day = (day + dt.timedelta(days=32)).replace(day=1)
    assert said_empty == {m.heading for m in months if not m.ids and not m.lost}  # DMTN-158's "No milestones due."


def test_burndown_spans_dmtn158s_schedule_and_counts_only_its_milestones(site: Path) -> None:
    table = page(site, "milestones/index").select_one("table.dm-burndown-data")
    rows = [[text(c) for c in row.select("th, td")] for row in table.select("tbody tr")]
    months = seed_months()
    dates = [dt.date.fromisoformat(row[0]) for row in rows]
    last = first_day(months[0])
    assert dates[0] == first_day(months[-1])  # August 2014, DMTN-158's first month (no longer 2013)
    assert dates[-1] == (last + dt.timedelta(days=32)).replace(day=1)  # the month after its last, December 2022
    cat = catalog()
    ours = [cat.milestones[i] for i in dmtn158().ids]  # DMTN-158's milestones: the six retired ones are not among them
    for row, t in zip(rows, dates, strict=True):
        baseline = sum(m.due > t for m in ours)
        achieved = sum(m.completed is None or m.completed > t for m in ours)
        assert int(row[1]) == baseline, t
        assert row[3] == (str(achieved) if t <= status_date() else ""), t
    assert max(int(row[1]) for row in rows) <= dmtn158().summary["total"]


DUE = re.compile(r"Due: ([^;]+); (completed (.+?)( \(estimated\))?|currently incomplete|retired (\S+) \(left the baseline\))$")


def test_releases_page_shows_a_day_only_where_a_seed_gives_one(site: Path) -> None:
    """Each due line: a day DMTN-158 (detailed entry, overdue list) or LDM-564 gives, else DMTN-158's month."""
    releases = page(site, "releases/index")
    lines: list[tuple[str, str]] = []
    for section in releases.select("article section section"):
        test_id = text(section.find("h2")).rstrip("#").strip().rsplit(": ", 1)[1]
        lines.append((test_id, text(section.select_one(".dm-release-due")).rstrip(".")))
        for item in section.select("ul.dm-features > li"):
            lines.append((text(item.find("a")), text(item.find("em"))))
    tests = [i for i, _ in lines if i.startswith("LDM-503-")]
    assert sorted(tests) == sorted(i for i in dmtn158().ids if i.startswith("LDM-503-"))  # DMTN-158's test milestones
    retired = {i for i, line in lines if "retired" in line}
    assert retired == ldm564_only()
    for milestone_id, line in lines:
        found = DUE.fullmatch(line)
        assert found, line
        due, completed, estimated = found.group(1), found.group(3), found.group(4)
        assert due == expected_due(milestone_id), milestone_id
        if completed and not estimated:
            assert completed == expected_completion(milestone_id), milestone_id
        if estimated:  # no seed gives the day: the placeholder is the due date, as the due date is known
            assert completed == due, milestone_id


def expected_due(milestone_id: str) -> str:
    entry, overdue, ldm = dmtn158().entries.get(milestone_id), seed_overdue(), ldm564_dates()
    if entry and entry.fields:
        return entry.fields["Due"]
    if milestone_id in overdue:
        return overdue[milestone_id][1]
    if milestone_id in dmtn158().by_month:
        year, month = dmtn158().by_month[milestone_id]
    else:  # in no surviving month list (sources/milestones.md §2, and the retired): the data's month
        due = catalog().milestones[milestone_id].due
        year, month = due.year, due.month
    if milestone_id in ldm and ldm[milestone_id][0][:7] == f"{year:04d}-{month:02d}":
        return ldm[milestone_id][0]  # LDM-564's day, in DMTN-158's month
    return f"{dt.date(year, month, 1):%B %Y}"


def expected_completion(milestone_id: str) -> str | None:
    entry = dmtn158().entries.get(milestone_id)
    if entry and entry.fields:
        return entry.fields.get("Completed", "").split(" [")[0] or None
    return ldm564_dates()[milestone_id][1]

"""Schedule history on the site: detail blocks, the burndown's earlier forecast, the changes page.

Real git repositories with dated commits; real Sphinx builds; values checked against the commits' YAML.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup, Tag
from support.git import GitSite, milestones_yaml
from support.site import Site

from dmsite.analyses import schedule
from dmsite.render import history as render_history
from dmsite.vcs import history

PLAN_JAN = milestones_yaml(
    ("DM-A", "2021-06-01", None, None), ("DM-B", "2021-07-01", None, None), ("DM-C", "2021-08-01", None, None),
)
PLAN_FEB = milestones_yaml(
    ("DM-A", "2021-06-01", "2021-08-01", None), ("DM-B", "2021-07-01", None, "2021-02-01"),
    ("DM-C", "2021-08-01", None, None), ("DM-D", "2021-09-01", None, None),
)
PLAN_APR = milestones_yaml(
    ("DM-A", "2021-06-01", "2021-09-15", None), ("DM-B", "2021-07-01", None, "2021-02-01"),
    ("DM-D", "2021-09-01", None, None), ("DM-E", "2021-10-01", None, None),
)
PLAN_MAY = PLAN_APR.replace("forecast: 2021-09-15", "forecast: 2021-10-20")
PAGES = {
    "index.md": "# Home\n\n```{toctree}\nwbs\nchanges\nnote-*\n```\n\n:::{dm-burndown}\n:history: 3\n:::\n"
    .replace("```{toctree}", "```{toctree}\n:glob:"),
    **{f"note-{i}.md": f"# Note {i}\n\nWords.\n" for i in range(4)},  # enough pages to be read in parallel
    "wbs.md": "# By WBS\n\n:::{dm-milestones-by-wbs}\n:no-graph:\n:::\n",
    "changes.md": "# Changes\n\n:::{dm-changes}\n:::\n\n:::{dm-slip-history}\n:::\n",
}
PLAN = "data/milestones/plan.yaml"
D = dt.date.fromisoformat


def make_repo(root: Path) -> tuple[GitSite, dict[str, str]]:
    """January plan (tagged v1); February: A re-forecast, B completed, D added; April: A again, C gone, E added."""
    repo = GitSite(root)
    repo.write(".gitignore", "_build/\n.cache/\nconf.py\n")
    for name, text in PAGES.items():
        repo.write(name, text)
    commits = {}
    for key, day, plan in (("jan", "2021-01-05", PLAN_JAN), ("feb", "2021-02-05", PLAN_FEB),
                           ("apr", "2021-04-05", PLAN_APR)):
        repo.write(PLAN, plan)
        commits[key] = repo.commit(f"Status of {day}", day)
        if key == "jan":
            repo.tag("v1")
    return repo, commits


@pytest.fixture
def repo(tmp_path: Path) -> tuple[GitSite, dict[str, str]]:
    return make_repo(tmp_path / "site")


def detail(page: BeautifulSoup, milestone_id: str) -> Tag:
    for block in page.select("div.dm-milestone-detail"):
        if block.select_one(".dm-milestone-id").get_text() == milestone_id:
            return block
    raise AssertionError(f"no detail block for {milestone_id}")


def history_rows(block: Tag) -> list[list[str]]:
    return [[td.get_text() for td in tr.find_all("td")] for tr in block.select("details.dm-schedule-history tbody tr")]


def test_detail_blocks_show_the_recorded_dates(repo: tuple[GitSite, dict[str, str]]) -> None:
    git_site, c = repo
    site = Site(git_site.root, extra_conf='dmsite_repo_url = "https://example.org/p"\n')
    assert site.build() == ""
    page = site.page("wbs")
    a = detail(page, "DM-A")
    assert a.select_one("details.dm-schedule-history summary").get_text() == (
        "Schedule history: Forecast moved 2 times, +106 d since first recorded (2021-06-01 → 2021-09-15).")
    assert history_rows(a) == [
        [c["jan"][:8], "2021-01-05", "2021-06-01", "2021-06-01", "", "added"],
        [c["feb"][:8], "2021-02-05", "2021-06-01", "2021-08-01", "", "re-forecast +61 d"],
        [c["apr"][:8], "2021-04-05", "2021-06-01", "2021-09-15", "", "re-forecast +45 d"],
    ]
    assert a.select_one("a.dm-commit")["href"] == f"https://example.org/p/commit/{c['jan']}"
    b = detail(page, "DM-B")
    assert b.select_one("details.dm-schedule-history summary").get_text() == (
        "Schedule history: Completed 2021-02-01 (recorded 2021-02-05).")
    assert [row[-1] for row in history_rows(b)] == ["added", "completed"]
    for unchanged in ("DM-D", "DM-E"):  # one recorded state: no history block
        assert detail(page, unchanged).select_one("details.dm-schedule-history") is None

    changes = site.page("changes")
    assert changes.select_one(".dm-changes-summary").get_text() == (
        f"Since v1 (commit {c['jan'][:8]} of 2021-01-05): 2 added, 1 removed, 1 completed, 1 re-forecast.")

    def first_column(css: str) -> list[str]:
        return [tr.find("td").get_text() for tr in changes.select(f"table.{css} tbody tr")]

    assert first_column("dm-changes-added") == ["DM-D", "DM-E"]
    assert first_column("dm-changes-removed") == ["DM-C"]
    assert first_column("dm-changes-completed") == ["DM-B"]
    assert [[td.get_text() for td in tr.find_all("td")][2:] for tr in changes.select("table.dm-changes-reforecast tbody tr")] == [
        ["2021-06-01", "2021-09-15", "+106 d"]]
    assert first_column("dm-slip-table") == ["DM-A"]


def open_then(git_site: GitSite, commit: str, today_ids: set[str], dates: list[dt.date]) -> list[int]:
    """Open milestones per date by the forecasts in *commit*'s YAML (parsed here, not by dmsite)."""
    records = yaml.safe_load(git_site.repo.git.show(f"{commit}:{PLAN}"))
    done = [r.get("completed") or r.get("forecast") or r["due"] for r in records if r["id"] in today_ids]
    return [sum(day > t for day in done) for t in dates]


def path_values(d: str, total: int) -> list[int]:
    """Counts from a step path "Mx,yHxVy..." (chart of height 340, plot from y=16 to y=292, top = total)."""
    ys = [float(v) for v in re.findall(r"(?:,|V)(-?[\d.]+)", d)]
    return [round((292 - y) * total / (292 - 16)) for y in ys]


def test_burndown_line_of_three_months_ago_equals_that_commits_data(repo: tuple[GitSite, dict[str, str]]) -> None:
    git_site, c = repo
    site = Site(git_site.root)
    assert site.build() == ""
    page = site.page()
    svg = page.select_one("svg.dm-burndown")
    line = svg.select_one("path.dm-past-forecast")
    assert line.title.get_text() == "Forecast 3 months ago"
    assert "Forecast 3 months ago" in [t.get_text() for t in svg.select("g.dm-legend text")]
    head = [th.get_text() for th in page.select("table.dm-burndown-data thead th")]
    assert head == ["Date", "Baseline", "Forecast", "Achieved", "Forecast 3 months ago"]
    rows = page.select("table.dm-burndown-data tbody tr")
    dates = [dt.date.fromisoformat(tr.th.get_text()) for tr in rows]
    # 3 months before the status date 2021-05-10 is 2021-02-10: the data of the February commit
    expected = open_then(git_site, c["feb"], {"DM-A", "DM-B", "DM-D", "DM-E"}, dates)
    assert [int(tr.find_all("td")[3].get_text()) for tr in rows] == expected
    assert expected[0] == 2 and expected[-1] == 0  # DM-B was done in February; DM-E, added since, is left out
    assert expected != [int(tr.find_all("td")[1].get_text()) for tr in rows]  # not today's forecast
    assert path_values(line["d"], 4) == expected  # 4 milestones in scope: the y axis tops at 4
    caption = page.select_one("figcaption").get_text()
    assert ("Forecast 3 months ago: the forecast as the data stood on 2021-02-10, for the 3 of 4 milestones "
            "in the data then; 1 added since is left out.") in caption
    assert "Forecast 3 months ago" in svg.desc.get_text()


def test_a_new_commit_updates_history_incrementally_like_a_clean_build(
    repo: tuple[GitSite, dict[str, str]],
) -> None:
    git_site, _ = repo
    site = Site(git_site.root)
    assert site.build(parallel=2) == ""  # pages read in parallel keep their history marks
    git_site.write(PLAN, PLAN_MAY)
    assert site.build() == ""  # the data changed but is not committed: the history is not either
    assert len(history_rows(detail(site.page("wbs"), "DM-A"))) == 3
    may = git_site.commit("Status of 2021-05-01", "2021-05-01")
    assert site.build() == ""  # only the commit changed, not the data files
    rows = history_rows(detail(site.page("wbs"), "DM-A"))
    assert rows[-1] == [may[:8], "2021-05-01", "2021-06-01", "2021-10-20", "", "re-forecast +35 d"]
    slip = [td.get_text() for td in site.page("changes").select("table.dm-slip-table tbody tr td")]
    assert slip[2:] == ["2021-06-01", "2021-10-20", "+141 d", "3"]
    incremental = {name: site.html(name) for name in ("index", "wbs", "changes")}
    assert site.build(parallel=2, fresh=True) == ""
    assert {name: site.html(name) for name in incremental} == incremental


def test_without_git_nothing_is_added_and_the_burndown_says_why(site: Site) -> None:
    site.write(PLAN, PLAN_APR)
    for name, text in PAGES.items():
        site.write(name, text)
    assert site.build() == ""
    assert site.page("wbs").select("details.dm-schedule-history") == []
    page = site.page()
    assert page.select("path.dm-past-forecast") == []
    assert len(page.select("table.dm-burndown-data thead th")) == 4
    assert "No forecast from 3 months ago (2021-02-10): the data is not in a git repository." in (
        page.select_one("figcaption").get_text())


def test_no_commit_that_early(repo: tuple[GitSite, dict[str, str]]) -> None:
    git_site, _ = repo
    git_site.write("index.md", PAGES["index.md"].replace(":history: 3", ":history: 6"))
    site = Site(git_site.root)
    assert site.build() == ""
    assert site.page().select("path.dm-past-forecast") == []
    assert "No forecast from 6 months ago (2020-11-10): the data has no commit on or before that day." in (
        site.page().select_one("figcaption").get_text())


def test_months_before_and_slip_summaries() -> None:
    assert schedule.months_before(D("2021-05-31"), 3) == D("2021-02-28")
    assert schedule.months_before(D("2021-01-15"), 1) == D("2020-12-15")
    assert schedule.months_before(D("2024-03-31"), 13) == D("2023-02-28")

    def state(sha: str, day: str, due: str, forecast: str | None = None, completed: str | None = None,
              present: bool = True) -> history.ScheduleState:
        return history.ScheduleState("DM-X", sha, D(day), "X", D(due), forecast and D(forecast),
                                     completed and D(completed), present)

    rebaselined = [state("a", "2021-01-01", "2021-06-01"), state("b", "2021-02-01", "2021-07-01")]
    assert render_history.slip_summary(rebaselined) == (
        "Forecast moved once, +30 d since first recorded (2021-06-01 → 2021-07-01); "
        "baseline moved once (2021-06-01 → 2021-07-01).")
    pulled_in = [state("a", "2021-01-01", "2021-06-01", "2021-08-01"),
                 state("b", "2021-02-01", "2021-06-01", "2021-05-01", "2021-05-01")]
    assert render_history.slip_summary(pulled_in) == (
        "Forecast moved once, -92 d since first recorded (2021-08-01 → 2021-05-01); "
        "completed 2021-05-01 (recorded 2021-02-01).")
    found = history.ScheduleHistory({
        "DM-X": rebaselined,
        "DM-Y": [state("a", "2021-01-01", "2021-06-01"), state("b", "2021-02-01", "2021-06-01", present=False)],
        "DM-Z": [state("a", "2021-01-01", "2021-06-01")],
    })
    assert list(found.moved(["DM-Z", "DM-Y", "DM-X", "DM-NEW"])) == ["DM-X"]  # removal alone is no move

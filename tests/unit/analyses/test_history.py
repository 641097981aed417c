"""Schedule history from real git repositories: values per milestone, changes between versions, the pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support.git import GitSite, milestones_yaml
from support.site import Site

from dmsite.analyses.history import changes
from dmsite.vcs import history

D = dt.date.fromisoformat

OTHER_V1 = milestones_yaml(("DM-E", "2021-10-01", None, None))
OTHER_BAD_RECORD = "- id: DM-E\n  name: Milestone DM-E\n  due: not a date\n"
OTHER_V2 = milestones_yaml(("DM-E", "2021-10-01", "2021-11-01", None))
PLAN_V1 = milestones_yaml(
    ("DM-A", "2021-06-01", None, None), ("DM-B", "2021-07-01", None, None), ("DM-C", "2021-08-01", None, None)
)
PLAN_FEB = milestones_yaml(
    ("DM-A", "2021-06-01", "2021-08-01", None), ("DM-B", "2021-07-01", None, "2021-02-01"),
    ("DM-C", "2021-08-01", None, None), ("DM-D", "2021-09-01", None, None),
).replace("name: Milestone DM-C", "name: Milestone C renamed")
PLAN_V2 = milestones_yaml(
    ("DM-A", "2021-06-01", "2021-09-15", None), ("DM-B", "2021-07-01", None, "2021-02-01"),
    ("DM-D", "2021-09-01", None, None),
)
PAGE = """
# Schedule

:::{dm-changes} v1
:::

:::{dm-slip-history} DM-A
:::

:::{dm-slip-history}
:::
"""


def make_history_repo(root: Path) -> tuple[GitSite, dict[str, str]]:
    """Five commits: a plan (v1), a page edit, re-forecasts, a broken file, a fix (v2)."""
    repo = GitSite(root)
    repo.write(".gitignore", "_build/\n.cache/\n")
    repo.write("index.md", PAGE)
    repo.write("data/milestones/plan.yaml", PLAN_V1)
    repo.write("data/milestones/other.yaml", OTHER_V1)
    c = {"c1": repo.commit("Plan", "2021-01-05")}
    repo.tag("v1")
    repo.write("index.md", PAGE + "\nMore words.\n")
    c["c2"] = repo.commit("Words only", "2021-01-20")
    repo.write("data/milestones/plan.yaml", PLAN_FEB)
    repo.write("data/milestones/other.yaml", OTHER_BAD_RECORD)
    c["c3"] = repo.commit("February status", "2021-02-05")
    repo.write("data/milestones/plan.yaml", PLAN_FEB + "- id: [broken\n")
    c["c4"] = repo.commit("Broken file", "2021-03-05")
    repo.write("data/milestones/plan.yaml", PLAN_V2)
    repo.write("data/milestones/other.yaml", OTHER_V2)
    c["c5"] = repo.commit("April status", "2021-04-05")
    repo.tag("v2")
    return repo, c


@pytest.fixture
def repo(tmp_path: Path) -> tuple[GitSite, dict[str, str]]:
    return make_history_repo(tmp_path / "site")


def values(states: list[history.ScheduleState]) -> list[tuple[str, str, str, str | None, str | None, bool]]:
    def day(d: dt.date | None) -> str | None:
        return d.isoformat() if d else None

    return [(s.commit, s.date.isoformat(), s.due.isoformat(), day(s.forecast), day(s.completed), s.present)
            for s in states]


def test_history_values_per_milestone_equal_the_commits(repo: tuple[GitSite, dict[str, str]]) -> None:
    site, c = repo
    found = history.milestone_history(site.root, site.root / "data")
    assert [sha for sha, _ in found.commits] == [c["c1"], c["c3"], c["c4"], c["c5"]]  # c2 touched no data
    assert sorted(found.milestones) == ["DM-A", "DM-B", "DM-C", "DM-D", "DM-E"]
    assert values(found.of("DM-A")) == [
        (c["c1"], "2021-01-05", "2021-06-01", None, None, True),
        (c["c3"], "2021-02-05", "2021-06-01", "2021-08-01", None, True),
        (c["c5"], "2021-04-05", "2021-06-01", "2021-09-15", None, True),  # the broken c4 changed nothing
    ]
    assert values(found.of("DM-B")) == [
        (c["c1"], "2021-01-05", "2021-07-01", None, None, True),
        (c["c3"], "2021-02-05", "2021-07-01", None, "2021-02-01", True),
    ]
    assert values(found.of("DM-C")) == [  # renamed in c3: not a schedule change
        (c["c1"], "2021-01-05", "2021-08-01", None, None, True),
        (c["c5"], "2021-04-05", "2021-08-01", None, None, False),
    ]
    assert values(found.of("DM-D")) == [(c["c3"], "2021-02-05", "2021-09-01", None, None, True)]
    assert values(found.of("DM-E")) == [  # its invalid record in c3 keeps the earlier state
        (c["c1"], "2021-01-05", "2021-10-01", None, None, True),
        (c["c5"], "2021-04-05", "2021-10-01", "2021-11-01", None, True),
    ]
    assert found.slipped() == ["DM-A", "DM-E"]
    assert [(a.effective_forecast, b.effective_forecast) for a, b in found.reforecasts("DM-A")] == [
        (D("2021-06-01"), D("2021-08-01")), (D("2021-08-01"), D("2021-09-15"))]


def test_history_as_of_a_day_for_the_burndown(repo: tuple[GitSite, dict[str, str]]) -> None:
    site, _ = repo
    found = history.milestone_history(site.root, Path("data"))  # relative to the repository works too
    assert found.as_of(D("2021-01-01")) == {}
    assert found.forecast_dates_as_of(D("2021-02-10")) == {
        "DM-A": D("2021-08-01"), "DM-B": D("2021-02-01"), "DM-C": D("2021-08-01"), "DM-D": D("2021-09-01"),
        "DM-E": D("2021-10-01"),
    }
    assert sorted(found.as_of(D("2021-04-10"))) == ["DM-A", "DM-B", "DM-D", "DM-E"]  # DM-C removed by then
    older = history.milestone_history(site.root, site.root / "data", rev="v1")
    assert sorted(older.milestones) == ["DM-A", "DM-B", "DM-C", "DM-E"]


def test_changes_between_two_versions(repo: tuple[GitSite, dict[str, str]]) -> None:
    site, c = repo
    old, old_commit = history.snapshot_at(site.root, site.root / "data", "v1")
    new, _ = history.snapshot_at(site.root, site.root / "data", "v2")
    assert old_commit.hexsha == c["c1"]
    found = changes(old, new)
    assert [s.milestone for s in found.added] == ["DM-D"]
    assert [s.milestone for s in found.removed] == ["DM-C"]
    assert [(s.milestone, s.completed) for s in found.completed] == [("DM-B", D("2021-02-01"))]
    assert [(a.milestone, a.effective_forecast, b.effective_forecast) for a, b in found.reforecast] == [
        ("DM-A", D("2021-06-01"), D("2021-09-15")), ("DM-E", D("2021-10-01"), D("2021-11-01"))]
    assert history.previous_release(site.root) == "v1"  # HEAD is v2 itself
    with pytest.raises(history.HistoryError, match="'v9' is not a known commit"):
        history.snapshot_at(site.root, site.root / "data", "v9")


def test_changes_and_slip_history_pages(repo: tuple[GitSite, dict[str, str]]) -> None:
    git_site, c = repo
    site = Site(git_site.root, extra_conf='dmsite_repo_url = "https://example.org/p"\n')
    warnings = site.build()
    assert warnings == ""
    page = site.page()
    summary = page.select_one(".dm-changes-summary").get_text()
    assert summary == f"Since v1 (commit {c['c1'][:8]} of 2021-01-05): 1 added, 1 removed, 1 completed, 2 re-forecast."

    def first_column(css: str) -> list[str]:
        return [row.find("td").get_text() for row in page.select(f"table.{css} tbody tr")]

    assert first_column("dm-changes-added") == ["DM-D"]
    assert first_column("dm-changes-removed") == ["DM-C"]
    assert page.select_one("table.dm-changes-removed td code.dm-gone") is not None  # gone: no link
    assert first_column("dm-changes-completed") == ["DM-B"]
    assert [[td.get_text() for td in row.find_all("td")] for row in page.select("table.dm-changes-reforecast tbody tr")] == [
        ["DM-A", "Milestone DM-A", "2021-06-01", "2021-09-15", "+106 d"],
        ["DM-E", "Milestone DM-E", "2021-10-01", "2021-11-01", "+31 d"],
    ]
    slips = [[td.get_text() for td in row.find_all("td")] for row in page.select("table.dm-slip-history tbody tr")]
    assert slips == [
        [c["c1"][:8], "2021-01-05", "2021-06-01", "2021-06-01", "", "added"],
        [c["c3"][:8], "2021-02-05", "2021-06-01", "2021-08-01", "", "re-forecast +61 d"],
        [c["c5"][:8], "2021-04-05", "2021-06-01", "2021-09-15", "", "re-forecast +45 d"],
    ]
    assert page.select_one("table.dm-slip-history a.dm-commit")["href"] == f"https://example.org/p/commit/{c['c1']}"
    assert first_column("dm-slip-table") == ["DM-A", "DM-E"]


def test_a_commit_alone_refreshes_the_history_pages(repo: tuple[GitSite, dict[str, str]]) -> None:
    git_site, _ = repo
    site = Site(git_site.root)
    site.build()
    git_site.write("data/milestones/other.yaml", milestones_yaml(("DM-E", "2021-10-01", "2021-12-01", None)))
    site.build()  # the data changed: built with the edit, history not yet committed
    assert len(site.page().select("table.dm-slip-history tbody tr")) == 3
    newest = git_site.commit("May status", "2021-05-05")
    site.build()  # only the commit changed, not the data files
    rows = site.page().select("table.dm-slip-table tbody tr")
    dm_e = next(r for r in rows if r.find("td").get_text() == "DM-E")
    assert [td.get_text() for td in dm_e.find_all("td")][2:] == ["2021-10-01", "2021-12-01", "+61 d", "2"]
    assert newest


def test_without_git_the_pages_say_so(site: Site) -> None:
    site.write("data/milestones/plan.yaml", PLAN_V1)
    site.write("index.md", "# Home\n\n:::{dm-changes}\n:::\n\n:::{dm-slip-history}\n:::\n")
    assert site.build() == ""
    text = site.page().get_text()
    assert "No earlier version to compare with." in text
    assert "No history: the data is not in a git repository." in text


def test_unknown_refs_and_milestones_warn_where_written(repo: tuple[GitSite, dict[str, str]]) -> None:
    git_site, _ = repo
    git_site.write("index.md", "# Home\n\n:::{dm-changes} v9\n:::\n\n:::{dm-slip-history} DM-NOPE\n:::\n")
    warnings = Site(git_site.root).build()
    assert "index.md:3: WARNING: dm-changes: 'v9' is not a known commit, branch or tag" in warnings
    assert "index.md:6: WARNING: dm-slip-history: unknown milestone 'DM-NOPE'" in warnings

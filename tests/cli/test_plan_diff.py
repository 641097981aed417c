"""``dmsite diff``: what a change does to the plan, from real git repositories made in a temp dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import cmarkgfm
import pytest
from bs4 import BeautifulSoup, Comment
from cmarkgfm.cmark import Options
from support.git import GitSite

from dmsite.cli import main
from dmsite.render.plan_diff import md

BASE = {
    "data/institutions/i.yaml": """
        - id: UW
          name: University of Washington
        """,
    "data/people/p.yaml": """
        - id: ann
          name: Ann Author
          institution: UW
        - id: bob
          name: Bob Builder
        - id: cat
          name: Cat Checker
        """,
    "data/roles/r.yaml": """
        - id: dmpm
          title: DM Project Manager
          holders: [ann]
        """,
    "data/wbs/w.yaml": """
        - code: 1.02C.03
          name: Alert Production
        - code: 1.02C.04
          name: Data Release Production
        """,
    "data/documents/d.yaml": """
        - handle: LDM-151
          title: Science Pipelines Design
          status: draft
        """,
    "data/requirements/q.yaml": """
        - id: DMS-REQ-0001
          title: Process alerts
        - id: DMS-REQ-0002
          title: Store alerts
          traces: [DMS-REQ-0001]
        """,
    "data/products/p.yaml": """
        - id: science-pipelines
          name: Science Pipelines
          owner: ann
          manager: bob
        - id: alert-production
          name: Alert Production
          parent: science-pipelines
          packages: [ap_pipe]
        - id: data-release
          name: Data Release
        """,
    "data/milestones/m.yaml": """
        - id: DM-A
          name: Alert pipeline ready
          wbs: 02C.03
          level: 2
          due: 2021-04-01
        - id: DM-B
          name: Alert database ready
          wbs: 02C.03
          level: 3
          due: 2021-06-01
        - id: DM-C
          name: Old milestone
          due: 2021-07-01
        - id: DM-D
          name: Templates built
          due: 2021-03-01
        - id: DM-E
          name: Calibration done
          level: 3
          due: 2021-08-01
        - id: DM-OLD
          name: Former id
          due: 2021-09-01
        - id: LDM-503-10
          name: Release test 10
          due: 2021-05-20
          predecessors: [DM-A]
        - id: LDM-503-11
          name: Release test 11
          due: 2021-08-15
        - id: LDM-503-09
          name: Release test 9, done early
          due: 2021-08-20
          completed: 2021-05-01
        """,
}

HEAD = {
    **BASE,
    "data/people/p.yaml": """
        - id: ann
          name: Ann Author-Smith
          institution: UW
        - id: bob
          name: Bob Builder
        - id: cat
          name: Cat Checker
        - id: dan
          name: Dan Developer
        """,
    "data/roles/r.yaml": """
        - id: dmpm
          title: DM Project Manager
          holders: [ann, cat]
        """,
    "data/documents/d.yaml": """
        - handle: LDM-151
          title: Science Pipelines Design
          status: released
        - handle: LDM-148
          title: Data Management System Design
        """,
    "data/requirements/q.yaml": """
        - id: DMS-REQ-0002
          title: Store alerts
        """,
    "data/products/p.yaml": """
        - id: science-pipelines
          name: Science Pipelines
          owner: cat
          manager: bob
        - id: alert-production
          name: Alert Production
          parent: data-release
          packages: [ap_pipe, ap_association]
        - id: data-release
          name: Data Release
        """,
    "data/milestones/m.yaml": """
        - id: DM-A
          name: Alert pipeline ready
          wbs: 02C.03
          level: 2
          due: 2021-04-01
          forecast: 2021-06-15
        - id: DM-B
          name: Alert database ready
          wbs: 02C.04
          level: 2
          due: 2021-06-01
          predecessors: [DM-A]
        - id: DM-D
          name: Templates built
          due: 2021-03-01
          completed: 2021-03-11
        - id: DM-E
          name: Calibration done
          level: 3
          due: 2021-09-01
          comment: moved by the calibration review
        - id: DM-NEW
          name: Renamed milestone
          due: 2021-09-01
          aka: [DM-OLD]
        - id: DM-F
          name: A new milestone
          due: 2021-10-01
          forecast: 2021-11-01
        - id: LDM-503-10
          name: Release test 10
          due: 2021-05-20
          predecessors: [DM-A]
        - id: LDM-503-11
          name: Release test 11
          due: 2021-08-15
        - id: LDM-503-09
          name: Release test 9, done early
          due: 2021-08-20
          completed: 2021-05-02
        """,
}


def write_all(site: GitSite, files: dict[str, str]) -> None:
    for path in list((site.root / "data").rglob("*.yaml")) if (site.root / "data").exists() else []:
        path.unlink()
    for rel, text in files.items():
        site.write(rel, text)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitSite:
    site = GitSite(tmp_path / "plan")
    write_all(site, BASE)
    site.commit("Plan", "2021-05-01")
    site.tag("v1")
    write_all(site, HEAD)
    site.commit("May status", "2021-05-10")
    site.tag("v2")
    monkeypatch.chdir(site.root)
    return site


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["diff", *argv, "--data", "data"])
    out, err = capsys.readouterr()
    return code, out, err


def diff_json(capsys: pytest.CaptureFixture[str], *refs: str) -> dict[str, Any]:
    code, out, err = run(capsys, *refs, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert isinstance(data, dict)
    return data


def keys(items: list[dict[str, Any]]) -> list[str]:
    return [i["key"] for i in items]


def fields(data: dict[str, Any], table: str) -> dict[str, dict[str, Any]]:
    """record id → field name → change, of the changed records of *table*."""
    return {c["key"]: {f["field"]: f for f in c["fields"]} for c in data["kinds"][table]["changed"]}


def test_every_kind_of_milestone_change(repo: GitSite, capsys: pytest.CaptureFixture[str]) -> None:
    data = diff_json(capsys, "v1", "v2")
    assert data["empty"] is False and data["status_date"] == "2021-05-10"
    ms = data["kinds"]["milestones"]
    assert keys(ms["added"]) == ["DM-F"] and ms["added"][0]["record"]["forecast"] == "2021-11-01"
    assert keys(ms["removed"]) == ["DM-C"]
    renamed = [c for c in ms["changed"] if c["old_key"]]
    assert [(c["key"], c["old_key"], c["fields"]) for c in renamed] == [("DM-NEW", "DM-OLD", [
        {"field": "id", "old": "DM-OLD", "new": "DM-NEW"},
        {"field": "name", "old": "Former id", "new": "Renamed milestone"},
        {"field": "aka", "old": [], "new": ["DM-OLD"], "added": ["DM-OLD"], "removed": []},
    ])]
    schedule = data["schedule"]
    assert [(c["key"], c["date"], c["forecast"], c["days"]) for c in schedule["closed"]["completed"]] == [
        ("DM-D", "2021-03-11", "2021-03-01", 10)]
    by_id = {r["key"]: r for r in schedule["reforecast"]}
    assert by_id["DM-A"] == {
        "key": "DM-A", "label": "Alert pipeline ready", "old": "2021-04-01", "new": "2021-06-15",
        "crosses_status_date": True, "releases": ["LDM-503-10"], "feeds": ["LDM-503-10"], "days": 75,
    }
    assert [(r["key"], r["old"], r["new"], r["days"]) for r in schedule["rebaselined"]] == [
        ("DM-E", "2021-08-01", "2021-09-01", 31)]
    edits = fields(data, "milestones")
    assert edits["DM-B"]["level"] == {"field": "level", "old": 3, "new": 2}
    assert edits["DM-B"]["wbs"] == {"field": "wbs", "old": "02C.03", "new": "02C.04"}
    assert edits["DM-B"]["predecessors"]["added"] == ["DM-A"]
    assert edits["DM-E"]["comment"]["new"] == "moved by the calibration review"
    assert data["counts"] == {"completed": [1, 2], "overdue": [2, 1], "open": [6, 6], "total": [9, 9]}


def test_reforecast_of_a_milestone_without_forecast_is_its_due_date(
    repo: GitSite, capsys: pytest.CaptureFixture[str]
) -> None:
    by_id = {r["key"]: r for r in diff_json(capsys, "v1", "v2")["schedule"]["reforecast"]}
    assert sorted(by_id) == ["DM-A", "DM-E"]
    assert by_id["DM-E"]["days"] == 31 and by_id["DM-E"]["crosses_status_date"] is False
    assert by_id["DM-E"]["releases"] == ["LDM-503-11"]  # not LDM-503-09 in between: it is done
    assert by_id["DM-E"]["feeds"] == []


def test_products_roles_people_documents_requirements(repo: GitSite, capsys: pytest.CaptureFixture[str]) -> None:
    data = diff_json(capsys, "v1", "v2")
    roles = [(r["key"], r["role"], r["old"], r["new"], r["old_inherited"], r["new_inherited"])
             for r in data["product_roles"]]
    assert roles == [
        ("alert-production", "owner", "ann", None, True, False),  # moved under a parent without an owner
        ("alert-production", "manager", "bob", None, True, False),
        ("science-pipelines", "owner", "ann", "cat", False, False),
    ]
    products = fields(data, "products")
    assert sorted(products) == ["alert-production"]  # science-pipelines' owner is shown as a role change
    assert products["alert-production"]["parent"] == {"field": "parent", "old": "science-pipelines",
                                                      "new": "data-release"}
    assert products["alert-production"]["packages"]["added"] == ["ap_association"]
    assert fields(data, "roles")["dmpm"]["holders"]["added"] == ["cat"]
    assert keys(data["kinds"]["people"]["added"]) == ["dan"]
    assert fields(data, "people")["ann"]["name"]["new"] == "Ann Author-Smith"
    assert keys(data["kinds"]["documents"]["added"]) == ["LDM-148"]
    assert fields(data, "documents")["LDM-151"]["status"] == {"field": "status", "old": "draft", "new": "released"}
    assert keys(data["kinds"]["requirements"]["removed"]) == ["DMS-REQ-0001"]
    assert fields(data, "requirements")["DMS-REQ-0002"]["traces"]["removed"] == ["DMS-REQ-0001"]
    assert data["kinds"]["wbs"]["changed"] == [] and data["kinds"]["institutions"]["added"] == []


def test_text_output_names_each_change(repo: GitSite, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "v1", "v2")
    assert code == 0
    assert out.startswith("Plan changes from v1 (") and "to v2 (" in out
    lines = [line.strip() for line in out.splitlines()]
    assert ("DM-A  Alert pipeline ready  2021-04-01 → 2021-06-15 (+75 days)  "
            "now after the status date 2021-05-10; now after LDM-503-10, which it is a feature of") in lines
    assert "DM-D  Templates built  2021-03-11  +10 days (2021-03-01)" in lines
    assert "DM-B  Alert database ready  02C.03 → 02C.04" in lines
    assert "LDM-503-09  Release test 9, done early  completed  2021-05-01 → 2021-05-02" in lines  # an edit
    assert not [line for line in lines if line.startswith("DM-A ") and "forecast  " in line]  # shown as re-forecast
    assert "DM-E  Calibration done  2021-08-01 → 2021-09-01 (+31 days)  crosses release LDM-503-11" in lines
    assert "science-pipelines  Science Pipelines  owner  ann → cat" in lines
    assert "alert-production  Alert Production  owner  ann (inherited) → none" in lines
    assert "Milestones: 9 → 9 (completed 1 → 2, overdue 2 → 1, open 6 → 6)" in lines


def test_the_work_tree_is_the_default_head(repo: GitSite, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "v2")
    assert (code, out) == (0, "No change to the plan from v2 (" + repo.repo.head.commit.hexsha[:8] + ") to work tree.\n")
    text = (repo.root / "data/milestones/m.yaml").read_text().replace("forecast: 2021-11-01", "forecast: 2021-12-01")
    (repo.root / "data/milestones/m.yaml").write_text(text)
    data = diff_json(capsys, "v2")
    assert data["head"] == "work tree"
    assert [(r["key"], r["days"]) for r in data["schedule"]["reforecast"]] == [("DM-F", 30)]


def test_the_status_date_is_the_sites_as_the_build_reads_it(repo: GitSite, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    (repo.root / "conf.py").write_text('extensions = ["dmsite.sphinxext"]\ndmsite_data_dir = "data"\n'
                                       'dmsite_status_date = "2021-08-15"\n')
    (repo.root / "index.md").write_text("# Plan\n")
    assert diff_json(capsys, "v1", "v2")["status_date"] == "2021-08-15"  # conf.py's, not a commit's date
    monkeypatch.setenv("DMSITE_STATUS_DATE", "2021-09-01")
    assert diff_json(capsys, "v1", "v2")["status_date"] == "2021-09-01"  # the environment's, as for sphinx-build
    assert diff_json(capsys, "v1", "v2", "--status-date", "2021-06-01")["status_date"] == "2021-06-01"


def test_a_renamed_data_file_is_no_change(repo: GitSite, capsys: pytest.CaptureFixture[str]) -> None:
    repo.repo.git.mv("data/milestones/m.yaml", "data/milestones/02C.03.yaml")
    repo.repo.git.mv("data/people/p.yaml", "data/people.yaml")  # a file at the top, named after its kind
    repo.commit("Rename files", "2021-05-12")
    assert run(capsys, "v2", "HEAD")[:2] == (0, f"No change to the plan from v2 ({repo.repo.commit('v2').hexsha[:8]}) "
                                               "to HEAD (" + repo.repo.head.commit.hexsha[:8] + ").\n")
    data = diff_json(capsys, "v2", "HEAD")
    assert data["empty"] is True


def test_records_moved_between_files_are_no_change(repo: GitSite, capsys: pytest.CaptureFixture[str]) -> None:
    text = (repo.root / "data/milestones/m.yaml").read_text()
    head, _, tail = text.partition("- id: DM-D")
    repo.write("data/milestones/m.yaml", head)
    repo.write("data/milestones/later.yaml", "- id: DM-D" + tail)
    assert diff_json(capsys, "v2")["empty"] is True


def test_a_data_error_on_one_side_is_reported_located(repo: GitSite, capsys: pytest.CaptureFixture[str]) -> None:
    path = repo.root / "data/milestones/m.yaml"
    path.write_text(path.read_text().replace("due: 2021-10-01", "due: 2021-13-01").replace(
        "predecessors: [DM-A]\n- id: DM-D", "predecessors: [DM-Q]\n- id: DM-D"))
    repo.commit("Broken", "2021-05-20")
    code, out, err = run(capsys, "v2", "HEAD")
    assert code == 1 and "Traceback" not in out + err
    head = f"HEAD ({repo.repo.head.commit.hexsha[:8]})"
    assert out.splitlines() == [
        f"{head}: data/milestones/m.yaml:12:3: DM-B: predecessors 'DM-Q' is not a known milestone (did you mean 'DM-E'?)",
        f"{head}: data/milestones/m.yaml:28:3: DM-F: due: '2021-13-01' is not a real date (month must be in 1..12)",
    ]
    assert "FAILED: 2 data errors" in err
    code, out, _ = run(capsys, "HEAD", "v2", "--format", "json")  # the broken side as the base
    assert code == 1 and json.loads(out)["errors"][0]["side"] == head
    code, out, _ = run(capsys, "HEAD", "--format", "markdown")
    assert code == 1 and "could not be compared" in out and "data/milestones/m.yaml:28:3" in out.replace("\\", "")


def test_unknown_ref_and_folder_outside_git(repo: GitSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "v9")
    assert (code, err) == (2, "error: 'v9' is not a known commit, branch or tag\n")
    (tmp_path / "loose" / "data").mkdir(parents=True)
    os.chdir(tmp_path / "loose")
    code, _, err = run(capsys, "main")
    assert code == 2 and "is not inside a git repository" in err


def test_base_without_the_data_folder_adds_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    site = GitSite(tmp_path / "new")
    site.write("README.md", "A plan to come.\n")
    site.commit("Start", "2021-01-01")
    write_all(site, BASE)
    monkeypatch.chdir(site.root)
    data = diff_json(capsys, "main")
    assert keys(data["kinds"]["milestones"]["added"]) == [
        "DM-A", "DM-B", "DM-C", "DM-D", "DM-E", "DM-OLD", "LDM-503-09", "LDM-503-10", "LDM-503-11"]


def test_console_script_as_a_process(repo: GitSite) -> None:
    done = subprocess.run([str(Path(sys.executable).parent / "dmsite"), "diff", "v1", "v2", "--data", "data",
                           "--format", "markdown"], cwd=repo.root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("### What this change does to the plan (v1")


# ---------------------------------------------------------------- the PR comment: GitHub's Markdown


def github_html(markdown: str) -> BeautifulSoup:
    """The comment as GitHub's cmark-gfm renders it, raw HTML allowed (GitHub then sanitises: we need not rely on it)."""
    options = Options.CMARK_OPT_UNSAFE
    return BeautifulSoup(cmarkgfm.github_flavored_markdown_to_html(markdown, options=options), "html.parser")


def test_markdown_is_tables_under_headings(repo: GitSite, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "v1", "v2", "--format", "markdown")
    assert code == 0
    page = github_html(out)
    assert page.h3 is not None and page.h3.get_text().startswith("What this change does to the plan (v1 (")
    assert [h.get_text() for h in page.find_all("h4")] == [
        "Milestones: 9 → 9", "Products: 3 → 3", "Documents: 1 → 2", "People: 3 → 4", "Roles: 1 → 1",
        "Requirements: 2 → 1"]
    rows = {tuple(td.get_text() for td in tr.find_all("td")) for tr in page.find_all("tr")}
    assert ("DM-A", "Alert pipeline ready", "2021-04-01 → 2021-06-15 (+75 days)",
            "⚠️ now after the status date 2021-05-10; now after LDM-503-10, which it is a feature of") in rows
    assert ("dmpm", "DM Project Manager", "holders", "+cat") in rows


HOSTILE_NAMES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "**bold** _em_ `code` ~~strike~~",
    "[click](javascript:alert(1)) and ![i](http://x/y.png)",
    "cell | break | table",
    "ping @octocat and team @org/team, see #1 and GH-2",
    "<!-- hide the rest",
    "line\tbreak\t# Heading\t- item",  # names are one line (a line break is refused), tabs are white space
    "https://evil.example/phish and www.evil.example",
    "&lt;entity&gt; &amp; \\*escaped\\*",
    "<details open><summary>x</summary>",
    "dmsite-ref:milestone:X",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_markdown_escapes_data_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str], name: str) -> None:
    site = GitSite(tmp_path / "hostile")
    site.write("data/milestones/m.yaml", "- id: DM-A\n  name: Safe\n  due: 2021-06-01\n")
    site.commit("Plan", "2021-05-01")
    quoted = json.dumps(name)  # a JSON string is a YAML string
    site.write("data/milestones/m.yaml", f"- id: DM-A\n  name: {quoted}\n  due: 2021-06-01\n"
                                         f"- id: DM-B\n  name: {quoted}\n  due: 2021-07-01\n")
    monkeypatch.chdir(site.root)
    code, out, err = run(capsys, "main", "--format", "markdown")
    assert code == 0, err
    page = github_html(out)
    allowed = {"h3", "h4", "p", "strong", "table", "thead", "tbody", "tr", "th", "td"}
    assert {tag.name for tag in page.find_all(True)} <= allowed
    assert page.find_all(string=lambda s: isinstance(s, Comment)) == []  # nothing hidden from the reader
    expected = " ".join(name.split())  # one line: runs of white space become one space
    cells = [td.get_text().replace("\u2060", "") for td in page.find_all("td")]
    assert cells.count(expected) == 2  # DM-A's new name (changed) and DM-B (added): shown literally
    assert "@octocat" not in page.get_text() and "#1" not in page.get_text()  # no mention, no issue link


def test_md_escapes_every_punctuation_and_keeps_letters() -> None:
    assert md("DM-AP-10 (v2.0)") == "DM\\-AP\\-10 \\(v2\\.0\\)"
    assert md("a\tb\nc") == "a b c"
    assert md("@me") == "\\@\u2060me"


def test_markdown_fits_a_comment(repo: GitSite, capsys: pytest.CaptureFixture[str]) -> None:
    code, full, _ = run(capsys, "v1", "v2", "--format", "markdown")
    code, short, _ = run(capsys, "v1", "v2", "--format", "markdown", "--max-chars", "2500")
    assert code == 0 and len(short) <= 2500 < len(full)
    assert short.rstrip().endswith("`dmsite diff --format text` shows every change._")
    assert "#### Milestones" in short and "#### Requirements" not in short
    code, rows, _ = run(capsys, "v1", "v2", "--format", "markdown", "--max-rows", "1")
    assert "… and 1 more (`dmsite diff --format text` lists all)." in rows  # two re-forecasts, one shown

"""`dmsite publish` on real git repositories: one folder per version, switcher, redirect, skips, failures."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import git
import pytest
from bs4 import BeautifulSoup
from support.browser import serve
from support.git import SITE_CONF, GitSite, milestones_yaml

from dmsite import __version__, cli
from dmsite.vcs.publish import STAMP, PublishOptions, PublishResult, publish, read_stamp, write_root_files

pytestmark = pytest.mark.xdist_group("publish")

V1_DATA = milestones_yaml(("DM-A", "2021-06-01", None, None), ("DM-B", "2021-07-01", None, None))
V2_DATA = milestones_yaml(
    ("DM-A", "2021-06-01", "2021-08-01", None), ("DM-B", "2021-07-01", None, "2021-02-01"),
    ("DM-C", "2021-09-01", None, None),
)
MAIN_DATA = milestones_yaml(
    ("DM-A", "2021-06-01", "2021-09-15", None), ("DM-B", "2021-07-01", None, "2021-02-01"),
    ("DM-D", "2021-12-01", None, None),
)


@dataclass
class Published:
    site: GitSite
    site_dir: Path
    result: PublishResult
    commits: dict[str, str]  # version → sha


def make_repo(root: Path) -> tuple[GitSite, dict[str, str]]:
    """v1 (lightweight tag), v2 (annotated, adds a page), main one commit later, a tag that is no release."""
    site = GitSite(root)
    site.scaffold()
    site.write("content/data/milestones/dm.yaml", V1_DATA)
    commits = {"v1": site.commit("First plan", "2021-01-05")}
    site.tag("v1")
    site.write("content/data/milestones/dm.yaml", V2_DATA)
    site.write("content/new.md", "# New page\n\nOnly in later versions.\n")
    site.write("content/index.md", site.root.joinpath("content/index.md").read_text() + "new\n")
    commits["v2"] = site.commit("Second plan", "2021-02-05")
    site.tag("v2", annotated=True)
    site.tag("draft-not-a-release")
    site.write("content/data/milestones/dm.yaml", MAIN_DATA)
    commits["latest"] = site.commit("Third plan", "2021-03-05")
    return site, commits


def options(site: GitSite, site_dir: Path, **kwargs: object) -> PublishOptions:
    return PublishOptions(repo_dir=site.root, site_dir=site_dir, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    root = tmp_path_factory.mktemp("publish")
    site, commits = make_repo(root / "repo")
    site_dir = root / "site"
    result = publish(options(site, site_dir))
    assert result.ok, result.failed
    return Published(site, site_dir, result, commits)


def copy_of(published: Published, tmp_path: Path) -> tuple[GitSite, Path]:
    """A clone of the repository and a copy of the published site, to change freely."""
    git.Repo.clone_from(published.site.root, tmp_path / "repo")
    site = GitSite(tmp_path / "repo")
    site_dir = tmp_path / "site"
    shutil.copytree(published.site_dir, site_dir, symlinks=True)
    return site, site_dir


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_one_folder_per_version_with_switcher_versions_and_redirect(published: Published) -> None:
    site_dir = published.site_dir
    folders = sorted(p.name for p in site_dir.iterdir() if p.is_dir())
    assert folders == ["latest", "v1", "v2"]
    assert [v.version for v in published.result.built] == ["latest", "v1", "v2"]
    assert published.result.ignored == []  # draft-not-a-release does not match v* or YYYY-MM

    switcher = json.loads((site_dir / "switcher.json").read_text())
    assert switcher == [
        {"name": "latest (main)", "version": "latest", "url": "/latest/"},
        {"name": "v2", "version": "v2", "url": "/v2/", "preferred": True},
        {"name": "v1", "version": "v1", "url": "/v1/"},
    ]
    listing = json.loads((site_dir / "versions.json").read_text())
    assert [(v["version"], v["commit"], v["preferred"]) for v in listing] == [
        ("latest", published.commits["latest"], False),
        ("v2", published.commits["v2"], True),
        ("v1", published.commits["v1"], False),
    ]
    assert [v["date"] for v in listing] == ["2021-03-05", "2021-02-05", "2021-01-05"]

    redirect = soup(site_dir / "index.html")
    assert redirect.select_one('meta[http-equiv="refresh"]')["content"] == "0; url=v2/"
    assert redirect.select_one("a")["href"] == "v2/"
    assert (site_dir / ".nojekyll").exists()
    # nothing left beside the site, and every temporary worktree is gone
    assert sorted(p.name for p in site_dir.parent.iterdir() if p.name.startswith(".site.")) == [".site.lock"]
    assert len(published.site.repo.git.worktree("list").splitlines()) == 1


def test_each_version_shows_its_own_pages_data_and_provenance(published: Published) -> None:
    site_dir = published.site_dir
    assert (site_dir / "v2" / "new.html").exists() and (site_dir / "latest" / "new.html").exists()
    assert not (site_dir / "v1" / "new.html").exists()
    for version, day in (("v1", "2021-01-05"), ("v2", "2021-02-05"), ("latest", "2021-03-05")):
        page = soup(site_dir / version / "about.html")
        footer = page.select_one(".dmsite-provenance")
        assert footer is not None, version
        sha = published.commits[version]
        commit_link = footer.select_one("a")
        assert commit_link.get_text() == sha[:8]
        assert commit_link["href"] == f"https://example.org/project/commit/{sha}"
        text = " ".join(footer.get_text().split())
        assert f"{sha[:8]} of {day}" in text
        assert "status date 2021-05-10" in text
        assert f"built with dmsite {__version__}" in text
        assert f"theme_switcher_version_match = '{version}'" in (site_dir / version / "about.html").read_text()
        assert page.select_one(".version-switcher__button") is not None
        assert read_stamp(site_dir / version).commit == sha  # type: ignore[union-attr]
    changes = soup(site_dir / "latest" / "changes.html").select_one(".dm-changes")
    assert changes is not None
    assert "Since v2 (commit" in changes.get_text()
    assert [a.get_text() for a in changes.select("table.dm-changes-added .dm-ref")] == ["DM-D"]


def test_second_run_builds_nothing(published: Published, tmp_path: Path) -> None:
    site, site_dir = copy_of(published, tmp_path)
    before = {p: p.stat().st_mtime_ns for p in site_dir.glob("*/index.html")}
    result = publish(options(site, site_dir))
    assert result.built == [] and result.failed == []
    assert sorted(v.version for v in result.skipped) == ["latest", "v1", "v2"]
    assert {p: p.stat().st_mtime_ns for p in site_dir.glob("*/index.html")} == before


def test_failing_ref_leaves_the_previous_site_intact(
    published: Published, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, site_dir = copy_of(published, tmp_path)
    site.write("content/data/milestones/dm.yaml", MAIN_DATA + "- id: DM-E\n  name: [unclosed\n")
    site.commit("Broken data", "2021-04-05")
    site.tag("v3")
    latest_page = (site_dir / "latest" / "about.html").read_text()
    switcher = (site_dir / "switcher.json").read_text()

    code = cli.main(["publish", str(site_dir), "--repo", str(site.root), "-j", "1"])
    _, err = capsys.readouterr()
    assert code == 1
    assert "FAILED latest" in err and "FAILED v3" in err
    assert "content/data/milestones/dm.yaml:14:1: -: YAML syntax error" in err  # located, as the editor sees it
    assert sorted(p.name for p in site_dir.iterdir() if p.is_dir()) == ["latest", "v1", "v2"]
    assert (site_dir / "latest" / "about.html").read_text() == latest_page
    assert read_stamp(site_dir / "latest").commit == published.commits["latest"]  # type: ignore[union-attr]
    assert (site_dir / "switcher.json").read_text() == switcher
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")) == [".site.lock"]

    site.write("content/data/milestones/dm.yaml", MAIN_DATA)
    fixed = site.commit("Fixed data", "2021-04-06")
    result = publish(options(site, site_dir, jobs="1"))
    assert [v.version for v in result.built] == ["latest"]  # the branch moved: rebuilt
    assert [v.version for v, _ in result.failed] == ["v3"]  # the tag still names the broken commit
    assert read_stamp(site_dir / "latest").commit == fixed  # type: ignore[union-attr]
    assert "of 2021-04-06" in soup(site_dir / "latest" / "about.html").select_one(".dmsite-provenance").get_text()

    code = cli.main(["publish", str(site_dir), "--repo", str(site.root), "--no-branch", "--tags", "v1", "--force"])
    assert code == 0
    assert "1 built, 0 up to date, 0 failed" in capsys.readouterr().out


def test_interrupted_publish_is_repaired_and_versions_sort_naturally(published: Published, tmp_path: Path) -> None:
    site, site_dir = copy_of(published, tmp_path)
    # killed between swapping out the old v1 and moving the new one in, with a half-built folder around
    (site_dir / "v1").rename(tmp_path / ".site.previous-v1")
    (tmp_path / ".site.building-v2-x1y2").mkdir()
    (tmp_path / ".site.building-v2-x1y2" / "index.html").write_text("half")
    for name in ("v10", "v9"):
        shutil.copytree(site_dir / "v1" if (site_dir / "v1").exists() else tmp_path / ".site.previous-v1",
                        site_dir / name)
        stamp = json.loads((site_dir / name / STAMP).read_text())
        (site_dir / name / STAMP).write_text(json.dumps({**stamp, "version": name, "ref": name}))
    result = publish(options(site, site_dir, branch=None, tag_patterns=["no-such-tag-*"]))
    assert result.built == [] and result.failed == []
    assert (site_dir / "v1" / "index.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")) == [".site.lock"]
    assert [v.version for v in result.published] == ["latest", "v10", "v9", "v2", "v1"]
    assert result.preferred == "v10"
    assert "url=v10/" in (site_dir / "index.html").read_text()


def test_root_files_with_a_base_url_and_only_the_branch(tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    (site_dir / "latest").mkdir(parents=True)
    stamp = {"version": "latest", "ref": "main", "kind": "branch", "commit": "a" * 40, "date": "2021-01-01"}
    (site_dir / "latest" / STAMP).write_text(json.dumps(stamp))
    (site_dir / "stray").mkdir()  # not a version: no stamp
    versions, preferred = write_root_files(site_dir, "https://example.org/dmsite")
    assert [v.version for v in versions] == ["latest"] and preferred is not None
    assert json.loads((site_dir / "switcher.json").read_text()) == [
        {"name": "latest (main)", "version": "latest", "url": "https://example.org/dmsite/latest/", "preferred": True}
    ]
    assert "url=latest/" in (site_dir / "index.html").read_text()


def test_publish_outside_a_repository_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["publish", str(tmp_path / "site"), "--repo", str(tmp_path)]) == 2
    assert "is not inside a git repository" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


@pytest.mark.browser
def test_switcher_lists_versions_and_keeps_the_page(published: Published, browser_page) -> None:
    page = browser_page.page
    with serve(published.site_dir) as url:
        page.goto(url)
        page.wait_for_url(f"{url}v2/")  # the root redirects to the newest release
        page.goto(f"{url}v2/about.html")
        button = page.locator(".version-switcher__button").first
        page.wait_for_function("document.querySelectorAll('.version-switcher__menu a').length >= 3")
        page.wait_for_selector(".version-switcher__button .dm-newest-badge", state="attached")
        assert button.inner_text().split() == ["v2", "newest"]  # a short name and its badge
        menu = page.locator(".version-switcher__menu").first
        assert [a.strip() for a in menu.locator("a").all_inner_texts()] == [
            "latest (main)", "v2 newest", "v1"]
        button.click()
        shown = menu.bounding_box()
        assert shown["x"] >= 0 and shown["x"] + shown["width"] <= page.viewport_size["width"]  # inside the window
        assert page.locator(".bd-header").bounding_box()["height"] < 90  # the header stays on one row
        menu.get_by_text("v1", exact=True).click()
        page.wait_for_url(f"{url}v1/about.html")
        assert page.locator("h1").first.inner_text().startswith("About")
        # an older version says so, and links to the same page in the newest one
        to_newest = page.locator("#bd-header-version-warning a.pst-button-link-to-stable-version")
        to_newest.wait_for()
        assert "v1" in page.locator("#bd-header-version-warning").inner_text()
        assert to_newest.get_attribute("href") == "/v2/about.html"
        assert browser_page.errors == []

        # a page the other version does not have: land on that version's home page
        page.goto(f"{url}latest/new.html")
        page.wait_for_function("document.querySelectorAll('.version-switcher__menu a').length >= 3")
        page.locator(".version-switcher__button").first.click()
        page.locator(".version-switcher__menu").first.get_by_text("v1", exact=True).click()
        page.wait_for_url(f"{url}v1/")
        assert [e for e in browser_page.errors if "404" not in e] == []


SLOW_CONF_HOOK = """
import os, time
from pathlib import Path


def setup(app):
    def hold(app, exception):  # every page is written, sphinx-build has not exited: the worst moment to die
        Path(os.environ["DMSITE_TEST_MARKER"]).touch()
        time.sleep(120)

    app.connect("build-finished", hold)
"""


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_publish_killed_mid_build_leaves_the_site_as_it_was(published: Published, tmp_path: Path) -> None:
    """`dmsite publish` SIGKILLed (with its sphinx-build) while a new version is fully written to staging."""
    site, site_dir = copy_of(published, tmp_path)
    site.write("conf.py", (site.root / "conf.py").read_text() + SLOW_CONF_HOOK)
    site.write("content/data/milestones/dm.yaml", MAIN_DATA + "- id: DM-F\n  name: Milestone DM-F\n  due: 2021-12-02\n")
    site.commit("Fourth plan", "2021-04-05")
    site.tag("v3")
    before = _snapshot(site_dir)
    marker = tmp_path / "building"
    process = subprocess.Popen(
        [sys.executable, "-m", "dmsite.cli", "publish", str(site_dir), "--repo", str(site.root), "-j", "1"],
        env={**os.environ, "DMSITE_TEST_MARKER": str(marker)}, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the build never reached its end"
        staged = [p for p in tmp_path.glob(".site.building-*") if (p / "index.html").exists()]
        assert staged, "the new version is written to a staging folder beside the site"
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the publish and the sphinx-build it started
        process.wait(timeout=30)
    assert _snapshot(site_dir) == before  # not one file of the published site changed
    assert sorted(p.name for p in site_dir.iterdir() if p.is_dir()) == ["latest", "v1", "v2"]

    # the next run repairs and publishes: main (hook removed) is built; v3 still has the hook, which fails
    # without the marker variable — a later version failing after an earlier one was installed
    site.write("conf.py", SITE_CONF)
    head = site.commit("Faster build", "2021-04-06")
    result = publish(options(site, site_dir))
    assert [v.version for v in result.built] == ["latest"] and [v.version for v, _ in result.failed] == ["v3"]
    assert "DMSITE_TEST_MARKER" in result.failed[0][1]
    assert read_stamp(site_dir / "latest").commit == head  # type: ignore[union-attr]
    assert sorted(p.name for p in site_dir.iterdir() if p.is_dir()) == ["latest", "v1", "v2"]
    assert [e["version"] for e in json.loads((site_dir / "switcher.json").read_text())] == ["latest", "v2", "v1"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")) == [".site.lock"]
    assert len(site.repo.git.worktree("list").splitlines()) == 1


# -- --keep N and --cache-dir ------------------------------------------------------------


def test_keep_prunes_older_releases_and_does_not_build_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site, commits = make_repo(tmp_path / "repo")
    site_dir = tmp_path / "site"
    cache = tmp_path / "cache"
    first = publish(PublishOptions(site.root, site_dir, branch=None, tag_patterns=["v1"], cache_dir=cache))
    assert [v.version for v in first.built] == ["v1"] and first.pruned == []
    assert any(cache.joinpath("records").glob("*.pickle"))  # the cache a CI job keeps between runs

    code = cli.main(["publish", str(site_dir), "--repo", str(site.root), "--no-branch", "--keep", "1",
                     "--cache-dir", str(cache), "-j", "1"])
    out = capsys.readouterr().out
    assert code == 0
    assert "removed v1: older than the 1 newest releases (--keep)" in out
    assert "1 built, 0 up to date, 0 failed; site versions: v2" in out
    assert sorted(p.name for p in site_dir.iterdir() if p.is_dir()) == ["v2"]
    assert [e["version"] for e in json.loads((site_dir / "switcher.json").read_text())] == ["v2"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")) == [".site.lock"]

    again = publish(PublishOptions(site.root, site_dir, branch=None, keep=1))
    assert again.built == [] and [v.version for v in again.skipped] == ["v2"] and again.pruned == []
    assert commits["v2"] == json.loads((site_dir / "v2" / "dmsite-build.json").read_text())["commit"]

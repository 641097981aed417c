"""PR previews: ``dmsite preview`` against a bare repository standing in for GitHub's ``origin``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.git import GitSite

from dmsite.cli import main
from dmsite.vcs.preview import PreviewError, PreviewOptions, deploy, previews, remove


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def published(origin: Path, branch: str = "gh-pages") -> dict[str, str]:
    """Every file on origin's branch: path → text."""
    names = git(origin, "ls-tree", "-r", "--name-only", branch).split("\n")
    return {n: git(origin, "show", f"{branch}:{n}") for n in names if n}


def site(root: Path, text: str, extra: str | None = None) -> Path:
    """A built site folder: an index page, a theme asset, and optionally one more page."""
    (root / "_static").mkdir(parents=True, exist_ok=True)
    (root / "index.html").write_text(f"<h1>{text}</h1>\n")
    (root / "_static" / "theme.css").write_text("body { color: black }\n")
    (root / ".buildinfo").write_text("# Sphinx build info\n")
    if extra:
        (root / "extra.html").write_text(extra)
    return root


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A bare origin whose gh-pages holds the published site (latest/) and an older preview (pr-3/)."""
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    source = GitSite(tmp_path / "seed")
    source.write("README.md", "The project.\n")
    source.commit("Start", "2021-01-01")
    source.repo.git.checkout("--orphan", "gh-pages")
    source.repo.git.rm("-rfq", ".")
    source.write("latest/index.html", "<h1>latest</h1>\n")
    source.write("index.html", '<meta http-equiv="refresh" content="0; url=latest/">\n')
    source.write("pr-3/index.html", "<h1>PR 3</h1>\n")
    source.commit("Publish", "2021-01-02")
    source.repo.git.push(str(bare), "main", "gh-pages")
    return bare


@pytest.fixture
def checkout(tmp_path: Path, origin: Path) -> Path:
    """The CI job's clone of the repository (origin = the bare repository)."""
    git(tmp_path, "clone", "--quiet", str(origin), "work")
    return tmp_path / "work"


def test_deploy_adds_pr_folder_and_keeps_the_rest(checkout: Path, origin: Path, tmp_path: Path) -> None:
    options = PreviewOptions(checkout)
    sha = deploy(options, 7, site(tmp_path / "build", "PR 7", extra="<p>more</p>"), commit="abc1234def")
    assert sha == git(origin, "rev-parse", "gh-pages").strip()
    files = published(origin)
    assert files["pr-7/index.html"] == "<h1>PR 7</h1>\n" and files["pr-7/extra.html"] == "<p>more</p>"
    assert files["pr-7/_static/theme.css"] == "body { color: black }\n"
    assert "pr-7/.buildinfo" not in files  # Sphinx's build record is not published
    assert json.loads(files["pr-7/dmsite-preview.json"]) == {"pull_request": 7, "commit": "abc1234def"}
    assert files["latest/index.html"] == "<h1>latest</h1>\n" and files["pr-3/index.html"] == "<h1>PR 3</h1>\n"
    assert ".nojekyll" in files
    assert git(origin, "log", "-1", "--format=%s %an", "gh-pages").strip() == (
        "Preview of pull request #7 at abc1234d github-actions[bot]")
    assert previews(options) == [3, 7]
    assert git(checkout, "worktree", "list").count("\n") == 1  # the temporary worktree is gone


def test_a_new_push_replaces_the_preview_and_an_unchanged_one_commits_nothing(
    checkout: Path, origin: Path, tmp_path: Path
) -> None:
    options = PreviewOptions(checkout)
    deploy(options, 7, site(tmp_path / "one", "PR 7", extra="<p>gone next time</p>"))
    second = deploy(options, 7, site(tmp_path / "two", "PR 7, second push"))
    files = published(origin)
    assert files["pr-7/index.html"] == "<h1>PR 7, second push</h1>\n"
    assert "pr-7/extra.html" not in files  # a page the new build no longer has is gone
    assert deploy(options, 7, tmp_path / "two") is None  # same site again: no commit
    assert git(origin, "rev-parse", "gh-pages").strip() == second


def test_remove_on_close_deletes_only_that_preview(checkout: Path, origin: Path, tmp_path: Path) -> None:
    options = PreviewOptions(checkout)
    deploy(options, 7, site(tmp_path / "build", "PR 7"))
    assert remove(options, 7) is not None
    files = published(origin)
    assert not any(name.startswith("pr-7/") for name in files)
    assert files["pr-3/index.html"] == "<h1>PR 3</h1>\n" and "latest/index.html" in files
    assert git(origin, "log", "-1", "--format=%s", "gh-pages").strip() == "Remove the preview of pull request #7"
    assert remove(options, 7) is None  # closing again (or a PR that never had a preview) changes nothing


def test_a_push_by_someone_else_meanwhile_is_kept(checkout: Path, origin: Path, tmp_path: Path) -> None:
    """publish (or another preview) pushes between our fetch and our push: we redo the change on its tip."""
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", "--branch", "gh-pages", str(origin), str(other))

    def publish_meanwhile() -> None:
        (other / "v1").mkdir()
        (other / "v1" / "index.html").write_text("<h1>v1</h1>\n")
        git(other, "add", "-A")
        git(other, "-c", "user.name=x", "-c", "user.email=x@example.org", "commit", "-qm", "Publish v1")
        git(other, "push", "--quiet", "origin", "gh-pages")

    deploy(PreviewOptions(checkout), 9, site(tmp_path / "build", "PR 9"), before_push=publish_meanwhile)
    files = published(origin)
    assert files["v1/index.html"] == "<h1>v1</h1>\n" and files["pr-9/index.html"] == "<h1>PR 9</h1>\n"
    subjects = git(origin, "log", "--format=%s", "gh-pages").splitlines()
    assert subjects[:2] == ["Preview of pull request #9", "Publish v1"]  # on top, nothing forced


def test_first_preview_creates_the_branch(tmp_path: Path) -> None:
    bare = tmp_path / "empty.git"
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    work = GitSite(tmp_path / "work")
    work.write("README.md", "x\n")
    work.commit("Start", "2021-01-01")
    work.repo.git.remote("add", "origin", str(bare))
    work.repo.git.push("origin", "main")
    deploy(PreviewOptions(work.root), 1, site(tmp_path / "build", "PR 1"))
    assert sorted(published(bare)) == [".nojekyll", "pr-1/_static/theme.css", "pr-1/dmsite-preview.json",
                                       "pr-1/index.html"]
    assert "README.md" not in published(bare)  # the branch holds the site only
    assert remove(PreviewOptions(work.root), 1) is not None


def test_full_clone_stays_full(checkout: Path, tmp_path: Path) -> None:
    deploy(PreviewOptions(checkout), 7, site(tmp_path / "build", "PR 7"))
    assert git(checkout, "rev-parse", "--is-shallow-repository").strip() == "false"


def test_bad_input_is_an_error_message(checkout: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(PreviewError, match="positive integer"):
        deploy(PreviewOptions(checkout), 0, site(tmp_path / "build", "x"))
    (tmp_path / "empty").mkdir()
    assert main(["preview", "deploy", "4", "--site", str(tmp_path / "empty"), "--repo", str(checkout)]) == 1
    assert "holds no index.html: build the site first" in capsys.readouterr().err
    assert main(["preview", "deploy", "4", "--site", str(tmp_path / "build"), "--repo", str(checkout),
                 "--remote", str(tmp_path / "nowhere")]) == 1
    assert "error: git ls-remote" in capsys.readouterr().err
    assert main(["preview", "remove", "--repo", str(checkout)]) == 1
    assert "needs the pull request number" in capsys.readouterr().err


def test_the_command_as_the_workflow_runs_it(checkout: Path, origin: Path, tmp_path: Path) -> None:
    built = site(tmp_path / "build", "PR 12")
    dmsite = str(Path(sys.executable).parent / "dmsite")
    done = subprocess.run([dmsite, "preview", "deploy", "12", "--site", str(built), "--commit", "f" * 40],
                          cwd=checkout, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("deployed pr-12/ (")
    listed = subprocess.run([dmsite, "preview", "list"], cwd=checkout, capture_output=True, text=True, check=True)
    assert listed.stdout == "3 12\n"
    done = subprocess.run([dmsite, "preview", "remove", "12"], cwd=checkout, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0 and done.stdout.startswith("removed pr-12/ (")
    assert "pr-12/index.html" not in published(origin)

"""The pre-commit hooks: valid manifests, and each hook's command as pre-commit runs it in a data repository."""

from __future__ import annotations

import datetime as dt
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pre_commit.clientlib import load_config, load_manifest
from support import REPO_ROOT

ROOT = REPO_ROOT
BIN = Path(sys.executable).parent


def hooks() -> dict[str, dict[str, Any]]:
    return {hook["id"]: hook for hook in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}


def run_hook(hook: dict[str, Any], repo: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    """The hook's entry and args, as pre-commit runs a `language: python` hook (its env's scripts on PATH)."""
    command = shlex.split(hook["entry"])
    command[0] = str(BIN / command[0])
    return subprocess.run([*command, *hook["args"], *args], cwd=repo, capture_output=True, text=True, check=False)


@pytest.fixture
def data_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "plan"
    (repo / "content" / "data" / "milestones").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def write(repo: Path, text: str, folder: str = "content/data") -> None:
    (repo / folder / "milestones").mkdir(parents=True, exist_ok=True)
    (repo / folder / "milestones" / "m.yaml").write_text(text, encoding="utf-8")


def test_the_hooks_any_data_repository_can_use() -> None:
    found = hooks()
    assert sorted(found) == ["dmsite-validate", "dmsite-validate-strict"]
    for hook in found.values():
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        files = re.compile(hook["files"])
        assert files.search("content/data/milestones/02C.03.yaml") and files.search("data/documents/refs.bib")
        assert not files.search("content/index.md")


def test_validate_hook_passes_a_completion_of_today_and_fails_on_errors(data_repo: Path) -> None:
    hook = hooks()["dmsite-validate"]
    today = dt.date.today().isoformat()
    write(data_repo, f"- id: DM-A\n  name: A\n  due: 2021-06-01\n  completed: {today}\n")
    done = run_hook(hook, data_repo, [])
    assert done.returncode == 0, done.stderr  # no commit yet: "today" is the day of the commit, not a past one
    assert done.stdout.startswith("ok: 1 records, 0 errors, 1 warnings")
    assert run_hook(hooks()["dmsite-validate-strict"], data_repo, []).returncode == 1  # the warning fails strictly
    write(data_repo, "- id: DM-A\n  name: A\n  due: 2021-06-01\n  predecessors: [DM-Z]\n")
    done = run_hook(hook, data_repo, [])
    assert done.returncode == 1
    assert "content/data/milestones/m.yaml:4:3: DM-A: predecessors 'DM-Z' is not a known milestone" in done.stderr


def test_the_data_folder_is_the_hook_argument(data_repo: Path) -> None:
    write(data_repo, "- id: DM-A\n  name: A\n  due: 2021-06-01\n  description: x\n", folder="plan-data")
    assert run_hook(hooks()["dmsite-validate"], data_repo, ["plan-data"]).returncode == 0
    assert "data directory does not exist" in run_hook(hooks()["dmsite-validate"], data_repo, ["nowhere"]).stderr


def test_this_repositorys_own_hooks_use_the_project_venv() -> None:
    config = load_config(str(ROOT / ".pre-commit-config.yaml"))
    (local,) = config["repos"]
    assert local["repo"] == "local"
    ids = [hook["id"] for hook in local["hooks"]]
    assert ids == ["dmsite-validate", "schemas", "ruff", "mypy"]
    for hook in local["hooks"]:
        program = shlex.split(hook["entry"])[0]
        assert program.startswith(".venv/bin/") and (BIN / Path(program).name).exists(), program
    validate = shlex.split(local["hooks"][0]["entry"])
    done = subprocess.run([str(BIN / "dmsite"), *validate[1:]], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr

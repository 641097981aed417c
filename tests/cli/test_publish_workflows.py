"""The GitHub Actions workflows: valid against the workflow schema, and doing what the project needs.

The schema is SchemaStore's GitHub workflow schema as vendored by check-jsonschema (no network).
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from support import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
USES = re.compile(r"^\s*(?:-\s*)?uses:\s*(\S+)\s*$")


@functools.cache
def validator() -> jsonschema.Draft7Validator:
    vendored = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    schema = json.loads(vendored.joinpath("github-workflows.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


def problems(path: Path) -> list[str]:
    """Schema errors, plus what the schema cannot see: unbalanced ${{ }} and unpinned actions."""
    found: list[str] = []
    try:
        document = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))  # YAML 1.2, as GitHub reads it
    except YAMLError as exc:
        return [f"{path.name}: YAML error: {exc}"]
    for error in validator().iter_errors(document):
        found.append(f"{path.name}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.count("${{") != line.count("}}"):
            found.append(f"{path.name}:{number}: unbalanced ${{{{ }}}} expression")
        match = USES.match(line)
        if match and not re.search(r"@(v\d+(\.\d+)*|[0-9a-f]{40})$", match.group(1)):
            found.append(f"{path.name}:{number}: action {match.group(1)} is not pinned to a version")
    return found


def load(name: str) -> dict[Any, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(workflow: dict[Any, Any], job: str) -> list[dict[str, Any]]:
    return list(workflow["jobs"][job]["steps"])


def runs(workflow: dict[Any, Any], job: str) -> str:
    return "\n".join(str(s.get("run", "")) for s in steps(workflow, job))


def uses(workflow: dict[Any, Any], job: str) -> list[str]:
    return [str(s["uses"]).split("@")[0] for s in steps(workflow, job) if "uses" in s]


NAMES = ["linkcheck.yml", "pr-closed.yml", "pr-preview.yml", "pr.yml", "publish.yml", "test.yml"]


def test_every_workflow_is_tested() -> None:
    assert sorted(p.name for p in WORKFLOWS.glob("*.y*ml")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_workflow_is_valid(name: str) -> None:
    assert problems(WORKFLOWS / name) == []


BROKEN = {
    "no runner": "name: x\non: push\njobs:\n  a:\n    steps:\n      - run: echo\n",
    "misspelt key": "name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    step:\n      - run: echo\n",
    "uses and run in one step": (
        "name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n        run: echo\n"
    ),
    "bad YAML": "name: x\non: [push\n",
    "unclosed expression": (
        "name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.sha\n"
    ),
    "unpinned action": (
        "name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout\n"
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_workflow_is_caught(case: str, tmp_path: Path) -> None:
    path = tmp_path / "broken.yml"
    path.write_text(BROKEN[case], encoding="utf-8")
    assert problems(path) != []


def test_pull_requests_validate_build_strictly_diff_and_hand_over_the_site() -> None:
    pr = load("pr.yml")
    assert "pull_request" in pr["on"] and pr["permissions"] == {"contents": "read"}  # runs the PR's code
    commands = runs(pr, "site")
    assert commands.index("make validate EXTRAS=") < commands.index("dmsite diff") < commands.index("make html EXTRAS=")
    assert "linkcheck" not in commands  # outside sites never block a PR (linkcheck.yml)
    diff_step = next(s for s in steps(pr, "site") if "dmsite diff" in s.get("run", ""))
    assert '"$BASE"' in commands and diff_step["env"]["BASE"].startswith("${{ github.event.pull_request.base.sha")
    number = next(s for s in steps(pr, "site") if s.get("uses", "").startswith("actions/upload-artifact@")
                  and s["with"]["name"] == "pr")
    assert number["if"].startswith("always()")
    assert "--format markdown" in commands and "GITHUB_STEP_SUMMARY" in commands
    uploads = {s["with"]["name"]: s["with"]["path"] for s in steps(pr, "site") if "upload-artifact" in s.get("uses", "")}
    assert uploads == {"site": "_build/html", "pr": "_build/pr"}
    makefile = (WORKFLOWS.parent.parent / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^SPHINXOPTS \?= .*-W", makefile, re.M), "make html must treat warnings as errors"
    assert "[$(strip $(EXTRAS))]" in makefile and re.search(r"^EXTRAS \?= test\b", makefile, re.M)


def cache_paths(workflow: dict[Any, Any], job: str) -> list[str]:
    return [s["with"]["path"] for s in steps(workflow, job) if str(s.get("uses", "")).startswith("actions/cache@")]


def test_pip_and_dmsite_caches() -> None:
    for name, job in (("pr.yml", "site"), ("publish.yml", "publish")):
        workflow = load(name)
        setup = next(s for s in steps(workflow, job) if s.get("uses", "").startswith("actions/setup-python@"))
        assert setup["with"]["cache"] == "pip", name
        assert cache_paths(workflow, job) == [".cache/dmsite"], name
    assert "--cache-dir .cache/dmsite" in runs(load("publish.yml"), "publish")
    assert cache_paths(load("test.yml"), "test") == ["~/.cache/pip"]  # a container job: no setup-python


def test_preview_runs_trusted_code_deploys_comments_and_links_the_preview() -> None:
    preview = load("pr-preview.yml")
    assert preview["on"]["workflow_run"] == {"workflows": [load("pr.yml")["name"]], "types": ["completed"]}
    job = preview["jobs"]["preview"]
    assert "success" in job["if"] and "failure" in job["if"]  # a failed build still gets the comment (its errors)
    deploy = next(s for s in steps(preview, "preview") if s.get("name", "").startswith("Deploy the preview"))
    assert "env.BUILT == 'true'" in deploy["if"] and "env.SAME_REPO == 'true'" in deploy["if"]
    checkout = steps(preview, "preview")[0]
    assert checkout["uses"].startswith("actions/checkout@") and "ref" not in checkout["with"]  # the default branch
    commands = runs(preview, "preview")
    assert 'dmsite preview deploy "$NUMBER" --site _build/html' in commands
    assert "tr -cd '0-9'" in commands and '"$head" != "$HEAD_SHA"' in commands  # the artifact is not trusted
    assert "refs/pull/$NUMBER/head:refs/dmsite/pr" in commands  # the diff is recomputed from the PR's data
    assert commands.count("dmsite diff") == 2 and "<!-- dmsite plan diff -->" in commands
    assert "-X PATCH" in commands and "-X DELETE" in commands  # one sticky comment; none when the data is unchanged
    assert "statuses/$HEAD_SHA" in commands
    assert preview["permissions"]["contents"] == "write" and preview["permissions"]["pull-requests"] == "write"
    assert preview["concurrency"]["cancel-in-progress"] is False


def test_closing_a_pull_request_removes_its_preview() -> None:
    closed = load("pr-closed.yml")
    assert closed["on"] == {"pull_request_target": {"types": ["closed"]}}
    checkout = steps(closed, "remove-preview")[0]
    assert checkout["uses"].startswith("actions/checkout@") and "ref" not in checkout["with"]  # never the PR's code
    assert 'dmsite preview remove "$NUMBER"' in runs(closed, "remove-preview")
    preview_group = load("pr-preview.yml")["concurrency"]["group"]
    assert closed["concurrency"]["group"].split("${{")[0] == preview_group.split("${{")[0] == "preview-"


def test_links_are_checked_on_a_schedule() -> None:
    check = load("linkcheck.yml")
    assert check["on"]["schedule"] and "workflow_dispatch" in check["on"]
    assert "make linkcheck" in runs(check, "linkcheck")


def test_publish_pushes_gh_pages_without_a_deployment_environment() -> None:
    pub = load("publish.yml")
    assert pub["on"]["push"]["branches"] == ["main"] and pub["on"]["push"]["tags"]
    assert pub["concurrency"] == {"group": "publish-site", "cancel-in-progress": False}
    job = pub["jobs"]["publish"]
    assert "environment" not in job  # a release tag is never refused by an environment's branch rule
    assert pub["permissions"] == {"contents": "write", "pages": "read"}
    checkout = steps(pub, "publish")[0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0
    commands = runs(pub, "publish")
    assert "origin/gh-pages" in commands and "dmsite publish site" in commands
    assert "git push -q origin HEAD:gh-pages" in commands and "git rebase -q FETCH_HEAD" in commands
    assert '${KEEP:+--keep "$KEEP"}' in commands
    assert not [u for u in uses(pub, "publish") if "pages" in u]  # Pages serves the branch itself


# The majors whose action.yml declares `runs: using: node24` (or, for a composite action, whose
# steps use only such majors).  Read from each action's repository at its major tag (the fetched
# snapshot of 2026-12-01: `git show vN:action.yml`): checkout v5-v7, setup-python v6-v7,
# upload-artifact v6-v7 (v5 is node20), download-artifact v7-v8, cache v5 (v4 is node20),
# deploy-pages v5, upload-pages-artifact v5 (its upload step is upload-artifact v7).
# configure-pages has no node24 major yet (v5 is node20), so no workflow uses it.
NODE24_MAJORS = {
    "actions/checkout": {5, 6, 7},
    "actions/setup-python": {6, 7},
    "actions/upload-artifact": {6, 7},
    "actions/download-artifact": {7, 8},
    "actions/cache": {5},
    "actions/deploy-pages": {5},
    "actions/upload-pages-artifact": {5},
}
CURRENT_MAJORS = {"actions/checkout": 7, "actions/setup-python": 7, "actions/upload-artifact": 7,
                  "actions/download-artifact": 8, "actions/cache": 5}


def all_uses(paths: list[Path]) -> list[tuple[str, str, int]]:
    """(workflow, action, major) of every `uses:` line."""
    found = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            match = USES.match(line)
            if match:
                action, _, version = match.group(1).partition("@")
                found.append((path.name, action, int(version.lstrip("v").split(".")[0])))
    return found


def not_node24(found: list[tuple[str, str, int]]) -> list[str]:
    return [f"{name}: {action}@v{major}" for name, action, major in found
            if major not in NODE24_MAJORS.get(action, set())]


def test_every_action_runs_on_node24_and_is_on_its_current_major() -> None:
    found = all_uses(sorted(WORKFLOWS.glob("*.yml")))
    assert len(found) >= 15
    assert not_node24(found) == [], "not a known node24 major: check its action.yml `runs.using`, add it above"
    behind = [(name, action, major) for name, action, major in found if major != CURRENT_MAJORS.get(action, major)]
    assert behind == []


def test_the_node24_check_catches_old_and_unknown_actions(tmp_path: Path) -> None:
    path = tmp_path / "old.yml"
    path.write_text(
        "jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-python@v6.1.0\n"
        "      - uses: actions/configure-pages@v5\n      - uses: someone/else@v9\n", encoding="utf-8")
    assert not_node24(all_uses([path])) == [
        "old.yml: actions/checkout@v4", "old.yml: actions/configure-pages@v5", "old.yml: someone/else@v9"]

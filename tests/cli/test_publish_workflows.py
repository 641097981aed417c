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


@pytest.mark.parametrize("name", ["pr.yml", "publish.yml", "test.yml"])
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


def test_pull_requests_validate_build_strictly_check_links_and_upload_the_site() -> None:
    pr = load("pr.yml")
    assert "pull_request" in pr["on"]
    commands = runs(pr, "site")
    assert commands.index("make validate") < commands.index("make html") < commands.index("make linkcheck")
    upload = next(s for s in steps(pr, "site") if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "_build/html"
    makefile = (WORKFLOWS.parent.parent / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^SPHINXOPTS \?= .*-W", makefile, re.M), "make html must treat warnings as errors"


def test_publish_runs_one_at_a_time_from_full_history_into_gh_pages() -> None:
    pub = load("publish.yml")
    assert pub["on"]["push"]["branches"] == ["main"] and pub["on"]["push"]["tags"]
    assert pub["concurrency"] == {"group": "publish-site", "cancel-in-progress": False}
    assert pub["permissions"]["pages"] == "write" and pub["permissions"]["id-token"] == "write"
    checkout = steps(pub, "publish")[0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0
    commands = runs(pub, "publish")
    assert "origin/gh-pages" in commands and "dmsite publish site" in commands
    assert "git push origin HEAD:gh-pages" in commands
    assert uses(pub, "publish")[-2:] == ["actions/upload-pages-artifact", "actions/deploy-pages"]
    assert next(s for s in steps(pub, "publish") if s.get("uses", "").startswith("actions/upload-pages"))[
        "with"]["path"] == "site"


def test_tests_run_make_test_on_pull_requests_with_graphviz_and_chromium() -> None:
    tests = load("test.yml")
    assert "pull_request" in tests["on"]
    commands = runs(tests, "test")
    assert "make test" in commands
    assert re.search(r"apt-get install .*\bgraphviz\b.*\bchromium\b", commands)

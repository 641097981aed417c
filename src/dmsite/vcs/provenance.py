"""Where the data came from: the last commit that touched it, and the status date."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from ..data.provenance import Provenance

__all__ = ["Provenance", "data_provenance", "in_git", "status_date"]


def in_git(path: Path) -> bool:
    """Whether *path* lies in a git working tree (a ``.git`` folder, or file for worktrees, above it)."""
    path = path.resolve()
    return any((folder / ".git").exists() for folder in (path, *path.parents))


def data_provenance(data_dir: Path) -> Provenance:
    """The last commit that touched *data_dir* (uncommitted edits are not a commit).

    One ``git log``, and none outside a repository: every build asks.
    """
    if not in_git(data_dir):
        return Provenance(None, None)
    try:
        done = subprocess.run(
            ["git", "log", "-1", "--format=%H %cs", "--", "."], cwd=data_dir,
            capture_output=True, text=True, timeout=60, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return Provenance(None, None)
    fields = done.stdout.split()
    if done.returncode != 0 or len(fields) != 2:
        return Provenance(None, None)
    return Provenance(fields[0], dt.date.fromisoformat(fields[1]))


def status_date(configured: str | dt.date | None, provenance: Provenance) -> dt.date:
    """Configured date, else the data's last commit date, else today."""
    if isinstance(configured, dt.date):
        return configured
    if configured:
        return dt.date.fromisoformat(str(configured))
    return provenance.commit_date or dt.date.today()

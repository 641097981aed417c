"""Where the data came from: the last commit that touched it, and the status date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import git


@dataclass(frozen=True)
class Provenance:
    commit: str | None  # full hex sha of the last commit touching the data
    commit_date: dt.date | None
    repo_url: str | None = None

    @property
    def short(self) -> str | None:
        return self.commit[:8] if self.commit else None


def data_provenance(data_dir: Path) -> Provenance:
    """The last commit that touched *data_dir* (uncommitted edits are not a commit)."""
    try:
        repo = git.Repo(data_dir, search_parent_directories=True)
        commit = next(repo.iter_commits(paths=str(data_dir.resolve()), max_count=1), None)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, git.GitCommandError, ValueError):
        return Provenance(None, None)
    if commit is None:
        return Provenance(None, None)
    return Provenance(commit.hexsha, commit.committed_datetime.date())


def status_date(configured: str | dt.date | None, provenance: Provenance) -> dt.date:
    """Configured date, else the data's last commit date, else today."""
    if isinstance(configured, dt.date):
        return configured
    if configured:
        return dt.date.fromisoformat(str(configured))
    return provenance.commit_date or dt.date.today()

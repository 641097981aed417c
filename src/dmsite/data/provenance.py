"""Where the data came from, as a value: the last commit that touched it (read by ``vcs.provenance``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Provenance:
    commit: str | None  # full hex sha of the last commit touching the data
    commit_date: dt.date | None
    repo_url: str | None = None

    @property
    def short(self) -> str | None:
        return self.commit[:8] if self.commit else None

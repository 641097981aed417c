"""Schedule history as data: milestone states per commit, re-forecasts, and changes between two states."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..data.catalog import Catalog


@dataclass(frozen=True)
class ScheduleState:
    """A milestone's dates as one commit left them (``present`` false: removed there)."""

    milestone: str
    commit: str
    date: dt.date
    name: str
    due: dt.date
    forecast: dt.date | None
    completed: dt.date | None
    present: bool = True

    @property
    def effective_forecast(self) -> dt.date:
        return self.forecast or self.due

    @property
    def short(self) -> str:
        return self.commit[:8]

    @property
    def dates(self) -> tuple[dt.date, dt.date | None, dt.date | None, bool]:
        """What history tracks (a change of name alone is not a schedule change)."""
        return self.due, self.forecast, self.completed, self.present


Snapshot = dict[str, ScheduleState]  # milestone id → state, at one commit


@dataclass
class ScheduleHistory:
    """Per milestone, the states recorded at the commits that changed its dates (oldest first)."""

    milestones: dict[str, list[ScheduleState]] = field(default_factory=dict)
    commits: list[tuple[str, dt.date]] = field(default_factory=list)  # data commits walked, oldest first

    def of(self, milestone_id: str) -> list[ScheduleState]:
        return self.milestones.get(milestone_id, [])

    def as_of(self, day: dt.date) -> Snapshot:
        """The milestones as the data stood at the end of *day* (removed ones left out)."""
        result: Snapshot = {}
        for milestone_id, states in self.milestones.items():
            before = [s for s in states if s.date <= day]
            if before and before[-1].present:
                result[milestone_id] = before[-1]
        return result

    def forecast_dates_as_of(self, day: dt.date) -> dict[str, dt.date]:
        """Per milestone existing on *day*: its completion date if done by then, else its forecast then.

        This is what a burndown's "forecast N months ago" line counts down.
        """
        return {mid: s.completed or s.effective_forecast for mid, s in self.as_of(day).items()}

    def reforecasts(self, milestone_id: str) -> list[tuple[ScheduleState, ScheduleState]]:
        """Consecutive present states of one milestone whose effective forecast differs."""
        states = [s for s in self.of(milestone_id) if s.present]
        return [(a, b) for a, b in itertools.pairwise(states) if a.effective_forecast != b.effective_forecast]

    def slipped(self) -> list[str]:
        """Ids of milestones re-forecast at least once, sorted."""
        return sorted(mid for mid in self.milestones if self.reforecasts(mid))

    def moved(self, milestone_ids: Iterable[str]) -> dict[str, list[ScheduleState]]:
        """Of *milestone_ids*, those whose dates differ between recorded states (re-forecast,
        re-baselined or completed), with all their states; the others are left out."""
        result = {}
        for mid in milestone_ids:
            states = self.milestones.get(mid)
            if states and len({s.dates[:3] for s in states if s.present}) > 1:
                result[mid] = states
        return result


@dataclass(frozen=True)
class MilestoneChanges:
    """What changed in the milestones between two versions of the data."""

    added: list[ScheduleState]
    removed: list[ScheduleState]
    completed: list[ScheduleState]  # state in the newer data
    reforecast: list[tuple[ScheduleState, ScheduleState]]  # (older, newer)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.completed or self.reforecast)


def snapshot_of_catalog(catalog: Catalog, commit: str = "", date: dt.date | None = None) -> Snapshot:
    """The milestones of a loaded catalog (e.g. the data being built now) as a snapshot."""
    day = date or catalog.status_date
    return {
        m.id: ScheduleState(m.id, commit, day, m.name, m.due, m.forecast, m.completed)
        for m in catalog.milestones.values()
    }


def changes(old: Snapshot, new: Snapshot) -> MilestoneChanges:
    """Milestones added, removed, completed, or re-forecast from *old* to *new* (each list sorted by id)."""
    added = [new[mid] for mid in sorted(new.keys() - old.keys())]
    removed = [old[mid] for mid in sorted(old.keys() - new.keys())]
    both = sorted(old.keys() & new.keys())
    completed = [new[mid] for mid in both if new[mid].completed and not old[mid].completed]
    reforecast = [
        (old[mid], new[mid]) for mid in both
        if not new[mid].completed and old[mid].effective_forecast != new[mid].effective_forecast
    ]
    return MilestoneChanges(added, removed, completed, reforecast)

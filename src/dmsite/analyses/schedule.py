"""Schedule analyses: pure functions over the catalog (no Sphinx, no HTML).

Everything is relative to ``catalog.status_date``; nothing reads the wall clock.
Orders are stable (date, then id) so every renderer is deterministic.

Real schedules: *retired* milestones (``retired:``, left the baseline) are listed where they
are shown (details, release features, graphs) but never counted: not in summaries, overdue,
slipping or by-month lists, nor in a burndown, which draws the current baseline (what was
planned before is the ``:history:`` line's, from git).  A date
known only to the month counts as the last day of its month (see ``data/dates.py``).
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import fnmatch
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..data.catalog import Catalog, Status
from ..data.dates import order
from ..data.model import ExternalMilestone, Milestone, WbsElement

if TYPE_CHECKING:
    from .history import ScheduleHistory

DEFAULT_TEST_PATTERN = "LDM-503-*"
NO_WBS = "none"  # the scope of milestones that have no WBS element
CROP, EXCLUDE = "crop", "exclude"  # what a burndown's start does (see ``burndown``)


def counted(milestones: Iterable[Milestone]) -> list[Milestone]:
    """The milestones that count (those still in the baseline: not retired)."""
    return [m for m in milestones if m.retired is None]


def by_due(milestones: Iterable[Milestone]) -> list[Milestone]:
    return sorted(milestones, key=lambda m: (order(m.due), m.id))


def by_forecast(milestones: Iterable[Milestone]) -> list[Milestone]:
    return sorted(milestones, key=lambda m: (order(m.effective_forecast), order(m.due), m.id))


def matches(milestone_id: str, patterns: Sequence[str]) -> bool:
    """Whether *milestone_id* matches any shell-style pattern (``LDM-503-*``); no patterns match all."""
    return not patterns or any(fnmatch.fnmatchcase(milestone_id, p) for p in patterns)


# -- scope ---------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which milestones an analysis looks at. Empty fields do not filter."""

    wbs: str | None = None  # WBS code prefix, e.g. "02C.03" or "1.02C.03"; NO_WBS: milestones without one
    ids: tuple[str, ...] = ()  # id prefixes or shell patterns, e.g. ("DM-", "LDM-503-*")
    levels: tuple[int | None, ...] = ()  # None stands for "no level"
    start: dt.date | None = None  # date window (burndown x axis)
    end: dt.date | None = None

    def element(self, catalog: Catalog) -> str | None:
        """The catalog code of the WBS element in scope (None: no element chosen)."""
        return (catalog.wbs_key(self.wbs) or self.wbs) if self.wbs and self.wbs != NO_WBS else None

    def filter(self, catalog: Catalog) -> Callable[[Milestone], bool]:
        """The test a milestone passes to be in scope (the WBS prefix resolved once, not per milestone)."""
        wanted = self.element(catalog)

        def admits(milestone: Milestone) -> bool:
            if self.levels and milestone.level not in self.levels:
                return False
            if self.ids and not any(_id_matches(milestone.id, spec) for spec in self.ids):
                return False
            if self.wbs == NO_WBS:
                return milestone.wbs is None
            return wanted is None or _in_wbs(catalog, milestone, wanted)

        return admits


def _id_matches(milestone_id: str, spec: str) -> bool:
    if any(ch in spec for ch in "*?["):
        return fnmatch.fnmatchcase(milestone_id, spec)
    return milestone_id.startswith(spec)


def _code(catalog: Catalog, milestone: Milestone) -> str | None:
    """The catalog code of the milestone's WBS element (as written when no element has it)."""
    codes: dict[str | None, str | None] = catalog.derived("wbs codes", dict)  # as written → catalog code
    written = milestone.wbs
    if written not in codes:
        codes[written] = catalog.wbs_key(written) or written
    return codes[written]


def _in_wbs(catalog: Catalog, milestone: Milestone, wanted: str) -> bool:
    """Whether the milestone's WBS element is the element *wanted* (a catalog code) or lies below it."""
    code = _code(catalog, milestone)
    return code is not None and (code == wanted or code.startswith(wanted + "."))


def _by_element(catalog: Catalog) -> dict[str | None, list[Milestone]]:
    index: dict[str | None, list[Milestone]] = {}
    for m in select(catalog):
        index.setdefault(_code(catalog, m), []).append(m)
    return index


def select(catalog: Catalog, scope: Scope | None = None) -> list[Milestone]:
    """The milestones in *scope*, by due date."""
    everything = catalog.derived("by due", lambda: by_due(catalog.milestones.values()))
    if scope is None or scope == Scope():
        return list(everything)
    pool, wanted = everything, scope.element(catalog)
    if wanted is not None:  # an element's milestones from the index (when no element lies below it)
        index = catalog.derived("by element", lambda: _by_element(catalog))
        codes = [c for c in index if c is not None and (c == wanted or c.startswith(wanted + "."))]
        pool = index[codes[0]] if len(codes) == 1 else ([] if not codes else everything)
    return list(filter(scope.filter(catalog), pool))


# -- summary -------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    total: int
    by_level: dict[int, int]  # levels 1..4, always present
    no_level: int
    completed: int
    overdue: int
    open: int  # open and not overdue


def summary(catalog: Catalog, milestones: Iterable[Milestone] | None = None) -> Summary:
    """Counts of the milestones (retired ones left out)."""
    chosen = counted(catalog.milestones.values() if milestones is None else milestones)
    levels = Counter(m.level for m in chosen)
    statuses = Counter(catalog.status(m) for m in chosen)
    return Summary(
        total=len(chosen),
        by_level={level: levels.get(level, 0) for level in (1, 2, 3, 4)},
        no_level=levels.get(None, 0),
        completed=statuses.get(Status.COMPLETED, 0),
        overdue=statuses.get(Status.OVERDUE, 0),
        open=statuses.get(Status.OPEN, 0),
    )


# -- late and slipping -----------------------------------------------------------


@dataclass(frozen=True)
class Late:
    milestone: Milestone
    days: int  # days late (overdue) or days slipped (forecast after baseline)


def overdue(catalog: Catalog, milestones: Iterable[Milestone] | None = None) -> list[Late]:
    """Open milestones whose baseline due date is before the status date, most overdue first."""
    chosen = catalog.milestones.values() if milestones is None else milestones
    late = [Late(m, (catalog.status_date - m.due).days) for m in chosen if catalog.status(m) == Status.OVERDUE]
    return sorted(late, key=lambda x: (x.milestone.due, x.milestone.id))


def slipping(catalog: Catalog, milestones: Iterable[Milestone] | None = None) -> list[Late]:
    """Open milestones forecast later than their baseline, largest slip first."""
    chosen = catalog.milestones.values() if milestones is None else milestones
    slips = [
        Late(m, (m.effective_forecast - m.due).days)
        for m in chosen
        if m.completed is None and m.retired is None and m.effective_forecast > m.due
    ]
    return sorted(slips, key=lambda x: (-x.days, x.milestone.due, x.milestone.id))


# -- grouping ------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    milestones: list[Milestone]

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from *first*'s month to *last*'s month, inclusive."""
    day, days = first.replace(day=1), []
    while day <= last:
        days.append(day)
        day = _next_month(day)
    return days


def by_month(milestones: Iterable[Milestone]) -> list[Month]:
    """Milestones grouped by the month of their baseline due date, newest month first.

    Months between the first and the last that have no milestones are included (empty); retired
    milestones are left out.
    """
    chosen = by_due(counted(milestones))
    if not chosen:
        return []
    groups: dict[tuple[int, int], list[Milestone]] = {}
    for m in chosen:
        groups.setdefault((m.due.year, m.due.month), []).append(m)
    return [
        Month(day.year, day.month, groups.get((day.year, day.month), []))
        for day in reversed(month_starts(chosen[0].due, chosen[-1].due))
    ]


@dataclass(frozen=True)
class WbsGroup:
    code: str | None  # the catalog code of the element, None for milestones without WBS
    element: WbsElement | None
    milestones: list[Milestone] = field(default_factory=list)


def _depth(code: str) -> int:
    return code.count(".") + 1


def group_depth(catalog: Catalog) -> int:
    """The default grouping depth: that of the shallowest element holding milestones."""

    def shallowest() -> int:
        codes = {code for wbs in {m.wbs for m in catalog.milestones.values()} if (code := catalog.wbs_key(wbs))}
        return min(map(_depth, codes), default=1)

    return catalog.derived("group depth", shallowest)


def group_code(catalog: Catalog, milestone: Milestone, depth: int) -> str | None:
    """The element at *depth* that holds *milestone* (its own element when there is none)."""
    code = catalog.wbs_key(milestone.wbs)
    if code is None:
        return None
    parts = code.split(".")
    for cut in range(min(depth, len(parts)), 0, -1):
        candidate = ".".join(parts[:cut])
        if candidate in catalog.wbs:
            return candidate
    return code


def by_wbs(catalog: Catalog, milestones: Iterable[Milestone] | None = None, depth: int | None = None) -> list[WbsGroup]:
    """Milestones grouped by WBS element at *depth* (codes in order; no WBS last), by due date."""
    chosen = catalog.milestones.values() if milestones is None else milestones
    depth = depth or group_depth(catalog)
    groups: dict[str | None, list[Milestone]] = {}
    for m in by_due(chosen):
        groups.setdefault(group_code(catalog, m, depth), []).append(m)
    order = sorted(groups, key=lambda c: (c is None, c or ""))
    return [WbsGroup(c, catalog.wbs.get(c) if c else None, groups[c]) for c in order]


# -- burndown ------------------------------------------------------------------


@dataclass(frozen=True)
class PastForecast:
    """A burndown's "forecast N months ago" line: open milestones by the forecasts of *day*.

    Only milestones in scope that were in the data on *day* count (``counted`` of the scope's total).
    """

    months: int
    day: dt.date
    open: list[int]
    counted: int


@dataclass(frozen=True)
class Burndown:
    """Open milestones at each date: by the baseline, by the forecast and as achieved.

    ``achieved`` is None for dates after the status date (the future is not achieved yet);
    ``past`` is the optional forecast of an earlier day (from the history).
    """

    dates: list[dt.date]
    baseline: list[int]
    forecast: list[int]
    achieved: list[int | None]
    status_date: dt.date
    total: int
    past: PastForecast | None = None


def forecast_done(milestone: Milestone) -> dt.date:
    """When a milestone is (or was) expected to be done: its completion, else its forecast."""
    return milestone.completed or milestone.effective_forecast


def months_before(day: dt.date, months: int) -> dt.date:
    """*day* moved back by whole calendar months (the day of month clamped: 31 May - 3 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def burndown(
    catalog: Catalog, scope: Scope | None = None, past: tuple[int, dt.date, Mapping[str, dt.date]] | None = None,
    before_start: str = CROP,
) -> Burndown:
    """Monthly burndown of the milestones in *scope* over its date window.

    A milestone counts as open at date *t* by the baseline while ``due > t``, by the
    forecast while its completion (or forecast) is after *t*, and as achieved while it
    is not completed on or before *t*.  Retired milestones are not in the current baseline, so
    they count in none of them (the past line shows what existed then).  *past* is (months, day, id →
    completion or forecast as of that day, see ``ScheduleHistory.forecast_dates_as_of``): it
    adds the line of what was forecast then, for the milestones in scope that existed then.

    *before_start* says what the scope's ``start`` does: ``CROP`` (the default) only starts the
    chart there, every milestone in scope still counting; ``EXCLUDE`` also leaves out the
    milestones due or completed before the start (as lsst-dm/milestones does, to drop the
    milestones of an earlier plan), so the chart counts down from what was open at the start.
    """
    scope = scope or Scope()
    chosen = select(catalog, Scope(scope.wbs, scope.ids, scope.levels))
    if scope.start and before_start == EXCLUDE:
        chosen = [m for m in chosen if not _before(m, scope.start)]
    chosen = counted(chosen)
    if not chosen:
        return Burndown([], [], [], [], catalog.status_date, 0)
    then = sorted((past[2][m.id] for m in chosen if m.id in past[2]), key=order) if past else []
    first = scope.start or min((m.due for m in chosen), key=order)
    last = scope.end or max((max(m.due, forecast_done(m), key=order) for m in chosen), key=order)
    if then and not scope.end:
        last = max(last, then[-1])
    dates = month_starts(first, last)
    dates.append(_next_month(last))
    baseline = _open_after([m.due for m in chosen], dates)
    forecast = _open_after([forecast_done(m) for m in chosen], dates)
    never = sum(m.completed is None for m in chosen)
    ended = [m.completed for m in chosen if m.completed]
    done = [n + never for n in _open_after(ended, dates)]
    achieved: list[int | None] = [n if t <= catalog.status_date else None for n, t in zip(done, dates, strict=True)]
    line = PastForecast(past[0], past[1], _open_after(then, dates), len(then)) if past else None
    return Burndown(dates, baseline, forecast, achieved, catalog.status_date, len(chosen), line)


def _before(milestone: Milestone, start: dt.date) -> bool:
    """Due, or completed, before *start* (what ``EXCLUDE`` leaves out)."""
    return milestone.due < start or (milestone.completed is not None and milestone.completed < start)


def _open_after(days: list[dt.date], dates: list[dt.date]) -> list[int]:
    """For each date t, how many of *days* are after t (compared by their sort keys: in C, not PlanDate's methods)."""
    keys = sorted(map(order, days))
    return [len(keys) - bisect.bisect_right(keys, order(t)) for t in dates]


# -- releases, test and key milestones ----------------------------------------------


@dataclass(frozen=True)
class Release:
    """A test milestone and the features it verifies: its predecessor milestones."""

    milestone: Milestone
    features: list[Milestone]


def test_milestones(catalog: Catalog, patterns: Sequence[str] = (DEFAULT_TEST_PATTERN,)) -> list[Milestone]:
    """Milestones whose id matches any of *patterns*, by baseline due date."""
    return by_due(m for m in catalog.milestones.values() if matches(m.id, patterns))


def releases(
    catalog: Catalog,
    patterns: Sequence[str] = (DEFAULT_TEST_PATTERN,),
    feature_patterns: Sequence[str] = (),
) -> list[Release]:
    """LDM-564: each test milestone with its predecessors (filtered by *feature_patterns*) as features."""
    result = []
    for m in test_milestones(catalog, patterns):
        features = [
            catalog.milestones[p] for p in m.predecessors
            if p in catalog.milestones and matches(p, feature_patterns)
        ]
        result.append(Release(m, by_due(features)))
    return result


def key_milestones(catalog: Catalog) -> list[Milestone]:
    """Milestones marked as key, by forecast."""
    return by_forecast(m for m in catalog.milestones.values() if m.key_milestone)


def previous_forecasts(history: ScheduleHistory, milestones: Iterable[Milestone]) -> dict[str, dt.date]:
    """Per milestone re-forecast in the history: its forecast before the latest re-forecast."""
    result = {}
    for m in milestones:
        moves = history.reforecasts(m.id)
        if moves:
            result[m.id] = moves[-1][0].effective_forecast
    return result


def external_neighbours(catalog: Catalog, milestones: Iterable[Milestone]) -> list[ExternalMilestone]:
    """Other subsystems' milestones linked to *milestones* (as predecessors or successors), by id."""
    found: set[str] = set()
    for m in milestones:
        found.update(p for p in m.predecessors if p in catalog.external)
        found.update(s for s in catalog.successors_of(m.id) if s in catalog.external)
    return [catalog.external[i] for i in sorted(found)]


def neighbours(catalog: Catalog, milestones: Iterable[Milestone]) -> list[Milestone]:
    """Immediate predecessors and successors of *milestones* that are not among them, by due date."""
    inside = {m.id for m in milestones}
    found: set[str] = set()
    for mid in inside:
        found.update(catalog.milestones[mid].predecessors if mid in catalog.milestones else [])
        found.update(catalog.successors_of(mid))
    return by_due(catalog.milestones[i] for i in found - inside if i in catalog.milestones)

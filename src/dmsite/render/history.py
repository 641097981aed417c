"""Schedule history as HTML: a milestone's slip history, the table of slips, changes between versions."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from .html import esc, link
from .tables import Column, table

if TYPE_CHECKING:  # types only: rendering does not need git
    from ..analyses.history import MilestoneChanges, ScheduleHistory, ScheduleState


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _days(delta: int) -> str:
    return f"{delta:+d} d" if delta else "0 d"


def commit_link(sha: str, repo_url: str | None) -> str:
    short = esc(sha[:8])
    if not sha:
        return "working tree"
    if repo_url:
        return f'<a class="dm-commit" href="{esc(repo_url.rstrip("/"))}/commit/{esc(sha)}"><code>{short}</code></a>'
    return f"<code>{short}</code>"


def milestone_ref(milestone_id: str, known: Collection[str]) -> str:
    """A link to the milestone's entry when it still exists, else its id as plain text."""
    return link("milestone", milestone_id) if milestone_id in known else f'<code class="dm-gone">{esc(milestone_id)}</code>'


def slip_history(states: Sequence[ScheduleState], repo_url: str | None = None) -> str:
    """One milestone's recorded states, oldest first, with the slip of each re-forecast."""
    if not states:
        return '<p class="dm-slip-history dm-empty">No recorded history.</p>'
    rows: list[str] = []
    previous: ScheduleState | None = None
    for s in states:
        if not s.present:
            change = "removed"
        elif previous is None or not previous.present:
            change = "added"
        elif s.completed and not previous.completed:
            change = "completed"
        elif s.effective_forecast != previous.effective_forecast:
            change = "re-forecast " + _days((s.effective_forecast - previous.effective_forecast).days)
        elif s.due != previous.due:
            change = "re-baselined"
        else:
            change = "changed"
        rows.append(
            f"<tr><td>{commit_link(s.commit, repo_url)}</td><td>{_day(s.date)}</td><td>{_day(s.due)}</td>"
            f"<td>{_day(s.effective_forecast)}</td><td>{_day(s.completed)}</td><td>{esc(change)}</td></tr>"
        )
        previous = s
    head = "".join(f'<th scope="col">{t}</th>' for t in ("Commit", "Date", "Due", "Forecast", "Completed", "Change"))
    return (
        f'<table class="dm-table dm-slip-history"><thead><tr>{head}</tr></thead>'
        f"<tbody>\n" + "\n".join(rows) + "\n</tbody></table>"
    )


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def slip_summary(states: Sequence[ScheduleState]) -> str:
    """One line for a milestone's recorded states: how often its forecast and baseline moved, by how much,
    and when its completion was recorded."""
    present = [s for s in states if s.present]
    if not present:
        return "No recorded history."
    first, last = present[0], present[-1]
    moves = sum(a.effective_forecast != b.effective_forecast for a, b in itertools.pairwise(present))
    rebaselines = sum(a.due != b.due for a, b in itertools.pairwise(present))
    parts = []
    if moves:
        slip = (last.effective_forecast - first.effective_forecast).days
        parts.append(f"forecast moved {_times(moves)}, {_days(slip)} since first recorded "
                     f"({_day(first.effective_forecast)} → {_day(last.effective_forecast)})")
    if rebaselines:
        parts.append(f"baseline moved {_times(rebaselines)} ({_day(first.due)} → {_day(last.due)})")
    if last.completed:
        since = list(itertools.takewhile(lambda s: s.completed, reversed(present)))[-1]
        parts.append(f"completed {_day(last.completed)} (recorded {_day(since.date)})")
    if not parts:
        parts.append("dates changed")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


@dataclass(frozen=True)
class _Slip:
    milestone: str
    name: str
    first: dt.date
    latest: dt.date
    count: int

    @property
    def days(self) -> int:
        return (self.latest - self.first).days


def _slip(row: object) -> _Slip:
    return cast(_Slip, row)


def _state(row: object) -> ScheduleState:
    return cast("ScheduleState", row)


def _pair(row: object) -> tuple[ScheduleState, ScheduleState]:
    return cast("tuple[ScheduleState, ScheduleState]", row)


def slip_table(history: ScheduleHistory, known: Collection[str]) -> str:
    """Every milestone re-forecast at least once: first and latest forecast, total slip, count."""
    rows = []
    for mid in history.slipped():
        present = [s for s in history.of(mid) if s.present]
        rows.append(_Slip(mid, present[-1].name, present[0].effective_forecast, present[-1].effective_forecast,
                          len(history.reforecasts(mid))))
    if not rows:
        return '<p class="dm-slip-table dm-empty">No milestone has been re-forecast.</p>'
    columns = [
        Column("Milestone", lambda r: milestone_ref(_slip(r).milestone, known), lambda r: _slip(r).milestone),
        Column("Name", lambda r: esc(_slip(r).name)),
        Column("First forecast", lambda r: _day(_slip(r).first)),
        Column("Latest forecast", lambda r: _day(_slip(r).latest)),
        Column("Slip", lambda r: _days(_slip(r).days), lambda r: f"{_slip(r).days:+08d}"),
        Column("Re-forecasts", lambda r: str(_slip(r).count), lambda r: f"{_slip(r).count:06d}"),
    ]
    return table(rows, columns, css="dm-slip-table")


def changes(ch: MilestoneChanges, since: str, known: Collection[str]) -> str:
    """Milestones added, removed, completed and re-forecast since version *since*."""
    counts = (f"{len(ch.added)} added, {len(ch.removed)} removed, {len(ch.completed)} completed, "
              f"{len(ch.reforecast)} re-forecast")
    parts = [f'<div class="dm-changes"><p class="dm-changes-summary">Since {esc(since)}: {esc(counts)}.</p>']
    def ref(row: object) -> str:
        return milestone_ref(_state(row).milestone, known)

    def name(row: object) -> str:
        return esc(_state(row).name)

    parts.append(_section("added", "Added", ch.added, [
        Column("Milestone", ref), Column("Name", name),
        Column("Due", lambda r: _day(_state(r).due)), Column("Forecast", lambda r: _day(_state(r).effective_forecast)),
    ]))
    parts.append(_section("removed", "Removed", ch.removed, [
        Column("Milestone", ref), Column("Name", name), Column("Due", lambda r: _day(_state(r).due)),
    ]))
    parts.append(_section("completed", "Completed", ch.completed, [
        Column("Milestone", ref), Column("Name", name),
        Column("Due", lambda r: _day(_state(r).due)), Column("Completed", lambda r: _day(_state(r).completed)),
    ]))
    parts.append(_section("reforecast", "Re-forecast", ch.reforecast, [
        Column("Milestone", lambda r: ref(_pair(r)[1])), Column("Name", lambda r: name(_pair(r)[1])),
        Column("Was", lambda r: _day(_pair(r)[0].effective_forecast)),
        Column("Now", lambda r: _day(_pair(r)[1].effective_forecast)),
        Column("Slip", lambda r: _days((_pair(r)[1].effective_forecast - _pair(r)[0].effective_forecast).days)),
    ]))
    parts.append("</div>")
    return "\n".join(parts)


def _section(key: str, title: str, rows: Sequence[object], columns: list[Column]) -> str:
    """A short plain table (no filter box) under its own caption."""
    if not rows:
        return f'<p class="dm-changes-{key} dm-empty">{esc(title)}: none.</p>'
    head = "".join(f'<th scope="col">{esc(c.title)}</th>' for c in columns)
    body = "\n".join("<tr>" + "".join(f"<td>{c.cell(row)}</td>" for c in columns) + "</tr>" for row in rows)
    return (
        f'<table class="dm-table dm-changes-{key}"><caption>{esc(title)} ({len(rows)})</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"
    )

"""The home page's dashboard: counts by status, the overdue few, what is due soon, a small burndown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..analyses.schedule import Burndown, Late, Summary, by_forecast
from ..data.catalog import Catalog, Status
from ..data.model import Milestone
from ..data.provenance import Provenance
from . import charts
from .html import esc
from .milestones import milestone_link, summary_html

WORST = 5  # overdue milestones listed by name
SOON_DAYS = 90  # "due soon": forecast within this many days after the status date


def due_soon(catalog: Catalog, milestones: Sequence[Milestone], days: int = SOON_DAYS) -> list[Milestone]:
    """Open milestones forecast (or, without a forecast, due) within *days* after the status date."""
    end = catalog.status_date + dt.timedelta(days=days)
    return by_forecast(m for m in milestones if catalog.status(m) != Status.COMPLETED
                       and catalog.status_date <= m.effective_forecast <= end)


def _count(number: int, label: str, href: str, css: str) -> str:
    return (f'<a class="dm-count-card {css}" href="{esc(href)}"><span class="dm-count-number">{number}</span>'
            f'<span class="dm-count-label">{esc(label)}</span></a>')


def _items(catalog: Catalog, rows: Sequence[tuple[Milestone, str]], empty: str) -> str:
    if not rows:
        return f'<p class="dm-none">{esc(empty)}</p>'
    return '<ul class="dm-dashboard-list">' + "".join(
        f"<li>{milestone_link(catalog, m.id)}: {esc(m.name)} <span class=\"dm-due\">{esc(note)}</span></li>"
        for m, note in rows) + "</ul>"


def dashboard_html(
    catalog: Catalog, milestones: Sequence[Milestone], stats: Summary, late: Sequence[Late], burndown: Burndown,
    provenance: Provenance | None, links: dict[str, str], subject: str = "The project",
) -> str:
    """The dashboard; *links* maps "table", "overdue" and "by-month" to the pages holding the details."""
    status_date = catalog.status_date.isoformat()
    cards = "".join([
        _count(stats.total, "milestones", links["table"], "dm-card-total"),
        _count(stats.completed, "completed", links["table"], "dm-card-completed"),
        _count(stats.overdue, "overdue", links["overdue"], "dm-card-overdue"),
        _count(stats.open, "open, on schedule", links["by-month"], "dm-card-open"),
    ])
    worst = [(x.milestone, f"due {x.milestone.due.isoformat()}, {x.days} days late") for x in late[:WORST]]
    soon = [(m, f"forecast {m.effective_forecast.isoformat()}") for m in due_soon(catalog, milestones)]
    more = (f'<p class="dm-more"><a href="{esc(links["overdue"])}">All {len(late)} overdue milestones</a></p>'
            if len(late) > WORST else "")
    chart = charts.burndown_svg(burndown, "Open milestones over time", "dm-dashboard-burndown")
    return (
        '<div class="dm-dashboard">'
        f'<div class="dm-count-cards" role="list">{cards}</div>'
        f"{summary_html(stats, provenance, status_date, subject)}"  # the data commit, status date, summary
        f'<figure class="dm-figure dm-burndown-figure dm-dashboard-burndown">{chart}'
        "<figcaption>Open milestones by baseline, forecast and achievement.</figcaption></figure>"
        '<div class="dm-dashboard-grid">'
        f'<section class="dm-dashboard-part"><h2>Overdue: {stats.overdue}</h2>'
        f'{_items(catalog, worst, "No milestones are overdue.")}{more}</section>'
        f'<section class="dm-dashboard-part"><h2>Due in the next {SOON_DAYS} days</h2>'
        f'{_items(catalog, soon, f"Nothing is due in the {SOON_DAYS} days after {status_date}.")}</section>'
        "</div>"
        "</div>"
    )

"""Milestone reports as HTML strings: summary, lists, detail blocks, releases, tables.

Every function returns one HTML string (fast for thousands of milestones); record
links are ``dmsite-ref:`` placeholders resolved by the Sphinx layer.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from ..analyses.schedule import Late, Month, Release, Summary
from ..data.catalog import Catalog, Status
from ..data.dates import shown, sort_key
from ..data.model import ExternalMilestone, Milestone
from ..data.provenance import Provenance
from .bibliography import link_handles
from .history import slip_history, slip_summary
from .html import anchor, esc, link, markdown
from .row_memo import RowMemo
from .tables import LONG_TABLE, Column, table

if TYPE_CHECKING:
    from ..analyses.history import ScheduleState

NO_FEATURES = (
    "No new functionality is associated with this milestone, which represents a refined or "
    "improved version of earlier deliveries."
)


def milestone_link(catalog: Catalog, milestone_id: str) -> str:
    """A link to a milestone's entry; completed ones are marked (italic via CSS), retired ones struck through.

    Another subsystem's milestone links to its own page when its record has a URL, else is named.
    """
    if milestone_id in catalog.external:
        return external_link(catalog.external[milestone_id])
    m = catalog.milestones.get(milestone_id)
    css = "" if m is None else "dm-retired" if m.retired else "dm-completed" if m.completed else ""
    return link("milestone", milestone_id, css=css)


def external_link(x: ExternalMilestone) -> str:
    """Another subsystem's milestone: its id (linked to its URL, if known), titled with its name and owner."""
    where = f" ({x.subsystem})" if x.subsystem else ""
    title = esc(f"{x.name}{where}; another subsystem's milestone")
    if x.url:
        return f'<a class="dm-ref dm-external" href="{esc(x.url)}" title="{title}">{esc(x.id)}</a>'
    return f'<span class="dm-external" title="{title}">{esc(x.id)}</span>'


def _title(catalog: Catalog, m: Milestone) -> str:
    return f"{milestone_link(catalog, m.id)}: {esc(m.name)}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


# -- summary -------------------------------------------------------------------


def summary_html(summary: Summary, provenance: Provenance | None, status_date: str, subject: str) -> str:
    """DMTN-158's summary paragraph, with the provenance sentence before it."""
    levels = ", ".join(f"{n} at Level {level}" for level, n in summary.by_level.items())
    open_total = summary.overdue + summary.open
    text = (
        f"{esc(subject)} is currently tracking {_plural(summary.total, 'milestone')}: {levels}. "
        f"{summary.no_level} {'has' if summary.no_level == 1 else 'have'} no level defined. "
        f"Of these, {summary.completed} {'has' if summary.completed == 1 else 'have'} been completed. "
        f"Of the {open_total} incomplete milestones, {summary.overdue} "
        f"{'is' if summary.overdue == 1 else 'are'} late relative to the baseline schedule, "
        f"while the remainder {'is' if summary.open == 1 else 'are'} scheduled for the future."
    )
    return (
        f'<div class="dm-milestone-summary">{provenance_html(provenance, status_date)}'
        f'<p class="dm-summary">{text}</p></div>'
    )


def provenance_html(provenance: Provenance | None, status_date: str) -> str:
    if provenance and provenance.commit:
        source = (
            f'the data repository at commit <code class="dm-commit" title="{esc(provenance.commit)}">'
            f"{esc(provenance.short)}</code>, dated {esc(provenance.commit_date)}"
        )
    else:
        source = "data that has not been committed to a repository"
    return (
        f'<p class="dm-provenance">This report was generated from {source}. '
        f'It describes the status at <span class="dm-status-date">{esc(status_date)}</span>.</p>'
    )


# -- lists ---------------------------------------------------------------------


def overdue_html(catalog: Catalog, late: Sequence[Late]) -> str:
    if not late:
        return '<p class="dm-note dm-none">No milestones are overdue.</p>'
    items = [
        f'<li>{_title(catalog, x.milestone)} <span class="dm-due">[Due {shown(x.milestone.due)}; '
        f'<span class="dm-days-late">{_plural(x.days, "day")}</span> late]</span></li>'
        for x in late
    ]
    return '<ul class="dm-overdue-list">' + "".join(items) + "</ul>"


def slipping_html(catalog: Catalog, slips: Sequence[Late]) -> str:
    if not slips:
        return '<p class="dm-note dm-none">No open milestone is forecast later than its baseline.</p>'
    items = [
        f"<li>{_title(catalog, x.milestone)} <span class=\"dm-due\">[Baseline {shown(x.milestone.due)}; "
        f"forecast {shown(x.milestone.effective_forecast)}; "
        f'<span class="dm-days-slip">{_plural(x.days, "day")}</span> later]</span></li>'
        for x in slips
    ]
    return '<ul class="dm-slipping-list">' + "".join(items) + "</ul>"


def month_title(month: Month) -> str:
    return f"Due in {calendar.month_name[month.month]} {month.year}"


def empty_months_html(months: Sequence[Month]) -> str:
    """One quiet line for a run of months with nothing due (*months* newest first)."""
    first, last = (calendar.month_name[m.month] + f" {m.year}" for m in (months[-1], months[0]))
    span = f"from {first} to {last}" if len(months) > 1 else f"in {first}"
    return f'<p class="dm-none dm-empty-months">No milestones due {esc(span)}.</p>'


def month_html(catalog: Catalog, month: Month) -> str:
    if not month.milestones:
        return '<ul class="dm-month-list"><li class="dm-none">No milestones due.</li></ul>'
    items = []
    for m in month.milestones:
        done = f' <span class="dm-done">(completed {_completed(m)})</span>' if m.completed else ""
        items.append(f"<li>{_title(catalog, m)}{done}</li>")
    return '<ul class="dm-month-list">' + "".join(items) + "</ul>"


# -- detail blocks ---------------------------------------------------------------


def _links(catalog: Catalog, ids: Iterable[str]) -> str:
    return ", ".join(milestone_link(catalog, i) for i in ids)


def _jira(key: str, jira_url: str | None) -> str:
    if not jira_url:
        return f'<span class="dm-jira">{esc(key)}</span>'
    return f'<a class="dm-jira" href="{esc(jira_url.rstrip("/") + "/" + key)}">{esc(key)}</a>'


def history_html(states: Sequence[ScheduleState], repo_url: str | None = None) -> str:
    """A detail block's "Schedule history": a one-line summary opening the table of recorded states."""
    return (
        f'<details class="dm-schedule-history"><summary>Schedule history: {esc(slip_summary(states))}</summary>'
        f"{slip_history(states, repo_url)}</details>"
    )


def detail_html(
    catalog: Catalog, m: Milestone, jira_url: str | None = None,
    history: Sequence[ScheduleState] = (), repo_url: str | None = None,
) -> str:
    """One milestone's detail block; its element id is the milestone's anchor.

    *history*: the milestone's states recorded in git (shown when given; see ``ScheduleHistory.moved``).
    """
    fields: list[tuple[str, str]] = []
    if m.wbs:
        fields.append(("WBS", link("wbs", catalog.wbs_key(m.wbs) or m.wbs, m.wbs)))
    fields.append(("Level", esc(m.level) if m.level else "none"))
    if m.test_spec:
        fields.append(("Test specification", esc(m.test_spec)))
    if m.predecessors:
        fields.append(("Predecessors", _links(catalog, m.predecessors)))
    if successors := catalog.successors_of(m.id):
        fields.append(("Successors", _links(catalog, successors)))
    fields.append(("Baseline due", shown(m.due)))
    if m.forecast and m.forecast != m.due:
        fields.append(("Forecast", shown(m.forecast)))
    if m.retired:
        fields.append(("Retired", f'<span class="dm-retired-note">left the baseline on {shown(m.retired)}; '
                                  "not counted</span>"))
    plan = f" (test plan {_jira(m.jira_testplan, jira_url)})" if m.jira_testplan else ""
    if m.completed:
        fields.append(("Completed", _completed(m) + plan))
    else:
        fields.append(("Completed", f'<span class="dm-pending">Completion pending</span>{plan}'))
    if m.jira:
        fields.append(("Jira", ", ".join(_jira(k, jira_url) for k in m.jira)))
    if m.aka:
        fields.append(("Formerly", ", ".join(esc(a) for a in m.aka)))
    status = catalog.status(m)
    body = " ".join(f"<dt>{name}</dt> <dd>{value}</dd>" for name, value in fields)  # spaced for search
    description = (
        f'<div class="dm-description">{link_handles(markdown(m.description), catalog)}</div>'
        if m.description
        else '<p class="dm-no-description">No description available.</p>'
    )
    comment = f'<div class="dm-comment"><strong>Comment:</strong> {markdown(m.comment)}</div>' if m.comment else ""
    name_css = {Status.COMPLETED: " dm-completed", Status.RETIRED: " dm-retired"}.get(status, "")
    return (
        f'<div class="dm-milestone-detail dm-status-{status.value}" id="{anchor("milestone", m.id)}">'
        f'<p class="dm-milestone-title"><strong class="dm-milestone-id{name_css}">{esc(m.id)}</strong>: '
        f'{esc(m.name)}<a class="headerlink" href="#{anchor("milestone", m.id)}" title="Link to this milestone">#</a></p>'
        f'<dl class="dm-fields">{body}</dl>{description}{comment}'
        f'{history_html(history, repo_url) if history else ""}</div>'
    )


def details_html(
    catalog: Catalog, milestones: Iterable[Milestone], jira_url: str | None = None,
    histories: Mapping[str, Sequence[ScheduleState]] | None = None, repo_url: str | None = None,
) -> str:
    """The detail blocks; *histories* (id → recorded states) adds a schedule history to those it names."""
    if not histories:
        return "\n".join(detail_html(catalog, m, jira_url) for m in milestones)
    return "\n".join(detail_html(catalog, m, jira_url, histories.get(m.id, ()), repo_url) for m in milestones)


# -- releases, tables ------------------------------------------------------------


def _completed(m: Milestone) -> str:
    """The completion date, marked when it is a placeholder."""
    day = shown(m.completed)
    return f'{day} <span class="dm-estimated">(estimated)</span>' if m.completed_estimated else day


def _due_line(m: Milestone) -> str:
    done = f"completed {_completed(m)}" if m.completed else "" if m.retired else "currently incomplete"
    retired = f"retired {shown(m.retired)} (left the baseline)" if m.retired else ""
    return f"Due: {shown(m.due)}; {'; '.join(part for part in (done, retired) if part)}"


def release_html(catalog: Catalog, release: Release) -> str:
    """LDM-564: the test milestone's due line and its feature list (its predecessors)."""
    head = f'<p class="dm-release-due"><em>{_due_line(release.milestone)}.</em></p>'
    if not release.features:
        return head + f'<p class="dm-no-features">{NO_FEATURES}</p>'
    items = [
        f"<li>{_title(catalog, f)} (<em>{_due_line(f)}</em>)</li>" for f in release.features
    ]
    return head + '<ul class="dm-features">' + "".join(items) + "</ul>"


def release_title(release: Release) -> str:
    m = release.milestone
    return f"{m.short_name or m.name}: {m.id}"


def _status_label(catalog: Catalog, m: Milestone) -> str:
    return catalog.status(m).value


def milestone_table(
    catalog: Catalog, milestones: Sequence[Milestone], caption: str = "", memo: RowMemo | None = None
) -> str:
    """Every milestone in one sortable, filterable table (facets: WBS, level, status); *memo*: rows kept."""

    def ms(row: object) -> Milestone:
        assert isinstance(row, Milestone)
        return row

    columns = [
        Column("Id", lambda r: milestone_link(catalog, ms(r).id), lambda r: ms(r).id),
        Column("Name", lambda r: esc(ms(r).name)),
        Column("WBS", lambda r: esc(ms(r).wbs or ""), lambda r: ms(r).wbs or ""),
        Column("Level", lambda r: esc(ms(r).level or ""), lambda r: str(ms(r).level or "")),
        Column("Baseline due", lambda r: shown(ms(r).due), lambda r: sort_key(ms(r).due)),
        Column("Forecast", lambda r: shown(ms(r).effective_forecast), lambda r: sort_key(ms(r).effective_forecast)),
        Column("Completed", lambda r: _completed(ms(r)) if ms(r).completed else "", lambda r: sort_key(ms(r).completed)),
        Column("Status", lambda r: _status_label(catalog, ms(r)), lambda r: _status_label(catalog, ms(r))),
    ]
    long = str(len(milestones) > LONG_TABLE)  # a long table's cells carry their sort text

    def key(row: object) -> bytes:  # what a row shows: the record's values, its status, how its id links
        m = ms(row)
        assert memo is not None
        return memo.key(m.digest, catalog.status(m).value, long, str(m.id in catalog.external))

    keyed = (memo, key) if memo is not None else None
    return table(milestones, columns, css="dm-milestone-table", caption=caption, facets=(2, 3, 7), memo=keyed)


def test_table(catalog: Catalog, milestones: Sequence[Milestone]) -> str:
    """LDM-503's table of test milestones: id, baseline due, forecast, short name."""
    rows = [
        f"<tr><td>{milestone_link(catalog, m.id)}</td><td>{shown(m.due)}</td>"
        f"<td>{shown(m.effective_forecast)}</td><td>{esc(m.short_name or m.name)}</td></tr>"
        for m in milestones
    ]
    return (
        '<table class="dm-table dm-test-milestones"><thead><tr><th scope="col">Milestone</th>'
        '<th scope="col">Baseline due</th><th scope="col">Forecast</th><th scope="col">Name</th></tr></thead>'
        "<tbody>" + "".join(rows) + "</tbody></table>"
    )


def key_table(catalog: Catalog, milestones: Sequence[Milestone], previous: dict[str, str] | None = None) -> str:
    """Key milestones by forecast; with *previous* (id → earlier forecast) a column shows the change."""
    if not milestones:
        return ('<p class="dm-note dm-none">No milestones are marked as key: add <code>key: true</code> to a '
                "milestone's record in the data to list it here.</p>")
    prev_head = '<th scope="col">Previous forecast</th>' if previous is not None else ""
    rows = []
    for m in milestones:
        prev = f"<td>{esc(previous.get(m.id, ''))}</td>" if previous is not None else ""
        rows.append(
            f"<tr class=\"dm-status-{catalog.status(m).value}\"><td>{milestone_link(catalog, m.id)}</td>"
            f"<td>{esc(m.name)}</td><td>{shown(m.effective_forecast)}</td>{prev}"
            f"<td>{shown(m.due)}</td><td>{_completed(m) if m.completed else ''}</td></tr>"
        )
    return (
        '<table class="dm-table dm-key-milestones"><thead><tr><th scope="col">Milestone</th>'
        f'<th scope="col">Name</th><th scope="col">Forecast</th>{prev_head}<th scope="col">Baseline due</th>'
        '<th scope="col">Completed</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>"
    )

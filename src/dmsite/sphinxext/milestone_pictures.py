"""Milestone pictures: the by-WBS pages with their dependency graphs, dependency graphs, burndowns, the Gantt."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging

from ..analyses import schedule
from ..analyses.history import ScheduleState
from ..data.catalog import Catalog
from ..data.model import Milestone
from ..render import charts, depgraph
from ..render import milestones as render
from ..render.html import note_html
from ..vcs.history import HistoryError
from .graphs import Graph
from .history import build_history
from .scope import SCOPE_OPTIONS, MilestoneDirective, iso_date, scope_of
from .settings import settings

logger = logging.getLogger(__name__)


GRAPH_PERIOD_CAPTION = (
    "Milestones of WBS {code} due in {years} (the element has {count}: it is drawn in several graphs, by years) "
    "and their immediate predecessors and successors. Ellipses correspond to milestones of this element due in "
    "{years}; rectangles to those due in other years or in other elements. Blue milestones have been completed; "
    "orange milestones are overdue."
)


GRAPH_CAPTION = (
    "Relationships between milestones in WBS {code} and their immediate predecessors and successors. "
    "Ellipses correspond to milestones within this WBS element; rectangles to those in other elements. "
    "Blue milestones have been completed; orange milestones are overdue."
)


class ByWbs(MilestoneDirective):
    """Per WBS element: its dependency graph and a detail block per milestone (DMTN-158 "by WBS").

    The detail blocks are the milestones' entries: ``{milestone}`` roles and graph nodes link there.

    Options: the scope options (``:wbs:`` shows one element: put each element on its own page),
    ``:depth:`` (number of code parts of the grouping elements; default: that of the shallowest
    element holding milestones), ``:no-graph:`` (details only), ``:no-sections:`` (no headings;
    for a page that already names its element).

    When the data is in git, the block of each milestone whose dates moved across the commits
    (re-forecast, re-baselined, completed) ends with its schedule history: a one-line summary
    opening the table of recorded states.  The page is read again when the commit changes and
    that history differs.
    """

    option_spec = {
        **SCOPE_OPTIONS, "depth": directives.positive_int, "no-graph": directives.flag,
        "no-sections": directives.flag,
    }

    @staticmethod
    def histories(milestone_ids: list[str]) -> dict[str, list[ScheduleState]]:
        """The recorded states of those milestones whose dates moved (none outside git)."""
        try:
            history = build_history()
        except HistoryError:
            return {}
        return history.moved(milestone_ids) if history else {}

    @classmethod
    def inputs(cls, catalog: Catalog, options: dict[str, Any], arguments: list[str]) -> object:
        """What the output shows (see inputs.py): the milestones; of their neighbours what the graph and the
        links show (name, due date, status, links among the milestones shown); the WBS elements (group
        titles, WBS links), the status date (statuses) and the grouping depth."""
        chosen = schedule.select(catalog, scope_of(options))
        others = schedule.neighbours(catalog, chosen)  # what the graphs draw besides the element's own
        shown = {m.id for m in chosen} | {m.id for m in others}
        seen: dict[str, str] = catalog.derived("neighbour texts", dict)  # the same neighbours on many pages
        for m in others:
            if m.id not in seen:
                seen[m.id] = repr((m.id, m.name, m.short_name, m.due, m.completed is not None, catalog.status(m).value))
        drawn = [seen[m.id] + repr([p for p in m.predecessors if p in shown]) for m in others]
        depth = options.get("depth") or schedule.group_depth(catalog)
        moved = [
            repr((mid, [(s.commit, *s.dates, s.date) for s in states]))
            for mid, states in cls.histories([m.id for m in chosen]).items()
        ]
        external = schedule.external_neighbours(catalog, chosen)
        return [catalog.status_date, depth, list(catalog.wbs.values()), chosen, drawn, moved, external]

    def run(self) -> list[nodes.Node]:
        chosen = self.selected()
        self.note_entries("milestone", [m.id for m in chosen])
        jira_url, repo_url = settings(self.config).jira_url, settings(self.config).repo_url
        self.domain.note_history("inputs")  # the history shown is in inputs()
        histories = self.histories([m.id for m in chosen])
        out: list[nodes.Node] = []
        for group in schedule.by_wbs(self.catalog, chosen, self.options.get("depth")):
            shown = group.element.code if group.element else "(none)"
            title = f"{shown}: {group.element.name}" if group.element else "Milestones without a WBS element"
            body = [] if "no-graph" in self.options else self.wbs_graphs(shown, title, group.milestones)
            body += self.html(render.details_html(self.catalog, group.milestones, jira_url, histories, repo_url))
            if "no-sections" in self.options:
                out += body
            else:
                out.append(self.section(title, body))
        if not chosen:  # still a titled section, so a page made of this directive alone keeps its title
            note = self.html(note_html("No milestones in this selection.", "dm-note dm-none"))
            out += note if "no-sections" in self.options else [self.section(self._empty_title(), note)]
        return out

    def wbs_graphs(self, code: str, title: str, milestones: list[Milestone]) -> list[nodes.Node]:
        """The element's dependency graph, or, for a large element, one per run of years of due dates."""
        graphs = []
        for period, part in depgraph.wbs_graph_parts(milestones):
            graph_id, graph_title = "dm-graph-" + re.sub(r"[^A-Za-z0-9]", "-", code), title
            if period is None:
                caption, legend = GRAPH_CAPTION.format(code=code), depgraph.legend_html()
            else:
                years = depgraph.period_text(period)
                graph_id += "-" + depgraph.period_text(period, "-")
                graph_title += f", due in {years}"
                caption = GRAPH_PERIOD_CAPTION.format(code=code, years=years, count=len(milestones))
                legend = depgraph.legend_html(f"this WBS element, due in {years}", "other years or elements")
            dot = depgraph.wbs_graph_dot(self.catalog, part, graph_id, graph_title)
            graphs.append(Graph(dot, "dependency-graph", f"Dependency graph: {graph_title}", caption, legend))
        return self.graphs(graphs)

    def _empty_title(self) -> str:
        wbs = self.options.get("wbs")
        if wbs == schedule.NO_WBS:
            return "Milestones without a WBS element"
        element = self.catalog.resolve_wbs(wbs)
        return f"{element.code}: {element.name}" if element else "Milestones by WBS"


class DependencyGraph(MilestoneDirective):
    """A dependency graph: ``{dm-dependency-graph} 02C.03`` (one element and its neighbours) or, with
    no argument, the whole project.

    Options: the scope options (``:levels: 1, 2`` keeps a project graph legible),
    ``:no-neighbours:`` (leave out milestones from outside the selection), ``:caption:``.
    """

    optional_arguments = 1
    option_spec = {**SCOPE_OPTIONS, "no-neighbours": directives.flag, "caption": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        code = self.arguments[0] if self.arguments else self.options.get("wbs")
        if code:
            self.options["wbs"] = code
        chosen = self.selected()
        others = [] if "no-neighbours" in self.options else schedule.neighbours(self.catalog, chosen)
        home_label = f"WBS {code}" if code else "the selection"
        graph_id = "dm-graph-" + re.sub(r"[^A-Za-z0-9]", "-", code or "project") + f"-{self.lineno}"
        external = [] if "no-neighbours" in self.options else schedule.external_neighbours(self.catalog, chosen)
        dot = depgraph.dependency_dot(self.catalog, chosen, others, graph_id, home_label, external)
        caption = self.options.get("caption") or (
            GRAPH_CAPTION.format(code=code) if code else
            "Relationships between the selected milestones. Blue milestones have been completed; "
            "orange milestones are overdue."
        )
        legend = depgraph.legend_html(home_label) if code else depgraph.legend_html(home_label, "other parts of the plan")
        return self.graphs([Graph(dot, "dependency-graph", f"Dependency graph of {home_label}", caption, legend)])


class BurndownChart(MilestoneDirective):
    """Open milestones over time by baseline, forecast and achieved, with the status date marked,
    and the values in a table beside the chart.

    Options: the scope options, ``:start:`` and ``:end:`` (ISO dates: the window), ``:title:``,
    ``:before-start: crop`` (the default: the chart starts at ``:start:``, every milestone in scope
    counts) or ``exclude`` (milestones due or completed before ``:start:`` are left out, as
    lsst-dm/milestones does to drop an earlier plan's milestones; the count starts from what was open),
    ``:history: N`` (whole months): a fourth line, "Forecast N months ago", counting down the
    forecasts (or completions) as the data stood N months before the status date, read from git.
    Only milestones in scope that were in the data then count (the caption says how many were
    left out); without git history for that day the caption says so and the line is left out.
    """

    option_spec = {
        **SCOPE_OPTIONS, "start": iso_date, "end": iso_date, "title": directives.unchanged,
        "history": lambda value: _months(value),
        "before-start": lambda value: directives.choice(value, (schedule.CROP, schedule.EXCLUDE)),
    }

    def run(self) -> list[nodes.Node]:
        scope = self.scope()
        if scope.start and scope.end and scope.start >= scope.end:
            self.warn(f"start {scope.start} is not before end {scope.end}")
            return []
        past, note = self.past_forecasts()
        data = schedule.burndown(self.catalog, scope, past, self.options.get("before-start", schedule.CROP))
        title = self.options.get("title", "Open milestones over time")
        chart_id = f"dm-burndown-{self.lineno}"
        return self.html(charts.burndown_figure(data, title, chart_id, (charts.past_note(data) or note) if data.dates else ""))

    def past_forecasts(self) -> tuple[tuple[int, dt.date, dict[str, dt.date]] | None, str]:
        """For ``:history: N``: (N, the day N months before the status date, forecasts then), or a note why not."""
        months = self.options.get("history")
        if not months:
            return None, ""
        self.domain.note_history("always")  # read again when the commit changes
        day = schedule.months_before(self.catalog.status_date, months)
        why = f"No forecast from {months} month{'s' if months > 1 else ''} ago ({day.isoformat()}): "
        try:
            history = build_history()
        except HistoryError as exc:
            return None, why + f"{exc}."
        if history is None:
            return None, why + "the data is not in a git repository."
        then = history.forecast_dates_as_of(day)
        if not then:
            return None, why + "the data has no commit on or before that day."
        return (months, day, then), ""


class GanttChart(MilestoneDirective):
    """A Gantt chart of the milestones in scope (scope options; ``:title:``)."""

    option_spec = {**SCOPE_OPTIONS, "title": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        title = self.options.get("title", "Milestone schedule")
        return self.html(charts.gantt_figure(self.catalog, schedule.by_due(self.selected()), title))



def _months(value: str | None) -> int:
    """``:history: N``: whole months, at most a century back (further is no date a plan holds)."""
    months = int(directives.positive_int(value))
    if months > 1200:
        raise ValueError(f"{months} months: at most 1200 (a century)")
    return months

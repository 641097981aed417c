"""Milestone directives (DMTN-158, LDM-564, LDM-503) and the milestone exports.

Thin: options are parsed here, the analyses live in ``dmsite.schedule`` and the HTML,
DOT and SVG in ``dmsite.render``.  Shared scope options, accepted by every directive
that lists or counts milestones:

``:wbs: CODE``       only milestones in this WBS element or below it (``02C.03``); ``none``: without one
``:ids: A, B*``      only ids starting with one of these prefixes, or matching a ``*`` pattern
``:levels: 1, 2``    only these levels (``none`` selects milestones without a level)
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..analyses import schedule
from ..analyses.history import ScheduleState
from ..data.catalog import Catalog
from ..data.model import Milestone
from ..render import charts, depgraph, milestone_exports
from ..render import milestones as render
from ..render.html import esc
from ..vcs.history import HistoryError
from .base import DataDirective
from .graphs import Graph, graph_figures
from .history import build_history
from .settings import settings
from .state import current

logger = logging.getLogger(__name__)

GRAPH_PERIOD_CAPTION = (
    "Milestones of WBS {code} due in {years} (the element has {count}: it is drawn in several graphs, by years) "
    "and their immediate predecessors and successors. Ellipses correspond to this element's milestones due in "
    "{years}; rectangles to those due in other years or in other elements. Blue milestones have been completed; "
    "orange milestones are overdue."
)
GRAPH_CAPTION = (
    "Relationships between milestones in WBS {code} and their immediate predecessors and successors. "
    "Ellipses correspond to milestones within this WBS element; rectangles to those in other elements. "
    "Blue milestones have been completed; orange milestones are overdue."
)


# -- option converters (a bad value is a located error from docutils) ---------------------------


def id_list(value: str | None) -> tuple[str, ...]:
    items = tuple(v for v in re.split(r"[,\s]+", value or "") if v)
    if not items:
        raise ValueError("give one or more ids, prefixes or patterns")
    return items


def level_list(value: str | None) -> tuple[int | None, ...]:
    levels: list[int | None] = []
    for item in id_list(value):
        if item.lower() == "none":
            levels.append(None)
        elif item in {"1", "2", "3", "4"}:
            levels.append(int(item))
        else:
            raise ValueError(f"level '{item}' is not 1, 2, 3, 4 or none")
    return tuple(levels)


def iso_date(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValueError(f"'{value}' is not a date like 2021-05-10") from None


def wbs_code(value: str | None) -> str:
    return directives.unchanged_required(value).strip()  # type: ignore[no-any-return]


SCOPE_OPTIONS: dict[str, Any] = {"wbs": wbs_code, "ids": id_list, "levels": level_list}


def scope_of(options: dict[str, Any]) -> schedule.Scope:
    return schedule.Scope(
        wbs=options.get("wbs"), ids=options.get("ids", ()), levels=options.get("levels", ()),
        start=options.get("start"), end=options.get("end"),
    )


class MilestoneDirective(DataDirective):
    """Shared option handling: the scope, and section nodes for per-month / per-element output."""

    option_spec: ClassVar[dict[str, Any]] = dict(SCOPE_OPTIONS)

    def scope(self) -> schedule.Scope:
        wbs = self.options.get("wbs")
        if wbs and wbs != schedule.NO_WBS and not self.catalog.has("wbs", wbs):
            self.warn(f"unknown WBS element '{wbs}'")
        return scope_of(self.options)

    def selected(self) -> list[Milestone]:
        return schedule.select(self.catalog, self.scope())

    def section(self, title: str, body: list[nodes.Node]) -> nodes.section:
        """A real section (listed in the page's table of contents) holding *body*."""
        sec = nodes.section()
        sec["names"].append(nodes.fully_normalize_name(title))
        sec += nodes.title(title, title)
        sec += body
        self.state.document.note_implicit_target(sec, sec)
        return sec

    def graphs(self, graphs: list[Graph]) -> list[nodes.Node]:
        """Figures of dependency graphs: laid out in the background by one ``dot``, put in when the page
        is written."""
        return graph_figures(self, graphs, self.data.cache_dir)


class MilestoneSummary(MilestoneDirective):
    """Counts by level, completed and late, after the provenance sentence (DMTN-158 "Summary").

    Options: the scope options, and ``:subject:`` (default "The project"), the sentence's subject.
    """

    option_spec = {**SCOPE_OPTIONS, "subject": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        chosen = self.selected()
        stats = schedule.summary(self.catalog, chosen)
        subject = self.options.get("subject", "The project")
        status_date = self.catalog.status_date.isoformat()
        return self.html(render.summary_html(stats, self.data.provenance, status_date, subject))


class Overdue(MilestoneDirective):
    """Open milestones whose baseline due date is before the status date, with days late. Scope options."""

    def run(self) -> list[nodes.Node]:
        return self.html(render.overdue_html(self.catalog, schedule.overdue(self.catalog, self.selected())))


class Slipping(MilestoneDirective):
    """Open milestones forecast later than their baseline, largest slip first. Scope options."""

    def run(self) -> list[nodes.Node]:
        return self.html(render.slipping_html(self.catalog, schedule.slipping(self.catalog, self.selected())))


class ByMonth(MilestoneDirective):
    """One section per month of baseline due dates, newest first; a run of empty months is one line. Scope options."""

    def run(self) -> list[nodes.Node]:
        found: list[nodes.Node] = []
        empty: list[schedule.Month] = []  # a run of months with nothing due: one line, in the section before
        for month in [*schedule.by_month(self.selected()), None]:
            if month is not None and not month.milestones:
                empty.append(month)
                continue
            if empty:
                line = self.html(render.empty_months_html(empty))
                if found and isinstance(found[-1], nodes.section):
                    found[-1].extend(line)
                else:
                    found += line
                empty = []
            if month is not None:
                found.append(self.section(render.month_title(month), self.html(render.month_html(self.catalog, month))))
        return found


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
        scope = scope_of(options)
        chosen = list(filter(scope.filter(catalog), catalog.milestones.values()))  # any fixed order will do
        inside = {m.id for m in chosen}
        linked = {i for m in chosen for i in (*m.predecessors, *catalog.successors_of(m.id))}
        others = [catalog.milestones[i] for i in sorted(linked - inside) if i in catalog.milestones]
        shown = inside | {m.id for m in others}
        drawn = [
            repr((m.id, m.name, m.short_name, m.due, m.completed is not None, catalog.status(m).value,
                  [p for p in m.predecessors if p in shown]))
            for m in others
        ]
        depth = options.get("depth") or schedule.group_depth(catalog)
        moved = [
            repr((mid, [(s.commit, *s.dates, s.date) for s in states]))
            for mid, states in cls.histories([m.id for m in chosen]).items()
        ]
        external = [catalog.external[i] for i in sorted(linked) if i in catalog.external]
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
            note = self.html('<p class="dm-note dm-none">No milestones in this selection.</p>')
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
        "history": directives.positive_int,
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
        if not data.dates:
            return self.html(charts.burndown_svg(data, title, chart_id))
        note = charts.past_note(data) or note
        return self.html(
            f'<figure class="dm-figure dm-burndown-figure">{charts.burndown_svg(data, title, chart_id)}'
            f"<figcaption>{esc(title)}: milestone completion as a function of date."
            f"{' ' + esc(note) if note else ''}</figcaption></figure>"
            f'<details class="dm-data"><summary>Data table</summary>{charts.burndown_table(data)}</details>'
        )

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


class Releases(MilestoneDirective):
    """LDM-564: one section per test milestone with its due line and feature list (its predecessors).

    Options: ``:pattern:`` test milestone ids (default ``LDM-503-*``; several allowed),
    ``:features:`` which predecessors count as features (patterns or prefixes; default all).
    """

    option_spec = {"pattern": id_list, "features": id_list}

    def run(self) -> list[nodes.Node]:
        patterns = self.options.get("pattern", (schedule.DEFAULT_TEST_PATTERN,))
        features = tuple(p if any(c in p for c in "*?[") else p + "*" for p in self.options.get("features", ()))
        found = schedule.releases(self.catalog, patterns, features)
        if not found:
            return self.html(f'<p class="dm-note dm-none">No test milestones match {esc(", ".join(patterns))}.</p>')
        return [
            self.section(render.release_title(r), self.html(render.release_html(self.catalog, r)))
            for r in found
        ]


class TestMilestones(MilestoneDirective):
    """LDM-503: a table of test milestones (id, baseline due, forecast, name) and their Gantt chart.

    Options: ``:pattern:`` (default ``LDM-503-*``), ``:no-table:``, ``:no-gantt:``, ``:title:``.
    """

    option_spec = {
        "pattern": id_list, "no-table": directives.flag, "no-gantt": directives.flag, "title": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        chosen = schedule.test_milestones(self.catalog, self.options.get("pattern", (schedule.DEFAULT_TEST_PATTERN,)))
        html = ""
        if "no-table" not in self.options:
            html += render.test_table(self.catalog, chosen)
        if "no-gantt" not in self.options:
            title = self.options.get("title", "Test milestones")
            html += f'<div class="dm-graph dm-gantt-chart">{charts.gantt_svg(self.catalog, chosen, title)}</div>'
        return self.html(html)


class GanttChart(MilestoneDirective):
    """A Gantt chart of the milestones in scope (scope options; ``:title:``)."""

    option_spec = {**SCOPE_OPTIONS, "title": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        title = self.options.get("title", "Milestone schedule")
        svg = charts.gantt_svg(self.catalog, schedule.by_due(self.selected()), title)
        return self.html(f'<div class="dm-graph dm-gantt-chart">{svg}</div>')


class KeyMilestones(MilestoneDirective):
    """Milestones marked ``key: true``, sorted by forecast; when the data is in git, a column shows
    each one's forecast before its latest re-forecast.

    Options: the scope options and ``:no-history:`` (leave the previous forecast out).
    """

    option_spec = {**SCOPE_OPTIONS, "no-history": directives.flag}

    def run(self) -> list[nodes.Node]:
        scope = self.scope()
        chosen = list(filter(scope.filter(self.catalog), schedule.key_milestones(self.catalog)))
        previous = None
        if "no-history" not in self.options:
            try:
                history = build_history()
            except HistoryError as exc:
                self.warn(f"no previous forecasts: {exc}")
                history = None
            if history is not None:
                self.domain.note_history("always")  # read again when the commit changes
                found = schedule.previous_forecasts(history, chosen)
                previous = {mid: day.isoformat() for mid, day in found.items()}
        return self.html(render.key_table(self.catalog, chosen, previous))


class MilestoneTable(MilestoneDirective):
    """Every milestone in scope in one table readers can sort and filter (text, WBS, level, status).

    Options: the scope options and ``:caption:``.
    """

    option_spec = {**SCOPE_OPTIONS, "caption": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        table = render.milestone_table(self.catalog, self.selected(), self.options.get("caption", ""))
        return self.html(table, search=False)  # search finds the milestones' entries; the table repeats them


class MilestoneExports(DataDirective):
    """Links to the milestone exports written with the site: JSON, CSV and iCalendar."""

    def run(self) -> list[nodes.Node]:
        _ = self.data  # the page shows data-derived output
        up = "../" * self.env.docname.count("/")  # the exports sit at the root of the HTML output
        links = [
            f'<a class="dm-export" href="{esc(up + name)}" download>{esc(name)}</a> ({label})'
            for name, label in EXPORT_LABELS.items()
        ]
        return self.html('<ul class="dm-exports">' + "".join(f"<li>{x}</li>" for x in links) + "</ul>")


EXPORT_LABELS = {
    "milestones.json": "every milestone, JSON",
    "milestones.csv": "every milestone, CSV for spreadsheets",
    "milestones.ics": "open milestones on their forecast dates, iCalendar",
}


def write_exports(app: Sphinx, exception: Exception | None) -> None:
    """Write milestones.json/.csv/.ics into the HTML output once the build has succeeded."""
    if exception is not None or app.builder.format != "html":
        return
    catalog = current().catalog
    if not catalog.milestones:
        return
    base = app.config.html_baseurl.rstrip("/") + "/" if app.config.html_baseurl else None
    domain = app.env.get_domain("dm")

    def url_of(milestone_id: str) -> str | None:
        entry = domain.entry("milestone", milestone_id)  # type: ignore[attr-defined]
        if base is None or entry is None:
            return None
        return f"{base}{app.builder.get_target_uri(entry[0])}#{entry[1]}"

    outdir = Path(app.outdir)
    outputs = {name: make(catalog) for name, make in milestone_exports.EXPORTS.items()}
    outputs["milestones.ics"] = milestone_exports.milestones_ics(catalog, app.config.project, url_of)
    for name, text in outputs.items():
        (outdir / name).write_bytes(text.encode("utf-8"))


def check_details(app: Sphinx, env: BuildEnvironment) -> None:
    """When the site shows milestone details at all, warn about milestones no page details."""
    domain = env.get_domain("dm")
    shown = {rid for (kind, rid) in domain.data["objects"] if kind == "milestone"}
    if not shown:
        return
    missing = sorted(set(current().catalog.milestones) - shown)
    if missing:
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        logger.warning(
            "%d milestone(s) have no detail entry on any page (links to them go nowhere): %s%s; "
            "add a dm-milestones-by-wbs page for their WBS element",
            len(missing), ", ".join(missing[:10]), more, type="dmsite", subtype="milestone",
        )


DIRECTIVES: dict[str, type[DataDirective]] = {
    "dm-milestone-summary": MilestoneSummary,
    "dm-overdue": Overdue,
    "dm-slipping": Slipping,
    "dm-milestones-by-month": ByMonth,
    "dm-milestones-by-wbs": ByWbs,
    "dm-dependency-graph": DependencyGraph,
    "dm-burndown": BurndownChart,
    "dm-releases": Releases,
    "dm-test-milestones": TestMilestones,
    "dm-gantt": GanttChart,
    "dm-key-milestones": KeyMilestones,
    "dm-milestone-table": MilestoneTable,
    "dm-milestone-exports": MilestoneExports,
}


def setup(app: Sphinx) -> None:
    """Register the milestone directives and the export writer."""
    for name, directive in DIRECTIVES.items():
        app.add_directive(name, directive)
    app.connect("build-finished", write_exports)
    app.connect("env-check-consistency", check_details)

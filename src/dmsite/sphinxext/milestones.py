"""Milestone directives (DMTN-158, LDM-564, LDM-503): the lists and tables, and the registration of all.

Thin: options are read in ``scope`` (the scope options every directive that lists or counts
milestones accepts), the analyses live in ``dmsite.analyses.schedule`` and the HTML, DOT and
SVG in ``dmsite.render``; pictures are in ``milestone_pictures``, the exports in ``milestone_exports``.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging

from ..analyses import schedule
from ..render import charts
from ..render import milestones as render
from ..render.html import note_html
from ..vcs.history import HistoryError
from . import table_rows
from .base import DataDirective
from .history import build_history
from .milestone_exports import MilestoneExports, check_details, write_exports
from .milestone_pictures import BurndownChart, ByWbs, DependencyGraph, GanttChart
from .scope import SCOPE_OPTIONS, MilestoneDirective, id_list

logger = logging.getLogger(__name__)


# -- option converters (a bad value is a located error from docutils) ---------------------------


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
            return self.html(note_html(f"No test milestones match {', '.join(patterns)}.", "dm-note dm-none"))
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
            html += charts.gantt_figure(self.catalog, chosen, title)
        return self.html(html)


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
        rows = table_rows.memo(self.data.cache_dir)
        table = render.milestone_table(self.catalog, self.selected(), self.options.get("caption", ""), rows)
        return self.html(table, search=False)  # search finds the milestones' entries; the table repeats them


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
    app.connect("env-updated", table_rows.save)
    app.connect("env-check-consistency", check_details)

"""``dm-dashboard``: the state of the project on the home page, computed from the catalog at each build."""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx

from ..analyses import schedule
from ..render.dashboard import dashboard_html
from ..render.html import page_url
from .scope import SCOPE_OPTIONS, MilestoneDirective


class Dashboard(MilestoneDirective):
    """Counts by status, the summary sentence with the data commit and status date, the most overdue
    milestones, those due in the next 90 days, and a small burndown.

    Options: the scope options; ``:subject:`` (the summary's subject); ``:table:``, ``:overdue:`` and
    ``:by-month:``, the documents (as in a toctree) the counts link to.
    """

    option_spec: ClassVar[dict[str, Any]] = {
        **SCOPE_OPTIONS, "subject": directives.unchanged, "table": directives.unchanged,
        "overdue": directives.unchanged, "by-month": directives.unchanged,
    }
    DEFAULT_LINKS: ClassVar[dict[str, str]] = {
        "table": "milestones/table", "overdue": "milestones/overdue", "by-month": "milestones/by-month",
    }

    def run(self) -> list[nodes.Node]:
        chosen = self.selected()
        links = {key: page_url(self.options.get(key, doc).strip().lstrip("/")) for key, doc in self.DEFAULT_LINKS.items()}
        html = dashboard_html(
            self.catalog, chosen, schedule.summary(self.catalog, chosen), schedule.overdue(self.catalog, chosen),
            schedule.burndown(self.catalog, self.scope()), self.data.provenance, links,
            self.options.get("subject", "The project"),
        )
        return self.html(html)


def setup(app: Sphinx) -> None:
    app.add_directive("dm-dashboard", Dashboard)

"""What every milestone directive shares: the scope options (``:wbs:``, ``:ids:``, ``:levels:``) and their reading.

``:wbs: CODE``       only milestones in this WBS element or below it (``02C.03``); ``none``: without one
``:ids: A, B*``      only ids starting with one of these prefixes, or matching a ``*`` pattern
``:levels: 1, 2``    only these levels (``none`` selects milestones without a level)
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging

from ..analyses import schedule
from ..data import dates
from ..data.model import Milestone
from .base import DataDirective
from .graphs import Graph, graph_figures

logger = logging.getLogger(__name__)


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
        day = dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValueError(f"'{value}' is not a date like 2021-05-10") from None
    return dates.in_range(day)


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

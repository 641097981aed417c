"""Milestone dependency graphs as DOT text (laid out by ``dmsite.graphviz``).

DMTN-158's convention: milestones of the element shown are ellipses, their neighbours
from other elements rectangles; completed milestones are blue, overdue ones orange,
open ones white.  Graphs run left to right by dependency; milestones without any
link in the graph are packed in a grid instead of one very tall column.
"""

from __future__ import annotations

import functools
import itertools
import re
import textwrap
from collections.abc import Iterable, Sequence

from ..analyses.schedule import by_due, external_neighbours, neighbours
from ..data.catalog import Catalog, Status
from ..data.dates import shown
from ..data.model import ExternalMilestone, Milestone
from .dot import dot_string, dot_tooltip
from .html import esc, ref_url

LABEL_WIDTH = 26  # characters per label line
LABEL_LINES = 3  # name lines shown under the id
GRID_COLUMNS = 6  # isolated milestones per grid row
SPLIT_ABOVE = 120  # an element with more milestones is drawn in several graphs, by years of due dates

# status → (fill, border, font colour)
STATUS_STYLE: dict[Status, tuple[str, str, str]] = {
    Status.COMPLETED: ("#cfe2f3", "#1f5f99", "#0b2e4f"),
    Status.OVERDUE: ("#fbd5a8", "#d35400", "#4a2000"),
    Status.OPEN: ("#ffffff", "#555555", "#222222"),
    Status.RETIRED: ("#eeeeee", "#999999", "#555555"),
}
STATUS_LABEL = {Status.COMPLETED: "completed", Status.OVERDUE: "overdue", Status.OPEN: "open", Status.RETIRED: "retired"}
EXTERNAL_STYLE = ("#f1ebf8", "#6c4f99", "#2e1f47")  # another subsystem's milestone: purple, dashed


def wrap_label(milestone: Milestone) -> str:
    """The node label: the id, then the (short) name wrapped to a few short lines."""
    return milestone.id + "\n" + _wrapped(milestone.short_name or milestone.name)


@functools.lru_cache(maxsize=1 << 16)  # a milestone is drawn in its own graph and its neighbours' graphs
def _wrapped(name: str) -> str:
    lines = textwrap.wrap(name, LABEL_WIDTH, break_long_words=True) or [""]
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1][: LABEL_WIDTH - 1].rstrip() + "…"
    return "\n".join(lines)


def _node_id(prefix: str, milestone_id: str) -> str:
    return f"{prefix}-" + re.sub(r"[^A-Za-z0-9_-]", "_", milestone_id)


def _node(catalog: Catalog, m: Milestone, home: bool, prefix: str) -> str:
    status = catalog.status(m)
    fill, border, font = STATUS_STYLE[status]
    shape = "ellipse" if home else "box"
    tooltip = f"{m.id}: {m.name} ({STATUS_LABEL[status]}; due {shown(m.due)})"
    attrs = [
        f"label={dot_string(wrap_label(m))}",
        f"shape={shape}",
        f'fillcolor="{fill}"',
        f'color="{border}"',
        f'fontcolor="{font}"',
        f"URL={dot_string(ref_url('milestone', m.id))}",
        'target="_top"',
        f"tooltip={dot_tooltip(tooltip)}",
        f"id={dot_string(_node_id(prefix, m.id))}",
        f'class="dm-node dm-{STATUS_LABEL[status]} dm-{"home" if home else "other"}"',
    ]
    if status == Status.OVERDUE:
        attrs.append("penwidth=2")
    if status == Status.COMPLETED:
        attrs.append('style="filled,solid"')
    if status == Status.RETIRED:
        attrs.append('style="filled,dashed"')
    return f"  {dot_string(m.id)} [{', '.join(attrs)}];"


def _external_node(x: ExternalMilestone, prefix: str) -> str:
    """Another subsystem's milestone: a dashed purple box, linked to its page when its URL is known."""
    fill, border, font = EXTERNAL_STYLE
    when = f"; due {shown(x.due)}" if x.due else ""
    done = f"; completed {shown(x.completed)}" if x.completed else ""
    tooltip = f"{x.id}: {x.name} ({x.subsystem or 'another subsystem'}{when}{done})"
    attrs = [
        f"label={dot_string(x.id + chr(10) + _wrapped(x.name))}", "shape=box", 'style="filled,dashed"',
        f'fillcolor="{fill}"', f'color="{border}"', f'fontcolor="{font}"', f"tooltip={dot_tooltip(tooltip)}",
        f"id={dot_string(_node_id(prefix, x.id))}", 'class="dm-node dm-external"',
    ]
    if x.url:
        attrs += [f"URL={dot_string(x.url)}", 'target="_top"']
    return f"  {dot_string(x.id)} [{', '.join(attrs)}];"


def dependency_dot(
    catalog: Catalog,
    home: Sequence[Milestone],
    others: Sequence[Milestone] = (),
    graph_id: str = "dm-graph",
    title: str = "",
    external: Sequence[ExternalMilestone] = (),
) -> str:
    """DOT text for *home* milestones plus *others* (drawn as neighbours) and *external* ones (other
    subsystems'), edges predecessor → successor."""
    shown = {m.id: m for m in [*home, *others]}
    home_ids = {m.id for m in home}
    drawn = shown.keys() | {x.id for x in external}
    nodes: list[Milestone | ExternalMilestone] = [*shown.values(), *external]
    edges = sorted((pred, m.id) for m in nodes for pred in m.predecessors if pred in drawn and pred != m.id)
    linked = {n for edge in edges for n in edge}
    lines = [
        f"digraph {dot_string(graph_id)} {{",
        f'  graph [rankdir=LR, newrank=true, nodesep=0.12, ranksep=0.35, bgcolor="transparent", '
        f'fontname="Helvetica", id={dot_string(graph_id)}, tooltip={dot_tooltip(title or graph_id)}];',
        '  node [fontname="Helvetica", fontsize=10, style=filled, margin="0.06,0.03", height=0.3];',
        '  edge [color="#777777", arrowsize=0.6];',
    ]
    ordered = by_due(shown.values())[::-1]  # dot stacks a rank's first nodes at the bottom: oldest on top
    lines += [_node(catalog, m, m.id in home_ids, graph_id) for m in ordered]
    lines += [_external_node(x, graph_id) for x in external]
    lines += [
        f"  {dot_string(a)} -> {dot_string(b)} [id={dot_string(f'{graph_id}-e{i}')}];"
        for i, (a, b) in enumerate(edges)
    ]
    lines += _grid([m.id for m in reversed(ordered) if m.id not in linked], graph_id)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _grid(isolated: list[str], graph_id: str) -> list[str]:
    """Invisible edges that lay unlinked milestones out in rows of GRID_COLUMNS, not one column."""
    lines = []
    for row_start in range(0, len(isolated), GRID_COLUMNS):
        row = isolated[row_start:row_start + GRID_COLUMNS]
        lines += [
            f"  {dot_string(a)} -> {dot_string(b)} [style=invis, id={dot_string(f'{graph_id}-g{row_start + i}')}];"
            for i, (a, b) in enumerate(itertools.pairwise(row))
        ]
    return lines


def legend_html(home_label: str = "this WBS element", other_label: str = "other WBS elements") -> str:
    """An HTML legend for dependency graphs (colours and shapes, with words for each)."""
    def swatch(status: Status | None, shape: str) -> str:
        fill, border, _ = STATUS_STYLE[status] if status else EXTERNAL_STYLE
        dash = ' stroke-dasharray="3 2"' if status in (None, Status.RETIRED) else ""
        if shape == "ellipse":
            figure = f'<ellipse cx="14" cy="8" rx="12" ry="6.5" fill="{fill}" stroke="{border}" stroke-width="1.5"/>'
        else:
            figure = (f'<rect x="2" y="1.5" width="24" height="13" fill="{fill}" stroke="{border}" '
                      f'stroke-width="1.5"{dash}/>')
        return f'<svg class="dm-swatch" width="28" height="16" aria-hidden="true">{figure}</svg>'

    items = [
        f"<li>{swatch(Status.OPEN, 'ellipse')} milestone in {esc(home_label)}</li>",
        f"<li>{swatch(Status.OPEN, 'box')} milestone in {esc(other_label)}</li>",
        f"<li>{swatch(Status.COMPLETED, 'box')} completed (blue)</li>",
        f"<li>{swatch(Status.OVERDUE, 'box')} overdue (orange)</li>",
        f"<li>{swatch(Status.OPEN, 'box')} open (white)</li>",
        f"<li>{swatch(Status.RETIRED, 'box')} retired (grey, dashed)</li>",
        f"<li>{swatch(None, 'box')} another subsystem's (purple, dashed)</li>",
    ]
    return '<ul class="dm-legend" aria-label="Legend">' + "".join(items) + "</ul>"


Period = tuple[int, int]  # first and last year of due dates


def wbs_graph_parts(milestones: Iterable[Milestone]) -> list[tuple[Period | None, list[Milestone]]]:
    """How to draw an element: all its milestones in one graph (period None), or, above SPLIT_ABOVE, one
    graph per run of whole years holding at most SPLIT_ABOVE of them (or one year, if it holds more) —
    hundreds of nodes in one graph can be neither read nor laid out quickly."""
    home = by_due(milestones)
    if len(home) <= SPLIT_ABOVE:
        return [(None, home)]
    parts: list[list[Milestone]] = []
    for _, year in itertools.groupby(home, key=lambda m: m.due.year):
        due_then = list(year)
        if parts and len(parts[-1]) + len(due_then) <= SPLIT_ABOVE:
            parts[-1] += due_then
        else:
            parts.append(due_then)
    return [((part[0].due.year, part[-1].due.year), part) for part in parts]


def period_text(period: Period, dash: str = "–") -> str:
    first, last = period
    return str(first) if first == last else f"{first}{dash}{last}"


def wbs_graph_dot(catalog: Catalog, milestones: Iterable[Milestone], graph_id: str, title: str) -> str:
    """One WBS element's milestones and their immediate neighbours from other elements."""
    home = by_due(milestones)
    return dependency_dot(catalog, home, neighbours(catalog, home), graph_id, title, external_neighbours(catalog, home))

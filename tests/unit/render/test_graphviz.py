"""Graph layouts with the real ``dot``: several graphs laid out by one process, errors kept to their graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.milestones import catalog

from dmsite.graphviz import graph_key, render_svg, start_renders
from dmsite.render import depgraph

BROKEN = "digraph broken { a -> }\n"


def _graphs() -> list[str]:
    """Dependency graphs as a by-WBS page draws them (every element with an id of its own)."""
    cat = catalog()
    return [
        depgraph.wbs_graph_dot(cat, [m], f"dm-graph-{i}", m.name)
        for i, m in enumerate(sorted(cat.milestones.values(), key=lambda m: m.id)[:3])
    ]


def _alone(dot: str) -> str:
    return render_svg(dot)  # no cache, nothing started: its own dot process


def test_graphs_laid_out_together_equal_each_laid_out_alone(tmp_path: Path) -> None:
    graphs = _graphs()
    keys = start_renders(graphs, tmp_path)
    assert keys == [graph_key(dot) for dot in graphs]
    together = [render_svg(dot, tmp_path) for dot in graphs]
    assert together == [_alone(dot) for dot in graphs]
    assert [svg.count(f'<g id="dm&#45;graph&#45;{i}" class="graph"') for i, svg in enumerate(together)] == [1, 1, 1]
    assert all(svg.startswith("<svg") and svg.endswith("</svg>\n") for svg in together)
    assert sorted(p.name for p in tmp_path.glob("*.svg")) == sorted(f"{key}.svg" for key in keys)  # each cached


def test_a_broken_graph_fails_alone(tmp_path: Path) -> None:
    first, second, *_ = _graphs()
    start_renders([first, BROKEN, second], tmp_path)
    assert render_svg(first, tmp_path) == _alone(first)
    with pytest.raises(RuntimeError, match=r"dot failed: .*syntax error"):
        render_svg(BROKEN, tmp_path)
    assert render_svg(second, tmp_path) == _alone(second)
    assert not (tmp_path / f"{graph_key(BROKEN)}.svg").exists()

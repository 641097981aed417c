"""Graph layouts with the real ``dot``: several graphs laid out by one process, errors kept to their graph;
fake programs that fail, print garbage or hang; PDF for other builders."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.milestones import catalog

from dmsite import graphviz
from dmsite.graphviz import GraphvizError, graph_key, render, render_svg, start_renders
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
    with pytest.raises(GraphvizError, match=r"dot failed: .*syntax error"):
        render_svg(BROKEN, tmp_path)
    assert render_svg(second, tmp_path) == _alone(second)
    assert not (tmp_path / f"{graph_key(BROKEN)}.svg").exists()


@pytest.fixture
def fake_dot(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Point graphviz at a shell script (restoring ``dot`` and the time limit afterwards)."""

    def install(script: str) -> Path:
        path = tmp_path / "fake-dot"
        path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
        path.chmod(0o755)
        graphviz.set_program(str(path))
        return path

    yield install
    graphviz.set_program()
    graphviz.set_timeout()


def test_each_failure_is_a_graphviz_error_with_its_reason(fake_dot: Callable[[str], Path]) -> None:
    dot = _graphs()[0]
    graphviz.set_program("/nonexistent/dot")
    with pytest.raises(GraphvizError, match="graphviz program '/nonexistent/dot' was not found") as missing:
        render_svg(dot)
    fake_dot("exit 0\n").chmod(0o644)
    with pytest.raises(GraphvizError, match=r"graphviz program '.*fake-dot' is not executable"):
        render_svg(dot)
    fake_dot("echo 'Error: bad' >&2; exit 2\n")
    with pytest.raises(GraphvizError, match=r"fake-dot failed: Error: bad") as failed:
        render_svg(dot)
    fake_dot("exit 4\n")
    with pytest.raises(GraphvizError, match=r"fake-dot failed: exit status 4"):
        render_svg(dot)
    fake_dot("cat >/dev/null; echo '<html>'\n")
    with pytest.raises(GraphvizError, match=r"its output is not one SVG picture"):
        render_svg(dot)
    with pytest.raises(GraphvizError, match=r"its output is not PDF"):
        render(dot, "pdf")
    fake_dot("exec /bin/sleep 30\n")
    graphviz.set_timeout(0.5)
    with pytest.raises(GraphvizError, match=r"fake-dot did not finish within 0.5 s") as hung:
        render_svg(dot)
    assert (missing.value.reason, failed.value.reason, hung.value.reason) == ("missing", "failed", "timeout")


def test_a_batch_that_cannot_run_is_not_retried_graph_by_graph(
    fake_dot: Callable[[str], Path], tmp_path: Path
) -> None:
    runs = tmp_path / "runs"
    fake_dot(f"echo run >> {runs}; exec /bin/sleep 30\n")
    graphviz.set_timeout(0.5)
    graphs = _graphs()
    start_renders(graphs, tmp_path / "cache")
    errors = []
    for dot in graphs:
        with pytest.raises(GraphvizError) as error:
            render_svg(dot, tmp_path / "cache")
        errors.append(error.value.reason)
    assert errors == ["timeout"] * len(graphs)
    assert runs.read_text().split() == ["run"]  # one run for the batch, none per graph
    assert not list((tmp_path / "cache").glob("*.svg"))


def test_render_gives_pdf_and_svg_bytes_through_the_cache(tmp_path: Path) -> None:
    dot = _graphs()[0]
    pdf = render(dot, "pdf", tmp_path)
    assert pdf.startswith(b"%PDF")
    assert (tmp_path / f"{graph_key(dot)}.pdf").read_bytes() == pdf
    assert render(dot, "svg", tmp_path) == render_svg(dot).encode()
    assert (tmp_path / f"{graph_key(dot)}.svg").exists()
    with pytest.raises(ValueError, match="not one of svg, pdf, png"):
        render(dot, "gif")


def test_the_program_is_part_of_the_cache_key(fake_dot: Callable[[str], Path]) -> None:
    dot = _graphs()[0]
    key = graph_key(dot)
    fake_dot("exit 1\n")
    assert graph_key(dot) != key  # a layout by another program is not taken for this one's


def test_a_new_build_does_not_get_a_layout_an_earlier_one_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A layout started ahead with a broken ``dot`` on PATH, and never asked for, is not the next build's."""
    dot = _graphs()[0]
    broken = tmp_path / "bin"
    broken.mkdir()
    (broken / "dot").write_text("#!/bin/sh\necho 'dot: broken' >&2\nexit 3\n")
    (broken / "dot").chmod(0o755)
    monkeypatch.setenv("PATH", f"{broken}{os.pathsep}{os.environ['PATH']}")
    (key,) = graphviz.start_renders([dot])
    graphviz._started[key].result()  # laid out (and failed) while the broken dot was on PATH
    monkeypatch.undo()
    graphviz.forget_started()  # what a new build does (sphinxext/settings.py)
    assert render_svg(dot).startswith("<svg")

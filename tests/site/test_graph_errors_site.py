"""Every graph directive when graphviz cannot draw: a real ``sphinx-build`` with ``dot`` missing, failing,
printing garbage or hanging ends with one warning per directive and a note where the graph would be."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from support.products import write_data
from support.site import Site

# page → (directive, its line in the page, figure class)
GRAPHS = {
    "deps": ("dm-dependency-graph", 3, "dm-figure"),
    "wbs": ("dm-milestones-by-wbs", 3, "dm-figure"),
    "tree": ("dm-product-tree", 3, "dm-product-tree"),
    "org": ("dm-org-chart", 3, "dm-org-chart"),
    "docs": ("dm-document-tree", 3, "dm-document-tree"),
}
PAGES = {
    "deps": ":::{dm-dependency-graph} 02C.03\n:caption: Zanzibar dependencies\n:::\n",
    "wbs": ":::{dm-milestones-by-wbs}\n:::\n",
    "tree": ":::{dm-product-tree}\n:caption: Zanzibar products\n:::\n",
    "org": ":::{dm-org-chart}\n:caption: Zanzibar organisation\n:::\n",
    "docs": ":::{dm-document-tree}\n:caption: Zanzibar documents\n:::\n",
}
MILESTONES = """
- id: DM-AP-1
  name: First light of SFP
  wbs: "02C.03.01"
  due: 2020-01-01
- id: DM-AP-2
  name: Alerts flow
  wbs: "02C.03"
  due: 2020-06-01
  predecessors: [DM-AP-1]
- id: DM-DRP-1
  name: First coadd
  wbs: "02C.04"
  due: 2020-09-01
  predecessors: [DM-AP-2]
"""
DOCUMENTS = """
- handle: LDM-148
  title: Data Management System Design
- handle: LDM-151
  title: Science Pipelines Design
  relations: [{to: LDM-148, type: derives}]
"""
SCRIPTS = {
    "failing": '#!/bin/sh\necho "Error: fake dot refuses" >&2\nexit 3\n',
    "garbage": "#!/bin/sh\ncat > /dev/null\necho 'this is not a picture'\n",
    # not exec: the sleep is a child the timeout must stop too (its pid noted in PIDS)
    "hanging": "#!/bin/sh\n/bin/sleep 30 &\necho $! >> PIDS\nwait\n",
}
REASONS = {
    "absent": r"graphviz program 'dot' was not found",
    "nonexistent": r"graphviz program '/nonexistent/bin/dot' was not found",
    "failing": r"dot failed: Error: fake dot refuses",
    "garbage": r"dot failed: its output is not one SVG picture",
    "hanging": r"dot did not finish within 1 s",
}


def _running(pid: int) -> bool:
    """Whether process *pid* still runs (a killed one may linger as a zombie until it is reaped)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    return not re.search(r"^State:\s*[ZX]", status, flags=re.M)


@dataclass
class Build:
    site: Site
    returncode: int
    output: str
    seconds: float

    def warnings(self) -> list[str]:
        return [line for line in self.output.splitlines() if "WARNING" in line or "ERROR" in line]

    def page(self, name: str) -> BeautifulSoup:
        return self.site.page(name)


def _site(root: Path, case: str) -> Site:
    conf = ""
    if case == "nonexistent":
        conf = "dmsite_dot = '/nonexistent/bin/dot'\n"
    elif case == "hanging":
        conf = "dmsite_dot_timeout = 1\n"
    site = Site(root / "site", extra_conf=conf)
    write_data(site)
    site.write("data/milestones/milestones.yaml", MILESTONES)
    site.write("data/documents/documents.yaml", DOCUMENTS)
    site.write("index.md", "# Graphs\n\n```{toctree}\n" + "\n".join(PAGES) + "\n```\n")
    for name, body in PAGES.items():
        site.write(f"{name}.md", f"# {name}\n\n{body}")
    site.conf()
    return site


def _path(root: Path, case: str) -> str:
    """A PATH holding no graphviz, or a fake ``dot`` of the kind *case* names."""
    bin_dir = root / "bin"
    bin_dir.mkdir()
    if case in SCRIPTS:
        script = bin_dir / "dot"
        script.write_text(SCRIPTS[case].replace("PIDS", str(root / "sleeping.pids")), encoding="utf-8")
        script.chmod(0o755)
    return str(bin_dir)


def _build(root: Path, case: str, *options: str) -> Build:
    site = _site(root, case)
    env = {**os.environ, "PATH": _path(root, case)}
    command = [sys.executable, "-m", "sphinx", "-b", "html", *options, str(site.root), str(site.outdir)]
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)
    return Build(site, done.returncode, done.stdout + done.stderr, time.monotonic() - start)


@pytest.fixture(scope="module", params=list(REASONS))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Build]:
    case: str = request.param
    return case, _build(tmp_path_factory.mktemp(case), case)


def test_the_build_succeeds_with_one_warning_per_graph_directive(built: tuple[str, Build]) -> None:
    case, build = built
    assert build.returncode == 0, build.output
    assert "Traceback" not in build.output
    if case == "hanging":
        assert build.seconds < 25  # the fake dot sleeps 30 s: each batch is stopped after 1 s, and not retried
        pids = [int(pid) for pid in (build.site.root.parent / "sleeping.pids").read_text().split()]
        assert pids
        assert not [pid for pid in pids if _running(pid)]  # the program's children are stopped with it
    expected = {
        (f"{page}.md", line, directive) for page, (directive, line, _) in GRAPHS.items()
    }
    found = set()
    for warning in build.warnings():
        match = re.search(r"(\w+\.md):(\d+): WARNING: (dm-[\w-]+): graph not drawn: (.*)", warning)
        assert match, f"unexpected warning: {warning}"
        assert re.search(REASONS[case], match.group(4)), warning
        found.add((match.group(1), int(match.group(2)), match.group(3)))
    assert found == expected
    assert len(build.warnings()) == len(expected)  # several graphs of one directive: still one warning


def test_each_page_says_where_its_graph_is_missing_and_why(built: tuple[str, Build]) -> None:
    case, build = built
    for page, (_, _, figure_class) in GRAPHS.items():
        figures = build.page(page).select(f"figure.{figure_class}")
        assert figures, page
        for figure in figures:
            assert figure.select_one(".dm-graph svg") is None
            assert figure.select_one(".dm-legend") is None  # no legend for a graph not drawn
            note = figure.select_one(".dm-graph > p.dm-graph-error")
            assert note is not None, page
            assert note.get_text().startswith("Graph not drawn: ")
            assert re.search(REASONS[case], note.get_text()), note.get_text()
            assert figure.figcaption is not None and figure.figcaption.get_text().strip(), page  # caption kept


@pytest.mark.parametrize("case", list(REASONS))
def test_with_warnings_as_errors_the_build_fails_with_the_message(tmp_path: Path, case: str) -> None:
    build = _build(tmp_path, case, "-W")
    assert build.returncode == 1
    assert "Traceback" not in build.output and "Exception occurred" not in build.output
    assert re.search(r"docs\.md:3: (WARNING|ERROR): dm-document-tree: graph not drawn: " + REASONS[case], build.output)

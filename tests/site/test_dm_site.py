"""The LSST DM site itself, built the way ``make html`` builds it: clean, complete, and a rebuild is a no-op."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from support import REPO_ROOT

ROOT = REPO_ROOT

pytestmark = pytest.mark.slow


def _sphinx_build(outdir: Path) -> subprocess.CompletedProcess[str]:
    """``make html``'s command: warnings are errors."""
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-j", "auto",
         "-c", str(ROOT), str(ROOT / "content"), str(outdir)],
        capture_output=True, text=True, timeout=600, check=False, cwd=ROOT,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    outdir = tmp_path_factory.mktemp("dm-site") / "html"
    done = _sphinx_build(outdir)
    assert done.returncode == 0, done.stderr[-3000:]
    return outdir, done


def _page(outdir: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((outdir / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def test_builds_with_warnings_as_errors_and_every_section_present(built: tuple[Path, object]) -> None:
    outdir, _ = built
    home = _page(outdir, "index")
    sections = [a.get_text(strip=True) for a in home.select(".toctree-wrapper a.reference")]
    for title in ("Organisation", "Products", "Milestones", "Releases", "Documents", "Traceability", "Glossary"):
        assert any(title in s for s in sections), (title, sections)
    summary = " ".join(_page(outdir, "milestones/index").select_one(".dm-summary").get_text().split())
    assert "379 milestones" in summary  # DMTN-158's (the six LDM-564-only ones retired; see test_dm_site_dmtn158)


def test_the_home_page_counts_link_to_their_pages(built: tuple[Path, object]) -> None:
    outdir, _ = built
    cards = {a["class"][1]: a["href"] for a in _page(outdir, "index").select("a.dm-count-card")}
    assert cards == {"dm-card-total": "milestones/table.html", "dm-card-completed": "milestones/table.html",
                     "dm-card-overdue": "milestones/overdue.html", "dm-card-open": "milestones/by-month.html"}
    assert all((outdir / href).exists() for href in cards.values())


def test_a_rebuild_without_changes_reads_and_writes_nothing(built: tuple[Path, object]) -> None:
    outdir, _ = built
    page = outdir / "milestones" / "table.html"
    before = page.stat().st_mtime_ns
    again = _sphinx_build(outdir)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "configuration has changed" not in again.stdout.lower()
    assert "0 added, 0 changed, 0 removed" in again.stdout
    assert "no targets are out of date" in again.stdout, again.stdout
    assert page.stat().st_mtime_ns == before

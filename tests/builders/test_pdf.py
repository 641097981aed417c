"""The DM site and the DM documents as PDFs, read the way a reader reads them: pdftotext, and the LaTeX log."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO_ROOT

from dmsite.analyses import schedule
from dmsite.data.dates import shown
from dmsite.data.load import build_catalog

ROOT = REPO_ROOT
STATUS_DATE = dt.date(2021, 5, 10)  # conf.py's

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not all(shutil.which(t) for t in ("xelatex", "latexmk", "pdftotext", "rsvg-convert")),
                       reason="PDF tools missing: make pdf-deps"),
]


def _latex(source: str, conf: str, outdir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "latex", "-W", "--keep-going", "-j", "2", "-q", "-c", str(ROOT / conf),
         str(ROOT / source), str(outdir)],
        capture_output=True, text=True, timeout=600, check=False, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def _compile(outdir: Path, tex: str) -> tuple[list[str], str]:
    """latexmk as ``make pdf`` runs it; returns the PDF's pages as text and the LaTeX log."""
    done = subprocess.run(["latexmk", "-pdf", "-dvi-", "-ps-", "-interaction=nonstopmode", "-halt-on-error", "-quiet", tex],
                          capture_output=True, text=True, timeout=600, check=False, cwd=outdir)
    log = (outdir / tex).with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert done.returncode == 0, log[-3000:]
    text = subprocess.run(["pdftotext", "-layout", str((outdir / tex).with_suffix(".pdf")), "-"],
                          capture_output=True, text=True, check=True).stdout
    return text.split("\f"), log


def _flat(text: str) -> str:
    """The text as read: lines joined; an identifier broken at one of its own hyphens read whole."""
    return re.sub(r"(?<=\w)- (?=\w)", "-", " ".join(text.split()))


def _overfull(log: str) -> list[float]:
    return [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log) if float(w) > 10]


@pytest.fixture(scope="module")
def catalog() -> object:
    return build_catalog(ROOT / "content" / "data", STATUS_DATE)


@pytest.fixture(scope="module")
def site_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], str]:
    outdir = tmp_path_factory.mktemp("dm-pdf") / "latex"
    _latex("content", ".", outdir)
    pages, log = _compile(outdir, "lsst-dm-plan.tex")
    return outdir, pages, log


def test_the_site_pdf_holds_the_overdue_milestones_with_their_dates(site_pdf: tuple[Path, list[str], str],
                                                                    catalog: object) -> None:
    _, pages, _ = site_pdf
    text = _flat("\n".join(pages))
    overdue = text.split("Currently overdue milestones")[1].split("Slipping milestones")[0]
    late = schedule.overdue(catalog, schedule.select(catalog, schedule.Scope()))  # type: ignore[arg-type]
    assert len(late) > 20
    for item in late:
        m = item.milestone
        assert f"{m.id}:" in overdue and f"[Due {m.due.isoformat()};" in overdue, m.id


def test_the_site_pdf_lists_each_release_with_its_features(site_pdf: tuple[Path, list[str], str], catalog: object) -> None:
    _, pages, _ = site_pdf
    text = _flat("\n".join(pages))
    releases = schedule.releases(catalog, (schedule.DEFAULT_TEST_PATTERN,), ("DM-*",))  # type: ignore[arg-type]
    assert releases
    chapter = text[text.index("Releases of DM software"):]
    for release in releases:
        start = chapter.index(f": {release.milestone.id}")
        section = chapter[start:start + 6000]
        for feature in release.features:
            assert f"{feature.id}: {_flat(feature.name)}"[:60] in section, (release.milestone.id, feature.id)


def test_the_site_pdf_has_the_product_table_rows(site_pdf: tuple[Path, list[str], str], catalog: object) -> None:
    _, pages, _ = site_pdf
    table = "\n".join(p for p in pages if all(h in p for h in ("Owner", "Packages", "Description")))  # its header, repeated
    products = list(catalog.products.values())  # type: ignore[attr-defined]
    words = set(table.replace(",", " ").split())
    assert len(products) > 100
    broken = {w[:-1] for w in words if w.endswith("-") and len(w) > 2}  # a word hyphenated at a cell's line end

    def shown(word: str) -> bool:
        return word in words or any(word.startswith(start) for start in broken)

    for product in products:  # a cell's text may wrap over lines: each word of the name is there
        assert all(shown(w) for w in product.name.replace(",", " ").split()), product.id


def test_the_site_pdf_draws_its_graphs_as_vector_pages_and_nothing_overflows(site_pdf: tuple[Path, list[str], str]) -> None:
    outdir, pages, log = site_pdf
    tex = (outdir / "lsst-dm-plan.tex").read_text(encoding="utf-8")
    figures = re.findall(r"\\sphinxincludegraphics(?:\[[^]]*\])?\{\{(dmsite-figures/[^}]*)\}\.pdf\}", tex)
    assert len(set(figures)) > 20
    assert all(f"{f}.pdf" in log for f in set(figures))  # every figure was read into the PDF
    text = "\n".join(pages)
    assert "not drawn" not in text and "??" not in text  # no missing pictures, no unresolved references
    # a graph is vector text: the Alert Production graph's node labels are on its page, with its caption
    graph_page = next(p for p in pages if "Relationships between milestones in WBS 1.02C.03" in p)
    assert "DM-AP-10" in graph_page and "DM-AP-15" in graph_page
    assert _overfull(log) == []  # nothing wider than the margin by more than 10 pt


def test_the_dm_documents_build_as_pdfs_from_the_same_data(tmp_path: Path, catalog: object) -> None:
    outdir = tmp_path / "docs"
    _latex("pdf", "pdf", outdir)
    pages, log = _compile(outdir, "LDM-503-milestones.tex")
    text = _flat("\n".join(pages))
    assert text.startswith("LDM-503: Data Management Test Milestones")
    assert "Status at 2021-05-10" in text
    for m in schedule.test_milestones(catalog, (schedule.DEFAULT_TEST_PATTERN,)):  # type: ignore[arg-type]
        # the row, with its dates as a reader sees them ("February 2019" may wrap within its cell)
        row = text.split(f"{m.id} ", 1)[1].split()[:12]
        assert all(word in row for word in (*shown(m.due).split(), *shown(m.effective_forecast).split())), m.id
    assert "DM test milestones (LDM-503) in the schedule" in text  # the Gantt chart's caption
    assert _overfull(log) == []
    for name in ("DMTN-158.tex", "LDM-564.tex"):  # written too (make pdf compiles them)
        body = (outdir / name).read_text(encoding="utf-8")
        assert r"\sphinxincludegraphics" in body and "<li" not in body and "dmsite-ref" not in body

"""Every builder gets the data: text, LaTeX and single-page HTML of small sites and of the DM site, and dmsite
beside sphinxcontrib-bibtex."""

from __future__ import annotations

import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docutils import nodes
from sphinx.testing.util import SphinxTestApp
from support import REPO_ROOT
from support.milestones import MILESTONES, WBS
from support.site import Site

from dmsite.sphinxext.htmlnodes import Converter

ROOT = REPO_ROOT

INDEX = """
# Milestones

Completed: {milestone}`DM-AP-1`; open: {milestone}`DM-AP-3`.

## Currently overdue milestones

:::{dm-overdue}
:::

## All milestones

:::{dm-milestone-table}
:::

## Test milestones

:::{dm-test-milestones}
:::

## By WBS

:::{dm-milestones-by-wbs}
:::
"""

# enough milestones for a table that runs over pages (a longtable)
MANY = "".join(
    f"""
- id: DM-X-{i}
  name: Extra milestone number {i} with a longer name to wrap in its column
  wbs: "02C.04"
  due: 2020-0{1 + i % 9}-15
"""
    for i in range(40)
)


def build(site: Site, builder: str, extra_conf: str = "") -> tuple[Path, str]:
    """Build *site* with *builder* (its own output and environment); returns (output folder, warnings)."""
    site.extra_conf = extra_conf
    site.conf()
    warnings = StringIO()
    app = SphinxTestApp(builder, srcdir=site.root, builddir=site.root / f"_build-{builder}", status=StringIO(),
                        warning=warnings, freshenv=True)
    try:
        app.build(force_all=True)
    finally:
        app.cleanup()
    return Path(app.outdir), warnings.getvalue()


@pytest.fixture
def milestones_site(site: Site) -> Site:
    site.write("data/wbs/wbs.yaml", WBS)
    site.write("data/milestones/ms.yaml", MILESTONES + MANY)
    site.write("index.md", INDEX)
    return site


def test_text_builder_shows_the_overdue_milestones_their_dates_tables_and_graphs_in_words(milestones_site: Site) -> None:
    outdir, warnings = build(milestones_site, "text")
    assert warnings == ""
    text = (outdir / "index.txt").read_text(encoding="utf-8")
    overdue = text.split("Currently overdue milestones")[1].split("All milestones")[0]
    overdue = " ".join(overdue.split())  # as read, not as wrapped
    assert "DM-AP-2: Alard & Lupton-style image differencing. [Due 2020-06-01; 343 days late]" in overdue
    assert "DM-AP-3" in overdue and "DM-AP-1:" not in overdue  # completed ones are not overdue
    assert re.search(r"\|\s*DM-X-39\s*\|\s*Extra milestone", text)  # a table row, in a text table
    assert "Alert distribution <b>integrated</b>." in text  # data text as written, not as markup
    assert "[Dependency graph: 1.02C.03: Alert Production]" in text  # a graph said in words where no picture can be shown
    assert "dmsite-ref:" not in text and "<" not in text.replace("<b>", "").replace("</b>", "")


def test_latex_builder_writes_long_tables_internal_links_italic_completed_ids_and_pdf_graphs(
    milestones_site: Site,
) -> None:
    outdir, warnings = build(milestones_site, "latex", 'latex_documents = [("index", "site.tex", "Site", "A", "howto")]\n')
    assert warnings == ""
    tex = (outdir / "site.tex").read_text(encoding="utf-8")
    assert r"\begin{longtable}" in tex and r"\endhead" in tex  # repeated header rows on each page
    labels = set(re.findall(r"\\label\{\\detokenize\{([^}]*)\}\}", tex))
    links = re.findall(r"\\hyperref\[\\detokenize\{([^}]*)\}\]", tex)
    record_links = [t for t in links if ":milestone-" in t]
    assert len(record_links) > 40 and set(record_links) <= labels  # every record link lands on an entry
    italic = set(re.findall(r"\\sphinxstyleemphasis\{\{\\hyperref\[\\detokenize\{index:milestone-([^}]*)\}", tex))
    assert {"DM-AP-1", "DM-DRP-1", "LDM-503-02"} <= italic  # completed: italics (DMTN-158)
    assert not italic & {"DM-AP-2", "DM-AP-3", "LDM-503-10"}  # open: roman
    figures = re.findall(r"\\sphinxincludegraphics(?:\[[^]]*\])?\{\{([^}]*)\}(\.pdf)\}", tex)
    assert len(figures) >= 3  # the WBS graphs (dot) and the Gantt chart (rsvg-convert)
    for base, ext in figures:
        assert (outdir / f"{base}{ext}").read_bytes()[:5] == b"%PDF-"
    assert "dmsite-ref" not in tex and "<li>" not in tex


def test_markup_without_a_conversion_is_reported_naming_it() -> None:
    class Sink:
        def __init__(self) -> None:
            self.warnings: list[str] = []

        def link(self, href: str, content: list[nodes.Node]) -> list[nodes.Node]:
            return content

        def picture(self, svg: str | None, graph_key: str | None, alt: str, inline: bool) -> list[nodes.Node]:
            return [nodes.Text(alt)]

        def warn(self, message: str) -> None:
            self.warnings.append(message)

    sink = Sink()
    out = Converter(sink).convert('<p>Before <blink>kept</blink> after</p><table><tr><td colspan="2">a</td></tr></table>')
    assert out[0].astext() == "Before kept after"  # the text stays
    assert sink.warnings == ["shown as plain text (no conversion for this builder): <blink>"]
    assert out[1].next_node(nodes.entry)["morecols"] == 1


def test_a_builder_that_cannot_convert_a_picture_says_so_naming_the_directive(milestones_site: Site) -> None:
    """A graph whose layout fails (bad dot on the PATH) gives one warning naming the directive, and text in its place."""
    fake = milestones_site.root / "bin"
    fake.mkdir()
    (fake / "dot").write_text("#!/bin/sh\necho 'dot: broken' >&2\nexit 3\n")
    (fake / "dot").chmod(0o755)
    import os

    old = os.environ["PATH"]
    os.environ["PATH"] = f"{fake}:{old}"
    try:
        outdir, warnings = build(milestones_site, "latex", 'latex_documents = [("index", "s.tex", "S", "A", "howto")]\n')
    finally:
        os.environ["PATH"] = old
    assert "{dm-milestones-by-wbs}: picture not drawn: dot failed: dot: broken" in warnings
    assert "{[}Dependency graph: 1.02C.03: Alert Production: not drawn{]}" in (outdir / "s.tex").read_text(encoding="utf-8")


# -- the DM site ------------------------------------------------------------------------------------


def _dm_build(builder: str, outdir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", builder, "-W", "--keep-going", "-j", "2", "-q",
         "-c", str(ROOT), str(ROOT / "content"), str(outdir)],
        capture_output=True, text=True, timeout=600, check=False, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.slow
def test_dm_site_as_text_holds_the_overdue_milestones_and_the_releases(tmp_path: Path) -> None:
    _dm_build("text", tmp_path / "text")
    overdue = (tmp_path / "text" / "milestones" / "overdue.txt").read_text(encoding="utf-8")
    overdue = " ".join(overdue.split())
    assert "DM-AP-10: Advanced single frame measurement pipeline for Alert Production. [Due 2020-06-01;" in overdue
    releases = (tmp_path / "text" / "releases" / "index.txt").read_text(encoding="utf-8")
    releases = " ".join(releases.split())
    assert "LDM-503-01" in releases and "*DM-SUIT-3*: Time series analysis tool for WISE data" in releases  # completed: *italics*


@pytest.mark.slow
def test_dm_site_as_one_html_page_every_record_link_lands_in_the_page(tmp_path: Path) -> None:
    _dm_build("singlehtml", tmp_path / "single")
    page = BeautifulSoup((tmp_path / "single" / "index.html").read_text(encoding="utf-8"), "lxml")
    ids = {t["id"] for t in page.find_all(id=True)}
    hrefs = [a["href"] for a in page.select("a.dm-ref, a.dm-cite")]
    hrefs += [a["href"] for a in page.select("a.reference.internal") if a.find(class_="dm")]
    hrefs += [a["xlink:href"] for a in page.find_all("a") if a.get("xlink:href", "").startswith(("#", "dmsite"))]
    assert len(hrefs) > 5000
    broken = [h for h in hrefs if not h.startswith("#") or h[1:] not in ids]
    assert broken == []
    assert not page.find(string=re.compile("Graph not drawn"))
    assert len(page.select("svg .node")) > 300  # the dependency graphs are in the page


# -- dmsite beside sphinxcontrib-bibtex ---------------------------------------------------------------

BIB = """
@article{Juric2017,
  author = {Jurić, Mario and Kantor, Jeffrey},
  title = {The LSST Data Management System},
  journal = {ASP Conference Series},
  year = {2017},
}
"""
DOCUMENTS = """
- handle: LDM-148
  title: Data Management System Design
  authors: [Kian-Tat Lim]
  year: 2018
  url: https://ls.st/LDM-148
"""
BIB_INDEX = """
# Home

The system {cite:p}`Juric2017` is designed in {dm:cite}`LDM-148`; see {milestone}`DM-AP-1`.

:::{dm-milestones-by-wbs}
:no-graph:
:::

## References

```{dm-references}
```

```{bibliography}
```
"""


@pytest.mark.parametrize("builder", ["html", "latex"])
def test_dmsite_loads_beside_sphinxcontrib_bibtex_and_both_cite(site: Site, builder: str) -> None:
    pytest.importorskip("sphinxcontrib.bibtex")
    site.write("data/wbs/wbs.yaml", WBS)
    site.write("data/milestones/ms.yaml", MILESTONES)
    site.write("data/documents/docs.yaml", DOCUMENTS)
    site.write("refs.bib", BIB)
    site.write("index.md", BIB_INDEX)
    conf = 'extensions.append("sphinxcontrib.bibtex")\nbibtex_bibfiles = ["refs.bib"]\n'
    conf += 'latex_documents = [("index", "s.tex", "S", "A", "howto")]\n'
    outdir, warnings = build(site, builder, conf)
    assert warnings == ""
    if builder == "html":
        page = BeautifulSoup((outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
        body = page.get_text(" ")
        assert "Mario Jurić and Jeffrey Kantor" in body and "[ JK17 ]" in body  # bibtex's citation and list
        assert page.select_one("a.dm-cite").get("href") == "#cite-LDM-148"  # dmsite's citation, to its list
        assert page.find(id="cite-LDM-148") is not None and "Data Management System Design" in body
    else:
        tex = (outdir / "s.tex").read_text(encoding="utf-8")
        assert "Data Management System Design" in tex and "Jurić" in tex  # both reference lists, in LaTeX
        assert r"\hyperref[\detokenize{index:cite-LDM-148}]" in tex and r"\label{\detokenize{index:cite-LDM-148}}" in tex

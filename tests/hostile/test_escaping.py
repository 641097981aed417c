"""Attack strings in every text field of every record: every sink shows them as text and runs nothing.

One site (tests/hostile_site.py: every directive, every kind of record) is built once for this
module; its HTML pages, inline SVGs, exports (CSV, JSON, iCalendar) and the graphs' DOT (laid
out by the real ``dot``) are checked, and a headless chromium visits every page.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from docutils.parsers.rst import directives as rst_directives
from sphinx.testing.util import SphinxTestApp
from support.browser import serve
from support.hostile import ALL, PAYLOADS, PWN, STATUS_DATE, write_site

from dmsite.analyses import documents as document_tree
from dmsite.analyses.schedule import by_due
from dmsite.cli import main
from dmsite.data.catalog import Catalog
from dmsite.data.load import build_catalog
from dmsite.graphviz import render_svg
from dmsite.render import depgraph, documents, organisation, products
from dmsite.render.dot import dot_string, dot_tooltip

pytestmark = pytest.mark.xdist_group("hostile-site")

NEEDS_GIT = {"dm-changes", "dm-slip-history"}  # compare commits: not part of this (non-git) site
SVG_NS = {"svg": "http://www.w3.org/2000/svg"}
XLINK = "{http://www.w3.org/1999/xlink}"
URL_ATTRS = {"href", "src", "xlink:href", "action", "formaction", "data", "poster", "background"}
FORMULA = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Built:
    root: Path
    outdir: Path
    records: dict[str, list[dict[str, Any]]]
    catalog: Catalog
    warnings: str
    directives: list[str]  # every dm-* directive the extension registers

    def pages(self) -> list[Path]:
        return sorted(self.outdir.glob("*.html"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("hostile") / "site"
    records = write_site(root)
    warnings = StringIO()
    app = SphinxTestApp("html", srcdir=root, builddir=root / "_build", status=StringIO(), warning=warnings)
    try:
        registered = sorted(n for n in rst_directives._directives if n.startswith("dm-"))  # type: ignore[attr-defined]
        app.build()
    finally:
        app.cleanup()
    catalog = build_catalog(root / "data", dt.date.fromisoformat(STATUS_DATE), base=root)
    assert catalog.problems == []
    return Built(root, root / "_build" / "html", records, catalog, warnings.getvalue(), registered)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# ---------------------------------------------------------------- the data set and the build


def test_every_field_of_every_kind_holds_every_payload_and_every_directive_is_used(built: Built) -> None:
    from support.hostile import DIRECTIVES_USED

    assert set(built.directives) - NEEDS_GIT <= set(DIRECTIVES_USED)
    assert len(built.records) == 10 and all(len(rows) > len(PAYLOADS) for rows in built.records.values())
    for kind, rows in built.records.items():
        texts = {v for row in rows for v in row.values() if isinstance(v, str)}
        assert ALL in texts or " ".join(ALL.split()) in texts or " ".join(ALL.split())[:200] in texts, kind
        assert all(p in texts or " ".join(p.split()) in texts for p in PAYLOADS), kind
    assert "WARNING" not in built.warnings and "ERROR" not in built.warnings, built.warnings


# ---------------------------------------------------------------- HTML


def _scripts(page: BeautifulSoup) -> set[str]:
    """Each script as its src (without query) or its text (page name blanked)."""
    return {
        s["src"].split("?")[0] if s.get("src") else re.sub(r"pagename = '[^']*'", "pagename = ''", s.get_text())
        for s in page.find_all("script")
    }


def test_html_pages_hold_no_markup_from_the_data(built: Built) -> None:
    # the theme's and Sphinx's own scripts, as on the pages without data
    theirs = _scripts(soup(built.outdir / "genindex.html")) | _scripts(soup(built.outdir / "search.html"))
    assert "searchindex.js" in theirs and len(theirs) >= 8
    for path in built.pages():
        page = soup(path)
        assert _scripts(page) <= theirs, path.name
        assert page.find_all(["iframe", "object", "embed", "foreignobject", "base"]) == [], path.name
        for element in page.find_all(True):
            for name, value in element.attrs.items():
                text = " ".join(value) if isinstance(value, list) else str(value)
                assert not name.lower().startswith("on"), (path.name, element.name, name)
                if name.lower() in URL_ATTRS:
                    scheme = re.sub(r"[\s\x00-\x1f]", "", text).lower()
                    assert not scheme.startswith(("javascript:", "data:", "vbscript:")), (path.name, text[:80])
        assert not page.select("img[src=x]"), path.name


def test_payloads_are_shown_as_text(built: Built) -> None:
    """Escaped, not dropped: readers see exactly what the data says."""
    table = soup(built.outdir / "table.html").select_one("table.dm-records-milestones")
    rows = {tr.find("td").get_text(): [td.get_text() for td in tr.find_all("td")] for tr in table.select("tbody tr")}
    for i, payload in enumerate(PAYLOADS):
        cells = rows[f"DM-H-{i:02d}"]
        assert cells[1] == " ".join(payload.split()), i  # name: one line (a line break in it is refused)
        assert " ".join(cells[4].split()) == cells[1]  # comment
    people = soup(built.outdir / "records.html").select_one("table.dm-records-people").get_text()
    wbs = soup(built.outdir / "wbs.html").get_text()
    for payload in PAYLOADS:
        shown = " ".join(payload.split())  # names are one line
        assert shown in " ".join(people.split()) and shown in " ".join(wbs.split())
    # Markdown descriptions: no link to javascript:, no raw HTML, MyST syntax left as it is
    entries = soup(built.outdir / "wbs-H.02.html")
    assert f"<script>{PWN}</script>" in entries.get_text()
    assert "{raw}`html" in entries.get_text()
    assert "dmsite-ref:milestone:DM-H-01\" onmouseover" in soup(built.outdir / "table.html").get_text()  # no link made


# ---------------------------------------------------------------- SVG and DOT


def _svg_elements(markup: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", markup, flags=re.S)]


def _assert_inert(svg: ET.Element, where: str) -> None:
    for element in svg.iter():
        tag = element.tag.split("}")[-1].lower()
        assert tag not in ("script", "foreignobject", "iframe", "image", "animate", "set"), (where, tag)
        for name, value in element.attrib.items():
            local = name.split("}")[-1].lower()
            assert not local.startswith("on"), (where, name)
            if local == "href":
                assert not value.strip().lower().startswith(("javascript:", "data:")), (where, value[:80])


def test_inline_svgs_are_well_formed_and_inert(built: Built) -> None:
    count = 0
    for path in [*built.pages(), *built.outdir.rglob("*.svg")]:
        for svg in _svg_elements(path.read_text(encoding="utf-8")):
            _assert_inert(svg, path.name)
            count += 1
    assert count >= 15  # graphs, charts and legend swatches


def _lay_out(dot: str) -> ET.Element:
    return ET.fromstring(render_svg(dot))


def _nodes(svg: ET.Element) -> dict[str, ET.Element]:
    found = {}
    for g in svg.iterfind(".//svg:g", SVG_NS):
        if "node" not in g.get("class", "").split():
            continue
        title = g.find("svg:title", SVG_NS)
        assert title is not None and title.text is not None
        assert title.text not in found, title.text
        found[title.text] = g
    return found


def _texts(node: ET.Element) -> list[str]:
    return ["".join(t.itertext()).replace("\xa0", " ") for t in node.iterfind(".//svg:text", SVG_NS)]


def _tooltip(node: ET.Element) -> str | None:
    link = node.find(".//svg:a", SVG_NS)
    return None if link is None else link.get(f"{XLINK}title")


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def test_dependency_graph_keeps_its_nodes_edges_labels_and_tooltips(built: Built) -> None:
    catalog = built.catalog
    milestones = by_due(catalog.milestones.values())
    svg = _lay_out(depgraph.dependency_dot(catalog, milestones, graph_id="g", title=ALL))
    _assert_inert(svg, "dependency graph")
    nodes = _nodes(svg)
    assert set(nodes) == set(catalog.milestones)
    for m in milestones:
        assert "\n".join(_texts(nodes[m.id])) == depgraph.wrap_label(m), m.id
        status = depgraph.STATUS_LABEL[catalog.status(m)]
        assert _tooltip(nodes[m.id]) == _lines(f"{m.id}: {m.name} ({status}; due {m.due.isoformat()})"), m.id
    edges = {"".join(g.find("svg:title", SVG_NS).itertext()) for g in svg.iterfind(".//svg:g[@class='edge']", SVG_NS)}
    links = {f"{p}->{m.id}" for m in milestones for p in m.predecessors}
    assert links <= edges
    assert all(a in catalog.milestones and b in catalog.milestones for a, b in (e.split("->") for e in edges))
    graph_title = svg.find("svg:g/svg:g/svg:a", SVG_NS)
    assert graph_title is not None and graph_title.get(f"{XLINK}title") == _lines(ALL)


def test_product_tree_and_org_chart_show_names_literally(built: Built) -> None:
    catalog = built.catalog
    roots = [p for p in catalog.products.values() if not p.parent]
    tree = _lay_out(products.product_tree_dot(catalog, roots))
    _assert_inert(tree, "product tree")
    nodes = _nodes(tree)
    assert set(nodes) == set(catalog.products)
    for product in catalog.products.values():
        texts = _texts(nodes[product.id])
        assert texts[0] == " ".join(product.name.split()), product.id
        hint = f"{product.name}: {product.description}" if product.description else product.name
        assert _tooltip(nodes[product.id]) == " ".join(hint.split()), product.id
    chart = _lay_out(organisation.org_chart_dot(catalog))
    _assert_inert(chart, "org chart")
    nodes = _nodes(chart)
    assert set(nodes) == {*catalog.roles, "dm legend"}
    for role in catalog.roles.values():
        assert _texts(nodes[role.id])[0] == " ".join(role.title.split()), role.id
    clusters = ["".join(g.find("svg:title", SVG_NS).itertext()) for g in chart.iterfind(".//svg:g[@class='cluster']", SVG_NS)]
    assert len(clusters) == len(organisation.teams(catalog))


def test_document_tree_keeps_labels_tooltips_and_relation_names(built: Built) -> None:
    catalog = built.catalog
    docs = document_tree.tree_documents(catalog)
    svg = _lay_out(documents.tree_dot(catalog, docs))
    _assert_inert(svg, "document tree")
    nodes = _nodes(svg)
    assert set(nodes) == {d.handle for d in docs} | {"dm legend"}
    for doc in docs:
        title = textwrap.wrap(doc.title, 30)[:3] if doc.title != doc.handle else []
        assert "\n".join(_texts(nodes[doc.handle])) == "\n".join([doc.handle, *title]), doc.handle
        assert _tooltip(nodes[doc.handle]) == _lines(f"{doc.handle}: {doc.title} ({doc.status})"), doc.handle
    legend = " ".join(_texts(nodes["dm legend"]))
    for doc in docs:
        for relation in doc.relations:
            assert "→ " + " ".join(relation.type.split()) in legend


@pytest.mark.parametrize("text", [
    r"\N \G \L \E \T \H \l \n \r", r'\"', "end\\", "\\\\", '"]; evil [label="x', "<<b>html</b>>", "} { a -> b }",
    "two\nlines", "cr\rlf\r\nend",
])
def test_dot_strings_show_backslashes_and_quotes_literally(text: str) -> None:
    """Real `dot`: a label and a tooltip show the text exactly; the graph keeps its two nodes."""
    svg = _lay_out(f'digraph g {{ "n" [label={dot_string(text)}, tooltip={dot_tooltip(text)}, URL="x"]; "m"; }}\n')
    nodes = _nodes(svg)
    assert set(nodes) == {"n", "m"}
    assert "\n".join(_texts(nodes["n"])) == _lines(text)
    assert _tooltip(nodes["n"]) == _lines(text)


# ---------------------------------------------------------------- exports


def _export(built: Built, fmt: str, tmp_path: Path) -> str:
    out = tmp_path / f"catalog.{fmt}"
    code = main(["export", str(built.root / "data"), "--status-date", STATUS_DATE, "--format", fmt, "-o", str(out)])
    assert code == 0
    return out.read_bytes().decode("utf-8")


def _neutral(value: str) -> str:
    return "'" + value if value.startswith(FORMULA) else value


def test_csv_cells_never_start_a_formula(built: Built, tmp_path: Path) -> None:
    site_csv = (built.outdir / "milestones.csv").read_bytes().decode("utf-8")
    for text in (site_csv, _export(built, "csv", tmp_path)):
        rows = list(csv.reader(io.StringIO(text, newline="")))
        cells = [cell for row in rows for cell in row]
        assert len(cells) > 400
        assert not [c for c in cells if c.startswith(FORMULA)]
    site_rows = list(csv.DictReader(io.StringIO(site_csv, newline="")))
    by_id = {r["id"]: r for r in site_rows}
    for record in built.records["milestones"]:
        for field in ("name", "description", "comment", "test_spec", "category"):
            if field in record:
                assert by_id[record["id"]][field] == _neutral(record[field]), (record["id"], field)


def test_json_round_trips_every_string(built: Built, tmp_path: Path) -> None:
    whole = json.loads(_export(built, "json", tmp_path))
    for kind, rows in built.records.items():
        exported = {r[{"wbs": "code", "documents": "handle", "glossary": "term"}.get(kind, "id")]: r for r in whole[kind]}
        for record in rows:
            key = record.get("id") or record.get("code") or record.get("handle") or record["term"]
            for field, value in record.items():
                if isinstance(value, str) and field not in ("due", "completed", "forecast"):
                    assert exported[key][field] == value, (kind, key, field)
    site = json.loads((built.outdir / "milestones.json").read_text(encoding="utf-8"))
    names = {m["id"]: m["name"] for m in site["milestones"]}
    assert names == {r["id"]: r["name"] for r in built.records["milestones"]}


ICS_PROPERTIES = {
    "BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "X-WR-CALNAME", "UID", "DTSTAMP", "DTSTART", "DTEND",
    "SUMMARY", "DESCRIPTION", "CATEGORIES", "URL",
}


def _unescape_ics(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_ics_has_no_injected_lines_and_escapes_every_text(built: Built) -> None:
    raw = (built.outdir / "milestones.ics").read_bytes()
    text = raw.decode("utf-8")
    physical = text.split("\r\n")
    assert physical[-1] == "" and all("\r" not in line and "\n" not in line for line in physical)
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    unfolded: list[str] = []
    for line in physical[:-1]:
        if line.startswith((" ", "\t")):
            unfolded[-1] += line[1:]
        else:
            unfolded.append(line)
    names = [re.split(r"[;:]", line, maxsplit=1)[0] for line in unfolded]
    assert set(names) <= ICS_PROPERTIES, sorted(set(names) - ICS_PROPERTIES)
    # lenient readers split on any line break Python knows: still nothing injected
    assert not [line for line in text.splitlines() if line.startswith(("ATTENDEE", "X-EVIL", "BEGIN:VALARM", "TRIGGER"))]
    events = [line for line in unfolded if line == "BEGIN:VEVENT"]
    open_ = [m for m in built.catalog.milestones.values() if m.completed is None]
    assert len(events) == len(open_) and names.count("END") == len(open_) + 1
    summaries = {_unescape_ics(line.split(":", 1)[1]) for line in unfolded if line.startswith("SUMMARY:")}
    assert summaries == {_ics_lines(f"{m.id}: {m.name}") for m in open_}
    assert 'PRODID:-//Hostile\\; site\\, with \\\\ backslash//milestones//EN' in unfolded


def _ics_lines(text: str) -> str:
    """What a reader sees: every kind of line break as a newline."""
    return re.sub(r"\r\n|[\r\n\x85\u2028\u2029]", "\n", text)


# ---------------------------------------------------------------- URLs


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JavaScript:alert(1)", "  javascript:alert(1)", "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "file:///etc/passwd",
    'https://example.org/" onmouseover="alert(1)', "https://example.org/<script>",
])
@pytest.mark.parametrize("kind", ["documents", "institutions"])
def test_unsafe_urls_are_refused_with_a_located_error(
    kind: str, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key, name = ("handle", "title") if kind == "documents" else ("id", "name")
    path = tmp_path / "data" / kind / "x.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(f"- {key}: R-1\n  {name}: Record\n  url: {json.dumps(url)}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "data", "--status-date", STATUS_DATE]) == 1
    err = capsys.readouterr().err
    assert re.fullmatch(rf"data/{kind}/x\.yaml:3:3: R-1: url: '.*' is not an http\(s\) or relative link\n", err), err


@pytest.mark.parametrize("url", ["https://example.org/a?b=1&c=%22#x", "http://example.org", "../page.html#x", "/abs/p"])
def test_http_and_relative_urls_are_accepted(url: str, tmp_path: Path) -> None:
    path = tmp_path / "data" / "documents" / "x.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(f"- handle: R-1\n  title: Record\n  url: {json.dumps(url)}\n", encoding="utf-8")
    catalog = build_catalog(tmp_path / "data", dt.date(2021, 5, 10), base=tmp_path)
    assert catalog.problems == [] and catalog.documents["R-1"].url == url


# ---------------------------------------------------------------- in a browser


@pytest.mark.browser
def test_browser_runs_nothing_from_the_data(built: Built, browser_page) -> None:
    page = browser_page.page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with serve(built.outdir) as url:
        for path in built.pages():
            page.goto(url + path.name)
            page.wait_for_load_state("load")
            for node in page.locator("svg g.node a").all()[:5]:  # hovering shows tooltips; runs nothing
                node.hover()
            assert page.evaluate("typeof window.__pwned") == "undefined", path.name
        page.goto(url + "table.html")
        page.fill(".dm-filter input[type=search]", "onerror")
        assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
    assert browser_page.errors == []

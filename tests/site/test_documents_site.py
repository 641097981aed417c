"""Documents in a real build: citations, reference lists, auto-citation, the document tree, .bib import."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sphinx.errors import SphinxError
from support.site import Site

from dmsite.data.load import build_catalog

DOCUMENTS = """
- handle: LDM-148
  title: Data Management System Design
  authors: [Kian-Tat Lim, "Bosch, Jim", Gregory Dubois-Felsmann, Tim Jenness, Jeff Kantor]
  year: 2018
  url: https://ls.st/LDM-148
  relations: [{to: LSE-61, type: derives}]
- handle: LSE-61
  title: LSST Data Management Subsystem Requirements
  authors: [Gregory Dubois-Felsmann]
  year: 2016
  url: https://ls.st/LSE-61
- handle: LDM-151
  title: Data Management Science Pipelines Design
  authors: [Mario Jurić, Robert Lupton]
  year: 2017
  status: draft
  relations: [{to: LDM-148, type: derives}]
- handle: LDM-999
  title: Future plan <script>alert(1)</script>
  status: planned
  relations: [{to: LDM-148, type: plans}]
  description: Will refine LDM-151 §3.1 and LDM-1480.
- handle: LDM-1480
  title: Unrelated <b>note</b>
"""

INDEX = """
# Home

The design is {cite}`LDM-148`; see also {cite}`NOPE-1`.

```{toctree}
documents
```

## References

```{dm-references}
```
"""

DOCS_PAGE = """
# Documents

```{dm-document-tree}
:caption: The DM document tree
```

```{dm-documents}
```

```{dm-references}
:all:
```
"""


def _write(site: Site, documents: str = DOCUMENTS) -> None:
    site.write("data/documents/documents.yaml", documents)
    site.write("index.md", INDEX)
    site.write("documents.md", DOCS_PAGE)


def test_cite_role_links_to_the_pages_reference_entry(site: Site) -> None:
    _write(site)
    warnings = site.build()
    assert re.search(r"index\.md:\d+: WARNING: unknown document 'NOPE-1' cited", warnings), warnings
    page = site.page("index")
    cite = page.select_one(".dm-citation a.dm-cite")
    assert cite is not None and cite.get_text() == "LDM-148" and cite["href"] == "#cite-LDM-148"
    assert page.select_one(".dm-citation").get_text() == "[LDM-148]"
    entries = page.select("ol.dm-references > li")
    assert [li["id"] for li in entries] == ["cite-LDM-148"]  # only what the page cites
    text = " ".join(entries[0].get_text().split())
    assert text == (
        "[LDM-148], Lim, K.-T., Bosch, J., Dubois-Felsmann, G., et al., 2018, Data Management System Design, "
        "LDM-148, URL https://ls.st/LDM-148"
    )
    assert entries[0].select_one("em").get_text() == "Data Management System Design"
    handle_link = entries[0].select_one("a.dm-doc")
    assert handle_link["href"] == "documents.html#doc-LDM-148"  # the document's entry


def test_full_bibliography_is_sorted_like_the_seeds(site: Site) -> None:
    _write(site)
    site.build()
    page = site.page("documents")
    labels = [li.select_one("strong").get_text() for li in page.select("ol.dm-references > li")]
    # authorless first (by handle), then by first author: Dubois-Felsmann, Jurić, Lim
    assert labels == ["[LDM-1480]", "[LDM-999]", "[LSE-61]", "[LDM-151]", "[LDM-148]"]
    planned = page.select_one("li#cite-LDM-999").get_text()
    assert "(planned)" in planned


def test_handles_in_descriptions_become_citations(site: Site) -> None:
    _write(site)
    site.build()
    page = site.page("documents")
    row = page.select_one("#doc-LDM-999").find_parent("tr")
    cites = row.select(".dm-description a.dm-cite")
    assert [(a.get_text(), a["href"]) for a in cites] == [("LDM-151", "#cite-LDM-151"), ("LDM-1480", "#cite-LDM-1480")]


def test_auto_citations_fill_a_pages_reference_list(site: Site) -> None:
    site.write("data/documents/documents.yaml", DOCUMENTS)
    site.write("data/requirements/reqs.yaml", """
        - id: DMS-REQ-0001
          title: Alerts
          description: As LDM-151 §3.1 describes (not LDM-151-2 nor XLDM-151).
        """)
    site.write("index.md", """
        # Requirements

        ```{dm-requirements}
        ```

        ```{dm-references}
        ```
        """)
    site.build()
    page = site.page("index")
    assert [li["id"] for li in page.select("ol.dm-references > li")] == ["cite-LDM-151"]
    description = page.select_one(".dm-description")
    assert [a.get_text() for a in description.select("a.dm-cite")] == ["LDM-151"]
    assert "LDM-151-2 nor XLDM-151" in description.get_text()


def test_citation_without_reference_list_links_to_the_entry(site: Site) -> None:
    _write(site)
    site.write("other.md", "# Other\n\nSee {cite}`LSE-61`.\n")
    site.write("index.md", INDEX.replace("documents\n", "documents\nother\n"))
    site.build()
    link = site.page("other").select_one("a.dm-cite")
    assert link["href"] == "documents.html#doc-LSE-61"


def test_document_tree_shows_status_and_links(site: Site) -> None:
    _write(site)
    site.build()
    page = site.page("documents")
    svg = page.select_one("figure.dm-document-tree svg")
    assert svg is not None
    planned = svg.select_one("g#doc-tree-LDM-999")
    assert planned.select_one("path, polygon")["stroke"] == "#c0392b"
    assert {t["fill"] for t in planned.select("text")} == {"#c0392b"}
    released = svg.select_one("g#doc-tree-LDM-148")
    assert released.select_one("path, polygon")["stroke"] != "#c0392b"
    draft = svg.select_one("g#doc-tree-LDM-151")
    assert "5,2" in draft.select_one("path, polygon").get("stroke-dasharray", "")
    assert released.select_one("a")["xlink:href"] == "#doc-LDM-148"
    assert "LDM-1480" not in [g.get("id", "")[len("doc-tree-"):] for g in svg.select("g.node")]  # unrelated: left out
    legend = [(t.get_text(), t.get("fill")) for t in svg.select("g#dm-legend text")]
    assert ("Planned, not yet written", "#c0392b") in legend
    assert {"→ derives", "→ plans"} <= {text for text, _ in legend}
    html = site.html("documents")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<b>note</b>" not in html


def test_documents_table_lists_entries_and_relations(site: Site) -> None:
    _write(site)
    site.build()
    page = site.page("documents")
    rows = page.select("table.dm-documents tbody tr")
    assert len(rows) == 5
    lse61 = page.select_one("#doc-LSE-61").find_parent("tr")
    assert "← derives LDM-148" in " ".join(lse61.get_text(" ").split())
    assert lse61.select_one("a.dm-doc")["href"] == "#doc-LDM-148"


BIB = """
@DocuShare{DMTN-020,
   author = {Jacek Becla and Frossie Economou and Margaret Gelman and Jeff Kantor},
    title = "{Project Management Guide}",
     year = 2016,
   handle = {DMTN-020},
      url = {https://dmtn-020.lsst.io/} }

@DocuShare{LDM-148,
   author = {Someone Else},
    title = {Shadowed by the YAML record},
     year = 2010 }
"""


def test_bib_file_is_imported(site: Site) -> None:
    _write(site)
    site.write("data/documents/lsst.bib", BIB)
    site.write("index.md", INDEX.replace("{cite}`NOPE-1`", "{cite}`DMTN-020`"))
    warnings = site.build()
    assert "WARNING" not in warnings.replace("NOPE-1", ""), warnings
    entries = {li["id"]: " ".join(li.get_text().split()) for li in site.page("index").select("ol.dm-references > li")}
    assert entries["cite-DMTN-020"] == (
        "[DMTN-020], Becla, J., Economou, F., Gelman, M., Kantor, J., 2016, Project Management Guide, DMTN-020, "
        "URL https://dmtn-020.lsst.io/"
    )
    assert "Data Management System Design" in entries["cite-LDM-148"]  # the YAML record wins


def test_malformed_bib_is_a_located_error(site: Site) -> None:
    _write(site)
    site.write("data/documents/lsst.bib", BIB.replace('"{Project Management Guide}",', "{Project Management Guide,"))
    with pytest.raises(SphinxError, match="1 problem"):
        site.build()
    assert not (site.outdir / "index.html").exists()


def test_malformed_bib_message_names_file_line_and_entry(site: Site) -> None:
    path = site.write("data/documents/lsst.bib", BIB.replace('"{Project Management Guide}",', "{Project Management Guide,"))
    catalog = build_catalog(path.parent.parent, dt.date(2021, 5, 10), base=site.root)
    assert [str(p) for p in catalog.errors] == [
        "data/documents/lsst.bib:8:1: DMTN-020: BibTeX syntax error: '}' expected (in entry 'DMTN-020' at line 1)"
    ]


def test_document_role_links_to_the_documents_entry(site: Site) -> None:
    _write(site)
    site.write("index.md", INDEX.replace("see also {cite}`NOPE-1`", "read {document}`LDM-151`"))
    assert "WARNING" not in site.build()
    link = site.page("index").select_one("a:has(.dm-doc)")
    assert link is not None and link.get_text() == "LDM-151"
    assert link["href"] == "documents.html#doc-LDM-151"


def test_milestone_descriptions_cite_the_documents_they_name(site: Site) -> None:
    _write(site)
    site.write("data/milestones/m.yaml", """
        - id: DM-AP-1
          name: First
          wbs: 02C.03
          due: 2020-01-01
          description: Implements LDM-151 §3.1, not LDM-151-2.
        """)
    site.write("data/wbs/wbs.yaml", "- code: 02C.03\n  name: Alert Production\n")
    site.write("milestones.md", "# Milestones\n\n:::{dm-milestones-by-wbs}\n:wbs: 02C.03\n:::\n")
    index = INDEX.replace("; see also {cite}`NOPE-1`", "").replace("documents\n```", "documents\nmilestones\n```")
    site.write("index.md", index)
    assert "WARNING" not in site.build()
    detail = site.page("milestones").select_one(".dm-milestone-detail .dm-description")
    assert [(a.get_text(), a["href"]) for a in detail.select("a.dm-cite")] == [
        ("LDM-151", "documents.html#doc-LDM-151")
    ]
    assert "LDM-151-2" in detail.get_text()

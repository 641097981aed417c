"""Traceability matrices in a real build: both directions agree, coverage counts, links both ways."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag
from support.site import Site

DOCUMENTS = """
- handle: LSE-61
  title: LSST Data Management Subsystem Requirements
- handle: LSE-30
  title: Observatory System Specifications
"""

PRODUCTS = """
- id: DM
  name: Data Management
- id: L1
  name: Level 1 System
  parent: DM
- id: AD
  name: Alert Distribution
  parent: L1
- id: AF
  name: Alert Filtering <script>alert(3)</script>
  parent: L1
- id: DBB
  name: Data Backbone
  parent: DM
"""

REQUIREMENTS = """
- id: DMS-REQ-0002
  title: Transient Alert Distribution
  source: LSE-61
  traces: [OSS-REQ-0127, OSS-REQ-0184]
  allocated: [AD, AF]
- id: DMS-REQ-0004
  title: Nightly Data Accessible Within 24 hrs
  source: LSE-61
  traces: [OSS-REQ-0127]
  allocated: [AD]
- id: DMS-REQ-0006
  title: Dropped <b>requirement</b>
  source: LSE-61
- id: DMS-REQ-0008
  title: Pipeline Availability
  source: LSE-61
  allocated: [L1]
- id: OSS-REQ-0127
  title: Level 1 data
  source: LSE-30
- id: OSS-REQ-0184
  title: Alerts
  source: LSE-30
- id: OSS-REQ-0999
  title: Nothing traces here
  source: LSE-30
"""

PAGE = """
# Traceability

## Requirements

```{dm-requirements}
```

## Requirement to component

```{dm-trace-req-components}
:source: LSE-61
```

## Component to requirement

```{dm-trace-component-reqs}
:source: LSE-61
```

## DMSR to OSS

```{dm-trace-req-req}
:source: LSE-61
```

## OSS to DMSR

```{dm-trace-req-req}
:source: LSE-30
:direction: down
```
"""


def _build(site: Site, page: str = PAGE) -> tuple[str, BeautifulSoup]:
    site.write("data/documents/docs.yaml", DOCUMENTS)
    site.write("data/products/products.yaml", PRODUCTS)
    site.write("data/requirements/reqs.yaml", REQUIREMENTS)
    site.write("index.md", page)
    # the entries the matrices link to (without them the links are plain text); after index.md by name
    site.write("z-entries.md", "# Entries\n\n:::{dm-requirements}\n:::\n\n:::{dm-product-entries}\n:::\n")
    return site.build(), site.page()


def _pairs(table: Tag, first: str, second: str) -> set[tuple[str, str]]:
    """(row key, linked id) pairs of a matrix, read from the links a reader follows."""
    pairs = set()
    for row in table.select("tbody tr"):
        key = row.select_one(f"a.dm-{first}")["href"].split("#")[-1]
        pairs |= {(key, a["href"].split("#")[-1]) for a in row.select(f"td:nth-of-type(2) a.dm-{second}")}
    return pairs


def _coverage(section: Tag) -> list[str]:
    return [" ".join(li.get_text().split()) for li in section.select("ul.dm-coverage > li")]


def test_requirement_and_component_matrices_agree(site: Site) -> None:
    _build(site)
    page = site.page()
    by_req = _pairs(page.select_one("table.dm-trace-req-components"), "req", "product")
    by_component = _pairs(page.select_one("table.dm-trace-component-reqs"), "product", "req")
    assert by_req == {(r, p) for p, r in by_component}
    assert by_req == {
        ("req-DMS-REQ-0002", "product-AD"), ("req-DMS-REQ-0002", "product-AF"),
        ("req-DMS-REQ-0004", "product-AD"), ("req-DMS-REQ-0008", "product-L1"),
    }


def test_coverage_figures(site: Site) -> None:
    _build(site)
    page = site.page()
    req_section = page.select_one("section#requirement-to-component")
    assert _coverage(req_section) == ["1 of 4 requirements have no component: DMS-REQ-0006"]
    comp_section = page.select_one("section#component-to-requirement")
    figures = _coverage(comp_section)
    assert figures[0] == "1 of 3 leaf components have no requirement: Data Backbone"
    assert figures[1].startswith("1 of 4 components listed are not leaves")
    components = [r.select_one("td a.dm-product").get_text() for r in comp_section.select("tbody tr")]
    # the product tree depth first, siblings by id (as LDM-148 §15.2 lists them)
    assert components == ["Data Backbone", "Level 1 System", "Alert Distribution", "Alert Filtering <script>alert(3)</script>"]
    assert "<script>alert(3)" not in site.html()


def test_requirement_to_requirement_both_directions(site: Site) -> None:
    _build(site)
    page = site.page()
    up_table, down_table = page.select("table.dm-trace-up")[0], page.select("table.dm-trace-down")[0]
    up = _pairs(up_table, "req", "req")
    down = _pairs(down_table, "req", "req")
    assert up == {(low, high) for high, low in down}
    assert ("req-DMS-REQ-0002", "req-OSS-REQ-0184") in up
    section = page.select_one("section#oss-to-dmsr")
    assert _coverage(section) == [
        "1 of 3 requirements are traced by no lower-level requirement: OSS-REQ-0999"
    ]


def test_links_both_ways(site: Site) -> None:
    _build(site)
    page = site.page()
    entry = page.select_one("#req-DMS-REQ-0002")
    assert entry is not None and "dm-requirements" in entry.find_parent("table")["class"]
    link = page.select_one("table.dm-trace-component-reqs a.dm-req")
    assert link["href"].startswith("#req-")
    row = entry.find_parent("tr")
    assert [a.get_text() for a in row.select("a.dm-req")] == ["OSS-REQ-0127", "OSS-REQ-0184"]
    assert page.select_one("#req-OSS-REQ-0127").find_parent("tr").select_one("td:nth-of-type(5)").get_text() == (
        "DMS-REQ-0002, DMS-REQ-0004"
    )
    assert "<b>requirement</b>" not in site.html()


def test_unknown_source_is_a_located_warning(site: Site) -> None:
    warnings, _ = _build(site, "# T\n\n```{dm-trace-req-components}\n:source: LSE-999\n```\n")
    assert "index.md:3: WARNING: unknown document 'LSE-999' in :source:" in warnings

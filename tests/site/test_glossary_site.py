"""Glossary and acronym tables in a real build: exactly the terms used, site scope kept fresh."""

from __future__ import annotations

from bs4 import BeautifulSoup
from support.site import Site

TERMS = """
- term: DM
  definition: Data Management
- term: AP
  definition: Alert Production
- term: LSST
  definition: Legacy Survey of Space and Time
- term: OSS
  definition: Observatory System Specifications
- term: DAC
  definition: Data Access Center
- term: Butler
  definition: A middleware component for persisting and retrieving datasets.
  acronym: false
- term: NEVERUSED
  definition: Never used anywhere.
- term: XSS
  definition: Cross-site <script>alert(2)</script> scripting, *emphasised*.
"""

MILESTONES = """
- id: DM-AP-10
  name: First milestone
  due: 2020-06-01
  description: No acronym here but the id.
"""

INDEX = """
# LSST plan

The DM team writes the Butler and two DACs; milestone DM-AP-10 is an id, not a use.
The FOO and BAR-baz words are not in the glossary; ZZZ-123 is an id.

```{toctree}
other
glossary
```

## Acronyms

```{dm-acronyms}
```

## Glossary terms used

```{dm-acronyms}
:glossary:
```
"""

GLOSSARY = """
# Glossary

```{dm-glossary}
```

## Acronyms used on this site

```{dm-acronyms}
:scope: site
```

## Candidates

```{dm-glossary-candidates}
```
"""


def _terms(page: BeautifulSoup, index: int = 0) -> list[str]:
    tables = page.select("table.dm-acronyms")
    return [row.find("td").get_text() for row in tables[index].select("tbody tr")]


def _write(site: Site) -> None:
    # fresh lists: the extension appends to them, and a default list shared across builds in one
    # process would make every rebuild look like a configuration change (rewriting every page)
    site.extra_conf = "templates_path = []\nhtml_static_path = []\n"
    site.write("data/glossary/terms.yaml", TERMS)
    site.write("data/milestones/m.yaml", MILESTONES)
    site.write("index.md", INDEX)
    site.write("other.md", "# Other\n\nThe OSS says so.\n")
    site.write("glossary.md", GLOSSARY)


def test_acronym_table_lists_exactly_the_terms_the_page_uses(site: Site) -> None:
    _write(site)
    site.build()
    page = site.page("index")
    assert _terms(page, 0) == ["DAC", "DM", "LSST"]  # plural DACs counts; AP inside DM-AP-10 does not
    assert _terms(page, 1) == ["Butler", "DAC", "DM", "LSST"]
    row = page.select("table.dm-acronyms")[0].select("tbody tr")[0]
    assert row.select("td")[1].get_text() == "Data Access Center"
    assert row.select_one("a")["href"] == "glossary.html#term-DAC"


def test_glossary_lists_every_term_escaped(site: Site) -> None:
    _write(site)
    site.build()
    page = site.page("glossary")
    entries = [td.get_text() for td in page.select("table.dm-glossary tbody tr td:first-child")]
    assert entries == ["AP", "Butler", "DAC", "DM", "LSST", "NEVERUSED", "OSS", "XSS"]
    assert page.select_one("#term-XSS") is not None
    html = site.html("glossary")
    assert "<script>alert(2)" not in html and "&lt;script&gt;alert(2)" in html
    assert page.select_one("#term-XSS").find_parent("tr").select_one("em").get_text() == "emphasised"


def test_site_table_uses_every_page_and_follows_changes(site: Site) -> None:
    _write(site)
    site.build()
    # the glossary's own definitions do not count as uses
    assert _terms(site.page("glossary")) == ["DAC", "DM", "LSST", "OSS"]
    site.write("other.md", "# Other\n\nThe OSS and the AP say so.\n")
    site.build()  # incremental: only other.md changed, yet the site-wide table is rewritten
    assert _terms(site.page("glossary")) == ["AP", "DAC", "DM", "LSST", "OSS"]
    site.write("other.md", "# Other\n\nNothing.\n")
    site.build()
    assert _terms(site.page("glossary")) == ["DAC", "DM", "LSST"]


def test_new_glossary_term_is_found_on_unchanged_pages(site: Site) -> None:
    _write(site)
    site.write("other.md", "# Other\n\nThe QQQ says so.\n")  # a page without any directive
    site.build()
    site.write("data/glossary/terms.yaml", TERMS + "- term: QQQ\n  definition: A new term\n")
    site.build()
    assert "QQQ" in _terms(site.page("glossary"))


def test_unknown_all_caps_words_are_glossary_candidates(site: Site) -> None:
    _write(site)
    site.build()
    page = site.page("glossary")
    rows = page.select("table.dm-glossary-candidates tbody tr")
    words = {r.find("td").get_text(): r for r in rows}
    assert {"FOO", "BAR"} <= set(words)
    assert not {"DM", "AP", "ZZZ", "DACs", "DAC"} & set(words)
    assert words["FOO"].select_one("a")["href"] == "index.html"


def test_parallel_build_gives_the_same_tables(make_site) -> None:  # type: ignore[no-untyped-def]
    serial, parallel = make_site("serial"), make_site("parallel")
    for s in (serial, parallel):
        _write(s)
        s.write("index.md", INDEX.replace("other\n", "other\n" + "".join(f"p{i}\n" for i in range(8))))
        for i in range(8):  # enough pages for Sphinx to read in parallel
            s.write(f"p{i}.md", f"# Page {i}\n\n{'The AP.' if i == 7 else 'Nothing.'}\n")
    serial.build()
    parallel.build(parallel=2)
    for name in ("index", "glossary"):
        assert _terms(parallel.page(name)) == _terms(serial.page(name))
    assert _terms(parallel.page("glossary")) == ["AP", "DAC", "DM", "LSST", "OSS"]

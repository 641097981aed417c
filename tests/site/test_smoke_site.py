"""The extension in a real Sphinx build: records table, roles, data errors stop the build."""

from __future__ import annotations

import pytest
from sphinx.errors import SphinxError
from support.site import Site

MILESTONES = """
- id: DM-AP-10
  name: Advanced single frame measurement
  due: 2020-06-01
  completed: 2020-05-01
- id: DM-AP-15
  name: Alert distribution <script>alert(1)</script>
  due: 2020-11-30
  predecessors: [DM-AP-10]
"""


def test_records_table_and_roles(site: Site) -> None:
    site.write("data/milestones/ap.yaml", MILESTONES)
    site.write("index.md", """
        # Home

        See {milestone}`DM-AP-10` and {milestone}`DM-NOPE`.

        :::{dm-records} milestones
        :columns: id, name, due
        :::
        """)
    warnings = site.build()
    assert "unknown milestone 'DM-NOPE'" in warnings
    page = site.page()
    rows = page.select("table.dm-records-milestones tbody tr")
    assert [r.find("td").get_text() for r in rows] == ["DM-AP-10", "DM-AP-15"]
    assert "<script>alert(1)</script>" not in site.html()
    assert "Alert distribution &lt;script&gt;" in site.html()
    completed = page.select_one("code.dm-completed, .dm-completed")
    assert completed is not None and "DM-AP-10" in completed.get_text()


def test_data_errors_stop_the_build_with_locations(site: Site) -> None:
    site.write("data/milestones/ap.yaml", MILESTONES + "  nmae: typo\n")
    site.write("index.md", "# Home\n")
    with pytest.raises(SphinxError, match="1 problem"):
        site.build()
    assert not (site.outdir / "index.html").exists()


def test_theme_templates_are_compiled_once_and_reused(site: Site) -> None:
    site.write("data/milestones/ap.yaml", MILESTONES)
    site.write("index.md", "# Home\n\nFirst.\n")
    site.build()
    compiled = {p: p.stat().st_mtime_ns for p in (site.root / ".cache" / "templates").glob("*.cache")}
    assert compiled  # the page template and the ones it includes
    site.write("index.md", "# Home\n\nSecond.\n")
    site.build()
    assert "Second." in site.page().get_text()
    assert {p: p.stat().st_mtime_ns for p in (site.root / ".cache" / "templates").glob("*.cache")} == compiled

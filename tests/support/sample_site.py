"""A small site with data on several pages, for builds compared with clean builds (incremental, interrupted)."""

from __future__ import annotations

from collections.abc import Callable

from .site import Site

DATA = {
    "data/institutions/i.yaml": "- {id: UW, name: University of Washington}\n",
    "data/people/p.yaml": "- {id: wom, name: William O'Mullane, institution: UW}\n- {id: lpg, name: Leanne Guy}\n",
    "data/wbs/w.yaml": '- {code: "1.02C", name: Data Management}\n- {code: "1.02C.03", name: Alert Production}\n',
    "data/products/p.yaml": """
        - id: dm
          name: Data Management
          manager: wom
          owner: lpg
        - id: ap
          name: Alert Production
          parent: dm
          wbs: "02C.03"
        """,
    "data/milestones/ap.yaml": """
        - id: DM-AP-1
          name: Prototype pipeline
          wbs: "02C.03"
          level: 2
          due: 2020-06-01
          completed: 2020-05-01
          description: The first one.
        - id: DM-AP-2
          name: Alert distribution
          wbs: "02C.03"
          level: 2
          due: 2021-11-30
          predecessors: [DM-AP-1]
          description: Alerts go out.
        """,
    "data/documents/d.yaml": """
        - handle: LDM-294
          title: Organization, Responsibilities and Plans
          year: 2020
          relations: [{to: LDM-148}]
        - handle: LDM-148
          title: Data Management System Design
          year: 2019
        """,
    "data/glossary/g.yaml": "- {term: AP, definition: Alert Production}\n",
}
PAGES = {
    "index.md": """
        # Home

        ```{toctree}
        records
        milestones
        products
        documents
        glossary
        plain
        ```

        Next is {milestone}`DM-AP-2` after {milestone}`DM-AP-1`; see {product}`ap` and {document}`LDM-294`.
        """,
    "records.md": """
        # Records

        :::{dm-records} milestones
        :columns: id, name, due, completed
        :::

        :::{dm-records} products
        :columns: id, name, parent
        :::
        """,
    "milestones.md": """
        # Milestones

        :::{dm-milestone-table}
        :::

        :::{dm-dependency-graph}
        :::
        """,
    "products.md": """
        # Products

        :::{dm-product-tree}
        :::

        :::{dm-product-entries}
        :::
        """,
    "documents.md": """
        # Documents

        :::{dm-documents}
        :::
        """,
    "glossary.md": """
        # Glossary

        :::{dm-glossary}
        :::
        """,
    "plain.md": "# Plain\n\nNo data here.\n",
}
SKIPPED = {"searchindex.js", ".buildinfo", ".buildinfo.bak", "objects.inv"}




def outputs(site: Site) -> dict[str, str]:
    """Every file the build wrote, with the build's own folder name taken out."""
    found = {}
    for path in sorted(site.outdir.rglob("*")):
        if path.is_file() and path.name not in SKIPPED and "_images" not in path.parts:
            text = path.read_text(encoding="utf-8", errors="replace")
            found[str(path.relative_to(site.outdir))] = text.replace(str(site.root), "<root>")
    return found


def sources(site: Site) -> dict[str, str]:
    return {str(p.relative_to(site.root)): p.read_text(encoding="utf-8")
            for p in site.root.rglob("*") if p.is_file() and p.suffix in {".md", ".yaml"}
            and "_build" not in p.parts and ".cache" not in p.parts}


def clean_build(make_site: Callable[..., Site], name: str, of: Site, parallel: int = 0) -> dict[str, str]:
    fresh = make_site(name).write_all(sources(of))
    warnings = fresh.build(parallel=parallel, fresh=True)
    assert "ERROR" not in warnings, warnings
    return outputs(fresh)


def assert_same(incremental: dict[str, str], clean: dict[str, str]) -> None:
    assert sorted(incremental) == sorted(clean)
    for name in clean:
        assert incremental[name] == clean[name], f"{name} differs from a clean build"

"""Pages with per-WBS milestone details are read again only when what they show changed, and never stale.

Two element pages, a table page and a page whose milestone link is a role; after each data edit the
pages read again (their doctrees written anew) are checked, and every output page is compared with a
clean build.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from support.site import Site

DATA = {
    "data/wbs/w.yaml": '- {code: "1.02C.03", name: Alert Production}\n- {code: "1.02C.04", name: Data Release}\n',
    "data/milestones/m.yaml": """
        - {id: AP-1, name: First alerts, wbs: "02C.03", due: 2020-06-01, description: One.}
        - {id: AP-2, name: More alerts, wbs: "02C.03", due: 2021-06-01, description: Two.}
        - {id: DR-1, name: First release, wbs: "02C.04", due: 2020-09-01, predecessors: [AP-1], description: Three.}
        - {id: DR-2, name: Second release, wbs: "02C.04", due: 2022-09-01, description: Four.}
        """,
}
PAGES = {
    "index.md": "# Home\n\n```{toctree}\nap\ndr\ntable\nnote\n```\n",
    "ap.md": "# AP\n\n:::{dm-milestones-by-wbs}\n:wbs: 02C.03\n:::\n",
    "dr.md": "# DR\n\n:::{dm-milestones-by-wbs}\n:wbs: 02C.04\n:::\n",
    "table.md": "# Table\n\n:::{dm-milestone-table}\n:::\n",
    "note.md": "# Note\n\nSee {milestone}`DR-2`.\n",
}




def outputs(site: Site) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(site.outdir.glob("*.html"))}


def stamps(site: Site) -> dict[str, int]:
    return {p.stem: p.stat().st_mtime_ns for p in (site.root / "_build" / "doctrees").glob("*.doctree")}


def edit(site: Site, old: str, new: str) -> None:
    path: Path = site.root / "data/milestones/m.yaml"
    path.write_text(path.read_text().replace(old, new))


def reread(site: Site, before: dict[str, int]) -> set[str]:
    return {name for name, stamp in stamps(site).items() if before.get(name) != stamp}


def test_only_pages_showing_the_change_are_read_and_none_is_stale(make_site: Callable[..., Site]) -> None:
    site = make_site("inc").write_all({**DATA, **PAGES})
    assert "ERROR" not in site.build(fresh=True)

    steps = [
        # (old text, new text, pages that must be read again, pages that must not)
        ("description: Four.", "description: Four edited.", {"dr", "table", "note"}, {"ap"}),
        ("due: 2021-06-01", "due: 2021-07-01", {"ap", "table"}, {"dr"}),
        # AP-1 is DR-1's predecessor: its status shows on the DR page (graph and links)
        ("due: 2020-06-01,", "due: 2020-06-01, completed: 2020-05-01,", {"ap", "dr", "table"}, set()),
        # a new link makes AP-2 a neighbour on the DR page
        ("description: Four", "predecessors: [AP-2], description: Four", {"ap", "dr"}, set()),
    ]
    for number, (old, new, written, kept) in enumerate(steps):
        before = stamps(site)
        edit(site, old, new)
        assert "WARNING" not in site.build()
        changed = reread(site, before)
        assert written <= changed, (old, changed)
        assert not kept & changed, (old, changed)
        clean = make_site(f"clean-{number}").write_all({**PAGES})
        for rel in DATA:
            clean.write(rel, (site.root / rel).read_text())
        assert "ERROR" not in clean.build(fresh=True)
        assert outputs(site) == outputs(clean), f"step {number} differs from a clean build"

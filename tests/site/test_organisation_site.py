"""The organisation in a real Sphinx build: org chart, roles, groups, institutions, people (LDM-294 Fig. 5, §6–8)."""

from __future__ import annotations

import re

import pytest
from bs4 import Tag
from support.site import Site
from test_products_site import write_data

from dmsite.render.organisation import SCIENTIST_FILL

PAGES = {
    "index.md": """
        # Organisation

        ```{toctree}
        entries
        ```

        Ask {person}`bob` or the {role}`dmss`; see the {group}`dmlt` at {institution}`UW`.

        :::{dm-org-chart}
        :caption: DM organisation
        :::
        """,
    "entries.md": """
        # Entries

        ## Roles

        :::{dm-roles}
        :::

        ## Groups

        :::{dm-groups}
        :::

        ## Institutions

        :::{dm-institutions}
        :::

        ## People

        :::{dm-people}
        :::
        """,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, str]:
    site = Site(tmp_path_factory.mktemp("organisation") / "site")
    write_data(site)
    for path, text in PAGES.items():
        site.write(path, text)
    return site, site.build()


def _chart(site: Site) -> Tag:
    svg = site.page().select_one("figure.dm-org-chart svg")
    assert svg is not None
    return svg


def _node(svg: Tag, title: str) -> Tag:
    return next(g for g in svg.select("g.node") if g.find("title").get_text() == title)


def _fill(node: Tag) -> str:
    return str(node.select_one("path, polygon")["fill"])


def test_builds_without_warnings(built: tuple[Site, str]) -> None:
    assert "WARNING" not in built[1]


def test_scientists_are_green_with_a_legend(built: tuple[Site, str]) -> None:
    svg = _chart(built[0])
    assert SCIENTIST_FILL == "#a8d5a2"
    assert {_fill(_node(svg, r)) for r in ("dmss", "sci-ap")} == {SCIENTIST_FILL}
    assert {_fill(_node(svg, r)) for r in ("dmpm", "tcam-ap", "ops")} == {"#ffffff"}
    legend = _node(svg, "dm legend")
    assert [t.get_text() for t in legend.select("text")][:3] == ["Legend", "Scientist", "Management / engineering"]
    assert SCIENTIST_FILL in [p.get("fill") for p in legend.select("path, polygon")]


def test_roles_show_holders_and_reporting_lines(built: tuple[Site, str]) -> None:
    svg = _chart(built[0])
    assert [t.get_text() for t in _node(svg, "tcam-ap").select("text")] == ["T/CAM Alert Production", "Carol Camp"]
    assert [t.get_text() for t in _node(svg, "ops").select("text")] == ['Ops "Architect" <script>x()</script> {y}']
    edges = {g.find("title").get_text() for g in svg.select("g.edge") if g.select_one("path")["stroke"] != "transparent"}
    assert {"dmpm->tcam-ap", "dmss->sci-ap", "dmpm->ops"} <= edges


def test_product_owner_sits_beside_the_team_manager(built: tuple[Site, str]) -> None:
    svg = _chart(built[0])
    team = next(g for g in svg.select("g.cluster") if "1.02C.03 Alert Production" in g.get_text())
    assert team is not None

    def middle(role: str) -> float:  # vertical centre of the role's box
        numbers = [float(n) for n in re.findall(r"-?[0-9.]+", _node(svg, role).select_one("path")["d"])]
        ys = numbers[1::2]
        return (min(ys) + max(ys)) / 2

    assert middle("tcam-ap") == pytest.approx(middle("sci-ap"), abs=1)  # side by side, on the same rank
    assert middle("dmpm") < middle("tcam-ap")
    assert "product owner" in _node(svg, "dmss").get_text()  # bob owns the Data Management product


def test_chart_nodes_link_to_role_entries(built: tuple[Site, str]) -> None:
    site, _ = built
    links = {a["xlink:href"] for a in _chart(site).select("g.node a") if a.has_attr("xlink:href")}
    assert links == {f"entries.html#role-{r}" for r in ("dmpm", "dmss", "tcam-ap", "sci-ap", "ops")}
    entries = site.page("entries")
    assert all(entries.find(id=href.split("#")[1]) is not None for href in links)


def test_roles_render_responsibilities_and_escape_text(built: tuple[Site, str]) -> None:
    site, _ = built
    dmpm = site.page("entries").find(id="role-dmpm")
    items = [li.get_text() for li in dmpm.select("dd ul li")]
    assert items == ["Manage the overall DM System", "<script>bad()</script>"]
    assert dmpm.select_one("dd strong").get_text() == "WBS"
    text = dmpm.get_text(" ", strip=True)
    assert "Held by Alice Admin" in text and "Chairs DM Leadership Team" in text
    assert "Direct reports" in text and "T/CAM Alert Production" in text
    sci = site.page("entries").find(id="role-sci-ap")
    assert "Reports to DM Subsystem Scientist" in sci.get_text(" ", strip=True)
    assert sci.select_one(".dm-scientist").get_text() == "Scientist"
    for name in ("index", "entries"):
        assert "<script>bad" not in site.html(name) and "<script>x()" not in site.html(name)
    ops = _node(_chart(site), "ops")
    assert ops.select("text")[0].get_text() == 'Ops "Architect" <script>x()</script> {y}'


def test_groups_institutions_and_people(built: tuple[Site, str]) -> None:
    site, _ = built
    entries = site.page("entries")
    dmlt = entries.find(id="group-dmlt").get_text(" ", strip=True)
    for expected in ("Chair DM Project Manager (Alice Admin)", "DM Subsystem Scientist (Bob Scientist)",
                     "Carol Camp", "Meets weekly, Mondays", "Hosted by University of Washington", "Keeps scope"):
        assert expected in dmlt, expected
    uw = entries.find(id="institution-UW").get_text(" ", strip=True)
    assert "Leads WBS elements 1.02C.03 Alert Production" in uw and "Hosts DM Leadership Team" in uw
    assert "People Alice Admin , Carol Camp" in uw
    bob = entries.find(id="person-bob").get_text(" ", strip=True)
    assert "Roles AP Science Lead , DM Subsystem Scientist" in bob
    assert "Member of DM Leadership Team" in bob and "Owner of Data Management" in bob
    carol = entries.find(id="person-carol").get_text(" ", strip=True)
    assert "Manager of Single Frame Pipe" in carol


def test_roles_in_text_link_to_entries(built: tuple[Site, str]) -> None:
    page = built[0].page()
    hrefs = [a["href"] for a in page.select("a.reference") if a.find("code") or a.find("span")]
    assert {"entries.html#person-bob", "entries.html#role-dmss", "entries.html#group-dmlt",
            "entries.html#institution-UW"} <= set(hrefs)


def test_unknown_role_holder_is_a_located_error(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    from sphinx.errors import SphinxError

    from dmsite.cli import main

    site.write("data/roles/roles.yaml", "- id: dmpm\n  title: PM\n  holders: [nobody]\n")
    site.write("index.md", "# Org\n\n:::{dm-org-chart}\n:::\n")
    assert main(["validate", str(site.root / "data"), "--status-date", "2021-05-10"]) == 1
    assert "roles.yaml:3:3: dmpm: holders 'nobody' is not a known person" in capsys.readouterr().err
    with pytest.raises(SphinxError, match="1 problem"):
        site.build()

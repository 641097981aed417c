"""The DM site's products, WBS and organisation data against LDM-294, the seed they came from.

Appendix A (product list), Table 3 and Appendix B (WBS), §3 and §6–7 (roles and bodies) are
parsed here from the seed text, so the expected figures come from the seed rather than from a
typed-in list. The only allowed differences are those content/data/sources/organisation.md
documents; each is named in this file too.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from support import REPO_ROOT

from dmsite.data.catalog import Catalog
from dmsite.data.load import build_catalog
from dmsite.data.model import Product
from dmsite.data.problems import Severity

ROOT = REPO_ROOT
DATA = ROOT / "content" / "data"
SOURCES = (DATA / "sources" / "organisation.md").read_text(encoding="utf-8")
SEEDS = Path(os.environ.get("DMSITE_SEEDS", ROOT.parent / "shared" / "seeds"))
if not list(SEEDS.glob("000_*.txt")):
    pytest.skip(f"seed texts not found in {SEEDS} (set DMSITE_SEEDS)", allow_module_level=True)

MY_FOLDERS = ("products", "wbs", "institutions", "people", "roles", "groups")
PORTAL_INTERFACES = "Interfaces to DAX, user workspace, SuperTask, identity management"
# App. B spells two product descriptions differently from App. A (sources/organisation.md)
APP_B_SPELLINGS = {
    "Precorrection and forced photometry pipeline": "Precovery and forced photometry pipeline",
    "Attribution and precovery": "Attribution and precovary",
}
# App. A rows whose cells need more than a name-to-id mapping (sources/organisation.md)
FIXED_ROWS = {"Portal Interfaces", "Base Network"}


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def between(text: str, start: str, end: str) -> str:
    """The text after the last *start* (the body, not the table of contents) up to *end*."""
    begin = text.rindex(start)
    return text[begin:text.index(end, begin)]


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.replace("'", "").lower()).strip("-")


@cache
def catalog() -> Catalog:
    return build_catalog(DATA, dt.date(2021, 5, 10))


# -- LDM-294 Appendix A ---------------------------------------------------------


@dataclass(frozen=True)
class Row:
    wbs: str
    name: str
    description: str
    manager: str
    owner: str
    packages: str


@cache
def appendix_a() -> list[Row]:
    table = between(seed("000"), "\nA DM Product List\n", "\nB Proposed FY2018 WBS")
    rows = [line.split("\t") for line in table.splitlines() if line.count("\t") == 5]
    return [Row(*cells) for cells in rows if cells[1] != "Product"]


def product_named(name: str) -> Product:
    matches = [p for p in catalog().products.values() if p.name == name]
    assert len(matches) == 1, f"{len(matches)} products named {name!r}"
    return matches[0]


def test_every_appendix_a_row_is_a_product() -> None:
    rows = appendix_a()
    assert len(rows) == 214  # the figure the issue quotes; parsed from the seed
    assert len(catalog().products) == len(rows)
    assert sorted(p.name for p in catalog().products.values()) == sorted(r.name for r in rows)


def test_grouping_rows_are_the_dotted_rows() -> None:
    dotted = {r.name for r in appendix_a() if r.wbs == "."}
    assert len(dotted) == 36
    grouping = {p.name for p in catalog().products.values() if p.grouping}
    assert grouping == dotted
    for product in catalog().products.values():
        if product.grouping:
            assert not (product.wbs or product.manager or product.owner or product.packages), product.id


def test_rows_are_transcribed_cell_by_cell() -> None:
    for row in appendix_a():
        if row.name in FIXED_ROWS:
            continue
        product = product_named(row.name)
        assert product.id == slug(row.name)
        assert product.description == row.description
        assert product.wbs == (None if row.wbs in ("", ".") else row.wbs), row.name
        assert product.manager == (slug(row.manager) or None), row.name
        assert product.owner == (slug(row.owner) or None), row.name
        assert product.packages == [p.strip() for p in row.packages.split("/") if p.strip()], row.name


def test_garbled_portal_interfaces_row_has_its_appendix_b_name() -> None:
    garbled = next(r for r in appendix_a() if r.name == "Portal Interfaces")
    assert garbled.wbs == "user workspace"  # the extraction split the description over the cells
    wbs_05_07 = next(s for s in appendix_b() if s.code == "1.02C.05.07")
    assert PORTAL_INTERFACES in wbs_05_07.products
    product = product_named("Portal Interfaces")
    assert product.description == PORTAL_INTERFACES
    assert (product.wbs, product.manager, product.owner, product.packages) == ("1.02C.05.07", "xiuqin-wu", None, [])
    assert "Portal Interfaces" in SOURCES


def test_base_network_keeps_the_first_of_each_double_cell() -> None:
    row = next(r for r in appendix_a() if r.name == "Base Network")
    assert row.wbs.startswith("1.02C.07.04.03 ") and row.manager.startswith("Don Petravick ")
    product = product_named("Base Network")
    assert (product.wbs, product.manager, product.owner) == ("1.02C.07.04.03", "don-petravick", "jeff-kantor")
    assert "moving to 1.02C.08" in SOURCES and "Jeff Kantor/Don Petravick" in SOURCES


# -- hierarchy --------------------------------------------------------------------


def test_one_root_and_every_parent_a_grouping_row_or_integration_test() -> None:
    products = catalog().products
    roots = [p.id for p in products.values() if not p.parent]
    assert roots == ["data-management"]
    parents = {p.parent for p in products.values() if p.parent}
    assert {p for p in parents if not products[p].grouping} == {"integration-test"}
    assert all(products[p].grouping for p in parents - {"integration-test"})
    assert {p.id for p in products.values() if p.grouping} <= parents  # no empty grouping row


def test_appendix_a_order_is_a_preorder_walk_of_the_tree() -> None:
    """Every row's subtree follows it contiguously, as in the indented table."""
    order = {slug(r.name): i for i, r in enumerate(appendix_a())}
    cat = catalog()

    def walk(product_id: str) -> list[str]:
        children = sorted(cat.children_of(product_id), key=order.__getitem__)
        return [product_id] + [d for child in children for d in walk(child)]

    assert walk("data-management") == [slug(r.name) for r in appendix_a()]


@pytest.mark.parametrize(("child", "parent"), [
    ("data-backbone", "data-management"),
    ("qserv-dbms", "science-cat-archive"),
    ("alert-db", "science-cat-dbs"),
    ("task-execution", "infrastructure"),
    ("contin-integration", "integration-test"),
    ("precursor-data", "integration-test"),
    ("aux-tel-spec-pipe", "l1-science-payloads"),
    ("pointing-service", "archiving-services"),
    ("template-gen-prod", "l2-science-payloads"),
    ("long-haul-nets", "dm-networks"),
    ("attribution-precov", "orbit-ephemeris"),
    ("photometric-fit", "science-algorithms"),
    ("spherical-geom", "geometry"),
    ("images", "science-primitives"),
    ("portal-interfaces", "sciplat-portal"),
])
def test_parent_child_pairs(child: str, parent: str) -> None:
    assert catalog().products[child].parent == parent


def test_managers_and_owners_are_inherited_from_parents_only_where_empty() -> None:
    cat = catalog()
    assert cat.effective(cat.products["single-frame-pipe"], "owner") == ("eric-bellm", False)
    assert cat.effective(cat.products["data-butler-client"], "owner") == (None, False)


# -- LDM-294 Table 3 and Appendix B -------------------------------------------------


@dataclass
class Section:
    code: str
    name: str
    prose: str
    products: list[str]


HEADING = re.compile(r"^B(?:\.\d+)+ (?:(1\.02C[.\d]*): )?(.+?)(?: (This WBS element .*))?$")
CODELESS = {"System Management": "1.02C.01", "Project Management": "1.02C.01.01",
            "Data Management Science": "1.02C.02.01"}  # headings the seed prints without codes


@cache
def appendix_b() -> list[Section]:
    text = between(seed("000"), "\nB Proposed FY2018 WBS: Data Management Construction\n",
                   "\nC DM Discussion and Decision Making Process\n")
    sections = [Section("1.02C", "Data Management Construction", "", [])]
    in_list = False
    for line in text.splitlines()[2:]:  # after the heading line
        match = HEADING.match(line)
        if match and (match.group(1) or match.group(2) in CODELESS):
            code = match.group(1) or CODELESS[match.group(2)]
            sections.append(Section(code, match.group(2), match.group(3) or "", []))
            in_list = False
        elif line.startswith(("The following products (per Section 5)", "No products are defined")):
            in_list = line.startswith("The following")
        elif in_list and line.startswith("- "):
            sections[-1].products.append(line[2:].strip())
        elif line.strip() and not in_list:
            sections[-1].prose += " " + line
    return sections


@cache
def table_3() -> dict[str, tuple[str, str]]:
    table = between(seed("000"), "TABLE 3: DM top level Work Breakdown Structure", "4.2 Work Breakdown Structure")
    rows = [line.split("\t") for line in table.splitlines() if line.startswith("1.02C")]
    return {code: (name, lead) for code, name, lead in rows}


LEADS = {"LSST Tucson": "LSST", "University of Washington": "UW", "Princeton University": "PU",
         "Caltech IPAC": "IPAC", "SLAC": "SLAC", "NCSA": "NCSA", "NCSA & LSST Tucson": "NCSA"}


def test_every_table_3_element_with_its_lead_institution() -> None:
    wbs, institutions = catalog().wbs, catalog().institutions
    assert len(table_3()) == 10
    for code, (name, lead) in table_3().items():
        element = wbs[code]
        assert element.lead == LEADS[lead], code
        institution = institutions[LEADS[lead]]
        shown = f"{institution.name} {institution.description} {element.description or ''}"
        assert lead in shown, f"{code}: {lead!r} not shown by {institution.id}"
        if code not in ("1.02C.05", "1.02C.06", "1.02C.08"):  # App. B names / stray period: sources
            assert element.name == name


def test_every_appendix_b_section_with_name_and_prose() -> None:
    wbs = catalog().wbs
    sections = appendix_b()
    assert len(sections) == 50
    for section in sections:
        element = wbs[section.code]
        assert element.name == section.name, section.code
        first_words = " ".join(section.prose.split()[:8])
        assert first_words in " ".join((element.description or "").split()), section.code
        assert bool(first_words) == bool(element.description), section.code
        assert element.lead or section.code == "1.02C"


def appendix_b_home(code: str | None, sections: list[str]) -> str:
    """The App. B section that lists a product: its most specific element with a section."""
    homes = [s for s in sections if code and (code == s or code.startswith(s + "."))]
    return max(homes, key=len) if homes else "1.02C"


def test_appendix_b_product_lists_follow_from_the_products_wbs() -> None:
    codes = [s.code for s in appendix_b()]
    listed: dict[str, Counter[str]] = {}
    for product in catalog().products.values():
        listed.setdefault(appendix_b_home(product.wbs, codes), Counter())[product.description or ""] += 1
    for section in appendix_b():
        expected = Counter(APP_B_SPELLINGS.get(d, d) for d in section.products)
        assert listed.get(section.code, Counter()) == expected, section.code
    for spelling in APP_B_SPELLINGS:
        assert spelling in SOURCES


def test_every_wbs_code_used_resolves_and_dmtn_158_elements_exist() -> None:
    cat = catalog()
    for product in cat.products.values():
        assert product.wbs is None or product.wbs in cat.wbs, product.id
    headings = re.findall(r"^(02C\.\d\d): (.+)$", seed("004"), re.M)
    assert len(headings) == 9
    for code, name in headings:
        element = cat.resolve_wbs(code)
        assert element is not None, code
        assert element.name == name or name in (element.description or ""), code


def test_no_data_errors_in_organisation_files() -> None:
    mine = [p for p in catalog().problems
            if p.severity == Severity.ERROR and any(f"/{folder}/" in str(p.loc) for folder in MY_FOLDERS)]
    assert mine == []


# -- organisation: §3, §6, §7 --------------------------------------------------------


def test_dm_management_holders_from_section_3() -> None:
    text = seed("000")
    match = re.search(r"The DM Project Manager \(([^)]+)\), Deputy Project Manager \(([^)]+)\) "
                      r"and DM Project Scientist \(([^)]+)\)", text)
    assert match
    roles = catalog().roles
    for role_id, person in zip(("dm-project-manager", "dm-deputy-project-manager", "dm-subsystem-scientist"),
                               match.groups(), strict=True):
        assert roles[role_id].holders == [slug(person)]
        assert catalog().people[slug(person)].name == person


NOT_ROLES = {"Lead Institution Senior Positions", "Configuration Item List", "Configuration Baseline"}


def test_every_section_6_role_is_a_role() -> None:
    body = between(seed("000"), "\n6 Roles in Data Management\n\nThis section", "\n7 Data Management Groups/Bodies")
    headings = re.findall(r"^6\.\d+(?:\.\d+)?\s+(.+)$", body, re.M)
    assert len(headings) == 17
    titles = [r.title for r in catalog().roles.values()]
    for heading in headings:
        if heading in NOT_ROLES:
            continue
        wanted = "Release Manager" if heading == "Release management" else heading
        assert any(wanted in title for title in titles), heading


def test_scientists_among_the_roles() -> None:
    roles = catalog().roles
    scientists = {r.id for r in roles.values() if r.scientist}
    assert {"dm-subsystem-scientist", "pipeline-scientist", "interface-scientist", "calibration-scientist",
            "institutional-science-lead", "drp-science-lead", "ap-science-lead",
            "dm-science-validation-scientist"} <= scientists
    assert not scientists & {"dm-project-manager", "systems-engineer", "software-architect", "tcam", "dax-tcam"}
    assert all("Scientist" in roles[s].title or "Science" in roles[s].title for s in scientists)


def test_reporting_lines_end_outside_dm() -> None:
    roles = catalog().roles
    for role in roles.values():
        seen, current = [role.id], role
        while current.reports_to:
            assert current.reports_to not in seen, f"reporting cycle {seen}"
            seen.append(current.reports_to)
            current = roles[current.reports_to]
        assert current.id in {"lsst-project-manager", "lsst-project-scientist", role.id}, role.id


def test_tcams_and_leads_hold_the_appendix_a_managers_and_owners() -> None:
    cat = catalog()
    for role in cat.roles.values():
        if not role.wbs or not role.id.endswith(("-tcam", "-science-lead")):
            continue
        column = "manager" if role.id.endswith("-tcam") else "owner"
        people = {getattr(p, column) for p in cat.products.values()
                  if p.wbs and p.wbs.startswith(role.wbs[0] + ".") and getattr(p, column)}
        # one rule for every T/CAM and lead: no holder only where Appendix A names nobody
        assert people == set(role.holders), role.id
    assert cat.roles["ldf-tcam"].holders == ["don-petravick"]


def test_section_7_bodies_with_chairs() -> None:
    body = between(seed("000"), "\n7 Data Management Groups/Bodies\n\nSince", "\n8 Lead institutions in DM")
    bodies = re.findall(r"^7\.\d (.+)$", body, re.M)
    assert bodies == ["System Science Team", "DM Systems Engineering Team", "DM Leadership Team",
                      "DM Change Control Board"]
    groups = {g.id: g for g in catalog().groups.values()}
    chairs = {"sst": "dm-subsystem-scientist", "dm-systems-engineering-team": "dm-project-manager",
              "dmlt": "dm-project-manager", "dmccb": "systems-engineer"}
    for body_name, (group_id, chair) in zip(bodies, chairs.items(), strict=True):
        assert body_name in groups[group_id].name
        assert groups[group_id].chair == chair
    assert "Mondays" in (groups["dmlt"].cadence or "")
    assert groups["tcam-standup"].cadence == "Tuesdays and Fridays, via video"


def test_section_8_groups_at_their_institutions() -> None:
    groups = catalog().groups
    hosts = {"square": "LSST", "icbs": "LSST", "drp": "PU", "ap": "UW", "suit": "IPAC", "dax": "SLAC", "ldf": "NCSA"}
    for group_id, institution in hosts.items():
        assert groups[group_id].institution == institution


def test_people_ids_are_first_and_last_name_slugs() -> None:
    for person in catalog().people.values():
        words = person.name.split()
        assert person.id == slug(f"{words[0]} {words[-1]}"), person.id


def test_sources_account_for_every_data_file() -> None:
    for folder in MY_FOLDERS:
        for path in sorted((DATA / folder).glob("*.yaml")):
            assert f"{folder}/{path.name}" in SOURCES, path

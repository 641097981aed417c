"""The organisation as relations: who reports to whom, teams, groups and roles of each person."""

from __future__ import annotations

from collections import defaultdict

from ..data.catalog import Catalog
from ..data.model import Group, Role
from .wbs import wbs_sort_key


def direct_reports(catalog: Catalog) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for role in sorted(catalog.roles.values(), key=lambda r: r.id):
        if role.reports_to:
            found[role.reports_to].append(role.id)
    return dict(found)


def product_owners(catalog: Catalog) -> set[str]:
    """People named as owner of at least one product."""
    return {p.owner for p in catalog.products.values() if p.owner}


def teams(catalog: Catalog) -> dict[str, list[str]]:
    """WBS code → the roles sharing it as their first WBS element, for elements shared by two or more roles."""
    found: dict[str, list[str]] = defaultdict(list)
    for role in sorted(catalog.roles.values(), key=lambda r: r.id):
        code = next((catalog.wbs_key(w) for w in role.wbs if catalog.wbs_key(w)), None)
        if code:
            found[code].append(role.id)
    return {code: ids for code, ids in sorted(found.items(), key=lambda kv: wbs_sort_key(kv[0])) if len(ids) > 1}


def groups_of(catalog: Catalog, member_id: str) -> tuple[list[Group], list[Group]]:
    """(groups chaired, groups sat on) by a person or role id."""
    groups = sorted(catalog.groups.values(), key=lambda g: g.name.casefold())
    return [g for g in groups if g.chair == member_id], [g for g in groups if member_id in g.members]


def roles_held(catalog: Catalog, person_id: str) -> list[Role]:
    return sorted((r for r in catalog.roles.values() if person_id in r.holders), key=lambda r: r.title.casefold())


def reporting_depth(catalog: Catalog) -> dict[str, int]:
    """How many reporting lines separate each role from the top (0: reports to no role); loops stop."""
    depth = {}
    for role in catalog.roles.values():
        seen, current = {role.id}, role
        while current.reports_to in catalog.roles and current.reports_to not in seen:
            seen.add(current.reports_to)
            current = catalog.roles[current.reports_to]
        depth[role.id] = len(seen) - 1
    return depth

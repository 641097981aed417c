"""The organisation (LDM-294 Fig. 5, §6–8): org chart DOT, role, group, institution and people entries."""

from __future__ import annotations

from collections import defaultdict

from ..analyses.organisation import direct_reports, groups_of, product_owners, roles_held, teams
from ..analyses.wbs import wbs_sort_key
from ..data.catalog import Catalog
from ..data.model import Group, Role
from .dot import dot_html_text, dot_string
from .html import esc, link, markdown, ref_url
from .products import FONT, entry, fields, person_link, product_link, tooltip, wbs_link

SCIENTIST_FILL = "#a8d5a2"  # LDM-294 Fig. 5 draws scientists in green
OTHER_FILL = "#ffffff"
TEAM_COLOR = "#8899aa"
GRID = 3  # a role's direct reports with no reports of their own: drawn in rows of this many


# -- relations ----------------------------------------------------------------------


def member_link(catalog: Catalog, member_id: str) -> str:
    """A group chair or member: a person or a role."""
    if member_id in catalog.people:
        return person_link(catalog, member_id)
    if member_id in catalog.roles:
        role = catalog.roles[member_id]
        holders = ", ".join(catalog.people[h].name if h in catalog.people else h for h in role.holders)
        return link("role", member_id, role.title) + (f" ({esc(holders)})" if holders else "")
    return f'<span class="dm-unknown">{esc(member_id)}</span>'


# -- org chart (Fig. 5) ----------------------------------------------------------------




def org_chart_dot(catalog: Catalog, graph_id: str = "dm-org-chart", direction: str | None = None) -> str:
    """Roles and holders by reporting line, top-down as LDM-294 Fig. 5; teams boxed together, scientists green.

    A role's many direct reports without reports of their own are laid out in rows of GRID (not one
    very wide row); roles with no reporting line either way sit together in a box of their own.
    *direction*: "TB" (top-down, the default) or "LR" (left to right).
    """
    owners = product_owners(catalog)
    rankdir = direction or "TB"
    reports = direct_reports(catalog)
    roles = sorted(catalog.roles.values(), key=lambda r: r.id)
    lines = [
        f"digraph {dot_string(graph_id)} {{",
        f"  id={dot_string(graph_id)}; rankdir={rankdir}; ranksep=0.45; nodesep=0.25; newrank=true; compound=true;",
        f'  node [shape=box, style="rounded,filled", color="#445566", fontname={dot_string(FONT)}, target="_top",'
        ' margin="0.14,0.07"];',
        '  edge [arrowhead=none, color="#556677"];',
    ]
    in_team: set[str] = set()
    for number, (code, members) in enumerate(teams(catalog).items(), start=1):
        element = catalog.wbs[code]
        lines.append(f"  subgraph cluster_team{number} {{")
        lines.append(f'    label={dot_string(f"{element.code} {element.name}")}; fontname={dot_string(FONT)}; fontsize=10;'
                     f' style="dashed,rounded"; color="{TEAM_COLOR}";')
        lines += [f"    {_role_node(catalog, catalog.roles[m], owners)}" for m in members]
        leaders = [m for m in members if catalog.roles[m].reports_to not in members]
        if len(leaders) > 1:  # a team's leads (e.g. T/CAM and product owner) side by side
            lines.append("    { rank=same; " + " ".join(dot_string(m) for m in leaders) + " }")
        lines.append("  }")
        in_team.update(members)
    loose = [r.id for r in roles if r.id not in in_team and r.reports_to not in catalog.roles and r.id not in reports]
    if loose:
        lines.append("  subgraph cluster_loose {")
        lines.append(f'    label="Roles with no reporting line in the data"; fontname={dot_string(FONT)}; fontsize=10;'
                     f' style="dotted,rounded"; color="{TEAM_COLOR}";')
        lines += [f"    {_role_node(catalog, catalog.roles[r], owners)}" for r in loose]
        lines += _rows(loose, 3)
        lines.append("  }")
    for role in roles:
        if role.id not in in_team and role.id not in loose:
            lines.append(f"  {_role_node(catalog, role, owners)}")
    for role in roles:
        if role.reports_to and role.reports_to in catalog.roles:
            lines.append(f"  {dot_string(role.reports_to)} -> {dot_string(role.id)};")
    for parent in sorted(reports):
        leaves = [r for r in reports[parent] if r not in reports and r not in in_team]
        if len(leaves) > GRID:
            lines += _rows(leaves, GRID)
    lines += _legend(rankdir)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _rows(ids: list[str], per_row: int) -> list[str]:
    """Invisible edges that put *ids* in rows of *per_row*, one rank below the other."""
    return [f"  {dot_string(ids[i - per_row])} -> {dot_string(ids[i])} [style=invis];" for i in range(per_row, len(ids))]


def _role_node(catalog: Catalog, role: Role, owners: set[str]) -> str:
    rows = [f"<b>{dot_html_text(role.title)}</b>"]
    names = [catalog.people[h].name if h in catalog.people else h for h in role.holders]
    rows += [dot_html_text(name) for name in names]
    notes = []
    if role.scientist:
        notes.append("scientist")
    if any(h in owners for h in role.holders):
        notes.append("product owner")
    if notes:
        rows.append(f'<font point-size="10">{dot_html_text(", ".join(notes))}</font>')
    cells = "".join(f"<tr><td>{row}</td></tr>" for row in rows)
    label = f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">{cells}</table>>'
    fill = SCIENTIST_FILL if role.scientist else OTHER_FILL
    css = "dm-scientist" if role.scientist else "dm-role"
    hint = f"{role.title}: {', '.join(names)}" if names else role.title
    return (
        f"{dot_string(role.id)} [label={label}, fillcolor={dot_string(fill)}, class={dot_string(css)}, "
        f"URL={dot_string(ref_url('role', role.id))}, tooltip={tooltip(hint)}];"
    )


def _legend(rankdir: str) -> list[str]:
    """One boxed table, so it stays compact whichever way the chart runs."""
    earlier, later = ("left", "right") if rankdir == "LR" else ("above", "below")
    rows = [
        "<td><b>Legend</b></td>",
        f'<td bgcolor="{SCIENTIST_FILL}" border="1" style="rounded">Scientist</td>',
        f'<td bgcolor="{OTHER_FILL}" border="1" style="rounded">Management / engineering</td>',
        f'<td border="1" style="dashed" color="{TEAM_COLOR}">Team: roles sharing a WBS element</td>',
        f"<td>Lines join a role ({later})<br/>to the role it reports to ({earlier})</td>",
    ]
    table = "".join(f"<tr>{row}</tr>" for row in rows)
    label = (f'<<table border="1" color="#bbbbbb" cellborder="0" cellspacing="4" cellpadding="3" style="rounded">'
             f"{table}</table>>")
    # a name no record id can have (ids have no spaces): a role called "legend" stays its own node
    return [f'  "dm legend" [shape=plain, style="", class="dm-legend", fontsize=11, label={label}];']


# -- entries (§6, §7, §8) -------------------------------------------------------------


def role_entries(catalog: Catalog) -> str:
    reports = direct_reports(catalog)
    parts = []
    for role in sorted(catalog.roles.values(), key=lambda r: r.title.casefold()):
        chaired, sits_on = groups_of(catalog, role.id)
        holders = ", ".join(person_link(catalog, h) for h in role.holders) or '<span class="dm-missing">none named</span>'
        body = fields([
            ("Held by", holders),
            ("Reports to", _role_link(catalog, role.reports_to)),
            ("Direct reports", ", ".join(_role_link(catalog, r) for r in reports.get(role.id, []))),
            ("Kind", '<span class="dm-scientist">Scientist</span>' if role.scientist else ""),
            ("WBS", ", ".join(wbs_link(catalog, w, with_name=True) for w in role.wbs)),
            ("Chairs", _group_links(chaired)),
            ("Member of", _group_links(sits_on)),
            ("Responsibilities", markdown(role.responsibilities) if role.responsibilities else ""),
            ("Authorities", markdown(role.authorities) if role.authorities else ""),
        ])
        parts.append(entry("role", role.id, role.title, body, "dm-scientist-role" if role.scientist else ""))
    return '<div class="dm-entries dm-role-entries">' + "\n".join(parts) + "</div>"


def _role_link(catalog: Catalog, role_id: str | None) -> str:
    if not role_id:
        return ""
    role = catalog.roles.get(role_id)
    return link("role", role_id, role.title if role else role_id)


def _group_links(groups: list[Group]) -> str:
    return ", ".join(link("group", g.id, g.name) for g in groups)


def group_entries(catalog: Catalog) -> str:
    parts = []
    for group in sorted(catalog.groups.values(), key=lambda g: g.name.casefold()):
        body = fields([
            ("Chair", member_link(catalog, group.chair) if group.chair else ""),
            ("Members", "<ul>" + "".join(f"<li>{member_link(catalog, m)}</li>" for m in group.members) + "</ul>"
             if group.members else ""),
            ("Meets", esc(group.cadence or "")),
            ("Hosted by", _institution_link(catalog, group.institution)),
        ])
        description = f'<div class="dm-description">{markdown(group.description)}</div>' if group.description else ""
        parts.append(entry("group", group.id, group.name, description + body))
    return '<div class="dm-entries dm-group-entries">' + "\n".join(parts) + "</div>"


def _institution_link(catalog: Catalog, institution_id: str | None) -> str:
    if not institution_id:
        return ""
    institution = catalog.institutions.get(institution_id)
    return link("institution", institution_id, institution.name if institution else institution_id)


def institution_entries(catalog: Catalog) -> str:
    parts = []
    for institution in sorted(catalog.institutions.values(), key=lambda i: i.name.casefold()):
        led = sorted((w.code for w in catalog.wbs.values() if w.lead == institution.id), key=wbs_sort_key)
        hosted = sorted((g for g in catalog.groups.values() if g.institution == institution.id), key=lambda g: g.name)
        people = sorted((p for p in catalog.people.values() if p.institution == institution.id), key=lambda p: p.name)
        website = f'<a class="reference external" href="{esc(institution.url)}">{esc(institution.url)}</a>' \
            if institution.url else ""
        body = fields([
            ("Leads WBS elements", ", ".join(wbs_link(catalog, c, with_name=True) for c in led)),
            ("Hosts", _group_links(hosted)),
            ("People", ", ".join(person_link(catalog, p.id) for p in people)),
            ("Website", website),
        ])
        description = f'<div class="dm-description">{markdown(institution.description)}</div>' \
            if institution.description else ""
        parts.append(entry("institution", institution.id, institution.name, description + body))
    return '<div class="dm-entries dm-institution-entries">' + "\n".join(parts) + "</div>"


def people_entries(catalog: Catalog) -> str:
    managed: dict[str, list[str]] = defaultdict(list)
    owned: dict[str, list[str]] = defaultdict(list)
    for product in sorted(catalog.products.values(), key=lambda p: p.name.casefold()):
        if product.manager:
            managed[product.manager].append(product.id)
        if product.owner:
            owned[product.owner].append(product.id)
    parts = []
    for person in sorted(catalog.people.values(), key=lambda p: p.name.casefold()):
        roles = roles_held(catalog, person.id)
        chaired, sits_on = groups_of(catalog, person.id)
        for role in roles:  # a person chairs or sits on what their roles do
            by_role = groups_of(catalog, role.id)
            chaired += [g for g in by_role[0] if g not in chaired]
            sits_on += [g for g in by_role[1] if g not in sits_on]
        body = fields([
            ("Institution", _institution_link(catalog, person.institution)),
            ("Email", esc(person.email or "")),
            ("Roles", ", ".join(link("role", r.id, r.title) for r in roles)),
            ("Chairs", _group_links(chaired)),
            ("Member of", _group_links(sits_on)),
            ("Manager of", ", ".join(product_link(catalog, p) for p in managed.get(person.id, []))),
            ("Owner of", ", ".join(product_link(catalog, p) for p in owned.get(person.id, []))),
        ])
        parts.append(entry("person", person.id, person.name, body))
    return '<div class="dm-entries dm-person-entries">' + "\n".join(parts) + "</div>"

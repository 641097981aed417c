"""The DM site's milestone data against the seeds it was transcribed from.

DMTN-158 (data of March 2021) and LDM-564 (release feature lists) are parsed here, from
their text, so every expectation comes from the seed rather than from a typed-in list.
The only allowed differences are the ones content/data/sources/milestones.md documents.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
from support import REPO_ROOT

from dmsite.data.catalog import Catalog, Status
from dmsite.data.load import build_catalog

ROOT = REPO_ROOT
DATA = ROOT / "content" / "data"
SOURCES = (DATA / "sources" / "milestones.md").read_text(encoding="utf-8")
SEEDS = Path(os.environ.get("DMSITE_SEEDS", ROOT.parent / "shared" / "seeds"))
if not list(SEEDS.glob("004_*.txt")):
    pytest.skip(f"seed texts not found in {SEEDS} (set DMSITE_SEEDS)", allow_module_level=True)

MONTHS = {name: number for number, name in enumerate(calendar.month_name) if name}
ITEM = re.compile(r"^\s*• ([^:]+): (.*)$")


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def status_date() -> dt.date:
    """The status date conf.py sets (its default, ignoring any environment override)."""
    text = (ROOT / "conf.py").read_text(encoding="utf-8")
    match = re.search(r'^dmsite_status_date = os\.environ\.get\("DMSITE_STATUS_DATE", "([\d-]+)"\)$', text, re.M)
    assert match, "conf.py must set dmsite_status_date with a DMSITE_STATUS_DATE override"
    return dt.date.fromisoformat(match.group(1))


@cache
def catalog() -> Catalog:
    return build_catalog(DATA, status_date())


# -- DMTN-158 ------------------------------------------------------------------


@dataclass
class Entry:
    """One milestone of DMTN-158 "Milestones by WBS"; `fields` is empty where the text lost them."""

    id: str
    name: str
    section: str
    fields: dict[str, str] = field(default_factory=dict)
    description: list[str] = field(default_factory=list)
    no_description: bool = False

    def ids(self, key: str) -> list[str]:
        return [x.strip() for x in self.fields.get(key, "").split(",") if x.strip()]


@dataclass
class Dmtn158:
    summary: dict[str, int]
    overdue: dict[str, str]  # id -> due date
    by_month: dict[str, tuple[int, int]]  # id -> (year, month)
    by_month_names: dict[str, str]
    entries: dict[str, Entry]

    @property
    def ids(self) -> set[str]:
        return set(self.entries) | set(self.by_month)


@cache
def dmtn158() -> Dmtn158:
    text = seed("004")
    lines = text.splitlines()
    summary = re.search(
        r"tracking (\d+) milestones: (\d+) at Level 1, (\d+) at Level 2, (\d+) at Level 3, and (\d+) at Level 4\. "
        r"(\d+) have no level defined\. Of these, (\d+) have been completed\. "
        r"Of the incomplete milestones, (\d+) are late",
        text,
    )
    assert summary
    keys = ("total", "level1", "level2", "level3", "level4", "no_level", "completed", "late")
    i_overdue, i_month, i_wbs = (lines.index(h) for h in (
        "Currently overdue milestones", "Milestones by due date", "Milestones by WBS"))
    overdue = {}
    for line in lines[i_overdue:i_month]:
        if m := re.match(r"^\s*• ([^:]+): .* \[Due (\d{4}-\d\d-\d\d)\]$", line):
            overdue[m.group(1)] = m.group(2)
    by_month, names, current = {}, {}, (0, 0)
    for line in lines[i_month:i_wbs]:
        if m := re.match(r"^Due in (\w+) (\d{4})$", line):
            current = (int(m.group(2)), MONTHS[m.group(1)])
        elif (m := ITEM.match(line)) and m.group(1) != "No milestones due.":
            by_month[m.group(1)], names[m.group(1)] = current, m.group(2)
    entries: dict[str, Entry] = {}
    entry: Entry | None = None
    section = ""
    for line in lines[i_wbs + 1:lines.index("Bibliography")]:
        stripped = line.strip()
        if m := re.match(r"^(02C\.\d\d): ", line):
            section, entry = m.group(1), None
        elif line.startswith(("_images", "Figure ")) or not stripped or stripped == "Warning":
            continue
        elif m := re.match(r"^([A-Za-z0-9&.+-]+): (.+)$", line):
            entry = entries[m.group(1)] = Entry(m.group(1), m.group(2), section)
        elif entry is None:
            continue
        elif stripped.startswith("• Completion pending"):
            entry.fields["Completion pending"] = stripped[len("• Completion pending"):].strip()
        elif stripped.startswith("•"):
            key, value = stripped[1:].split(":", 1)
            entry.fields[key.strip()] = value.strip()
        elif stripped == "No description available":
            entry.no_description = True
        else:
            entry.description.append(stripped)
    return Dmtn158(dict(zip(keys, map(int, summary.groups()), strict=True)), overdue, by_month, names, entries)


# -- LDM-564 -------------------------------------------------------------------


@cache
def ldm564() -> dict[str, list[tuple[str, str]]]:
    """Each test milestone of LDM-564 §3 → its features as (id, name)."""
    text = seed("001")
    body = text[text.index("## 3 Functionality in DM releases"):text.index("## 4 References")]
    releases: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for line in body.splitlines():
        if m := re.match(r"^###\s+\**3\.\d+\s+.+?:\s+(LDM-503-\w+)\**\s*$", line):
            current = releases[m.group(1)] = []
        elif current is not None and (m := re.match(r"^- ([A-Z][\w-]+): (.+?) \(?\*\(?Due: ", line.strip())):
            current.append((m.group(1), m.group(2)))
    return releases


def ldm564_only() -> set[str]:
    """Feature milestones LDM-564 names that DMTN-158 does not have (added, documented)."""
    return {fid for features in ldm564().values() for fid, _ in features} - dmtn158().ids


# -- the tests -----------------------------------------------------------------


def test_no_milestone_problems() -> None:
    problems = [p for p in catalog().errors if "milestones" in str(p.loc)]
    assert problems == []


def test_summary_is_dmtn158s_with_the_ldm564_only_milestones_retired() -> None:
    cat, figures, extra = catalog(), dmtn158().summary, ldm564_only()
    # the LDM-564-only milestones are kept (for the release feature lists) but retired: never counted
    assert {m.id for m in cat.milestones.values() if m.retired} == extra
    milestones = [m for m in cat.milestones.values() if not m.retired]
    levels = Counter(m.level for m in milestones)
    statuses = Counter(cat.status(m) for m in milestones)
    assert {m.id for m in milestones} == dmtn158().ids
    assert len(milestones) == figures["total"]
    assert [levels[n] for n in (1, 2, 3, 4)] == [figures[f"level{n}"] for n in (1, 2, 3, 4)]
    assert levels[None] == figures["no_level"]
    assert statuses[Status.COMPLETED] == figures["completed"]
    assert statuses[Status.OVERDUE] == figures["late"]
    for milestone_id in extra:
        assert f"`{milestone_id}`" in SOURCES, f"{milestone_id} added from LDM-564 but not documented"


def test_every_dmtn158_milestone_is_present_with_its_name_and_section() -> None:
    seed_data, cat = dmtn158(), catalog()
    assert seed_data.ids <= set(cat.milestones)
    for entry in seed_data.entries.values():
        milestone = cat.milestones[entry.id]
        assert milestone.name == entry.name
        assert milestone.loc.path.endswith(f"milestones/{entry.section}.yaml"), entry.id
    for milestone_id, name in seed_data.by_month_names.items():
        assert cat.milestones[milestone_id].name == name


def test_detailed_fields_are_transcribed_as_written() -> None:
    for entry in dmtn158().entries.values():
        if not entry.fields:
            continue
        m, f = catalog().milestones[entry.id], entry.fields
        assert (m.wbs, str(m.level or "Undefined"), m.due.isoformat()) == (f["WBS"], f["Level"], f["Due"]), m.id
        done = re.fullmatch(r"(\S+)(?: \[(DM-\d+)\])?", f.get("Completed", "pending"))
        assert done
        assert (m.completed.isoformat() if m.completed else "pending") == done.group(1), m.id
        pending = re.search(r"\[(DM-\d+)\]", f.get("Completion pending", ""))
        assert m.jira == [j for j in (done.group(2), pending and pending.group(1)) if j], m.id
        spec = f.get("Test specification", "Undefined")
        plan = re.search(r" \[(DM-\d+)\]$", spec)
        assert (m.test_spec or "Undefined", m.jira_testplan) == (
            re.sub(r" \[[^]]+\]", "", spec), plan and plan.group(1)), m.id


def test_descriptions_absent_exactly_where_the_seed_has_none() -> None:
    for entry in dmtn158().entries.values():
        description = catalog().milestones[entry.id].description
        if entry.no_description:
            assert description is None, entry.id
        else:
            # the seed's citation numbers ("LDM-151 [22]") are dropped: they index DMTN-158's own bibliography
            expected = re.sub(r" \[[^]]+\]", "", " ".join(entry.description))
            assert description == expected, entry.id


def test_due_dates_fall_in_the_seed_months_and_overdue_dates() -> None:
    seed_data, cat = dmtn158(), catalog()
    for milestone_id, (year, month) in seed_data.by_month.items():
        due = cat.milestones[milestone_id].due
        assert (due.year, due.month) == (year, month), milestone_id
    for milestone_id, due_text in seed_data.overdue.items():
        assert cat.milestones[milestone_id].due.isoformat() == due_text


def test_overdue_list_is_the_seeds() -> None:
    cat = catalog()
    overdue = {m.id: m.due.isoformat() for m in cat.milestones.values() if cat.status(m) == Status.OVERDUE}
    assert overdue == dmtn158().overdue


def test_links_agree_with_dmtn158_in_both_directions() -> None:
    seed_data, cat = dmtn158(), catalog()
    listed: set[tuple[str, str]] = set()  # (predecessor, successor)
    external: set[str] = set()
    for entry in seed_data.entries.values():
        links = [(p, entry.id) for p in entry.ids("Predecessors")] + [(entry.id, s) for s in entry.ids("Successors")]
        for pred, succ in links:
            if {pred, succ} <= set(cat.milestones):
                listed.add((pred, succ))
            else:
                external.add(succ if pred == entry.id else pred)
    features = {(fid, release) for release, items in ldm564().items() for fid, _ in items}
    actual = {(p, m.id) for m in cat.milestones.values() for p in m.predecessors}
    assert listed <= actual
    assert actual - listed <= features, "links neither in DMTN-158 nor in LDM-564"
    # links to milestones outside the DM data (other subsystems) are dropped and listed in the sources
    assert external.isdisjoint(cat.milestones)
    for milestone_id in external:
        assert f"`{milestone_id}`" in SOURCES, f"external link to {milestone_id} not documented"
    for pred, succ in actual - listed:
        assert f"`{pred}` → `{succ}`" in SOURCES, f"LDM-564 link {pred} -> {succ} not documented"


def sources_links(heading: str) -> set[tuple[str, str]]:
    """The (feature, test milestone) rows of one links table of the sources."""
    block = SOURCES.split(f"#### {heading}\n", 1)[1].split("\n#### ", 1)[0]
    return set(re.findall(r"^\| `([^`]+)` → `([^`]+)` \|", block, re.M))


def contradicted_by_dmtn158(feature: str, release: str) -> bool:
    """DMTN-158 details an end of the link and that end does not list the other."""
    entries = dmtn158().entries
    pred, succ = entries.get(feature), entries.get(release)
    return bool((pred and pred.fields and release not in pred.ids("Successors"))
                or (succ and succ.fields and feature not in succ.ids("Predecessors")))


def test_release_feature_lists_come_from_predecessor_links() -> None:
    releases, cat = ldm564(), catalog()
    dropped = sources_links("LDM-564 links DMTN-158 contradicts")
    assert len(releases) == 28
    assert sum(len(items) for items in releases.values()) > 100
    for release, items in releases.items():
        assert release in cat.milestones
        missing = {fid for fid, _ in items} - set(cat.milestones[release].predecessors)
        assert {(fid, release) for fid in missing} <= dropped, f"{release} lacks features {sorted(missing)}"


def test_ldm564_links_are_kept_exactly_where_dmtn158_does_not_contradict_them() -> None:
    """The rule of the sources: DMTN-158, the later source, wins over LDM-564."""
    cat = catalog()
    kept, dropped = sources_links("Links added from LDM-564"), sources_links("LDM-564 links DMTN-158 contradicts")
    features = {(fid, release) for release, items in ldm564().items() for fid, _ in items}
    actual = {(p, m.id) for m in cat.milestones.values() for p in m.predecessors}
    assert (len(kept), len(dropped)) == (45, 15)
    assert kept | dropped <= features
    assert kept <= actual and not dropped & actual
    assert all(contradicted_by_dmtn158(*link) for link in dropped)
    assert not any(contradicted_by_dmtn158(*link) for link in kept)
    assert "DM-DAX-7" not in cat.milestones["LDM-503-04"].predecessors


def test_completed_dates_never_after_the_status_date() -> None:
    day = status_date()
    assert all(m.completed <= day for m in catalog().milestones.values() if m.completed)

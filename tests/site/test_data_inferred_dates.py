"""The prepared list of inferred dates (content/data/sources/inferred-dates.yaml.txt) is true.

Until the model can write retired milestones, month-only dates and estimated completions, the
list says what the data should become; this checks each entry against the data as it is now and
against the seed line it cites, so the list cannot drift before it is applied.
"""

from __future__ import annotations

import calendar
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from support import REPO_ROOT
from test_data_milestones import catalog, dmtn158, ldm564_only

ROOT = REPO_ROOT
LIST = ROOT / "content" / "data" / "sources" / "inferred-dates.yaml.txt"
SEEDS = Path(os.environ.get("DMSITE_SEEDS", ROOT.parent / "shared" / "seeds"))
if not list(SEEDS.glob("004_*.txt")):
    pytest.skip(f"seed texts not found in {SEEDS} (set DMSITE_SEEDS)", allow_module_level=True)


@cache
def prepared() -> dict[str, list[dict[str, Any]]]:
    data = yaml.safe_load(LIST.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def seed_line(ref: str) -> str:
    name, number = ref.split(":")
    return (SEEDS / name).read_text(encoding="utf-8").splitlines()[int(number) - 1]


def test_counts_and_fields() -> None:
    lists = prepared()
    assert {k: len(v) for k, v in lists.items()} == {"retired": 6, "month_only": 66, "estimated_completion": 50}
    for name, field in (("retired", "retired"), ("month_only", "due"), ("estimated_completion", "completed_estimated")):
        for entry in lists[name]:
            assert set(entry) == {"id", "field", "current", "value", "seed_line", "reason"}, entry
            assert entry["field"] == field and len(entry["reason"]) > 40, entry["id"]


def test_retired_are_the_ldm564_only_milestones_cited_from_ldm564() -> None:
    entries = prepared()["retired"]
    assert {e["id"] for e in entries} == ldm564_only()
    for entry in entries:
        assert entry["value"] == "2021-03-31" and entry["current"] is None
        for ref in entry["seed_line"].split(", "):
            assert ref.startswith("001_") and seed_line(ref).strip().startswith(f"- {entry['id']}:"), ref


def test_month_only_dates_are_the_current_day_cut_to_its_month_and_cite_the_month() -> None:
    cat, by_month = catalog(), dmtn158().by_month
    for entry in prepared()["month_only"]:
        due = cat.milestones[entry["id"]].due
        assert entry["current"] == due.isoformat() and entry["value"] == due.isoformat()[:7], entry["id"]
        assert not dmtn158().entries.get(entry["id"]) or not dmtn158().entries[entry["id"]].fields
        assert entry["id"] not in dmtn158().overdue, "overdue-list dates are exact"
        line = seed_line(entry["seed_line"])
        if entry["id"] in by_month:
            assert re.match(rf"^\s*• {re.escape(entry['id'])}: ", line), entry["id"]
        else:  # in no surviving month list: the heading of the lost month it is put in
            assert line == f"Due in {calendar.month_name[due.month]} {due.year}", entry["id"]


def test_estimated_completions_are_the_placeholder_dates() -> None:
    cat = catalog()
    placeholders = {m.id for m in cat.milestones.values()
                    if m.completed and m.comment and "The date given is the baseline due date" in m.comment}
    entries = prepared()["estimated_completion"]
    assert {e["id"] for e in entries} == placeholders
    for entry in entries:
        milestone = cat.milestones[entry["id"]]
        assert entry["value"] is True and entry["current"] == milestone.completed.isoformat() == milestone.due.isoformat()
    # the due day is inferred too, except where LDM-564 gives it
    months = {e["id"] for e in prepared()["month_only"]}
    assert {e["id"] for e in entries} - months == {"LDM-503-10a", "DM-SUIT-10", "DM-DAX-2", "DM-NCSA-16", "DM-SQRE-3"}

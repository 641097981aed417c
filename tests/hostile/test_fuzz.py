"""Property-based fuzzing of the loader and validator: broken data only ever gives clean located problems.

Valid records of every kind are mutated (keys deleted or renamed, values of the wrong type, odd
strings, broken indentation, random bytes) and loaded; whatever happens, ``build_catalog`` returns
problems printed as ``path:line:col: id: message`` on one line, and never raises.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dmsite.data.catalog import Catalog
from dmsite.data.load import build_catalog
from dmsite.data.model import KINDS
from dmsite.data.problems import Problem
from dmsite.render.exports import to_csv, to_json

STATUS_DATE = dt.date(2021, 5, 10)
LOCATED = re.compile(r"^[^\n]+:\d+:\d+: [^\n]+: [^\n]+$")
FUZZ = settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

VALID: dict[str, list[dict[str, Any]]] = {
    "institutions": [{"id": "UW", "name": "University of Washington", "url": "https://www.washington.edu"}],
    "people": [{"id": "wom", "name": "William O'Mullane", "institution": "UW", "email": "wom@example.org"}],
    "wbs": [{"code": "1.02C.03", "name": "Alert Production", "lead": "UW"}],
    "documents": [
        {"handle": "LDM-294", "title": "Organization", "authors": ["W. O'Mullane"], "year": 2020,
         "url": "https://ldm-294.lsst.io", "relations": [{"to": "LDM-148", "type": "derives"}]},
        {"handle": "LDM-148", "title": "Design", "status": "released", "version": "2.1"},
    ],
    "roles": [
        {"id": "dm-pm", "title": "DM Project Manager", "holders": ["wom"], "wbs": ["02C.03"]},
        {"id": "dm-t-cam", "title": "T/CAM", "reports_to": "dm-pm", "responsibilities": "*Plans* work."},
    ],
    "groups": [{"id": "dmccb", "name": "DM CCB", "chair": "dm-pm", "members": ["wom", "dm-t-cam"],
                "institution": "UW", "cadence": "weekly"}],
    "products": [
        {"id": "science-pipelines", "name": "Science Pipelines", "manager": "wom", "owner": "wom",
         "wbs": "02C.03", "documents": ["LDM-148"], "packages": ["pipe_base"]},
        {"id": "alert-production", "name": "Alert Production", "parent": "science-pipelines",
         "packages": ["ap_pipe"]},
    ],
    "milestones": [
        {"id": "DM-AP-1", "name": "First", "wbs": "02C.03", "level": 2, "due": dt.date(2020, 1, 1),
         "completed": "2020-01-02", "description": "Done.", "key": True},
        {"id": "DM-AP-2", "name": "Second", "due": "2021-01-01", "forecast": dt.date(2021, 6, 1),
         "predecessors": ["DM-AP-1"], "description": "Next.", "jira": ["DM-1234"]},
    ],
    "requirements": [
        {"id": "DMS-REQ-0001", "title": "Top", "source": "LDM-294"},
        {"id": "DMS-REQ-0002", "title": "Derived", "traces": ["DMS-REQ-0001"], "allocated": ["alert-production"]},
    ],
    "glossary": [{"term": "AP", "definition": "Alert Production", "acronym": True}],
}

ODD_TEXT = st.sampled_from([
    "", " ", "~", "null", "yes", "no", "0x1F", "1e400", ".nan", "-.inf", "2021-02-30", "2021-05-10T10:00:00",
    "<script>alert(1)</script>", "javascript:alert(1)", "=cmd|' /C calc'!A0", "{{ config }}", "${HOME}",
    "\u202e\u0000\u0007\ufeff", "👩‍🚀🔭", "a" * 5_000, "- item", "key: value", "*alias", "&anchor", "!tag",
    "'", '"', "\\", "%", "@", "`", "|", ">", "#", "---", "...", "\t", "\n\n", "\r\n",
]) | st.text(max_size=40)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.dates() | ODD_TEXT
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ODD_TEXT, inner, max_size=3), max_leaves=6
)
KEYS = st.sampled_from(sorted({k for records in VALID.values() for r in records for k in r})) | ODD_TEXT | st.integers()


WORK = Path(tempfile.mkdtemp(prefix="dmsite-fuzz-"))  # one per process: folders are reused (creating them is slow)


def load(files: dict[str, bytes]) -> tuple[Catalog, list[Path]]:
    """Write *files* (relative path → bytes) as the only files of the data directory and build the catalog."""
    data = WORK / "data"
    for old in data.rglob("*.yaml"):
        old.unlink()
    for rel, raw in files.items():
        (data / rel).parent.mkdir(parents=True, exist_ok=True)
        (data / rel).write_bytes(raw)
    catalog = build_catalog(data, STATUS_DATE, base=WORK)
    return catalog, [p.relative_to(WORK) for p in data.rglob("*.yaml")]


def dump(records: Any) -> bytes:
    return yaml.safe_dump(records, allow_unicode=True, sort_keys=False).encode("utf-8")


def assert_only_clean_problems(catalog: Catalog, paths: list[Path]) -> None:
    shown = {str(p) for p in paths} | {"data"}
    for problem in catalog.problems:
        assert isinstance(problem, Problem)
        text = str(problem)
        assert LOCATED.match(text), text
        assert problem.loc.path in shown, text
        assert problem.loc.line >= 1 and problem.loc.col >= 1
        assert len(text) < 2_000, text[:200]
    if not catalog.errors:  # a clean data set: every derivation and export works on it
        for milestone in catalog.milestones.values():
            catalog.status(milestone)
            catalog.successors_of(milestone.id)
        for product in catalog.products.values():
            catalog.effective(product, "manager")
            list(catalog.ancestors(product))
        to_json(catalog)
        to_csv(catalog)


def test_the_valid_data_set_has_no_problems() -> None:
    catalog, _ = load({f"{kind}/x.yaml": dump(records) for kind, records in VALID.items()})
    assert catalog.problems == []
    assert sum(len(catalog.table(cls.kind)) for cls in KINDS.values()) == sum(len(r) for r in VALID.values())


@st.composite
def mutated_records(draw: st.DrawFn) -> dict[str, list[Any]]:
    """The valid data set with one to four structural mutations."""
    data: dict[str, list[Any]] = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(sorted(data)))
        records = data[kind]
        if not records:
            continue
        index = draw(st.integers(0, len(records) - 1))
        record = records[index]
        operation = draw(st.sampled_from(["delete", "rename", "retype", "add", "replace", "duplicate", "nest"]))
        if not isinstance(record, dict) or operation == "replace":
            records[index] = draw(VALUES)
            continue
        key = draw(st.sampled_from(sorted(record, key=str))) if record else "id"
        if operation == "delete":
            record.pop(key, None)
        elif operation == "rename":
            record[draw(KEYS)] = record.pop(key, None)
        elif operation == "retype":
            record[key] = draw(VALUES)
        elif operation == "add":
            record[draw(KEYS)] = draw(VALUES)
        elif operation == "duplicate":
            records.append(copy.deepcopy(record))
        else:
            record[key] = [record.get(key)] if draw(st.booleans()) else {"nested": record.get(key)}
    return data


@FUZZ
@given(mutated_records())
def test_mutated_records_give_only_located_problems(data: dict[str, list[Any]]) -> None:
    catalog, paths = load({f"{kind}/x.yaml": dump(records) for kind, records in data.items()})
    assert_only_clean_problems(catalog, paths)


SNIPPETS = st.sampled_from([
    "\t", "  ", "- ", ": ", ":", "[", "]", "{", "}", "&a ", "*a", "<<: ", "!x ", "!!python/name:os.system ",
    "'", '"', "#", "---\n", "...\n", "? ", "|\n", ">-\n", "\n", "%YAML 1.1\n", "\ufeff", "\x85", "\u2028",
]) | st.text(max_size=12)


@st.composite
def mutated_text(draw: st.DrawFn) -> dict[str, bytes]:
    """The valid data set as YAML text, with its text broken in one to three places."""
    files = {f"{kind}/x.yaml": dump(records) for kind, records in VALID.items()}
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(files)))
        raw = files[name]
        at = draw(st.integers(0, len(raw)))
        operation = draw(st.sampled_from(["insert", "delete", "indent", "bytes", "truncate", "swap_lines"]))
        if operation == "insert":
            raw = raw[:at] + draw(SNIPPETS).encode("utf-8") + raw[at:]
        elif operation == "delete":
            raw = raw[:at] + raw[at + draw(st.integers(1, 20)):]
        elif operation == "bytes":
            raw = raw[:at] + draw(st.binary(min_size=1, max_size=6)) + raw[at:]
        elif operation == "truncate":
            raw = raw[:at]
        else:
            lines = raw.split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            if operation == "indent":
                lines[i] = b" " * draw(st.integers(1, 5)) + lines[i] if draw(st.booleans()) else lines[i].lstrip()
            else:
                j = draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
            raw = b"\n".join(lines)
        files[name] = raw
    return files


@FUZZ
@given(mutated_text())
def test_broken_text_gives_only_located_problems(files: dict[str, bytes]) -> None:
    catalog, paths = load(files)
    assert_only_clean_problems(catalog, paths)


IDS = st.sampled_from([f"M{i}" for i in range(8)])


@FUZZ
@given(
    st.dictionaries(IDS, st.lists(IDS | st.just("unknown"), max_size=3), min_size=1, max_size=8),
    st.dictionaries(IDS, IDS | st.just("unknown"), max_size=8),
)
def test_random_reference_graphs_give_located_cycles(predecessors: dict[str, list[str]], parents: dict[str, str]) -> None:
    """Any graph of predecessors and parents: each cycle is reported with its path, nothing raises."""
    milestones = [{"id": m, "name": m, "due": "2020-01-01", "predecessors": p, "description": "x"}
                  for m, p in sorted(predecessors.items())]
    products = [{"id": p, "name": p, **({"parent": parent} if parent else {})} for p, parent in sorted(parents.items())]
    catalog, paths = load({"milestones/m.yaml": dump(milestones), "products/p.yaml": dump(products)})
    assert_only_clean_problems(catalog, paths)
    for problem in catalog.problems:
        if "cycle: " in problem.message:
            cycle = problem.message.split("cycle: ")[1].split(" -> ")
            assert cycle[0] == cycle[-1] and problem.record in cycle

"""The one-time migration of lsst-dm/milestones' annotations (``local.yaml``) into the milestone YAML.

``local.yaml`` maps a milestone code to fields: hand-kept text (description, comment,
short_name, test_spec, jira, jira_testplan, aka) is written into the milestone's record;
``name``, ``level``, ``due`` and ``completed`` override what the scheduling tool says, so they
are written and listed under the record's ``overrides`` (the monthly import then leaves them).
A ``due``/``completed`` that only gives the month of the date already there is no override: it
makes the date month-only.  What has no place (codes not in the data, fields dmsite does not
keep, such as ``summarychart``) is reported, not guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..atomic import write_files_atomically
from ..data import dates
from ..data.model import OVERRIDABLE, Milestone
from ..errors import ExportError
from .p6 import parse_level
from .update import MILESTONE_ORDER, _Data
from .yamledit import RecordText

TEXT_FIELDS = ("description", "comment", "short_name", "test_spec", "jira_testplan")
MODEL_FIELDS = {f.alias or n for n, f in Milestone.model_fields.items()} - {"id"}


@dataclass
class AnnotationReport:
    placed: dict[str, list[str]] = field(default_factory=dict)  # code → fields written
    unknown_codes: list[str] = field(default_factory=list)
    unplaced: list[tuple[str, str, str]] = field(default_factory=list)  # code, field, why
    empty: int = 0  # '' or null values: nothing to write
    files: list[Path] = field(default_factory=list)

    def text(self) -> str:
        fields = sum(len(v) for v in self.placed.values())
        lines = [f"placed {fields} field(s) on {len(self.placed)} milestone(s); {self.empty} empty value(s) skipped\n"]
        if self.unknown_codes:
            lines.append(f"not placed: {len(self.unknown_codes)} code(s) that are not milestones in the data: "
                         + ", ".join(self.unknown_codes) + "\n")
        lines += [f"not placed: {code}: {name}: {why}\n" for code, name, why in self.unplaced]
        lines.append("files written: " + (", ".join(map(str, self.files)) or "none") + "\n")
        return "".join(lines)


def read_annotations(path: Path) -> dict[str, dict[str, Any]]:
    """The annotations file: a mapping of code → mapping of fields."""
    try:
        loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as exc:
        raise ExportError(f"{path}: cannot read it ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise ExportError(f"{path}: not YAML ({' '.join(str(exc).split())})") from None
    if not isinstance(loaded, dict) or not all(isinstance(v, dict | None) for v in loaded.values()):
        raise ExportError(f"{path}: expected a mapping of milestone codes to their fields")
    return {str(code): dict(fields or {}) for code, fields in loaded.items()}


def import_annotations(annotations: dict[str, dict[str, Any]], data_dir: Path) -> AnnotationReport:
    data = _Data.read(data_dir)
    report = AnnotationReport()
    for code, fields in sorted(annotations.items()):
        if code not in data.milestones:
            report.unknown_codes.append(code)
            continue
        _, record = data.milestones[code]
        for name, value in fields.items():
            _place(code, record, str(name), value, report)
    texts = {path: yaml_file.render(MILESTONE_ORDER) for path, yaml_file in sorted(data.files.items()) if yaml_file.changed}
    write_files_atomically(texts)  # every changed file, or (a full disk) none
    report.files.extend(texts)
    return report


def _place(code: str, record: RecordText, name: str, value: Any, report: AnnotationReport) -> None:
    if value in ("", None, []):
        report.empty += 1
        return
    convert = CONVERTERS.get(name) or (_as_is if name in MODEL_FIELDS else None)
    if convert is None:
        report.unplaced.append((code, name, "dmsite keeps no such field"))
        return
    try:
        written, override = convert(record, value)
    except (ValueError, ExportError) as exc:
        report.unplaced.append((code, name, str(exc)))
        return
    if _current(record, name) != written:
        record.changes[name] = written
    if override and name in OVERRIDABLE:
        kept = list(record.changes.get("overrides") or record.values.get("overrides") or [])
        if name not in kept:
            record.changes["overrides"] = [*kept, name]
    if name in record.changes or "overrides" in record.changes:
        report.placed.setdefault(code, []).append(name)


def _current(record: RecordText, name: str) -> Any:
    return record.changes.get(name, record.values.get(name))


def _text(record: RecordText, value: Any) -> tuple[Any, bool]:
    return str(value).strip(), False


def _keys(record: RecordText, value: Any) -> tuple[Any, bool]:
    return ([str(value)] if not isinstance(value, list) else [str(v) for v in value]), False


def _name(record: RecordText, value: Any) -> tuple[Any, bool]:
    return str(value).strip(), str(value).strip() != str(record.values.get("name"))


def _level(record: RecordText, value: Any) -> tuple[Any, bool]:
    level = parse_level(value, "level")
    return level, level != record.values.get("level")


def _day(name: str) -> Callable[[RecordText, Any], tuple[Any, bool]]:
    def convert(record: RecordText, value: Any) -> tuple[Any, bool]:
        day = dates.parse(value)
        old = record.values.get(name)
        before = dates.parse(old) if old is not None else None
        if before is not None and day.is_month and day.in_same_month(before):
            return day, False  # only says the day is not known: the month-only rule keeps it on later imports
        return day, before != day

    return convert


def _as_is(record: RecordText, value: Any) -> tuple[Any, bool]:
    return value, True


CONVERTERS: dict[str, Callable[[RecordText, Any], tuple[Any, bool]]] = {
    **dict.fromkeys(TEXT_FIELDS, _text),
    "jira": _keys,
    "aka": _keys,
    "name": _name,
    "level": _level,
    "due": _day("due"),
    "completed": _day("completed"),
    "forecast": _day("forecast"),
}

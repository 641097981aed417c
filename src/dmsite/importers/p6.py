"""Read a Primavera P6 export (``.xls``, ``.xlsx`` or CSV): its milestones and their relationships.

The export has two tables, ``TASK`` and ``TASKPRED``: row 0 holds field names, row 1 human
labels, data starts at row 2 (as lsst-dm/milestones reads it).  Workbooks are read with
python-calamine (both Excel formats); the CSV form is a folder holding ``TASK.csv`` and
``TASKPRED.csv``, or a ``…TASK….csv`` file with its ``…TASKPRED….csv`` beside it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ExportError
from .limits import csv_rows

TASK, TASKPRED = "TASK", "TASKPRED"
FIRST_DATA_ROW = 2
TASK_REQUIRED = ("task_code", "task_name", "status_code", "base_end_date", "wbs_id")
PRED_REQUIRED = ("task_id", "pred_task_id")
TRUNCATED_AT = 10  # P6 cuts several TASKPRED text columns to this many characters
_DATE_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class Task:
    """One TASK row, with the fields dmsite uses."""

    code: str
    type: str
    name: str
    level: int | None
    status: str
    start: dt.date | None
    due: dt.date | None  # baseline finish
    forecast: dt.date | None  # current finish
    actual: dt.date | None  # actual finish
    wbs: str | None  # e.g. '02C.03.01' from 'LSST ME 19-04.02C.03.01'
    key: bool | None  # actv_code_milestone_tracking_id == 'Y'; None when the export has no such column
    row: int  # 1-based row in the sheet, for messages

    @property
    def is_milestone(self) -> bool:
        return "milestone" in self.type.lower()

    @property
    def completed(self) -> dt.date | None:
        """Completion: the actual finish, else (a placeholder) the baseline finish or the start."""
        if self.status.lower() != "completed":
            return None
        return self.actual or self.due or self.start

    @property
    def completed_estimated(self) -> bool:
        return self.completed is not None and self.actual is None

    @property
    def baseline(self) -> dt.date | None:
        """The due date: the baseline finish, else the current finish, else (a start milestone) its start."""
        return self.due or self.forecast or (self.start if self.type.lower().startswith("start") else None)


@dataclass
class Export:
    tasks: dict[str, Task] = field(default_factory=dict)
    links: list[tuple[str, str]] = field(default_factory=list)  # (predecessor code, successor code)
    notes: list[str] = field(default_factory=list)  # what was read but not used, for the summary
    source: str = ""


def read_export(path: Path) -> Export:
    """Both tables of the export at *path*; raises ExportError for what cannot be read."""
    tables = _read_tables(path)
    export = Export(source=str(path))
    _read_tasks(tables[TASK], export)
    _read_links(tables[TASKPRED], export)
    return export


def _read_tables(path: Path) -> dict[str, list[list[Any]]]:
    if path.is_dir() or path.suffix.lower() == ".csv":
        return _read_csv_pair(path)
    if path.suffix.lower() not in (".xls", ".xlsx", ".xlsm", ".xlsb", ".ods"):
        raise ExportError(f"{path}: not a P6 export (expected .xls, .xlsx or CSV)")
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for unreadable workbooks
        raise ExportError(f"{path}: cannot read the workbook ({exc})") from None
    names = list(workbook.sheet_names)
    found = {}
    for wanted, position in ((TASK, 0), (TASKPRED, 1)):
        name = wanted if wanted in names else (names[position] if len(names) > position else None)
        if name is None:
            raise ExportError(f"{path}: no {wanted} sheet (sheets: {', '.join(names) or 'none'})")
        found[wanted] = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return found


def _read_csv_pair(path: Path) -> dict[str, list[list[Any]]]:
    if path.is_dir():
        files = {TASK: path / "TASK.csv", TASKPRED: path / "TASKPRED.csv"}
    else:
        if TASK not in path.name or TASKPRED in path.name:
            raise ExportError(f"{path}: give the TASK CSV file (its TASKPRED file is found beside it) or their folder")
        files = {TASK: path, TASKPRED: path.with_name(path.name.replace(TASK, TASKPRED, 1))}
    tables = {}
    for name, file in files.items():
        try:
            with file.open(encoding="utf-8-sig", newline="") as handle:
                tables[name] = csv_rows(handle, file)
        except OSError as exc:
            raise ExportError(f"{file}: cannot read the {name} table ({exc.strerror})") from None
        except UnicodeDecodeError:
            raise ExportError(f"{file}: not UTF-8 text") from None
    return tables


def _header(rows: list[list[Any]], table: str, required: Sequence[str], source: str) -> dict[str, int]:
    if not rows:
        raise ExportError(f"{source}: the {table} table is empty (row 1 should hold field names)")
    columns = {str(name).strip(): i for i, name in enumerate(rows[0]) if str(name).strip()}
    missing = [c for c in required if c not in columns]
    if missing:
        have = ", ".join(columns) or "nothing"
        raise ExportError(f"{source}: {table} has no column {', '.join(repr(m) for m in missing)} "
                          f"(its first row holds: {have})")
    return columns


def _cell(row: list[Any], columns: dict[str, int], name: str) -> Any:
    i = columns.get(name)
    if i is None or i >= len(row):
        return ""
    value = row[i]
    return value.strip() if isinstance(value, str) else value


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


_US_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s|$)")


@functools.lru_cache(maxsize=1 << 14)  # an export repeats the same few thousand dates
def _us_day(text: str) -> dt.date | None:
    found = _US_DAY.match(text)
    if not found:
        return None
    try:
        day = dt.date(int(found.group(3)), int(found.group(1)), int(found.group(2)))
    except ValueError:
        return None
    rest = text[found.end():].strip()
    return day if not rest or re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?( ?[AP]M)?", rest) else None


def parse_date(value: Any, where: str) -> dt.date | None:
    """A P6 date: '7/29/2019 5:00:00 PM', '7/29/2019', a spreadsheet date or a day number."""
    if value in ("", None):
        return None
    if isinstance(value, str) and (day := _us_day(value.strip())):
        return day
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    for form in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(str(value).strip(), form).date()
        except ValueError:
            continue
    raise ExportError(f"{where}: '{value}' is not a date (expected e.g. 7/29/2019 5:00:00 PM)")


def parse_level(value: Any, where: str) -> int | None:
    text = _text(value)
    if text.lower() in ("", "undefined", "none"):
        return None
    match = re.fullmatch(r"(?:level\s*)?([1-4])(?:\.0+)?", text, re.IGNORECASE)
    if not match:
        raise ExportError(f"{where}: level '{text}' is not 1 to 4 or Undefined")
    return int(match.group(1))


def wbs_code(value: Any) -> str | None:
    """The WBS code in a P6 wbs_id: 'LSST ME 19-04.02C.03.01' → '02C.03.01' (from the subsystem part on)."""
    text = _text(value)
    if not text:
        return None
    parts = text.split()[-1].split(".")
    for i, part in enumerate(parts):
        if re.fullmatch(r"\d{2}[A-Z]", part):
            return ".".join(parts[i:])
    return text.split()[-1]


def _read_tasks(rows: list[list[Any]], export: Export) -> None:
    columns = _header(rows, TASK, TASK_REQUIRED, export.source)
    has_key = "actv_code_milestone_tracking_id" in columns
    for number, row in enumerate(rows[FIRST_DATA_ROW:], start=FIRST_DATA_ROW + 1):
        code = _text(_cell(row, columns, "task_code"))
        if not code or _text(_cell(row, columns, "delete_record_flag")).upper() in ("Y", "YES", "TRUE", "1"):
            continue
        where = f"{export.source}: TASK row {number} ({code})"
        kind = _text(_cell(row, columns, "task_type")) or "Milestone"  # the old export holds milestones only
        if "milestone" not in kind.lower():  # other tasks only end links: their fields are not read
            task = Task(code, kind, code, None, "", None, None, None, None, None, None, number)
        else:
            task = _milestone(row, columns, code, kind, number, where, has_key)
        if code in export.tasks:
            raise ExportError(f"{where}: task_code '{code}' appears twice (first in row {export.tasks[code].row})")
        export.tasks[code] = task


def _milestone(
    row: list[Any], columns: dict[str, int], code: str, kind: str, number: int, where: str, has_key: bool
) -> Task:
    task = Task(
        code=code,
        type=kind,
        name=_text(_cell(row, columns, "task_name")) or code,
        level=parse_level(_cell(row, columns, "user_field_859"), where),
        status=_text(_cell(row, columns, "status_code")),
        start=parse_date(_cell(row, columns, "start_date"), where),
        due=parse_date(_cell(row, columns, "base_end_date"), where),
        forecast=parse_date(_cell(row, columns, "end_date"), where),
        actual=parse_date(_cell(row, columns, "act_end_date"), where),
        wbs=wbs_code(_cell(row, columns, "wbs_id")),
        key=_text(_cell(row, columns, "actv_code_milestone_tracking_id")).upper() == "Y" if has_key else None,
        row=number,
    )
    if task.baseline is None:
        raise ExportError(f"{where}: a milestone without any date (base_end_date, end_date or start_date)")
    return task


def _read_links(rows: list[list[Any]], export: Export) -> None:
    columns = _header(rows, TASKPRED, PRED_REQUIRED, export.source)
    resolved: dict[str, str | None] = {}
    unknown: set[str] = set()
    seen: set[tuple[str, str]] = set()
    tasks, succ_at, pred_at = export.tasks, columns["task_id"], columns["pred_task_id"]
    width = max(succ_at, pred_at) + 1
    for row in rows[FIRST_DATA_ROW:]:  # the biggest table: read with as little work per row as can be
        if len(row) < width:
            continue
        succ, pred = _text(row[succ_at]), _text(row[pred_at])
        if not succ or not pred:
            continue
        first = pred if pred in tasks else _resolve(pred, tasks, resolved)
        then = succ if succ in tasks else _resolve(succ, tasks, resolved)
        if first is None or then is None:
            unknown.update(code for code, end in ((pred, first), (succ, then)) if end is None)
            continue
        if (first, then) not in seen and first != then:
            seen.add((first, then))
            export.links.append((first, then))
    if unknown:
        shown = ", ".join(sorted(unknown)[:10]) + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else "")
        export.notes.append(f"{len(unknown)} task id(s) in TASKPRED are not in TASK; their links were left out: {shown}")
    cut = sorted(code for code, full in resolved.items() if full and full != code)
    if cut:
        export.notes.append(f"{len(cut)} id(s) cut to {TRUNCATED_AT} characters in TASKPRED were completed from TASK: "
                            + ", ".join(f"{c} → {resolved[c]}" for c in cut[:10]))


def _resolve(code: str, tasks: dict[str, Task], cache: dict[str, str | None]) -> str | None:
    """*code* as a TASK code; an id cut to TRUNCATED_AT characters is completed when one code fits."""
    if code in tasks:
        return code
    if code not in cache:
        fits = [c for c in tasks if c.startswith(code)] if len(code) == TRUNCATED_AT else []
        cache[code] = fits[0] if len(fits) == 1 else None
    return cache[code]


def predecessors_by_task(links: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for pred, succ in links:
        found.setdefault(succ, []).append(pred)
    return found

"""Write P6 exports as the scheduling tool does (TASK and TASKPRED tables), for tests and the benchmark.

``.xlsx`` with openpyxl, ``.xls`` with xlwt (a real BIFF8 workbook), CSV with the standard library;
``catalog_tables`` turns a dmsite catalog into the export's rows (the round trip).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

TASK_COLUMNS = [
    "task_code", "task_type", "task_name", "user_field_859", "status_code", "start_date", "base_end_date",
    "end_date", "act_end_date", "wbs_id", "actv_code_celebratory_achievements_id",
    "actv_code_milestone_tracking_id", "actv_code_summary_chart_id", "delete_record_flag",
]
OLD_TASK_COLUMNS = [  # the 2019 export: 9 columns
    "task_code", "status_code", "wbs_id", "task_name", "start_date", "base_end_date", "act_end_date", "end_date",
    "delete_record_flag",
]
PRED_COLUMNS = ["task_id", "pred_task_id", "pred_type", "lag_hr_cnt", "proj_id", "pred_proj_id", "task_name",
                "pred_task_name"]
LABELS = {"task_code": "Activity ID", "task_name": "Activity Name", "task_id": "Activity", "pred_task_id": "Predecessor"}


def p6_day(day: dt.date | None, time: bool = True) -> str:
    if day is None:
        return ""
    text = f"{day.month}/{day.day}/{day.year}"
    return text + " 5:00:00 PM" if time else text


def task_row(code: str, name: str, due: dt.date | None, *, wbs: str = "02C.03", level: Any = "", status: str = "",
             forecast: dt.date | None = None, actual: dt.date | None = None, task_type: str = "Finish Milestone",
             key: str = "", start: dt.date | None = None) -> dict[str, Any]:
    return {
        "task_code": code, "task_type": task_type, "task_name": name, "user_field_859": level,
        "status_code": status or ("Completed" if actual else "Not Started"), "start_date": p6_day(start),
        "base_end_date": p6_day(due), "end_date": p6_day(forecast or actual or due), "act_end_date": p6_day(actual),
        "wbs_id": f"LSST ME 19-04.{wbs}" if wbs else "", "actv_code_milestone_tracking_id": key,
    }


def pred_row(succ: str, pred: str, kind: str = "FS") -> dict[str, Any]:
    return {"task_id": succ, "pred_task_id": pred, "pred_type": kind, "lag_hr_cnt": 0, "proj_id": "LSST ME 19-0",
            "pred_proj_id": "LSST ME 19-0", "task_name": "(cut to 10)", "pred_task_name": "(cut to 10)"}


def table(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> list[list[Any]]:
    """Field names, labels, then the data rows."""
    return [list(columns), [LABELS.get(c, c.replace("_", " ").title()) for c in columns],
            *([row.get(c, "") for c in columns] for row in rows)]


def write_xlsx(path: Path, tasks: list[list[Any]], preds: list[list[Any]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    for name, rows in (("TASK", tasks), ("TASKPRED", preds)):
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def write_xls(path: Path, tasks: list[list[Any]], preds: list[list[Any]]) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for name, rows in (("TASK", tasks), ("TASKPRED", preds)):
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_csv(folder: Path, tasks: list[list[Any]], preds: list[list[Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("TASK", tasks), ("TASKPRED", preds)):
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return folder


WRITERS = {".xlsx": write_xlsx, ".xls": write_xls, ".csv": write_csv}


def catalog_tables(catalog: Any) -> tuple[list[list[Any]], list[list[Any]], dict[str, dict[str, Any]]]:
    """The P6 form of a catalog's milestones (retired ones are not in an export) and the annotations that
    carry what P6 does not: (TASK rows, TASKPRED rows, local.yaml content)."""
    tasks, preds, notes = [], [], {}
    for m in sorted(catalog.milestones.values(), key=lambda m: m.id):
        if m.retired:
            continue
        actual = None if m.completed_estimated else m.completed
        row = task_row(m.id, m.name, m.due, wbs=m.wbs or "", level=m.level or "Undefined", actual=actual,
                       status="Completed" if m.completed else "Not Started", forecast=m.forecast,
                       key="Y" if m.key_milestone else "N")
        tasks.append(row)
        preds += [pred_row(m.id, p) for p in m.predecessors]
        local: dict[str, Any] = {}
        for name in ("short_name", "description", "comment", "test_spec", "jira_testplan", "category"):
            if getattr(m, name):
                local[name] = getattr(m, name)
        if m.jira:
            local["jira"] = m.jira[0] if len(m.jira) == 1 else list(m.jira)
        if m.aka:
            local["aka"] = list(m.aka)
        for name in ("due", "completed", "forecast"):
            day = getattr(m, name)
            if getattr(day, "is_month", False):
                local[name] = day.isoformat()
        if m.completed_estimated and m.completed != m.due:
            local["completed"] = m.completed.isoformat()
        if local:
            notes[m.id] = local
    for x in sorted(catalog.external.values(), key=lambda x: x.id):
        tasks.append(task_row(x.id, x.name, x.due, wbs=x.wbs or "04C", forecast=x.forecast, actual=x.completed))
        preds += [pred_row(x.id, p) for p in x.predecessors]
    return table(tasks, TASK_COLUMNS), table(preds, PRED_COLUMNS), notes

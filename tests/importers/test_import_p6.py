"""``dmsite import p6`` and ``dmsite import annotations`` on exports the tests write (.xlsx, .xls, CSV)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from support import REPO_ROOT
from support.p6 import OLD_TASK_COLUMNS, PRED_COLUMNS, TASK_COLUMNS, WRITERS, catalog_tables, pred_row, table, task_row

from dmsite.analyses import schedule
from dmsite.cli import main
from dmsite.data.load import build_catalog
from dmsite.importers.p6 import ExportError, read_export

D = dt.date
REPO = REPO_ROOT
MILESTONES = """\
# WBS 02C.03: Alert Production (kept by hand: this comment stays)

- id: DM-AP-1
  name: First pipeline
  wbs: "02C.03"
  level: 3
  due: 2019-07-29
  completed: 2019-08-01
  description: >-
    Hand-written description that the import
    must not touch.

- id: DM-AP-2
  name: Image differencing
  wbs: "02C.03"
  level: 3
  due: 2020-06-01
  predecessors: [DM-AP-1]
  test_spec: LVV-P72  # a comment on a hand-kept field
  jira: [DM-1234]

- id: DM-AP-3
  name: Removed from the baseline
  wbs: "02C.03"
  due: 2020-09-30
  comment: Cited by LDM-564.

- id: DM-AP-4
  name: Known to the month
  wbs: "02C.03"
  level: 2
  due: 2021-07
"""


def base_export() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """This month's export: AP-1..2 and 4 (AP-3 left it), a new AP-5, Camera's CAMM6995, a task, T&SC."""
    tasks = [
        task_row("DM-AP-1", "First pipeline", D(2019, 7, 29), level=3, actual=D(2019, 8, 1)),
        task_row("DM-AP-2", "Image differencing, renamed", D(2020, 6, 1), level=3, forecast=D(2021, 9, 30)),
        task_row("DM-AP-4", "Known to the month", D(2021, 7, 30), level=2),
        task_row("DM-AP-5", "A new milestone", D(2022, 1, 31), wbs="02C.03.01", level="Undefined", key="Y"),
        task_row("CAMM6995", "Camera delivers", D(2021, 3, 1), wbs="06C.01"),
        task_row("T&SC-6500-9000", "Telescope ready", D(2021, 4, 1), wbs="04C.00", status="Completed"),
        task_row("DM-AP-TASK", "Not a milestone", D(2021, 1, 1), task_type="Task Dependent"),
        task_row("CAMM9999", "Unlinked camera milestone", D(2021, 3, 1), wbs="06C.01"),
    ]
    preds = [
        pred_row("DM-AP-2", "DM-AP-1"),
        pred_row("DM-AP-2", "CAMM6995", "SS"),
        pred_row("DM-AP-5", "DM-AP-TAS"[:10]),  # TASKPRED ids cut to 10 characters: 'DM-AP-TAS' is short
        pred_row("T&SC-6500-", "DM-AP-4"),  # cut to 10: completed from TASK
        pred_row("DM-AP-5", "DM-AP-TASK"),  # a link to a task that is not a milestone
    ]
    return tasks, preds


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    (folder / "milestones").mkdir(parents=True)
    (folder / "wbs").mkdir()
    (folder / "wbs" / "w.yaml").write_text('- code: "1.02C"\n  name: DM\n- code: "1.02C.03"\n  name: AP\n'
                                           '- code: "1.02C.03.01"\n  name: SFP\n')
    (folder / "milestones" / "02C.03.yaml").write_text(MILESTONES)
    return folder


def export_file(tmp_path: Path, suffix: str, tasks: list[dict[str, Any]], preds: list[dict[str, Any]],
                columns: list[str] = TASK_COLUMNS, name: str = "202108-ME") -> Path:
    target = tmp_path / (name if suffix == ".csv" else name + suffix)
    return WRITERS[suffix](target, table(tasks, columns), table(preds, PRED_COLUMNS))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["import", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".csv"])
def test_a_monthly_import_updates_the_yaml_in_place(
    suffix: str, data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = export_file(tmp_path, suffix, *base_export())
    code, out, err = run(capsys, "p6", export, "--wbs", "02C", "--data", data, "--summary", tmp_path / "s.md")
    assert (code, err) == (0, "")
    text = (data / "milestones" / "02C.03.yaml").read_text()
    assert text.startswith(MILESTONES.split("- id: DM-AP-2")[0])  # comment, layout, hand-written text untouched
    assert "  name: Image differencing, renamed\n" in text
    assert "  test_spec: LVV-P72  # a comment on a hand-kept field\n  jira: [DM-1234]\n" in text
    assert "  predecessors: [DM-AP-1, CAMM6995]\n" in text
    assert "  forecast: 2021-09-30\n" in text
    assert "  due: 2021-07\n" in text  # the export's 30 July is in July: the month-only date stays
    assert "  comment: Cited by LDM-564.\n  retired: 2021-08-01\n" not in text  # retired goes in model order
    assert "  due: 2020-09-30\n  retired: 2021-08-01\n  comment: Cited by LDM-564.\n" in text
    added = text.split("- id: DM-AP-5")[1]
    assert added == '\n  name: A new milestone\n  wbs: "02C.03.01"\n  due: 2022-01-31\n  key: true\n'  # no level
    external = yaml.safe_load((data / "external" / "p6.yaml").read_text())
    assert [(x["id"], x.get("predecessors", [])) for x in external] == [("CAMM6995", []),
                                                                         ("T&SC-6500-9000", ["DM-AP-4"])]
    assert external[1]["completed"] == D(2021, 4, 1)
    assert "Renamed (1):\n  DM-AP-2: “Image differencing” → “Image differencing, renamed”" in out
    assert "Retired (left the export) (1):\n  DM-AP-3\n" in out
    assert "Re-forecast (1):\n  DM-AP-2: 2020-06-01 → 2021-09-30 (+486 days)" in out
    assert "Relinked (1):\n  DM-AP-2: +CAMM6995" in out
    assert "1 link(s) between our milestones and tasks that are not milestones were left out: DM-AP-TASK → DM-AP-5" in out
    assert "T&SC-6500- → T&SC-6500-9000" in out
    summary = (tmp_path / "s.md").read_text()
    assert summary.startswith(f"## Schedule update from `{export.name}`\n") and "### Added (1)\n\n- DM-AP-5\n" in summary
    catalog = build_catalog(data, D(2021, 8, 1))
    assert not catalog.errors
    assert catalog.status(catalog.milestones["DM-AP-3"]).value == "retired"
    assert schedule.summary(catalog).total == 4
    assert [m.id for m in catalog.milestones.values() if m.wbs] == ["DM-AP-1", "DM-AP-2", "DM-AP-3", "DM-AP-4",
                                                                    "DM-AP-5"]


def test_importing_the_same_export_twice_changes_nothing(data: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    export = export_file(tmp_path, ".xlsx", *base_export())
    run(capsys, "p6", export, "--wbs", "02C", "--data", data)
    first = {p: p.read_bytes() for p in data.rglob("*.yaml")}
    code, out, _ = run(capsys, "p6", export, "--wbs", "02C", "--data", data)
    assert code == 0 and out.endswith("files written: none (nothing changed)\n")
    assert {p: p.read_bytes() for p in data.rglob("*.yaml")} == first


def test_a_month_later_is_a_small_diff(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tasks, preds = base_export()
    run(capsys, "p6", export_file(tmp_path, ".xlsx", tasks, preds), "--wbs", "02C", "--data", data)
    before = (data / "milestones" / "02C.03.yaml").read_text().splitlines()
    tasks[1] = task_row("DM-AP-2", "Image differencing, renamed", D(2020, 6, 1), level=3, actual=D(2021, 9, 1))
    tasks[2] = task_row("DM-AP-4", "Known to the month", D(2021, 8, 15), level=2)  # now a day in August
    tasks.append(task_row("DM-AP-3", "Removed from the baseline", D(2020, 9, 30)))  # back in the baseline
    export = export_file(tmp_path, ".xlsx", tasks, preds, name="202109-ME")
    _, out, _ = run(capsys, "p6", export, "--wbs", "02C", "--data", data)
    after = (data / "milestones" / "02C.03.yaml").read_text().splitlines()
    removed, added = set(before) - set(after), set(after) - set(before)
    assert removed == {"  forecast: 2021-09-30", "  due: 2021-07", "  retired: 2021-08-01"}
    assert added == {"  completed: 2021-09-01", "  due: 2021-08-15"}
    assert "Completed (1):\n  DM-AP-2 on 2021-09-01" in out and "Restored (back in the export) (1):\n  DM-AP-3" in out
    assert "Re-baselined (1):\n  DM-AP-4: due July 2021 → 2021-08-15" in out


def test_fields_listed_as_overrides_are_left_alone(data: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = data / "milestones" / "02C.03.yaml"
    path.write_text(MILESTONES.replace("  name: Image differencing\n", "  name: Image differencing\n  overrides: [name]\n"))
    run(capsys, "p6", export_file(tmp_path, ".xlsx", *base_export()), "--wbs", "02C", "--data", data)
    assert "  name: Image differencing\n  overrides: [name]\n" in path.read_text()


def test_the_old_nine_column_export_still_imports(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tasks = [  # the 2019 export, row as lsst-dm/milestones quotes it
        {"task_code": "LDM-503-10a", "status_code": "Not Started", "wbs_id": "LSST ME 19-04.02C.00",
         "task_name": "Test report: LSP", "start_date": "", "base_end_date": "7/29/2019 5:00:00 PM",
         "act_end_date": "", "end_date": "12/23/2019 5:00:00 PM", "delete_record_flag": ""},
        *base_export()[0][:3],
    ]
    export = export_file(tmp_path, ".xls", tasks, [pred_row("LDM-503-10a", "DM-AP-1")], OLD_TASK_COLUMNS)
    code, _, err = run(capsys, "p6", export, "--data", data, "--date", "2019-08-01")
    assert (code, err) == (0, "")
    record = yaml.safe_load((data / "milestones" / "02C.00.yaml").read_text())[0]
    assert record == {"id": "LDM-503-10a", "name": "Test report: LSP", "wbs": "02C.00", "due": D(2019, 7, 29),
                      "forecast": D(2019, 12, 23), "predecessors": ["DM-AP-1"]}


def test_a_missing_column_or_sheet_is_named(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    columns = [c for c in OLD_TASK_COLUMNS if c != "base_end_date"]
    export = export_file(tmp_path, ".xlsx", base_export()[0], [], columns)
    code, _, err = run(capsys, "p6", export, "--data", data)
    assert code == 1
    assert err.startswith(f"error: {export}: TASK has no column 'base_end_date' (its first row holds: task_code, ")
    with pytest.raises(ExportError, match=r"TASK row 3 \(X\): 'soon' is not a date"):
        read_export(export_file(tmp_path, ".csv", [{**task_row("X", "x", None), "base_end_date": "soon"}], []))
    code, _, err = run(capsys, "p6", tmp_path / "notes.txt", "--data", data, "--date", "2021-01-01")
    assert code == 1 and "not a P6 export" in err
    code, _, err = run(capsys, "p6", tmp_path / "export.xlsx", "--data", data)
    assert code == 2 and "give --date" in err


def test_annotations_migrate_hand_kept_fields_and_overrides(data: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    local = tmp_path / "local.yaml"
    local.write_text(textwrap.dedent("""\
        DM-AP-1:
          description: Replaced by the annotation.
          jira: DM-19209
          test_spec: ''
          summarychart: Y
        DM-AP-2:
          name: Differencing (short name from the annotations)
          due: '2020-07-15'
          aka: [DLP-1]
        DM-AP-4:
          due: '2021-07'
        LSST-1470:
          description: Not a DM milestone.
        """))
    code, out, err = run(capsys, "annotations", local, "--data", data)
    assert (code, err) == (0, "")
    assert "not placed: 1 code(s) that are not milestones in the data: LSST-1470" in out
    assert "not placed: DM-AP-1: summarychart: dmsite keeps no such field" in out and "1 empty value(s) skipped" in out
    records = {r["id"]: r for r in yaml.safe_load((data / "milestones" / "02C.03.yaml").read_text())}
    assert records["DM-AP-1"]["description"] == "Replaced by the annotation."
    assert records["DM-AP-1"]["jira"] == ["DM-19209"]
    assert records["DM-AP-2"]["due"] == D(2020, 7, 15)
    assert records["DM-AP-2"]["overrides"] == ["name", "due"]
    assert "overrides" not in records["DM-AP-4"]  # the same month: no override
    # the next monthly import keeps the annotations' date and name
    run(capsys, "p6", export_file(tmp_path, ".xlsx", *base_export()), "--wbs", "02C", "--data", data)
    again = {r["id"]: r for r in yaml.safe_load((data / "milestones" / "02C.03.yaml").read_text())}
    assert (again["DM-AP-2"]["due"], again["DM-AP-2"]["name"]) == (D(2020, 7, 15), records["DM-AP-2"]["name"])


def test_the_dm_site_round_trips_through_the_p6_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """content/data as a P6 export plus annotations, imported into a copy without milestones: the same records."""
    original = build_catalog(REPO / "content" / "data", D(2021, 5, 10))
    copy = tmp_path / "data"
    shutil.copytree(REPO / "content" / "data", copy, ignore=shutil.ignore_patterns("milestones", "external"))
    tasks, preds, notes = catalog_tables(original)
    export = WRITERS[".xlsx"](tmp_path / "202105-ME.xlsx", tasks, preds)
    (tmp_path / "local.yaml").write_text(yaml.safe_dump(notes, allow_unicode=True))
    assert run(capsys, "p6", export, "--data", copy)[0] == 0
    assert run(capsys, "annotations", tmp_path / "local.yaml", "--data", copy)[0] == 0
    back = build_catalog(copy, D(2021, 5, 10))
    # an export holds no retired milestones, so neither they nor links to them (release features) come back
    retired = {k for k, m in original.milestones.items() if m.retired}
    kept = {k: m.model_dump() | {"predecessors": [p for p in m.predecessors if p not in retired]}
            for k, m in original.milestones.items() if k not in retired}
    assert {k: m.model_dump() for k, m in back.milestones.items()} == kept
    assert retired and any(len(m["predecessors"]) < len(original.milestones[k].predecessors) for k, m in kept.items())
    assert len(kept) > 300


def test_the_command_runs_as_a_process(data: Path, tmp_path: Path) -> None:
    export = export_file(tmp_path, ".xlsx", *base_export())
    done = subprocess.run(["dmsite" if shutil.which("dmsite") else str(REPO / ".venv/bin/dmsite"), "import", "p6",
                           str(export), "--wbs", "02C", "--data", str(data)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Added (1):\n  DM-AP-5\n" in done.stdout


def test_a_full_disk_changes_no_data_file(data: Path, tmp_path: Path) -> None:
    """The import writes two files (a new external one, 283 bytes, then 790 of milestones): room for the first
    changes neither."""
    export = export_file(tmp_path, ".xlsx", *base_export())
    before = {path: path.read_text() for path in data.rglob("*.yaml")}
    command = [sys.executable, str(REPO / "tests/support/faults.py"), "--under", str(data), "--disk-bytes", "500",
               "--", "dmsite", "import", "p6", str(export), "--wbs", "02C", "--data", str(data)]
    full = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert full.returncode == 1
    assert "error: [Errno 28] No space left on device" in full.stderr and "Traceback" not in full.stderr
    assert {path: path.read_text() for path in data.rglob("*.yaml")} == before
    assert not [p for p in data.rglob("*") if p.is_file() and p not in before]  # nor anything left behind
    done = subprocess.run([*command[:4], *command[6:]], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "  name: Image differencing, renamed\n" in (data / "milestones" / "02C.03.yaml").read_text()
    assert (data / "external" / "p6.yaml").is_file()

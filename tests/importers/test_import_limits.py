"""``dmsite import``'s size and time limits, on hostile exports the tests write: exit 2, a located message, nothing written."""

from __future__ import annotations

import datetime as dt
import time
import zipfile
from pathlib import Path

import pytest
from importers.test_import_p6 import MILESTONES, base_export, export_file, run
from support.p6 import PRED_COLUMNS, TASK_COLUMNS, pred_row, table, task_row, write_csv, write_xlsx

from dmsite.importers import limits

MB = 1024 * 1024


@pytest.fixture(name="data")
def data_folder(tmp_path: Path) -> Path:
    """The data of tests/importers/test_import_p6.py: a WBS and one milestone file."""
    folder = tmp_path / "data"
    (folder / "milestones").mkdir(parents=True)
    (folder / "wbs").mkdir()
    (folder / "wbs" / "w.yaml").write_text('- code: "1.02C"\n  name: DM\n- code: "1.02C.03"\n  name: AP\n')
    (folder / "milestones" / "02C.03.yaml").write_text(MILESTONES)
    return folder


def snapshot(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(capsys: pytest.CaptureFixture[str], data: Path, export: Path, *extra: str) -> str:
    """Import *export*: it must be refused with exit 2 and one located error line, the data untouched."""
    before = snapshot(data)
    start = time.monotonic()
    code, out, err = run(capsys, "p6", export, "--wbs", "02C", "--data", data, "--date", "2021-08-01", *extra)
    assert time.monotonic() - start < 30
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {export}") and err.count("\n") == 1 and "Traceback" not in err
    assert snapshot(data) == before
    return err


def rewrite_part(book: Path, name: str, content: bytes | None = None, *, add: dict[str, bytes] | None = None) -> Path:
    """*book* with its part *name* replaced by *content* (and parts *add* added), as a new zip."""
    out = book.with_name("hostile-" + book.name)
    with zipfile.ZipFile(book) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for part in old.infolist():
            new.writestr(part.filename, content if part.filename == name and content is not None else old.read(part))
        for extra, body in (add or {}).items():
            new.writestr(extra, body)
    return out


def small_xlsx(tmp_path: Path) -> Path:
    return export_file(tmp_path, ".xlsx", *base_export())


def test_a_cell_in_a_far_row_is_refused_before_the_reader_fills_every_row_above_it(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks, preds = table([], TASK_COLUMNS), table([], PRED_COLUMNS)
    export = write_xlsx(tmp_path / "202108-ME.xlsx", tasks, preds)
    import openpyxl

    book = openpyxl.load_workbook(export)
    book["TASK"]["A1048576"] = "DM-AP-9"  # 1 cell: the reader would hold 1,048,576 × 14 cells
    book.save(export)
    assert export.stat().st_size < 20_000
    err = refused(capsys, data, export)
    assert "xl/worksheets/sheet1.xml: a cell in row 1,048,576, beyond the limit of 1,000,000 rows" in err


def test_a_cell_in_column_xfd_is_refused(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl

    export = small_xlsx(tmp_path)
    book = openpyxl.load_workbook(export)
    book["TASKPRED"]["XFD1048576"] = "x"  # the reader would ask for 1,048,576 × 16,384 cells (512 GB)
    book["TASKPRED"]["XFD3"] = "x"
    book.save(export)
    err = refused(capsys, data, export)
    assert "xl/worksheets/sheet2.xml: a cell in" in err


def test_a_zip_bomb_is_refused_by_its_unzipped_size(data: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    export = small_xlsx(tmp_path)
    bomb = tmp_path / "202108-bomb.xlsx"
    with zipfile.ZipFile(export) as old, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as new:
        for part in old.infolist():
            if part.filename != "xl/sharedStrings.xml":
                new.writestr(part.filename, old.read(part))
        with new.open("xl/sharedStrings.xml", "w") as strings:  # huge shared strings: 410 MB of one letter
            for _ in range(410):
                strings.write(b"a" * MB)
    assert bomb.stat().st_size < 2 * MB
    err = refused(capsys, data, bomb)
    assert "the workbook unzips to 410 MB (xl/sharedStrings.xml: 410 MB), more than the limit of 400 MB" in err


def test_a_part_larger_than_the_zip_directory_says_is_refused(data: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A bomb that lies about its size in the zip directory: unzipping stops at the size given and fails."""
    export = rewrite_part(small_xlsx(tmp_path), "xl/worksheets/sheet1.xml")
    raw = bytearray(export.read_bytes())
    with zipfile.ZipFile(export) as book:
        part = book.getinfo("xl/worksheets/sheet1.xml")
    real = part.file_size.to_bytes(4, "little")
    for at in (part.header_offset + 22, raw.rindex(b"xl/worksheets/sheet1.xml") - 46 + 24):  # local, central
        assert raw[at:at + 4] == real
        raw[at:at + 4] = (100).to_bytes(4, "little")
    export.write_bytes(bytes(raw))
    err = refused(capsys, data, export)
    assert "the workbook is damaged or not a zip file (Bad CRC-32 for file 'xl/worksheets/sheet1.xml')" in err


def test_an_entity_declaration_in_a_workbook_part_is_refused(data: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    laughs = ('<?xml version="1.0"?>\n<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
              + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
              + ']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&j;</t></si></sst>')
    export = rewrite_part(small_xlsx(tmp_path), "", add={"xl/sharedStrings.xml": laughs.encode()})
    err = refused(capsys, data, export)
    assert ("xl/sharedStrings.xml: holds a document type or entity declaration (<!DOCTYPE); a workbook has none"
            in err)


def test_a_sheet_of_a_million_empty_rows_is_refused(data: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    export = small_xlsx(tmp_path)
    with zipfile.ZipFile(export) as book:
        sheet = book.read("xl/worksheets/sheet1.xml")
    rows = b"<row/>" * 1_000_001  # no row numbers: each empty row is the next one
    export = rewrite_part(export, "xl/worksheets/sheet1.xml", sheet.replace(b"</sheetData>", rows + b"</sheetData>"))
    err = refused(capsys, data, export)
    assert "xl/worksheets/sheet1.xml: more than 1,000,000 rows (the limit for one table)" in err


def test_a_csv_line_of_100_mb_and_a_file_beyond_the_size_limit_are_refused(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_csv(tmp_path / "202108-ME", table([], TASK_COLUMNS), table([], PRED_COLUMNS))
    task = folder / "TASK.csv"
    with task.open("a", encoding="utf-8") as handle:  # one line of 99 MB after the two header lines
        for _ in range(99):
            handle.write("x" * MB)
    err = refused(capsys, data, folder)
    assert err == f"error: {task}:3:1: a line longer than 1,048,576 characters (the limit for one line of an export)\n"
    with task.open("r+b") as handle:
        handle.truncate(101 * MB)
    err = refused(capsys, data, task)
    assert err == f"error: {task}: the file is 101 MB, more than the limit of 100 MB for an export\n"


def test_a_huge_quoted_field_and_too_many_columns_in_a_csv_are_located(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks, preds = base_export()
    folder = write_csv(tmp_path / "202108-ME", table(tasks, TASK_COLUMNS), table(preds, PRED_COLUMNS))
    pred = folder / "TASKPRED.csv"
    pred.write_text(pred.read_text() + '"' + "y" * 200_000 + '\n' * 3 + 'y",x\n')  # a field over csv's limit
    err = refused(capsys, data, folder)
    assert err.startswith(f"error: {pred}:8:1: not a CSV table the import can read (field larger than field limit")
    pred.write_text(",".join(["c"] * 800) + "\n")
    err = refused(capsys, data, folder)
    assert err == f"error: {pred}:1:1: 800 columns (the limit is 702)\n"


def test_reading_beyond_the_time_limit_is_stopped(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The real reader on a real 20,000-activity workbook, with the limit set below what it needs."""
    export = big_export(tmp_path, ".csv")
    monkeypatch.setattr(limits, "MAX_READ_SECONDS", 0.05)
    err = refused(capsys, data, export)
    assert err == f"error: {export}: reading the export took longer than 0.05 s (the limit); nothing was imported\n"


def test_a_reader_beyond_the_memory_limit_is_stopped(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """What no check before the reader sees is still bounded: an .xls (BIFF, not zipped) with a cell in its
    last row and column makes the reader fill 65,536 × 256 cells (about 500 MB); the child runs out."""
    import xlwt

    tasks, preds = base_export()
    export = export_file(tmp_path, ".xls", tasks, preds)
    book = xlwt.Workbook()
    for name, rows in (("TASK", table(tasks, TASK_COLUMNS)), ("TASKPRED", table(preds, PRED_COLUMNS))):
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    book.get_sheet(0).write(65535, 255, "far")
    book.save(str(export))
    monkeypatch.setattr(limits, "MAX_READ_MEMORY", 100 * MB)
    err = refused(capsys, data, export)
    assert err == (f"error: {export}: reading the export needed more than 100 MB of memory (exit -6): a sheet "
                   "reaching far-away cells, or a compressed bomb; nothing was imported\n")


def big_export(tmp_path: Path, suffix: str, activities: int = 20_000) -> Path:
    """A whole project: *activities* activities (one in ten a milestone) and three relationships each."""
    day = dt.date(2020, 1, 1)
    tasks = [task_row(f"DM-A-{i:05d}", f"Activity {i}", day + dt.timedelta(days=i % 900), wbs="02C.03",
                      task_type="Finish Milestone" if i % 10 == 0 else "Task Dependent") for i in range(activities)]
    preds = [pred_row(f"DM-A-{(i * 7) % activities:05d}", f"DM-A-{(i * 13 + 1) % activities:05d}")
             for i in range(3 * activities)]
    return export_file(tmp_path, suffix, tasks, preds)


def test_a_20000_activity_export_imports_well_within_the_limits(data: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    export = big_export(tmp_path, ".csv")
    start = time.monotonic()
    code, out, err = run(capsys, "p6", export, "--wbs", "02C", "--data", data)
    assert (code, err) == (0, "")
    assert "Added (2000):" in out
    assert time.monotonic() - start < limits.MAX_READ_SECONDS


def test_a_large_annotations_file_is_refused_with_exit_2(data: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    local = tmp_path / "local.yaml"
    with local.open("wb") as handle:
        handle.truncate(21 * MB)
    before = snapshot(data)
    code, out, err = run(capsys, "annotations", local, "--data", data)
    assert (code, out) == (2, "")
    assert err == f"error: {local}: the file is larger than 20 MB (the limit for YAML)\n"
    local.write_text("a: &x [1, 2]\nb: *x\n")
    code, _, err = run(capsys, "annotations", local, "--data", data)
    assert code == 1 and err.startswith(f"error: {local}:2:4: alias *x is not supported in data files")
    assert snapshot(data) == before

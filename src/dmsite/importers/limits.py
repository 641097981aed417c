"""Size and time limits on a scheduling-tool export, checked before it is read and while it is read.

Every refusal is an ``ExportRefused`` naming the file (and the part of it, the line or the cell);
the import stops before it writes anything.  A workbook is read in a child process that is
stopped after ``MAX_READ_SECONDS`` and may use ``MAX_READ_MEMORY`` more bytes than its parent:
python-calamine allocates a sheet's whole rectangle at once, so a 5 KB workbook with one cell in
``XFD1048576`` would ask for 512 GB.  The checks before it name the usual causes precisely.
"""

from __future__ import annotations

import csv
import faulthandler
import multiprocessing
import os
import re
import resource
import time
import zipfile
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..errors import ExportError, ExportRefused

if TYPE_CHECKING:
    from .p6 import Export

MB = 1024 * 1024
MAX_EXPORT_BYTES = 100 * MB  # the file: a workbook, or each CSV table (20,000 activities: 3 MB .xlsx, 12 MB .xls)
MAX_UNZIPPED_BYTES = 400 * MB  # all parts of an .xlsx/.xlsm/.xlsb/.ods once unzipped (20,000 activities: 41 MB)
MAX_ZIP_PARTS = 10_000
MAX_ROWS = 1_000_000  # rows of one table (sheet or CSV file)
MAX_COLUMNS = 702  # columns of one table: A to ZZ
MAX_CSV_LINE = MB  # characters in one line of a CSV file
MAX_READ_SECONDS = 60.0  # reading the whole export (20,000 activities: under 1 s)
MAX_READ_MEMORY = 4 * 1024 * MB  # what reading may take beyond the importing process's own memory

ZIPPED = (".xlsx", ".xlsm", ".xlsb", ".ods")
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)  # OOXML and ODF use no DTD: a DTD is an attack
_FAR_ROW = re.compile(rb' r="[A-Z]{0,3}(\d{7,})"')  # a cell or row reference beyond row 999,999
_FAR_COLUMN = re.compile(rb' r="([A-Z]{3,})\d+"')  # a cell reference beyond column ZZ
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
_OVERLAP = 64  # bytes kept between chunks so that a pattern cut in two is still found


def read_export_within_limits(path: Path) -> Export:
    """The export at *path*, read as ``p6.read_export`` does, within the limits of this module."""
    started = time.monotonic()
    for file in _files(path):
        check_size(file)
    if path.is_file() and path.suffix.lower() in ZIPPED:
        check_zip(path)
    return _read_in_child(path, MAX_READ_SECONDS - (time.monotonic() - started))


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return [path / "TASK.csv", path / "TASKPRED.csv"]
    if path.suffix.lower() == ".csv" and "TASK" in path.name and "TASKPRED" not in path.name:
        return [path, path.with_name(path.name.replace("TASK", "TASKPRED", 1))]
    return [path]


def check_size(file: Path) -> None:
    try:
        size = file.stat().st_size
    except OSError:
        return  # the reader says that it is missing
    if size > MAX_EXPORT_BYTES:
        raise ExportRefused(f"{file}: the file is {size / MB:.0f} MB, more than the limit of "
                            f"{MAX_EXPORT_BYTES // MB} MB for an export")


def check_zip(path: Path) -> None:
    """A zipped workbook: its parts' sizes (as declared, then as unzipped), no DTD, no cell beyond the limits."""
    try:
        with zipfile.ZipFile(path) as book:
            parts = book.infolist()
            if len(parts) > MAX_ZIP_PARTS:
                raise ExportRefused(f"{path}: the workbook has {len(parts):,} parts (the limit is {MAX_ZIP_PARTS:,})")
            declared = sum(p.file_size for p in parts)
            if declared > MAX_UNZIPPED_BYTES:
                big = max(parts, key=lambda p: p.file_size)
                raise ExportRefused(f"{path}: the workbook unzips to {declared / MB:,.0f} MB ({_clip(big.filename)}: "
                                    f"{big.file_size / MB:,.0f} MB), more than the limit of "
                                    f"{MAX_UNZIPPED_BYTES // MB} MB")
            for part in parts:
                _scan_part(path, book, part)
    except zipfile.BadZipFile as exc:  # also a part larger than its directory says (its CRC fails)
        raise ExportRefused(f"{path}: the workbook is damaged or not a zip file ({exc})") from None
    except (OSError, EOFError, NotImplementedError) as exc:  # e.g. an unsupported compression or encryption
        raise ExportRefused(f"{path}: cannot unzip the workbook ({exc})") from None


def _scan_part(path: Path, book: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    name = part.filename
    is_xml, is_sheet = name.lower().endswith(".xml"), bool(_SHEET.fullmatch(name))
    where = f"{path}: {_clip(name)}"
    rows, tail = 0, b""
    with book.open(part) as handle:
        while chunk := handle.read(MB):
            text = tail + chunk
            if is_xml and (found := _DOCTYPE.search(text)):
                what = found.group().decode()
                raise ExportRefused(f"{where}: holds a document type or entity declaration ({what}); a workbook "
                                    "has none (entity expansion could exhaust the reader)")
            if is_sheet:
                _far_cells(where, text)
                rows += chunk.count(b"<row")
                if rows > MAX_ROWS:
                    raise ExportRefused(f"{where}: more than {MAX_ROWS:,} rows (the limit for one table)")
            tail = text[-_OVERLAP:]


def _far_cells(where: str, text: bytes) -> None:
    if (found := _FAR_ROW.search(text)) and int(found.group(1)) > MAX_ROWS:
        raise ExportRefused(f"{where}: a cell in row {int(found.group(1)):,}, beyond the limit of {MAX_ROWS:,} rows "
                            "(reading it would fill every row above it)")
    if (found := _FAR_COLUMN.search(text)) and _column_number(found.group(1).decode()) > MAX_COLUMNS:
        raise ExportRefused(f"{where}: a cell in column {found.group(1).decode()}, beyond the limit of "
                            f"{MAX_COLUMNS} columns (A to ZZ)")


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _clip(text: str, width: int = 80) -> str:
    shown = text.encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= width else shown[:width] + "…"


def csv_rows(handle: IO[str], file: Path) -> list[list[str]]:
    """The rows of a CSV table, refused at the first line, row or table beyond the limits (file:line:1)."""
    reader = csv.reader(_lines(handle, file))
    rows: list[list[str]] = []
    try:
        for row in reader:
            if len(row) > MAX_COLUMNS:
                raise ExportRefused(f"{file}:{reader.line_num}:1: {len(row):,} columns (the limit is {MAX_COLUMNS})")
            rows.append(row)
            if len(rows) > MAX_ROWS:
                raise ExportRefused(f"{file}:{reader.line_num}:1: more than {MAX_ROWS:,} rows (the limit for one table)")
    except csv.Error as exc:  # e.g. a quoted field longer than the csv module's limit, a NUL
        raise ExportRefused(f"{file}:{reader.line_num}:1: not a CSV table the import can read ({exc})") from None
    return rows


def _lines(handle: IO[str], file: Path) -> Iterator[str]:
    number = 0
    while line := handle.readline(MAX_CSV_LINE + 1):
        number += 1
        if len(line) > MAX_CSV_LINE:
            raise ExportRefused(f"{file}:{number}:1: a line longer than {MAX_CSV_LINE:,} characters "
                                "(the limit for one line of an export)")
        yield line


def _read_in_child(path: Path, seconds: float) -> Export:
    """``read_export(path)`` in a child process, stopped after *seconds* or when it exceeds its memory."""
    receive, send = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(target=_child, args=(path, send), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(max(seconds, 0.0)):
            if child.is_alive():
                raise ExportRefused(f"{path}: reading the export took longer than {MAX_READ_SECONDS:g} s "
                                    "(the limit); nothing was imported")
            raise ExportRefused(_died(path, child))
        try:
            kind, value = receive.recv()
        except EOFError:  # the child died before it could answer
            child.join(5)
            raise ExportRefused(_died(path, child)) from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receive.close()
    if kind == "refused":
        raise ExportRefused(value)
    if kind == "error":
        raise ExportError(value)
    return value  # type: ignore[no-any-return]


def _died(path: Path, child: Any) -> str:
    return (f"{path}: reading the export needed more than {MAX_READ_MEMORY // MB:,} MB of memory (exit "
            f"{child.exitcode}): a sheet reaching far-away cells, or a compressed bomb; nothing was imported")


def _child(path: Path, send: Connection) -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # the Rust reader's "memory allocation failed" is reported by the parent instead
    faulthandler.disable()  # (pytest's dumps to its own copy of stderr)
    resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))  # no core file
    _limit_memory()
    from .p6 import read_export  # p6 reads its CSV tables with csv_rows below

    try:
        answer: tuple[str, Any] = ("ok", read_export(path))
    except ExportRefused as exc:
        answer = ("refused", str(exc))
    except ExportError as exc:
        answer = ("error", str(exc))
    except MemoryError:
        answer = ("refused", _died(path, multiprocessing.current_process()))
    send.send(answer)
    send.close()


def _limit_memory() -> None:
    """Cap the child's address space at what it has now plus MAX_READ_MEMORY."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            now = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return
    cap = now + MAX_READ_MEMORY
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft == resource.RLIM_INFINITY or soft > cap:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))

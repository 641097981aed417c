"""``dmsite import p6 EXPORT`` and ``dmsite import annotations LOCAL.yaml``: the monthly update and the migration."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from ..atomic import write_atomically
from ..data.load import build_catalog
from ..errors import ExportError
from ..importers.annotations import import_annotations, read_annotations
from ..importers.p6 import read_export
from ..importers.update import day_of_export, import_p6

DEFAULT_DATA_DIR = Path("content/data")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2021-05-10, got '{text}'") from None


def _check(data_dir: Path, day: dt.date) -> int:
    """Validate the data as written: the import's output must load (errors are printed, located)."""
    catalog = build_catalog(data_dir, day)
    for problem in catalog.errors:
        print(problem, file=sys.stderr)
    if catalog.errors:
        print(f"FAILED: the data has {len(catalog.errors)} error(s) after the import; fix them, or revert with git",
              file=sys.stderr)
        return 1
    return 0


def cmd_import_p6(args: argparse.Namespace) -> int:
    day = args.date or day_of_export(args.export)
    if day is None:
        print(f"error: {args.export.name} does not start with its date (YYYYMM or YYYYMMDD): give --date", file=sys.stderr)
        return 2
    try:
        export = read_export(args.export)
        changes = import_p6(export, args.data, day, args.wbs)
    except (ExportError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(changes.text())
    if args.summary:
        write_atomically(args.summary, changes.markdown(args.export.name))
    return _check(args.data, max(day, dt.date.today()))


def cmd_import_annotations(args: argparse.Namespace) -> int:
    try:
        report = import_annotations(read_annotations(args.annotations), args.data)
    except (ExportError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(report.text())
    return _check(args.data, dt.date.today())


def add_import_command(sub: Any) -> None:
    """Register ``dmsite import`` (with its two sources) on the command's subparsers."""
    top = sub.add_parser("import", help="Update the milestone YAML from a P6 export, or migrate old annotations.",
                         description="Write a scheduling tool's export or an old annotations file into the data in "
                                     "place: only the fields that change are rewritten.")
    sources = top.add_subparsers(dest="source", required=True)
    p6 = sources.add_parser(
        "p6", help="The monthly update from a Primavera P6 export (.xls, .xlsx, or a TASK.csv/TASKPRED.csv pair).",
        description="Update ids, names, WBS, levels, dates, completion and links from the export; keep every "
                    "hand-kept field; add new milestones to their WBS element's file; mark milestones that left "
                    "the export as retired. Prints what changed.",
    )
    p6.add_argument("export", type=Path, help="the export: .xls, .xlsx, a TASK .csv file, or a folder of the two CSVs")
    p6.add_argument("--wbs", help="our milestones: those in this WBS element (e.g. 02C); others linked to ours "
                                  "are kept as external milestones (default: every milestone is ours)")
    p6.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help=f"data directory (default: {DEFAULT_DATA_DIR})")
    p6.add_argument("--date", type=_date, help="the export's date, given to retired milestones "
                                               "(default: from the file name, e.g. 202107-ME.xls → 2021-07-01)")
    p6.add_argument("--summary", type=Path, help="also write what changed, as Markdown, to this file")
    p6.set_defaults(run=cmd_import_p6)
    notes = sources.add_parser("annotations", help="Migrate lsst-dm/milestones' local.yaml into the data (once).",
                               description="Write descriptions, comments, Jira keys and other hand-kept fields "
                                           "from local.yaml into the milestones; report what has no place.")
    notes.add_argument("annotations", type=Path, help="the annotations file (local.yaml)")
    notes.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help=f"data directory (default: {DEFAULT_DATA_DIR})")
    notes.set_defaults(run=cmd_import_annotations)

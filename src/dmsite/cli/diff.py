"""``dmsite diff``: what a change does to the plan, between two git refs (text, Markdown or JSON)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from ..render.plan_diff import RENDERERS, render_markdown, render_problems
from ..settings import resolve
from ..vcs.diff_refs import RefError, compare
from .validate import conf_of

DEFAULT_DATA_DIR = Path("content/data")


def cmd_diff(args: argparse.Namespace) -> int:
    try:
        result = compare(args.data_dir, args.base, args.head, args.status_date or configured_status_date(args))
    except RefError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if result.diff is None:
        sys.stdout.write(render_problems(result.problems, args.format))
        print(f"FAILED: {len(result.problems)} data errors; the plans cannot be compared", file=sys.stderr)
        return 1
    base, head = result.base.label, result.head.label
    if args.format == "markdown":
        sys.stdout.write(render_markdown(result.diff, base, head, args.max_rows or None, args.max_chars))
    else:
        sys.stdout.write(RENDERERS[args.format](result.diff, base, head))
    return 0


def configured_status_date(args: argparse.Namespace) -> dt.date | None:
    """The status date the site's build uses (``DMSITE_STATUS_DATE``, else conf.py's), if it sets one."""
    conf, values = conf_of(args)
    return resolve(values, str(conf or "conf.py")).status_date


def add_diff_command(sub: Any, parse_date: Any) -> None:
    """Register ``dmsite diff`` on the subcommands *sub* (*parse_date* reads ``--status-date``)."""
    diff = sub.add_parser(
        "diff", help="What a change does to the plan: the records changed between two git refs.",
        description="Compare the data at git ref BASE with HEAD (default: the work tree): milestones added, "
                    "removed, completed, re-forecast (slip in days, crossing the status date or a release), "
                    "level, WBS and links changed; products, roles, people, documents, requirements.",
    )
    diff.add_argument("base", help="the git ref to compare with, e.g. origin/main")
    diff.add_argument("head", nargs="?", help="the git ref of the change (default: the work tree)")
    diff.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    diff.add_argument("--data", dest="data_dir", type=Path, default=DEFAULT_DATA_DIR,
                      help=f"data directory (default: {DEFAULT_DATA_DIR})")
    diff.add_argument("--status-date", type=parse_date, default=None,
                      help="the date 'today' (default: the site's, as the build reads it: DMSITE_STATUS_DATE, "
                           "else dmsite_status_date in conf.py; else the later of the two sides' commit dates)")
    diff.add_argument("--max-rows", type=int, default=100, help="Markdown: rows per table, 0 for all (default: 100)")
    diff.add_argument("--max-chars", type=int, help="Markdown: at most this long, cut at a table's end "
                                                    "(a GitHub comment holds 65,536)")
    diff.set_defaults(run=cmd_diff)

"""``dmsite validate`` as the build sees the data: the same settings and status date, then a report that ends on the errors."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..data.catalog import Catalog
from ..data.load import build_catalog
from ..data.model import KINDS
from ..data.problems import Problem, printable
from ..errors import SettingsError
from ..settings import STATUS_DATE_ENV, Settings, find_conf, owns, read_conf, resolve
from ..vcs.provenance import data_provenance, status_date


@dataclass(frozen=True)
class Chosen:
    """The settings a command uses, the status date they give, and where that date came from."""

    settings: Settings
    status_date: dt.date
    origin: str  # "" for --status-date, else e.g. "dmsite_status_date in conf.py"
    conf: Path | None


def conf_of(args: argparse.Namespace) -> tuple[Path | None, dict[str, Any]]:
    """The conf.py to read and what it sets: ``--conf`` (a file or its folder), none with ``--no-conf``, else
    the conf.py of the site whose data folder this is (none if there is no such site)."""
    if getattr(args, "no_conf", False):
        return None, {}
    given: Path | None = getattr(args, "conf", None)
    if given is not None:
        conf = given / "conf.py" if given.is_dir() else given
        if not conf.is_file():
            raise SettingsError(f"--conf {given}: no conf.py there")
        return conf, read_conf(conf)
    found = find_conf(args.data_dir)
    if found is None:
        return None, {}
    namespace = read_conf(found)
    return (found, namespace) if owns(namespace, found, args.data_dir) else (None, {})


def choose(args: argparse.Namespace) -> Chosen:
    """What a data command runs with: ``--status-date`` over ``DMSITE_STATUS_DATE`` over conf.py over the data's
    last commit over today, as ``sphinx-build`` chooses (``-D`` over the environment over conf.py)."""
    conf, values = conf_of(args)
    overridden = frozenset({"dmsite_status_date"} if args.status_date else ())
    settings = resolve({**values, **({"dmsite_status_date": args.status_date} if args.status_date else {})},
                       str(conf or "conf.py"), overridden)
    provenance = data_provenance(args.data_dir)
    day = status_date(settings.status_date, provenance)  # as the build's (sphinxext.state)
    if args.status_date:
        shown = ""
    elif settings.status_date is None:
        shown = "the data's last commit" if provenance.commit_date else "today"
    elif settings.origins["status_date"] == STATUS_DATE_ENV:
        shown = STATUS_DATE_ENV
    else:
        shown = f"dmsite_status_date in {_relative(conf)}"
    return Chosen(settings, day, shown, conf)


def _relative(path: Path | None) -> str:
    if path is None:
        return "conf.py"
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load(args: argparse.Namespace) -> tuple[Catalog, Chosen]:
    chosen = choose(args)
    return build_catalog(args.data_dir, chosen.status_date), chosen


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_PLACE = re.compile(r" ?\([^()]*:\d+:\d+\)")  # "(file:line:col)": where the other record is
_NUMBER = re.compile(r"\d+")


def kind_of(problem: Problem) -> str:
    """A problem's kind: its message with the values (quoted text, numbers, places) taken out."""
    return _NUMBER.sub("N", _QUOTED.sub("'…'", _PLACE.sub("", problem.message)))


def report(catalog: Catalog, chosen: Chosen, strict: bool, errors_only: bool) -> int:
    """Print the warnings, then the errors (last, so they are not buried), then the verdict and warning kinds."""
    strict = strict or chosen.settings.strict
    if catalog.warnings and not errors_only:
        print(f"warnings ({len(catalog.warnings)}):", file=sys.stderr)
        for problem in catalog.warnings:
            print(f"  {problem}", file=sys.stderr)
    for problem in catalog.errors:
        print(f"{problem}", file=sys.stderr)
    sys.stderr.flush()
    count = sum(len(catalog.table(cls.kind)) for cls in KINDS.values())
    failed = bool(catalog.errors) or (strict and bool(catalog.warnings))
    date = f"status date {catalog.status_date}" + (f", {printable(chosen.origin)}" if chosen.origin else "")
    print(f"{'FAILED' if failed else 'ok'}: {count} records, {len(catalog.errors)} errors, "
          f"{len(catalog.warnings)} warnings ({date})")
    kinds = Counter(kind_of(problem) for problem in catalog.warnings)
    if len(catalog.warnings) > 1:
        print("warnings by kind:")
        width = len(str(max(kinds.values())))
        for kind, number in sorted(kinds.items(), key=lambda item: (-item[1], item[0])):
            print(f"  {number:>{width}}  {printable(kind)}")
    return 1 if failed else 0

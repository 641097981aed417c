"""The ``dmsite`` command: validate, schema, export, new, publish, diff."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..atomic import write_atomically
from ..data.problems import printable
from ..data.schema import write_schemas
from ..errors import DmsiteError, SettingsError
from ..render.exports import EXPORTERS
from ..settings import STATUS_DATE_ENV
from ..vcs.preview import add_parser as add_preview_parser
from ..vcs.switcher import DEFAULT_TAG_PATTERNS
from . import validate
from .diff import add_diff_command
from .importing import add_import_command
from .new import STUB_KINDS, new_record

DEFAULT_DATA_DIR = Path("content/data")


def _date(text: str) -> dt.date:
    if text == "today":  # e.g. a pre-commit hook: data edited today may say it was completed today
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2021-05-10, got '{text}'") from None


def cmd_validate(args: argparse.Namespace) -> int:
    catalog, chosen = validate.load(args)
    return validate.report(catalog, chosen, args.strict, args.errors_only)


def cmd_schema(args: argparse.Namespace) -> int:
    for path in write_schemas(args.out):
        print(path)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    catalog, chosen = validate.load(args)
    if catalog.errors:
        return validate.report(catalog, chosen, strict=False, errors_only=True)
    text = EXPORTERS[args.format](catalog)
    if args.output:
        write_atomically(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    name_field = "title" if args.kind == "document" else "name"
    given = {name_field: args.name or None, "description": args.description}
    if args.kind == "milestone":
        if not args.name or not args.description:
            print("error: a milestone needs --name and --description", file=sys.stderr)
            return 1
        given.update(wbs=args.wbs, level=args.level, due=args.due or dt.date.today())
    elif args.wbs:
        given["wbs"] = args.wbs
    try:
        path = new_record(args.data_dir, args.kind, args.id, given, args.file)
    except ValueError as exc:
        print(f"error: {printable(exc)}", file=sys.stderr)
        return 1
    print(f"added {args.kind} '{args.id}' to {path}")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from ..vcs.publish import PublishError, PublishOptions, publish  # gitpython: only for this command

    options = PublishOptions(
        repo_dir=args.repo, site_dir=args.site_dir, branch=None if args.no_branch else args.branch,
        latest_name=args.latest_name, tag_patterns=args.tags or DEFAULT_TAG_PATTERNS, base_url=args.base_url,
        conf_dir=args.conf_dir, source_dir=args.source_dir, force=args.force, jobs=args.jobs,
        sphinx_args=("-W", "--keep-going") if args.strict else (), keep=args.keep, cache_dir=args.cache_dir,
    )
    try:
        result = publish(options, say=print)
    except PublishError as exc:
        print(f"error: {printable(exc)}", file=sys.stderr)
        return 2
    for version, why in result.failed:
        print(f"FAILED {version.version} ({version.ref} at {version.short}); the site keeps what it had:\n{why}",
              file=sys.stderr)
    shown = ", ".join(v.version for v in result.published) or "none"
    print(f"{'FAILED' if result.failed else 'ok'}: {len(result.built)} built, {len(result.skipped)} up to date, "
          f"{len(result.failed)} failed; site versions: {shown}; preferred: {result.preferred or 'none'}")
    return 0 if result.ok else 1


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="dmsite", description="Validate, export and publish a dmsite data set.")
    main.add_argument("--version", action="version", version=f"dmsite {__version__}")
    sub = main.add_subparsers(dest="command", required=True)

    def data_command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA_DIR,
                       help=f"data directory (default: {DEFAULT_DATA_DIR})")
        p.add_argument("--status-date", type=_date, default=None,
                       help=f"the date 'today' for overdue checks, or 'today' (default: {STATUS_DATE_ENV} in the environment, "
                            "else dmsite_status_date in the site's conf.py, else the date of the data's last commit)")
        settings = p.add_mutually_exclusive_group()
        settings.add_argument("--conf", type=Path, metavar="PATH",
                              help="the site's conf.py (or its folder) to read dmsite_* settings from (default: the "
                                   "nearest conf.py above the data folder whose site builds it)")
        settings.add_argument("--no-conf", action="store_true", help="read no conf.py")
        return p

    validate_cmd = data_command("validate", "Check every record and report all problems with file:line:column, "
                                            "with the settings the site's build uses.")
    validate_cmd.add_argument("--strict", action="store_true",
                              help="fail on warnings too (as does dmsite_strict = True in conf.py)")
    validate_cmd.add_argument("--errors-only", action="store_true",
                              help="print the errors only (the summary still counts the warnings by kind)")
    validate_cmd.set_defaults(run=cmd_validate)

    schema = sub.add_parser("schema", help="Write the JSON Schema of each record kind (for editors).",
                            description="Write one JSON Schema per record kind, generated from the model.")
    schema.add_argument("--out", type=Path, default=Path("schemas"), help="output folder (default: schemas)")
    schema.set_defaults(run=cmd_schema)

    export = data_command("export", "Dump the whole catalog as JSON or CSV.")
    export.add_argument("--format", choices=sorted(EXPORTERS), default="json")
    export.add_argument("-o", "--output", type=Path, help="write to this file instead of standard output")
    export.set_defaults(run=cmd_export)

    new = sub.add_parser("new", help="Append a correctly formed record stub to a data file.",
                         description="Append a correctly formed record stub to a data file.")
    new.add_argument("kind", choices=sorted(STUB_KINDS))
    new.add_argument("id", help="the new record's id (handle for documents)")
    new.add_argument("--name", default="", help="name (title for documents)")
    new.add_argument("--description", help="what the record is (Markdown); milestones need one")
    new.add_argument("--wbs", help="WBS element (default: the one the file's records share)")
    new.add_argument("--due", type=_date, help="milestone due date (default: today)")
    new.add_argument("--level", type=int, choices=range(1, 5), help="milestone level")
    new.add_argument("--file", type=Path, help="data file to append to (default: <kind folder>/new.yaml)")
    new.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    new.set_defaults(run=cmd_new)

    pub = sub.add_parser(
        "publish", help="Build git refs into a versioned site (each version once).",
        description="Build the branch (as 'latest') and the release tags from clean git worktrees into "
                    "SITE/<version>/, skipping versions already built from the same commit; then write "
                    "switcher.json, versions.json and an index.html redirecting to the newest release.",
    )
    pub.add_argument("site_dir", type=Path, help="the site folder, e.g. a checkout of the gh-pages branch")
    pub.add_argument("--repo", type=Path, default=Path("."), help="the git repository (default: .)")
    pub.add_argument("--branch", default="main", help="branch published as latest (default: main)")
    pub.add_argument("--no-branch", action="store_true", help="publish release tags only")
    pub.add_argument("--latest-name", default="latest", help="folder name of the branch's version")
    pub.add_argument("--tags", action="append", metavar="PATTERN",
                     help="release tags to publish, a glob where YYYY, MM, DD stand for digits; repeatable "
                          f"(default: {' '.join(DEFAULT_TAG_PATTERNS)})")
    pub.add_argument("--base-url", default="/",
                     help="URL of the site folder as readers see it, for the switcher (default: /)")
    pub.add_argument("--conf-dir", default=".", help="folder of conf.py in the repository (default: .)")
    pub.add_argument("--source-dir", default="content", help="Sphinx source folder (default: content)")
    pub.add_argument("--force", action="store_true", help="rebuild versions already published")
    pub.add_argument("-j", "--jobs", default="auto", help="parallel Sphinx processes per build (default: auto)")
    pub.add_argument("--strict", action="store_true", help="treat Sphinx warnings as errors")
    pub.add_argument("--keep", type=int, metavar="N",
                     help="keep only the N newest releases (switcher order) besides the branch; older release "
                          "folders are removed and not built (default: keep every release)")
    pub.add_argument("--cache-dir", type=Path, help="keep graph layouts and parsed records here between runs")
    pub.set_defaults(run=cmd_publish)
    add_import_command(sub)
    add_diff_command(sub, _date)
    add_preview_parser(sub)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
    except SettingsError as exc:  # a wrong dmsite_* value, or a conf.py that cannot be read: like a bad argument
        print(f"error: {printable(exc)}", file=sys.stderr)
        return 2
    except DmsiteError as exc:
        print(f"error: {printable(exc)}", file=sys.stderr)
        return 1
    except OSError as exc:  # e.g. an output folder that does not exist: a message, not a traceback
        print(f"error: {printable(exc)}", file=sys.stderr)
        return 1


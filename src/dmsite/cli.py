"""The ``dmsite`` command: validate, schema, export, new, publish, diff."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .catalog import Catalog, build_catalog
from .export import EXPORTERS
from .model import KINDS
from .preview import add_parser as add_preview_parser
from .provenance import data_provenance, status_date
from .publish import DEFAULT_TAG_PATTERNS, PublishError, PublishOptions, publish
from .schema import write_schemas
from .stubs import STUB_KINDS, new_record

DEFAULT_DATA_DIR = Path("content/data")


def _date(text: str) -> dt.date:
    if text == "today":  # e.g. a pre-commit hook: data edited today may say it was completed today
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2021-05-10, got '{text}'") from None


def _load(args: argparse.Namespace) -> Catalog:
    data_dir: Path = args.data_dir
    return build_catalog(data_dir, status_date(args.status_date, data_provenance(data_dir)))


def cmd_validate(args: argparse.Namespace) -> int:
    catalog = _load(args)
    for problem in catalog.errors:
        print(f"{problem}", file=sys.stderr)
    if catalog.warnings:
        print(f"warnings ({len(catalog.warnings)}):", file=sys.stderr)
        for problem in catalog.warnings:
            print(f"  {problem}", file=sys.stderr)
    count = sum(len(catalog.table(cls.role)) for cls in KINDS.values())
    failed = bool(catalog.errors) or (args.strict and bool(catalog.warnings))
    verdict = "FAILED" if failed else "ok"
    print(f"{verdict}: {count} records, {len(catalog.errors)} errors, {len(catalog.warnings)} warnings "
          f"(status date {catalog.status_date})")
    return 1 if failed else 0


def cmd_schema(args: argparse.Namespace) -> int:
    for path in write_schemas(args.out):
        print(path)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    catalog = _load(args)
    if catalog.errors:
        return cmd_validate(args)
    text = EXPORTERS[args.format](catalog)
    if args.output:
        args.output.write_text(text, encoding="utf-8", newline="")
    else:
        sys.stdout.write(text)
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    try:
        path = new_record(args.data_dir, args.kind, args.id, args.name, args.file)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"added {args.kind} '{args.id}' to {path}")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    options = PublishOptions(
        repo_dir=args.repo, site_dir=args.site_dir, branch=None if args.no_branch else args.branch,
        latest_name=args.latest_name, tag_patterns=args.tags or DEFAULT_TAG_PATTERNS, base_url=args.base_url,
        conf_dir=args.conf_dir, source_dir=args.source_dir, force=args.force, jobs=args.jobs,
        sphinx_args=("-W", "--keep-going") if args.strict else (), keep=args.keep, cache_dir=args.cache_dir,
    )
    try:
        result = publish(options, say=print)
    except PublishError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for version, why in result.failed:
        print(f"FAILED {version.version} ({version.ref} at {version.short}); the site keeps what it had:\n{why}",
              file=sys.stderr)
    shown = ", ".join(v.version for v in result.published) or "none"
    print(f"{'FAILED' if result.failed else 'ok'}: {len(result.built)} built, {len(result.skipped)} up to date, "
          f"{len(result.failed)} failed; site versions: {shown}; preferred: {result.preferred or 'none'}")
    return 0 if result.ok else 1


def cmd_diff(args: argparse.Namespace) -> int:
    from .diff_refs import RefError, compare
    from .render.plan_diff import RENDERERS, render_markdown, render_problems

    try:
        result = compare(args.data_dir, args.base, args.head, args.status_date)
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


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="dmsite", description="Validate, export and publish a dmsite data set.")
    main.add_argument("--version", action="version", version=f"dmsite {__version__}")
    sub = main.add_subparsers(dest="command", required=True)

    def data_command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA_DIR,
                       help=f"data directory (default: {DEFAULT_DATA_DIR})")
        p.add_argument("--status-date", type=_date, default=None,
                       help="the date 'today' for overdue checks, or 'today' (default: date of the data's last commit)")
        return p

    validate = data_command("validate", "Check every record and report all problems with file:line:column.")
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.set_defaults(run=cmd_validate)

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
    new.add_argument("--name", default="", help="name / title")
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
    diff.add_argument("--status-date", type=_date, default=None,
                      help="the date 'today' (default: the later of the two sides' commit dates)")
    diff.add_argument("--max-rows", type=int, default=100, help="Markdown: rows per table, 0 for all (default: 100)")
    diff.add_argument("--max-chars", type=int, help="Markdown: at most this long, cut at a table's end "
                                                    "(a GitHub comment holds 65,536)")
    diff.set_defaults(run=cmd_diff)
    add_preview_parser(sub)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
    except OSError as exc:  # e.g. an output folder that does not exist: a message, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

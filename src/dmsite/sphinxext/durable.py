"""HTML output that survives an interrupted build: a killed ``sphinx-build`` or a full disk.

Sphinx writes pages in place and decides what to write next time by comparing a page's time with its
source's, so an interrupted write phase leaves a cut-off page, and pages whose data changed but were
not written yet stay stale even after the next build.  Here every HTML builder

- writes each page, ``objects.inv`` and ``.buildinfo`` whole or not at all (``atomic``), and its static
  files into an empty folder first, each moved into ``_static`` when complete: a file on disk is always
  whole, the previous build's or this one's;
- keeps a marker in the output folder from the moment Sphinx keeps the new environment until the build
  ends; a build that finds it (the last one was killed or failed) removes the temporary files left and
  writes every page again;
- dates a page whose write failed (a full disk) back to 1970: it keeps its old text, and the next build
  writes it.

Sphinx's own caches cope already: a cut-off ``environment.pickle`` makes the next build read every page
again, doctrees are written before the environment that refers to them, and dmsite's caches are written
whole (``atomic``).
"""

from __future__ import annotations

import contextlib
import filecmp
import logging as std_logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging
from sphinx.util.inventory import InventoryFile

from ..atomic import sweep, temporary_name, write_atomically

logger = logging.getLogger(__name__)

MARKER = ".dmsite-writing"  # in the output folder while pages are being written


class _WriteFailures(std_logging.Filter):
    """Counts the files Sphinx could not write, and notes their paths (it logs a warning with the OSError)."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: set[str] = set()
        self.count = 0

    def filter(self, record: std_logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        if any(isinstance(arg, OSError) for arg in args):
            self.count += 1
            self.paths.add(str(args[0]))
        return True


def _outdate(path: Path) -> None:
    with contextlib.suppress(OSError):  # not there yet, or not ours to touch
        os.utime(path, (0, 0))


def _durable(builder: StandaloneHTMLBuilder) -> None:
    """Wrap the builder's writing methods (on the instance: any HTML builder, and parallel workers too)."""
    failures = _WriteFailures()
    std_logging.getLogger("sphinx.sphinx.builders.html").addFilter(failures)
    handle_page = builder.handle_page
    copy_static_files = builder.copy_static_files

    def handle_page_whole(pagename: str, addctx: dict[str, Any], templatename: str = "page.html", *,
                          outfilename: Path | None = None, event_arg: Any = None) -> None:
        target = Path(outfilename) if outfilename else builder.get_output_path(pagename)
        staging = temporary_name(target)
        handle_page(pagename, addctx, templatename, outfilename=staging, event_arg=event_arg)
        if str(staging) in failures.paths or not staging.exists():
            staging.unlink(missing_ok=True)
            _outdate(target)  # keeps its old text; the next build writes it
            return
        os.replace(staging, target)

    def copy_static_whole() -> None:
        """Sphinx's static files into an empty folder, then each moved into ``_static`` if it changed."""
        real = builder._static_dir
        staging, failed_before = temporary_name(real), failures.count
        builder._static_dir = staging
        try:
            copy_static_files()
        finally:
            builder._static_dir = real
        if failures.count == failed_before:  # else keep the old ones, all of them
            _merge(staging, real)
        shutil.rmtree(staging, ignore_errors=True)

    builder.handle_page = handle_page_whole  # type: ignore[method-assign]
    if isinstance(getattr(builder, "_static_dir", None), Path):  # Sphinx 9 writes static files there
        builder.copy_static_files = copy_static_whole  # type: ignore[method-assign]
    builder.dump_inventory = lambda: _dump_inventory(builder)  # type: ignore[method-assign]
    builder.write_buildinfo = lambda: _write_buildinfo(builder)  # type: ignore[method-assign]


def _merge(staging: Path, folder: Path) -> None:
    """Move each file under *staging* to the same place under *folder*, unless the one there is the same."""
    for path in sorted(staging.rglob("*")):
        if path.is_dir():
            continue
        target = folder / path.relative_to(staging)
        if target.is_file() and filecmp.cmp(path, target, shallow=False):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)


def _replace_with(target: Path, write: Callable[[Path], None]) -> None:
    """*write* the next content of *target* to a temporary file, then put it in *target*'s place."""
    staging = temporary_name(target)
    try:
        write(staging)
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)


def _dump_inventory(builder: StandaloneHTMLBuilder) -> None:
    _replace_with(Path(builder.outdir) / "objects.inv", lambda path: InventoryFile.dump(path, builder.env, builder))


def _write_buildinfo(builder: StandaloneHTMLBuilder) -> None:
    try:
        _replace_with(Path(builder.outdir) / ".buildinfo", builder.build_info.dump)
    except OSError as exc:
        logger.warning("failed to write the build info file: %r", exc)


def _builder_inited(app: Sphinx) -> None:
    if not isinstance(app.builder, StandaloneHTMLBuilder):
        return
    outdir = Path(app.outdir)
    if (outdir / MARKER).exists():
        removed = sweep(outdir)
        for page in outdir.rglob("*.html"):
            _outdate(page)
        logger.info("the previous build was interrupted: every page is written again (%d unfinished file(s) "
                    "removed)", removed)
    _durable(app.builder)


def _env_updated(app: Sphinx, env: object) -> None:
    """From here (before Sphinx keeps the environment) until the build ends, an interruption leaves pages
    that the kept environment counts as written although they are not: the marker says so."""
    if isinstance(app.builder, StandaloneHTMLBuilder):
        with contextlib.suppress(OSError):
            write_atomically(Path(app.outdir) / MARKER, f"{os.getpid()}\n")


def _build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and isinstance(app.builder, StandaloneHTMLBuilder):
        with contextlib.suppress(OSError):
            (Path(app.outdir) / MARKER).unlink(missing_ok=True)


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", _builder_inited)
    app.connect("env-updated", _env_updated)
    app.connect("build-finished", _build_finished, priority=950)

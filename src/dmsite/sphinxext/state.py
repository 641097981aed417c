"""The catalog of the current build, loaded once and shared by every page.

It lives in this module (not in the pickled environment): forked parallel readers
inherit it, and a data change is detected by the digest of the data files.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from sphinx.application import Sphinx
from sphinx.errors import SphinxError
from sphinx.util import logging

from ..data.catalog import Catalog, build_catalog
from ..data.load import data_files
from ..vcs.provenance import Provenance, data_provenance, status_date

logger = logging.getLogger(__name__)


class DataProblems(SphinxError):
    category = "dmsite data error"


def _report_data_problems_briefly() -> None:
    """Make sphinx-build end on data errors with their list alone, not a crash report with a traceback.

    The errors were logged already; sphinx-build still exits with status 2.
    """
    from sphinx.cmd import build

    cli_errors = sys.modules.get("sphinx._cli.util.errors")  # Sphinx >= 8.2 reports through this one
    for module in (build, cli_errors):
        original = getattr(module, "handle_exception", None)
        if original is None or getattr(original, "dmsite", False):
            continue

        def handle_exception(*args: Any, _original: Any = original, **kwargs: Any) -> None:
            # (app, args, exception[, stderr]) in sphinx.cmd.build; (exception, *, stderr, ...) in sphinx._cli
            exception = next((a for a in args if isinstance(a, BaseException)), None)
            verbose = kwargs.get("print_traceback") or any(getattr(a, "traceback", None) is True for a in args)
            if isinstance(exception, DataProblems) and not verbose:
                stderr: TextIO = kwargs.get("stderr") or (args[3] if len(args) > 3 else sys.stderr)
                print(f"\n{exception.category}: {exception}", file=stderr)
                return
            _original(*args, **kwargs)

        handle_exception.dmsite = True  # type: ignore[attr-defined]
        module.handle_exception = handle_exception  # type: ignore[union-attr]


@dataclass(frozen=True)
class BuildData:
    catalog: Catalog
    provenance: Provenance
    digest: str
    data_dir: Path
    cache_dir: Path


_current: BuildData | None = None


def data_digest(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in data_files(data_dir) if data_dir.is_dir() else []:
        digest.update(str(path.relative_to(data_dir)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load(app: Sphinx) -> BuildData:
    """Load and check the data for this build; stop the build on any data error."""
    global _current
    data_dir = (Path(app.srcdir) / app.config.dmsite_data_dir).resolve()
    base = Path(app.confdir)
    provenance = data_provenance(data_dir)
    day = status_date(app.config.dmsite_status_date, provenance)
    cache = Path(app.config.dmsite_cache_dir or Path(app.confdir) / ".cache" / "dmsite")
    catalog = build_catalog(data_dir, day, base=base, cache_dir=cache / "records")
    failing = catalog.errors + (catalog.warnings if app.config.dmsite_strict else [])  # strict: like --strict
    for problem in failing:
        logger.error("%s", problem, type="dmsite", subtype="data")
    if failing:
        _report_data_problems_briefly()
        raise DataProblems(f"{len(failing)} problem(s) in {data_dir}; nothing was written")
    _current = BuildData(catalog, provenance, data_digest(data_dir), data_dir, cache)
    return _current


def current() -> BuildData:
    if _current is None:
        raise RuntimeError("dmsite data is not loaded: is 'dmsite' in conf.py extensions?")
    return _current

"""The catalog of the current build, loaded once and shared by every page.

It lives in this module (not in the pickled environment): forked parallel readers
inherit it, and a data change is detected by the digest of the data files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from ..atomic import sweep
from ..data.catalog import Catalog
from ..data.load import build_catalog, data_files
from ..data.problems import printable
from ..vcs.provenance import Provenance, data_provenance, status_date
from .errors import DataProblems, report_briefly
from .settings import settings

logger = logging.getLogger(__name__)


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
    chosen = settings(app.config)
    data_dir = (Path(app.srcdir) / chosen.data_dir).resolve()
    base = Path(app.confdir)
    provenance = data_provenance(data_dir)
    day = status_date(chosen.status_date, provenance)
    cache = Path(chosen.cache_dir or Path(app.confdir) / ".cache" / "dmsite")
    sweep(cache)  # the unfinished files of a build that was killed
    catalog = build_catalog(data_dir, day, base=base, cache_dir=cache / "records")
    failing = catalog.errors + (catalog.warnings if chosen.strict else [])  # strict: like --strict
    for problem in failing:
        logger.error("%s", problem, type="dmsite", subtype="data")
    if failing:
        report_briefly()
        raise DataProblems(f"{len(failing)} problem(s) in {printable(data_dir)}; nothing was written", failing)
    _current = BuildData(catalog, provenance, data_digest(data_dir), data_dir, cache)
    return _current


def current() -> BuildData:
    if _current is None:
        raise RuntimeError("dmsite data is not loaded: is 'dmsite' in conf.py extensions?")
    return _current

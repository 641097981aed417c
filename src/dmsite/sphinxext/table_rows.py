"""The milestone tables' rows kept between builds (``.cache/dmsite/table-rows.pickle``): an edit renders the rows it changed.

A row is keyed by its milestone's ``digest``, status and the code that renders it
(``render.row_memo``); the table of 20,000 milestones takes 0.2 s to render afresh.  The file
keeps the rows this build used and those of the last few builds (a page with another table
may not be read in every build), and is written, once the pages are read, only when a table was rendered.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import pickle
from pathlib import Path

import pydantic
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .. import __version__
from ..atomic import write_atomically
from ..data import dates
from ..render import html, milestones, row_memo, tables
from ..render.row_memo import Row, RowMemo

KEEP = 8  # builds a row unused by any table stays in the file
# by file: this build's memo, the file's serial (builds that saved it) and the serial each row was last used in
_memos: dict[Path, tuple[RowMemo, int, dict[bytes, int]]] = {}


@functools.cache
def _code() -> bytes:
    """The rendering code's digest: kept rows are only as good as the code that made them."""
    sources = b"".join(Path(m.__file__ or "").read_bytes() for m in (tables, milestones, html, row_memo, dates))
    return hashlib.sha256(f"{__version__} {pydantic.VERSION}".encode() + sources).digest()


def memo(cache_dir: Path) -> RowMemo:
    """The rows kept in *cache_dir*, read once per build."""
    path = cache_dir / "table-rows.pickle"
    if path not in _memos:
        try:
            serial, kept = pickle.loads(path.read_bytes())
            assert isinstance(serial, int) and isinstance(kept, dict)
        except Exception:  # absent, unreadable or of another shape: every row is rendered
            serial, kept = 0, {}
        rows = RowMemo(_code(), {k: row for k, (row, _) in kept.items()})
        _memos[path] = rows, serial, {k: used for k, (_, used) in kept.items()}
    return _memos[path][0]


def save(app: Sphinx, env: BuildEnvironment) -> None:
    """Once every page is read: keep the rows of this build (and those used in the last KEEP builds) for the
    next one, and let go of them before the pages are written (10 MB at 20,000 milestones)."""
    for path, (rows, serial, last_used) in list(_memos.items()):
        del _memos[path]
        if not rows.now:
            continue
        serial += 1
        kept: dict[bytes, tuple[Row, int]] = {
            k: (row, last_used[k]) for k, row in rows.before.items() if serial - last_used.get(k, 0) < KEEP
        }
        kept.update((k, (row, serial)) for k, row in rows.now.items())
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time later
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, pickle.dumps((serial, kept), protocol=pickle.HIGHEST_PROTOCOL))

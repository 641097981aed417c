"""The one loader: a data folder → validated records, every problem located.

Each file goes through ``files`` (YAML via ``yamlnodes``, BibTeX via ``bibtex``) and
``validate``, or comes from the record ``cache`` when its bytes were seen before.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import gc
from collections.abc import Iterator
from pathlib import Path

from .cache import load_cached, warm_cache
from .catalog import Catalog
from .files import LoadResult, data_files, drop_shadowed_bib_entries, kind_of, load_bib_file, load_file, survey
from .model import KINDS
from .problems import Loc, Problem, clip, relative_path
from .validate import validate_record


def load_data(data_dir: Path, base: Path | None = None, cache_dir: Path | None = None) -> LoadResult:
    """Load and validate every record under *data_dir*; never raises on bad data.

    With *cache_dir*, each YAML file's records and problems are kept there by content (see ``load_cached``).
    """
    result = LoadResult()
    shown = relative_path(data_dir, base)
    if not data_dir.exists():
        result.problems.append(Problem(Loc(shown), "-", "data directory does not exist"))
        return result
    if not data_dir.is_dir():
        result.problems.append(Problem(Loc(shown), "-", "data directory is a file, expected a folder"))
        return result
    if cache_dir is not None:
        warm_cache(data_dir, base, cache_dir)
    files, notes = survey(data_dir)
    result.problems += [Problem(Loc(relative_path(path, base)), "-", message, severity) for path, message, severity in notes]
    for path in files:
        result.files.append(path)
        name = relative_path(path, base)
        kind = kind_of(path, data_dir)
        if kind is None:
            result.problems.append(Problem(Loc(name), "-", _unknown_kind(path, data_dir)))
            continue
        if path.suffix == ".bib":
            load_bib_file(path, name, KINDS[kind], result)
        elif cache_dir is not None:
            load_cached(path, name, KINDS[kind], result, cache_dir)
        else:
            load_file(path, name, KINDS[kind], result)
    drop_shadowed_bib_entries(result)
    return result


def _unknown_kind(path: Path, data_dir: Path) -> str:
    parts = path.relative_to(data_dir).parts
    name = parts[0] if len(parts) > 1 else Path(parts[0]).stem
    hint = difflib.get_close_matches(name, KINDS, n=1)
    known = f"did you mean '{hint[0]}'?" if hint else "folders: " + ", ".join(sorted(KINDS))
    return f"'{clip(name)}' is not a known kind of data ({known})"




__all__ = ["LoadResult", "data_files", "kind_of", "load_data", "load_file", "validate_record"]


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_catalog(
    data_dir: Path, status_date: dt.date, base: Path | None = None, cache_dir: Path | None = None
) -> Catalog:
    """Load, validate and index *data_dir*: the one way every consumer gets data (*cache_dir*: see load_data)."""
    with _no_cycle_collection():  # loading makes many objects and no cycles: collections would only cost time
        loaded: LoadResult = load_data(data_dir, base, cache_dir)
        catalog = Catalog.from_records(loaded.records, status_date, loaded.problems, loaded.broken)
    catalog.files = loaded.files
    return catalog

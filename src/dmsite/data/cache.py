"""The record cache: a data file's records and problems kept by content, so a rebuild parses only what changed."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pydantic
import yaml

from ..atomic import write_atomically
from .files import LoadResult, data_files, kind_of, load_file
from .model import KINDS, Record
from .problems import Problem, relative_path
from .yamlnodes import MAX_FILE_BYTES

PARALLEL_BYTES = 1024 * 1024  # more uncached YAML than this is parsed by one process per core


_CODE = tuple(sorted(Path(__file__).parent.glob("*.py")))  # the data layer: a change to it invalidates the cache


@functools.cache
def _code_digest() -> bytes:
    """Cached results are only as good as the code that made them."""
    versions = f"{pydantic.VERSION} {yaml.__version__}".encode()
    return hashlib.sha256(versions + b"".join(p.read_bytes() for p in _CODE)).digest()


def load_cached(path: Path, name: str, cls: type[Record], result: LoadResult, cache_dir: Path) -> None:
    """``load_file``, reusing the records and problems of a file with the same bytes, name, kind and loader code.

    A rebuild after editing one file parses that file only (unpickling is about ten times faster).
    """
    cached = _cache_file(path, name, cls, cache_dir)
    if cached is None:
        load_file(path, name, cls, result)  # load_file reports the problem
        return
    try:
        records, problems, broken = pickle.loads(cached.read_bytes())
    except Exception:  # absent, or unreadable: load the file and keep the result
        records, problems, broken = _load_into_cache(path, name, cls, cached)
    result.records.extend(records)
    result.problems.extend(problems)
    result.broken.extend(broken)


def _cache_file(path: Path, name: str, cls: type[Record], cache_dir: Path) -> Path | None:
    """Where the loaded file is kept: named by its bytes, name, kind and the loader's code (None: not cacheable)."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        key = hashlib.sha256(_code_digest() + f"{name}\0{cls.kind}\0".encode() + path.read_bytes()).hexdigest()
    except OSError:
        return None
    return cache_dir / f"{key}.pickle"


def _load_into_cache(
    path: Path, name: str, cls: type[Record], cached: Path
) -> tuple[list[Record], list[Problem], list[tuple[str, str]]]:
    loaded = LoadResult()
    load_file(path, name, cls, loaded)
    with contextlib.suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        state = (loaded.records, loaded.problems, loaded.broken)
        write_atomically(cached, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
    return loaded.records, loaded.problems, loaded.broken


_Job = tuple[Path, str, type[Record], Path]


def warm_cache(data_dir: Path, base: Path | None, cache_dir: Path) -> None:
    """Parse the YAML files not yet in the cache in one process per core, when there is enough of them.

    A first build of a large data set then loads in about half the time; ``load_data`` reads the cache
    as usual afterwards (and parses, with the usual reports, anything a worker could not do).
    """
    jobs: list[_Job] = []
    for path in data_files(data_dir):
        kind = kind_of(path, data_dir)
        if kind is None or path.suffix == ".bib":
            continue
        name = relative_path(path, base)
        cached = _cache_file(path, name, KINDS[kind], cache_dir)
        if cached is not None and not cached.exists():
            jobs.append((path, name, KINDS[kind], cached))
    workers = min(os.cpu_count() or 1, len(jobs))
    if workers < 2 or sum(job[0].stat().st_size for job in jobs) < PARALLEL_BYTES:
        return
    if "fork" not in multiprocessing.get_all_start_methods():
        return
    with contextlib.suppress(Exception), ProcessPoolExecutor(workers, multiprocessing.get_context("fork")) as pool:
        for _ in pool.map(_fill_cache, jobs):
            pass


def _fill_cache(job: _Job) -> None:
    _load_into_cache(*job)

"""The catalog of the data at a git ref (or in the work tree), read with git and loaded by the one loader.

A ref's data files are read from git in one ``git cat-file --batch`` and written to a scratch
folder under their paths in the repository, then loaded by ``catalog.build_catalog`` exactly as
a build would load them; problems are named by those paths, prefixed with the ref.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..analyses.plan_diff import PlanDiff, plan_diff
from ..data.catalog import Catalog
from ..data.files import DATA_SUFFIXES
from ..data.load import build_catalog
from ..errors import RefError as RefError  # raised here: callers catch it from here too
from .provenance import data_provenance

WORK_TREE = "work tree"


@dataclass(frozen=True)
class Side:
    """One side of a comparison: what it is called, its commit (None: the work tree) and its catalog."""

    label: str
    commit: str | None
    date: dt.date | None
    catalog: Catalog

    @property
    def problems(self) -> list[tuple[str, str]]:
        return [(self.label, str(p)) for p in self.catalog.errors]


def _git(root: Path, *args: str, data: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=root, input=data, capture_output=True, check=False, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RefError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        raise RefError(done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return done.stdout


def repo_root(path: Path) -> Path:
    try:
        return Path(_git(path if path.is_dir() else path.parent, "rev-parse", "--show-toplevel").decode().strip())
    except RefError:
        raise RefError(f"{path} is not inside a git repository") from None


def data_rel(root: Path, data_dir: Path) -> str:
    """The data folder as a posix path inside the repository ('' for its root)."""
    path = (data_dir if data_dir.is_absolute() else Path.cwd() / data_dir).resolve()
    try:
        rel = path.relative_to(root.resolve())
    except ValueError:
        raise RefError(f"{data_dir} is not inside the repository at {root}") from None
    return rel.as_posix() if rel.parts else ""


def resolve(root: Path, ref: str) -> tuple[str, dt.date]:
    """The commit *ref* names and its commit date."""
    try:
        out = _git(root, "log", "-1", "--format=%H %cs", f"{ref}^{{commit}}", "--").decode().split()
    except RefError:
        raise RefError(f"'{ref}' is not a known commit, branch or tag") from None
    return out[0], dt.date.fromisoformat(out[1])


def _data_blobs(root: Path, commit: str, rel: str) -> list[tuple[str, str]]:
    """(blob sha, repository path) of every data file under *rel* at *commit* (symlinks and submodules left out)."""
    listing = _git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", rel or ".")
    found = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, path = entry.decode("utf-8", "surrogateescape").split("\t", 1)
        mode, kind, sha = meta.split()
        if kind == "blob" and mode != "120000" and PurePosixPath(path).suffix in DATA_SUFFIXES:
            found.append((sha, path))
    return found


def _read_blobs(root: Path, shas: list[str]) -> dict[str, bytes]:
    """The contents of *shas*, read by one ``git cat-file --batch``."""
    unique = sorted(set(shas))
    out = _git(root, "cat-file", "--batch", data="".join(f"{s}\n" for s in unique).encode())
    blobs, pos = {}, 0
    for sha in unique:
        end = out.index(b"\n", pos)
        size = int(out[pos:end].split()[2])
        blobs[sha] = out[end + 1:end + 1 + size]
        pos = end + 1 + size + 1
    return blobs


def catalog_at(root: Path, commit: str, rel: str, status_date: dt.date, cache_dir: Path | None = None,
               files: list[tuple[str, str]] | None = None) -> Catalog:
    """The catalog of the data folder *rel* as *commit* has it (*cache_dir*: see ``load.load_data``)."""
    files = _data_blobs(root, commit, rel) if files is None else files
    contents = _read_blobs(root, [sha for sha, _ in files])
    with tempfile.TemporaryDirectory(prefix="dmsite-diff-") as scratch:
        tree = Path(scratch)
        data_dir = tree / rel
        data_dir.mkdir(parents=True, exist_ok=True)
        for sha, path in files:
            target = tree / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(contents[sha])
        return build_catalog(data_dir, status_date, base=tree, cache_dir=cache_dir)


@dataclass(frozen=True)
class Comparison:
    base: Side
    head: Side
    diff: PlanDiff | None  # None when either side has data errors

    @property
    def problems(self) -> list[tuple[str, str]]:
        return self.base.problems + self.head.problems


def _label(ref: str, commit: str) -> str:
    return ref if ref.startswith(commit[:7]) else f"{ref} ({commit[:8]})"


def compare(data_dir: Path, base: str, head: str | None = None, status_date: dt.date | None = None) -> Comparison:
    """The plan at *base* against the plan at *head* (None: the work tree), both at one status date.

    The status date defaults to the later of the two sides' dates (a commit's date; the work
    tree's is its data's last commit), so that neither side's completions lie in its future.
    """
    root = repo_root(data_dir)
    rel = data_rel(root, data_dir)
    base_commit, base_date = resolve(root, base)
    if head is None:
        head_commit, head_date = None, data_provenance(data_dir).commit_date or dt.date.today()
    else:
        head_commit, head_date = resolve(root, head)
    day = status_date or max(base_date, head_date)
    base_files = _data_blobs(root, base_commit, rel)
    head_files = _data_blobs(root, head_commit, rel) if head_commit else None
    # A file both sides have alike is parsed once, through a records cache kept for this comparison;
    # when the sides share no file (a status update touching every file) caching would only cost time.
    shared = head_files is None or bool(set(base_files) & set(head_files))
    with tempfile.TemporaryDirectory(prefix="dmsite-diff-records-") as records:
        cache = Path(records) if shared else None
        old_catalog = catalog_at(root, base_commit, rel, day, cache, base_files)
        old = Side(_label(base, base_commit), base_commit, base_date, old_catalog)
        if head is None or head_commit is None:
            new = Side(WORK_TREE, None, head_date, build_catalog(data_dir, day, base=root, cache_dir=cache))
        else:
            new_catalog = catalog_at(root, head_commit, rel, day, cache, head_files)
            new = Side(_label(head, head_commit), head_commit, head_date, new_catalog)
    diff = None if old.catalog.errors or new.catalog.errors else plan_diff(old.catalog, new.catalog)
    return Comparison(old, new, diff)

"""Schedule history from git: how each milestone's dates moved across the commits.

The data files of old commits are read with the one loader (``dmsite.load``), so
history sees exactly what a build of that commit saw.  Only the main line of the
branch is walked (first parents): one merged pull request is one step of history.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fnmatch
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ..analyses.history import ScheduleHistory, ScheduleState, Snapshot
from ..data.load import LoadResult, kind_of, load_file
from ..data.model import Milestone
from ..errors import HistoryError as HistoryError  # raised here: callers catch it from here too

if TYPE_CHECKING:  # gitpython is imported where a repository is opened: builds outside git never load it
    import git

MILESTONE_SUFFIXES = (".yaml", ".yml")




def open_repo(path: Path) -> git.Repo:
    import git

    try:
        return git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise HistoryError(f"{path} is not inside a git repository") from None


def _data_rel(repo: git.Repo, data_dir: Path) -> str:
    """The data folder as a path inside the repository (posix, '' for the root)."""
    root = Path(str(repo.working_tree_dir)).resolve()
    path = data_dir if data_dir.is_absolute() else root / data_dir
    try:
        rel = path.resolve().relative_to(root)
    except ValueError:
        raise HistoryError(f"{data_dir} is not inside the repository at {root}") from None
    return rel.as_posix() if rel.parts else ""


def _commit(repo: git.Repo, ref: str) -> git.Commit:
    import git

    try:
        return repo.commit(ref)
    except (git.BadName, git.BadObject, ValueError, git.GitCommandError):
        raise HistoryError(f"'{ref}' is not a known commit, branch or tag") from None


def _day(commit: git.Commit) -> dt.date:
    return commit.committed_datetime.date()


class _Reader:
    """Reads milestones out of commits, parsing each distinct file content once."""

    def __init__(self, repo: git.Repo, rel: str):
        self.repo, self.rel = repo, rel
        self.parsed: dict[str, tuple[dict[str, Milestone], set[str], bool]] = {}  # blob sha → result
        self.last_good: dict[str, dict[str, Milestone]] = {}  # file path → last parse without file error
        self.tmp = tempfile.TemporaryDirectory(prefix="dmsite-history-")

    def close(self) -> None:
        self.tmp.cleanup()

    def blobs(self, commit: git.Commit) -> Iterator[git.Blob]:
        import git

        try:
            tree = commit.tree / self.rel if self.rel else commit.tree
        except KeyError:
            return
        data = PurePosixPath(self.rel)
        for item in tree.traverse():
            if not isinstance(item, git.Blob):
                continue
            path = PurePosixPath(str(item.path))
            if path.suffix not in MILESTONE_SUFFIXES:
                continue
            if kind_of(Path(path), Path(data)) == "milestones":
                yield item

    def parse(self, blob: git.Blob, commit: git.Commit) -> tuple[dict[str, Milestone], set[str], bool]:
        """(records by id, ids of records refused, whether the whole file was refused)."""
        if blob.hexsha not in self.parsed:
            scratch = Path(self.tmp.name) / "blob.yaml"
            scratch.write_bytes(blob.data_stream.read())
            result = LoadResult()
            load_file(scratch, f"{commit.hexsha[:8]}:{blob.path}", Milestone, result)
            records = {r.key: r for r in result.records if isinstance(r, Milestone)}
            refused = {p.record for p in result.problems if p.severity == "error"}
            whole_file = bool(refused) and not records and "-" in refused
            self.parsed[blob.hexsha] = (records, refused - {"-"}, whole_file)
        return self.parsed[blob.hexsha]

    def snapshot(self, commit: git.Commit, previous: Snapshot) -> Snapshot:
        """The milestones at *commit*; records it cannot read keep their *previous* state."""
        date, sha = _day(commit), commit.hexsha
        result: Snapshot = {}
        for blob in self.blobs(commit):
            records, refused, whole_file = self.parse(blob, commit)
            if whole_file:
                records, refused = self.last_good.get(str(blob.path), {}), set()
            else:
                self.last_good[str(blob.path)] = records
            for mid, m in records.items():
                result[mid] = ScheduleState(mid, sha, date, m.name, m.due, m.forecast, m.completed)
            for mid in refused:
                if mid in previous and mid not in result:
                    result[mid] = previous[mid]
        return result


def milestone_history(repo_dir: Path, data_dir: Path, rev: str = "HEAD") -> ScheduleHistory:
    """Walk the commits up to *rev* that changed the data; record every change of a milestone's dates."""
    repo = open_repo(repo_dir)
    rel = _data_rel(repo, data_dir)
    head = _commit(repo, rev)
    commits = list(repo.iter_commits(head, paths=rel or ".", first_parent=True, reverse=True))
    reader = _Reader(repo, rel)
    history = ScheduleHistory()
    current: Snapshot = {}
    try:
        for commit in commits:
            history.commits.append((commit.hexsha, _day(commit)))
            current = _record(history, reader.snapshot(commit, current), current, commit)
    finally:
        reader.close()
    history.milestones = dict(sorted(history.milestones.items()))
    return history


def _record(history: ScheduleHistory, new: Snapshot, old: Snapshot, commit: git.Commit) -> Snapshot:
    for mid, state in new.items():
        states = history.milestones.setdefault(mid, [])
        if not states or states[-1].dates != state.dates:
            states.append(state)
    for mid in old.keys() - new.keys():
        last = history.milestones[mid][-1]
        history.milestones[mid].append(
            ScheduleState(mid, commit.hexsha, _day(commit), last.name, last.due, last.forecast, last.completed, False)
        )
    return new


def snapshot_at(repo_dir: Path, data_dir: Path, ref: str) -> tuple[Snapshot, git.Commit]:
    """The milestones in the data of *ref*, and the commit it names."""
    repo = open_repo(repo_dir)
    commit = _commit(repo, ref)
    reader = _Reader(repo, _data_rel(repo, data_dir))
    try:
        return reader.snapshot(commit, {}), commit
    finally:
        reader.close()


def release_tags(repo_dir: Path, pattern: str = "*") -> list[tuple[str, git.Commit]]:
    """Tags matching *pattern* (fnmatch), newest commit first."""
    repo = open_repo(repo_dir)
    found = []
    for tag in repo.tags:
        if fnmatch.fnmatchcase(tag.name, pattern):
            with contextlib.suppress(ValueError):  # a tag on a blob or a tree is no release
                found.append((tag.name, tag.commit))
    return sorted(found, key=lambda tc: (tc[1].committed_date, tc[0]), reverse=True)


def previous_release(repo_dir: Path, pattern: str = "*", rev: str = "HEAD") -> str | None:
    """The newest tag matching *pattern* that is an ancestor of *rev* but not *rev* itself."""
    repo = open_repo(repo_dir)
    head = _commit(repo, rev)
    for name, commit in release_tags(repo_dir, pattern):
        if commit != head and repo.is_ancestor(commit, head):
            return name
    return None

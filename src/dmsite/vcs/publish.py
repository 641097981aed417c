"""Versioned publishing: build git refs into ``SITE/<version>/``, each once.

The branch (``main``) is published as ``latest`` and rebuilt whenever it moves; each
release tag (matching a pattern such as ``v*`` or ``YYYY-MM``) is built once and kept.
A version is built from a clean ``git worktree`` of its commit with that commit's own
``conf.py``, by ``sphinx-build`` in a subprocess, into a staging folder beside SITE, and
then renamed into place: a failed build adds nothing and removes nothing, and an
interrupted publish leaves the previous site whole.  The root files (``switcher.json``
for pydata-sphinx-theme, ``versions.json``, ``index.html``) are derived from the
version folders present and replaced atomically too.
"""

from __future__ import annotations

import contextlib
import fcntl
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import git

from ..atomic import write_atomically
from ..errors import PublishError as PublishError  # raised here: callers catch it from here too
from .switcher import DEFAULT_TAG_PATTERNS, SWITCHER_ENV, SWITCHER_URL, VERSION_ENV

STAMP = "dmsite-build.json"  # inside each version folder: what it was built from
VERSION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$")
_DATE_TOKENS = {"YYYY": "[0-9][0-9][0-9][0-9]", "MM": "[0-9][0-9]", "DD": "[0-9][0-9]"}


@dataclass(frozen=True)
class Version:
    """A version of the site: its folder name and the git ref and commit it is built from."""

    version: str
    ref: str
    kind: str  # "branch" or "release"
    commit: str
    date: str  # commit date, ISO

    @property
    def short(self) -> str:
        return self.commit[:8]


@dataclass
class PublishOptions:
    repo_dir: Path
    site_dir: Path
    branch: str | None = "main"
    latest_name: str = "latest"
    tag_patterns: Sequence[str] = DEFAULT_TAG_PATTERNS
    base_url: str = "/"
    conf_dir: str = "."
    source_dir: str = "content"
    force: bool = False
    jobs: str = "1"
    sphinx_args: Sequence[str] = ()
    keep: int | None = None  # keep the branch and the N newest releases (switcher order); remove older ones
    cache_dir: Path | None = None  # graph layouts and parsed records, kept between runs (default: thrown away)


@dataclass
class PublishResult:
    built: list[Version] = field(default_factory=list)
    skipped: list[Version] = field(default_factory=list)
    failed: list[tuple[Version, str]] = field(default_factory=list)  # (version, why)
    ignored: list[str] = field(default_factory=list)  # refs that cannot be versions, with the reason
    published: list[Version] = field(default_factory=list)  # every version in the site, switcher order
    pruned: list[str] = field(default_factory=list)  # release folders removed by the ``keep`` rule
    preferred: str | None = None

    @property
    def ok(self) -> bool:
        return not self.failed


# ---------------------------------------------------------------- selecting versions


def tag_matcher(pattern: str) -> re.Pattern[str]:
    """An fnmatch pattern where the tokens YYYY, MM and DD stand for digits."""
    for token, digits in _DATE_TOKENS.items():
        pattern = pattern.replace(token, digits)
    return re.compile(fnmatch.translate(pattern))


def _date(commit: git.Commit) -> str:
    return commit.committed_datetime.date().isoformat()


def _branch_commit(repo: git.Repo, branch: str) -> git.Commit | None:
    """The branch's commit: local branch first, else origin's (CI checks out tags detached)."""
    for ref in (f"refs/heads/{branch}", f"refs/remotes/origin/{branch}"):
        with contextlib.suppress(git.BadName, ValueError, git.GitCommandError):
            return repo.commit(ref)
    return None


def select_versions(repo: git.Repo, options: PublishOptions) -> tuple[list[Version], list[str]]:
    """The versions the refs ask for, and the refs that were left out (with the reason)."""
    versions: list[Version] = []
    ignored: list[str] = []
    if options.branch:
        commit = _branch_commit(repo, options.branch)
        if commit is None:
            ignored.append(f"branch '{options.branch}': not found")
        else:
            versions.append(Version(options.latest_name, options.branch, "branch", commit.hexsha, _date(commit)))
    matchers = [tag_matcher(p) for p in options.tag_patterns]
    for tag in sorted(repo.tags, key=lambda t: t.name):
        if not any(m.match(tag.name) for m in matchers):
            continue
        if not VERSION_NAME.match(tag.name) or tag.name == options.latest_name:
            ignored.append(f"tag '{tag.name}': not usable as a folder name (letters, digits, . _ + - only)")
            continue
        try:
            commit = tag.commit
        except ValueError:  # a tag on a blob or a tree (git allows it): nothing to build
            ignored.append(f"tag '{tag.name}': points at a {_target_type(tag)}, not a commit; skipped")
            continue
        versions.append(Version(tag.name, tag.name, "release", commit.hexsha, _date(commit)))
    return versions, ignored


def _target_type(tag: git.TagReference) -> str:
    """What a tag that is no commit points at: 'blob' or 'tree' (through an annotated tag too)."""
    target = tag.object
    while isinstance(target, git.TagObject):
        target = target.object
    return str(target.type)


# ---------------------------------------------------------------- the site folder


def _natural_key(name: str) -> list[tuple[int, int | str]]:
    """Sort key where digit runs compare as numbers (v1.10 after v1.9)."""
    return [(0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", name) if p]


def read_stamp(folder: Path) -> Version | None:
    try:
        data = json.loads((folder / STAMP).read_text(encoding="utf-8"))
        return Version(**{k: str(data[k]) for k in ("version", "ref", "kind", "commit", "date")})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def published_versions(site_dir: Path, latest_name: str = "latest") -> list[Version]:
    """The versions present in the site: the branch first, then releases newest first."""
    found = [v for d in sorted(site_dir.iterdir()) if d.is_dir() and (v := read_stamp(d)) and v.version == d.name] \
        if site_dir.is_dir() else []
    branch = [v for v in found if v.kind == "branch"]
    releases = [v for v in found if v.kind != "branch"]
    branch.sort(key=lambda v: (v.version != latest_name, v.version))
    releases.sort(key=lambda v: _natural_key(v.version), reverse=True)
    return branch + releases


def preferred_version(versions: Sequence[Version]) -> Version | None:
    """The newest release, else the first version (the branch)."""
    releases = [v for v in versions if v.kind == "release"]
    return releases[0] if releases else (versions[0] if versions else None)


def switcher_entries(versions: Sequence[Version], base_url: str) -> list[dict[str, object]]:
    """pydata-sphinx-theme's switcher.json: name, version, url, and ``preferred`` on one entry."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    preferred = preferred_version(versions)
    entries: list[dict[str, object]] = []
    for v in versions:
        name = f"{v.version} ({v.ref})" if v.kind == "branch" else v.version
        entry: dict[str, object] = {"name": name, "version": v.version, "url": f"{base}{v.version}/"}
        if v == preferred:  # short names keep the header on one row; the page marks it "newest"
            entry["preferred"] = True
        entries.append(entry)
    return entries


def redirect_page(target: str) -> str:
    """A root page sending readers to *target*/ (a relative URL: works under any base path)."""
    url = f"{target}/"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>Redirecting to {url}</title>\n"
        f"<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n"
        f"<link rel=\"canonical\" href=\"{url}\">\n"
        "</head>\n<body>\n"
        f"<p>This site has moved to <a href=\"{url}\">{url}</a>.</p>\n"
        "</body>\n</html>\n"
    )


def write_root_files(site_dir: Path, base_url: str, latest_name: str = "latest") -> tuple[list[Version], Version | None]:
    """switcher.json, versions.json and index.html from the version folders present."""
    versions = published_versions(site_dir, latest_name)
    preferred = preferred_version(versions)
    entries = switcher_entries(versions, base_url)
    write_atomically(site_dir / "switcher.json", json.dumps(entries, indent=2) + "\n")
    listing = [
        {**asdict(v), "url": e["url"], "preferred": v == preferred} for v, e in zip(versions, entries, strict=True)
    ]
    write_atomically(site_dir / "versions.json", json.dumps(listing, indent=2) + "\n")
    if preferred is not None:
        write_atomically(site_dir / "index.html", redirect_page(preferred.version))
    (site_dir / ".nojekyll").touch()  # GitHub Pages: serve _static/ and friends as they are
    return versions, preferred


# ---------------------------------------------------------------- building one version


@contextlib.contextmanager
def _worktree(repo: git.Repo, commit: str, parent: Path) -> Iterator[Path]:
    """A clean checkout of *commit* in a temporary folder, removed afterwards."""
    path = parent / f"worktree-{commit[:12]}"
    repo.git.worktree("add", "--detach", "--force", str(path), commit)
    try:
        yield path
    finally:
        with contextlib.suppress(git.GitCommandError):
            repo.git.worktree("remove", "--force", str(path))
        shutil.rmtree(path, ignore_errors=True)
        with contextlib.suppress(git.GitCommandError):
            repo.git.worktree("prune")


def _explain(output: str, tree: Path, limit: int = 40) -> str:
    """Sphinx's messages (and, after a crash, the end of its traceback), paths relative to the repository."""
    messages, _, report = output.replace(f"{tree}/", "").partition("\nVersions\n====")
    lines = [line for line in messages.splitlines() if line.strip()]
    if "Traceback" in report:  # Sphinx crashed: the exception says why
        trace = report.split("Traceback", 1)[1].split("The full traceback")[0]
        lines += [line.strip() for line in trace.splitlines() if line.strip() and set(line.strip()) != {"="}][-6:]
    more = f"\n... ({len(lines) - limit} more lines)" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more


def build_version(repo: git.Repo, version: Version, options: PublishOptions, work: Path, out: Path) -> str | None:
    """Build *version* into *out*; return None on success, else why it failed."""
    with _worktree(repo, version.commit, work) as tree:
        conf_dir, source_dir = tree / options.conf_dir, tree / options.source_dir
        if not (conf_dir / "conf.py").is_file():
            return f"no {options.conf_dir}/conf.py at {version.short}"
        if not source_dir.is_dir():
            return f"no source folder {options.source_dir}/ at {version.short}"
        command = [
            sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", options.jobs,
            "-c", str(conf_dir), "-d", str(work / f"doctrees-{version.version}"),
            "-D", f"dmsite_cache_dir={(options.cache_dir or work / 'cache').resolve()}", *options.sphinx_args,
            str(source_dir), str(out),
        ]
        env = {**os.environ, VERSION_ENV: version.version, SWITCHER_ENV: SWITCHER_URL}
        done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            return f"sphinx-build exited with {done.returncode}:\n{_explain(done.stderr or done.stdout, tree)}"
        if not (out / "index.html").is_file():
            return "sphinx-build wrote no index.html"
    (out / STAMP).write_text(json.dumps(asdict(version), indent=2) + "\n", encoding="utf-8")
    return None


def _staging(site_dir: Path, label: str) -> Path:
    """A fresh folder beside SITE (same file system, so a rename moves it into place at once)."""
    return Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.{label}-", dir=site_dir.parent))


def _backup_name(site_dir: Path, version: str) -> Path:
    return site_dir.parent / f".{site_dir.name}.previous-{version}"


def _install(site_dir: Path, built: Path, version: str) -> None:
    """Move a built version into place; an older build of it is swapped out, then removed."""
    target = site_dir / version
    backup = _backup_name(site_dir, version)
    os.chmod(built, 0o755)  # mkdtemp made it private; a web server must read it
    if target.exists():
        shutil.rmtree(backup, ignore_errors=True)
        os.rename(target, backup)
    os.rename(built, target)
    shutil.rmtree(backup, ignore_errors=True)


def _recover(site_dir: Path) -> None:
    """Finish what an interrupted publish left: restore swapped-out versions, drop staging folders."""
    for leftover in site_dir.parent.glob(f".{site_dir.name}.*"):
        if not leftover.is_dir():
            continue
        prefix = f".{site_dir.name}.previous-"
        if leftover.name.startswith(prefix) and not (site_dir / leftover.name[len(prefix):]).exists():
            os.rename(leftover, site_dir / leftover.name[len(prefix):])
        else:
            shutil.rmtree(leftover, ignore_errors=True)


@contextlib.contextmanager
def _locked(site_dir: Path) -> Iterator[None]:
    """One publish at a time on a site folder."""
    with open(site_dir.parent / f".{site_dir.name}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishError(f"another publish is running on {site_dir}") from None
        yield


# ---------------------------------------------------------------- publish


def _open(repo_dir: Path) -> git.Repo:
    try:
        return git.Repo(repo_dir, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise PublishError(f"{repo_dir} is not inside a git repository") from None


def is_current(site_dir: Path, version: Version) -> bool:
    """Already published from the same commit (a release is never rebuilt; the branch when it moves)."""
    stamp = read_stamp(site_dir / version.version)
    return stamp is not None and stamp.commit == version.commit


def publish(options: PublishOptions, say: Callable[[str], None] = lambda line: None) -> PublishResult:
    """Build every selected version not yet published (all with ``force``), then refresh the root files."""
    if not VERSION_NAME.match(options.latest_name):
        raise PublishError(f"'{options.latest_name}' cannot be a folder name (letters, digits, . _ + - only)")
    repo = _open(options.repo_dir)
    site_dir = options.site_dir.resolve()
    if site_dir.exists() and not site_dir.is_dir():
        raise PublishError(f"{site_dir} is a file, expected the site folder")
    site_dir.mkdir(parents=True, exist_ok=True)
    result = PublishResult()
    with _locked(site_dir):
        _recover(site_dir)
        versions, result.ignored = select_versions(repo, options)
        for line in result.ignored:
            say(f"ignored {line}")
        kept = kept_releases(versions, site_dir, options)
        versions = [v for v in versions if v.kind != "release" or kept is None or v.version in kept]
        work = _staging(site_dir, "work")
        try:
            for version in versions:
                if not options.force and is_current(site_dir, version):
                    result.skipped.append(version)
                    say(f"skipped {version.version}: already published from {version.short}")
                    continue
                say(f"building {version.version} from {version.ref} ({version.short}) ...")
                _publish_one(repo, version, options, site_dir, work, result)
                say(f"failed {version.version}: {result.failed[-1][1]}" if result.failed
                    and result.failed[-1][0] == version else f"built {version.version}")
        finally:
            shutil.rmtree(work, ignore_errors=True)
        result.pruned = prune(site_dir, kept, options.latest_name)
        for name in result.pruned:
            say(f"removed {name}: older than the {options.keep} newest releases (--keep)")
        result.published, preferred = write_root_files(site_dir, options.base_url, options.latest_name)
        result.preferred = preferred.version if preferred else None
    return result


def kept_releases(versions: Sequence[Version], site_dir: Path, options: PublishOptions) -> set[str] | None:
    """With ``keep``: the names of the N newest releases among the tags and the site's folders (None: keep all)."""
    if options.keep is None:
        return None
    names = {v.version for v in versions if v.kind == "release"}
    names |= {v.version for v in published_versions(site_dir, options.latest_name) if v.kind == "release"}
    return set(sorted(names, key=_natural_key, reverse=True)[: max(options.keep, 0)])


def prune(site_dir: Path, kept: set[str] | None, latest_name: str = "latest") -> list[str]:
    """Remove the release folders not *kept* (each swapped out, then deleted); the names removed."""
    if kept is None:
        return []
    removed = []
    for version in published_versions(site_dir, latest_name):
        if version.kind == "release" and version.version not in kept:
            backup = site_dir.parent / f".{site_dir.name}.pruned-{version.version}"
            os.rename(site_dir / version.version, backup)
            shutil.rmtree(backup, ignore_errors=True)
            removed.append(version.version)
    return removed


def _publish_one(
    repo: git.Repo, version: Version, options: PublishOptions, site_dir: Path, work: Path, result: PublishResult
) -> None:
    out = _staging(site_dir, f"building-{version.version}")
    try:
        why = build_version(repo, version, options, work, out)
        if why is None:
            _install(site_dir, out, version.version)
            result.built.append(version)
        else:
            result.failed.append((version, why))
    except (git.GitCommandError, OSError) as exc:
        result.failed.append((version, f"{type(exc).__name__}: {exc}"))
    finally:
        shutil.rmtree(out, ignore_errors=True)

"""Pull-request previews on the published branch: a PR's built site in ``pr-N/``, added on push, removed on close.

Works on the branch GitHub Pages serves (``gh-pages``), in a temporary ``git worktree`` of the
repository (so the checkout's credentials push it), and retries when another publish or
preview pushed first: the change is made again on the new tip, never forced.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import PreviewError, PushRejected

PREFIX = "pr-"
STAMP = "dmsite-preview.json"  # not publish's stamp: a preview is never listed in the version switcher
ATTEMPTS = 5
BOT = ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")


@dataclass(frozen=True)
class PreviewOptions:
    repo: Path
    remote: str = "origin"
    branch: str = "gh-pages"
    author: tuple[str, str] = BOT


def folder(number: int) -> str:
    if number < 1:
        raise PreviewError(f"a pull request number is a positive integer, not {number}")
    return f"{PREFIX}{number}"


def _git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["git", *args], cwd=cwd, input="", capture_output=True, text=True, check=False, timeout=600)
    if check and done.returncode != 0:
        raise PreviewError(f"git {' '.join(args[:2])} failed: {(done.stderr or done.stdout).strip()}")
    return done


def _fetch(options: PreviewOptions) -> str | None:
    """The remote branch's tip (fetched), or None when the branch does not exist yet."""
    ref = f"refs/heads/{options.branch}"
    listed = _git(options.repo, "ls-remote", "--heads", options.remote, ref).stdout.split()
    if not listed:
        return None
    shallow = _git(options.repo, "rev-parse", "--is-shallow-repository").stdout.strip() == "true"
    depth = ["--depth", "1"] if shallow else []  # a CI checkout of one commit needs no more; a full clone stays full
    _git(options.repo, "fetch", "--quiet", "--no-tags", *depth, options.remote, f"+{ref}:refs/dmsite/preview-base")
    return _git(options.repo, "rev-parse", "refs/dmsite/preview-base").stdout.strip()


def _root_commit(options: PreviewOptions) -> str:
    """An empty first commit for a branch that does not exist yet (any git: no ``worktree add --orphan``)."""
    empty_tree = _git(options.repo, "mktree").stdout.strip()
    name, email = options.author
    made = _git(options.repo, "-c", f"user.name={name}", "-c", f"user.email={email}", "commit-tree", empty_tree,
                "-m", f"Start {options.branch}")
    return made.stdout.strip()


@contextlib.contextmanager
def _worktree(options: PreviewOptions, tip: str | None) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="dmsite-preview-")) / "site"
    _git(options.repo, "worktree", "add", "--quiet", "--detach", str(path), tip or _root_commit(options))
    try:
        yield path
    finally:
        _git(options.repo, "worktree", "remove", "--force", str(path), check=False)
        shutil.rmtree(path.parent, ignore_errors=True)
        _git(options.repo, "worktree", "prune", check=False)


def _commit_and_push(options: PreviewOptions, tree: Path, message: str) -> str | None:
    """Commit what changed in *tree* and push it; None when nothing changed; raises PushRejected when beaten to it."""
    _git(tree, "add", "-A")
    if _git(tree, "diff", "--cached", "--quiet", check=False).returncode == 0:
        return None
    name, email = options.author
    _git(tree, "-c", f"user.name={name}", "-c", f"user.email={email}", "-c", "commit.gpgsign=false",
         "commit", "--quiet", "-m", message)
    pushed = _git(tree, "push", "--quiet", options.remote, f"HEAD:refs/heads/{options.branch}", check=False)
    if pushed.returncode != 0:
        if "rejected" in pushed.stderr or "fetch first" in pushed.stderr or "non-fast-forward" in pushed.stderr:
            raise PushRejected(pushed.stderr.strip())
        raise PreviewError(f"git push failed: {pushed.stderr.strip()}")
    return _git(tree, "rev-parse", "HEAD").stdout.strip()


def _change(options: PreviewOptions, edit: Callable[[Path], None], message: str,
            before_push: Callable[[], None] | None = None) -> str | None:
    """Apply *edit* to a fresh worktree of the branch and push; again on the new tip when someone pushed first."""
    last = ""
    for _ in range(ATTEMPTS):
        tip = _fetch(options)
        with _worktree(options, tip) as tree:
            edit(tree)
            if before_push is not None:
                before_push()
                before_push = None
            try:
                return _commit_and_push(options, tree, message)
            except PushRejected as rejected:
                last = str(rejected)
    raise PreviewError(f"the {options.branch} branch kept moving; gave up after {ATTEMPTS} attempts: {last}")


def deploy(options: PreviewOptions, number: int, site: Path, commit: str = "",
           before_push: Callable[[], None] | None = None) -> str | None:
    """Put the built *site* in ``pr-N/`` of the branch (replacing what was there); the new commit, or None."""
    name = folder(number)
    if not (site / "index.html").is_file():
        raise PreviewError(f"{site} holds no index.html: build the site first")

    def edit(tree: Path) -> None:
        target = tree / name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(site, target, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))
        (target / STAMP).write_text(json.dumps({"pull_request": number, "commit": commit}, indent=2) + "\n")
        (tree / ".nojekyll").touch()  # Pages serves _static/ as it is

    return _change(options, edit, f"Preview of pull request #{number}{f' at {commit[:8]}' if commit else ''}",
                   before_push)


def remove(options: PreviewOptions, number: int, before_push: Callable[[], None] | None = None) -> str | None:
    """Remove ``pr-N/`` from the branch; the new commit, or None when there was none."""
    name = folder(number)
    if _fetch(options) is None:
        return None
    return _change(options, lambda tree: shutil.rmtree(tree / name, ignore_errors=True),
                   f"Remove the preview of pull request #{number}", before_push)


def previews(options: PreviewOptions) -> list[int]:
    """The pull request numbers with a preview on the branch."""
    if _fetch(options) is None:
        return []
    listed = _git(options.repo, "ls-tree", "--name-only", "refs/dmsite/preview-base").stdout.split()
    return sorted(int(n[len(PREFIX):]) for n in listed if n.startswith(PREFIX) and n[len(PREFIX):].isdigit())


# ---------------------------------------------------------------- the command


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("preview", help="Add or remove a pull request's preview (pr-N/) on the published branch.",
                       description="Add a built site as pr-N/ on the published branch (gh-pages), or remove it; "
                                   "pushes to REMOTE, retrying on a branch that moved meanwhile.")
    p.add_argument("action", choices=("deploy", "remove", "list"))
    p.add_argument("number", type=int, nargs="?", help="the pull request number")
    p.add_argument("--site", type=Path, default=Path("_build/html"), help="deploy: the built site (default: _build/html)")
    p.add_argument("--commit", default="", help="deploy: the commit the site was built from (recorded)")
    p.add_argument("--repo", type=Path, default=Path("."), help="the git repository (default: .)")
    p.add_argument("--remote", default="origin", help="remote to push to (default: origin)")
    p.add_argument("--branch", default="gh-pages", help="published branch (default: gh-pages)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, say: Callable[[str], None] = print) -> int:
    options = PreviewOptions(args.repo, args.remote, args.branch)
    try:
        if args.action == "list":
            say(" ".join(str(n) for n in previews(options)) or "no previews")
            return 0
        if args.number is None:
            raise PreviewError(f"'dmsite preview {args.action}' needs the pull request number")
        if args.action == "deploy":
            sha = deploy(options, args.number, args.site, args.commit)
            say(f"deployed {folder(args.number)}/ ({sha[:8]})" if sha else f"{folder(args.number)}/ is up to date")
        else:
            sha = remove(options, args.number)
            say(f"removed {folder(args.number)}/ ({sha[:8]})" if sha else f"no {folder(args.number)}/ to remove")
    except PreviewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dmsite")
    add_parser(parser.add_subparsers(dest="command", required=True))
    return run(parser.parse_args(argv))

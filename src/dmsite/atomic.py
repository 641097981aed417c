"""Files written whole or not at all: a build killed or a disk filling up mid-write leaves the old file.

The new content goes to a hidden file beside the target (``.<name>.<pid>-<thread>.dmsite-tmp``: unique, so
processes and threads sharing a folder never meet) and replaces the target in one rename.  A write that
fails removes its temporary file; one that is killed leaves it, for ``sweep`` to remove later.  No
``fsync``: this guards against a killed process and a full disk, not against a power cut.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

SUFFIX = ".dmsite-tmp"


def temporary_name(path: Path) -> Path:
    """Where the next content of *path* is written before it replaces *path*."""
    return path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}{SUFFIX}")


def write_atomically(path: Path, content: bytes | str | Iterable[str]) -> None:
    """Replace *path* with *content* (text is UTF-8, newlines as given), or leave it as it was and raise."""
    write_files_atomically({path: content})


def write_files_atomically(contents: Mapping[Path, bytes | str | Iterable[str]]) -> None:
    """Replace every file of *contents*, or (when one cannot be written) none of them, and raise.

    A file's mode is kept; a symbolic link keeps pointing to the file it names, which gets the content.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, content in contents.items():
            target = Path(os.path.realpath(path))
            tmp = temporary_name(target)
            staged.append((tmp, target))
            _write(tmp, content)
            with contextlib.suppress(FileNotFoundError):
                os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise
    for tmp, target in staged:  # renames need no space: all of them, once every file is written
        os.replace(tmp, target)


def _write(tmp: Path, content: bytes | str | Iterable[str]) -> None:
    if isinstance(content, bytes):
        tmp.write_bytes(content)
        return
    with open(tmp, "w", encoding="utf-8", newline="") as out:
        out.writelines([content] if isinstance(content, str) else content)


def sweep(folder: Path) -> int:
    """Remove the temporary files a killed writer left under *folder*; return how many."""
    removed = 0
    for tmp in sorted(folder.rglob(f".*{SUFFIX}"), reverse=True):  # a folder's files before the folder
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp) if tmp.is_dir() else tmp.unlink()
            removed += 1
    return removed

"""Run ``sphinx-build`` (or ``dmsite``) with a fault injected into its file writes: killed mid-write, or a disk that fills up.

    python tests/support/faults.py --under ROOT (--log FILE | --kill-at N | --disk-bytes N) -- SPHINX-ARGS
    python tests/support/faults.py --under ROOT ... -- dmsite DMSITE-ARGS

Every ``write`` on a file opened for writing under ROOT (by ``open``, ``io.open`` or ``pathlib``) is one
step.  ``--log`` runs the build normally and writes one line per step (its size and the file); ``--kill-at N``
writes half of step N, then sends the process SIGKILL; ``--disk-bytes N`` lets N bytes be written in all and
fails every write after them with ENOSPC, as a full disk does (the write that crosses the line is cut off).
"""

from __future__ import annotations

import argparse
import builtins
import errno
import io
import os
import signal
import sys
from pathlib import Path
from typing import Any

_real_open = builtins.open


class Faults:
    def __init__(self, under: Path, kill_at: int | None, disk_bytes: int | None, log: Path | None) -> None:
        self.under, self.kill_at, self.room, self.steps = str(under.resolve()), kill_at, disk_bytes, 0
        self.log = _real_open(log, "w", encoding="utf-8") if log else None

    def write(self, file: Any, path: str, data: Any) -> int:
        self.steps += 1
        if self.log:
            print(len(data), path, file=self.log, flush=True)
        if self.steps == self.kill_at:
            file.write(data[: len(data) // 2])
            file.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        if self.room is not None:
            fits = max(self.room, 0)
            self.room -= len(data)
            if self.room < 0:
                file.write(data[:fits])
                file.flush()
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
        return int(file.write(data))


class FaultyFile:
    """A file opened for writing, each ``write`` a step; no ``fileno``, so copies go through ``write`` too."""

    def __init__(self, file: Any, path: str, faults: Faults) -> None:
        self._file, self._path, self._faults = file, path, faults

    def write(self, data: Any) -> int:
        return self._faults.write(self._file, self._path, data)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __enter__(self) -> FaultyFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()

    def __getattr__(self, name: str) -> Any:
        if name == "fileno":
            raise AttributeError(name)
        return getattr(self._file, name)


def install(faults: Faults) -> None:
    def faulty_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        opened = _real_open(file, mode, *args, **kwargs)
        if isinstance(file, str | os.PathLike) and any(c in mode for c in "wax+"):
            path = os.path.abspath(os.fspath(file))
            if path.startswith(faults.under):
                return FaultyFile(opened, path, faults)
        return opened

    builtins.open = io.open = faulty_open  # type: ignore[assignment]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--under", type=Path, required=True)
    parser.add_argument("--log", type=Path)
    parser.add_argument("--kill-at", type=int)
    parser.add_argument("--disk-bytes", type=int)
    parser.add_argument("command", nargs="+", help="sphinx-build's arguments, or dmsite and its arguments")
    args = parser.parse_args()
    install(Faults(args.under, args.kill_at, args.disk_bytes, args.log))
    if args.command[0] == "dmsite":
        from dmsite.cli import main as dmsite

        return dmsite(args.command[1:])
    from sphinx.cmd.build import main as sphinx_build

    return sphinx_build(args.command)


if __name__ == "__main__":
    sys.exit(main())

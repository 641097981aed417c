"""Time the dmsite benchmark site under several engines (virtual environments), alternating, in wall and CPU time.

    .venv/bin/python benchmarks/engines.py --sizes 2000 --rounds 5 /tmp/base/.venv .venv

For comparing two versions of dmsite on a shared machine: each round builds the dmsite site of
``benchmarks/sites.py`` with every engine in turn (the order reversed every other round, so that
both see the same load): a full build from clean, a no-op rebuild, ``--edits`` rebuilds after one
forecast edit each (every page showing the milestone checked for the new date), and a full build
with the graph cache kept.  Each build is timed in wall time and in CPU time (user + system of
``sphinx-build`` and of the ``dot`` processes it waited for, from ``wait4``), which a loaded
machine disturbs much less; cells are min / median over all rounds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sites
from generate import write
from run import load, machine, stale_pages
from sites import SITES

KINDS = ("full", "noop", "edit", "warm")


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (with waited-for children) and peak RSS (KiB); fails if the build fails or warns."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    stderr = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0 or "WARNING" in stderr or "ERROR" in stderr:
        raise RuntimeError(f"{' '.join(cmd)} failed or warned in {cwd}:\n{stderr[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def cell(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f}" if values else "–"


class Engine:
    """One virtual environment's sphinx-build and the figures measured with it."""

    def __init__(self, venv: Path) -> None:
        self.venv = venv.resolve()
        self.wall: dict[str, list[float]] = {k: [] for k in KINDS}
        self.cpu: dict[str, list[float]] = {k: [] for k in KINDS}
        self.peak_kb = 0
        self.stale: set[str] = set()

    @property
    def label(self) -> str:
        tree = self.venv.parent
        commit = subprocess.run(["git", "-C", str(tree), "log", "-1", "--format=%h"],
                                capture_output=True, text=True).stdout.strip()
        return f"`{tree}` ({commit or 'no git'})"

    def build(self, kind: str, root: Path) -> None:
        cmd = [str(self.venv / "bin" / "sphinx-build"), "-b", "html", "-q", str(root), str(root / "_build" / "html")]
        wall, cpu, peak = timed(cmd, root)
        self.wall[kind].append(wall)
        self.cpu[kind].append(cpu)
        self.peak_kb = max(self.peak_kb, peak)

    def round(self, data: Path, root: Path, edits: int) -> None:
        make, edit = SITES["dmsite"]
        make(data, root)
        self.build("full", root)
        self.build("noop", root)
        for _ in range(edits):
            day = edit(root)
            self.build("edit", root)
            self.stale.update(stale_pages("dmsite", root, day))
        shutil.rmtree(root / "_build")
        self.build("warm", root)
        shutil.rmtree(root)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("venvs", type=Path, nargs="+", help="virtual environments with dmsite installed")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--edits", type=int, default=3, help="edit rebuilds per round")
    parser.add_argument("--shape", choices=["mixed", "blocks"], default="mixed", help="the data's shape (generate.py)")
    parser.add_argument("--theme", choices=list(sites.THEMES), default=sites.theme, help="the sites' theme")
    args = parser.parse_args()
    sites.theme = args.theme
    print(f"Machine: {machine()}  \nCommand: `{' '.join(sys.argv)}`  \n"
          f"PYTHONDONTWRITEBYTECODE: {os.environ.get('PYTHONDONTWRITEBYTECODE', 'unset')}  \n"
          f"Data: {args.shape}, theme: {args.theme}\n")
    print(f"Seconds, min / median over {args.rounds} rounds (edit: {args.edits} per round), wall and CPU "
          "(user + system, with dot); peak RSS of sphinx-build in MB.\n")
    print("| N | engine | full wall | full CPU | no-op wall | no-op CPU | edit wall | edit CPU "
          "| cache kept wall | cache kept CPU | peak MB | stale | load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n in args.sizes:
        engines = [Engine(v) for v in args.venvs]
        before = load()
        with tempfile.TemporaryDirectory(prefix=f"dmsite-engines-{n}-") as tmp:
            data = write(n, Path(tmp) / "data", args.shape)
            for r in range(args.rounds):
                order = engines if r % 2 == 0 else engines[::-1]
                for engine in order:
                    engine.round(data, Path(tmp) / f"site-{engines.index(engine)}", args.edits)
        loads = f"{before} → {load()}"
        for e in engines:
            cells = " | ".join(f"{cell(e.wall[k])} | {cell(e.cpu[k])}" for k in KINDS)
            print(f"| {n} | {e.label} | {cells} | {e.peak_kb / 1024:.0f} | {', '.join(sorted(e.stale)) or 'none'} "
                  f"| {loads} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

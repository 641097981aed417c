"""Build the dmsite, sphinx-needs and plain-Sphinx sites side by side and report times and memory.

    .venv/bin/python benchmarks/run.py --sizes 400 2000 10000 --repeat 3 > benchmarks/last-run.md

For each N: generate the data set, write the three sites, then for each site measure
(a) a full build from clean, (b) a no-op rebuild, (c) a rebuild after editing one
milestone's forecast — wall time (min and median of --repeat runs) and peak RSS of the
sphinx-build process.  Also ``dmsite validate`` on the data set.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import write  # noqa: E402
from sites import SITES  # noqa: E402

BIN = Path(sys.executable).parent


@dataclass
class Measure:
    seconds: list[float] = field(default_factory=list)
    peak_mb: float = 0.0

    def add(self, seconds: float, peak_kb: int) -> None:
        self.seconds.append(seconds)
        self.peak_mb = max(self.peak_mb, peak_kb / 1024)

    def cell(self) -> str:
        if not self.seconds:
            return "–"
        return f"{min(self.seconds):.2f} / {statistics.median(self.seconds):.2f}"

    @property
    def best(self) -> float:
        return min(self.seconds) if self.seconds else float("nan")


def timed(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one command; fails loudly if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed in {cwd}:\n{stderr[-3000:]}")
    return seconds, usage.ru_maxrss


def sphinx(root: Path) -> list[str]:
    return [str(BIN / "sphinx-build"), "-b", "html", "-q", str(root), str(root / "_build" / "html")]


def bench_site(name: str, data: Path, work: Path, repeat: int) -> dict[str, Measure]:
    make, edit = SITES[name]
    root = work / name
    result = {"full": Measure(), "noop": Measure(), "edit": Measure()}
    for _ in range(repeat):
        make(data, root)
        result["full"].add(*timed(sphinx(root), root))
        result["noop"].add(*timed(sphinx(root), root))
        edit(root)
        result["edit"].add(*timed(sphinx(root), root))
    shutil.rmtree(root / "_build", ignore_errors=True)
    return result


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def versions() -> str:
    from importlib.metadata import version

    return ", ".join(f"{p} {version(p)}" for p in ("sphinx", "sphinx-needs", "pydata-sphinx-theme", "dmsite"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[400, 2000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sites", nargs="+", default=list(SITES), choices=list(SITES))
    args = parser.parse_args()
    print(f"Machine: {machine()}  \nVersions: {versions()}  \nCommand: `{' '.join(sys.argv)}`\n")
    print("Times in seconds, min / median of", args.repeat, "runs; peak RSS of sphinx-build in MB.\n")
    print("| N | site | full build | no-op rebuild | rebuild after one edit | peak MB |")
    print("|---|---|---|---|---|---|")
    ratios = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"dmsite-bench-{n}-") as tmp:
            work = Path(tmp)
            data = write(n, work / "data")
            results = {}
            for name in args.sites:
                results[name] = bench_site(name, data, work, args.repeat)
                r = results[name]
                print(f"| {n} | {name} | {r['full'].cell()} | {r['noop'].cell()} | {r['edit'].cell()} "
                      f"| {max(m.peak_mb for m in r.values()):.0f} |", flush=True)
            validate = Measure()
            for _ in range(args.repeat):
                validate.add(*timed([str(BIN / "dmsite"), "validate", str(data), "--status-date", "2021-05-10"], work))
            ratios.append((n, results, validate))
    print("\n| N | dmsite / sphinx-needs (full) | dmsite / floor (full) | dmsite edit rebuild s | dmsite validate s |")
    print("|---|---|---|---|---|")
    for n, results, validate in ratios:
        d = results.get("dmsite")
        s = results.get("sphinx-needs")
        f = results.get("floor")
        vs_needs = f"{d['full'].best / s['full'].best:.2f}" if d and s else "–"
        vs_floor = f"{d['full'].best / f['full'].best:.2f}" if d and f else "–"
        edit = f"{d['edit'].best:.2f}" if d else "–"
        print(f"| {n} | {vs_needs} | {vs_floor} | {edit} | {validate.cell()} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

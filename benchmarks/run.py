"""Build the dmsite, sphinx-needs and plain-Sphinx sites side by side and report times and memory.

    .venv/bin/python benchmarks/run.py --sizes 400 2000 10000 20000 --repeat 3 > benchmarks/last-run.md
    .venv/bin/python benchmarks/run.py --ci      # N = 400 once per site, ratios only (the CI guard)

For each N: generate the data set, write the three sites, then for each site measure
(a) a full build from clean (the whole site folder written afresh: no graph cache either),
(b) a no-op rebuild, (c) a rebuild after editing one milestone's forecast — and check that
every page showing that milestone shows the new date — then, for dmsite, (d) a full build
after removing ``_build`` but keeping the graph cache ``.cache/dmsite`` (what a CI job that
keeps the cache does).  Wall time (min and median of --repeat runs) and peak RSS of the
sphinx-build process; the load average of the machine before and after each size.  Also
``dmsite validate`` on the data set, ``dmsite publish`` of five tagged versions of the dmsite
site (from a temporary git repository), and the fitted growth exponent of full-build time.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import STATUS_DATE, write
from sites import EDITED_ID, SHOWS_EDIT, SITES, dmsite_edit

BIN = Path(sys.executable).parent
PUBLISHED_VERSIONS = 5


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
    """Wall seconds and peak RSS (KiB) of one command; fails loudly if it fails or warns."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    stderr = proc.stderr.read().decode(errors="replace")  # read before waiting: a full pipe would block
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0 or "WARNING" in stderr or "ERROR" in stderr:
        raise RuntimeError(f"{' '.join(cmd)} failed or warned in {cwd}:\n{stderr[-3000:]}")
    return seconds, usage.ru_maxrss


def sphinx(root: Path) -> list[str]:
    return [str(BIN / "sphinx-build"), "-b", "html", "-q", str(root), str(root / "_build" / "html")]


def stale_pages(name: str, root: Path, day: str) -> list[str]:
    """Pages that should show the edited milestone with its new date but do not."""
    stale = []
    needle = EDITED_ID if name != "sphinx-needs" else EDITED_ID.replace("-", "_")
    for page in SHOWS_EDIT[name]:
        html = (root / "_build" / "html" / f"{page}.html").read_text(encoding="utf-8")
        near = [html[m.start():m.start() + 2500] for m in re.finditer(re.escape(needle), html)]
        if not any(day in text for text in near):
            stale.append(page)
    return stale


def bench_site(name: str, data: Path, work: Path, repeat: int) -> tuple[dict[str, Measure], set[str]]:
    """The site's measures, and the pages left showing the old date after an edit in any run."""
    make, edit = SITES[name]
    root = work / name
    result = {"full": Measure(), "noop": Measure(), "edit": Measure(), "warm": Measure()}
    stale: set[str] = set()
    for _ in range(repeat):
        make(data, root)
        result["full"].add(*timed(sphinx(root), root))
        result["noop"].add(*timed(sphinx(root), root))
        day = edit(root)
        result["edit"].add(*timed(sphinx(root), root))
        stale.update(stale_pages(name, root, day))
        if name == "dmsite":
            shutil.rmtree(root / "_build")
            result["warm"].add(*timed(sphinx(root), root))
    shutil.rmtree(root, ignore_errors=True)
    return result, stale


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def bench_publish(data: Path, work: Path) -> Measure:
    """``dmsite publish`` of a repository of the dmsite site with PUBLISHED_VERSIONS tags, each one edit apart."""
    make, _ = SITES["dmsite"]
    repo = make(data, work / "publish-repo")
    (repo / ".gitignore").write_text("_build/\n.cache/\n")
    git(repo, "init", "-q", "-b", "main")
    env = ["-c", "user.name=bench", "-c", "user.email=bench@example.org"]
    for version in range(1, PUBLISHED_VERSIONS + 1):
        if version > 1:
            dmsite_edit(repo)
        git(repo, "add", "-A")
        git(repo, *env, "commit", "-q", "-m", f"version {version}")
        git(repo, "tag", f"v{version}")
    site = work / "published"
    measure = Measure()
    measure.add(*timed([str(BIN / "dmsite"), "publish", str(site), "--repo", str(repo), "--no-branch",
                        "--conf-dir", ".", "--source-dir", ".", "-j", "1"], work))
    built = sorted(p.name for p in site.iterdir() if (p / "index.html").is_file())
    if built != [f"v{v}" for v in range(1, PUBLISHED_VERSIONS + 1)]:
        raise RuntimeError(f"publish built {built}")
    shutil.rmtree(repo)
    shutil.rmtree(site)
    return measure


def exponent(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(time) against log(N)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def versions() -> str:
    from importlib.metadata import version

    dot = subprocess.run(["dot", "-V"], capture_output=True, text=True).stderr.strip()
    packages = ("sphinx", "sphinx-needs", "myst-parser", "pydata-sphinx-theme", "dmsite")
    return ", ".join(f"{p} {version(p)}" for p in packages) + f", {dot}"


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[400, 2000, 10000, 20000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sites", nargs="+", default=list(SITES), choices=list(SITES))
    parser.add_argument("--no-publish", action="store_true", help="skip timing dmsite publish")
    parser.add_argument("--ci", action="store_true", help="N = 400 once per site, no publish: the CI guard")
    args = parser.parse_args()
    if args.ci:
        args.sizes, args.repeat, args.no_publish = [400], 1, True
    print(f"Machine: {machine()}  \nVersions: {versions()}  \nCommand: `{' '.join(sys.argv)}`\n")
    print(f"Times in seconds, min / median of {args.repeat} run(s); peak RSS of sphinx-build in MB; "
          "load = 1/5/15-minute load average before and after the size.\n")
    print("| N | site | full build | no-op rebuild | rebuild after one edit | stale after edit "
          "| full, graph cache kept | peak MB |")
    print("|---|---|---|---|---|---|---|---|")
    rows = []
    for n in args.sizes:
        before = load()
        with tempfile.TemporaryDirectory(prefix=f"dmsite-bench-{n}-") as tmp:
            work = Path(tmp)
            data = write(n, work / "data")
            results = {}
            for name in args.sites:
                results[name], stale = bench_site(name, data, work, args.repeat)
                r = results[name]
                print(f"| {n} | {name} | {r['full'].cell()} | {r['noop'].cell()} | {r['edit'].cell()} "
                      f"| {', '.join(sorted(stale)) or 'none'} | {r['warm'].cell()} "
                      f"| {max(m.peak_mb for m in r.values()):.0f} |", flush=True)
            validate = Measure()
            for _ in range(args.repeat):
                validate.add(*timed([str(BIN / "dmsite"), "validate", str(data), "--status-date",
                                     STATUS_DATE.isoformat()], work))
            publish = bench_publish(data, work) if not args.no_publish and "dmsite" in args.sites else Measure()
        rows.append((n, results, validate, publish, f"{before} → {load()}"))
    print("\n| N | dmsite / sphinx-needs (full) | dmsite / floor (full) | dmsite / floor (cache kept) "
          f"| dmsite validate | dmsite publish, {PUBLISHED_VERSIONS} versions | load |")
    print("|---|---|---|---|---|---|---|")
    for n, results, validate, publish, loads in rows:
        d, s, f = results.get("dmsite"), results.get("sphinx-needs"), results.get("floor")
        vs_needs = f"{d['full'].best / s['full'].best:.2f}" if d and s else "–"
        vs_floor = f"{d['full'].best / f['full'].best:.2f}" if d and f else "–"
        warm_floor = f"{d['warm'].best / f['full'].best:.2f}" if d and f else "–"
        print(f"| {n} | {vs_needs} | {vs_floor} | {warm_floor} | {validate.cell()} | {publish.cell()} | {loads} |")
    if len(args.sizes) > 1:
        fits = [f"{name} {exponent([(n, r[name]['full'].best) for n, r, *_ in rows]):.2f}" for name in args.sites]
        print(f"\nFitted growth exponent of full-build time (log-log least squares over N): {', '.join(fits)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

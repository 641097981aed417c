"""Time ``dmsite diff`` between two commits of an N-milestone data set (target: ≤ 1 s at 2,000).

    .venv/bin/python benchmarks/diff.py 2000 [--repeat 5]

Generates the data set (benchmarks/generate.py) in a temporary git repository, commits it,
then commits a status update touching every file (100 milestones re-forecast, 20 completed,
10 added, 5 removed, one product's owner changed), then a one-file edit (a milestone renamed).
Times the ``dmsite`` console script (a new process each run, as CI runs it): wall time and the
process's CPU time (user + system, which the load of a shared machine does not inflate).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import STATUS_DATE, write

DMSITE = Path(sys.executable).parent / "dmsite"


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2021-05-01T12:00:00Z", "GIT_COMMITTER_DATE": "2021-05-01T12:00:00Z"}
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", "-c", "commit.gpgsign=false",
                    *args], cwd=root, check=True, capture_output=True, env=env)


class _NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


def status_update(data: Path) -> None:
    """Re-forecast, complete, add and remove milestones across the files; change one product owner."""
    files = {path: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted((data / "milestones").glob("*.yaml"))}
    gone = set()
    for index, records in enumerate(files.values()):
        open_ones = [r for r in records if "completed" not in r]
        for r in open_ones[:10]:
            r["forecast"] = r.get("forecast", r["due"]) + dt.timedelta(days=45)
        for r in open_ones[10:12]:
            r["completed"] = STATUS_DATE
        records.append({"id": f"BM-NEW-{index}", "name": f"New milestone {index}", "due": dt.date(2022, 1, 1),
                        "description": "Added by the status update."})
        if index < 5:
            gone.add(records.pop(len(records) // 2)["id"])
    for path, records in files.items():
        for r in records:
            if set(r.get("predecessors", [])) & gone:
                r["predecessors"] = [p for p in r["predecessors"] if p not in gone]
        path.write_text(yaml.dump(records, Dumper=_NoAliasDumper, sort_keys=False, width=1000), encoding="utf-8")
    products = data / "products" / "products.yaml"
    products.write_text(products.read_text(encoding="utf-8").replace("owner: person-10", "owner: person-19", 1))


def timed(root: Path, *args: str) -> tuple[float, float, str]:
    """Wall and CPU seconds of one ``dmsite diff`` process, and what it printed."""
    command = [str(DMSITE), "diff", *args, "--data", "data", "--status-date", STATUS_DATE.isoformat()]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"dmsite diff failed:\n{done.stderr}{done.stdout}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return seconds, cpu, done.stdout


def one_file_edit(data: Path) -> None:
    path = data / "milestones" / "02C.05.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Synthetic milestone 5 of", "name: Renamed 5 of", 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="dmsite-diff-bench-"))
    try:
        git(root, "init", "-q", "-b", "main")
        write(args.n, root / "data")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "plan")
        status_update(root / "data")
        git(root, "commit", "-q", "-am", "status update")
        one_file_edit(root / "data")
        git(root, "commit", "-q", "-am", "one file")
        found = json.loads(timed(root, "HEAD~2", "HEAD~1", "--format", "json")[2])
        schedule = found["schedule"]
        print(f"{args.n} milestones; the status update: {len(schedule['reforecast'])} re-forecast, "
              f"{len(schedule['closed']['completed'])} completed, {len(found['kinds']['milestones']['added'])} added, "
              f"{len(found['kinds']['milestones']['removed'])} removed, {len(found['product_roles'])} product roles")
        cases = {
            "HEAD~2 HEAD~1": ("status update, text", ("HEAD~2", "HEAD~1")),
            "HEAD~2 HEAD~1 --format markdown": ("status update, PR comment", ("HEAD~2", "HEAD~1", "--format", "markdown")),
            "HEAD~2 HEAD~1 --format json": ("status update, JSON", ("HEAD~2", "HEAD~1", "--format", "json")),
            "HEAD~1 HEAD --format markdown": ("one file changed", ("HEAD~1", "HEAD", "--format", "markdown")),
            "HEAD~2": ("against the work tree", ("HEAD~2",)),
        }
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"load average before {os.getloadavg()[0]:.2f}")
        print("| command | change | wall min / median | CPU min |\n|---|---|---|---|")
        for argv_text, (label, argv) in cases.items():
            runs = [timed(root, *argv)[:2] for _ in range(args.repeat)]
            walls = sorted(w for w, _ in runs)
            print(f"| `dmsite diff {argv_text}` | {label} | {walls[0]:.2f} / {walls[len(walls) // 2]:.2f} s "
                  f"| {min(c for _, c in runs):.2f} s |")
        print(f"load average after {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Time ``dmsite diff`` between two commits of an N-milestone data set (target: ≤ 1 s at 2,000).

    .venv/bin/python benchmarks/diff.py 2000 [--repeat 5]

Generates the data set (benchmarks/generate.py) in a temporary git repository, commits it,
then commits a typical status update: 100 milestones re-forecast, 20 completed, 10 added,
5 removed, one product's owner changed.  Times the ``dmsite`` console script (a new process
each run, as CI runs it) for BASE HEAD in each format, and BASE against the work tree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
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


def timed(root: Path, *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    command = [str(DMSITE), "diff", *args, "--data", "data", "--status-date", STATUS_DATE.isoformat()]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"dmsite diff failed:\n{done.stderr}{done.stdout}")
    return seconds, done.stdout


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
        _, out = timed(root, "HEAD~1", "HEAD", "--format", "json")
        found = json.loads(out)
        schedule = found["schedule"]
        print(f"{args.n} milestones; the change: {len(schedule['reforecast'])} re-forecast, "
              f"{len(schedule['closed']['completed'])} completed, {len(found['kinds']['milestones']['added'])} added, "
              f"{len(found['kinds']['milestones']['removed'])} removed, {len(found['product_roles'])} product roles")
        git(root, "checkout", "-q", "HEAD~1", "--", "data")  # the work tree back at BASE's data
        cases = {
            "HEAD~1 HEAD (text)": ("HEAD~1", "HEAD"),
            "HEAD~1 HEAD --format markdown": ("HEAD~1", "HEAD", "--format", "markdown"),
            "HEAD~1 HEAD --format json": ("HEAD~1", "HEAD", "--format", "json"),
            "HEAD (work tree = HEAD~1)": ("HEAD",),
        }
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"load average {os.getloadavg()[0]:.2f}")
        print("| command | min | median | runs |\n|---|---|---|---|")
        for label, argv in cases.items():
            times = sorted(timed(root, *argv)[0] for _ in range(args.repeat))
            print(f"| `dmsite diff {label}` | {times[0]:.2f} s | {times[len(times) // 2]:.2f} s | {len(times)} |")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

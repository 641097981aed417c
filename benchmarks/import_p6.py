"""Time ``dmsite import p6`` of a whole-project export (1,400 milestones, 15,000 relationships) into the DM data.

    .venv/bin/python benchmarks/import_p6.py [--repeat 5] [--format xlsx|xls|csv]

The export is the DM data of content/data in P6 form (tests/p6_form.py) with a month's changes —
a tenth of the open milestones re-forecast, five new, three gone — plus other subsystems'
milestones (CAMM…, T&SC-…, LSST-…, 60 linked as predecessors of DM milestones and 70 as their
successors), non-milestone tasks, and relationships up to 15,000 rows (seeded: the same export
every run).  Each repeat imports into a fresh copy of content/data with ``--wbs 02C`` in a new
process: read the workbook, update the YAML, write the changed files, validate the result.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.p6 import PRED_COLUMNS, TASK_COLUMNS, WRITERS, catalog_tables, pred_row, task_row  # noqa: E402

from dmsite.data.load import build_catalog  # noqa: E402

MILESTONES, RELATIONSHIPS = 1_400, 15_000


def make_export(folder: Path, suffix: str) -> tuple[Path, int, int]:
    rng = random.Random(15)
    catalog = build_catalog(ROOT / "content" / "data", dt.date(2021, 5, 10))
    task_table, pred_table, _ = catalog_tables(catalog)
    header, labels, *rows = task_table
    tasks = [dict(zip(header, row, strict=True)) for row in rows]
    preds = [dict(zip(pred_table[0], row, strict=True)) for row in pred_table[2:]]
    for task in rng.sample([t for t in tasks if t["status_code"] != "Completed"], 10):
        task["end_date"] = "12/31/2022 5:00:00 PM"  # re-forecast
    del tasks[:3]  # three left the baseline
    dm = [t["task_code"] for t in tasks]
    tasks += [task_row(f"DM-NEW-{i}", f"New milestone {i}", dt.date(2022, 1 + i, 1), wbs="02C.07") for i in range(5)]
    others = []
    for i in range(MILESTONES - len(tasks)):
        code = (f"CAMM{7000 + i}", f"T&SC-{6000 + i}-9000", f"LSST-{1400 + i}")[i % 3]
        others.append(code)
        tasks.append(task_row(code, f"Other subsystem milestone {i}", dt.date(2018 + i % 6, 1 + i % 12, 1),
                              wbs=("06C.01", "04C.02", "01C.00")[i % 3]))
    work = [f"TASK-{i}" for i in range(3_000)]
    tasks += [task_row(code, code, dt.date(2020, 1, 1), task_type="Task Dependent") for code in work]
    preds += [pred_row(rng.choice(dm), rng.choice(others)) for _ in range(60)]
    preds += [pred_row(rng.choice(others), rng.choice(dm)) for _ in range(70)]
    everything = others + work
    while len(preds) < RELATIONSHIPS:
        preds.append(pred_row(rng.choice(everything), rng.choice(everything), rng.choice(["FS", "SS", "FF", "SF"])))
    name = "202106-ME" if suffix == ".csv" else f"202106-ME{suffix}"
    tables = [
        [TASK_COLUMNS, labels, *([t.get(c, "") for c in TASK_COLUMNS] for t in tasks)],
        [PRED_COLUMNS, pred_table[1], *([p.get(c, "") for c in PRED_COLUMNS] for p in preds)],
    ]
    export = WRITERS[suffix](folder / name, *tables)
    return export, sum("Milestone" in t["task_type"] for t in tasks), len(preds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--format", choices=["xlsx", "xls", "csv"], default="xlsx")
    args = parser.parse_args()
    dmsite = str(Path(sys.executable).with_name("dmsite"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        export, milestones, relationships = make_export(folder, "." + args.format)
        times, output = [], ""
        for i in range(args.repeat):
            data = folder / f"data-{i}"
            shutil.copytree(ROOT / "content" / "data", data)
            start = time.perf_counter()
            done = subprocess.run([dmsite, "import", "p6", str(export), "--wbs", "02C", "--data", str(data)],
                                  capture_output=True, text=True, check=False)
            times.append(time.perf_counter() - start)
            if done.returncode != 0:
                print(done.stdout, done.stderr, file=sys.stderr)
                return 1
            output = done.stdout
        start = time.perf_counter()
        again = subprocess.run([dmsite, "import", "p6", str(export), "--wbs", "02C", "--data", str(data)],
                               capture_output=True, text=True, check=True)
        unchanged = time.perf_counter() - start
    load = os.getloadavg()[0]
    print(f"export: {args.format}, {milestones} milestones, {relationships} relationships ({export.name})")
    print(f"import into a copy of content/data (--wbs 02C), {args.repeat} runs: min {min(times):.2f} s, "
          f"median {statistics.median(times):.2f} s, max {max(times):.2f} s (whole process: start-up, read, "
          f"update, write, validate)")
    print(f"the same export again: {unchanged:.2f} s, {again.stdout.strip().splitlines()[-1]}")
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {load:.2f}")
    print("first import's summary:\n" + "\n".join("    " + line for line in output.splitlines()[:0] + [
        line for line in output.splitlines() if line.endswith("):") or line.startswith("note:")]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

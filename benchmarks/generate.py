"""Deterministic synthetic data sets: N milestones over 10 WBS elements, N/10 products and documents.

    python benchmarks/generate.py N OUTDIR      # writes OUTDIR/milestones/..., OUTDIR/products/... (a data dir)
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import yaml

WBS_COUNT = 10
START = dt.date(2016, 1, 1)
SPAN_DAYS = 10 * 365
STATUS_DATE = dt.date(2021, 5, 10)


def wbs_code(index: int) -> str:
    return f"02C.{index:02d}"


def milestone_records(n: int, rng: random.Random, shape: str = "mixed") -> dict[str, list[dict[str, object]]]:
    """Milestones per WBS file.  ``mixed``: the elements take turns in due order and each milestone links to
    up to two of the 50 before it, of any element; ``blocks``: each element holds a run of consecutive
    milestones, linked to 0–3 earlier ones, nine in ten of them in its own element."""
    per_wbs: dict[str, list[dict[str, object]]] = {wbs_code(w): [] for w in range(WBS_COUNT)}
    dues: list[dt.date] = sorted(START + dt.timedelta(days=rng.randrange(SPAN_DAYS)) for _ in range(n))
    for i, due in enumerate(dues):
        element = i * WBS_COUNT // n if shape == "blocks" else i % WBS_COUNT
        wbs = wbs_code(element)
        record: dict[str, object] = {
            "id": f"BM-{i:05d}",
            "name": f"Synthetic milestone {i} of {wbs}",
            "wbs": wbs,
            "level": rng.choice([1, 2, 3, 3, 3, 4, None]),
            "due": due,
        }
        if shape == "blocks":
            first = -(-element * n // WBS_COUNT)  # the element's first milestone
            links = {rng.randrange(first, i) if i > first and rng.random() < 0.9 else rng.randrange(i)
                     for _ in range(rng.randint(0, 3))} if i else set()
            if links:
                record["predecessors"] = sorted(f"BM-{j:05d}" for j in links)
        elif i > 1:
            record["predecessors"] = sorted({f"BM-{rng.randrange(max(0, i - 50), i):05d}" for _ in range(rng.randint(0, 2))})
        slip = rng.choice([0, 0, 0, 30, 90])
        if slip:
            record["forecast"] = due + dt.timedelta(days=slip)
        if due < STATUS_DATE and rng.random() < 0.8:
            record["completed"] = min(due + dt.timedelta(days=rng.randrange(60)), STATUS_DATE)
        record["description"] = f"Milestone {i}: deliver the capability described in DOC-{i % max(1, n // 10):04d}."
        per_wbs[wbs].append(record)
    return per_wbs


class _NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


def write(n: int, out: Path, shape: str = "mixed") -> Path:
    rng = random.Random(n)
    out.mkdir(parents=True, exist_ok=True)

    def dump(relpath: str, records: list[dict[str, object]]) -> None:
        path = out / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.dump(records, Dumper=_NoAliasDumper, sort_keys=False, width=1000), encoding="utf-8")

    dump("institutions/institutions.yaml", [{"id": "INST", "name": "Synthetic Institution"}])
    dump("people/people.yaml", [{"id": f"person-{i}", "name": f"Person {i}", "institution": "INST"} for i in range(20)])
    dump("wbs/wbs.yaml", [{"code": f"1.{wbs_code(w)}", "name": f"Element {w}", "lead": "INST"} for w in range(WBS_COUNT)])
    for wbs, records in milestone_records(n, rng, shape).items():
        dump(f"milestones/{wbs}.yaml", records)
    products = []
    for i in range(max(1, n // 10)):
        product: dict[str, object] = {"id": f"product-{i}", "name": f"Product {i}", "wbs": wbs_code(i % WBS_COUNT),
                                      "packages": [f"pkg_{i}"]}
        if i >= WBS_COUNT:
            product["parent"] = f"product-{rng.randrange(i // 2, i) if i // 2 < i else 0}"
        else:
            product["manager"] = f"person-{i}"
            product["owner"] = f"person-{i + 10}"
        products.append(product)
    dump("products/products.yaml", products)
    dump("documents/documents.yaml", [
        {"handle": f"DOC-{i:04d}", "title": f"Synthetic document {i}", "authors": [f"Person {i % 20}"], "year": 2018}
        for i in range(max(1, n // 10))
    ])
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(write(int(sys.argv[1]), Path(sys.argv[2])))

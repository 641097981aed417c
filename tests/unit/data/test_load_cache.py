"""The loader's per-file cache gives exactly what loading the files gives, and follows every edit."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from dmsite.data import cache as record_cache
from dmsite.data.load import LoadResult, load_data

FILES = {
    "milestones/a.yaml": "- {id: A-1, name: One, due: 2020-01-01, description: First.}\n- {id: A-2, name: Two}\n",
    "milestones/b.yaml": "- id: B-1\n  name: Three\n  due: 2021-02-03\n  forecast: 2021-03-04\n",
    "people/p.yaml": "- {id: wom, name: William, extra: field}\n",
}


def seen(result: LoadResult) -> tuple[list[tuple[str, str, str]], list[str]]:
    records = [(r.model_dump_json(), str(r.loc), str(r.field_loc("name"))) for r in result.records]
    return records, [str(p) for p in result.problems]


def test_cached_loads_equal_plain_loads_after_each_edit(tmp_path: Path) -> None:
    data, cache = tmp_path / "data", tmp_path / "cache"
    for rel, text in FILES.items():
        (data / rel).parent.mkdir(parents=True, exist_ok=True)
        (data / rel).write_text(text)
    plain = seen(load_data(data, tmp_path))
    assert plain[1] and plain[0]  # records and a located problem (the unknown field)
    assert seen(load_data(data, tmp_path, cache)) == plain  # first time: parsed and kept
    assert len(list(cache.glob("*.pickle"))) == 3
    assert seen(load_data(data, tmp_path, cache)) == plain  # second time: from the cache

    (data / "milestones/b.yaml").write_text(FILES["milestones/b.yaml"].replace("2021-03-04", "2021-05-06"))
    edited = seen(load_data(data, tmp_path, cache))
    assert edited == seen(load_data(data, tmp_path))
    assert "2021-05-06" in edited[0][1][0] and edited[0][0] == plain[0][0]


def test_a_large_first_load_is_parsed_in_parallel_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, cache = tmp_path / "data", tmp_path / "cache"
    (data / "milestones").mkdir(parents=True)
    for part in range(3):
        records = "".join(
            f"- id: M-{part}-{i}\n  name: Milestone {i} of part {part} {'x' * 300}\n  due: 2020-01-01\n"
            for i in range(1200)
        )
        (data / "milestones" / f"{part}.yaml").write_text(records + "- {id: M-bad, name: Bad, due: 2020-02-30}\n")
    assert sum(p.stat().st_size for p in data.rglob("*.yaml")) > record_cache.PARALLEL_BYTES
    made_by: list[int] = []
    real = record_cache._load_into_cache

    def spy(*args: Any) -> Any:
        made_by.append(os.getpid())
        return real(*args)

    monkeypatch.setattr(record_cache, "_load_into_cache", spy)  # the forked workers inherit the spy
    cached = seen(load_data(data, tmp_path, cache))
    assert len(list(cache.glob("*.pickle"))) == 3
    assert made_by == []  # the main process parsed nothing: the workers filled the cache before it read
    assert cached == seen(load_data(data, tmp_path))
    assert sum("2020-02-30" in problem for problem in cached[1]) == 3

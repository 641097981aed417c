"""The loader's per-file cache gives exactly what loading the files gives, and follows every edit."""

from __future__ import annotations

from pathlib import Path

from dmsite.load import LoadResult, load_data

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

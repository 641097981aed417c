"""The loader: files of every kind → records that remember where they were written."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from support.site import write_files

from dmsite.data.load import data_files, kind_of, load_data
from dmsite.data.model import Document, Milestone, Product, Term
from dmsite.data.problems import Loc, Severity, clip


def messages(data: Path, base: Path) -> list[str]:
    return [str(p) for p in load_data(data, base).problems]


def test_records_remember_file_line_and_column_of_themselves_and_each_field(tmp_path: Path) -> None:
    data = write_files(tmp_path / "data", {"milestones/ap.yaml": """
        # Alert Production
        - id: DM-AP-1
          name: First
          due: 2020-01-01

        -   id: DM-AP-2
            name: Second
            due: 2020-02-01
            predecessors:
              - DM-AP-1
        """})
    loaded = load_data(data, tmp_path)
    assert loaded.problems == []
    first, second = loaded.records
    assert first.loc == Loc("data/milestones/ap.yaml", 2, 3)
    assert first.field_loc("due") == Loc("data/milestones/ap.yaml", 4, 3)
    assert second.loc == Loc("data/milestones/ap.yaml", 6, 5)
    assert second.field_loc("predecessors") == Loc("data/milestones/ap.yaml", 9, 5)
    assert second.field_loc("description") == second.loc  # not written: the record's own place


def test_a_yaml_date_and_a_quoted_iso_date_are_the_same_date(tmp_path: Path) -> None:
    data = write_files(tmp_path / "data", {"milestones/m.yaml": """
        - {id: A, name: Unquoted, due: 2021-05-10, forecast: 2021-05-09}
        - {id: B, name: Quoted, due: "2021-05-10", completed: ' 2021-05-01 '}
        """})
    a, b = load_data(data).records
    assert isinstance(a, Milestone) and isinstance(b, Milestone)
    assert a.due == b.due == dt.date(2021, 5, 10)
    assert a.forecast == dt.date(2021, 5, 9)
    assert b.completed == dt.date(2021, 5, 1)
    assert b.effective_forecast == b.due


def test_kinds_come_from_folders_or_top_level_file_names(tmp_path: Path) -> None:
    data = write_files(tmp_path / "data", {
        "milestones/02C.03/ap.yml": "- {id: A, name: A, due: 2020-01-01, description: x}\n",
        "milestones/other.yaml": "- {id: B, name: B, due: 2020-01-01, description: x}\n",
        "glossary.yaml": "- {term: AP, definition: Alert Production}\n",
        "SOURCES.md": "not data\n",
        "documents/notes.txt": "not data either\n",
    })
    loaded = load_data(data, tmp_path)
    assert loaded.problems == []
    assert sorted(r.key for r in loaded.records) == ["A", "AP", "B"]
    assert [p.name for p in loaded.files] == ["glossary.yaml", "ap.yml", "other.yaml"]
    assert kind_of(data / "glossary.yaml", data) == "glossary"
    assert kind_of(data / "milestones" / "02C.03" / "ap.yml", data) == "milestones"
    assert kind_of(data / "milestone.yaml", data) is None
    assert [p.suffix for p in data_files(data)] == [".yaml", ".yml", ".yaml"]


def test_field_aliases_defaults_and_whitespace(tmp_path: Path) -> None:
    data = write_files(tmp_path / "data", {
        "milestones/m.yaml": "- {id: '  A  ', name: ' Spaced ', due: 2020-01-01, key: true}\n",
        "products/p.yaml": "- {id: p, name: P}\n",
        "documents/d.yaml": "- {handle: D, title: T, relations: [{to: E}]}\n- {handle: E, title: U}\n",
        "glossary/g.yaml": "- {term: AP, definition: Alert Production}\n",
    })
    records = {type(r): r for r in load_data(data).records}
    milestone, product = records[Milestone], records[Product]
    assert isinstance(milestone, Milestone) and isinstance(product, Product)
    assert (milestone.id, milestone.name, milestone.key_milestone) == ("A", "Spaced", True)
    assert (product.packages, product.grouping, product.manager) == ([], False, None)
    document = next(r for r in load_data(data).records if isinstance(r, Document) and r.key == "D")
    assert document.relations[0].type == "derives" and document.status == "released"
    term = records[Term]
    assert isinstance(term, Term) and term.acronym is True


def test_a_byte_order_mark_and_an_empty_list_are_fine(tmp_path: Path) -> None:
    data = write_files(tmp_path / "data", {
        "milestones/bom.yaml": "\ufeff- id: A\n  name: A\n  due: 2020-01-01\n  nmae: x\n",
        "products/none.yaml": "[]\n",
    })
    assert messages(data, tmp_path) == ["data/milestones/bom.yaml:4:3: A: unknown field 'nmae' (did you mean 'name'?)"]


def test_each_bad_record_is_reported_and_the_good_ones_still_load(tmp_path: Path) -> None:
    data = write_files(tmp_path / "data", {"products/p.yaml": """
        - id: good-1
          name: Good
        - id: bad-1
          name: Bad
          name: Twice
        - id: bad-2
        - id: good-2
          name: Good too
        - not a record
        - id: bad-3
          name: [a list]
        """})
    loaded = load_data(data, tmp_path)
    assert [r.key for r in loaded.records] == ["good-1", "good-2"]
    assert [str(p) for p in loaded.problems] == [
        "data/products/p.yaml:5:3: bad-1: duplicate key 'name' (first at line 4)",
        "data/products/p.yaml:6:3: bad-2: missing required field 'name'",
        "data/products/p.yaml:9:3: -: expected a product record (fields like 'id: ...'), got 'not a record'",
        "data/products/p.yaml:11:3: bad-3: name: Input should be a valid string (got ['a list'])",
    ]


def test_every_file_is_read_even_after_broken_ones(tmp_path: Path) -> None:
    data = write_files(tmp_path / "data", {
        "milestones/a.yaml": "- id: A\n  name: [\n",
        "milestones/b.yaml": b"- id: B\n  name: \xff\n",
        "milestones/c.yaml": "- id: C\n  name: C\n  due: 2020-13-01\n",
        "milestones/d.yaml": "- id: D\n  name: D\n  due: 2020-01-01\n",
    })
    loaded = load_data(data, tmp_path)
    assert [r.key for r in loaded.records] == ["D"]
    assert [str(p.loc) for p in loaded.problems] == [
        "data/milestones/a.yaml:3:1", "data/milestones/b.yaml:2:9", "data/milestones/c.yaml:3:3",
    ]


def test_an_empty_file_is_a_warning(tmp_path: Path) -> None:
    data = write_files(tmp_path / "data", {"people/p.yaml": "# none yet\n"})
    (problem,) = load_data(data, tmp_path).problems
    assert problem.severity == Severity.WARNING
    assert str(problem) == "data/people/p.yaml:1:1: -: file is empty; expected a list of records"


def test_paths_are_shown_relative_to_the_base_or_as_given(tmp_path: Path) -> None:
    data = write_files(tmp_path / "data", {"glossary/g.yaml": "- term: AP\n"})
    assert messages(data, tmp_path) == ["data/glossary/g.yaml:1:3: AP: missing required field 'definition'"]
    assert messages(data, tmp_path / "elsewhere") == [
        f"{data}/glossary/g.yaml:1:3: AP: missing required field 'definition'"
    ]


def test_nested_problems_point_into_the_nested_part(tmp_path: Path) -> None:
    data = write_files(tmp_path / "data", {"documents/d.yaml": """
        - handle: D
          title: T
          relations:
            - to: E
            - {to: F, tpye: refines}
            - type: cites
        """})
    assert messages(data, tmp_path) == [
        "data/documents/d.yaml:5:15: D: unknown field 'relations.1.tpye' (did you mean 'type'?)",
        "data/documents/d.yaml:6:7: D: missing required field 'relations.2.to'",
    ]


def test_a_missing_data_directory_or_a_file_is_one_problem(tmp_path: Path) -> None:
    assert messages(tmp_path / "nope", tmp_path) == ["nope:1:1: -: data directory does not exist"]
    (tmp_path / "file").write_text("x")
    assert messages(tmp_path / "file", tmp_path) == ["file:1:1: -: data directory is a file, expected a folder"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    data = write_files(tmp_path / "data", {"people/p.yaml": "- {id: a, name: A}\n"})
    (data / "people" / "p.yaml").chmod(0)
    assert messages(data, tmp_path) == ["data/people/p.yaml:1:1: -: cannot read the file (Permission denied)"]


def test_clip_keeps_messages_short_and_on_one_line() -> None:
    assert clip("short") == "short"
    assert clip("x" * 100, 10) == "xxxxxxxxxx... (100 characters)"
    assert clip("two\nlines") == "two\\nlines"

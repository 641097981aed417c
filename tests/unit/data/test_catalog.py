"""The catalog: lookups and derived relations, and the integrity checks across records."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from dmsite.data.catalog import Catalog, Status
from dmsite.data.load import build_catalog
from dmsite.data.model import Milestone, Product, Record, Role, WbsElement

STATUS_DATE = dt.date(2021, 5, 10)


def catalog_of(*records: Record, status_date: dt.date = STATUS_DATE) -> Catalog:
    return Catalog.from_records(records, status_date)


def milestone(id: str, due: str = "2021-01-01", **fields: object) -> Milestone:
    return Milestone.model_validate({"id": id, "name": id, "due": due, "description": "x", **fields})


def product(id: str, **fields: object) -> Product:
    return Product.model_validate({"id": id, "name": id, **fields})


def wbs(code: str) -> WbsElement:
    return WbsElement.model_validate({"code": code, "name": code})


def messages(catalog: Catalog) -> list[str]:
    return [p.message for p in catalog.problems]


# -- derived relations -----------------------------------------------------------------


def test_successors_are_the_reverse_of_predecessors_sorted() -> None:
    catalog = catalog_of(milestone("A"), milestone("C", predecessors=["A"]), milestone("B", predecessors=["A"]),
                         milestone("D", predecessors=["B", "C"]))
    assert catalog.successors_of("A") == ["B", "C"]
    assert catalog.successors_of("B") == ["D"]
    assert catalog.successors_of("D") == []
    assert catalog.problems == []


def test_children_are_the_reverse_of_parents_sorted() -> None:
    catalog = catalog_of(product("root"), product("b", parent="root"), product("a", parent="root"),
                         product("leaf", parent="a"))
    assert catalog.children_of("root") == ["a", "b"]
    assert catalog.children_of("a") == ["leaf"]
    assert catalog.children_of("leaf") == []
    assert [p.id for p in catalog.ancestors(catalog.products["leaf"])] == ["a", "root"]


def test_manager_and_owner_are_inherited_from_the_nearest_ancestor() -> None:
    from dmsite.data.model import Person

    people = [Person.model_validate({"id": i, "name": i}) for i in ("top", "mid", "own")]
    catalog = catalog_of(
        *people,
        product("root", manager="top", owner="top"),
        product("middle", parent="root", manager="mid"),
        product("leaf", parent="middle", owner="own"),
        product("orphan"),
    )
    leaf = catalog.products["leaf"]
    assert catalog.effective(leaf, "manager") == ("mid", True)
    assert catalog.effective(leaf, "owner") == ("own", False)
    assert catalog.effective(catalog.products["middle"], "owner") == ("top", True)
    assert catalog.effective(catalog.products["root"], "manager") == ("top", False)
    assert catalog.effective(catalog.products["orphan"], "manager") == (None, False)
    assert catalog.problems == []


def test_inheritance_stops_at_a_parent_cycle() -> None:
    catalog = catalog_of(product("a", parent="b"), product("b", parent="a"))
    assert catalog.effective(catalog.products["a"], "manager") == (None, False)
    assert [p.id for p in catalog.ancestors(catalog.products["a"])] == ["b"]


@pytest.mark.parametrize(("fields", "status"), [
    ({"due": "2021-05-09"}, Status.OVERDUE),
    ({"due": "2021-05-10"}, Status.OPEN),  # due today is not late yet
    ({"due": "2021-06-01"}, Status.OPEN),
    ({"due": "2021-05-01", "completed": "2021-05-02"}, Status.COMPLETED),
    ({"due": "2020-01-01", "completed": "2021-05-10"}, Status.COMPLETED),  # late, but done
    ({"due": "2021-01-01", "forecast": "2022-01-01"}, Status.OVERDUE),  # overdue against the baseline
])
def test_status_at_the_status_date(fields: dict[str, str], status: Status) -> None:
    catalog = catalog_of(milestone("M", **fields))
    assert catalog.status(catalog.milestones["M"]) == status


def test_status_moves_with_the_status_date() -> None:
    m = milestone("M", due="2021-03-01")
    assert catalog_of(m, status_date=dt.date(2021, 2, 1)).status(m) == Status.OPEN
    assert catalog_of(m, status_date=dt.date(2021, 3, 2)).status(m) == Status.OVERDUE


def test_resolve_wbs_by_exact_code_or_unique_dotted_suffix() -> None:
    catalog = catalog_of(wbs("1.02C"), wbs("1.02C.03"), wbs("1.02C.03.01"), wbs("1.02C.04.01"), wbs("1.02D.04.01"))
    assert catalog.resolve_wbs("1.02C.03") is catalog.wbs["1.02C.03"]
    assert catalog.resolve_wbs("02C.03") is catalog.wbs["1.02C.03"]
    assert catalog.resolve_wbs("03.01") is catalog.wbs["1.02C.03.01"]
    assert catalog.resolve_wbs("2C.03") is None  # the suffix starts at a dot
    assert catalog.resolve_wbs("04.01") is None  # two elements end in .04.01
    assert catalog.resolve_wbs("99") is None
    assert catalog.resolve_wbs(None) is None and catalog.resolve_wbs("") is None
    assert catalog.wbs_key("02C.03") == "1.02C.03"
    assert catalog.has("wbs", "02C.03") and not catalog.has("wbs", "04.01")


def test_lookups_by_role_name() -> None:
    catalog = catalog_of(milestone("M"), product("p"))
    assert list(catalog.table("milestone")) == ["M"]
    assert catalog.has("product", "p") and not catalog.has("product", "M")
    assert catalog.table("doc") == {}


# -- integrity checks ------------------------------------------------------------------


def test_cycle_messages_print_the_cycle_once_at_the_record_closing_it() -> None:
    catalog = catalog_of(milestone("A", predecessors=["C"]), milestone("B", predecessors=["A"]),
                         milestone("C", predecessors=["B"]), milestone("D", predecessors=["A"]))
    assert messages(catalog) == ["predecessor cycle: A -> C -> B -> A"]
    assert catalog.problems[0].record == "B"


def test_product_parent_cycles_and_self_parents() -> None:
    catalog = catalog_of(product("a", parent="b"), product("b", parent="c"), product("c", parent="a"),
                         product("self", parent="self"), product("tail", parent="a"))
    assert sorted(messages(catalog)) == ["parent cycle: a -> b -> c -> a", "parent cycle: self -> self"]


def test_reporting_lines_and_traces_may_not_loop() -> None:
    from dmsite.data.model import Requirement

    catalog = catalog_of(
        Role.model_validate({"id": "a", "title": "A", "reports_to": "b"}),
        Role.model_validate({"id": "b", "title": "B", "reports_to": "a"}),
        Requirement.model_validate({"id": "R1", "title": "R", "traces": ["R1"]}),
    )
    assert sorted(messages(catalog)) == ["reports_to cycle: a -> b -> a", "traces cycle: R1 -> R1"]


def test_a_long_cycle_is_found_without_recursion_limits() -> None:
    n = 3_000
    catalog = catalog_of(*(milestone(f"M{i}", predecessors=[f"M{(i + 1) % n}"]) for i in range(n)))
    (problem,) = catalog.problems
    assert problem.message.startswith("predecessor cycle: M0 -> M1 -> M2 -> ")
    assert problem.message.endswith(f"M{n - 1} -> M0")


def test_unknown_references_name_the_field_and_suggest_a_close_id() -> None:
    catalog = catalog_of(milestone("DM-AP-1"), milestone("DM-AP-2", predecessors=["DM-AP-3", "XX"]),
                         wbs("1.02C.03"), milestone("W", wbs="02C.04"))
    assert messages(catalog) == [
        "predecessors 'DM-AP-3' is not a known milestone (did you mean 'DM-AP-2'?)",
        "predecessors 'XX' is not a known milestone",
        "wbs '02C.04' has no WBS record: the element is known from the milestones that name it, but its name is "
        "missing (add it under wbs/, or did you mean '1.02C.03'?)",
    ]


def test_duplicates_keep_the_first_and_name_both_places(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "products").mkdir(parents=True)
    (data / "products" / "a.yaml").write_text("- {id: p, name: First}\n")
    (data / "products" / "b.yaml").write_text(textwrap.dedent("""
        - id: q
          name: Q
        - id: p
          name: Second
        """))
    catalog = build_catalog(data, STATUS_DATE, base=tmp_path)
    assert catalog.products["p"].name == "First"
    assert [str(p) for p in catalog.problems] == [
        "data/products/b.yaml:4:3: p: duplicate product id 'p' (first defined at data/products/a.yaml:1:3)"
    ]


def test_completed_after_the_status_date_is_an_error_and_no_description_a_warning() -> None:
    future = milestone("F", completed="2021-05-11")
    bare = Milestone.model_validate({"id": "N", "name": "N", "due": "2021-01-01"})
    catalog = catalog_of(future, bare)
    assert [p.message for p in catalog.errors] == ["completed 2021-05-11 is after the status date 2021-05-10"]
    assert [p.message for p in catalog.warnings] == ["milestone has no description"]
    assert catalog_of(future, status_date=dt.date(2021, 5, 11)).errors == []


def test_errors_come_before_warnings_each_in_file_order(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "milestones").mkdir(parents=True)
    (data / "milestones" / "m.yaml").write_text(
        "- {id: A, name: A, due: 2021-01-01}\n- {id: B, name: B, due: 2021-01-01, predecessors: [Z]}\n"
        "- {id: C, name: C, due: 2021-01-01, completed: 2022-01-01}\n"
    )
    catalog = build_catalog(data, STATUS_DATE, base=tmp_path)
    assert [(p.severity.value, str(p.loc)) for p in catalog.problems] == [
        ("error", "data/milestones/m.yaml:2:37"), ("error", "data/milestones/m.yaml:3:37"),
        ("warning", "data/milestones/m.yaml:1:3"), ("warning", "data/milestones/m.yaml:2:3"),
        ("warning", "data/milestones/m.yaml:3:3"),
    ]

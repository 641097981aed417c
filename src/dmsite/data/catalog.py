"""The one catalog: every record, lookups by id, derived relations, integrity checks."""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from .dates import PlanDate
from .load import LoadResult, load_data
from .model import (
    BY_KIND,
    Document,
    ExternalMilestone,
    Group,
    Institution,
    Milestone,
    Person,
    Product,
    Record,
    Requirement,
    Role,
    Term,
    WbsElement,
    kind_named,
)
from .problems import Problem, Severity

R = TypeVar("R", bound=Record)


class Status(StrEnum):
    COMPLETED = "completed"
    OVERDUE = "overdue"
    OPEN = "open"
    RETIRED = "retired"  # left the baseline: shown, never counted


MISSING_WBS_NAME = "(name missing)"


@dataclass
class Catalog:
    """Every record of a data set, indexed, with derived relations."""

    status_date: dt.date
    milestones: dict[str, Milestone] = field(default_factory=dict)
    external: dict[str, ExternalMilestone] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    wbs: dict[str, WbsElement] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    institutions: dict[str, Institution] = field(default_factory=dict)
    requirements: dict[str, Requirement] = field(default_factory=dict)
    terms: dict[str, Term] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    successors: dict[str, list[str]] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)  # ids of records refused for an error (see LoadResult.broken)
    inferred_wbs: dict[str, Milestone] = field(default_factory=dict)  # code → first milestone naming it
    _wbs_suffixes: dict[str, WbsElement | None] = field(default_factory=dict, repr=False)

    # -- building ---------------------------------------------------------------

    @classmethod
    def from_records(
        cls, records: Iterable[Record], status_date: dt.date, problems: Iterable[Problem] = (),
        broken: Iterable[tuple[str, str]] = (),
    ) -> Catalog:
        catalog = cls(status_date=status_date, problems=list(problems), broken={i for _, i in broken})
        for record in records:
            catalog._add(record)
        catalog._infer_wbs()
        catalog._derive()
        catalog.problems.extend(check(catalog))
        catalog.problems.sort(key=lambda p: (p.severity != Severity.ERROR, p.loc, p.message))
        return catalog

    def _add(self, record: Record) -> None:
        table: dict[str, Record] = getattr(self, record.table)
        first = table.get(record.key)
        if first is not None:
            self.problems.append(
                Problem(record.loc, record.key, f"duplicate {record.kind} id '{record.key}' (first defined at {first.loc})")
            )
            return
        table[record.key] = record

    def _infer_wbs(self) -> None:
        """WBS elements that milestones name but no record defines: known by their code, without a name."""
        for m in self.milestones.values():
            if not m.wbs or m.wbs in self.broken or self.resolve_wbs(m.wbs) is not None:
                continue
            if any(c.endswith("." + m.wbs) for c in self.wbs):  # ambiguous: reported by check()
                continue
            code = self._full_code(m.wbs)
            if code not in self.wbs:
                self.wbs[code] = WbsElement(code=code, name=MISSING_WBS_NAME).located(m.field_loc("wbs"), {})  # type: ignore[assignment]
                self.inferred_wbs[code] = m
                self._wbs_suffixes.clear()

    def _full_code(self, code: str) -> str:
        """*code* under the longest known element it extends ('02C.11' → '1.02C.11' when '1.02C' exists)."""
        parts = code.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            parent = self.resolve_wbs(".".join(parts[:cut]))
            if parent is not None:
                return ".".join([parent.code, *parts[cut:]])
        return code

    def _derive(self) -> None:
        successors: dict[str, list[str]] = defaultdict(list)
        linked: list[Milestone | ExternalMilestone] = [*self.milestones.values(), *self.external.values()]
        for milestone in linked:
            for pred in milestone.predecessors:
                successors[pred].append(milestone.id)
        self.successors = {k: sorted(v) for k, v in successors.items()}
        children: dict[str, list[str]] = defaultdict(list)
        for product in self.products.values():
            if product.parent:
                children[product.parent].append(product.id)
        self.children = {k: sorted(v) for k, v in children.items()}

    # -- derived values ---------------------------------------------------------

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == Severity.WARNING]

    def status(self, milestone: Milestone) -> Status:
        """Retired, completed, overdue (open, baseline due before the status date) or open."""
        if milestone.retired is not None:
            return Status.RETIRED
        if milestone.completed is not None:
            return Status.COMPLETED
        if milestone.due < self.status_date:
            return Status.OVERDUE
        return Status.OPEN

    def successors_of(self, milestone_id: str) -> list[str]:
        return self.successors.get(milestone_id, [])

    def children_of(self, product_id: str) -> list[str]:
        return self.children.get(product_id, [])

    def ancestors(self, product: Product) -> Iterator[Product]:
        """The parent chain of *product*, nearest first (stops at a cycle)."""
        seen = {product.id}
        while product.parent and product.parent in self.products and product.parent not in seen:
            product = self.products[product.parent]
            seen.add(product.id)
            yield product

    def effective(self, product: Product, role: str) -> tuple[str | None, bool]:
        """The product's manager/owner (*role*) and whether it is inherited from a parent."""
        own = getattr(product, role)
        if own:
            return own, False
        for ancestor in self.ancestors(product):
            value = getattr(ancestor, role)
            if value:
                return value, True
        return None, False

    def resolve_wbs(self, code: str | None) -> WbsElement | None:
        """The WBS element *code* names: exactly, or the one element whose code ends in '.code'."""
        if not code:
            return None
        if code in self.wbs:
            return self.wbs[code]
        if code not in self._wbs_suffixes:  # cached: pages resolve the same short codes many times
            matches = [w for c, w in self.wbs.items() if c.endswith("." + code)]
            self._wbs_suffixes[code] = matches[0] if len(matches) == 1 else None
        return self._wbs_suffixes[code]

    def table(self, kind: str) -> dict[str, Record]:
        """The records of one kind, by its name (``milestone``, ``document``, ...) or anchor (``doc``)."""
        cls = kind_named(kind)
        if cls is None:
            raise KeyError(f"unknown record kind '{kind}'")
        return getattr(self, cls.table)  # type: ignore[no-any-return]

    def has(self, kind: str, record_id: str) -> bool:
        if kind == "wbs":
            return self.resolve_wbs(record_id) is not None
        return record_id in self.table(kind)

    def wbs_key(self, code: str | None) -> str | None:
        element = self.resolve_wbs(code)
        return element.code if element else None




# -- integrity checks across records ------------------------------------------


def _unknown(record: Record, field_name: str, target: str, kind: str, known: Iterable[str]) -> Problem:
    hint = difflib.get_close_matches(target, list(known), n=1)
    suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
    return Problem(record.field_loc(field_name), record.key, f"{field_name} '{target}' is not a known {kind}{suggestion}")


def _ids(record: Record, path: str) -> list[str]:
    """The ids written in *path* of *record* ("relations.to": the ``to`` of each relation)."""
    name, _, inner = path.partition(".")
    value = getattr(record, name)
    items = value if isinstance(value, list) else [value]
    return [getattr(item, inner) if inner else item for item in items if item]


def _refs(catalog: Catalog) -> Iterator[tuple[Record, str, str, str, Mapping[str, Record] | None]]:
    """Every (record, field, target id, target noun, table) reference, as the record kinds declare them.

    The table is None for WBS codes, which may be written short (see ``Catalog.resolve_wbs``).
    """
    for cls in BY_KIND.values():
        records: dict[str, Record] = getattr(catalog, cls.table)
        for path, kinds in cls.refs.items():
            # to a reader an external milestone is a milestone: "is not a known milestone"
            noun = " or ".join(BY_KIND[k].called() for k in kinds if k != "external") or ExternalMilestone.called()
            table: Mapping[str, Record] | None = None
            if kinds != ("wbs",):
                table = {key: r for k in kinds for key, r in getattr(catalog, BY_KIND[k].table).items()}
            for record in records.values():
                for target in _ids(record, path):
                    yield record, path.partition(".")[0], target, noun, table


def _unknown_wbs(catalog: Catalog, record: Record, field_name: str, code: str) -> Problem:
    matches = sorted(c for c in catalog.wbs if c.endswith("." + code))
    if len(matches) < 2:
        return _unknown(record, field_name, code, WbsElement.called(), catalog.wbs)
    message = f"{field_name} '{code}' matches several WBS elements ({', '.join(matches)}); write the full code"
    return Problem(record.field_loc(field_name), record.key, message)


def check(catalog: Catalog) -> list[Problem]:
    """Every problem across records: unknown ids, cycles, impossible dates, omissions."""
    problems = []
    for record, field_name, target, kind, table in _refs(catalog):
        if target in catalog.broken:  # its record was refused, and that error said so
            continue
        if table is None:
            if catalog.resolve_wbs(target) is None:
                problems.append(_unknown_wbs(catalog, record, field_name, target))
        elif target not in table:
            problems.append(_unknown(record, field_name, target, kind, table))
    problems += _schedule_data_checks(catalog)
    problems += _cycles(catalog.milestones, lambda m: m.predecessors, "predecessors", "predecessor")
    problems += _cycles(catalog.products, lambda p: [p.parent] if p.parent else [], "parent", "parent")
    problems += _cycles(catalog.roles, lambda r: [r.reports_to] if r.reports_to else [], "reports_to", "reports_to")
    problems += _cycles(catalog.requirements, lambda q: q.traces, "traces", "traces")
    for m in catalog.milestones.values():
        if m.completed and _earliest(m.completed) > catalog.status_date:
            problems.append(Problem(
                m.field_loc("completed"), m.id,
                f"completed {m.completed} is after the status date {catalog.status_date}",
            ))
        if not m.description:
            problems.append(Problem(m.loc, m.id, "milestone has no description", Severity.WARNING))
    problems += _shared_packages(catalog)
    problems += _placeholders(catalog)
    return problems


PLACEHOLDERS = {"todo", "tbd", "tbc", "fixme", "xxx", "todo name", "todo title", "..."}


def _placeholders(catalog: Catalog) -> list[Problem]:
    """Text fields still holding a placeholder ('TODO', 'TBD', ...): written to be replaced, and forgotten."""
    problems = []
    for cls in BY_KIND.values():
        for record in getattr(catalog, cls.table).values():
            for name in type(record).model_fields:
                if name == cls.id_field:  # the acronym TBD is a term, not a placeholder
                    continue
                value = getattr(record, name)
                if isinstance(value, str) and value.strip().casefold() in PLACEHOLDERS:
                    problems.append(Problem(record.field_loc(name), record.key,
                                            f"{name} is the placeholder '{value}'; write the real text or leave the field out",
                                            Severity.WARNING))
    return problems


def _earliest(day: dt.date) -> dt.date:
    return day.first_day if isinstance(day, PlanDate) else day


def _schedule_data_checks(catalog: Catalog) -> list[Problem]:
    """Warnings for what real schedules carry: '' placeholders, WBS codes without a record."""
    problems = []
    for record in [*catalog.milestones.values(), *catalog.external.values()]:
        problems += [
            Problem(record.field_loc(name), record.key, f"{name}: '' is no value: taken as not set (remove the line, "
                                                        "or give a value)", Severity.WARNING)
            for name in record.blank_fields
        ]
    for code, m in catalog.inferred_wbs.items():
        hint = difflib.get_close_matches(code, [c for c in catalog.wbs if c not in catalog.inferred_wbs], n=1)
        problems.append(Problem(
            m.field_loc("wbs"), m.id,
            f"wbs '{m.wbs}' has no WBS record: the element{'' if code == m.wbs else ' ' + code} is known from the "
            f"milestones that name it, but its name is missing (add it under wbs/"
            f"{f', or did you mean {hint[0]!r}?' if hint else ''})", Severity.WARNING,
        ))
    for m in catalog.milestones.values():
        if m.completed_estimated and m.completed is None:
            problems.append(Problem(m.field_loc("completed_estimated"), m.id,
                                    "completed_estimated: true, but there is no completed date to be an estimate"))
    return problems


def _cycles(
    table: dict[str, R], next_ids: Callable[[R], list[str]], field_name: str, noun: str
) -> list[Problem]:
    """Report each cycle once, printed in order, at the record that closes it."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    problems: list[Problem] = []
    for start in sorted(table):
        if state.get(start):
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(next_ids(table[start])))]
        state[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next((n for n in it if n in table), None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                path = [n for n, _ in stack]
                cycle = [*path[path.index(nxt):], nxt]
                record = table[node]
                problems.append(Problem(
                    record.field_loc(field_name), record.key, f"{noun} cycle: {' -> '.join(cycle)}",
                ))
            elif not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(next_ids(table[nxt]))))
    return problems


def _shared_packages(catalog: Catalog) -> list[Problem]:
    """LDM-294 §5: every package and every Jira component maps to one product."""
    problems = []
    for field_name, noun in (("packages", "package"), ("jira_components", "Jira component")):
        claimed: dict[str, Product] = {}
        for product in catalog.products.values():
            for name in getattr(product, field_name):
                first = claimed.setdefault(name, product)
                if first is not product:
                    problems.append(Problem(
                        product.field_loc(field_name), product.id,
                        f"{noun} '{name}' is also claimed by product '{first.id}' ({first.loc}); "
                        f"each {noun} should map to one product",
                        Severity.WARNING,
                    ))
    return problems


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_catalog(
    data_dir: Path, status_date: dt.date, base: Path | None = None, cache_dir: Path | None = None
) -> Catalog:
    """Load, validate and index *data_dir*: the one way every consumer gets data (*cache_dir*: see load_data)."""
    with _no_cycle_collection():  # loading makes many objects and no cycles: collections would only cost time
        loaded: LoadResult = load_data(data_dir, base, cache_dir)
        catalog = Catalog.from_records(loaded.records, status_date, loaded.problems, loaded.broken)
    catalog.files = loaded.files
    return catalog

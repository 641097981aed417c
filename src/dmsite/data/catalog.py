"""The one catalog: every record, lookups by id, derived relations, integrity checks."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from . import dates
from .checks import check
from .model import (
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
T = TypeVar("T")


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
    _derived: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

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
        if dates.order(milestone.due) < dates.order(self.status_date):  # (in C: PlanDate's < is slow)
            return Status.OVERDUE
        return Status.OPEN

    def derived(self, name: str, make: Callable[[], T]) -> T:
        """A value derived from the records, made once: a built catalog does not change (a page's
        directives ask for the same orders and indexes again and again: 20,000 milestones, 13 pages)."""
        if name not in self._derived:
            self._derived[name] = make()
        return self._derived[name]  # type: ignore[return-value]

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



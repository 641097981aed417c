"""The integrity checks across records: unknown ids, cycles, impossible dates, placeholders, shared claims."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, TypeVar

from .dates import PlanDate
from .lookalikes import lookalike_problems
from .model import (
    BY_KIND,
    ExternalMilestone,
    Product,
    Record,
    WbsElement,
)
from .problems import Problem, Severity
from .text import lookalike_key

if TYPE_CHECKING:
    from .catalog import Catalog

R = TypeVar("R", bound=Record)


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


def _former(formers: Mapping[str, str], record: Record, field_name: str, target: str) -> Problem | None:
    """A reference to a milestone's former id (in its ``aka``, *formers*: aka → id): say which milestone it is now."""
    if field_name != "predecessors":
        return None
    now = formers.get(target)
    if now is None:
        return None
    return Problem(record.field_loc(field_name), record.key,
                   f"{field_name} '{target}' is a former id of milestone '{now}' (its aka): write '{now}'")


def _unknown_wbs(catalog: Catalog, record: Record, field_name: str, code: str) -> Problem:
    matches = sorted(c for c in catalog.wbs if c.endswith("." + code))
    if len(matches) < 2:
        return _unknown(record, field_name, code, WbsElement.called(), catalog.wbs)
    message = f"{field_name} '{code}' matches several WBS elements ({', '.join(matches)}); write the full code"
    return Problem(record.field_loc(field_name), record.key, message)


MAX_HINTS = 200  # "did you mean" for the first unknown ids only: each compares with every known id


def check(catalog: Catalog) -> list[Problem]:
    """Every problem across records: unknown ids, cycles, impossible dates, omissions."""
    problems = []
    unknown = 0
    formers: dict[str, str] = {}
    for m in catalog.milestones.values():
        for former in m.aka:
            formers.setdefault(former, m.id)
    for record, field_name, target, kind, table in _refs(catalog):
        if target in catalog.broken:  # its record was refused, and that error said so
            continue
        if table is None:
            if catalog.resolve_wbs(target) is None:
                problems.append(_unknown_wbs(catalog, record, field_name, target))
        elif target not in table:
            unknown += 1
            known = table if unknown <= MAX_HINTS else ()  # past the hints: no "did you mean" search
            problems.append(_former(formers, record, field_name, target) or _unknown(record, field_name, target, kind, known))
    problems += _schedule_data_checks(catalog)
    problems += _cycles(catalog.milestones, lambda m: m.predecessors, "predecessors", "predecessor")
    problems += _cycles(catalog.products, lambda p: [p.parent] if p.parent else [], "parent", "parent")
    problems += _cycles(catalog.roles, lambda r: [r.reports_to] if r.reports_to else [], "reports_to", "reports_to")
    problems += _cycles(catalog.requirements, lambda q: q.traces, "traces", "traces")
    problems += _cycles(catalog.documents, lambda d: [r.to for r in d.relations], "relations", "relation")
    problems += _former_ids(catalog)
    problems += _lookalike_terms(catalog)
    problems += lookalike_problems([("term", catalog.terms.values())])  # ids are ASCII (model.ID_PATTERN)
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
_SHORT = 40  # longer text is no placeholder, whatever white space surrounds one


def _placeholders(catalog: Catalog) -> list[Problem]:
    """Text fields still holding a placeholder ('TODO', 'TBD', ...): written to be replaced, and forgotten."""
    problems = []
    for cls in BY_KIND.values():
        for record in getattr(catalog, cls.table).values():
            for name, value in vars(record).items():  # the field values, without pydantic's attribute lookup
                if name == cls.id_field:  # the acronym TBD is a term, not a placeholder
                    continue
                if isinstance(value, str) and len(value) <= _SHORT and value.strip().casefold() in PLACEHOLDERS:
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


def _lookalike_terms(catalog: Catalog) -> list[Problem]:
    """Two terms a reader cannot tell apart ('AP' and the full-width 'ＡＰ') are one term written twice."""
    problems = []
    seen: dict[str, Record] = {}
    for term in catalog.terms.values():
        first = seen.setdefault(lookalike_key(term.term), term)
        if first is not term:
            problems.append(Problem(term.loc, term.key, f"term '{term.term}' looks the same as term '{first.key}' "
                                                        f"({first.loc}) once normalised (NFKC); write it once"))
    return problems


def _former_ids(catalog: Catalog) -> list[Problem]:
    """An ``aka`` names a former id of this milestone only: not its own id, no other record's, no other's aka."""
    problems = []
    claimed: dict[str, Record] = {}
    for m in catalog.milestones.values():
        for former in m.aka:
            other = catalog.milestones.get(former) or catalog.external.get(former)
            first = claimed.setdefault(former, m)
            if other is m:
                message = f"aka '{former}' is this milestone's own id; aka lists its former ids"
            elif other is not None:
                message = (f"aka '{former}' is the id of another {other.called()} ({other.loc}); "
                           "aka lists this milestone's former ids")
            elif first is not m:
                message = f"aka '{former}' is also a former id of milestone '{first.key}' ({first.loc})"
            else:
                continue
            problems.append(Problem(m.field_loc("aka"), m.id, message))
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

"""What a change does to the plan: the differences between two catalogs, record by record (pure functions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..data.catalog import Catalog
from ..data.model import KINDS, Milestone, Product, Record
from .schedule import DEFAULT_TEST_PATTERN, test_milestones

# Date fields that close a milestone (it leaves the open schedule on that day).  A milestone
# that gains one is reported under the field's name; one that loses it is reopened.
CLOSING_FIELDS: tuple[str, ...] = ("completed",)
PRODUCT_ROLES = ("owner", "manager")  # compared as the effective (inherited) person
_LABEL_FIELDS = ("name", "title", "definition")


@dataclass(frozen=True)
class RecordRef:
    """A record named in a diff: its id, its name or title, and the record itself (the side it is on)."""

    key: str
    label: str
    record: Record | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class FieldChange:
    """One field of one record: its old and new value (lists also as items added and removed)."""

    field: str
    old: Any
    new: Any

    @property
    def added(self) -> list[Any]:
        return [v for v in _items(self.new) if v not in _items(self.old)]

    @property
    def removed(self) -> list[Any]:
        return [v for v in _items(self.old) if v not in _items(self.new)]

    @property
    def is_list(self) -> bool:
        return isinstance(self.old, list) or isinstance(self.new, list)


@dataclass(frozen=True)
class RecordChange:
    """A record present on both sides whose fields differ (``old_key``: the id it had before, if renamed)."""

    key: str
    label: str
    fields: tuple[FieldChange, ...]
    old_key: str | None = None

    def get(self, name: str) -> FieldChange | None:
        return next((f for f in self.fields if f.field == name), None)


@dataclass(frozen=True)
class KindDiff:
    """Records of one kind added, removed and changed (each sorted by id)."""

    table: str
    kind: str
    old_count: int
    new_count: int
    added: tuple[RecordRef, ...] = ()
    removed: tuple[RecordRef, ...] = ()
    changed: tuple[RecordChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass(frozen=True)
class Reforecast:
    """A milestone whose forecast moved: *days* later (negative: earlier), and what it moved across."""

    key: str
    label: str
    old: dt.date
    new: dt.date
    crosses_status_date: bool
    releases: tuple[str, ...] = ()  # open release (test) milestones whose forecast lies between old and new
    feeds: tuple[str, ...] = ()  # of those, the releases this milestone is a feature of

    @property
    def days(self) -> int:
        return (self.new - self.old).days


@dataclass(frozen=True)
class Rebaseline:
    """A milestone whose baseline due date moved."""

    key: str
    label: str
    old: dt.date
    new: dt.date

    @property
    def days(self) -> int:
        return (self.new - self.old).days


@dataclass(frozen=True)
class Closing:
    """A milestone that gained (or, ``reopened``, lost) a closing date such as ``completed``."""

    key: str
    label: str
    field: str
    date: dt.date
    forecast: dt.date  # its forecast on the other side

    @property
    def days(self) -> int:
        """Days after the forecast it was closed (negative: early)."""
        return (self.date - self.forecast).days


@dataclass(frozen=True)
class ProductRoleChange:
    """A product whose effective owner or manager changed (``inherited``: taken from a parent)."""

    key: str
    label: str
    role: str
    old: str | None
    new: str | None
    old_inherited: bool
    new_inherited: bool


@dataclass(frozen=True)
class ScheduleChanges:
    """The milestones' schedule events between the two sides."""

    closed: dict[str, tuple[Closing, ...]]  # closing field → milestones that gained it
    reopened: tuple[Closing, ...]
    reforecast: tuple[Reforecast, ...]
    rebaselined: tuple[Rebaseline, ...]

    @property
    def empty(self) -> bool:
        return not (any(self.closed.values()) or self.reopened or self.reforecast or self.rebaselined)

    def explained(self) -> dict[str, set[str]]:
        """Per milestone, the fields whose change an event above reports (the rest are plain edits)."""
        found: dict[str, set[str]] = {}
        for closing in (*(c for cs in self.closed.values() for c in cs), *self.reopened):
            found.setdefault(closing.key, set()).add(closing.field)
        for r in self.reforecast:
            found.setdefault(r.key, set()).add("forecast")
        for b in self.rebaselined:
            found.setdefault(b.key, set()).add("due")
        return found


@dataclass(frozen=True)
class PlanDiff:
    """Everything that differs between the *old* and the *new* catalog."""

    status_date: dt.date
    kinds: dict[str, KindDiff]  # by table name, in KINDS order
    schedule: ScheduleChanges
    product_roles: tuple[ProductRoleChange, ...] = ()
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # milestone status → (old, new)

    @property
    def empty(self) -> bool:
        return all(k.empty for k in self.kinds.values()) and self.schedule.empty and not self.product_roles

    def edits(self, table: str, fields: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> list[
            tuple[RecordChange, FieldChange]]:
        """(record, field) pairs of *table* changed in *fields* (all when None), except *exclude*."""
        wanted, skip = (set(fields) if fields is not None else None), set(exclude)
        return [
            (change, f) for change in self.kinds[table].changed for f in change.fields
            if (wanted is None or f.field in wanted) and f.field not in skip
        ]


# ---------------------------------------------------------------- generic record comparison


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _plain(value: Any) -> Any:
    """Field values as plain data (nested models as dicts), for comparing and showing."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump()
    return value


def label(record: Record) -> str:
    return next((str(getattr(record, f)) for f in _LABEL_FIELDS if getattr(record, f, None)), record.key)


def field_changes(old: Record, new: Record, skip: Iterable[str] = ()) -> tuple[FieldChange, ...]:
    """The fields whose values differ, in the model's field order (where a record was written is not a change)."""
    if old.__dict__ == new.__dict__:
        return ()
    skipped = set(skip)
    return tuple(
        FieldChange(name, _plain(a), _plain(new.__dict__[name]))
        for name, a in old.__dict__.items()
        if name not in skipped and a != new.__dict__[name]
    )


def _renames(old: dict[str, Record], new: dict[str, Record]) -> dict[str, str]:
    """new id → old id, for new milestones listing a vanished id among their former ids (``aka``)."""
    gone = old.keys() - new.keys()
    found: dict[str, str] = {}
    for key in sorted(new.keys() - old.keys()):
        former = [a for a in getattr(new[key], "aka", []) if a in gone and a not in found.values()]
        if former:
            found[key] = former[0]
    return found


def diff_kind(cls: type[Record], old: dict[str, Record], new: dict[str, Record], skip: Iterable[str] = ()) -> KindDiff:
    """Records of one kind added, removed and changed; a milestone renamed via ``aka`` counts as changed."""
    renames = _renames(old, new) if cls is Milestone else {}
    renamed_from = set(renames.values())
    added = [RecordRef(k, label(new[k]), new[k]) for k in sorted(new.keys() - old.keys()) if k not in renames]
    removed = [RecordRef(k, label(old[k]), old[k]) for k in sorted(old.keys() - new.keys()) if k not in renamed_from]
    changed = []
    for key in sorted(new.keys() & old.keys() | renames.keys()):
        before = old[renames.get(key, key)]
        fields = field_changes(before, new[key], skip=skip)
        if fields or key in renames:
            changed.append(RecordChange(key, label(new[key]), fields, renames.get(key)))
    return KindDiff(cls.table, cls.kind, len(old), len(new), tuple(added), tuple(removed), tuple(changed))


# ---------------------------------------------------------------- milestones: the schedule


def _between(day: dt.date, a: dt.date, b: dt.date) -> bool:
    """Whether *day* lies on the far side of a move from *a* to *b* (a ≤ day < b, or b ≤ day < a)."""
    return a <= day < b or b <= day < a


def _closing(m: Milestone) -> str | None:
    return next((f for f in CLOSING_FIELDS if getattr(m, f) is not None), None)


def schedule_changes(
    old: Catalog, new: Catalog, kinds: KindDiff, patterns: Sequence[str] = (DEFAULT_TEST_PATTERN,)
) -> ScheduleChanges:
    """Milestones closed, reopened, re-forecast (with what they moved across) and re-baselined."""
    releases = test_milestones(new, patterns)
    closed: dict[str, list[Closing]] = {f: [] for f in CLOSING_FIELDS}
    reopened, reforecast, rebaselined = [], [], []
    for change in kinds.changed:
        a, b = old.milestones[change.old_key or change.key], new.milestones[change.key]
        for name in CLOSING_FIELDS:
            was, now = getattr(a, name), getattr(b, name)
            if was is None and now is not None:
                closed[name].append(Closing(b.id, change.label, name, now, a.effective_forecast))
            elif was is not None and now is None:
                reopened.append(Closing(b.id, change.label, name, was, b.effective_forecast))
        if a.due != b.due:
            rebaselined.append(Rebaseline(b.id, change.label, a.due, b.due))
        if _closing(b) is None and a.effective_forecast != b.effective_forecast:
            reforecast.append(_reforecast(new, b, a.effective_forecast, change.label, releases))
    return ScheduleChanges(
        {k: tuple(v) for k, v in closed.items()}, tuple(reopened), tuple(reforecast), tuple(rebaselined)
    )


def _reforecast(new: Catalog, m: Milestone, before: dt.date, name: str, releases: list[Milestone]) -> Reforecast:
    after = m.effective_forecast
    crossed = tuple(
        r.id for r in releases if r.id != m.id and _closing(r) is None and _between(r.effective_forecast, before, after)
    )
    feeds = tuple(r for r in crossed if m.id in new.milestones[r].predecessors)
    return Reforecast(m.id, name, before, after, _between(new.status_date, before, after), crossed, feeds)


def milestone_counts(old: Catalog, new: Catalog) -> dict[str, tuple[int, int]]:
    """Milestones by derived status (completed, overdue, open) and in total, on each side."""
    counts: dict[str, tuple[int, int]] = {}
    for name in ("completed", "overdue", "open"):
        counts[name] = (
            sum(1 for m in old.milestones.values() if old.status(m) == name),
            sum(1 for m in new.milestones.values() if new.status(m) == name),
        )
    counts["total"] = (len(old.milestones), len(new.milestones))
    return counts


# ---------------------------------------------------------------- products: effective owner and manager


def product_roles(old: Catalog, new: Catalog) -> tuple[ProductRoleChange, ...]:
    """Products on both sides whose effective owner or manager (own, or inherited from a parent) changed."""
    found = []
    for key in sorted(old.products.keys() & new.products.keys()):
        a, b = old.products[key], new.products[key]
        for role in PRODUCT_ROLES:
            (was, was_inherited), (now, now_inherited) = old.effective(a, role), new.effective(b, role)
            if was != now:
                found.append(ProductRoleChange(key, label(b), role, was, now, was_inherited, now_inherited))
    return tuple(found)


def _product_skip(old: Catalog, new: Catalog, roles: Sequence[ProductRoleChange]) -> KindDiff:
    """Products' changes, without own owner/manager fields already shown as an effective change."""
    shown = {(c.key, c.role) for c in roles}
    kind = diff_kind(Product, dict(old.products), dict(new.products))
    changed = []
    for change in kind.changed:
        fields = tuple(f for f in change.fields if (change.key, f.field) not in shown)
        if fields or change.old_key:
            changed.append(RecordChange(change.key, change.label, fields, change.old_key))
    return KindDiff(kind.table, kind.kind, kind.old_count, kind.new_count, kind.added, kind.removed, tuple(changed))


# ---------------------------------------------------------------- the whole plan


def plan_diff(old: Catalog, new: Catalog, release_patterns: Sequence[str] = (DEFAULT_TEST_PATTERN,)) -> PlanDiff:
    """What changed from *old* to *new*, every kind of record; the schedule relative to *new*'s status date."""
    roles = product_roles(old, new)
    kinds: dict[str, KindDiff] = {}
    for cls in KINDS.values():
        if cls is Product:
            kinds[cls.table] = _product_skip(old, new, roles)
        else:
            kinds[cls.table] = diff_kind(cls, old.table(cls.kind), new.table(cls.kind))
    schedule = schedule_changes(old, new, kinds["milestones"], release_patterns)
    return PlanDiff(new.status_date, kinds, schedule, roles, milestone_counts(old, new))

"""Schedule dates known to the day or only to the month (``2021-07``), and the rule that orders them.

A ``PlanDate`` is a ``datetime.date`` (so arithmetic, ``.year`` and comparisons with plain dates
keep working) that also knows its precision.  The rule for a date known only to the month:

- it *stands for the last day of its month*: a month-only due date is overdue only once the
  month is over, days late count from that day, burndowns count it open until then;
- it *sorts after every exact date of its month* (also after an exact last day), and equals
  only the same month-only date;
- it is *written* ``2021-07`` (``isoformat``, YAML, JSON, CSV) and *shown* "July 2021".
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any, Literal

from .problems import clip

Precision = Literal["day", "month"]
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class PlanDate(dt.date):
    """A date with a precision; a month-only date's value is the last day of its month."""

    __slots__ = ("_order", "precision")
    precision: Precision
    _order: tuple[dt.date, int]

    def __new__(cls, year: int, month: int = 1, day: int = 1, precision: Precision = "day") -> PlanDate:
        if precision == "month":
            day = calendar.monthrange(year, month)[1]
        self = super().__new__(cls, year, month, day)
        self.precision = precision
        self._order = (dt.date(year, month, day), int(precision == "month"))
        return self

    @classmethod
    def month_only(cls, year: int, month: int) -> PlanDate:
        return cls(year, month, 1, "month")

    @classmethod
    def exact(cls, day: dt.date) -> PlanDate:
        return day if isinstance(day, PlanDate) else cls(day.year, day.month, day.day)

    @property
    def is_month(self) -> bool:
        return self.precision == "month"

    @property
    def first_day(self) -> dt.date:
        """The earliest day this date can stand for (the first of the month for a month-only date)."""
        return dt.date(self.year, self.month, 1) if self.is_month else dt.date(self.year, self.month, self.day)

    def isoformat(self) -> str:
        return f"{self.year:04d}-{self.month:02d}" if self.is_month else super().isoformat()

    __str__ = isoformat

    def __repr__(self) -> str:
        if self.is_month:
            return f"PlanDate.month_only({self.year}, {self.month})"
        return f"PlanDate({self.year}, {self.month}, {self.day})"

    def shown(self) -> str:
        """For readers: 'July 2021' or '2021-07-29'."""
        return f"{calendar.month_name[self.month]} {self.year}" if self.is_month else super().isoformat()

    def in_same_month(self, other: dt.date) -> bool:
        return (self.year, self.month) == (other.year, other.month)

    # ordering: (day, 0 for exact / 1 for month-only); plain dates are exact
    def _key(self) -> tuple[dt.date, int]:
        return self._order

    def __eq__(self, other: object) -> bool:
        if isinstance(other, dt.date) and not isinstance(other, dt.datetime):
            return self._key() == _key(other)
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __lt__(self, other: object) -> bool:
        return self._key() < _key(other) if _is_date(other) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self._key() <= _key(other) if _is_date(other) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return self._key() > _key(other) if _is_date(other) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self._key() >= _key(other) if _is_date(other) else NotImplemented

    def __hash__(self) -> int:  # a month-only date shares its hash with its last day (they are not equal)
        return dt.date.__hash__(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return PlanDate, (self.year, self.month, self.day, self.precision)

    def replace(self, year: int | None = None, month: int | None = None, day: int | None = None) -> dt.date:  # type: ignore[override]
        """A plain (exact) date: replacing a part of a month-only date leaves the month-only rule."""
        return dt.date(year or self.year, month or self.month, day or self.day)


def _is_date(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _key(value: Any) -> tuple[dt.date, int]:
    if isinstance(value, PlanDate):
        return value._order
    return dt.date(value.year, value.month, value.day), 0


order = _key  # a key for sorting that compares in C, not through PlanDate's methods


# the years a plan may name: month arithmetic, charts and calendars work a while beyond them (no
# date of 9999-12 whose next month is no date), and a year outside them is a typo (0202, 20211)
FIRST_YEAR, LAST_YEAR = 1900, 2200


def in_range(day: dt.date) -> dt.date:
    """*day*, when its year is one a plan may name; raises ValueError with a reader's message otherwise."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{day.isoformat()} is outside the years a plan may name ({FIRST_YEAR} to {LAST_YEAR}); "
                         "a typo?")
    return day


def parse(value: Any) -> PlanDate:
    """A YAML date, ``2021-07-29`` or ``2021-07``; raises ValueError with a reader's message otherwise."""
    return in_range(_parse(value))  # type: ignore[return-value]


def _parse(value: Any) -> PlanDate:
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date like 2021-05-10, not a date and time")
    if isinstance(value, dt.date):
        return PlanDate.exact(value)
    text = value.strip() if isinstance(value, str) else None
    if text is not None and (found := _DAY.match(text) or _MONTH.match(text)):
        parts = [int(p) for p in found.groups()]
        try:
            if len(parts) == 2:
                if not 1 <= parts[1] <= 12:
                    raise ValueError(f"month must be in 1..12, got {parts[1]}")
                return PlanDate.month_only(parts[0], parts[1])
            return PlanDate(parts[0], parts[1], parts[2])
        except ValueError as exc:
            raise ValueError(f"'{value}' is not a real date ({exc})") from None
    raise ValueError(f"expected a date like 2021-05-10 (or 2021-05: known to the month), got {clip(repr(value))}")


def shown(day: dt.date | None) -> str:
    """A date for readers: 'July 2021' for a month-only date, ISO otherwise, '' for none."""
    if day is None:
        return ""
    return day.shown() if isinstance(day, PlanDate) else day.isoformat()


def sort_key(day: dt.date | None) -> str:
    """Text that sorts dates by the rule above (a month-only date after the exact days of its month)."""
    if day is None:
        return ""
    return f"{day.year:04d}-{day.month:02d}-32" if isinstance(day, PlanDate) and day.is_month else day.isoformat()

"""Milestone exports written beside the site: JSON, CSV (spreadsheet-safe) and iCalendar.

All three are deterministic: sorted by id, no timestamps other than the status date.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..data.catalog import Catalog
from ..data.model import Milestone
from .exports import csv_cell

CSV_FIELDS = [
    "id", "name", "short_name", "wbs", "level", "due", "forecast", "completed", "status",
    "predecessors", "successors", "test_spec", "jira", "jira_testplan", "key", "category", "aka",
    "description", "comment",
]


def _row(catalog: Catalog, m: Milestone) -> dict[str, Any]:
    data = m.model_dump(mode="json", by_alias=True)
    data["forecast"] = m.effective_forecast.isoformat()
    data["status"] = catalog.status(m).value
    data["successors"] = catalog.successors_of(m.id)
    return data


def json_row(row: dict[str, Any]) -> str:
    """One milestone's line of ``milestones.json`` (without the separating comma)."""
    return json.dumps(row, ensure_ascii=False, sort_keys=True)


def csv_row(row: dict[str, Any]) -> str:
    """One milestone's line of ``milestones.csv`` (with its CRLF)."""
    _CSV_LINE.seek(0)
    _CSV_LINE.truncate()
    _CSV_WRITER.writerow([csv_cell(row.get(f)) for f in CSV_FIELDS])
    return _CSV_LINE.getvalue()


_CSV_LINE = io.StringIO()
_CSV_WRITER = csv.writer(_CSV_LINE, lineterminator="\r\n")


def json_text(status_date: dt.date, rows: Iterable[str]) -> Iterator[str]:
    """``milestones.json`` in pieces, from the milestones' lines in id order."""
    yield f'{{"status_date": {json.dumps(status_date.isoformat())}, "milestones": [\n'
    first = True
    for row in rows:
        yield row if first else ",\n" + row
        first = False
    yield "\n]}\n"


def csv_text(rows: Iterable[str]) -> Iterator[str]:
    """``milestones.csv`` in pieces, from the milestones' lines in id order."""
    yield csv_row({f: f for f in CSV_FIELDS})
    yield from rows


def milestones_json(catalog: Catalog) -> str:
    """One milestone per line: readable and diffable, and written by the C encoder (``indent`` is not)."""
    rows = (json_row(_row(catalog, catalog.milestones[i])) for i in sorted(catalog.milestones))
    return "".join(json_text(catalog.status_date, rows))


def milestones_csv(catalog: Catalog) -> str:
    return "".join(csv_text(csv_row(_row(catalog, catalog.milestones[i])) for i in sorted(catalog.milestones)))


# -- iCalendar (RFC 5545) ----------------------------------------------------------


_LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # lenient readers split lines at any of these


_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # RFC 5545 TEXT holds no CONTROL (tab aside); nor C1


def ics_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma, every kind of line break as ``\\n``; controls removed."""
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\\\\n", escaped))


def fold(line: str, limit: int = 75) -> str:
    """Fold a content line into pieces of at most *limit* octets (UTF-8 safe), CRLF + space between."""
    if line.isascii():  # one octet per character: cut by length
        if len(line) <= limit:
            return line
        rest = [line[i:i + limit - 1] for i in range(limit, len(line), limit - 1)]
        return "\r\n ".join([line[:limit], *rest])
    pieces: list[str] = []
    current, size = "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        room = limit if not pieces else limit - 1  # continuation lines start with a space
        if size + width > room:
            pieces.append(current)
            current, size = "", 0
        current += ch
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _day(d: dt.date) -> str:
    return d.strftime("%Y%m%d")


def ics_event(catalog: Catalog, m: Milestone, site_name: str, url: str | None) -> str:
    """One milestone's VEVENT (folded, CRLF line ends), or '' for a milestone the calendar leaves out."""
    if m.completed is not None or m.retired is not None:  # retired: no longer planned
        return ""
    day = m.effective_forecast
    description = f"Baseline due {m.due.isoformat()}; forecast {day.isoformat()}; status {catalog.status(m).value}."
    if m.description:
        description += "\n\n" + m.description
    lines = [
        "BEGIN:VEVENT",
        f"UID:{ics_text(m.id)}@{ics_text(site_name)}",
        f"DTSTAMP:{_day(catalog.status_date)}T000000Z",
        f"DTSTART;VALUE=DATE:{_day(day)}",
        f"DTEND;VALUE=DATE:{_day(day + dt.timedelta(days=1))}",
        f"SUMMARY:{ics_text(m.id + ': ' + m.name)}",
        f"DESCRIPTION:{ics_text(description)}",
    ]
    if m.wbs:
        lines.append(f"CATEGORIES:{ics_text('WBS ' + m.wbs)}")
    if url:
        lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return "".join(fold(line) + "\r\n" for line in lines)


def ics_text_of(site_name: str, events: Iterable[str]) -> Iterator[str]:
    """``milestones.ics`` in pieces, from the milestones' events in id order."""
    head = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//{ics_text(site_name)}//milestones//EN",
        "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{ics_text(site_name + ' milestones')}",
    ]
    yield "".join(fold(line) + "\r\n" for line in head)
    yield from events
    yield "END:VCALENDAR\r\n"


def milestones_ics(
    catalog: Catalog, site_name: str = "dmsite", url_of: Callable[[str], str | None] | None = None
) -> str:
    """A calendar of open milestones on their forecast dates (all-day events); *url_of* gives entry URLs."""
    events = (
        ics_event(catalog, catalog.milestones[i], site_name, url_of(i) if url_of else None)
        for i in sorted(catalog.milestones)
    )
    return "".join(ics_text_of(site_name, events))


EXPORTS = {
    "milestones.json": milestones_json,
    "milestones.csv": milestones_csv,
}

"""Milestone exports written beside the site: JSON, CSV (spreadsheet-safe) and iCalendar.

All three are deterministic: sorted by id, no timestamps other than the status date.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
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


def milestones_json(catalog: Catalog) -> str:
    """One milestone per line: readable and diffable, and written by the C encoder (``indent`` is not)."""
    rows = (
        json.dumps(_row(catalog, catalog.milestones[i]), ensure_ascii=False, sort_keys=True)
        for i in sorted(catalog.milestones)
    )
    status_date = json.dumps(catalog.status_date.isoformat())
    return f'{{"status_date": {status_date}, "milestones": [\n' + ",\n".join(rows) + "\n]}\n"


def milestones_csv(catalog: Catalog) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for i in sorted(catalog.milestones):
        row = _row(catalog, catalog.milestones[i])
        writer.writerow([csv_cell(row.get(f)) for f in CSV_FIELDS])
    return out.getvalue()


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


def milestones_ics(
    catalog: Catalog, site_name: str = "dmsite", url_of: Callable[[str], str | None] | None = None
) -> str:
    """A calendar of open milestones on their forecast dates (all-day events); *url_of* gives entry URLs."""
    stamp = _day(catalog.status_date) + "T000000Z"
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//{ics_text(site_name)}//milestones//EN",
        "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{ics_text(site_name + ' milestones')}",
    ]
    for i in sorted(catalog.milestones):
        m = catalog.milestones[i]
        if m.completed is not None or m.retired is not None:  # retired: no longer planned
            continue
        day = m.effective_forecast
        description = f"Baseline due {m.due.isoformat()}; forecast {day.isoformat()}; status {catalog.status(m).value}."
        if m.description:
            description += "\n\n" + m.description
        lines += [
            "BEGIN:VEVENT",
            f"UID:{ics_text(m.id)}@{ics_text(site_name)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_day(day)}",
            f"DTEND;VALUE=DATE:{_day(day + dt.timedelta(days=1))}",
            f"SUMMARY:{ics_text(m.id + ': ' + m.name)}",
            f"DESCRIPTION:{ics_text(description)}",
        ]
        if m.wbs:
            lines.append(f"CATEGORIES:{ics_text('WBS ' + m.wbs)}")
        url = url_of(m.id) if url_of else None
        if url:
            lines.append(f"URL:{url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


EXPORTS = {
    "milestones.json": milestones_json,
    "milestones.csv": milestones_csv,
}

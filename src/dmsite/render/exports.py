"""Faithful dumps of the catalog: JSON (every record) and CSV (one section per kind)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from ..data.catalog import Catalog
from ..data.model import KINDS, Record

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def record_dict(record: Record) -> dict[str, Any]:
    return record.model_dump(mode="json", by_alias=True, exclude_defaults=False)


def to_json(catalog: Catalog) -> str:
    data: dict[str, Any] = {"status_date": catalog.status_date.isoformat()}
    for folder, cls in sorted(KINDS.items()):
        data[folder] = [record_dict(r) for _, r in sorted(catalog.table(cls.kind).items())]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def csv_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if isinstance(value, list):
        value = "; ".join(str(v) if not isinstance(v, dict) else json.dumps(v) for v in value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(catalog: Catalog) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for folder, cls in sorted(KINDS.items()):
        fields = [f.alias or name for name, f in cls.model_fields.items()]
        writer.writerow([f"# {folder}"])
        writer.writerow(fields)
        for _, record in sorted(catalog.table(cls.kind).items()):
            row = record_dict(record)
            writer.writerow([csv_cell(row.get(f)) for f in fields])
    return out.getvalue()


EXPORTERS: dict[str, Callable[[Catalog], str]] = {"json": to_json, "csv": to_csv}

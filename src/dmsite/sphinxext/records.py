"""``dm-records``: a table of any kind of record, with chosen columns and a filter."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx

from ..data.model import KINDS, Record, kind_named
from ..render.html import esc, link
from ..render.tables import Column, table
from .base import DataDirective


def _cell(role: str, field: str) -> Column:
    def cell(record: Any) -> str:
        value = getattr(record, field, None)
        if field == record.id_field:
            return link(role, record.key)
        if isinstance(value, list):
            return ", ".join(esc(v) for v in value)
        return esc("" if value is None else value)

    def sort_key(record: Any) -> str:
        value = getattr(record, field, None)
        return "" if value is None else str(value)

    return Column(field, cell, sort_key)


class RecordsDirective(DataDirective):
    """Usage: ``{dm-records} milestones`` with ``:columns: id, name, due`` and ``:where: wbs=02C.03``."""

    required_arguments = 1
    option_spec = {"columns": directives.unchanged, "where": directives.unchanged, "caption": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        kind_name = self.arguments[0]
        cls = kind_named(kind_name)
        if cls is None:
            self.warn(f"unknown record kind '{kind_name}' (known: {', '.join(sorted(KINDS))})")
            return []
        records: list[Record] = list(self.catalog.table(cls.kind).values())
        fields = [f.strip() for f in self.options.get("columns", "").split(",") if f.strip()]
        fields = fields or [cls.id_field, *[f for f in ("name", "title") if f in cls.model_fields]]
        unknown = [f for f in fields if f not in cls.model_fields]
        if unknown:
            self.warn(f"unknown column(s) {', '.join(unknown)} for {kind_name}")
            return []
        records = [r for r in records if self._matches(r)]
        records.sort(key=lambda r: r.key)
        columns = [_cell(cls.anchor, f) for f in fields]
        return self.html(table(records, columns, css=f"dm-records-{cls.folder}", caption=self.options.get("caption", "")))

    def _matches(self, record: Record) -> bool:
        for clause in self.options.get("where", "").split(","):
            if "=" in clause:
                field, wanted = (part.strip() for part in clause.split("=", 1))
                value = getattr(record, field, None)
                values = value if isinstance(value, list) else [value]
                if wanted not in [str(v) for v in values]:
                    return False
        return True


def setup(app: Sphinx) -> None:
    app.add_directive("dm-records", RecordsDirective)

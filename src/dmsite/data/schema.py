"""JSON Schema of each record kind, generated from the model (never written twice)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .model import KINDS


def kind_schema(folder: str) -> dict[str, Any]:
    """Schema of one data file of a kind: a list of records."""
    cls = KINDS[folder]
    item = cls.model_json_schema(by_alias=True, mode="validation")
    defs = item.pop("$defs", {})
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"dmsite {cls.kind} records",
        "description": f"A list of {cls.kind} records (files under {folder}/).",
        "type": "array",
        "items": item,
    }
    if defs:
        schema["$defs"] = defs
    return schema


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for folder in sorted(KINDS):
        path = out / f"{folder}.schema.json"
        path.write_text(json.dumps(kind_schema(folder), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written

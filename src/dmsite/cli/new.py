"""``dmsite new``: append a record that fits its file and validates to a data file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from ..atomic import write_atomically
from ..data.load import LoadResult, load_data, load_file, validate_record
from ..data.model import BY_KIND, Record
from ..data.problems import Loc, Problem

STUB_KINDS = {cls.kind: cls.folder for cls in BY_KIND.values() if cls.stub is not None}


def record_fields(cls: type[Record], record_id: str, given: dict[str, Any], file_records: list[Record]) -> dict[str, Any]:
    """The new record: its id, what was given, and the file's common WBS element when none was."""
    fields: dict[str, Any] = {cls.id_field: record_id, **(cls.stub or {})}
    fields.update({k: v for k, v in given.items() if v not in (None, "")})
    if "wbs" in cls.model_fields and "wbs" not in fields:
        codes = Counter(getattr(r, "wbs", None) for r in file_records if getattr(r, "wbs", None))
        if codes:
            fields["wbs"] = codes.most_common(1)[0][0]
    return fields


def new_record(data_dir: Path, kind: str, record_id: str, given: dict[str, Any], file: Path | None = None) -> Path:
    """Append the record to *file* (default ``<data_dir>/<folder>/new.yaml``); refuse existing or invalid ids."""
    cls = BY_KIND[kind]
    path = file or data_dir / cls.folder / "new.yaml"
    existing = _existing_text(path)
    in_file = LoadResult()
    if existing:
        load_file(path, str(path), cls, in_file)
    fields = record_fields(cls, record_id, given, in_file.records)
    problems: list[Problem] = []
    if validate_record(cls, fields, Loc("new"), {}, problems) is None:
        raise ValueError("; ".join(p.message for p in problems))
    loaded = load_data(data_dir) if data_dir.is_dir() else None
    if loaded and any(r.kind == kind and r.key == record_id for r in loaded.records):
        raise ValueError(f"{kind} '{record_id}' already exists")
    text = yaml.safe_dump([fields], sort_keys=False, allow_unicode=True, width=100)
    separator = "" if not existing else ("\n" if existing.endswith("\n") else "\n\n")
    if existing.endswith("\n\n"):
        separator = ""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, existing + separator + text)
    return path


def _existing_text(path: Path) -> str:
    """The file's text, if it holds a list of records (refused otherwise: nothing is appended)."""
    if not path.exists():
        return ""
    existing = path.read_text(encoding="utf-8")
    try:
        if not isinstance(yaml.safe_load(existing) or [], list):
            raise ValueError(f"{path} does not hold a list of records; not appending to it")
    except yaml.YAMLError:
        raise ValueError(f"{path} is not valid YAML (run dmsite validate); not appending to it") from None
    return existing

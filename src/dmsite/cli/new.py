"""``dmsite new``: append a correctly formed record stub to a data file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

STUB_KINDS = {"milestone": "milestones", "product": "products", "document": "documents"}


def stub(kind: str, record_id: str, name: str) -> dict[str, object]:
    if kind == "milestone":
        return {"id": record_id, "name": name or "TODO name", "wbs": None, "level": None,
                "due": dt.date.today().isoformat(), "predecessors": [], "description": "TODO"}
    if kind == "product":
        return {"id": record_id, "name": name or record_id, "description": "TODO", "parent": None,
                "wbs": None, "manager": None, "owner": None, "packages": []}
    return {"handle": record_id, "title": name or "TODO title", "authors": [], "year": dt.date.today().year,
            "url": None, "status": "draft"}


def new_record(data_dir: Path, kind: str, record_id: str, name: str, file: Path | None = None) -> Path:
    """Append the stub to *file* (default ``<data_dir>/<folder>/new.yaml``); refuse existing or invalid ids."""
    from ..data.load import load_data, validate_record
    from ..data.model import KINDS
    from ..data.problems import Loc, Problem

    problems: list[Problem] = []
    if validate_record(KINDS[STUB_KINDS[kind]], stub(kind, record_id, name), Loc("new"), {}, problems) is None:
        raise ValueError("; ".join(p.message for p in problems))
    loaded = load_data(data_dir) if data_dir.is_dir() else None
    if loaded and any(r.kind == kind and r.key == record_id
                      for r in loaded.records):
        raise ValueError(f"{kind} '{record_id}' already exists")
    path = file or data_dir / STUB_KINDS[kind] / "new.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump([stub(kind, record_id, name)], sort_keys=False, allow_unicode=True)
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        if not isinstance(yaml.safe_load(existing) or [], list):
            raise ValueError(f"{path} does not hold a list of records; not appending to it")
    except yaml.YAMLError:
        raise ValueError(f"{path} is not valid YAML (run dmsite validate); not appending to it") from None
    if existing and not existing.endswith("\n"):
        existing += "\n"
    path.write_text(existing + text, encoding="utf-8")
    return path

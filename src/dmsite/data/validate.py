"""Plain values → typed records (pydantic), each error a located message saying what would be right."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

from .lookalikes import foreign_letters
from .model import ID_PATTERN, ONE_LINE_PATTERN, Record
from .problems import Loc, Problem, clip
from .yamlnodes import mark_loc

MAX_PROBLEMS_PER_RECORD = 50  # a record of a million unknown keys gives 51 messages, not a million


def guess_id(item: yaml.MappingNode, cls: type[Record]) -> str:
    for key, value in item.value:
        if isinstance(key, yaml.ScalarNode) and key.value == cls.id_field and isinstance(value, yaml.ScalarNode):
            return clip(value.value) or "-"
    return "-"


def _node_loc(
    path: str, node: yaml.Node, error_loc: tuple[int | str, ...], keys: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]]
) -> Loc | None:
    """Where the part of a record named by a validation error's path was written (*keys*: each mapping's, once)."""
    mark = None
    for part in error_loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            if id(node) not in keys:  # a dict, not a scan per error: a record of 40,000 unknown keys took minutes
                keys[id(node)] = {}
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode):
                        keys[id(node)].setdefault(k.value, (k, v))
            found = keys[id(node)].get(part)
            if found is None:
                break
            mark, node = found[0].start_mark, found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            mark = node.start_mark
        else:
            break
    return mark_loc(path, mark) if mark else None


def validate_record(
    cls: type[Record], values: dict[str, Any], loc: Loc, locs: dict[str, Loc], problems: list[Problem],
    node: yaml.Node | None = None,
) -> Record | None:
    """Build one record; on failure append one located problem per bad field (at *node*'s part, if given)."""
    record_id = values.get(cls.id_field)
    shown_id = clip(record_id) if isinstance(record_id, str | int | float) and str(record_id) else "-"
    try:
        return cls.model_validate(values).located(loc, locs)
    except ValidationError as exc:
        keys: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = {}
        errors = exc.errors(include_url=False)
        for error in errors[:MAX_PROBLEMS_PER_RECORD]:
            field_name = str(error["loc"][0]) if error["loc"] else ""
            where = (node and _node_loc(loc.path, node, error["loc"], keys)) or locs.get(field_name, loc)
            problems.append(Problem(where, shown_id, _explain(cls, error)))
        if len(errors) > MAX_PROBLEMS_PER_RECORD:
            more = len(errors) - MAX_PROBLEMS_PER_RECORD
            problems.append(Problem(loc, shown_id, f"and {more:,} more problem(s) in this record, not listed"))
        return None


def _fields_at(cls: type[BaseModel], error_loc: tuple[int | str, ...]) -> list[str]:
    """The field names of the (nested) model at *error_loc*, e.g. a document's relations items."""
    model: type[BaseModel] | None = cls
    for part in error_loc:
        if isinstance(part, str) and model is not None:
            field_info = model.model_fields.get(part)
            model = _inner_model(field_info.annotation) if field_info else None
    return [f.alias or name for name, f in model.model_fields.items()] if model else []


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found:
            return found
    return None


def _explain(cls: type[Record], error: Any) -> str:
    path = ".".join(clip(part, 60) for part in error["loc"])
    if error["type"] == "extra_forbidden" and error["loc"] == ("successors",) and "predecessors" in cls.model_fields:
        return ("unknown field 'successors': successors are derived from predecessors; "
                "list this record in each successor's 'predecessors' instead")
    if error["type"] == "extra_forbidden":
        known = _fields_at(cls, error["loc"][:-1])
        hint = difflib.get_close_matches(str(error["loc"][-1]), known, n=1)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else f" (known fields: {', '.join(known)})"
        return f"unknown field '{path}'{suggestion}"
    if error["type"] == "missing":
        return f"missing required field '{path}'"
    if error["type"] == "string_pattern_mismatch" and error["ctx"].get("pattern") == ID_PATTERN:
        return (f"{path}: '{clip(error['input'])}' is not a valid id (use letters, digits and . _ / + : ( ) & -, "
                f"starting with a letter or digit, no spaces){foreign_letters(str(error['input']))}")
    if error["type"] == "string_pattern_mismatch" and error["ctx"].get("pattern") == ONE_LINE_PATTERN:
        return f"{path}: '{clip(error['input'])}' must be one line, without control characters"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "model_type":
        fields = _fields_at(cls, error["loc"])
        message = f"expected fields like '{fields[0]}: ...'" if fields else "expected a mapping of fields"
    if error["type"] != "value_error" and "too_long" not in error["type"]:
        found = error["input"]
        message += f" (got {found.isoformat() if isinstance(found, dt.date) else clip(repr(found), 60)})"
    if error["type"] == "string_type" and isinstance(error["input"], int | float | dt.date):
        message += "; YAML read it as a number, true/false or a date: put the value in quotes"
    return f"{path}: {message}"

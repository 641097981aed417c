"""Edit records in YAML data files in place: only the lines of the fields that change are rewritten.

Every other byte of a file — hand-kept fields, comments, blank lines, order, quoting, line
wrapping — stays as it was, so an import is a small, reviewable diff.  (A full round-trip
dump, e.g. with ruamel.yaml, re-wraps folded plain scalars and moves the blank lines it
attaches to keys: it changed 10 of the site's 11 data files without any edit.)  Positions
come from PyYAML's C parser, as in ``data/load.py``; each new value is checked by reading
it back before it is written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..data.dates import PlanDate

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

WRAP = 110  # long text is written as a folded block wrapped at this width
STYLE = {"wbs": '"'}  # how new values of these keys are quoted (the site's files quote WBS codes)
_PLAIN_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/+()&,'-]*$")


@dataclass
class FieldSpan:
    key_line: int  # 0-based line of the key
    end_line: int  # exclusive: the line after the value's last content line
    column: int  # column of the key
    style: str | None  # the scalar's quoting style ('"', "'", '|', '>' or None), or 'flow'/'block' for lists


@dataclass
class RecordText:
    """One record of a file: its parsed values and where each field is written."""

    values: dict[str, Any]
    start: int
    end: int  # exclusive; the last content line + 1 (blank lines and comments after it are not the record's)
    column: int
    fields: dict[str, FieldSpan]
    changes: dict[str, Any] = field(default_factory=dict)  # key → new value (None: remove)


class YamlFile:
    """A data file (a list of records) that records can be changed in and appended to."""

    def __init__(self, path: Path, text: str | None = None):
        self.path = path
        self.text = path.read_text(encoding="utf-8") if text is None else text
        self.lines = self.text.splitlines(keepends=True)
        self.records: list[RecordText] = _records(self.text, self.lines)
        self.appended: list[dict[str, Any]] = []

    @property
    def changed(self) -> bool:
        return bool(self.appended) or any(r.changes for r in self.records)

    def render(self, order: Sequence[str]) -> str:
        """The file with every change made; *order* places new keys (after the nearest earlier one present)."""
        out: list[str] = []
        done = 0
        for record in self.records:
            if not record.changes:
                continue
            out += self.lines[done:record.start]
            out += _edited(record, self.lines, order)
            done = record.end
        out += self.lines[done:]
        text = "".join(out)
        for values in self.appended:
            if text and not text.endswith("\n"):
                text += "\n"
            text += ("\n" if text.strip() else "") + "".join(record_lines(values, order))
        return text


def _records(text: str, lines: list[str]) -> list[RecordText]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return _spans(node, loader, lines) if node is not None else []
    finally:
        loader.dispose()


def _spans(node: yaml.Node, loader: Any, lines: list[str]) -> list[RecordText]:
    if not isinstance(node, yaml.SequenceNode):
        raise ValueError("expected a list of records")
    records = []
    for item in node.value:
        if not isinstance(item, yaml.MappingNode):
            raise ValueError(f"line {item.start_mark.line + 1}: expected a record (fields like 'id: ...')")
        spans: dict[str, FieldSpan] = {}
        for key, value in item.value:
            style = "flow" if isinstance(value, yaml.SequenceNode) and value.flow_style else (
                "block" if isinstance(value, yaml.SequenceNode) else getattr(value, "style", None))
            end = _content_end(lines, key.start_mark.line, value.end_mark)
            spans[str(key.value)] = FieldSpan(key.start_mark.line, end, key.start_mark.column, style)
        values = loader.construct_object(item, deep=True)
        first = min(s.key_line for s in spans.values())
        last = max(s.end_line for s in spans.values())
        column = min(s.column for s in spans.values())
        records.append(RecordText(values, first, last, column, spans))
    return records


def _content_end(lines: list[str], key_line: int, end: yaml.Mark) -> int:
    """The line after the value's last line that holds content (not blank, not a comment)."""
    last = end.line if end.column > 0 else end.line - 1
    last = max(last, key_line)
    while last > key_line and (not lines[last].strip() or lines[last].lstrip().startswith("#")):
        last -= 1
    return last + 1


def _edited(record: RecordText, lines: list[str], order: Sequence[str]) -> list[str]:
    """The record's lines with its changes made (untouched fields keep their exact text)."""
    pad = " " * record.column
    kept = sorted(record.fields.items(), key=lambda kv: kv[1].key_line)
    out: list[str] = []
    present = [k for k, _ in kept]
    new_keys = [k for k, v in record.changes.items() if k not in record.fields and v is not None]
    after: dict[str | None, list[str]] = {}
    for key in new_keys:
        anchor = _anchor(key, present, order)
        after.setdefault(anchor, []).append(key)
    for i, (key, span) in enumerate(kept):
        gap_end = kept[i + 1][1].key_line if i + 1 < len(kept) else record.end
        prefix = lines[span.key_line][:span.column]  # '- ' on a record's first line
        if key in record.changes:
            value = record.changes[key]
            if value is not None:
                written = field_lines(key, value, pad, span.style)
                out.append(prefix + written[0][len(pad):] if prefix.strip() else written[0])
                out += written[1:]
            elif prefix.strip():
                raise ValueError(f"line {span.key_line + 1}: the first field of a record ({key}) cannot be removed")
        else:
            out += lines[span.key_line:span.end_line]
        out += lines[span.end_line:gap_end]  # comments and blank lines between fields
        for new in after.get(key, []):
            out += field_lines(new, record.changes[new], pad, STYLE.get(new))
    return out


def _anchor(key: str, present: list[str], order: Sequence[str]) -> str:
    """The present key a new *key* goes after: the nearest one before it in *order* (else the last)."""
    if key in order:
        for earlier in reversed(order[:order.index(key)]):
            if earlier in present:
                return earlier
        return present[0]
    return present[-1]


def record_lines(values: dict[str, Any], order: Sequence[str]) -> list[str]:
    """A new record, its fields in *order* (others after them)."""
    keys = sorted(values, key=lambda k: (order.index(k) if k in order else len(order), k))
    lines: list[str] = []
    for i, key in enumerate(keys):
        written = field_lines(key, values[key], "  ", STYLE.get(key))
        lines.append(("- " + written[0][2:]) if i == 0 else written[0])
        lines += written[1:]
    return lines


def field_lines(key: str, value: Any, pad: str, style: str | None) -> list[str]:
    """``key: value`` as YAML lines at indentation *pad*, in the field's old style where one fits."""
    if isinstance(value, list):
        items = [scalar(v) for v in value]
        if style == "block" and items:
            return [f"{pad}{key}:\n", *(f"{pad}  - {item}\n" for item in items)]
        return [f"{pad}{key}: [{', '.join(items)}]\n"]
    if isinstance(value, str) and (len(value) > WRAP or "\n" in value):
        return _block(key, value, pad)
    return [f"{pad}{key}: {scalar(value, style)}\n"]


def scalar(value: Any, style: str | None = None) -> str:
    """One YAML scalar that reads back as *value* (plain where safe; quoted as before where it was)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, PlanDate | dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if style == '"' or (style != "'" and not _reads_back(text, text)):
        return json.dumps(text, ensure_ascii=False)
    if style == "'":
        return "'" + text.replace("'", "''") + "'"
    return text


def _reads_back(written: str, value: Any) -> bool:
    if not _PLAIN_SAFE.match(written) or written.endswith(" "):
        return False
    try:
        return bool(yaml.load(f"k: {written}", Loader=_Loader) == {"k": value})
    except yaml.YAMLError:
        return False


def _block(key: str, text: str, pad: str) -> list[str]:
    """Long or multi-line text: a folded (``>-``) or literal (``|``) block, checked by reading it back."""
    inner = pad + "  "
    if "\n" in text:
        chomp = "" if text.endswith("\n") and not text.endswith("\n\n") else "-" if not text.endswith("\n") else "+"
        body = [inner + line + "\n" if line else "\n" for line in text.rstrip("\n").split("\n")]
        lines = [f"{pad}{key}: |{chomp}\n", *body]
    else:
        wrapped = textwrap.wrap(text, WRAP - len(inner), break_long_words=False, break_on_hyphens=False)
        lines = [f"{pad}{key}: >-\n", *(inner + line + "\n" for line in wrapped)]
    try:
        ok = yaml.load("".join(lines), Loader=_Loader) == {key: text}
    except yaml.YAMLError:
        ok = False
    return lines if ok else [f"{pad}{key}: {json.dumps(text, ensure_ascii=False)}\n"]

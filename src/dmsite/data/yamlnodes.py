"""YAML text → nodes and plain values, each key with its position; unsafe or tricky YAML refused."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputRefused
from .problems import Loc, clip

try:
    YAML_LOADER: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    YAML_LOADER = yaml.SafeLoader


MAX_FILE_BYTES = 20 * 1024 * 1024


_STR_TAG = "tag:yaml.org,2002:str"


_YAML_TAG = "tag:yaml.org,2002:"


# tags a plain data file can hold ("value" is what a lone '=' resolves to)
_PLAIN_TAGS = {_YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "value", "map", "seq")}


_ALLOWED_TAGS: dict[type, set[str]] = {yaml.MappingNode: {_YAML_TAG + "map"}, yaml.SequenceNode: {_YAML_TAG + "seq"}}
_SCALAR_TAGS = _PLAIN_TAGS - {_YAML_TAG + "map", _YAML_TAG + "seq"}


MAX_DEPTH = 20  # records are a few levels deep; the C composer recurses without limit


def mark_loc(path: str, mark: Any) -> Loc:
    return Loc(path, mark.line + 1, mark.column + 1)


def refuse_tag(path: str, node: yaml.Node) -> None:
    """A YAML tag (``!record``, ``!!python/...``) on any node, a record or the list of them too, is refused."""
    if node.tag not in _ALLOWED_TAGS.get(type(node), _SCALAR_TAGS):  # '- !!str {id: ...}' is no plain value either
        tag = node.tag.replace(_YAML_TAG, "!!")
        raise InputRefused(mark_loc(path, node.start_mark), f"tag {clip(tag)} is not supported; write plain values")


class ValueBuilder:
    """Turns a composed node tree into plain values, refusing aliases and duplicate keys."""

    def __init__(self, path: str, loader: Any):
        self.path = path
        self.loader = loader
        self.seen: set[int] = set()

    def value(self, node: yaml.Node) -> Any:
        if id(node) in self.seen:
            raise InputRefused(mark_loc(self.path, node.start_mark), "anchors and aliases are not supported in data files")
        self.seen.add(id(node))
        refuse_tag(self.path, node)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node)[0]
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item) for item in node.value]
        if node.tag == _STR_TAG:
            return node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, yaml.YAMLError):  # e.g. an unquoted impossible date: let the model explain
            return node.value

    def mapping(self, node: yaml.MappingNode) -> tuple[dict[str, Any], dict[str, Loc]]:
        values: dict[str, Any] = {}
        locs: dict[str, Loc] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise InputRefused(mark_loc(self.path, key_node.start_mark), "merge keys (<<) are not supported")
            key = self.value(key_node)
            here = mark_loc(self.path, key_node.start_mark)
            if not isinstance(key, str):
                raise InputRefused(here, f"keys must be text, got {clip(repr(key))}")
            if key in values:
                raise InputRefused(here, f"duplicate key '{clip(key)}' (first at line {locs[key].line})")
            locs[key] = here
            values[key] = self.value(value_node)
        return values, locs


def parse_file(path: Path, name: str) -> tuple[yaml.Node, ValueBuilder] | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputRefused(Loc(name), f"file is larger than {MAX_FILE_BYTES // 2**20} MB")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputRefused(Loc(name), f"cannot read the file ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputRefused(Loc(name, line, col), f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x})") from None
    loader = YAML_LOADER(text)
    try:
        if not _plainly_safe(text):
            _check_structure(text, name)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = mark_loc(name, mark) if mark else Loc(name)
        raise InputRefused(loc, f"YAML syntax error: {_syntax_message(exc, text)}") from None
    except yaml.reader.ReaderError as exc:
        line, col = text.count("\n", 0, exc.position) + 1, exc.position - text.rfind("\n", 0, exc.position)
        message = f"character U+{exc.character:04X} is not allowed in YAML ({exc.reason}); remove it"
        raise InputRefused(Loc(name, line, col), message) from None
    except yaml.YAMLError as exc:
        raise InputRefused(Loc(name), f"YAML error: {' '.join(str(exc).split())}") from None
    finally:
        loader.dispose()
    return None if node is None else (node, ValueBuilder(name, loader))


def _syntax_message(exc: yaml.MarkedYAMLError, text: str) -> str:
    """The parser's complaint, with a hint for the usual causes and where the enclosing part started."""
    problem = exc.problem or exc.context or "invalid YAML"
    if problem.startswith("but found another document"):
        return "found a second YAML document ('---'); a data file holds one list of records"
    mark = exc.problem_mark
    lines = text.splitlines()
    if mark and mark.line < len(lines) and lines[mark.line][mark.column:mark.column + 1] == "\t":
        return f"{problem} (a tab: indent with spaces)"
    if problem.startswith("could not find expected ':'") and exc.context == "while scanning a simple key":
        return f"{problem} (a key without its ':', or a key longer than 1024 characters)"
    if "mapping values are not allowed" in problem:
        return f"{problem} (check the indentation, or quote a value that contains ': ')"
    context, start = exc.context, exc.context_mark
    if context and start and (not mark or start.line != mark.line):
        return f"{problem} ({context} that starts at line {start.line + 1}, column {start.column + 1})"
    return problem


def a_noun(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def describe_node(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == _YAML_TAG + "null":
        return "nothing"
    return f"'{clip(node.value, 60)}'"


_LEADING = re.compile(r"^[ ?:-]*", re.M)  # indentation and block indicators at the start of each line


def _plainly_safe(text: str) -> bool:
    """True when *text* can hold no alias and cannot nest beyond MAX_DEPTH, so the event scan can be skipped.

    A block collection inside another starts in a later column at least every second level, and at
    most at the end of its line's leading indentation and indicators; each flow level holding another
    needs an opening bracket not closed at once ('[]' and '{}' are empty: one more level at most).
    """
    if "*" in text:
        return False
    leading = max(map(len, _LEADING.findall(text)), default=0)
    flow = text.count("[") - text.count("[]") + text.count("{") - text.count("{}") + 1
    return flow + 2 * (leading + 1) + 1 <= MAX_DEPTH


def _check_structure(text: str, name: str) -> None:
    """Refuse aliases (where they are used) and absurd nesting, before composing nodes."""
    try:
        _scan_events(YAML_LOADER, text, name)
    except yaml.YAMLError as error:
        if "nesting depth" not in str(error):
            raise
        # libyaml ≥ 0.2.6 stops at its own depth limit while reading ahead; the Python parser
        # hands out events sooner, so the report names the first level beyond ours, as before.
        _scan_events(yaml.SafeLoader, text, name)


def _scan_events(loader_class: type, text: str, name: str) -> None:
    loader = loader_class(text)
    depth = 0
    aliases: list[yaml.AliasEvent] = []
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise InputRefused(mark_loc(name, event.start_mark), f"nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases.append(event)
    finally:
        loader.dispose()
    if aliases:
        more = f" ({len(aliases)} aliases in this file)" if len(aliases) > 1 else ""
        message = f"alias *{clip(aliases[0].anchor)} is not supported in data files; write the value out{more}"
        raise InputRefused(mark_loc(name, aliases[0].start_mark), message)

"""The one loader: YAML files → validated records, every problem located.

Files are parsed with PyYAML's C parser into nodes (which keep their positions) and
turned into plain values here, so that duplicate keys and aliases can be refused and
every key remembers its line and column.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import hashlib
import multiprocessing
import os
import pickle
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import pydantic
import yaml
from pydantic import BaseModel, ValidationError

from ..errors import InputRefused as _Refused  # a refused part of a file: one located problem
from .model import ID_PATTERN, KINDS, ONE_LINE_PATTERN, Document, Record
from .problems import Loc, Problem, Severity, clip, relative_path

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 20 * 1024 * 1024
PARALLEL_BYTES = 1024 * 1024  # more uncached YAML than this is parsed by one process per core
DATA_SUFFIXES = (".yaml", ".yml", ".bib")  # .bib: BibTeX files of documents (see bibliography.py)
_STR_TAG = "tag:yaml.org,2002:str"
_YAML_TAG = "tag:yaml.org,2002:"
# tags a plain data file can hold ("value" is what a lone '=' resolves to)
_PLAIN_TAGS = {_YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "value", "map", "seq")}
MAX_DEPTH = 20  # records are a few levels deep; the C composer recurses without limit


@dataclass
class LoadResult:
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    # (table, id) of records refused for an error: still known ids, so one mistake is one message
    broken: list[tuple[str, str]] = field(default_factory=list)


def _loc(path: str, mark: Any) -> Loc:
    return Loc(path, mark.line + 1, mark.column + 1)


class _Builder:
    """Turns a composed node tree into plain values, refusing aliases and duplicate keys."""

    def __init__(self, path: str, loader: Any):
        self.path = path
        self.loader = loader
        self.seen: set[int] = set()

    def value(self, node: yaml.Node) -> Any:
        if id(node) in self.seen:
            raise _Refused(_loc(self.path, node.start_mark), "anchors and aliases are not supported in data files")
        self.seen.add(id(node))
        if node.tag not in _PLAIN_TAGS:
            tag = node.tag.replace(_YAML_TAG, "!!")
            raise _Refused(_loc(self.path, node.start_mark), f"tag {clip(tag)} is not supported; write plain values")
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
                raise _Refused(_loc(self.path, key_node.start_mark), "merge keys (<<) are not supported")
            key = self.value(key_node)
            here = _loc(self.path, key_node.start_mark)
            if not isinstance(key, str):
                raise _Refused(here, f"keys must be text, got {clip(repr(key))}")
            if key in values:
                raise _Refused(here, f"duplicate key '{clip(key)}' (first at line {locs[key].line})")
            locs[key] = here
            values[key] = self.value(value_node)
        return values, locs


def kind_of(path: Path, data_dir: Path) -> str | None:
    """The record kind of a data file: its top folder or, at the top, its stem."""
    parts = path.relative_to(data_dir).parts
    name = parts[0] if len(parts) > 1 else Path(parts[0]).stem
    return name if name in KINDS else None


def data_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in data_dir.rglob("*") if p.suffix in DATA_SUFFIXES and p.is_file())


def load_data(data_dir: Path, base: Path | None = None, cache_dir: Path | None = None) -> LoadResult:
    """Load and validate every record under *data_dir*; never raises on bad data.

    With *cache_dir*, each YAML file's records and problems are kept there by content (see ``_load_cached``).
    """
    result = LoadResult()
    shown = relative_path(data_dir, base)
    if not data_dir.exists():
        result.problems.append(Problem(Loc(shown), "-", "data directory does not exist"))
        return result
    if not data_dir.is_dir():
        result.problems.append(Problem(Loc(shown), "-", "data directory is a file, expected a folder"))
        return result
    if cache_dir is not None:
        _warm_cache(data_dir, base, cache_dir)
    for path in data_files(data_dir):
        result.files.append(path)
        name = relative_path(path, base)
        kind = kind_of(path, data_dir)
        if kind is None:
            result.problems.append(Problem(Loc(name), "-", _unknown_kind(path, data_dir)))
            continue
        if path.suffix == ".bib":
            load_bib_file(path, name, KINDS[kind], result)
        elif cache_dir is not None:
            _load_cached(path, name, KINDS[kind], result, cache_dir)
        else:
            load_file(path, name, KINDS[kind], result)
    _drop_shadowed_bib_entries(result)
    return result


def load_bib_file(path: Path, name: str, cls: type[Record], result: LoadResult) -> None:
    """A BibTeX file under documents/: its entries become Document records."""
    from .bibtex import read_bib_file

    if cls is not Document:
        result.problems.append(Problem(Loc(name), "-", f".bib files belong under documents/, not with {cls.kind} data"))
        return
    entries, problems = read_bib_file(path, name)
    result.problems.extend(problems)
    for values, loc, locs in entries:
        record = validate_record(Document, values, loc, locs, result.problems)
        if record is not None:
            result.records.append(record)


def _drop_shadowed_bib_entries(result: LoadResult) -> None:
    """A document written in YAML wins over the entry of the same handle in a shared .bib file."""
    in_yaml = {r.key for r in result.records if isinstance(r, Document) and not r.loc.path.endswith(".bib")}
    result.records = [
        r for r in result.records if not (isinstance(r, Document) and r.loc.path.endswith(".bib") and r.key in in_yaml)
    ]


def _unknown_kind(path: Path, data_dir: Path) -> str:
    parts = path.relative_to(data_dir).parts
    name = parts[0] if len(parts) > 1 else Path(parts[0]).stem
    hint = difflib.get_close_matches(name, KINDS, n=1)
    known = f"did you mean '{hint[0]}'?" if hint else "folders: " + ", ".join(sorted(KINDS))
    return f"'{clip(name)}' is not a known kind of data ({known})"


_CODE = tuple(sorted(Path(__file__).parent.glob("*.py")))  # the data layer: a change to it invalidates the cache


@functools.cache
def _code_digest() -> bytes:
    """Cached results are only as good as the code that made them."""
    versions = f"{pydantic.VERSION} {yaml.__version__}".encode()
    return hashlib.sha256(versions + b"".join(p.read_bytes() for p in _CODE)).digest()


def _load_cached(path: Path, name: str, cls: type[Record], result: LoadResult, cache_dir: Path) -> None:
    """``load_file``, reusing the records and problems of a file with the same bytes, name, kind and loader code.

    A rebuild after editing one file parses that file only (unpickling is about ten times faster).
    """
    cached = _cache_file(path, name, cls, cache_dir)
    if cached is None:
        load_file(path, name, cls, result)  # load_file reports the problem
        return
    try:
        records, problems, broken = pickle.loads(cached.read_bytes())
    except Exception:  # absent, or unreadable: load the file and keep the result
        records, problems, broken = _load_into_cache(path, name, cls, cached)
    result.records.extend(records)
    result.problems.extend(problems)
    result.broken.extend(broken)


def _cache_file(path: Path, name: str, cls: type[Record], cache_dir: Path) -> Path | None:
    """Where the loaded file is kept: named by its bytes, name, kind and the loader's code (None: not cacheable)."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        key = hashlib.sha256(_code_digest() + f"{name}\0{cls.kind}\0".encode() + path.read_bytes()).hexdigest()
    except OSError:
        return None
    return cache_dir / f"{key}.pickle"


def _load_into_cache(
    path: Path, name: str, cls: type[Record], cached: Path
) -> tuple[list[Record], list[Problem], list[tuple[str, str]]]:
    loaded = LoadResult()
    load_file(path, name, cls, loaded)
    with contextlib.suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        state = (loaded.records, loaded.problems, loaded.broken)
        tmp.write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(cached)
    return loaded.records, loaded.problems, loaded.broken


_Job = tuple[Path, str, type[Record], Path]


def _warm_cache(data_dir: Path, base: Path | None, cache_dir: Path) -> None:
    """Parse the YAML files not yet in the cache in one process per core, when there is enough of them.

    A first build of a large data set then loads in about half the time; ``load_data`` reads the cache
    as usual afterwards (and parses, with the usual reports, anything a worker could not do).
    """
    jobs: list[_Job] = []
    for path in data_files(data_dir):
        kind = kind_of(path, data_dir)
        if kind is None or path.suffix == ".bib":
            continue
        name = relative_path(path, base)
        cached = _cache_file(path, name, KINDS[kind], cache_dir)
        if cached is not None and not cached.exists():
            jobs.append((path, name, KINDS[kind], cached))
    workers = min(os.cpu_count() or 1, len(jobs))
    if workers < 2 or sum(job[0].stat().st_size for job in jobs) < PARALLEL_BYTES:
        return
    if "fork" not in multiprocessing.get_all_start_methods():
        return
    with contextlib.suppress(Exception), ProcessPoolExecutor(workers, multiprocessing.get_context("fork")) as pool:
        for _ in pool.map(_fill_cache, jobs):
            pass


def _fill_cache(job: _Job) -> None:
    _load_into_cache(*job)


def load_file(path: Path, name: str, cls: type[Record], result: LoadResult) -> None:
    """Parse one file and append its records and problems to *result*."""
    try:
        document = _parse(path, name)
    except _Refused as refused:
        result.problems.append(Problem(refused.loc, "-", refused.message))
        return
    if document is None:
        result.problems.append(Problem(Loc(name), "-", "file is empty; expected a list of records", Severity.WARNING))
        return
    node, builder = document
    if not isinstance(node, yaml.SequenceNode):
        message = f"expected a list of {cls.kind} records (each starting with '- ')"
        result.problems.append(Problem(_loc(name, node.start_mark), "-", message))
        return
    for item in node.value:
        record_loc = _loc(name, item.start_mark)
        if not isinstance(item, yaml.MappingNode):
            result.problems.append(Problem(record_loc, "-", f"expected {_a(cls.kind)} record (fields like "
                                                            f"'{cls.id_field}: ...'), got {_found(item)}"))
            continue
        try:
            values, locs = builder.mapping(item)
        except _Refused as refused:
            result.problems.append(Problem(refused.loc, _guess_id(item, cls), refused.message))
            _note_broken(result, cls, _guess_id(item, cls))
            continue
        record = validate_record(cls, values, record_loc, locs, result.problems, item)
        if record is not None:
            result.records.append(record)
        else:
            _note_broken(result, cls, values.get(cls.id_field))


def _note_broken(result: LoadResult, cls: type[Record], record_id: object) -> None:
    """A refused record's id stays known: references to it are not reported again."""
    if isinstance(record_id, str | int) and not isinstance(record_id, bool) and str(record_id).strip() not in ("", "-"):
        result.broken.append((cls.table, str(record_id).strip()))


def _parse(path: Path, name: str) -> tuple[yaml.Node, _Builder] | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise _Refused(Loc(name), f"file is larger than {MAX_FILE_BYTES // 2**20} MB")
        raw = path.read_bytes()
    except OSError as exc:
        raise _Refused(Loc(name), f"cannot read the file ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _Refused(Loc(name, line, col), f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x})") from None
    loader = _Loader(text)
    try:
        if not _plainly_safe(text):
            _check_structure(text, name)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = _loc(name, mark) if mark else Loc(name)
        raise _Refused(loc, f"YAML syntax error: {_syntax_message(exc, text)}") from None
    except yaml.reader.ReaderError as exc:
        line, col = text.count("\n", 0, exc.position) + 1, exc.position - text.rfind("\n", 0, exc.position)
        message = f"character U+{exc.character:04X} is not allowed in YAML ({exc.reason}); remove it"
        raise _Refused(Loc(name, line, col), message) from None
    except yaml.YAMLError as exc:
        raise _Refused(Loc(name), f"YAML error: {' '.join(str(exc).split())}") from None
    finally:
        loader.dispose()
    return None if node is None else (node, _Builder(name, loader))


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


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _found(node: yaml.Node) -> str:
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
        _scan_events(_Loader, text, name)
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
                    raise _Refused(_loc(name, event.start_mark), f"nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases.append(event)
    finally:
        loader.dispose()
    if aliases:
        more = f" ({len(aliases)} aliases in this file)" if len(aliases) > 1 else ""
        message = f"alias *{clip(aliases[0].anchor)} is not supported in data files; write the value out{more}"
        raise _Refused(_loc(name, aliases[0].start_mark), message)


def _guess_id(item: yaml.MappingNode, cls: type[Record]) -> str:
    for key, value in item.value:
        if isinstance(key, yaml.ScalarNode) and key.value == cls.id_field and isinstance(value, yaml.ScalarNode):
            return clip(value.value) or "-"
    return "-"


def _node_loc(path: str, node: yaml.Node, error_loc: tuple[int | str, ...]) -> Loc | None:
    """Where the part of a record named by a validation error's path was written."""
    mark = None
    for part in error_loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            found = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part]
            if not found:
                break
            mark, node = found[0][0].start_mark, found[0][1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            mark = node.start_mark
        else:
            break
    return _loc(path, mark) if mark else None


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
        for error in exc.errors(include_url=False):
            field_name = str(error["loc"][0]) if error["loc"] else ""
            where = (node and _node_loc(loc.path, node, error["loc"])) or locs.get(field_name, loc)
            problems.append(Problem(where, shown_id, _explain(cls, error)))
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
                "starting with a letter or digit, no spaces)")
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

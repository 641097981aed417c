"""One data file → records: YAML lists of records and BibTeX files of documents, problems located."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import InputRefused
from .model import KINDS, Document, Record
from .problems import Loc, Problem, Severity
from .validate import guess_id, validate_record
from .yamlnodes import a_noun, describe_node, mark_loc, parse_file

DATA_SUFFIXES = (".yaml", ".yml", ".bib")  # .bib: BibTeX files of documents (see bibliography.py)


@dataclass
class LoadResult:
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    # (table, id) of records refused for an error: still known ids, so one mistake is one message
    broken: list[tuple[str, str]] = field(default_factory=list)


def kind_of(path: Path, data_dir: Path) -> str | None:
    """The record kind of a data file: its top folder or, at the top, its stem."""
    parts = path.relative_to(data_dir).parts
    name = parts[0] if len(parts) > 1 else Path(parts[0]).stem
    return name if name in KINDS else None


def data_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in data_dir.rglob("*") if p.suffix in DATA_SUFFIXES and p.is_file())


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


def drop_shadowed_bib_entries(result: LoadResult) -> None:
    """A document written in YAML wins over the entry of the same handle in a shared .bib file."""
    in_yaml = {r.key for r in result.records if isinstance(r, Document) and not r.loc.path.endswith(".bib")}
    result.records = [
        r for r in result.records if not (isinstance(r, Document) and r.loc.path.endswith(".bib") and r.key in in_yaml)
    ]


def load_file(path: Path, name: str, cls: type[Record], result: LoadResult) -> None:
    """Parse one file and append its records and problems to *result*."""
    try:
        document = parse_file(path, name)
    except InputRefused as refused:
        result.problems.append(Problem(refused.loc, "-", refused.message))
        return
    if document is None:
        result.problems.append(Problem(Loc(name), "-", "file is empty; expected a list of records", Severity.WARNING))
        return
    node, builder = document
    if not isinstance(node, yaml.SequenceNode):
        message = f"expected a list of {cls.kind} records (each starting with '- ')"
        result.problems.append(Problem(mark_loc(name, node.start_mark), "-", message))
        return
    for item in node.value:
        record_loc = mark_loc(name, item.start_mark)
        if not isinstance(item, yaml.MappingNode):
            result.problems.append(Problem(record_loc, "-", f"expected {a_noun(cls.kind)} record (fields like "
                                                            f"'{cls.id_field}: ...'), got {describe_node(item)}"))
            continue
        try:
            values, locs = builder.mapping(item)
        except InputRefused as refused:
            result.problems.append(Problem(refused.loc, guess_id(item, cls), refused.message))
            note_broken(result, cls, guess_id(item, cls))
            continue
        record = validate_record(cls, values, record_loc, locs, result.problems, item)
        if record is not None:
            result.records.append(record)
        else:
            note_broken(result, cls, values.get(cls.id_field))


def note_broken(result: LoadResult, cls: type[Record], record_id: object) -> None:
    """A refused record's id stays known: references to it are not reported again."""
    if isinstance(record_id, str | int) and not isinstance(record_id, bool) and str(record_id).strip() not in ("", "-"):
        result.broken.append((cls.table, str(record_id).strip()))

"""One data file → records: YAML lists of records and BibTeX files of documents, problems located."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import InputRefused
from .model import KINDS, Document, Record
from .problems import Loc, Problem, Severity
from .validate import guess_id, validate_record
from .yamlnodes import a_noun, describe_node, mark_loc, parse_file, refuse_tag

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
    """The files the loader reads (see ``survey``)."""
    return survey(data_dir)[0]


def survey(data_dir: Path) -> tuple[list[Path], list[tuple[Path, str, Severity]]]:
    """The data files under *data_dir*, and what is wrong with the names that look like data but are not read.

    Refused: a link to a file outside the folder, a name that is not UTF-8, an upper-case suffix
    ('.YAML'), something that is not a regular file. A link to nothing or to a folder is a warning.
    """
    root = data_dir.resolve()
    files: list[Path] = []
    notes: list[tuple[Path, str, Severity]] = []
    for path in data_dir.rglob("*"):
        suffix = path.suffix.lower()
        if path.is_symlink() and (suffix in DATA_SUFFIXES or path.is_dir()):
            note = _link_problem(path, root)
            if note:
                notes.append((path, *note))
                continue
        if path.name.lower() in DATA_SUFFIXES and not path.is_dir():
            notes.append((path, f"a file named '{path.name}' alone is hidden; give it a name (e.g. 'm{path.name}'); "
                                "not read", Severity.ERROR))
            continue
        if suffix not in DATA_SUFFIXES or (path.is_dir() and not path.is_symlink()):
            continue
        if _not_utf8(str(path.relative_to(data_dir))):
            notes.append((path, "the file name is not UTF-8 text; rename the file", Severity.ERROR))
        elif path.suffix != suffix:
            notes.append((path, f"the file name ends in '{path.suffix}': data files end in '{suffix}' (lower case); "
                                "rename it, or it is not read", Severity.ERROR))
        elif not path.is_file():
            notes.append((path, "not a regular file (a folder, pipe or device named like data); not read",
                          Severity.ERROR))
        else:
            files.append(path)
    return sorted(files), sorted(notes, key=lambda note: str(note[0]))


def _link_problem(path: Path, root: Path) -> tuple[str, Severity] | None:
    """What is wrong with the symbolic link *path* (None: a link to a data file inside the folder)."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # nothing there, or a loop of links
        return "a symbolic link to nothing (a file that was moved, or an editor's lock file); not read", Severity.WARNING
    if not target.is_relative_to(root):
        return ("a symbolic link leading outside the data folder; refused: copy what it links to into the folder",
                Severity.ERROR)
    if target.is_dir():
        return "a symbolic link to a folder: not followed (its files are read where they are)", Severity.WARNING
    return None


def _not_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


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
    try:
        refuse_tag(name, node)
    except InputRefused as refused:
        result.problems.append(Problem(refused.loc, "-", refused.message))
        return
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
            refuse_tag(name, item)
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

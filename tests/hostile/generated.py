"""Hostile cases too big to keep as files: written into the case's data directory at test time."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

MB = 1024 * 1024


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def deep_nesting(data: Path) -> None:
    """100,000 nested flow lists: the YAML composer would recurse until the process dies."""
    depth = 100_000
    _write(data / "milestones" / "m.yaml",
           "- id: DM-AP-1\n  name: First\n  due: 2020-01-01\n  comment: " + "[" * depth + "]" * depth + "\n")


def deep_block_nesting(data: Path) -> None:
    """2,000 nested block mappings, one more space of indentation per level."""
    lines = ["- id: DM-AP-1", "  name: First", "  due: 2020-01-01", "  comment:"]
    lines += [" " * (4 + level) + f"k{level}:" for level in range(2_000)]
    _write(data / "milestones" / "m.yaml", "\n".join(lines) + " end\n")


def file_too_large(data: Path) -> None:
    """A 21 MB file is refused before it is parsed."""
    record = "- term: AP\n  definition: Alert Production\n"
    _write(data / "glossary" / "g.yaml", record * (21 * MB // len(record) + 1))


def one_megabyte_strings(data: Path) -> None:
    """1 MB values and keys in every kind of field: refused, and messages stay short."""
    big = "x" * MB
    _write(data / "products" / "p.yaml", f"- id: alert-production\n  name: Alert Production\n  description: {big}\n")
    _write(data / "milestones" / "m.yaml",
           f"- id: DM-AP-1\n  name: {big}\n  due: 2020-01-01\n  description: fine\n"
           f"- id: DM-AP-2\n  name: Second\n  due: {big}\n  description: fine\n")
    _write(data / "milestones" / "key.yaml", f"- id: DM-AP-3\n  name: Third\n  due: 2020-01-01\n  {big}: value\n")
    _write(data / "people" / "p.yaml", f"- id: {big}\n  name: Big id\n")
    _write(data / "glossary" / "g.yaml", f"- term: {big}\n  definition: big term\n")


def many_records(data: Path) -> None:
    """5,000 records whose every reference is unknown: still one message each, quickly."""
    records = "".join(
        f"- id: DM-M-{i:04d}\n  name: Step {i}\n  due: 2020-01-01\n  predecessors: [NOPE-{i:04d}]\n  description: x\n"
        for i in range(5_000)
    )
    _write(data / "milestones" / "m.yaml", records)


def many_unknown_keys(data: Path) -> None:
    """100,000 unknown keys in one record (1.2 MB): 50 messages and a count, in linear time."""
    keys = "".join(f"  k{i}: v\n" for i in range(100_000))
    _write(data / "milestones" / "m.yaml", "- id: DM-AP-1\n  name: First\n  due: 2020-01-01\n" + keys)


def many_unknown_predecessors(data: Path) -> None:
    """2,000 milestones and 250 unknown predecessors: 'did you mean' for the first 200 only (each compares with all)."""
    records = "".join(f"- id: DM-M-{i:04d}\n  name: Step {i}\n  due: 2020-01-01\n  description: x\n" for i in range(2_000))
    wrong = ", ".join(f"DM-M-{i:04d}x" for i in range(250))
    _write(data / "milestones" / "m.yaml", records + f"- id: DM-LAST\n  name: Last\n  due: 2020-01-01\n"
                                                       f"  description: x\n  predecessors: [{wrong}]\n")


MILESTONE = "- id: DM-AP-1\n  name: First\n  due: 2020-01-01\n  description: x\n"


def bib_too_large(data: Path) -> None:
    """A 6 MB .bib file is refused before pybtex reads it (about a megabyte a second)."""
    entry = "@misc{{LDM-{i},\n  title = {{Document {i}}},\n  year = {{2020}}\n}}\n"
    _write(data / "documents" / "big.bib", "".join(entry.format(i=i) for i in range(6 * MB // 50)))


def bib_large_but_allowed(data: Path) -> None:
    """A 1 MB .bib file, LaTeX in every entry, is read well within the time limit; its bad last entry is reported."""
    entry = "@misc{{LDM-{i},\n  title = {{Document {i} on the {{LSST}} pipelines}},\n  author = {{Juri{{\\'c}}, M. and " \
            "O'Mullane, W.}},\n  year = {{2020}}\n}}\n"
    text = "".join(entry.format(i=i) for i in range(MB // 120))
    _write(data / "documents" / "big.bib", text + "@misc{LDM-X,\n  title = {Last},\n  year = {20x1}\n}\n")


def file_name_with_terminal_codes(data: Path) -> None:
    """A file name holding a line break and terminal escapes: the messages show it escaped, never raw."""
    _write(data / "milestones" / "a\n\x1b[32mok: 0 errors\x1b[0m\r.yaml", MILESTONE.replace("2020-01-01", "nope"))


def file_name_not_utf8(data: Path) -> None:
    """A file name that is not UTF-8 (Latin-1 bytes) cannot be shown or hashed as text: refused by name."""
    folder = data / "milestones"
    folder.mkdir(parents=True)
    (folder / os.fsdecode(b"caf\xe9.yaml")).write_text(MILESTONE, encoding="utf-8")


def symlink_outside(data: Path) -> None:
    """Links to a file and a folder outside the data folder: refused, not read."""
    outside = data.parent / "outside"
    _write(outside / "secret.yaml", MILESTONE)
    _write(data / "milestones" / "m.yaml", MILESTONE.replace("DM-AP-1", "DM-AP-2"))
    (data / "milestones" / "linked.yaml").symlink_to(outside / "secret.yaml")
    (data / "glossary").symlink_to(outside, target_is_directory=True)


def symlink_dangling_and_inside(data: Path) -> None:
    """A link to nothing (an editor's lock file) and a link to a folder inside: warnings; a link to a file inside: read."""
    _write(data / "milestones" / "m.yaml", MILESTONE)
    (data / "milestones" / ".#m.yaml").symlink_to("user@host.1234:1700000000")
    (data / "external").symlink_to("milestones", target_is_directory=True)
    _write(data / "glossary" / "terms.txt", "- term: AP\n  definition: Alert Production\n")
    (data / "glossary" / "g.yaml").symlink_to("terms.txt")


def pipe_named_like_data(data: Path) -> None:
    """A named pipe called m.yaml would block a reader forever: refused by what it is, never opened."""
    (data / "milestones").mkdir(parents=True)
    os.mkfifo(data / "milestones" / "m.yaml")
    _write(data / "glossary" / "g.yaml", "- term: AP\n  definition: Alert Production\n")


GENERATORS: dict[str, Callable[[Path], None]] = {
    "bib_too_large": bib_too_large,
    "bib_large_but_allowed": bib_large_but_allowed,
    "file_name_with_terminal_codes": file_name_with_terminal_codes,
    "file_name_not_utf8": file_name_not_utf8,
    "symlink_outside_the_data_folder": symlink_outside,
    "symlink_dangling_and_inside": symlink_dangling_and_inside,
    "pipe_named_like_data": pipe_named_like_data,
    "yaml_deep_nesting": deep_nesting,
    "yaml_deep_block_nesting": deep_block_nesting,
    "file_too_large": file_too_large,
    "yaml_many_unknown_keys": many_unknown_keys,
    "yaml_many_unknown_predecessors": many_unknown_predecessors,
    "one_megabyte_strings": one_megabyte_strings,
}

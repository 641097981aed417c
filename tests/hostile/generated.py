"""Hostile cases too big to keep as files: written into the case's data directory at test time."""

from __future__ import annotations

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


GENERATORS: dict[str, Callable[[Path], None]] = {
    "yaml_deep_nesting": deep_nesting,
    "yaml_deep_block_nesting": deep_block_nesting,
    "file_too_large": file_too_large,
    "one_megabyte_strings": one_megabyte_strings,
}

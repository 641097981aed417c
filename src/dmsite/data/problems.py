"""Located problems: every message names file, line, column and record."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


@dataclass(frozen=True, order=True)
class Loc:
    """A position in a data file (1-based line and column)."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    loc: Loc
    record: str  # record id, or "-" when the problem is not inside a record
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.loc}: {self.record}: {self.message}"


def clip(text: object, limit: int = 80) -> str:
    """*text* on one line and at most about *limit* characters, for messages."""
    shown = str(text).encode("unicode_escape").decode("ascii") if not str(text).isprintable() else str(text)
    return shown if len(shown) <= limit else shown[:limit] + f"... ({len(shown)} characters)"


def relative_path(path: Path, base: Path | None = None) -> str:
    """Show *path* relative to *base* (default: the working directory) when possible."""
    try:
        return str(path.resolve().relative_to((base or Path.cwd()).resolve()))
    except ValueError:
        return str(path)

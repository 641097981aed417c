"""Located problems: every message names file, line, column and record."""

from __future__ import annotations

import re
import unicodedata
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
        return printable(f"{self.loc}: {self.record}: {self.message}")


# what must not reach a terminal or a log raw: controls (escape sequences, line breaks that forge
# lines), format characters (bidi overrides), lone surrogates, line and paragraph separators
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f"
                     "\ufeff\ufff9-\ufffb\ud800-\udfff]")


_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(ch: str) -> str:
    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: object) -> str:
    """*text* safe to print: control and invisible characters shown as escapes (\\n, \\x1b, \\u202e)."""
    shown = str(text)
    if shown.isprintable():
        return shown
    shown = _UNSAFE.sub(lambda m: _escape(m.group()), shown)
    return "".join(_escape(c) if unicodedata.category(c) in ("Cf", "Cs") else c for c in shown)


def clip(text: object, limit: int = 80) -> str:
    """*text* on one line and at most about *limit* characters, for messages."""
    shown = printable(text)
    return shown if len(shown) <= limit else shown[:limit] + f"... ({len(shown)} characters)"


def relative_path(path: Path, base: Path | None = None) -> str:
    """Show *path* relative to *base* (default: the working directory) when possible."""
    try:
        # the parent resolved, not the file: a symbolic link is shown by its own name
        return str((path.parent.resolve() / path.name).relative_to((base or Path.cwd()).resolve()))
    except ValueError:
        return str(path)

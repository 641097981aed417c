"""What text fields may hold: no control characters (written raw or as YAML escapes), one line where one is meant.

YAML refuses raw control characters but not their escaped forms (``"a\\0b"``, ``"\\x85"``, ``"\\u2028"``);
these checks refuse both, naming the character and where it is.  Terms (looked up by what readers
see) and one-line fields refuse invisible characters too: bidi overrides, zero-width spaces.
"""

from __future__ import annotations

import re
import unicodedata

# in any text: controls other than tab and line breaks, lone surrogates (no file can hold them), NEL, and
# the bidi embeddings, overrides and isolates (which reorder what a reader sees, in a page or a terminal)
_NEVER = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069"
# one-line text: also line breaks, the line and paragraph separators, the direction marks and the byte order mark
_NOT_ONE_LINE = _NEVER + "\n\r\u2028\u2029\u200e\u200f\u061c\ufeff"
_BAD_TEXT = re.compile(f"[{_NEVER}]")
_BAD_LINE = re.compile(f"[{_NOT_ONE_LINE}]")
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}  # a term: only characters a reader sees (and spaces)


_CONTROL_NAMES = {"\0": "NULL", "\b": "BACKSPACE", "\t": "TAB", "\n": "LINE FEED", "\v": "VERTICAL TAB",
                  "\f": "FORM FEED", "\r": "CARRIAGE RETURN", "\x1b": "ESCAPE", "\x7f": "DELETE",
                  "\x85": "NEXT LINE"}


def describe_char(ch: str) -> str:
    """'U+200B (ZERO WIDTH SPACE)'."""
    name = _CONTROL_NAMES.get(ch) or unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")


def _refuse(value: str, at: int, what: str) -> None:
    raise ValueError(f"character {describe_char(value[at])} at position {at + 1} is not allowed in {what}")


def check_text(value: str) -> str:
    """Multi-line text (descriptions): no control characters but tab and line breaks, no bidi override."""
    found = _BAD_TEXT.search(value)
    if found:
        _refuse(value, found.start(), "text; remove it")
    return value


def check_line(value: str) -> str:
    """One line of text (names, titles): no line breaks, controls, or bidi overrides."""
    found = _BAD_LINE.search(value)
    if found:
        _refuse(value, found.start(), "a one-line field; write one line of visible text")
    return value


def check_term(value: str) -> str:
    """A glossary term: one line of characters a reader sees (no zero-width or format characters)."""
    check_line(value)
    for at, ch in enumerate(value):
        if unicodedata.category(ch) in _INVISIBLE:
            _refuse(value, at, "a term; write only characters a reader sees")
    return value


def lookalike_key(value: str) -> str:
    """What a reader sees of *value*: NFKC-normalised ('ＡＰ' → 'AP', 'ﬁ' → 'fi'), spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", value).split())

"""Terms a reader cannot tell apart: letters of two scripts in one word, and confusable twins.

Scripts and confusables come from Unicode's data (Scripts.txt, TR39 confusables.txt) as the
confusable-homoglyphs package ships them.  A word that mixes scripts (Latin ``A`` with Cyrillic
``А`` U+0410 in ``АP``) is a warning naming the odd characters; two terms that are the same once
NFKC-normalised and each letter from another script is replaced by the Latin letter it looks like
are one term written twice: an error.  Ids are ASCII (``model.ID_PATTERN``): an id with a letter
from another script is refused, and ``foreign_letters`` names that letter in the message.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from types import ModuleType

from .model import Record
from .problems import Problem, Severity
from .text import describe_char, lookalike_key

_NEUTRAL = {"COMMON", "INHERITED", "UNKNOWN"}  # digits, punctuation, combining marks: in any script
_WORD = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _unicode_data() -> tuple[ModuleType, ModuleType]:
    """The package's script and confusables tables, read when a value first holds a letter that is not ASCII
    (reading them takes a tenth of a second: most data never needs them)."""
    from confusable_homoglyphs import categories, confusables

    return categories, confusables


@lru_cache(maxsize=4096)
def script(ch: str) -> str:
    """'LATIN', 'CYRILLIC', 'GREEK', or 'COMMON' (digits, punctuation) for *ch*."""
    return str(_unicode_data()[0].alias(ch))


def odd_letters(word: str) -> tuple[str, list[str]]:
    """The main script of *word* and the characters of *word* from other scripts ('АP' → LATIN, ['А'])."""
    counts = Counter(s for s in map(script, word) if s not in _NEUTRAL)
    if len(counts) < 2:
        return "", []
    top = max(counts.values())
    main = "LATIN" if counts.get("LATIN") == top else counts.most_common(1)[0][0]
    return main, list(dict.fromkeys(ch for ch in word if script(ch) not in _NEUTRAL | {main}))


def mixed_script_message(value: str, noun: str) -> str | None:
    """A warning for *value* when one of its words mixes scripts, naming the characters; else None."""
    for word in _WORD.findall(value):
        main, odd = odd_letters(word)
        if odd:
            shown = ", ".join(describe_char(ch) for ch in odd)
            return (f"{noun} '{value}' mixes scripts in one word: '{word}' has {shown} among "
                    f"{main.title()} letters; write each word in one script")
    return None


def foreign_letters(value: str) -> str:
    """'; U+0410 (CYRILLIC CAPITAL LETTER A) looks like Latin 'A'' for the letters of an id that are not ASCII."""
    odd = list(dict.fromkeys(ch for ch in value if not ch.isascii() and ch.isalnum()))[:3]
    if not odd:
        return ""
    return "; " + ", ".join(describe_char(ch) + (f" looks like Latin '{_prototype(ch)}'" if _prototype(ch) != ch
                                                 else f" is a {script(ch).title()} letter") for ch in odd)


@lru_cache(maxsize=65536)
def _prototype(ch: str) -> str:
    """The character *ch* looks like, per TR39, when *ch* is not ASCII (Cyrillic 'А' → 'A'), else *ch*."""
    if ch.isascii():
        return ch
    found = _unicode_data()[1].confusables_data.get(ch)
    if found and len(found) == 1 and found[0]["c"].isascii():  # a source character names its prototype alone
        return str(found[0]["c"])
    return ch


def skeleton(value: str) -> str:
    """*value* as a reader sees it: NFKC, spaces collapsed, other scripts' lookalikes as Latin letters."""
    return "".join(map(_prototype, lookalike_key(value)))


def _differences(value: str, other: str) -> str:
    odd = dict.fromkeys(ch for ch in value + other if not ch.isascii() and _prototype(ch) != ch)
    return ", ".join(f"{describe_char(ch)} for '{_prototype(ch)}'" for ch in odd)


def lookalike_problems(tables: Iterable[tuple[str, Iterable[Record]]]) -> list[Problem]:
    """Mixed-script warnings and confusable-twin errors among the ids (or terms) of each (noun, records) table."""
    problems: list[Problem] = []
    for noun, records in tables:
        problems += _table_problems(records, noun)
    return problems


def _table_problems(records: Iterable[Record], noun: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, Record] = {}
    for record in records:
        value, field = record.key, record.id_field
        label = "term" if field == "term" else "id"
        if not value.isascii() and (message := mixed_script_message(value, label)):
            problems.append(Problem(record.field_loc(field), value, message, Severity.WARNING))
        first = seen.setdefault(skeleton(value), record)
        if first is record or (value.isascii() and first.key.isascii()):
            continue
        if lookalike_key(first.key) != lookalike_key(value):  # else the NFKC rule (checks) says so
            problems.append(Problem(
                record.field_loc(field), value,
                f"{label} '{value}' looks the same as {noun} '{first.key}' ({first.loc}) "
                f"({_differences(value, first.key)}); one {label} written twice: write it once",
            ))
    return problems

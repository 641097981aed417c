"""Which glossary terms a text uses, and the ALL-CAPS words that may want an entry."""

from __future__ import annotations

import functools
import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping

_TAGS = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_ALL_CAPS = re.compile(r"^[A-Z]{2,}[0-9]*$")  # 'DM', 'DP0'; not 'F17F' (a cycle name)
# Words made of letters, digits and inner hyphens (ids like DMS-REQ-0002 are one word), only those
# with two capitals in a row: the others can hold no all-caps part, and the regex engine skips them.
_WORD_WITH_CAPS = re.compile(r"(?<![A-Za-z0-9])(?=[A-Za-z0-9-]*[A-Z]{2})[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")


def html_text(markup: str) -> str:
    """The visible text of an HTML fragment (tags dropped, entities decoded)."""
    return html.unescape(_TAGS.sub(" ", markup))


@functools.lru_cache(maxsize=8)
def _term_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    if not terms:
        return None
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=lambda t: (-len(t), t)))
    # a whole word (a plural 's' allowed); 'DM-AP-10' is an id, not a use of 'DM'
    return re.compile(rf"(?<![\w-])({alternatives})s?(?![\w]|-\w)")


def used_terms(text: str, terms: Iterable[str]) -> set[str]:
    """The glossary terms that occur in *text* (case-sensitive, whole words)."""
    pattern = _term_pattern(tuple(sorted(set(terms))))
    if pattern is None:
        return set()
    return {m.group(1) for m in pattern.finditer(_SPACE.sub(" ", text))}


def caps_tokens(text: str) -> Counter[str]:
    """ALL-CAPS words (2+ capitals) in *text*, with counts; hyphenated ids with digits are skipped."""
    counts: Counter[str] = Counter()
    for word in _WORD_WITH_CAPS.findall(text):
        if "-" in word and any(c.isdigit() for c in word):
            continue
        counts.update(part for part in word.split("-") if _ALL_CAPS.match(part))
    return counts


def candidates(counts: Mapping[str, int], terms: Iterable[str], ignore: Iterable[str] = ()) -> list[tuple[str, int]]:
    """ALL-CAPS tokens that are not glossary terms (nor in *ignore*), most used first."""
    known = set(terms) | set(ignore)
    unknown = [(token, n) for token, n in counts.items() if token not in known and token.rstrip("s") not in known]
    return sorted(unknown, key=lambda item: (-item[1], item[0]))



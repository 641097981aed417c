"""Which known document handles a text mentions (the scan behind automatic citations)."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..data.model import Document

if TYPE_CHECKING:
    from ..data.catalog import Catalog


@functools.lru_cache(maxsize=8)
def _handle_pattern(handles: tuple[str, ...]) -> re.Pattern[str] | None:
    if not handles:
        return None
    # longest first, so that LDM-1481 is not read as LDM-148 followed by "1"
    alternatives = "|".join(re.escape(h) for h in sorted(handles, key=lambda h: (-len(h), h)))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w]|-\w)")


def handle_pattern(documents: Mapping[str, Document]) -> re.Pattern[str] | None:
    return _handle_pattern(tuple(sorted(documents)))


def cited_handles(text: str, catalog: Catalog) -> list[str]:
    """Known document handles mentioned in *text*, in order of first mention.

    A handle is a whole word: 'LDM-151 §3.1' cites LDM-151; 'LDM-503-10a' (a milestone) does not
    cite LDM-503.
    """
    pattern = handle_pattern(catalog.documents)
    if pattern is None:
        return []
    return list(dict.fromkeys(m.group(0) for m in pattern.finditer(text)))

"""Rendered table rows kept by a key of everything they show, so an edit renders only the rows it changed."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

Row = tuple[str, tuple[int, ...]]  # a row's HTML and each cell's text length (a long table's column widths)


class RowMemo:
    """Rows by key: the ones kept from earlier builds (*before*) and the ones this build used (``now``).

    *salt* goes into every key: the digest of the code that renders the rows (see ``sphinxext.table_rows``).
    """

    def __init__(self, salt: bytes, before: Mapping[bytes, Row] | None = None) -> None:
        self.salt = salt
        self.before = before or {}
        self.now: dict[bytes, Row] = {}

    def key(self, *parts: bytes | str) -> bytes:
        data = b"\0".join(p if isinstance(p, bytes) else p.encode() for p in (self.salt, *parts))
        return hashlib.blake2b(data, digest_size=16).digest()

    def get(self, key: bytes) -> Row | None:
        found = self.now.get(key) or self.before.get(key)
        if found is not None:
            self.now[key] = found
        return found

    def put(self, key: bytes, row: Row) -> None:
        self.now[key] = row

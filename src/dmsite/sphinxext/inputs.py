"""Which pages a data change makes outdated.

A page that shows data is read again whenever any data file changes — unless every directive on
it declares its inputs: a class method ``inputs(catalog, options, arguments)`` returning a value
(records and plain values) that changes whenever the directive's output would.  The value's
fingerprint is kept per page (in the ``dm`` domain); after a data change it is computed again from the new data (so
added and removed records count too) and the page is read again only if it differs.  Roles and
directives without ``inputs`` keep the page depending on all the data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
from typing import Any

from pydantic import BaseModel
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from ..data.catalog import Catalog
from ..data.model import Record
from .domain import Use, dm_domain


def fingerprint(value: object) -> str:
    digest = hashlib.sha256()
    _feed(digest, value)
    return digest.hexdigest()


_PLAIN = (str, int, float, bool, dt.date, type(None))  # values whose repr shows all of them


def _feed(digest: Any, value: object) -> None:
    if isinstance(value, Record):  # its values' digest, made when it was read (see Record.digest)
        digest.update(value.digest)
    elif isinstance(value, BaseModel):
        digest.update(type(value).__name__.encode() + value.model_dump_json().encode() + b"\0")
    elif isinstance(value, list | tuple) and all(isinstance(item, _PLAIN) for item in value):
        digest.update(repr(value).encode() + b"\0")
    elif isinstance(value, list | tuple):
        digest.update(b"[")
        for item in value:
            _feed(digest, item)
        digest.update(b"]")
    elif isinstance(value, _PLAIN):
        digest.update(repr(value).encode() + b"\0")
    else:
        raise TypeError(f"cannot fingerprint {type(value).__name__}")


def note_use(directive: SphinxDirective, catalog: Catalog) -> None:
    """Record that *directive* shows data on the current page: its fingerprint, or all data."""
    domain, cls = dm_domain(directive.env), type(directive)
    if getattr(cls, "inputs", None) is None:
        domain.note_reads_all()
        return
    options, arguments = dict(directive.options), list(directive.arguments)
    value = cls.inputs(catalog, options, arguments)
    domain.note_use((f"{cls.__module__}:{cls.__qualname__}", options, arguments, fingerprint(value)))


def _changed(use: Use, catalog: Catalog) -> bool:
    path, options, arguments, before = use
    try:
        module, name = path.split(":")
        cls: Any = importlib.import_module(module)
        for part in name.split("."):
            cls = getattr(cls, part)
        return bool(fingerprint(cls.inputs(catalog, options, arguments)) != before)
    except Exception:  # the class went away or changed: read the page again
        return True


def outdated_by_data(env: BuildEnvironment, catalog: Catalog) -> list[str]:
    """Pages to read again after the data changed."""
    domain = dm_domain(env)
    pages = [doc for doc in domain.pages_reading_all if doc in env.found_docs]
    declared = [doc for doc in domain.uses if doc in env.found_docs and not domain.reads_all(doc)]
    pages += [doc for doc in declared if any(_changed(use, catalog) for use in domain.uses[doc])]
    return sorted(set(pages))

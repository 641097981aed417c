"""Which pages a data change makes outdated.

A page that shows data is read again whenever any data file changes — unless every directive on
it declares its inputs: a class method ``inputs(catalog, options, arguments)`` returning a value
(records and plain values) that changes whenever the directive's output would.  The value's
fingerprint is kept per page; after a data change it is computed again from the new data (so
added and removed records count too) and the page is read again only if it differs.  Roles and
directives without ``inputs`` keep the page depending on all the data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from ..data.catalog import Catalog

Use = tuple[str, dict[str, Any], list[str], str]  # directive class, options, arguments, fingerprint


def fingerprint(value: object) -> str:
    digest = hashlib.sha256()
    _feed(digest, value)
    return digest.hexdigest()


_PLAIN = (str, int, float, bool, dt.date, type(None))  # values whose repr shows all of them


def _feed(digest: Any, value: object) -> None:
    if isinstance(value, BaseModel):
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


def _uses(env: BuildEnvironment) -> dict[str, list[Use]]:
    if not hasattr(env, "dmsite_inputs"):
        env.dmsite_inputs = {}  # type: ignore[attr-defined]
    return env.dmsite_inputs  # type: ignore[attr-defined, no-any-return]


def note_use(directive: SphinxDirective, catalog: Catalog) -> None:
    """Record that *directive* shows data on the current page: its fingerprint, or all data."""
    env, docname, cls = directive.env, directive.env.docname, type(directive)
    if getattr(cls, "inputs", None) is None:
        env.metadata[docname]["dmsite"] = True
        return
    options, arguments = dict(directive.options), list(directive.arguments)
    value = cls.inputs(catalog, options, arguments)
    _uses(env).setdefault(docname, []).append((f"{cls.__module__}:{cls.__qualname__}", options, arguments,
                                               fingerprint(value)))


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
    pages = [doc for doc, meta in env.metadata.items() if meta.get("dmsite") and doc in env.found_docs]
    declared = [doc for doc in _uses(env) if doc in env.found_docs and not env.metadata.get(doc, {}).get("dmsite")]
    pages += [doc for doc in declared if any(_changed(use, catalog) for use in _uses(env)[doc])]
    return sorted(set(pages))


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _uses(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: Iterable[str], other: BuildEnvironment) -> None:
    theirs = _uses(other)
    _uses(env).update({doc: theirs[doc] for doc in docnames if doc in theirs})


def setup(app: Sphinx) -> None:
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)

"""Every error dmsite raises on purpose, in one family: catch ``DmsiteError`` and show its message.

Each layer raises its own member and maps the lower-level errors it meets (``git``'s, a
subprocess's, a ``ValueError`` in a date) to it where they occur, so a message, never a
traceback, reaches the reader.  The Sphinx layer turns a member into a ``SphinxError`` of the
same family (``sphinxext.state.DataProblems``, ``sphinxext.settings.SettingsProblem``), which
``sphinx-build`` shows as its message alone.  This module imports nothing: every layer may use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class DmsiteError(Exception):
    """The base of the family: the message says what is wrong and, where it can, what would be right."""


class SettingsError(DmsiteError):
    """A ``dmsite_*`` value (conf.py, ``-D``, the environment) is wrong; the message names it and what is expected."""


class DataError(DmsiteError):
    """The data cannot be used; ``problems`` lists every located problem found (``data.problems.Problem``)."""

    def __init__(self, message: str, problems: Sequence[object] = ()):
        super().__init__(message)
        self.problems = list(problems)


class InputRefused(DataError):
    """The loader refuses (part of) a data file at *loc*; it becomes one located problem, never escapes the loader."""

    def __init__(self, loc: Any, message: str):  # a data.problems.Loc
        super().__init__(f"{loc}: {message}")
        self.loc, self.message = loc, message


class GraphvizError(DmsiteError):
    """A graph could not be laid out: ``reason`` says whether the program is missing, failed or timed out."""

    def __init__(self, message: str, reason: str = "failed") -> None:  # "missing" | "failed" | "timeout"
        super().__init__(message)
        self.reason = reason


class HistoryError(DmsiteError):
    """The repository or a ref cannot be read (the message says which)."""


class PublishError(DmsiteError):
    """The publish cannot start (bad repository, site folder, options); nothing was changed."""


class ExportError(DmsiteError):
    """A scheduling-tool export cannot be imported (a missing sheet or column, a bad row); the message says which."""


class ExportRefused(ExportError):
    """An export beyond a size or time limit, or built to exhaust the reader (``importers.limits``); nothing is written."""


class RefError(DmsiteError):
    """``dmsite diff``: the repository, a ref or the data folder cannot be read (the message says which)."""


class PreviewError(DmsiteError):
    """A PR preview cannot be deployed or removed: git refused, or the options cannot work."""


class PushRejected(PreviewError):
    """A push lost a race with another push to the published branch: fetch again and retry."""

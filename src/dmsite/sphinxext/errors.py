"""dmsite errors at the Sphinx boundary: ``SphinxError`` members of the family, shown by their message alone."""

from __future__ import annotations

import errno
import sys
from typing import Any, TextIO

from sphinx.errors import SphinxError

from ..data.problems import printable
from ..errors import DataError, DmsiteError, SettingsError

DISK_FULL = {errno.ENOSPC, errno.EDQUOT}


class DataProblems(SphinxError, DataError):
    """The build stops on bad data (the located problems were logged as errors already)."""

    category = "dmsite data error"


class SettingsProblem(SphinxError, SettingsError):
    """The build stops on a wrong ``dmsite_*`` value, before anything is read."""

    category = "dmsite configuration error"


def _message(exception: BaseException | None) -> str | None:
    """What to show for a dmsite error, also one an event handler raised (Sphinx wraps it); None for others."""
    for error in (exception, getattr(exception, "orig_exc", None), getattr(exception, "__cause__", None)):
        if isinstance(error, DmsiteError):
            category = error.category if isinstance(error, SphinxError) else "dmsite error"
            return f"{category}: {error}"
        if isinstance(error, OSError) and error.errno in DISK_FULL:
            return (f"dmsite: the disk is full ({printable(str(error))}): the previous output and the caches are "
                    "kept; free some space and build again")
    return None


def report_briefly() -> None:
    """Make sphinx-build end on a dmsite error (bad data, a bad setting) with its message alone, not a crash
    report with a traceback.  Data errors were logged already; sphinx-build still exits with status 2.
    """
    from sphinx.cmd import build

    cli_errors = sys.modules.get("sphinx._cli.util.errors")  # Sphinx >= 8.2 reports through this one
    for module in (build, cli_errors):
        original = getattr(module, "handle_exception", None)
        if original is None or getattr(original, "dmsite", False):
            continue

        def handle_exception(*args: Any, _original: Any = original, **kwargs: Any) -> None:
            # (app, args, exception[, stderr]) in sphinx.cmd.build; (exception, *, stderr, ...) in sphinx._cli
            exception = next((a for a in args if isinstance(a, BaseException)), None)
            verbose = kwargs.get("print_traceback") or any(getattr(a, "traceback", None) is True for a in args)
            shown = _message(exception)
            if shown is not None and not verbose:
                stderr: TextIO = kwargs.get("stderr") or (args[3] if len(args) > 3 else sys.stderr)
                print(f"\n{shown}", file=stderr)
                return
            _original(*args, **kwargs)

        handle_exception.dmsite = True  # type: ignore[attr-defined]
        module.handle_exception = handle_exception  # type: ignore[union-attr]

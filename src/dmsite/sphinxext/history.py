"""Schedule history from git: ``dm-changes`` and ``dm-slip-history``; the published version switcher.

Other areas get the history of the build's repository from :func:`build_history`
(computed once per build and commit) and render it with ``dmsite.render.history``.
"""

from __future__ import annotations

import contextlib
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..analyses.history import ScheduleHistory, changes, snapshot_of_catalog
from ..render import history as render
from ..render.html import esc
from ..vcs import history as hist
from ..vcs.provenance import in_git
from . import inputs, versions
from .base import DataDirective
from .domain import dm_domain
from .settings import settings
from .state import BuildData, current

_cache: dict[tuple[str, str], ScheduleHistory] = {}
_head_of: list[tuple[BuildData, str | None]] = []  # the build (its loaded data) and its head commit


def _head() -> str | None:
    """The commit the build's data is checked out at, or None outside git (or before any commit).

    Looked up once per build: directives on every page ask.
    """
    data = current()
    if _head_of and _head_of[0][0] is data:
        return _head_of[0][1]
    head: str | None = None
    if in_git(data.data_dir):  # else gitpython is not even imported
        with contextlib.suppress(hist.HistoryError, ValueError):
            head = str(hist.open_repo(data.data_dir).head.commit.hexsha)
    _head_of[:] = [(data, head)]
    return head


def build_history() -> ScheduleHistory | None:
    """The milestone history of the data being built (None outside a git repository)."""
    data_dir = current().data_dir
    head = _head()
    if head is None:
        return None
    key = (str(data_dir), head)
    if key not in _cache:
        _cache.clear()
        _cache[key] = hist.milestone_history(data_dir, data_dir, head)
    return _cache[key]


class HistoryDirective(DataDirective):
    def uses_history(self) -> None:
        self.domain.note_history("always")

    @property
    def repo_url(self) -> str | None:
        return settings(self.config).repo_url

    def note(self, css: str, text: str) -> list[nodes.Node]:
        return self.html(f'<p class="{css} dm-empty">{esc(text)}</p>')


class ChangesDirective(HistoryDirective):
    """``dm-changes [REF]``: milestones added, removed, completed, re-forecast since REF.

    Without REF: since the newest tag (matching ``:tags:``) before the commit being built.
    The newer side is the data of this build.
    """

    optional_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {"tags": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        self.uses_history()
        data = self.data
        since = self.arguments[0] if self.arguments else None
        try:
            if since is None:
                since = hist.previous_release(data.data_dir, self.options.get("tags") or "*")
                if since is None:
                    return self.note("dm-changes", "No earlier version to compare with.")
            old, commit = hist.snapshot_at(data.data_dir, data.data_dir, since)
        except hist.HistoryError as exc:
            if self.arguments:
                self.warn(f"dm-changes: {exc}")
            return self.note("dm-changes", "No earlier version to compare with.")
        label = f"{since} (commit {commit.hexsha[:8]} of {commit.committed_datetime.date().isoformat()})"
        found = changes(old, snapshot_of_catalog(self.catalog))
        return self.html(render.changes(found, label, self.catalog.milestones.keys()))


class SlipHistoryDirective(HistoryDirective):
    """``dm-slip-history [MILESTONE]``: one milestone's slip history, or the table of all that slipped."""

    optional_arguments = 1

    def run(self) -> list[nodes.Node]:
        self.uses_history()
        catalog = self.catalog
        history = build_history()
        if history is None:
            return self.note("dm-slip-history", "No history: the data is not in a git repository.")
        if not self.arguments:
            return self.html(render.slip_table(history, catalog.milestones.keys()))
        milestone_id = self.arguments[0]
        if milestone_id not in catalog.milestones and not history.of(milestone_id):
            self.warn(f"dm-slip-history: unknown milestone '{milestone_id}'")
            return []
        return self.html(render.slip_history(history.of(milestone_id), self.repo_url))


def _outdated_by_history(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Pages showing history are read again when the commit changes (the data files may not).

    A page's history use (in the ``dm`` domain) is "always" (read it again) or "inputs" (its directives'
    declared inputs include the history they show: read it again only if their fingerprint changed).
    """
    head = _head()
    domain = dm_domain(env)
    pages = [doc for doc in domain.history if doc in env.found_docs]
    if head is not None and (pages or not env.all_docs):
        with contextlib.suppress(hist.HistoryError):  # the directives say so where they are written
            build_history()  # once, here, before parallel readers fork
    if domain.mark("head", head) == head:
        return []
    always = [doc for doc in pages if domain.history[doc] == "always"]
    checked = {doc for doc in pages if domain.history[doc] == "inputs"}
    if checked:
        always += [doc for doc in inputs.outdated_by_data(env, current().catalog) if doc in checked]
    return sorted(set(always))


def setup(app: Sphinx) -> None:
    """Register this area's directives and the version switcher of published builds."""
    app.add_directive("dm-changes", ChangesDirective)
    app.add_directive("dm-slip-history", SlipHistoryDirective)
    app.connect("env-get-outdated", _outdated_by_history)
    versions.setup(app)

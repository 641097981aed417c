"""The ``dmsite_*`` settings in Sphinx: registered in one loop, checked when the configuration is read, read typed.

The declaration is ``dmsite.settings`` (shared with ``dmsite validate``).  A wrong value stops
``sphinx-build`` with one message naming it and what is expected (exit 2, no crash report).
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

from .. import graphviz
from ..errors import SettingsError
from ..settings import NAMES, PREFIX, Settings, declared, resolve
from .errors import SettingsProblem, report_briefly

_checked: dict[int, Settings] = {}  # id(config) → its settings (forked readers and writers inherit it)


def _values(config: Config) -> dict[str, object]:
    return {name: getattr(config, name) for name in NAMES}


def _check(app: Sphinx, config: Config) -> None:
    """Check every setting; the value used (the environment's status date, if set) replaces the one written."""
    overridden = frozenset(getattr(config, "_overrides", {})) & set(NAMES)  # -D name=value (private to Sphinx)
    try:
        found = resolve(_values(config), str(Path(app.confdir) / "conf.py"), overridden)
    except SettingsError as exc:
        report_briefly()
        raise SettingsProblem(str(exc)) from None
    for name, _ in declared():  # as Sphinx's type check and the pickled environment's comparison see it
        setattr(config, name, getattr(found, name.removeprefix(PREFIX)))
    _checked.clear()
    _checked[id(config)] = found
    graphviz.set_program(found.dot)
    graphviz.set_timeout(found.dot_timeout)
    graphviz.forget_started()  # layouts an earlier build in this process started (and never used) are not this one's


def settings(config: Config) -> Settings:
    """The checked settings of the build configured by *config*."""
    found = _checked.get(id(config))
    if found is None:  # a configuration not seen at config-inited (a copy): its values were checked then
        found = _checked[id(config)] = resolve(_values(config), environ={})
    return found


def setup(app: Sphinx) -> None:
    for name, setting in declared():
        app.add_config_value(name, setting.default, setting.rebuild, types=setting.types, description=setting.doc)
    app.connect("config-inited", _check, priority=100)  # before every other reader, and Sphinx's type check

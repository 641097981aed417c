"""Every ``dmsite_*`` setting declared once: default, type, rebuild scope, doc, and the check that reads it.

The Sphinx layer registers these in one loop and checks them when the configuration is read
(``sphinxext.settings``); ``dmsite validate`` reads the same conf.py and environment through
:func:`read_conf` and :func:`resolve`, without Sphinx, so the two never disagree.  A wrong value
is one :class:`~dmsite.errors.SettingsError` naming the value and what is expected.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .errors import SettingsError

PREFIX = "dmsite_"
STATUS_DATE_ENV = "DMSITE_STATUS_DATE"  # overrides dmsite_status_date (not a -D on the command line)
Rebuild = Literal["env", "html", ""]  # what a change makes Sphinx do: read every page, write every page, nothing
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_URL = re.compile(r"https?://[^\s/?#]+[^\s]*", re.ASCII)


def _shown(value: object) -> str:
    """A value as a message shows it: its repr, on one line, at most about 60 characters."""
    text = repr(value)
    if not text.isprintable():
        text = text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= 60 else text[:60] + f"... ({len(text)} characters)"


# -- the checks: the value as written → the value used; ValueError says what is expected ----------------


def _text(value: object, what: str) -> str:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or not value.strip() or not value.isprintable():
        raise ValueError(f"expected {what}")
    return str(value)


def _folder(value: object) -> str:
    return _text(value, "a folder as text, e.g. 'data'")


def _optional_folder(value: object) -> str | None:
    return None if value is None or value == "" else _text(value, "a folder as text, or None")


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected True or False")
    return value


def _url(value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _URL.fullmatch(value) or not value.isprintable():
        raise ValueError("expected an http(s) URL like 'https://github.com/org/repo', or None")
    return value


def _program(value: object) -> str:
    return _text(value, "the graphviz program's name or path as text, e.g. 'dot'")


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 3600:
        raise ValueError("expected a number of seconds between 0 and 3600, e.g. 120")
    return float(value)


def _date(value: object) -> dt.date | None:
    expected = "expected a date like '2021-05-10' (year-month-day), or None for the data's last commit date"
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        raise ValueError(f"a date and time; {expected}: write only the date, e.g. '{value.date()}'")
    if isinstance(value, dt.date):
        return _plan_year(value)
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        raise ValueError(expected)
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError as exc:  # e.g. 2021-02-30
        raise ValueError(f"no day of the calendar ({exc}); {expected}") from None
    return _plan_year(day)


def _plan_year(day: dt.date) -> dt.date:
    """The years a plan may name (dmsite.data.dates.FIRST_YEAR, LAST_YEAR): 'today + 90 days' stays a date."""
    if not 1900 <= day.year <= 2200:
        raise ValueError(f"{day.isoformat()} is outside the years a plan may name (1900 to 2200)")
    return day


@dataclass(frozen=True)
class Setting:
    """How one setting is declared (its default is the field's) and how it is read."""

    rebuild: Rebuild
    types: tuple[type, ...]  # what conf.py may write (Sphinx's own type check, the README)
    check: Callable[[object], object]
    doc: str
    default: object = None


def _about(rebuild: Rebuild, types: tuple[type, ...], check: Callable[[object], object], doc: str) -> dict[str, Any]:
    return {"setting": Setting(rebuild, types, check, doc)}


_NONE = type(None)


@dataclass(frozen=True)
class Settings:
    """The ``dmsite_*`` values of a build, checked; the field name is the setting's name without ``dmsite_``."""

    data_dir: str = field(default="data", metadata=_about(
        "env", (str, Path), _folder,
        "the data folder, relative to the Sphinx source folder"))
    status_date: dt.date | None = field(default=None, metadata=_about(
        "env", (str, dt.date, _NONE), _date,
        "'today' for overdue and late milestones, e.g. '2021-05-10'; `DMSITE_STATUS_DATE` in the environment "
        "overrides it; default: the date of the data's last commit, else today"))
    strict: bool = field(default=False, metadata=_about(
        "env", (bool,), _flag,
        "data warnings stop the build too, like `dmsite validate --strict`"))
    cache_dir: str | None = field(default=None, metadata=_about(
        "", (str, Path, _NONE), _optional_folder,
        "where parsed records and graph layouts are kept between builds; default: `.cache/dmsite` beside conf.py"))
    repo_url: str | None = field(default=None, metadata=_about(
        "html", (str, _NONE), _url,
        "the site's repository: the footer and the schedule history link commits there"))
    jira_url: str | None = field(default=None, metadata=_about(
        "env", (str, _NONE), _url,
        "where milestone Jira keys link: the key is appended, e.g. 'https://jira.example.org/browse/'"))
    version_switcher: bool = field(default=True, metadata=_about(
        "html", (bool,), _flag,
        "show pydata-sphinx-theme's version switcher in versions built by `dmsite publish`"))
    dot: str = field(default="dot", metadata=_about(
        "html", (str, Path), _program,
        "the graphviz program that lays out the graphs: a name on the PATH or a path"))
    dot_timeout: float = field(default=120.0, metadata=_about(
        "", (int, float), _seconds,
        "seconds one run of the graphviz program may take before its graphs are reported as not drawn"))
    # where each value came from, for messages ("conf.py", "-D", "DMSITE_STATUS_DATE", "default")
    origins: Mapping[str, str] = field(default_factory=dict, compare=False)


def declared() -> Iterator[tuple[str, Setting]]:
    """Each setting: its conf.py name (``dmsite_...``) and declaration, in declaration order."""
    for item in dataclasses.fields(Settings):
        if "setting" in item.metadata:
            yield PREFIX + item.name, dataclasses.replace(item.metadata["setting"], default=item.default)


NAMES = tuple(name for name, _ in declared())


def resolve(values: Mapping[str, object], source: str = "conf.py", overridden: frozenset[str] = frozenset(),
            environ: Mapping[str, str] | None = None) -> Settings:
    """The settings from *values* (conf.py's namespace, or Sphinx's config), checked.

    *overridden* names the values given on the command line (``-D``), which the environment does not
    override; *source* says where the others were written.  Raises ``SettingsError`` listing every
    wrong value.
    """
    environ = os.environ if environ is None else environ
    chosen: dict[str, Any] = {}
    origins: dict[str, str] = {}
    wrong: list[str] = []
    for name, setting in declared():
        raw, origin = values.get(name, setting.default), ("-D" if name in overridden else source)
        if name not in values:
            origin = "default"
        if name == PREFIX + "status_date" and environ.get(STATUS_DATE_ENV) and name not in overridden:
            raw, origin = environ[STATUS_DATE_ENV], STATUS_DATE_ENV
        try:
            chosen[name.removeprefix(PREFIX)] = setting.check(raw)
        except ValueError as exc:
            where = f"{STATUS_DATE_ENV} in the environment" if origin == STATUS_DATE_ENV else f"{name} in {origin}"
            wrong.append(f"{where} is {_shown(raw)}: {exc}")
        origins[name.removeprefix(PREFIX)] = origin
    if wrong:
        raise SettingsError("\n".join(wrong))
    return Settings(**chosen, origins=origins)


# -- conf.py read as Sphinx reads it, without Sphinx (for the CLI) ------------------------------------


class _NoTags:
    """What conf.py sees as ``tags`` when the CLI reads it: no ``-t`` tags are set."""

    def has(self, tag: str) -> bool:
        return False

    __contains__ = has

    def add(self, tag: str) -> None:
        pass

    def remove(self, tag: str) -> None:
        pass

    def __iter__(self) -> Iterator[str]:
        return iter(())


def read_conf(conf: Path) -> dict[str, Any]:
    """conf.py's namespace, executed as ``sphinx-build`` does (``__file__``, ``tags``, its folder as working directory)."""
    namespace: dict[str, Any] = {"__file__": str(conf), "tags": _NoTags()}
    before = Path.cwd()
    try:
        os.chdir(conf.parent)
        exec(compile(conf.read_bytes(), str(conf), "exec"), namespace)  # what sphinx-build does
    except SystemExit:
        raise SettingsError(f"{conf}: the configuration file called sys.exit()") from None
    except Exception as exc:  # any error in the user's conf.py becomes one message
        raise SettingsError(f"{conf}: cannot read the configuration: {type(exc).__name__}: {exc}") from None
    finally:
        os.chdir(before)
    return namespace


def owns(namespace: Mapping[str, object], conf: Path, data_dir: Path) -> bool:
    """Whether the site of *conf* builds *data_dir*: some Sphinx source folder at or below conf.py's folder
    (one holding the root page) has it as its ``dmsite_data_dir``."""
    configured = namespace.get(PREFIX + "data_dir", "data")
    if not isinstance(configured, str | os.PathLike):
        return True  # a wrong value: resolve() says so
    root_doc = str(namespace.get("root_doc", namespace.get("master_doc", "index")))
    data_dir, top = data_dir.resolve(), conf.parent.resolve()
    for source in (data_dir, *data_dir.parents):
        if (source / configured).resolve() == data_dir and any(source.glob(f"{glob_escape(root_doc)}.*")):
            return True
        if source == top:
            break
    return False


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def find_conf(data_dir: Path) -> Path | None:
    """The conf.py of the site that builds *data_dir*: the nearest one above it that mentions dmsite."""
    for folder in data_dir.resolve().parents:
        conf = folder / "conf.py"
        try:
            if conf.is_file() and "dmsite" in conf.read_text(encoding="utf-8", errors="replace"):
                return conf
        except OSError:
            continue
    return None


_TYPE_NAMES = {str: "text", Path: "path", dt.date: "date", bool: "bool", type(None): "None"}


def markdown_table() -> str:
    """The README's table of settings (a test keeps the README equal to it)."""
    scope = {"env": "every page read again", "html": "every page written again", "": "nothing"}
    rows = ["| setting | type | default | a change means | what it is |", "|---|---|---|---|---|"]
    for name, setting in declared():
        types = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in setting.types)
        rows.append(f"| `{name}` | {types} | `{setting.default!r}` | {scope[setting.rebuild]} | {setting.doc} |")
    return "\n".join(rows) + "\n"

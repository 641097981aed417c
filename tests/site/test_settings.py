"""The ``dmsite_*`` settings: one declaration, checked when Sphinx reads the configuration, shown in the README.

Real Sphinx builds of small sites; a wrong value is one message naming it and what is expected.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import pickle
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from sphinx.errors import SphinxError
from sphinx.testing.util import SphinxTestApp
from support import REPO_ROOT
from support.plan_site import INDEX, plan_site
from support.site import Site

import dmsite
from dmsite import graphviz
from dmsite.errors import DmsiteError, SettingsError
from dmsite.settings import NAMES, STATUS_DATE_ENV, Settings, declared, markdown_table, resolve

ROOT = REPO_ROOT


@pytest.fixture(autouse=True)
def no_status_date_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(STATUS_DATE_ENV, raising=False)
    yield
    graphviz.set_program("dot")  # the next build in this process sets it again; unit tests do not


def shown_status_date(site: Site) -> str:
    return site.page().select_one(".dm-status-date").get_text()


def refused(site: Site) -> SphinxError:
    site.conf()
    with pytest.raises(SphinxError) as failed:
        app = SphinxTestApp("html", srcdir=site.root, builddir=site.root / "_build", status=StringIO(),
                            warning=StringIO())
        try:
            app.build()
        finally:
            app.cleanup()
    return failed.value


# -- one declaration ------------------------------------------------------------------------------


def test_the_readme_table_is_the_declaration() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n", readme.index("<!-- settings table:")) + 1
    assert readme[start:readme.index("<!-- end of settings table -->")] == markdown_table()
    assert [line.split("`")[1] for line in markdown_table().splitlines()[2:]] == list(NAMES)


def test_sphinx_registers_exactly_the_declared_values_with_their_defaults_and_scopes(tmp_path: Path) -> None:
    site = plan_site(tmp_path / "site")
    site.conf()
    app = SphinxTestApp("html", srcdir=site.root, builddir=site.root / "_build", status=StringIO(),
                        warning=StringIO())
    try:
        registered = {name: app.config._options[name] for name in app.config._options if name.startswith("dmsite_")}
    finally:
        app.cleanup()
    assert sorted(registered) == sorted(NAMES)
    for name, setting in declared():
        assert (registered[name].default, registered[name].rebuild) == (setting.default, setting.rebuild), name
        assert registered[name].description == setting.doc
        assert setting.check(setting.default) == setting.default  # the default as written is the one used


def test_every_declared_value_has_a_field_a_doc_and_a_check() -> None:
    assert tuple(f"dmsite_{name}" for name in Settings.__dataclass_fields__ if name != "origins") == NAMES
    assert all(setting.doc and setting.types and setting.rebuild in ("env", "html", "") for _, setting in declared())


# -- checked when the configuration is read ---------------------------------------------------------------


WRONG = [
    ("dmsite_status_date", "'2021-02-30'", "'2021-02-30': no day of the calendar (day is out of range for month); "
                                           "expected a date like '2021-05-10'"),
    ("dmsite_status_date", "'yesterday'", "'yesterday': expected a date like '2021-05-10'"),
    ("dmsite_status_date", "__import__('datetime').datetime(2021, 5, 10, 9, 30)",
     "datetime.datetime(2021, 5, 10, 9, 30): a date and time; expected a date like '2021-05-10' (year-month-day), "
     "or None for the data's last commit date: write only the date, e.g. '2021-05-10'"),
    ("dmsite_status_date", "['2021-05-10']", "['2021-05-10']: expected a date like '2021-05-10'"),
    ("dmsite_status_date", "'10/05/2021'", "'10/05/2021': expected a date like '2021-05-10'"),
    ("dmsite_data_dir", "3", "3: expected a folder as text, e.g. 'data'"),
    ("dmsite_data_dir", "['data']", "['data']: expected a folder as text"),
    ("dmsite_data_dir", "'da\\x00ta'", "'da\\x00ta': expected a folder as text"),
    ("dmsite_strict", "'yes'", "'yes': expected True or False"),
    ("dmsite_repo_url", "'javascript:alert(1)'", "'javascript:alert(1)': expected an http(s) URL"),
    ("dmsite_jira_url", "42", "42: expected an http(s) URL"),
    ("dmsite_dot", "''", "'': expected the graphviz program's name or path as text"),
    ("dmsite_version_switcher", "None", "None: expected True or False"),
]


@pytest.mark.parametrize(("name", "value", "message"), WRONG, ids=[f"{n}={v}" for n, v, _ in WRONG])
def test_a_wrong_value_stops_the_build_with_one_message_naming_it(
    name: str, value: str, message: str, tmp_path: Path
) -> None:
    site = plan_site(tmp_path / "site", f"{name} = {value}\n")
    error = refused(site)
    assert isinstance(error, SettingsError) and isinstance(error, DmsiteError)
    assert str(error).startswith(f"{name} in {site.root / 'conf.py'} is ")
    assert message in str(error)
    assert len(str(error).splitlines()) == 1
    assert not site.outdir.exists() or not list(site.outdir.rglob("*.html"))


def test_every_wrong_value_is_named_in_the_one_error(tmp_path: Path) -> None:
    site = plan_site(tmp_path / "site", "dmsite_data_dir = 3\ndmsite_strict = 'no'\n")
    lines = str(refused(site)).splitlines()
    assert [line.split(" in ")[0] for line in lines] == ["dmsite_data_dir", "dmsite_strict"]


@pytest.mark.parametrize(("conf", "env"), [("dmsite_status_date = 'yesterday'\n", None),
                                           ("", "2021-02-30")])
def test_sphinx_build_ends_with_the_message_not_a_crash_report(conf: str, env: str | None, tmp_path: Path) -> None:
    site = plan_site(tmp_path / "site", conf)
    site.conf()
    environ = {k: v for k, v in os.environ.items() if k != STATUS_DATE_ENV} | ({STATUS_DATE_ENV: env} if env else {})
    done = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", str(site.root), str(site.outdir)],
                          capture_output=True, text=True, timeout=120, check=False, env=environ)
    assert done.returncode == 2
    where = f"{STATUS_DATE_ENV} in the environment" if env else f"dmsite_status_date in {site.root / 'conf.py'}"
    assert done.stderr.strip().splitlines() == [
        f"dmsite configuration error: {where} is {env or 'yesterday'!r}: "
        + ("no day of the calendar (day is out of range for month); " if env else "")
        + "expected a date like '2021-05-10' (year-month-day), or None for the data's last commit date"
    ]
    assert "Traceback" not in done.stderr and "sphinx-err" not in done.stderr


def test_values_of_the_right_kind_are_taken_as_conf_py_writes_them(tmp_path: Path) -> None:
    site = plan_site(tmp_path / "site", "import datetime, pathlib\n"
                                         "dmsite_status_date = datetime.date(2021, 4, 1)\n"
                                         "dmsite_data_dir = pathlib.Path('data')\n"
                                         "dmsite_repo_url = ''\n")
    assert site.build() == ""  # no warning from Sphinx's own type check either
    assert shown_status_date(site) == "2021-04-01"


# -- the status date: -D over the environment over conf.py ------------------------------------------------


def test_the_environment_overrides_conf_py_and_a_command_line_value_overrides_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = plan_site(tmp_path / "site")  # conf.py: 2021-05-10
    site.build()
    assert shown_status_date(site) == "2021-05-10"
    monkeypatch.setenv(STATUS_DATE_ENV, "2021-07-01")
    site.build()
    assert shown_status_date(site) == "2021-07-01"
    site.conf()
    app = SphinxTestApp("html", srcdir=site.root, builddir=site.root / "_build", status=StringIO(),
                        warning=StringIO(), confoverrides={"dmsite_status_date": "2021-08-01"})
    try:
        app.build()
    finally:
        app.cleanup()
    assert shown_status_date(site) == "2021-08-01"


def test_resolve_names_where_each_value_came_from() -> None:
    found = resolve({"dmsite_status_date": "2021-05-10", "dmsite_strict": True}, "site/conf.py",
                    environ={STATUS_DATE_ENV: "2021-06-01"})
    assert found.status_date == dt.date(2021, 6, 1) and found.strict is True
    assert found.origins["status_date"] == STATUS_DATE_ENV and found.origins["strict"] == "site/conf.py"
    assert found.origins["dot"] == "default"
    kept = resolve({"dmsite_status_date": "2021-05-10"}, overridden=frozenset({"dmsite_status_date"}),
                   environ={STATUS_DATE_ENV: "2021-06-01"})
    assert kept.status_date == dt.date(2021, 5, 10) and kept.origins["status_date"] == "-D"
    assert resolve({"dmsite_status_date": ""}, environ={STATUS_DATE_ENV: ""}).status_date is None


# -- dmsite_dot --------------------------------------------------------------------------------------------


GRAPH_PAGE = "# Graph\n\n:::{dm-dependency-graph}\n:::\n"


def test_dmsite_dot_names_the_program_that_lays_out_the_graphs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    wrapper = tmp_path / "bin" / "my-dot"
    wrapper.parent.mkdir()
    wrapper.write_text(f"#!/bin/sh\necho ran >> '{marker}'\nexec dot \"$@\"\n", encoding="utf-8")
    wrapper.chmod(0o755)
    site = plan_site(tmp_path / "site", f"dmsite_dot = {str(wrapper)!r}\n")
    site.write("graph.md", GRAPH_PAGE)
    site.write("index.md", INDEX + "\n```{toctree}\ngraph\n```\n")
    assert site.build() == ""
    assert marker.exists()
    assert site.page("graph").select_one("svg g.node") is not None


def test_a_dmsite_dot_that_is_not_there_is_a_warning_and_a_note_on_the_page(tmp_path: Path) -> None:
    site = plan_site(tmp_path / "site", "dmsite_dot = 'no-such-graphviz'\n")
    site.write("graph.md", GRAPH_PAGE)
    site.write("index.md", INDEX + "\n```{toctree}\ngraph\n```\n")
    warnings = site.build()
    assert "graph not drawn: graphviz program 'no-such-graphviz' was not found" in warnings
    note = site.page("graph").select_one(".dm-note").get_text()
    assert "graphviz program 'no-such-graphviz' was not found" in note and "dmsite_dot" in note


# -- cross-page state is the dm domain's ----------------------------------------------------------------


def test_cross_page_state_lives_in_the_dm_domain_not_on_the_environment(tmp_path: Path) -> None:
    site = plan_site(tmp_path / "site")
    site.write("graph.md", GRAPH_PAGE)
    site.write("wbs.md", "# By WBS\n\n:::{dm-milestones-by-wbs}\n:::\n")
    site.write("index.md", INDEX + "\nSee {cite}`LDM-1`.\n\n```{toctree}\ngraph\nwbs\n```\n")
    site.write("data/documents/d.yaml", "- handle: LDM-1\n  title: A design\n")
    site.build(parallel=2)
    with (site.root / "_build" / "doctrees" / "environment.pickle").open("rb") as handle:
        env = pickle.load(handle)
    assert not [name for name in vars(env) if name.startswith("dmsite")]
    assert not [key for meta in env.metadata.values() for key in meta if key.startswith("dmsite")]
    dm = env.domaindata["dm"]
    assert sorted(dm["all_data"]) == ["graph", "index"]  # directives (and a citation) that show any data
    assert [use[0] for use in dm["uses"]["wbs"]] == ["dmsite.sphinxext.milestone_pictures:ByWbs"]  # declares its inputs
    assert dm["history"] == {"wbs": "inputs"}
    assert sorted(dm["scans"]) == ["graph", "index", "wbs"]
    assert set(dm["marks"]) >= {"data", "head", "terms", "use"}


def test_a_page_removed_takes_its_state_with_it(tmp_path: Path) -> None:
    site = plan_site(tmp_path / "site")
    site.write("graph.md", GRAPH_PAGE)
    site.write("index.md", INDEX + "\n```{toctree}\ngraph\n```\n")
    site.build()
    (site.root / "graph.md").unlink()
    site.write("index.md", INDEX)
    site.build()
    with (site.root / "_build" / "doctrees" / "environment.pickle").open("rb") as handle:
        dm = pickle.load(handle).domaindata["dm"]
    assert "graph" not in dm["uses"] and "graph" not in dm["scans"]
    assert not [key for key in dm["entries"] if "graph" in dm["entries"][key]]


# -- one exception family -----------------------------------------------------------------------------


def test_every_exception_dmsite_defines_is_a_dmsite_error() -> None:
    defined = []
    for module in pkgutil.walk_packages(dmsite.__path__, "dmsite."):
        if module.name.endswith("__main__"):
            continue
        loaded = importlib.import_module(module.name)
        defined += [value for value in vars(loaded).values()
                    if isinstance(value, type) and issubclass(value, BaseException) and value.__module__ == module.name]
    assert len(defined) >= 8
    assert [cls.__qualname__ for cls in defined if not issubclass(cls, DmsiteError)] == []
    homes = {cls.__module__ for cls in defined}
    assert homes == {"dmsite.errors", "dmsite.sphinxext.errors"}  # the family, and its Sphinx-side members

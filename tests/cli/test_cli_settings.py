"""``dmsite validate`` reads the settings the build reads, and its report ends on the errors.

The build and the command never disagree about the status date: the same data and conf.py give
the date the built site shows and the one validate prints.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx.config import Config
from sphinx.util.tags import Tags
from support.git import GitSite
from support.plan_site import INDEX, MILESTONES, plan_site
from support.site import Site

from dmsite.cli import main
from dmsite.settings import NAMES, STATUS_DATE_ENV, declared, read_conf


@pytest.fixture(autouse=True)
def no_status_date_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATUS_DATE_ENV, raising=False)


def validate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["validate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def printed_date(out: str) -> str:
    found = re.search(r"\(status date (\d{4}-\d\d-\d\d)", out)
    assert found, out
    return found.group(1)


def site_date(site: Site) -> str:
    return site.page().select_one(".dm-status-date").get_text()


# -- the same status date ---------------------------------------------------------------------------------


def test_validate_prints_the_status_date_the_built_site_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = plan_site(tmp_path / "site", "dmsite_status_date = '2021-06-15'\n")
    site.build()
    code, out, _ = validate(capsys, str(site.root / "data"))
    assert code == 0
    assert printed_date(out) == site_date(site) == "2021-06-15"
    assert f"(status date 2021-06-15, dmsite_status_date in {site.root / 'conf.py'})" in out
    monkeypatch.setenv(STATUS_DATE_ENV, "2021-12-01")  # the environment overrides conf.py, for both
    site.build()
    code, out, _ = validate(capsys, str(site.root / "data"))
    assert printed_date(out) == site_date(site) == "2021-12-01"
    assert out.splitlines()[0].endswith(f"(status date 2021-12-01, {STATUS_DATE_ENV})")


def test_without_a_configured_date_both_take_the_data_s_last_commit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = GitSite(tmp_path / "repo")
    repo.scaffold()
    repo.write("conf.py", (repo.root / "conf.py").read_text().replace('dmsite_status_date = "2021-05-10"\n', ""))
    repo.write("content/data/milestones/m.yaml", MILESTONES)
    repo.write("content/index.md", INDEX)
    repo.commit("the plan", "2021-04-20")
    out_dir = tmp_path / "html"
    done = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-c", str(repo.root),
                           str(repo.root / "content"), str(out_dir)],
                          capture_output=True, text=True, timeout=300, check=False,
                          env={k: v for k, v in os.environ.items() if k != STATUS_DATE_ENV})
    assert done.returncode == 0, done.stderr
    shown = re.search(r'dm-status-date">([^<]+)<', (out_dir / "index.html").read_text(encoding="utf-8"))
    assert shown and shown.group(1) == "2021-04-20"
    code, out, _ = validate(capsys, str(repo.root / "content" / "data"))
    assert code == 0 and out.startswith("ok: 4 records")
    assert printed_date(out) == "2021-04-20" and "the data's last commit" in out


def test_status_date_option_overrides_the_environment_and_conf_py(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = plan_site(tmp_path / "site")
    monkeypatch.setenv(STATUS_DATE_ENV, "2021-12-01")
    code, out, _ = validate(capsys, str(site.root / "data"), "--status-date", "2021-09-15")
    assert code == 0 and printed_date(out) == "2021-09-15"
    assert out.splitlines()[0] == "ok: 4 records, 0 errors, 2 warnings (status date 2021-09-15)"


def test_a_wrong_setting_is_one_error_exit_2_as_the_build_refuses_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = plan_site(tmp_path / "site", "dmsite_status_date = 'yesterday'\n")
    code, out, err = validate(capsys, str(site.root / "data"))
    assert code == 2 and out == ""
    assert err == (f"error: dmsite_status_date in {site.root / 'conf.py'} is 'yesterday': expected a date like "
                   "'2021-05-10' (year-month-day), or None for the data's last commit date\n")
    code, out, _ = validate(capsys, str(site.root / "data"), "--status-date", "2021-05-10")
    assert code == 0  # the option replaces the wrong value, as -D does for sphinx-build
    site = plan_site(tmp_path / "other")
    monkeypatch.setenv(STATUS_DATE_ENV, "2021-02-30")
    code, _, err = validate(capsys, str(site.root / "data"))
    assert code == 2 and err.startswith(f"error: {STATUS_DATE_ENV} in the environment is '2021-02-30': no day")


def test_strict_in_conf_py_fails_validate_on_warnings_as_it_fails_the_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = plan_site(tmp_path / "site", "dmsite_strict = True\n")
    code, out, _ = validate(capsys, str(site.root / "data"))
    assert code == 1 and out.startswith("FAILED: 4 records, 0 errors, 2 warnings")
    code, out, _ = validate(capsys, str(site.root / "data"), "--no-conf")
    assert code == 0


# -- which conf.py ----------------------------------------------------------------------------------------


def test_a_conf_py_whose_site_builds_another_folder_is_not_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = plan_site(tmp_path / "site", "dmsite_data_dir = 'plan'\n")  # data/ is not this site's
    code, out, _ = validate(capsys, str(site.root / "data"))
    assert code == 0 and re.search(r"status date \d{4}-\d\d-\d\d, today\)", out)
    code, out, _ = validate(capsys, str(site.root / "data"), "--conf", str(site.root))
    assert printed_date(out) == "2021-05-10"  # named on the command line: used


def test_a_conf_py_that_fails_is_an_error_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = plan_site(tmp_path / "site", "raise RuntimeError('no network')\n")
    code, _, err = validate(capsys, str(site.root / "data"))
    assert code == 2
    assert err == f"error: {site.root / 'conf.py'}: cannot read the configuration: RuntimeError: no network\n"
    code, _, err = validate(capsys, str(site.root / "data"), "--conf", str(tmp_path / "nowhere"))
    assert code == 2 and "no conf.py there" in err


def test_conf_py_is_read_as_sphinx_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``__file__``, ``tags``, the working directory and the environment, as Sphinx's own Config loader sees them."""
    conf = tmp_path / "site" / "conf.py"
    conf.parent.mkdir()
    (conf.parent / "when.txt").write_text("2021-03-03", encoding="utf-8")
    conf.write_text(
        "import os, pathlib\n"
        "extensions = ['dmsite.sphinxext']\n"
        "dmsite_status_date = os.environ.get('DMSITE_STATUS_DATE') or open('when.txt').read()\n"
        "dmsite_data_dir = str(pathlib.Path(__file__).parent / 'data')\n"
        "dmsite_strict = not tags.has('draft')\n"
        "dmsite_repo_url = 'https://example.org/p'\n", encoding="utf-8")
    for environment in ("", "2021-04-04"):
        monkeypatch.setenv(STATUS_DATE_ENV, environment)
        sphinx_config = Config.read(conf.parent, overrides={}, tags=Tags())
        for name, setting in declared():
            sphinx_config.add(name, setting.default, setting.rebuild, setting.types, setting.doc)
        sphinx_config.init_values()
        ours = read_conf(conf)
        assert {n: ours[n] for n in NAMES if n in ours} == {n: sphinx_config[n] for n in NAMES if n in ours}
        assert len([n for n in NAMES if n in ours]) == 4
        assert ours["dmsite_status_date"] == (environment or "2021-03-03")
        assert ours["dmsite_strict"] is True


# -- the report ------------------------------------------------------------------------------------------


BROKEN = "- id: DM-AP-9\n  name: Bad\n  due: 2021-02-30\n  description: x\n"


def test_errors_come_last_then_the_verdict_and_the_warnings_by_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = plan_site(tmp_path / "site")
    site.write("data/milestones/bad.yaml", BROKEN)
    code, out, err = validate(capsys, str(site.root / "data"))
    lines = err.splitlines()
    assert code == 1
    assert lines[0] == "warnings (2):"
    assert [line.split(": ", 2)[1:] for line in lines[1:3]] == [
        ["DM-AP-3", "milestone has no description"], ["DM-AP-4", "milestone has no description"]]
    assert lines[3:] == [f"{site.root / 'data/milestones/bad.yaml'}:3:3: DM-AP-9: due: '2021-02-30' is not a real "
                         "date (day is out of range for month)"]
    assert out.splitlines() == [
        "FAILED: 4 records, 1 errors, 2 warnings (status date 2021-05-10, dmsite_status_date in "
        f"{site.root / 'conf.py'})",
        "warnings by kind:",
        "  2  milestone has no description",
    ]


def test_errors_only_prints_the_errors_and_still_counts_the_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = plan_site(tmp_path / "site")
    site.write("data/milestones/bad.yaml", BROKEN)
    site.write("data/products/p.yaml", "- id: a\n  name: A\n  packages: [afw]\n- id: b\n  name: B\n  packages: [afw]\n"
                                       "- id: c\n  name: C\n  packages: [afw]\n")
    code, out, err = validate(capsys, str(site.root / "data"), "--errors-only")
    assert code == 1
    assert err.splitlines() == [f"{site.root / 'data/milestones/bad.yaml'}:3:3: DM-AP-9: due: '2021-02-30' is not a "
                                "real date (day is out of range for month)"]
    assert out.splitlines()[1:] == [
        "warnings by kind:",
        "  2  milestone has no description",
        "  2  package '…' is also claimed by product '…'; each package should map to one product",
    ]


# -- what validate imports ---------------------------------------------------------------------------------


def test_validate_imports_neither_gitpython_nor_sphinx(tmp_path: Path) -> None:
    site = plan_site(tmp_path / "site")
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "dmsite.cli", "validate", str(site.root / "data")],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    imported = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "dmsite.cli" in imported and "dmsite.settings" in imported  # the check sees the imports
    assert not {name for name in imported if name.split(".")[0] in ("git", "sphinx", "docutils")}

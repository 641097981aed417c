"""Hostile input: each case under hostile/cases gives exactly its located messages, never a traceback.

A case is ``hostile/cases/<name>/`` with ``data/`` (a data directory; missing or a file in two
cases), ``expected.txt`` (exactly what ``dmsite validate`` prints on stderr), an optional ``args``
file (e.g. ``--strict``), and, for inputs too big to keep, a generator in ``hostile/generated.py``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from hostile.generated import GENERATORS
from sphinx.errors import SphinxError
from sphinx.testing.util import SphinxTestApp
from support.site import Site

from dmsite.cli import main

CASES_DIR = Path(__file__).parent / "cases"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir())
STATUS_DATE = "2021-05-10"
LOCATED = re.compile(r"^\S.*?:\d+:\d+: \S.*?: \S.*$")  # a file name may hold spaces

# run as a real process too: bounded time, a clean exit code, no traceback
SUBPROCESS_SAMPLE = [
    "data_dir_is_file", "data_dir_missing", "file_too_large", "non_utf8_latin1", "one_megabyte_strings",
    "yaml_billion_laughs", "yaml_control_character", "yaml_deep_block_nesting", "yaml_deep_nesting",
    "yaml_python_tag", "long_cycle_predecessors", "yaml_many_unknown_keys", "yaml_many_unknown_predecessors",
    "twenty_broken_files", "bib_too_large", "bib_large_but_allowed",
    "bib_year_5000_digits", "file_name_with_terminal_codes", "pipe_named_like_data", "symlink_outside_the_data_folder",
]
# built as a Sphinx site: the build fails with the same messages and writes no page
SPHINX_SAMPLE = [
    "completed_after_status_date", "data_dir_missing", "date_impossible_quoted", "duplicate_id_across_files",
    "every_problem_in_one_run", "long_cycle_product_parents", "non_utf8_latin1", "one_megabyte_strings",
    "unknown_refs_products", "url_javascript", "warnings_fail_with_strict", "yaml_billion_laughs",
    "yaml_deep_nesting", "yaml_duplicate_key", "yaml_tab_indentation", "date_december_9999", "bib_year_superscript_digit",
    "file_name_with_terminal_codes", "yaml_python_tag_on_record", "term_lookalikes_after_nfkc",
    "url_protocol_relative_and_backslashes", "symlink_outside_the_data_folder",
    "term_all_cyrillic_twin_of_latin", "id_cyrillic_letter_named",
]
INDEX = """
# Home

See {milestone}`DM-AP-1`.

:::{dm-records} milestones
:columns: id, name, due
:::
"""


def prepare(name: str, dest: Path) -> list[str]:
    """Copy (or generate) the case's data into *dest*/data; return its extra validate arguments."""
    case = CASES_DIR / name
    if (case / "data").is_dir():
        shutil.copytree(case / "data", dest / "data")
    elif (case / "data").is_file():
        shutil.copyfile(case / "data", dest / "data")
    if name in GENERATORS:
        GENERATORS[name](dest / "data")
    args = case / "args"
    return args.read_text(encoding="utf-8").split() if args.exists() else []


def failing_build(site: Site) -> tuple[SphinxError, str]:
    """Build *site* like ``Site.build``, expecting failure; return the error and the warnings text."""
    site.conf()
    warnings = StringIO()
    with pytest.raises(SphinxError) as failed:  # the data is loaded when the builder starts
        app = SphinxTestApp("html", srcdir=site.root, builddir=site.root / "_build", status=StringIO(),
                            warning=warnings)
        try:
            app.build()
        finally:
            app.cleanup()
    return failed.value, re.sub(r"\x1b\[[0-9;]*m", "", warnings.getvalue())


def expected(name: str) -> str:
    return (CASES_DIR / name / "expected.txt").read_text(encoding="utf-8")


def problem_lines(text: str) -> list[str]:
    """The located messages of validate's stderr (errors, then indented warnings)."""
    return [line.strip() for line in text.splitlines() if not line.startswith("warnings (")]


def test_corpus_is_big_and_every_case_expects_located_messages() -> None:
    assert len(CASES) >= 136
    for name in CASES:
        lines = problem_lines(expected(name))
        assert lines, name
        assert all(LOCATED.match(line) for line in lines), name


@pytest.mark.parametrize("name", CASES)
def test_validate_reports_exactly_the_expected_messages(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = prepare(name, tmp_path)
    monkeypatch.chdir(tmp_path)
    code = main(["validate", "data", "--status-date", STATUS_DATE, *args])
    out, err = capsys.readouterr()
    assert err == expected(name)
    assert code == 1
    errors = [line for line in err.splitlines() if not line.startswith(("warnings (", "  "))]
    assert out.startswith("FAILED: ") and f" {len(errors)} errors, " in out


@pytest.mark.parametrize("name", SUBPROCESS_SAMPLE)
def test_validate_process_ends_quickly_without_traceback(name: str, tmp_path: Path) -> None:
    args = prepare(name, tmp_path)
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "dmsite.cli", "validate", "data", "--status-date", STATUS_DATE, *args],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )
    assert time.monotonic() - start < 30
    assert "Traceback" not in done.stderr
    assert done.stderr == expected(name)
    assert done.returncode == 1


@pytest.mark.parametrize("name", SPHINX_SAMPLE)
def test_sphinx_build_fails_with_the_messages_and_writes_nothing(name: str, site: Site) -> None:
    args = prepare(name, site.root)
    site.write("index.md", INDEX)
    if "--strict" in args:
        site.extra_conf = "dmsite_strict = True\n"
    error, warnings = failing_build(site)
    assert re.search(r"problem\(s\) in .*; nothing was written", str(error))
    for line in problem_lines(expected(name)):
        assert f"ERROR: {line}" in warnings
    assert not list(site.outdir.rglob("*.html"))


def test_twenty_broken_files_give_twenty_located_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Foundation acceptance: 20 different broken files → 20 located messages, exit ≠ 0."""
    prepare("twenty_broken_files", tmp_path)
    monkeypatch.chdir(tmp_path)
    assert len(list((tmp_path / "data").rglob("*.yaml"))) == 20
    code = main(["validate", "data", "--status-date", STATUS_DATE])
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert code == 1
    assert len(lines) == 20 and all(LOCATED.match(line) for line in lines)
    assert len({line.split(":")[0] for line in lines}) == 20  # one message per file
    assert "FAILED: 0 records, 20 errors" in out


@pytest.mark.parametrize("name", ["every_problem_in_one_run", "yaml_billion_laughs"])
def test_sphinx_build_command_lists_the_messages_without_a_crash_report(name: str, site: Site) -> None:
    """``sphinx-build`` (what ``make html`` runs): exit 2, the located errors, no traceback, no page."""
    prepare(name, site.root)
    site.write("index.md", INDEX)
    site.conf()
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(site.root), str(site.outdir)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "open an issue" not in done.stderr
    for line in problem_lines(expected(name)):
        assert f"ERROR: {line}" in done.stderr
    assert "dmsite data error: " in done.stderr
    assert not list(site.outdir.rglob("*.html"))

"""Hard edges beyond the validate corpus: what a reader, a terminal and a publisher see of hostile input.

Links to records no page shows, HTML entities next to document handles, control characters in the
calendar, file names and values in printed messages, tags on blobs and trees, dates at the ends of
the calendar in settings and directive options.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support.git import GitSite, milestones_yaml
from support.site import Site

from dmsite.cli import main
from dmsite.data import bibtex
from dmsite.data.catalog import Catalog
from dmsite.data.model import Document, Milestone
from dmsite.data.problems import Loc, Problem, printable
from dmsite.render.bibliography import link_handles
from dmsite.render.milestone_exports import ics_text, milestones_ics
from dmsite.vcs.history import release_tags
from dmsite.vcs.publish import PublishOptions, select_versions

MILESTONES = """
- id: DM-AP-1
  name: First
  wbs: 02C.03
  due: 2020-01-01
  description: x < y & z, see LDM-1
- id: DM-AP-2
  name: Second
  wbs: 02C.03
  due: 2021-09-01
  predecessors: [DM-AP-1]
  description: y
"""
WBS = "- {code: 1.02C.03, name: Alert Production}\n"
NO_WBS_PAGE = """
# Home

In {wbs}`02C.03`:

:::{dm-milestones-by-wbs}
:::

:::{dm-milestone-table}
:::
"""


def unlinked_site(site: Site) -> Site:
    site.write("data/milestones/m.yaml", MILESTONES)
    site.write("data/wbs/w.yaml", WBS)
    site.write("index.md", NO_WBS_PAGE)
    site.extra_conf = "suppress_warnings = []\n"  # the tests' default hides this warning
    return site


def test_links_to_records_no_page_shows_are_text_and_one_warning_per_kind(site: Site) -> None:
    """A site without a WBS dictionary page: no link to '#wbs-…' (an anchor nowhere), one warning with the count."""
    warnings = unlinked_site(site).build()
    html = site.html()
    assert not re.search(r'href="[^"]*#wbs-', html)
    page = site.page()
    unlinked = page.select("span.dm-ref.dm-wbs.dm-no-entry")
    assert unlinked and {s.get_text() for s in unlinked} <= {"02C.03", "1.02C.03", "Alert Production"}
    assert page.select_one('a.dm-ref.dm-milestone[href="#milestone-DM-AP-1"]') is not None  # shown here: linked
    lines = [line for line in re.sub(r"\x1b\[[0-9;]*m", "", warnings).splitlines() if "[dmsite.unlinked]" in line]
    links = len(unlinked) + 1  # the {wbs} role is text too
    assert lines == [f"WARNING: {links} links to 1 WBS element (1.02C.03) are shown as plain text: "
                     "no page of the site shows its entry [dmsite.unlinked]"]


def test_with_warnings_as_errors_the_build_fails_on_links_to_no_entry(site: Site) -> None:
    unlinked_site(site).conf()
    done = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-W", "-b", "html", str(site.root), str(site.outdir)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 1, done.stderr
    assert "links to 1 WBS element (1.02C.03) are shown as plain text" in done.stderr
    assert "Traceback" not in done.stderr


def catalog_of(*records: Milestone | Document) -> Catalog:
    return Catalog.from_records(records, dt.date(2021, 5, 10))


def test_document_handles_inside_html_entities_are_not_cited() -> None:
    catalog = catalog_of(*(Document(handle=h, title=h) for h in ("lt", "amp", "quot", "x27", "LDM-1")))
    html = "<p>x &lt; y &amp; z &quot;q&quot; &#x27;LDM-1&#x27; and lt</p>"
    linked = link_handles(html, catalog)
    assert "&lt;" in linked and "&amp;" in linked and "&quot;q&quot;" in linked and "&#x27;" in linked
    assert re.findall(r'href="dmsite-cite:([^"]+)"', linked) == ["LDM-1", "lt"]  # the word 'lt', not the entity


def test_icalendar_text_holds_no_control_character() -> None:
    assert ics_text("a\vb\fc\x00d\x1b[31m\x7f\x9be\tf") == "abcd[31me\tf"
    # what validation refuses (a NEL, a vertical tab) still cannot reach the calendar: built without it
    milestone = Milestone.model_construct(id="DM-AP-1", name="First\v", due=dt.date(2021, 6, 1), completed=None,
                                          retired=None, forecast=None, wbs=None, description="one\u2028two\x85three\f")
    calendar = milestones_ics(catalog_of(milestone))
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", calendar)
    assert "one\\ntwo\\nthree" in calendar.replace("\r\n ", "")


def test_printed_messages_escape_what_a_terminal_would_obey() -> None:
    problem = Problem(Loc("data/m\n\x1b[32mok.yaml", 2, 3), "DM-\u202e1", "name: 'a\rb\u2028c'")
    shown = str(problem)
    assert shown == "data/m\\n\\x1b[32mok.yaml:2:3: DM-\\u202e1: name: 'a\\rb\\u2028c'"
    assert shown.isprintable()
    assert printable("Jurić, 👩\u200d🚀 naïve") == "Jurić, 👩\\u200d🚀 naïve"  # letters stay as they are


def test_validate_prints_no_raw_control_character(tmp_path: Path) -> None:
    """A file name with a line break and colour codes, a bad value with them too: escaped in the process's output."""
    data = tmp_path / "data" / "milestones"
    data.mkdir(parents=True)
    (data / "x\n\x1b[32mok: 0 errors\x1b[0m.yaml").write_text(
        '- id: DM-AP-1\n  name: "\\e]0;owned\\a"\n  due: "2020-01-01\\e[2J"\n  description: TODO\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "dmsite.cli", "validate", "data", "--status-date", "2021-05-10"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", done.stdout + done.stderr)
    assert "data/milestones/x\\n\\x1b[32mok: 0 errors\\x1b[0m.yaml:2:3: DM-AP-1: name: " in done.stderr
    assert len(done.stderr.splitlines()) == 2  # one message per problem, one line each


def test_tags_on_a_blob_or_a_tree_are_skipped_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = GitSite(tmp_path / "repo")
    site.scaffold()
    site.write("content/data/milestones/dm.yaml", milestones_yaml(("DM-A", "2021-06-01", None, None)))
    site.commit("Plan", "2021-05-01")
    repo = site.repo
    repo.git.tag("v0-blob", repo.git.rev_parse("HEAD:conf.py"))
    repo.git.tag("v0-tree", repo.git.rev_parse("HEAD^{tree}"))
    repo.git.tag("-a", "v0-annotated-blob", "-m", "odd", repo.git.rev_parse("HEAD:conf.py"))
    repo.git.tag("v1")
    versions, ignored = select_versions(repo, PublishOptions(site.root, tmp_path / "site", branch=None))
    assert [v.version for v in versions] == ["v1"]
    assert ignored == ["tag 'v0-annotated-blob': points at a blob, not a commit; skipped",
                       "tag 'v0-blob': points at a blob, not a commit; skipped",
                       "tag 'v0-tree': points at a tree, not a commit; skipped"]
    assert [name for name, _ in release_tags(site.root, "v*")] == ["v1"]
    code = main(["publish", str(tmp_path / "site"), "--repo", str(site.root), "--no-branch", "--tags", "v0-*"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "ignored tag 'v0-tree': points at a tree, not a commit; skipped" in out
    assert "Traceback" not in out + err


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2201-01-01"])
def test_a_status_date_beyond_the_plan_years_is_a_clear_error(
    day: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "data" / "milestones").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    code = main(["validate", "data", "--no-conf", "--status-date", day])
    _, err = capsys.readouterr()
    assert code == 2
    assert f"{day} is outside the years a plan may name (1900 to 2200)" in err and "Traceback" not in err


def test_directive_options_beyond_the_calendar_are_located_errors(site: Site) -> None:
    site.write("data/milestones/m.yaml", MILESTONES)
    site.write("index.md", "# Home\n\n:::{dm-burndown}\n:history: 100000\n:::\n\n"
                           ":::{dm-burndown}\n:start: 9999-12-31\n:::\n")
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", site.build())
    assert ("index.md:4: WARNING: 'dm-burndown': Invalid option value for 'history': 100000: 100000 months: at most "
            "1200 (a century)") in warnings
    assert ("index.md:8: WARNING: 'dm-burndown': Invalid option value for 'start': 9999-12-31: 9999-12-31 is outside "
            "the years a plan may name (1900 to 2200)") in warnings


def test_a_bib_file_that_takes_too_long_stops_with_a_located_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    """The time limit (MAX_BIB_SECONDS, here none at all) ends the reading with one message, no records."""
    monkeypatch.setattr(bibtex, "MAX_BIB_SECONDS", 0.0)
    text = "@misc{LDM-1,\n  title = {One}\n}\n@misc{LDM-2,\n  title = {Two}\n}\n"
    records, problems = bibtex.read_bib(text, "data/documents/d.bib")
    assert records == []
    assert [str(p) for p in problems] == [
        "data/documents/d.bib:1:1: -: reading the .bib file took longer than 0 s; stopped at entry 'LDM-1' (split the file)"]

"""The ``dmsite`` command: validate, schema, export and new, as a user runs them."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from support import REPO_ROOT
from support.site import write_files

from dmsite.cli import main, parser
from dmsite.data.model import KINDS

REPO = REPO_ROOT
REAL_DATA = REPO / "content" / "data"
STATUS = ["--status-date", "2021-05-10"]

MILESTONES = """
- id: DM-AP-1
  name: Alert Production prototype
  wbs: "02C.03"
  due: 2020-06-01
  completed: 2020-05-01
  description: Done.
- id: DM-AP-2
  name: "=cmd|' /C calc'!A0"
  due: "2021-11-30"
  predecessors: [DM-AP-1]
  description: "+SUM(A1:A9)"
"""
PRODUCTS = """
- id: science-pipelines
  name: "@HYPERLINK(\\"http://evil\\")"
  manager: wom
  packages: ["-2+3", pipe_base]
- id: alert-production
  name: Alert Production
  parent: science-pipelines
"""




@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_files(tmp_path / "data", {
        "milestones/ap.yaml": MILESTONES,
        "products/p.yaml": PRODUCTS,
        "people/p.yaml": "- id: wom\n  name: William O'Mullane\n  institution: UW\n",
        "institutions/i.yaml": "- id: UW\n  name: University of Washington\n  url: https://www.washington.edu\n",
        "wbs/w.yaml": "- code: \"1.02C.03\"\n  name: Alert Production\n  lead: UW\n",
        "documents/d.yaml": "- handle: LDM-294\n  title: Organization\n  relations: [{to: LDM-148}]\n"
                            "- handle: LDM-148\n  title: Design\n",
        "glossary/g.yaml": "- term: AP\n  definition: Alert Production\n",
    })


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- validate --------------------------------------------------------------------------


def test_validate_clean_data_exits_0(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(data), *STATUS)
    assert code == 0
    assert out == "ok: 10 records, 0 errors, 0 warnings (status date 2021-05-10)\n"
    assert err == ""


def test_the_site_data_validates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(REAL_DATA), *STATUS)
    assert code == 0, err
    assert err == "" or err.startswith("warnings (")  # only warnings, e.g. milestones without description
    assert out.startswith("ok: ")


def test_warnings_fail_only_with_strict(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data / "milestones" / "extra.yaml").write_text("- id: DM-AP-3\n  name: No description\n  due: 2022-01-01\n")
    code, out, err = run(capsys, "validate", str(data), *STATUS)
    assert code == 0 and "1 warnings" in out
    assert "milestone has no description" in err
    code, out, _ = run(capsys, "validate", str(data), *STATUS, "--strict")
    assert code == 1 and out.startswith("FAILED: ")


def test_errors_exit_1_with_every_located_message(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data / "milestones" / "bad.yaml").write_text("- id: DM-AP-9\n  name: Bad\n  due: 2021-02-30\n  nmae: x\n")
    code, out, err = run(capsys, "validate", str(data), *STATUS)
    bad = data / "milestones" / "bad.yaml"
    assert code == 1
    assert err.splitlines() == [
        f"{bad}:3:3: DM-AP-9: due: '2021-02-30' is not a real date (day is out of range for month)",
        f"{bad}:4:3: DM-AP-9: unknown field 'nmae' (did you mean 'name'?)",
    ]
    assert out.startswith("FAILED: 10 records, 2 errors")


def test_status_date_decides_overdue_and_future_completion(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate", str(data), "--status-date", "2020-04-30")
    assert code == 1
    assert "DM-AP-1: completed 2020-05-01 is after the status date 2020-04-30" in err


def test_bad_arguments_exit_2_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["validate", "--status-date", "10/05/2021"])
    assert exited.value.code == 2
    assert "expected a date like 2021-05-10, got '10/05/2021'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["frobnicate"])
    assert exited.value.code == 2


def subcommands() -> list[str]:
    actions = [a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


@pytest.mark.parametrize("command", subcommands())
def test_help_of_every_subcommand(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0
    assert out.startswith(f"usage: dmsite {command}")
    assert len(out.splitlines()) > 4  # a description and the options, not just a usage line


def test_help_lists_the_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(command in out for command in ("validate", "schema", "export", "new"))


def test_console_script_runs_as_a_process(data: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "dmsite.cli", "validate", str(data), *STATUS],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and done.stdout.startswith("ok: 10 records")


# -- schema ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    out = tmp_path_factory.mktemp("schemas")
    assert main(["schema", "--out", str(out)]) == 0
    return {p.name.removesuffix(".schema.json"): json.loads(p.read_text()) for p in out.glob("*.schema.json")}


def as_editor_sees(value: Any) -> Any:
    """YAML as an editor's JSON Schema check sees it: dates are text."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)))


def errors(schema: dict[str, Any], records: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return [e.message for e in validator.iter_errors(records)]


def test_schema_is_written_for_every_kind_and_is_valid_json_schema(schemas: dict[str, dict[str, Any]]) -> None:
    assert sorted(schemas) == sorted(KINDS)
    for schema in schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["type"] == "array"
        assert schema["items"]["additionalProperties"] is False


def test_shipped_schemas_are_the_generated_ones_and_editors_find_them(schemas: dict[str, dict[str, Any]]) -> None:
    """schemas/ in the repository (what editors read) is what ``dmsite schema`` writes today."""
    shipped = {p.name.removesuffix(".schema.json"): json.loads(p.read_text()) for p in (REPO / "schemas").glob("*.json")}
    assert shipped == schemas, "schemas/ is out of date: run `.venv/bin/dmsite schema --out schemas`"
    editor = json.loads((REPO / ".vscode" / "settings.json").read_text())["yaml.schemas"]
    assert editor == {f"./schemas/{kind}.schema.json": f"content/data/{kind}/**/*.yaml" for kind in KINDS}


def test_schema_accepts_the_site_data(schemas: dict[str, dict[str, Any]]) -> None:
    checked = 0
    for path in sorted(REAL_DATA.glob("*/*.yaml")):
        records = as_editor_sees(yaml.safe_load(path.read_text(encoding="utf-8")))
        assert errors(schemas[path.parent.name], records) == [], path
        checked += len(records)
    assert checked > 20


@pytest.mark.parametrize(("kind", "record", "complaint"), [
    ("milestones", {"id": "M1", "name": "x", "due": "2021-01-01", "nmae": "y"}, "'nmae' was unexpected"),
    ("milestones", {"id": "M1", "name": "x"}, "'due' is a required property"),
    ("milestones", {"id": "M1", "name": "x", "due": "2021-02-30"}, "is not a 'date'"),
    ("milestones", {"id": "M1", "name": "x", "due": "2021-01-01", "level": 7}, "7 is not valid"),
    ("milestones", {"id": "M 1", "name": "x", "due": "2021-01-01"}, "does not match"),
    ("products", {"id": "p", "name": "x", "packages": "ap_pipe"}, "'ap_pipe' is not of type 'array'"),
    ("documents", {"handle": "D", "title": "t", "status": "final"}, "'final' is not one of"),
    ("documents", {"handle": "D", "title": "t", "relations": [{"to": "E", "tpye": "x"}]}, "'tpye' was unexpected"),
    ("glossary", {"term": "AP", "definition": "x", "acronym": "maybe"}, "'maybe' is not of type 'boolean'"),
    ("people", {"id": "wom", "name": ""}, "should be non-empty"),
])
def test_schema_rejects_bad_records(
    schemas: dict[str, dict[str, Any]], kind: str, record: dict[str, Any], complaint: str
) -> None:
    found = errors(schemas[kind], [record])
    assert any(complaint in message for message in found), found


# -- export ----------------------------------------------------------------------------


def test_export_json_round_trips(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, first, _ = run(capsys, "export", str(data), *STATUS)
    assert code == 0
    dumped = json.loads(first)
    assert dumped["status_date"] == "2021-05-10"
    assert [m["id"] for m in dumped["milestones"]] == ["DM-AP-1", "DM-AP-2"]
    assert dumped["milestones"][1]["due"] == "2021-11-30"
    copy = tmp_path / "copy"
    for folder in KINDS:
        (copy / folder).mkdir(parents=True)
        (copy / folder / "all.yaml").write_text(yaml.safe_dump(dumped[folder], allow_unicode=True))
    code, second, _ = run(capsys, "export", str(copy), *STATUS)
    assert code == 0
    assert second == first


def test_export_to_a_file(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "catalog.json"
    code, out, _ = run(capsys, "export", str(data), *STATUS, "-o", str(target))
    assert (code, out) == (0, "")
    assert json.loads(target.read_text())["products"][1]["id"] == "science-pipelines"


def test_export_refuses_broken_data(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data / "products" / "bad.yaml").write_text("- id: x\n")
    code, out, err = run(capsys, "export", str(data), *STATUS, "--format", "json")
    assert code == 1
    assert "missing required field 'name'" in err and not out.lstrip().startswith("{")


def csv_sections(text: str) -> dict[str, list[dict[str, str]]]:
    sections: dict[str, list[dict[str, str]]] = {}
    rows = list(csv.reader(io.StringIO(text, newline="")))
    i = 0
    while i < len(rows):
        folder, header = rows[i][0].removeprefix("# "), rows[i + 1]
        i += 2
        sections[folder] = []
        while i < len(rows) and not rows[i][0].startswith("# "):
            sections[folder].append(dict(zip(header, rows[i], strict=True)))
            i += 1
    return sections


def test_export_csv_parses_and_neutralises_formulas(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "export", str(data), *STATUS, "--format", "csv")
    assert code == 0
    sections = csv_sections(out)
    assert sorted(sections) == sorted(KINDS)
    milestones = {row["id"]: row for row in sections["milestones"]}
    assert milestones["DM-AP-2"]["name"] == "'=cmd|' /C calc'!A0"
    assert milestones["DM-AP-2"]["description"] == "'+SUM(A1:A9)"
    assert milestones["DM-AP-2"]["predecessors"] == "DM-AP-1"
    product = next(r for r in sections["products"] if r["id"] == "science-pipelines")
    assert product["name"] == "'@HYPERLINK(\"http://evil\")"
    assert product["packages"] == "'-2+3; pipe_base"
    for rows in sections.values():
        for row in rows:
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row.values()), row
    assert json.loads(sections["documents"][1]["relations"]) == {"to": "LDM-148", "type": "derives"}


def test_export_into_a_missing_folder_is_a_clean_error(data: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "export", str(data), *STATUS, "-o", str(tmp_path / "no" / "such" / "x.json"))
    assert code == 1 and err.startswith("error: ") and "Traceback" not in err


# -- new -------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "record_id"), [("milestone", "DM-AP-3"), ("product", "alert-distribution"),
                                                 ("document", "DMTN-199")])
def test_new_writes_a_stub_that_validates(
    data: Path, kind: str, record_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "new", kind, record_id, "--name", "A: tricky # name", "--description", "Filters alerts.",
                       "--data-dir", str(data))
    folder = {"milestone": "milestones", "product": "products", "document": "documents"}[kind]
    target = data / folder / "new.yaml"
    assert code == 0 and out == f"added {kind} '{record_id}' to {target}\n"
    written = yaml.safe_load(target.read_text())
    assert written[0][KINDS[folder].id_field] == record_id
    assert "A: tricky # name" in written[0].values()
    code, out, err = run(capsys, "validate", str(data), "--status-date", dt.date.today().isoformat(), "--strict")
    assert (code, err) == (0, "")
    assert out.startswith("ok: 11 records")


def test_new_appends_a_record_that_fits_the_file(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = data / "milestones" / "02C.03.yaml"
    target.write_text("# Alert Production\n- id: DM-AP-5\n  name: Five\n  wbs: 02C.03\n  due: 2022-01-01\n  description: A.\n"
                      "- id: DM-AP-6\n  name: Six\n  wbs: 02C.03\n  due: 2022-02-01\n  description: B.\n")
    before = target.read_text()
    code, _, _ = run(capsys, "new", "milestone", "DM-AP-3", "--name", "Alert filtering", "--description", "Filters.",
                     "--due", "2022-03-01", "--level", "3", "--file", str(target), "--data-dir", str(data))
    assert code == 0
    added = target.read_text()[len(before):]
    shared_wbs = {m["wbs"] for m in yaml.safe_load(before)}
    assert added.startswith("\n- id: DM-AP-3\n")  # a blank line between records
    assert "due: 2022-03-01\n" in added and "'" not in added  # a date, unquoted
    assert f"wbs: {shared_wbs.pop()}\n" in added and "TODO" not in added and "null" not in added
    assert target.read_text().startswith(before)  # comments and records kept as written
    assert [m["id"] for m in yaml.safe_load(target.read_text())] == ["DM-AP-5", "DM-AP-6", "DM-AP-3"]
    code, _, err = run(capsys, "validate", str(data), "--status-date", "2021-05-10", "--strict")
    assert (code, err) == (0, "")


def test_new_milestone_needs_a_name_and_description(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "new", "milestone", "DM-AP-3", "--name", "X", "--data-dir", str(data))
    assert code == 1 and "needs --name and --description" in err


def test_placeholder_text_is_a_warning(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data / "milestones" / "extra.yaml").write_text("- id: DM-AP-3\n  name: X\n  due: 2022-01-01\n  description: TODO\n")
    code, _, err = run(capsys, "validate", str(data), *STATUS, "--strict")
    assert code == 1 and "extra.yaml:4:3: DM-AP-3: description is the placeholder 'TODO'" in err


def test_new_refuses_an_existing_id(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = {p: p.read_text() for p in data.rglob("*.yaml")}
    code, _, err = run(capsys, "new", "milestone", "DM-AP-1", "--name", "X", "--description", "Y", "--data-dir", str(data))
    assert code == 1
    assert err == "error: milestone 'DM-AP-1' already exists\n"
    assert {p: p.read_text() for p in data.rglob("*.yaml")} == before


def test_new_refuses_an_invalid_id(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "new", "product", "bad id", "--data-dir", str(data))
    assert code == 1
    assert err.startswith("error: id: 'bad id' is not a valid id")
    assert not (data / "products" / "new.yaml").exists()


def test_new_refuses_to_append_to_a_file_that_is_not_a_list(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = data / "milestones" / "odd.yaml"
    target.write_text("id: DM-AP-7\nname: a mapping\n")
    code, _, err = run(capsys, "new", "milestone", "DM-AP-8", "--name", "X", "--description", "Y", "--file", str(target),
                       "--data-dir", str(data))
    assert code == 1 and "does not hold a list of records" in err
    assert target.read_text() == "id: DM-AP-7\nname: a mapping\n"

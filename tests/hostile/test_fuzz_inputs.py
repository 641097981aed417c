"""Property-based: random bytes and random YAML documents to the loader, random text to every field and renderer.

Whatever the input, ``build_catalog`` returns clean located problems (never raises); when it accepts
the data, every renderer (HTML, DOT, SVG, CSV, JSON, iCalendar, BibTeX) runs on it and writes no
control character, lone surrogate or bidi override into its output.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hostile.test_fuzz import STATUS_DATE, VALID, assert_only_clean_problems, dump
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dmsite.analyses import documents as document_tree
from dmsite.analyses import schedule
from dmsite.data.catalog import Catalog
from dmsite.data.load import build_catalog
from dmsite.data.model import KINDS
from dmsite.render import (
    bibliography,
    charts,
    dashboard,
    depgraph,
    documents,
    exports,
    glossary,
    milestone_exports,
    milestones,
    organisation,
    products,
    traceability,
)

QUICK = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
# what no output may hold: C0 controls but tab and line breaks, DEL, C1, lone surrogates, bidi controls
UNSAFE_OUTPUT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")

ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30) | st.sampled_from([
    "a\x00b", "\x1b[31mred", "\x85", "\u2028", "\u202egnol", "A\u200bP", "\ufeff", "<script>x</script>", "&lt;",
    "x < y & z", "//evil.example/x", "LDM-294 §3", "\t", " ", "", "🔭", "ＡＰ", "\\", "'\"", "{{x}}", "\U000e0041",
])


WORK = Path(tempfile.mkdtemp(prefix="dmsite-fuzz-inputs-"))


def load(files: dict[str, bytes]) -> tuple[Catalog, list[Path]]:
    """*files* (relative path → bytes) as the only files of a data folder, loaded; and the paths written."""
    data = WORK / "data"
    shutil.rmtree(data, ignore_errors=True)
    for rel, raw in files.items():
        (data / rel).parent.mkdir(parents=True, exist_ok=True)
        (data / rel).write_bytes(raw)
    return build_catalog(data, STATUS_DATE, base=WORK), [Path("data") / rel for rel in files]


def render_everything(catalog: Catalog) -> list[str]:
    """Every renderer's output over the whole catalog (what each directive shows, without Sphinx)."""
    ms = schedule.by_due(catalog.milestones.values())
    late = schedule.overdue(catalog)
    stats = schedule.summary(catalog)
    burn = schedule.burndown(catalog)
    docs = sorted(catalog.documents.values(), key=lambda d: d.handle)
    reqs = sorted(catalog.requirements.values(), key=lambda r: r.id)
    prods = sorted(catalog.products.values(), key=lambda p: p.id)
    links = {"table": "t", "overdue": "o", "by-month": "m"}
    out = [
        milestones.summary_html(stats, None, catalog.status_date.isoformat(), "The plan"),
        milestones.overdue_html(catalog, late), milestones.slipping_html(catalog, schedule.slipping(catalog)),
        *(milestones.month_html(catalog, month) for month in schedule.by_month(ms)),
        *(milestones.detail_html(catalog, m) for m in ms),
        *(milestones.release_html(catalog, r) for r in schedule.releases(catalog, ["*"])),
        milestones.milestone_table(catalog, ms), milestones.test_table(catalog, ms), milestones.key_table(catalog, ms),
        charts.burndown_svg(burn), charts.burndown_table(burn), charts.gantt_svg(catalog, ms),
        dashboard.dashboard_html(catalog, ms, stats, late, burn, None, links),
        depgraph.dependency_dot(catalog, ms), depgraph.wbs_graph_dot(catalog, ms, "g", "All"),
        documents.tree_dot(catalog, document_tree.tree_documents(catalog)), documents.documents_table(catalog, docs),
        bibliography.references_html(docs), bibliography.to_bibtex(docs),
        *(bibliography.link_handles(milestones.detail_html(catalog, m), catalog) for m in ms),
        glossary.acronyms_table(catalog.terms.values()), glossary.glossary_table(catalog.terms.values()),
        organisation.org_chart_dot(catalog), organisation.role_entries(catalog), organisation.group_entries(catalog),
        organisation.institution_entries(catalog), organisation.people_entries(catalog),
        products.product_tree_dot(catalog, prods), products.product_table(catalog, prods),
        products.product_entries(catalog, prods), products.contacts(catalog), products.wbs_table(catalog),
        products.wbs_dictionary(catalog),
        traceability.req_components_html(catalog, reqs), traceability.component_reqs_html(catalog, reqs),
        traceability.req_req_html(catalog, reqs, "up"), traceability.requirements_html(catalog, reqs),
        exports.to_json(catalog), exports.to_csv(catalog), milestone_exports.milestones_json(catalog),
        milestone_exports.milestones_csv(catalog), milestone_exports.milestones_ics(catalog),
    ]
    return out


def assert_clean_output(catalog: Catalog) -> None:
    for text in render_everything(catalog):
        found = UNSAFE_OUTPUT.search(text)
        assert found is None, (repr(found.group()), text[max(0, found.start() - 60):found.end() + 60])


def test_every_renderer_runs_on_the_valid_data_set() -> None:
    catalog, _ = load({f"{kind}/x.yaml": dump(records) for kind, records in VALID.items()})
    assert catalog.problems == []
    outputs = render_everything(catalog)
    assert all(isinstance(text, str) for text in outputs) and len(outputs) > 40
    assert_clean_output(catalog)


FILE_NAMES = [*sorted(f"{kind}/x.yaml" for kind in VALID), "documents/x.bib"]


@QUICK
@given(st.sampled_from(FILE_NAMES), st.binary(max_size=400) | st.builds(lambda b: b"@misc{LDM-1,\n title = {" + b,
                                                                           st.binary(max_size=100)))
def test_random_bytes_give_only_located_problems(name: str, raw: bytes) -> None:
    """Any bytes at all as a data file, YAML or BibTeX."""
    catalog, paths = load({name: raw})
    assert_only_clean_problems(catalog, paths)


YAML_SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.dates()
                | st.datetimes() | ANY_TEXT)
YAML_VALUES = st.recursive(
    YAML_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT | st.integers(), inner, max_size=4),
    max_leaves=12,
)


@QUICK
@given(st.sampled_from(sorted(VALID)), YAML_VALUES, st.sampled_from(["block", "flow", "canonical"]))
def test_random_yaml_documents_give_only_located_problems(kind: str, document: Any, style: str) -> None:
    """Any YAML document, in any style the emitter writes (canonical: every node tagged)."""
    text = yaml.safe_dump(document, allow_unicode=style != "canonical", default_flow_style=style == "flow",
                          canonical=style == "canonical")
    catalog, paths = load({f"{kind}/x.yaml": text.encode("utf-8", "surrogatepass")})
    assert_only_clean_problems(catalog, paths)


def _text_fields() -> list[tuple[str, int, str]]:
    """(folder, record index, field) of every text field (ids aside) of every record of the valid data set."""
    found = []
    for kind, records in VALID.items():
        cls = KINDS[kind]
        names = [f.alias or n for n, f in cls.model_fields.items() if "str" in str(f.annotation) and n != cls.id_field]
        found += [(kind, index, name) for index in range(len(records)) for name in names]
    return sorted(found)


TEXT_FIELDS = _text_fields()


@QUICK
@given(st.sampled_from(TEXT_FIELDS), st.lists(ANY_TEXT, min_size=1, max_size=3), st.booleans())
def test_random_text_in_any_field_is_refused_with_a_location_or_rendered_safely(
    field: tuple[str, int, str], texts: list[str], as_list: bool,
) -> None:
    kind, index, name = field
    data = copy.deepcopy(VALID)
    value: Any = texts if as_list else texts[0]
    data[kind][index][name] = value
    catalog, paths = load({f"{k}/x.yaml": dump(records) for k, records in data.items()})
    assert_only_clean_problems(catalog, paths)
    if not catalog.errors:
        assert_clean_output(catalog)


def test_the_calendar_ends_render() -> None:
    """The first and last days a plan may name go through every renderer (month arithmetic, ICS, charts)."""
    data = copy.deepcopy(VALID)
    data["milestones"][0].update(due=dt.date(1900, 1, 1), completed="1900-01-02")
    data["milestones"][1].update(due="2200-12", forecast=dt.date(2200, 12, 31))
    catalog, _ = load({f"{k}/x.yaml": dump(records) for k, records in data.items()})
    assert catalog.errors == []
    assert_clean_output(catalog)
    ics = milestone_exports.milestones_ics(catalog)
    assert "DTSTART;VALUE=DATE:22001231" in ics and "DTEND;VALUE=DATE:22010101" in ics

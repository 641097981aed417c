"""The model for real schedules: month-only dates, retired, estimated and external milestones, P6 ids,
placeholders, inferred WBS elements, no error cascades — and what the schedule analyses and pages make of them."""

from __future__ import annotations

import datetime as dt
import pickle
import textwrap
from pathlib import Path

import pytest
from support.site import Site

from dmsite.analyses import schedule
from dmsite.data.catalog import Catalog, Status
from dmsite.data.dates import parse, shown, sort_key
from dmsite.data.load import build_catalog
from dmsite.data.model import ExternalMilestone, Milestone
from dmsite.render import depgraph, milestone_exports
from dmsite.render import milestones as render
from dmsite.render.html import anchor

D = dt.date
STATUS = D(2021, 5, 10)


def ms(id: str, due: str = "2021-01-01", **fields: object) -> Milestone:
    return Milestone.model_validate({"id": id, "name": f"Name of {id}", "due": due, "description": "x", **fields})


def cat(*records: object, status: dt.date = STATUS) -> Catalog:
    return Catalog.from_records(records, status)  # type: ignore[arg-type]


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return folder


# -- month-only dates ------------------------------------------------------------------------------


def test_a_month_only_date_is_the_last_day_of_its_month_and_sorts_after_its_exact_days() -> None:
    july = parse("2021-07")
    assert (july.isoformat(), july.shown(), str(july)) == ("2021-07", "July 2021", "2021-07")
    assert july.year, july.month == (2021, 7)
    assert (D(2021, 8, 10) - july).days == 10  # days count from 31 July
    assert sorted([D(2021, 8, 1), july, D(2021, 7, 31), D(2021, 7, 1)]) == [D(2021, 7, 1), D(2021, 7, 31), july,
                                                                            D(2021, 8, 1)]
    assert july != D(2021, 7, 31) and july == parse("2021-07") and july < D(2021, 8, 1)
    assert parse("2021-07-29") == D(2021, 7, 29) and hash(parse("2021-07-29")) == hash(D(2021, 7, 29))
    assert sort_key(july) > sort_key(D(2021, 7, 31)) > sort_key(D(2021, 7, 1))
    assert (shown(D(2021, 7, 2)), shown(None)) == ("2021-07-02", "")
    assert pickle.loads(pickle.dumps(july)).shown() == "July 2021"
    with pytest.raises(ValueError, match=r"month must be in 1\.\.12"):
        parse("2021-13")


def test_month_only_due_dates_are_overdue_only_once_their_month_is_over() -> None:
    july = ms("M", "2021-07")
    assert cat(july, status=D(2021, 7, 31)).status(july) == Status.OPEN
    late = schedule.overdue(cat(july, status=D(2021, 8, 3)))
    assert [(x.milestone.id, x.days) for x in late] == [("M", 3)]
    assert render.overdue_html(cat(july), late).count("Due July 2021") == 1


# -- fields real schedules carry --------------------------------------------------------------------


def test_jira_one_key_undefined_level_placeholders_and_p6_ids() -> None:
    m = ms("T&SC-6500-9000", jira="DM-19209", level="Undefined", test_spec="", comment="")
    assert (m.jira, m.level, m.test_spec, m.comment) == (["DM-19209"], None, None, None)
    catalog = cat(m)
    warnings = sorted(p.message for p in catalog.warnings)
    assert warnings == [f"{name}: '' is no value: taken as not set (remove the line, or give a value)"
                        for name in ("comment", "test_spec")]
    assert not catalog.errors
    assert anchor("milestone", "T&SC-6500-9000") == "milestone-T-SC-6500-9000"
    assert 'id="milestone-T-SC-6500-9000"' in render.detail_html(catalog, m)
    assert "T&amp;SC-6500-9000" in render.detail_html(catalog, m)


def test_wbs_elements_are_known_from_the_codes_milestones_use(tmp_path: Path) -> None:
    data = write(tmp_path / "data", {
        "wbs/w.yaml": '- code: "1.02C"\n  name: DM\n- code: "1.02C.03"\n  name: AP\n',
        "milestones/m.yaml": """
            - id: A
              name: A
              wbs: "02C.11.02"
              due: 2021-01-01
              description: x
            - id: B
              name: B
              wbs: "02C.11.02"
              due: 2021-01-01
              description: x
        """,
    })
    catalog = build_catalog(data, STATUS)
    assert not catalog.errors
    assert catalog.resolve_wbs("02C.11.02") == catalog.wbs["1.02C.11.02"]
    (warning,) = [str(p) for p in catalog.warnings]
    assert "A: wbs '02C.11.02' has no WBS record: the element 1.02C.11.02 is known from the milestones" in warning
    assert warning.endswith("but its name is missing (add it under wbs/, or did you mean '1.02C.03'?)")


def test_one_mistake_is_one_message_not_a_cascade(tmp_path: Path) -> None:
    data = write(tmp_path / "data", {
        "milestones/m.yaml": """
            - id: DM-NCSA-11
              name: Broken
              wsb: "02C.07"
              due: 2021-01-01
            - id: DLP-552
              name: Depends on it
              due: 2021-02-01
              predecessors: [DM-NCSA-11]
              description: x
            - id: S
              name: Names its successors
              due: 2021-02-01
              successors: [DLP-552]
        """,
    })
    errors = [str(p).split(": ", 1)[1] for p in build_catalog(data, STATUS).errors]
    assert errors == [
        "DM-NCSA-11: unknown field 'wsb' (did you mean 'wbs'?)",
        "S: unknown field 'successors': successors are derived from predecessors; "
        "list this record in each successor's 'predecessors' instead",
    ]


# -- retired, estimated, external ---------------------------------------------------------------------


def _real_schedule() -> Catalog:
    return cat(
        ms("OLD-1", "2013-01-01", retired="2020-06-30"),
        ms("DONE", "2020-01-31", completed="2020-01-31", completed_estimated=True, level=3),
        ms("LATE", "2021-03-31", predecessors=["OLD-1", "CAMM-1"], level=2),
        ms("NEXT", "2021-09", level=2),
        ExternalMilestone.model_validate({"id": "CAMM-1", "name": "Camera ready", "subsystem": "Camera",
                                          "url": "https://example.org/camm-1"}),
        ExternalMilestone.model_validate({"id": "T&SC-1", "name": "Telescope", "predecessors": ["NEXT"]}),
    )


def test_retired_milestones_are_never_counted() -> None:
    catalog = _real_schedule()
    assert catalog.status(catalog.milestones["OLD-1"]) == Status.RETIRED
    s = schedule.summary(catalog)
    assert (s.total, s.no_level, s.completed, s.overdue, s.open) == (3, 0, 1, 1, 1)
    assert [x.milestone.id for x in schedule.overdue(catalog)] == ["LATE"]
    months = schedule.by_month(catalog.milestones.values())
    assert (months[-1].year, months[-1].month, months[0].month) == (2020, 1, 9)  # 2013 does not stretch it
    assert "OLD-1" not in [m.id for month in months for m in month.milestones]
    calendar = milestone_exports.milestones_ics(catalog)
    assert "SUMMARY:NEXT: Name of NEXT" in calendar and "DTSTART;VALUE=DATE:20210930" in calendar
    assert "OLD-1" not in calendar


def test_a_burndown_draws_the_current_baseline_without_retired_milestones() -> None:
    catalog = _real_schedule()
    burn = schedule.burndown(catalog)
    assert burn.total == 3  # OLD-1 left the baseline: in no point, before or after it retired
    assert burn.dates[0] == D(2020, 1, 1)  # the retired milestone's 2013 due date does not widen the window
    at = {d: (b, f, a) for d, b, f, a in zip(burn.dates, burn.baseline, burn.forecast, burn.achieved, strict=True)}
    assert at[D(2020, 6, 1)][2] == at[D(2020, 7, 1)][2] == 2  # no drop on the day it retired


def test_burndown_start_crops_or_excludes() -> None:
    catalog = _real_schedule()
    start = D(2021, 1, 1)
    crop = schedule.burndown(catalog, schedule.Scope(start=start))
    exclude = schedule.burndown(catalog, schedule.Scope(start=start), before_start=schedule.EXCLUDE)
    assert crop.dates[0] == exclude.dates[0] == start
    assert (crop.total, crop.achieved[0]) == (3, 2)  # DONE (completed 2020) still counted, as done
    assert (exclude.total, exclude.achieved[0]) == (2, 2)  # DONE and OLD-1 (due before the start) left out
    assert exclude.baseline[0] == 2 and crop.baseline[0] == 2


def test_pages_show_retired_estimated_month_only_and_external_milestones() -> None:
    catalog = _real_schedule()
    late = render.detail_html(catalog, catalog.milestones["LATE"])
    assert 'class="dm-ref dm-milestone dm-retired"' in late  # OLD-1, struck through
    assert '<a class="dm-ref dm-external" href="https://example.org/camm-1" title="Camera ready (Camera)' in late
    old = render.detail_html(catalog, catalog.milestones["OLD-1"])
    assert "left the baseline on 2020-06-30; not counted" in old and "dm-status-retired" in old
    assert "2020-01-31 <span class=\"dm-estimated\">(estimated)</span>" in render.detail_html(
        catalog, catalog.milestones["DONE"])
    nxt = render.detail_html(catalog, catalog.milestones["NEXT"])
    assert "<dt>Baseline due</dt> <dd>September 2021</dd>" in nxt
    assert '<span class="dm-external" title="Telescope; another subsystem&#x27;s milestone">T&amp;SC-1</span>' in nxt


def test_graphs_draw_external_neighbours_dashed_and_retired_grey() -> None:
    catalog = _real_schedule()
    dot = depgraph.wbs_graph_dot(catalog, [catalog.milestones["LATE"], catalog.milestones["NEXT"]], "g", "t")
    assert '"CAMM-1" [label="CAMM-1\\nCamera ready", shape=box, style="filled,dashed"' in dot
    assert 'URL="https://example.org/camm-1"' in dot
    assert '"T&amp;SC-1" [' in dot and '"NEXT" -> "T&amp;SC-1"' in dot and '"CAMM-1" -> "LATE"' in dot
    assert '"OLD-1" [' in dot and 'class="dm-node dm-retired dm-other"' in dot
    assert "another subsystem's (purple, dashed)" in depgraph.legend_html()


def test_the_site_builds_with_real_schedule_data(site: Site) -> None:
    site.write("data/wbs/w.yaml", '- code: "1.02C.03"\n  name: Alert Production\n')
    site.write("data/milestones/m.yaml", """
        - id: OLD-1
          name: Left the baseline
          wbs: "02C.03"
          due: 2013-01-01
          retired: 2020-06-30
          description: x
        - id: LATE
          name: Late one
          wbs: "02C.03"
          due: 2021-03
          predecessors: [OLD-1, T&SC-6500-9000]
          jira: DM-1
          description: x
        """)
    site.write("data/external/p6.yaml", """
        - id: T&SC-6500-9000
          name: Telescope <b>ready</b>
          due: 2020-12
        """)
    site.write("index.md", """
        # Schedule

        :::{dm-milestone-summary}
        :::

        :::{dm-overdue}
        :::

        :::{dm-burndown}
        :start: 2020-01-01
        :before-start: exclude
        :::

        :::{dm-milestones-by-wbs}
        :::
        """)
    assert site.build() == ""
    page = site.page()
    text = " ".join(page.get_text().split())
    assert "tracking 1 milestone" in text
    assert "LATE: Late one [Due March 2021; 40 days late]" in text
    assert page.select_one("#milestone-OLD-1 .dm-retired-note").get_text() == "left the baseline on 2020-06-30; not counted"
    assert "Telescope <b>ready</b>" in page.select_one("#milestone-LATE span.dm-external")["title"]
    assert page.select_one(".dm-burndown title").get_text() == "Open milestones over time"

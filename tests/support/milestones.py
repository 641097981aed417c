"""A small milestone data set shared by the milestone tests (status date 2021-05-10 unless told)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dmsite.data.catalog import Catalog
from dmsite.data.model import Milestone, WbsElement

WBS = """
- code: "1.02C"
  name: Data Management
- code: "1.02C.00"
  name: Level 2 Milestones
- code: "1.02C.03"
  name: Alert Production
- code: "1.02C.03.01"
  name: Single frame processing
- code: "1.02C.04"
  name: Data Release Production
"""

MILESTONES = """
- id: DM-AP-1
  name: Basic single frame measurement pipeline.
  wbs: "02C.03.01"
  level: 3
  due: 2017-08-31
  completed: 2017-11-01
  description: The *first* pipeline.
- id: DM-AP-2
  name: Alard & Lupton-style image differencing.
  wbs: "02C.03"
  level: 3
  due: 2020-06-01
  forecast: 2021-08-01
  predecessors: [DM-AP-1]
  jira: [DM-1234]
- id: DM-AP-3
  name: Alert distribution <b>integrated</b>.
  wbs: "02C.03"
  level: 3
  due: 2021-04-30
  description: Distribute alerts.
- id: DM-DRP-1
  name: HSC merger complete.
  wbs: "02C.04"
  level: 2
  due: 2017-05-31
  completed: 2017-11-01
- id: DM-DRP-2
  name: PSF estimation over the full visit.
  wbs: "02C.04"
  due: 2021-06-30
  key: true
  predecessors: [DM-DRP-1]
- id: LDM-503-02
  name: "Test report: HSC reprocessing"
  short_name: HSC reprocessing
  wbs: "02C.00"
  level: 2
  due: 2017-11-30
  completed: 2017-12-01
  test_spec: LDM-533
  predecessors: [DM-DRP-1, DM-AP-1]
- id: LDM-503-10
  name: "Test report: DAQ validation"
  short_name: DAQ validation
  wbs: "02C.00"
  level: 2
  due: 2021-10-31
  forecast: 2022-01-15
  key: true
- id: LDM-503-11
  name: "Test report: Ops rehearsal #2, with a comma; and semicolon"
  short_name: "Ops rehearsal for commissioning #2"
  wbs: "02C.00"
  level: 2
  due: 2021-12-19
  predecessors: [DM-AP-2, DM-DRP-2, LDM-503-10]
"""


def records(**overrides: Any) -> list[Milestone]:
    """Milestone records for unit tests (not via YAML)."""
    import yaml

    return [Milestone.model_validate({**r, **overrides.get(r["id"], {})}) for r in yaml.safe_load(MILESTONES)]


def catalog(status_date: dt.date = dt.date(2021, 5, 10)) -> Catalog:
    import yaml

    wbs = [WbsElement.model_validate(r) for r in yaml.safe_load(WBS)]
    return Catalog.from_records([*wbs, *records()], status_date)

"""A one-page plan (a milestone summary of four milestones) for the settings tests of the build and the CLI."""

from __future__ import annotations

from pathlib import Path

from .site import Site

MILESTONES = """
- id: DM-AP-1
  name: First
  due: 2021-03-01
  description: The first.
- id: DM-AP-2
  name: Second
  due: 2021-09-01
  predecessors: [DM-AP-1]
  description: The second.
- id: DM-AP-3
  name: Third
  due: 2021-10-01
- id: DM-AP-4
  name: Fourth
  due: 2021-11-01
"""
INDEX = "# Plan\n\n:::{dm-milestone-summary}\n:::\n"


def plan_site(root: Path, extra_conf: str = "") -> Site:
    """The plan written under *root* with its conf.py (*extra_conf* appended)."""
    site = Site(root, extra_conf=extra_conf)
    site.write("data/milestones/m.yaml", MILESTONES)
    site.write("index.md", INDEX)
    site.conf()
    return site

"""The three sites the benchmark compares, made from one generated data set.

- ``dmsite``: summary, burndown, a table of all milestones, one page per WBS element with
  its dependency graph and milestone details (the DMTN-158 structure);
- ``needs``: the same pages with sphinx-needs (a need per milestone, needtable, needpie,
  one needflow per WBS page);
- ``floor``: plain Sphinx, the same pages holding only a paragraph per milestone.

All three use the same theme and settings.
"""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml
from generate import STATUS_DATE, WBS_COUNT, wbs_code

COMMON_CONF = """
project = "benchmark"
exclude_patterns = ["data/**", "_build"]
html_theme = "pydata_sphinx_theme"
html_theme_options = {"navigation_depth": 2, "icon_links": [], "logo": {}}
html_permalinks_icon = "#"
myst_enable_extensions = ["colon_fence"]
"""
# As in the DM site's conf.py: the theme loaded as an extension and the values it fills in set
# above, so that no rebuild of any of the three sites sees a changed configuration.
THEME_AS_EXTENSION = 'extensions.append("pydata_sphinx_theme")\n'
ALABASTER_CONF = 'project = "benchmark"\nexclude_patterns = ["data/**", "_build"]\nmyst_enable_extensions = ["colon_fence"]\n'
THEMES = {"pydata": (COMMON_CONF, THEME_AS_EXTENSION), "alabaster": (ALABASTER_CONF, "")}
theme = "pydata"  # which of THEMES the sites use (engines.py --theme)


WBS_PAGES = [wbs_code(w) for w in range(WBS_COUNT)]


def milestones(data_dir: Path) -> dict[str, list[dict[str, Any]]]:
    by_wbs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for path in sorted((data_dir / "milestones").glob("*.yaml")):
        for record in yaml.load(path.read_text(), Loader=yaml.CSafeLoader):
            by_wbs[record["wbs"]].append(record)
    return by_wbs


def _write(root: Path, pages: dict[str, str], conf: str) -> Path:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    head, tail = THEMES[theme]
    (root / "conf.py").write_text(head + conf + tail)
    for name, text in pages.items():
        (root / f"{name}.md").write_text(text)
    return root


def _index(extra: str = "") -> str:
    toctree = "\n".join(["summary", "table", *[f"wbs-{w}" for w in WBS_PAGES]])
    return f"# Benchmark\n\n```{{toctree}}\n:maxdepth: 1\n\n{toctree}\n```\n{extra}"


# -- dmsite ---------------------------------------------------------------------------------

DMSITE_PAGES = {
    "summary": "# Summary\n\n:::{dm-milestone-summary}\n:::\n\n:::{dm-burndown}\n:::\n",
    "table": "# All milestones\n\n:::{dm-milestone-table}\n:::\n",
    "wbs": "# WBS {wbs}\n\n:::{{dm-milestones-by-wbs}}\n:wbs: {wbs}\n:::\n",
}


def dmsite_site(data_dir: Path, root: Path) -> Path:
    pages = {"index": _index(), "summary": DMSITE_PAGES["summary"], "table": DMSITE_PAGES["table"]}
    for wbs in WBS_PAGES:
        pages[f"wbs-{wbs}"] = DMSITE_PAGES["wbs"].format(wbs=wbs)
    conf = (
        'extensions = ["myst_parser", "dmsite.sphinxext"]\n'
        f'dmsite_data_dir = "data"\ndmsite_status_date = "{STATUS_DATE.isoformat()}"\n'
        # the 13 pages have no WBS dictionary: WBS names are shown as plain text, as the other sites show them
        'suppress_warnings = ["dmsite.unlinked"]\n'
    )
    _write(root, pages, conf)
    shutil.copytree(data_dir, root / "data")
    return root


EDITED_ID = "BM-00000"  # the milestone every edit re-forecasts (first of WBS 02C.00)
EDITED_WBS = WBS_PAGES[0]


def next_forecast(text: str) -> str:
    """The date the next edit sets: a new date each time, so every edit really changes the data."""
    found = re.findall(r"forecast: 2030-(\d\d)-01", text)
    month = int(found[0]) % 12 + 1 if found else 1
    return f"2030-{month:02d}-01"


def dmsite_edit(root: Path) -> str:
    """Re-forecast one milestone in the YAML (replacing its forecast or adding one); returns the date."""
    path = root / "data" / "milestones" / f"{EDITED_WBS}.yaml"
    lines = path.read_text().splitlines(keepends=True)
    start = lines.index(f"- id: {EDITED_ID}\n")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("- ")), len(lines))
    day = next_forecast("".join(lines[start:end]))
    block = [line for line in lines[start:end] if not line.startswith("  forecast: ")]
    at = next(i for i, line in enumerate(block) if line.startswith("  due: ")) + 1
    block.insert(at, f"  forecast: {day}\n")
    path.write_text("".join(lines[:start] + block + lines[end:]))
    return day


# -- sphinx-needs ---------------------------------------------------------------------------

NEEDS_CONF = """
extensions = ["myst_parser", "sphinx_needs", "sphinx.ext.graphviz"]
needs_types = [dict(directive="milestone", title="Milestone", prefix="BM_", color="#BFD8D2", style="node")]
needs_fields = {name: {"nullable": True} for name in ("wbs", "due", "level")}
import warnings
warnings.filterwarnings("ignore", message="Sphinx 10 will drop")  # sphinx-needs' own code
needs_id_regex = "^BM_[0-9]+"
needs_flow_engine = "graphviz"
"""


def _need_id(record_id: str) -> str:
    return record_id.replace("-", "_")


def _need(record: dict[str, Any]) -> str:
    status = "completed" if record.get("completed") else ("overdue" if record["due"] < STATUS_DATE else "open")
    links = ", ".join(_need_id(p) for p in record.get("predecessors", []))
    lines = [
        f":::{{milestone}} {record['name']}",
        f":id: {_need_id(record['id'])}",
        f":status: {status}",
        f":wbs: {record['wbs']}",
        f":due: {record['due']}",
        f":level: {record.get('level') or ''}",
    ]
    if links:
        lines.append(f":links: {links}")
    lines += ["", record.get("description", ""), ":::", ""]
    return "\n".join(lines)


def needs_site(data_dir: Path, root: Path) -> Path:
    by_wbs = milestones(data_dir)
    pie = (":::{needpie} Milestones by status\n:labels: completed, overdue, open\n\n"
           'status == "completed"\nstatus == "overdue"\nstatus == "open"\n:::\n')
    pages = {
        "index": _index(),
        "summary": f"# Summary\n\n{pie}",
        "table": "# All milestones\n\n:::{needtable}\n:columns: id;title;status;wbs;due;level\n:::\n",
    }
    for wbs in WBS_PAGES:
        flow = f':::{{needflow}}\n:filter: wbs == "{wbs}"\n:::\n\n'
        pages[f"wbs-{wbs}"] = f"# WBS {wbs}\n\n{flow}" + "\n".join(_need(r) for r in by_wbs[wbs])
    return _write(root, pages, NEEDS_CONF)


def needs_edit(root: Path) -> str:
    """Change the same milestone's date in its page (sphinx-needs keeps data in the pages)."""
    path = root / f"wbs-{EDITED_WBS}.md"
    text = path.read_text()
    at = text.index(f":id: {_need_id(EDITED_ID)}\n")
    at = text.index(":due: ", at)
    end = text.index("\n", at)
    day = next_forecast(text[at:end].replace(":due: ", "forecast: "))
    path.write_text(text[:at] + f":due: {day}" + text[end:])
    return day


# -- plain Sphinx floor ---------------------------------------------------------------------


def floor_site(data_dir: Path, root: Path) -> Path:
    by_wbs = milestones(data_dir)
    everything = [r for wbs in WBS_PAGES for r in by_wbs[wbs]]
    pages = {
        "index": _index(),
        "summary": "# Summary\n\nA paragraph in place of the summary.\n",
        "table": "# All milestones\n\n" + "\n".join(f"{r['id']} {r['name']} {r['due']}\n" for r in everything),
    }
    for wbs in WBS_PAGES:
        pages[f"wbs-{wbs}"] = f"# WBS {wbs}\n\n" + "\n".join(
            f"{r['id']}: {r['name']}. Due {r['due']}. {r.get('description', '')}\n" for r in by_wbs[wbs]
        )
    return _write(root, pages, 'extensions = ["myst_parser"]\n')


def floor_edit(root: Path) -> str:
    """Change the same milestone's date in its paragraph."""
    path = root / f"wbs-{EDITED_WBS}.md"
    text = path.read_text()
    at = text.index("Due ", text.index(f"{EDITED_ID}: "))
    day = next_forecast(text[at:at + 14].replace("Due ", "forecast: "))
    path.write_text(text[:at] + f"Due {day}" + text[at + len("Due 2020-01-01"):])
    return day


SITES = {"dmsite": (dmsite_site, dmsite_edit), "sphinx-needs": (needs_site, needs_edit), "floor": (floor_site, floor_edit)}

# Pages that show the edited milestone's date: each must show the new date after the rebuild.
SHOWS_EDIT = {
    "dmsite": ["table", f"wbs-{EDITED_WBS}"],
    "sphinx-needs": ["table", f"wbs-{EDITED_WBS}"],
    "floor": [f"wbs-{EDITED_WBS}"],
}

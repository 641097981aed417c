"""The three sites the benchmark compares, made from one generated data set.

- ``dmsite``: summary, burndown, a table of all milestones, one page per WBS element with
  its dependency graph and milestone details (the DMTN-158 structure);
- ``needs``: the same pages with sphinx-needs (a need per milestone, needtable, needpie,
  one needflow per WBS page);
- ``floor``: plain Sphinx, the same pages holding only a paragraph per milestone.

All three use the same theme and settings.
"""

from __future__ import annotations

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
html_theme_options = {"navigation_depth": 2}
myst_enable_extensions = ["colon_fence"]
"""

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
    (root / "conf.py").write_text(COMMON_CONF + conf)
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
    "wbs": "# WBS {wbs}\n\n:::{{dm-milestones-by-wbs}} {wbs}\n:::\n",
}


def dmsite_site(data_dir: Path, root: Path) -> Path:
    pages = {"index": _index(), "summary": DMSITE_PAGES["summary"], "table": DMSITE_PAGES["table"]}
    for wbs in WBS_PAGES:
        pages[f"wbs-{wbs}"] = DMSITE_PAGES["wbs"].format(wbs=wbs)
    conf = (
        'extensions = ["myst_parser", "dmsite.sphinxext"]\n'
        f'dmsite_data_dir = "data"\ndmsite_status_date = "{STATUS_DATE.isoformat()}"\n'
    )
    _write(root, pages, conf)
    shutil.copytree(data_dir, root / "data")
    return root


def dmsite_edit(root: Path) -> None:
    """Re-forecast one milestone in the YAML."""
    path = root / "data" / "milestones" / f"{WBS_PAGES[0]}.yaml"
    text = path.read_text()
    marker = "  due: "
    at = text.index(marker)
    end = text.index("\n", at)
    path.write_text(text[: end + 1] + "  forecast: 2030-01-01\n" + text[end + 1 :] if "forecast: 2030" not in text
                    else text.replace("forecast: 2030-01-01", "forecast: 2030-02-01", 1))


# -- sphinx-needs ---------------------------------------------------------------------------

NEEDS_CONF = """
extensions = ["myst_parser", "sphinx_needs", "sphinx.ext.graphviz"]
needs_types = [dict(directive="milestone", title="Milestone", prefix="BM_", color="#BFD8D2", style="node")]
needs_extra_options = ["wbs", "due", "level"]
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


def needs_edit(root: Path) -> None:
    """Change one need's date in its page (sphinx-needs keeps data in the pages)."""
    path = root / f"wbs-{WBS_PAGES[0]}.md"
    text = path.read_text()
    at = text.index(":due: ")
    end = text.index("\n", at)
    path.write_text(text[:at] + ":due: 2030-01-01" + text[end:])


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


def floor_edit(root: Path) -> None:
    path = root / f"wbs-{WBS_PAGES[0]}.md"
    text = path.read_text()
    at = text.index("Due ")
    path.write_text(text[:at] + "Due 2030-01-01" + text[at + len("Due 2020-01-01"):])


SITES = {"dmsite": (dmsite_site, dmsite_edit), "sphinx-needs": (needs_site, needs_edit), "floor": (floor_site, floor_edit)}

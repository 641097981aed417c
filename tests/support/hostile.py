"""A hostile data set: attack strings in every text field of every kind of record, and a site
whose pages use every directive over it.

Each payload tries to break out of one output format (HTML, SVG, MyST, DOT, CSV, iCalendar);
anything that runs sets ``window.__pwned`` or opens a dialog.  Record *i* of each kind holds
payload *i* in all its text fields; the last record of each kind holds all payloads at once.
URL fields hold valid but awkward links (``&``, ``%``, ``#``): ``javascript:`` links are
refused by validation (see test_escaping.py).
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path
from typing import Any

import yaml

from dmsite.data.model import KINDS

PWN = "window.__pwned=1"
PAYLOADS: list[str] = [
    f"<script>{PWN}</script>",
    f'"><img src=x onerror="{PWN}">',
    f"'><svg onload={PWN}><a href='javascript:{PWN}'>x</a>",
    f"</text></title></svg></table><script>alert(1)</script><img src=x onerror={PWN}>",
    f'<iframe src="javascript:{PWN}"></iframe><object data="javascript:{PWN}"></object>',
    f"{{raw}}`html <script>{PWN}</script>` and {{eval-rst}}`.. raw:: html`",
    f"```{{raw}} html\n<script>{PWN}</script>\n```\n\n:::{{raw}} html\n<img src=x onerror={PWN}>\n:::",
    f"[click](javascript:{PWN}) <javascript:{PWN}> [x](data:text/html,<script>{PWN}</script>)",
    '"]; evil [label="x"]; "injected" -> "edge',
    "<<b>html</b>> <<table><tr><td>cell</td></tr></table>>",
    "} { a -> b } ] [ subgraph cluster_x { c }",
    r'\N \G \L \E \T \H \l \n \r \" \\ end\\',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "line\r\nATTENDEE:mailto:evil@example.org\r\nBEGIN:VALARM\nTRIGGER:-PT5M\rEND:VALARM",
    "next\u2028ATTENDEE:mailto:evil@example.org\x85X-EVIL:1\u2029END:VEVENT",
    "&lt;script&gt; &amp;amp; &#x3C;b&#x3E; &quot;",
    f'{{{{ config }}}} ${{HOME}} %(x)s dmsite-ref:milestone:DM-H-01" onmouseover="{PWN} <!-- ]]> -->',
]


def _mix(limit: int = 1_000) -> str:
    """As many payloads as fit in one short text field, one after another."""
    mixed = ""
    for payload in PAYLOADS:
        if len(mixed) + 1 + len(payload) <= limit:
            mixed = f"{mixed} {payload}" if mixed else payload
    return mixed


ALL = _mix()
TEXTS = [*PAYLOADS, ALL]  # record i holds TEXTS[i]
N = len(TEXTS)
STATUS_DATE = "2021-05-10"
WBS_SHOWN = ["H.00", "H.01", "H.02"]  # milestones belong to these three (one page each)


def one_line(text: str) -> str:
    """For fields that must be one line (glossary terms)."""
    return " ".join(text.split())


def _milestone(i: int, text: str) -> dict[str, Any]:
    due = dt.date(2020, 1, 1) + dt.timedelta(days=45 * i)
    record: dict[str, Any] = {
        "id": f"DM-H-{i:02d}", "name": text, "short_name": text, "wbs": WBS_SHOWN[i % 3], "level": 1 + i % 4,
        "due": due.isoformat(), "description": text, "comment": text, "test_spec": text, "category": text,
        "jira": [f"DM-{1000 + i}"], "jira_testplan": f"LVV-P{i}", "aka": [f"OLD-H-{i}"], "key": i % 2 == 0,
    }
    if i:
        record["predecessors"] = [f"DM-H-{i - 1:02d}"] + ([f"DM-H-{i - 3:02d}"] if i >= 3 and i % 5 == 0 else [])
    if i % 4 == 0 and due.isoformat() < STATUS_DATE:
        record["completed"] = due.isoformat()
    elif i % 3 == 1:
        record["forecast"] = (due + dt.timedelta(days=60)).isoformat()
    return record


def _product(i: int, text: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"p-{i:02d}", "name": text, "description": text, "wbs": WBS_SHOWN[i % 3], "manager": f"person-{i:02d}",
        "owner": f"person-{i:02d}", "packages": [text, f"pkg_{i}"], "documents": [f"HDOC-{i:02d}"],
        "jira_components": [text], "grouping": i % 7 == 1,
    }
    if i:
        record["parent"] = f"p-{(i - 1) // 2:02d}"
    return record


def _document(i: int, text: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "handle": f"HDOC-{i:02d}", "title": text, "authors": [text, "A. N. Author"], "year": 2020,
        "url": f"https://example.org/docs/{i}?a=1&b=%22x%22#part-{i}", "series": text,
        "status": ("released", "draft", "planned")[i % 3], "version": text, "description": text,
    }
    if i:
        record["relations"] = [{"to": f"HDOC-{i - 1:02d}", "type": text}]
    return record


def records() -> dict[str, list[dict[str, Any]]]:
    """Every kind of record, N of each, payload i in every text field of record i."""
    data: dict[str, list[dict[str, Any]]] = {kind: [] for kind in (
        "milestones", "products", "wbs", "documents", "people", "roles", "groups", "institutions",
        "requirements", "glossary",
    )}
    for i, text in enumerate(TEXTS):
        n = f"{i:02d}"
        data["milestones"].append(_milestone(i, text))
        data["products"].append(_product(i, text))
        data["wbs"].append({"code": f"H.{n}", "name": text, "description": text, "lead": f"inst-{n}"})
        data["documents"].append(_document(i, text))
        data["people"].append({"id": f"person-{n}", "name": text, "institution": f"inst-{n}", "email": text})
        role: dict[str, Any] = {
            "id": f"role-{n}", "title": text, "holders": [f"person-{n}"], "scientist": i % 2 == 1,
            "wbs": [WBS_SHOWN[i % 3]] if i % 4 == 0 else [], "responsibilities": text, "authorities": text,
        }
        if i:
            role["reports_to"] = f"role-{(i - 1) // 2:02d}"
        data["roles"].append(role)
        data["groups"].append({
            "id": f"group-{n}", "name": text, "chair": f"role-{n}", "members": [f"person-{n}", f"role-{n}"],
            "cadence": text, "institution": f"inst-{n}", "description": text,
        })
        data["institutions"].append({
            "id": f"inst-{n}", "name": text, "description": text, "url": f"https://example.org/inst/{i}?x=1&y=2%3E",
        })
        requirement: dict[str, Any] = {
            "id": f"HREQ-{n}", "title": text, "source": "HDOC-00", "allocated": [f"p-{n}"], "priority": text,
            "description": text,
        }
        if i:
            requirement["traces"] = [f"HREQ-{i - 1:02d}"]
        data["requirements"].append(requirement)
        data["glossary"].append({"term": one_line(text)[:200], "definition": text, "acronym": i % 2 == 0})
    # ids that are valid yet look like links, DOT keywords or the graphs' own legend nodes
    data["milestones"].append({"id": "javascript:alert(1)", "name": "id like a link", "wbs": "H.00",
                               "due": "2022-01-01", "description": "x", "predecessors": ["DM-H-00"]})
    data["products"].append({"id": "subgraph", "name": "DOT keyword id", "parent": "p-00"})
    data["roles"].append({"id": "legend", "title": "Role called legend", "reports_to": "role-00"})
    data["documents"].append({"handle": "dm-legend", "title": "Document called dm-legend", "relations": [
        {"to": "HDOC-00", "type": "derives"}]})
    data["people"].append({"id": "node", "name": "Person called node"})
    return data


def _fit(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """The payloads as each field may hold them: one-line fields (names, titles) on one line, and text without
    the control characters no text may hold (NEL): the loader refuses the rest (tests/hostile/cases)."""
    fields = {f.alias or name: f for name, f in KINDS[kind].model_fields.items()}

    def fitted(name: str, value: Any) -> Any:
        if isinstance(value, list):
            return [fitted(name, v) for v in value]
        if isinstance(value, dict):  # a document's relations
            return {k: one_line(v) if k == "type" and isinstance(v, str) else v for k, v in value.items()}
        if not isinstance(value, str) or name not in fields:
            return value
        declared = repr(fields[name].metadata) + repr(fields[name].annotation)
        one = "check_line" in declared or "check_term" in declared
        return one_line(value) if one or re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", value) else value

    return {name: fitted(name, value) for name, value in record.items()}


def write_data(data_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """Write the hostile records as YAML under *data_dir*; return them."""
    found = {kind: [_fit(kind, row) for row in rows] for kind, rows in records().items()}
    for kind, rows in found.items():
        path = data_dir / kind / "hostile.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(rows, sort_keys=False, width=10_000), encoding="utf-8")
    return found


CONF = """
extensions = ["myst_parser", "dmsite.sphinxext"]
myst_enable_extensions = ["colon_fence", "deflist"]
exclude_patterns = ["data/**", "_build"]
project = "Hostile; site, with \\\\ backslash"  # conf.py is trusted (the theme prints it unescaped)
html_theme = "pydata_sphinx_theme"
html_baseurl = "https://example.org/site/"
html_context = {{"default_mode": "auto"}}
html_theme_options = {{"footer_start": ["dmsite-provenance"], "footer_end": [], "navigation_with_keys": False}}
dmsite_data_dir = "data"
dmsite_status_date = "{status_date}"
dmsite_cache_dir = "{cache_dir}"
dmsite_jira_url = "https://jira.example.org/browse/"
"""

PAGES: dict[str, str] = {
    "milestones": """
        # Milestones

        See {milestone}`DM-H-00` and {milestone}`DM-H-20`.

        :::{dm-milestone-summary}
        :subject: The <b>hostile</b> project
        :::

        :::{dm-burndown}
        :::

        :::{dm-dashboard}
        :subject: The <b>hostile</b> dashboard
        :::

        :::{dm-milestone-exports}
        :::

        :::{dm-overdue}
        :::

        :::{dm-slipping}
        :::

        :::{dm-key-milestones}
        :no-history:
        :::
        """,
    "table": """
        # Milestone table

        :::{dm-milestone-table}
        :caption: All milestones
        :::

        :::{dm-records} milestones
        :columns: id, name, short_name, description, comment, test_spec, category, due
        :::
        """,
    "schedule": """
        # Schedule

        :::{dm-milestones-by-month}
        :::

        :::{dm-gantt}
        :::

        :::{dm-test-milestones}
        :pattern: DM-H-*
        :::

        :::{dm-releases}
        :pattern: DM-H-1*
        :::
        """,
    "graph": """
        # Dependency graph

        :::{dm-dependency-graph}
        :::
        """,
    **{
        f"wbs-{code}": f"""
        # WBS {code}

        :::{{dm-milestones-by-wbs}}
        :wbs: {code}
        :::
        """
        for code in WBS_SHOWN
    },
    "products": """
        # Products

        :::{dm-product-tree}
        :caption: Product tree
        :::

        :::{dm-product-tree}
        :branches:
        :::

        :::{dm-product-table}
        :::

        :::{dm-product-entries}
        :::

        :::{dm-contacts}
        :::
        """,
    "wbs": """
        # WBS

        :::{dm-wbs-table}
        :::

        :::{dm-wbs-dictionary}
        :::
        """,
    "organisation": """
        # Organisation

        :::{dm-org-chart}
        :::

        :::{dm-roles}
        :::

        :::{dm-groups}
        :::

        :::{dm-institutions}
        :::

        :::{dm-people}
        :::
        """,
    "documents": """
        # Documents

        ```{dm-document-tree}
        :caption: Document tree
        ```

        ```{dm-documents}
        ```

        ```{dm-references}
        :all:
        ```
        """,
    "glossary": """
        # Glossary

        ```{dm-glossary}
        ```

        ```{dm-acronyms}
        :scope: site
        ```

        ```{dm-glossary-candidates}
        ```
        """,
    "traceability": """
        # Traceability

        ```{dm-requirements}
        ```

        ```{dm-trace-req-components}
        ```

        ```{dm-trace-component-reqs}
        ```

        ```{dm-trace-req-req}
        :direction: up
        ```

        ```{dm-trace-req-req}
        :direction: down
        ```
        """,
    "records": "# Records\n\n" + "".join(
        f":::{{dm-records}} {kind}\n:::\n\n" for kind in (
            "products", "wbs", "documents", "people", "roles", "groups", "institutions", "requirements", "glossary",
        )
    ),
}
DIRECTIVES_USED = sorted({
    line.strip().strip(":`").split("}")[0].lstrip("{") for text in PAGES.values()
    for line in textwrap.dedent(text).splitlines() if line.strip().startswith((":::{dm-", "```{dm-"))
})


def write_site(root: Path) -> dict[str, list[dict[str, Any]]]:
    """The hostile data and pages under *root* (conf.py included); return the records."""
    found = write_data(root / "data")
    (root / "conf.py").write_text(
        CONF.format(status_date=STATUS_DATE, cache_dir=root / ".cache"), encoding="utf-8")
    toc = "\n".join(PAGES)
    (root / "index.md").write_text(f"# Hostile site\n\n```{{toctree}}\n{toc}\n```\n", encoding="utf-8")
    for name, text in PAGES.items():
        (root / f"{name}.md").write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return found

"""A plan diff as plain text, as Markdown for a pull-request comment (data text escaped), and as JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..analyses.plan_diff import (
    CLOSING_FIELDS,
    Closing,
    FieldChange,
    PlanDiff,
    Rebaseline,
    RecordChange,
    Reforecast,
)
from ..data.model import KINDS, Milestone

Row = list[str]
CLIP = 80
_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character: CommonMark lets each be escaped
_SPACE = re.compile(r"[\s\x00-\x1f\x7f]+")
_TITLES = {cls.table: cls.table.capitalize() for cls in KINDS.values()}
_TITLES.update({"wbs": "WBS elements", "people": "People", "glossary": "Glossary terms", "terms": "Glossary terms"})
MILESTONE_SECTIONS = (("level", "Level changed"), ("wbs", "WBS changed"), ("predecessors", "Links changed"))
PRODUCT_SECTIONS = (("parent", "Parent changed"), ("packages", "Packages changed"))


def md(text: object) -> str:
    """*text* as literal Markdown inline text: one line, every punctuation escaped, no @mention or #reference."""
    one_line = _SPACE.sub(" ", str(text)).strip()
    escaped = _PUNCT.sub(r"\\\1", one_line)
    return escaped.replace("@", "@\u2060").replace("#", "#\u2060")  # GitHub links these after rendering


def plain(text: object) -> str:
    return _SPACE.sub(" ", str(text)).strip()


def value_text(value: Any, limit: int = CLIP) -> str:
    """A field value in a few words: none, dates in ISO, lists comma-joined, long text clipped."""
    if value is None or value == []:
        return "none"
    if isinstance(value, list):
        shown = ", ".join(value_text(v, limit) for v in value)
    elif isinstance(value, dict):
        shown = " ".join(f"{v}" for v in value.values())
    elif isinstance(value, dt.date):
        shown = value.isoformat()
    else:
        shown = plain(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def change_text(change: FieldChange) -> str:
    """old → new, or for lists the items added (+) and removed (−)."""
    if change.is_list and change.old and change.new:
        parts = [f"+{value_text(v)}" for v in change.added] + [f"−{value_text(v)}" for v in change.removed]
        return " ".join(parts) or f"{value_text(change.old)} → {value_text(change.new)}"  # reordered only
    return f"{value_text(change.old)} → {value_text(change.new)}"


def _days(days: int) -> str:
    return f"{days:+d} day{'s' if abs(days) != 1 else ''}"


def _marks(diff: PlanDiff, r: Reforecast) -> str:
    marks = []
    if r.crosses_status_date:
        side = "after" if r.new >= diff.status_date else "before"
        marks.append(f"now {side} the status date {diff.status_date}")
    if r.feeds:
        marks.append(f"now {'after' if r.days > 0 else 'before'} {', '.join(r.feeds)}, which it is a feature of")
    others = [x for x in r.releases if x not in r.feeds]
    if others:
        marks.append(f"crosses release{'s' if len(others) > 1 else ''} {', '.join(others)}")
    return "; ".join(marks)


# ---------------------------------------------------------------- sections: title, header, rows (plain text)


@dataclasses.dataclass
class Section:
    title: str
    header: Row
    rows: list[Row]
    flag: int | None = None  # column whose non-empty cells are warnings (⚠ in Markdown)


def _edit_rows(pairs: Iterable[tuple[RecordChange, FieldChange]]) -> list[Row]:
    return [[c.key, c.label, f.field, change_text(f)] for c, f in pairs]


def _generic(diff: PlanDiff, table: str, skip: Sequence[str] = ()) -> list[Section]:
    kind = diff.kinds[table]
    sections = [
        Section("Added", ["id", "name"], [[r.key, r.label] for r in kind.added]),
        Section("Removed", ["id", "name"], [[r.key, r.label] for r in kind.removed]),
        Section("Renamed", ["id", "name", "former id"], [[c.key, c.label, c.old_key] for c in kind.changed if c.old_key]),
        Section("Changed", ["id", "name", "field", "change"], _edit_rows(diff.edits(table, exclude=skip))),
    ]
    return sections


def milestone_sections(diff: PlanDiff) -> list[Section]:
    s = diff.schedule
    kind = diff.kinds["milestones"]
    sections = [
        Section("Added", ["id", "name", "due", "forecast"], [
            [r.key, r.label, *_dates(r.record)] for r in kind.added]),
        Section("Removed", ["id", "name"], [[r.key, r.label] for r in kind.removed]),
        Section("Renamed", ["id", "name", "former id"], [[c.key, c.label, c.old_key] for c in kind.changed if c.old_key]),
    ]
    for name in CLOSING_FIELDS:
        sections.append(Section(name.capitalize(), ["id", "name", "on", "against its forecast"], [
            [c.key, c.label, c.date.isoformat(), f"{_days(c.days)} ({c.forecast})"] for c in s.closed[name]]))
    sections += [
        Section("Reopened", ["id", "name", "was"], [[c.key, c.label, f"{c.field} {c.date}"] for c in s.reopened]),
        Section("Re-forecast", ["id", "name", "forecast (slip)", "moves across"], [
            [r.key, r.label, f"{r.old} → {r.new} ({_days(r.days)})", _marks(diff, r)] for r in s.reforecast], flag=3),
        Section("Re-baselined (due date)", ["id", "name", "due (moved)"], [
            [r.key, r.label, f"{r.old} → {r.new} ({_days(r.days)})"] for r in s.rebaselined]),
    ]
    shown = {f for f, _ in MILESTONE_SECTIONS}
    for field, title in MILESTONE_SECTIONS:
        sections.append(Section(title, ["id", "name", "change"], [
            [c.key, c.label, change_text(f)] for c, f in diff.edits("milestones", [field])]))
    explained = s.explained()  # e.g. a completed milestone's new completion date is an edit, not an event
    others = [(c, f) for c, f in diff.edits("milestones", exclude=shown) if f.field not in explained.get(c.key, ())]
    sections.append(Section("Other edits", ["id", "name", "field", "change"], _edit_rows(others)))
    return sections


def _dates(m: object) -> list[str]:
    """Due and forecast of a milestone added."""
    return [str(m.due), str(m.effective_forecast)] if isinstance(m, Milestone) else ["", ""]


def product_sections(diff: PlanDiff) -> list[Section]:
    def who(person: str | None, inherited: bool) -> str:
        return f"{person or 'none'}{' (inherited)' if inherited and person else ''}"

    sections = _generic(diff, "products", skip=[f for f, _ in PRODUCT_SECTIONS])
    roles = Section("Owner or manager changed", ["id", "name", "role", "change"], [
        [c.key, c.label, c.role, f"{who(c.old, c.old_inherited)} → {who(c.new, c.new_inherited)}"]
        for c in diff.product_roles])
    extra = [Section(title, ["id", "name", "change"], [
        [c.key, c.label, change_text(f)] for c, f in diff.edits("products", [field])]) for field, title in PRODUCT_SECTIONS]
    return [*sections[:3], roles, *extra, sections[3]]


def sections(diff: PlanDiff) -> list[tuple[str, str, list[Section]]]:
    """Per kind of record with a change: (table, title with counts, its non-empty sections)."""
    found = []
    for table, kind in diff.kinds.items():
        if table == "milestones":
            parts = milestone_sections(diff)
        elif table == "products":
            parts = product_sections(diff)
        else:
            parts = _generic(diff, table)
        parts = [p for p in parts if p.rows]
        if parts:
            found.append((table, f"{_TITLES.get(table, table)}: {kind.old_count} → {kind.new_count}", parts))
    return found


def counts_line(diff: PlanDiff) -> str:
    return ", ".join(f"{name} {a} → {b}" for name, (a, b) in diff.counts.items() if name != "total")


# ---------------------------------------------------------------- the three formats


def render_text(diff: PlanDiff, base: str, head: str) -> str:
    if diff.empty:
        return f"No change to the plan from {base} to {head}.\n"
    lines = [f"Plan changes from {base} to {head} (status date {diff.status_date})", ""]
    for table, title, parts in sections(diff):
        lines.append(title + (f" ({counts_line(diff)})" if table == "milestones" else ""))
        for part in parts:
            lines.append(f"  {part.title} ({len(part.rows)}):")
            lines += ["    " + "  ".join(plain(c) for c in row if c) for row in part.rows]
        lines.append("")
    return "\n".join(lines)


def _md_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _md_table(part: Section, max_rows: int | None) -> list[str]:
    shown = part.rows if max_rows is None else part.rows[:max_rows]
    lines = [_md_row(md(h) for h in part.header), _md_row("---" for _ in part.header)]
    for row in shown:
        cells = [md(c) for c in row]
        if part.flag is not None and row[part.flag]:
            cells[part.flag] = "⚠️ " + cells[part.flag]
        lines.append(_md_row(cells))
    if len(shown) < len(part.rows):
        lines += ["", f"… and {len(part.rows) - len(shown)} more (`dmsite diff --format text` lists all)."]
    return lines


def render_markdown(diff: PlanDiff, base: str, head: str, max_rows: int | None = 100,
                    max_chars: int | None = None) -> str:
    """GitHub-flavoured Markdown; every piece of data text goes through ``md``.

    *max_rows* cuts each table, *max_chars* the whole text at a table's end (a PR comment holds 65,536).
    """
    title = f"### What this change does to the plan ({md(base)} → {md(head)})"
    if diff.empty:
        return f"{title}\n\nNo change to the plan's data.\n"
    lines = [title, "", f"Status date {diff.status_date}. Milestones {md(counts_line(diff))}.", ""]
    cut = "_The list is cut here; `dmsite diff --format text` shows every change._"
    size = sum(len(line) + 1 for line in lines) + len(cut) + 2
    for _table, heading, parts in sections(diff):
        block = [f"#### {md(heading)}", ""]
        for part in parts:
            block += [f"**{md(part.title)}** ({len(part.rows)})", "", *_md_table(part, max_rows), ""]
        size += sum(len(line) + 1 for line in block)
        if max_chars is not None and size > max_chars:
            lines.append(cut)
            break
        lines += block
    return "\n".join(lines)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, Reforecast | Rebaseline | Closing):
            data["days"] = value.days
        if isinstance(value, FieldChange) and value.is_list:
            data.update(added=_jsonable(value.added), removed=_jsonable(value.removed))
        return data
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "model_dump"):
        return _jsonable(value.model_dump(mode="json", by_alias=True))
    return value


def render_json(diff: PlanDiff, base: str, head: str) -> str:
    data = {"base": base, "head": head, "empty": diff.empty, **_jsonable(diff)}
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


RENDERERS: dict[str, Callable[[PlanDiff, str, str], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}


def render_problems(problems: Sequence[tuple[str, str]], fmt: str) -> str:
    """Data errors found on either side, as (side, located message) pairs, in *fmt*."""
    if fmt == "json":
        return json.dumps({"errors": [{"side": s, "problem": p} for s, p in problems]}, indent=2) + "\n"
    if fmt == "markdown":
        lines = ["### The plan could not be compared", "", "The data has errors:", ""]
        return "\n".join([*lines, *(f"- {md(side)}: {md(p)}" for side, p in problems)]) + "\n"
    return "".join(f"{side}: {p}\n" for side, p in problems)

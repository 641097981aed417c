"""The monthly update: a P6 export written into the milestone YAML in place, and what changed.

From the export come ids, names, WBS, levels, dates, completion and links; every other field
(description, comment, test_spec, jira, short_name, aka, category, url, subsystem…) stays as
written by hand, and so do fields a record lists under ``overrides``.  New milestones go into
their WBS element's file; milestones that left the export get ``retired:`` (never deleted); other
subsystems' milestones linked to ours are kept in ``external/``.  A month-only date stays while
the export's date falls in that month.  Importing the same export twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import write_files_atomically
from ..data import dates
from ..data.model import ExternalMilestone, Milestone
from .p6 import Export, Task, predecessors_by_task
from .yamledit import RecordText, YamlFile

MILESTONE_ORDER = [f.alias or n for n, f in Milestone.model_fields.items()]
EXTERNAL_ORDER = [f.alias or n for n, f in ExternalMilestone.model_fields.items()]
DATE_FIELDS = ("due", "forecast", "completed", "retired")
EXTERNAL_FILE = "p6.yaml"


@dataclass
class Changes:
    """What an import changed, for the terminal and the pull request."""

    added: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    completed: list[tuple[str, str]] = field(default_factory=list)
    reforecast: list[tuple[str, str, str, int]] = field(default_factory=list)  # id, old, new, slip in days
    rebaselined: list[tuple[str, str, str]] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)
    relinked: list[tuple[str, list[str], list[str]]] = field(default_factory=list)  # id, added, removed
    other: list[tuple[str, str, str, str]] = field(default_factory=list)  # id, field, old, new
    external: list[str] = field(default_factory=list)  # external milestones added or updated
    notes: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.files

    def sections(self) -> list[tuple[str, list[str]]]:
        return [
            ("Added", self.added),
            ("Retired (left the export)", self.retired),
            ("Restored (back in the export)", self.restored),
            ("Completed", [f"{i} on {d}" for i, d in self.completed]),
            ("Re-forecast", [f"{i}: {a} → {b} ({'+' if n > 0 else ''}{n} days)" for i, a, b, n in self.reforecast]),
            ("Re-baselined", [f"{i}: due {a} → {b}" for i, a, b in self.rebaselined]),
            ("Renamed", [f"{i}: “{a}” → “{b}”" for i, a, b in self.renamed]),
            ("Relinked", [f"{i}: {_relink(a, r)}" for i, a, r in self.relinked]),
            ("Other changes", [f"{i}: {f} {a or '(none)'} → {b or '(none)'}" for i, f, a, b in self.other]),
            ("Other subsystems' milestones added or updated", self.external),
        ]

    def text(self) -> str:
        lines = [f"{title} ({len(items)}):\n" + "".join(f"  {x}\n" for x in items) for title, items in self.sections() if items]
        lines += [f"note: {n}\n" for n in self.notes]
        files = ", ".join(str(p) for p in self.files) if self.files else "none (nothing changed)"
        return "".join(lines) + f"files written: {files}\n"

    def markdown(self, source: str) -> str:
        out = [f"## Schedule update from `{_md(source)}`\n\n"]
        for title, items in self.sections():
            if items:
                out.append(f"### {title} ({len(items)})\n\n" + "".join(f"- {_md(x)}\n" for x in items) + "\n")
        if self.notes:
            out.append("### Notes\n\n" + "".join(f"- {_md(n)}\n" for n in self.notes) + "\n")
        if self.empty:
            out.append("Nothing changed.\n")
        return "".join(out)


def _relink(added: list[str], removed: list[str]) -> str:
    parts = ([f"+{', +'.join(added)}"] if added else []) + ([f"-{', -'.join(removed)}"] if removed else [])
    return "; ".join(parts)


def _md(text: str) -> str:
    """Markdown-safe text for the summary (no markup from the data)."""
    return re.sub(r"([\\`*_{}\[\]<>()#+!|])", r"\\\1", text)


@dataclass
class _Data:
    """The milestone and external files of a data folder, and where each record is."""

    milestones: dict[str, tuple[YamlFile, RecordText]]
    external: dict[str, tuple[YamlFile, RecordText]]
    files: dict[Path, YamlFile]

    @classmethod
    def read(cls, data_dir: Path) -> _Data:
        files: dict[Path, YamlFile] = {}
        tables: dict[str, dict[str, tuple[YamlFile, RecordText]]] = {"milestones": {}, "external": {}}
        for folder, table in tables.items():
            for path in sorted((data_dir / folder).rglob("*.y*ml")):
                try:
                    files[path] = yaml_file = YamlFile(path)
                except (ValueError, OSError) as exc:
                    raise ValueError(f"{path}: {exc}") from None
                for record in yaml_file.records:
                    record_id = str(record.values.get("id", ""))
                    if record_id:
                        table.setdefault(record_id, (yaml_file, record))
        return cls(tables["milestones"], tables["external"], files)

    def new_file(self, path: Path, header: str) -> YamlFile:
        if path not in self.files:
            self.files[path] = YamlFile(path, text=header)
        return self.files[path]


def import_p6(export: Export, data_dir: Path, day: dt.date, wbs: str | None = None) -> Changes:
    """Write *export* into the milestones under *data_dir* (ours: those in WBS *wbs*, all when None).

    *day* is the export's date: the day milestones that left it are retired.
    """
    data = _Data.read(data_dir)
    changes = Changes(notes=list(export.notes))
    milestones = {c: t for c, t in export.tasks.items() if t.is_milestone}
    ours = {c: t for c, t in milestones.items() if _in_wbs(t.wbs, wbs)}
    preds = predecessors_by_task(export.links)
    _note_task_links(export, milestones, ours, changes)
    for task in sorted(ours.values(), key=lambda t: (t.baseline or dt.date.min, t.code)):
        wanted = _milestone_values(task, [p for p in preds.get(task.code, []) if p in milestones])
        if task.code in data.milestones:
            _update(*data.milestones[task.code], wanted, changes)
        else:
            _add(data, data_dir, wanted, changes)
    _retire(data, ours, wbs, day, changes)
    _externals(data, data_dir, milestones, ours, preds, changes)
    texts = {path: yaml_file.render(EXTERNAL_ORDER if path.parent.name == "external" else MILESTONE_ORDER)
             for path, yaml_file in sorted(data.files.items()) if yaml_file.changed}
    for path in texts:
        path.parent.mkdir(parents=True, exist_ok=True)
    write_files_atomically(texts)  # every changed file, or (a full disk) none
    changes.files.extend(texts)
    return changes


def _in_wbs(code: str | None, wbs: str | None) -> bool:
    return wbs is None or (code is not None and (code == wbs or code.startswith(wbs + ".")))


def _note_task_links(export: Export, milestones: dict[str, Task], ours: dict[str, Task], changes: Changes) -> None:
    """Links between one of our milestones and a task that is not a milestone are left out: say how many."""
    left = [(p, s) for p, s in export.links if (p in ours or s in ours) and (p not in milestones or s not in milestones)]
    if left:
        shown = ", ".join(f"{p} → {s}" for p, s in left[:5]) + (" …" if len(left) > 5 else "")
        changes.notes.append(f"{len(left)} link(s) between our milestones and tasks that are not milestones were left "
                             f"out: {shown}")


def _milestone_values(task: Task, predecessors: list[str]) -> dict[str, Any]:
    completed = task.completed
    forecast = task.forecast if completed is None and task.forecast and task.forecast != task.baseline else None
    values: dict[str, Any] = {
        "id": task.code, "name": task.name, "wbs": task.wbs, "level": task.level, "due": task.baseline,
        "forecast": forecast, "completed": completed, "completed_estimated": True if task.completed_estimated else None,
        "retired": None, "predecessors": predecessors,
    }
    if task.key is not None:
        values["key"] = True if task.key else None
    return values


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        return dates.parse(value)
    except ValueError:
        return None


def _same(key: str, old: Any, new: Any) -> bool:
    """Whether the export's *new* value says nothing new (a month-only date holds while the day is in it)."""
    if key in DATE_FIELDS:
        before, after = _date(old), _date(new)
        if isinstance(before, dates.PlanDate) and before.is_month and after is not None:
            return before.in_same_month(after)
        return before == after
    if key == "predecessors":
        return set(old or []) == set(new or [])
    return bool(old == new) if old not in ("", None) else new in ("", None, [])


def _update(yaml_file: YamlFile, record: RecordText, wanted: dict[str, Any], changes: Changes) -> None:
    old = record.values
    kept = set(old.get("overrides") or [])
    for key, value in wanted.items():
        if key == "id" or key in kept or _same(key, old.get(key), value):
            continue
        if key == "predecessors":
            before = [str(p) for p in old.get(key) or []]
            value = [p for p in before if p in value] + sorted(set(value) - set(before))
        if value in (None, []) and key not in record.fields:
            continue
        record.changes[key] = None if value == [] else value
    if record.changes:
        _describe(str(old["id"]), old, record.changes, changes)


def _describe(mid: str, old: dict[str, Any], new: dict[str, Any], changes: Changes) -> None:
    def shown(value: Any) -> str:
        day = _date(value) if not isinstance(value, bool) else None
        return dates.shown(day) if day else ("" if value is None else str(value))

    for key, value in new.items():
        before = old.get(key)
        if key == "name":
            changes.renamed.append((mid, str(before), str(value)))
        elif key == "due":
            changes.rebaselined.append((mid, shown(before), shown(value)))
        elif key == "completed" and value is not None and before is None:
            changes.completed.append((mid, shown(value)))
        elif key == "retired" and value is None:
            changes.restored.append(mid)
        elif key == "predecessors":
            b, a = set(before or []), set(value or [])
            changes.relinked.append((mid, sorted(a - b), sorted(b - a)))
        elif key != "forecast":
            changes.other.append((mid, key, shown(before), shown(value)))
    if "forecast" in new or "due" in new:
        was = _date(old.get("forecast")) or _date(old.get("due"))
        now = _date(new["forecast"]) if new.get("forecast") else _date(new.get("due", old.get("due")))
        if was and now and was != now and not new.get("completed") and not old.get("completed"):
            changes.reforecast.append((mid, dates.shown(was), dates.shown(now), (now - was).days))


def _add(data: _Data, data_dir: Path, wanted: dict[str, Any], changes: Changes) -> None:
    path = _file_for(data, data_dir, wanted.get("wbs"))
    header = f"# WBS {wanted.get('wbs') or '(none)'}: milestones imported from the P6 export.\n"
    values = {k: v for k, v in wanted.items() if v not in (None, [], False)}
    data.new_file(path, header).appended.append(values)
    changes.added.append(str(wanted["id"]))


def _file_for(data: _Data, data_dir: Path, code: str | None) -> Path:
    """The file holding most milestones of *code*'s element (or of its nearest parent, up to the second level:
    '02C.03.01' → where '02C.03' milestones are), else a new one named by those two levels ('02C.03.yaml')."""
    if code:
        parts = code.split(".")
        for cut in range(len(parts), min(2, len(parts)) - 1, -1):  # its element, up to the second level
            prefix = ".".join(parts[:cut])
            found = Counter(
                f.path for f, r in data.milestones.values()
                if str(r.values.get("wbs") or "") == prefix or str(r.values.get("wbs") or "").startswith(prefix + ".")
            )
            if found:
                return found.most_common(1)[0][0]
        return data_dir / "milestones" / (safe_name(".".join(parts[:2])) + ".yaml")
    return data_dir / "milestones" / "unassigned.yaml"


def safe_name(text: str) -> str:
    """A file name made of the characters every file system and URL takes."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text).strip(".") or "unnamed"


def _retire(data: _Data, ours: dict[str, Task], wbs: str | None, day: dt.date, changes: Changes) -> None:
    for mid, (_, record) in sorted(data.milestones.items()):
        values = record.values
        code = values.get("wbs")
        if mid in ours or values.get("retired") or not (code is None or _in_wbs(str(code), wbs)):
            continue
        record.changes["retired"] = dates.PlanDate.exact(day)
        changes.retired.append(mid)


def _externals(
    data: _Data, data_dir: Path, milestones: dict[str, Task], ours: dict[str, Task],
    preds: dict[str, list[str]], changes: Changes,
) -> None:
    """Other subsystems' milestones linked to ours: added, or their export fields brought up to date."""
    linked = {p for c in ours for p in preds.get(c, []) if p in milestones and p not in ours}
    linked |= {s for s, ps in preds.items() if s in milestones and s not in ours and any(p in ours for p in ps)}
    for code in sorted(linked):
        task = milestones[code]
        wanted: dict[str, Any] = {
            "id": code, "name": task.name, "wbs": task.wbs, "due": task.baseline,
            "forecast": task.forecast if task.completed is None and task.forecast != task.baseline else None,
            "completed": task.completed, "predecessors": sorted(p for p in preds.get(code, []) if p in ours),
        }
        if code in data.external:
            yaml_file, record = data.external[code]
            _update(yaml_file, record, wanted, Changes())
            if record.changes:
                changes.external.append(f"{code} (updated: {', '.join(record.changes)})")
        else:
            path = data_dir / "external" / EXTERNAL_FILE
            header = "# Other subsystems' milestones that DM milestones link to, from the P6 export.\n"
            data.new_file(path, header).appended.append({k: v for k, v in wanted.items() if v not in (None, [])})
            changes.external.append(f"{code} (added)")


def day_of_export(path: Path) -> dt.date | None:
    """The export's date from its name: YYYYMMDD or YYYYMM (the first of the month) at the start, e.g. 202107-ME.xls."""
    found = re.match(r"(\d{4})(\d{2})(\d{2})?", path.name)
    if not found:
        return None
    try:
        return dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3) or 1))
    except ValueError:
        return None


def milestone_ids(records: Iterable[RecordText]) -> list[str]:
    return [str(r.values.get("id")) for r in records]

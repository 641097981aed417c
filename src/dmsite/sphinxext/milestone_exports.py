"""The milestone exports (JSON, CSV, iCalendar) written beside the site, and the check that every milestone has an entry."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..atomic import write_atomically
from ..render.html import esc
from .base import DataDirective
from .export_rows import ExportRows, export_texts
from .state import current

logger = logging.getLogger(__name__)


class MilestoneExports(DataDirective):
    """Links to the milestone exports written with the site: JSON, CSV and iCalendar."""

    def run(self) -> list[nodes.Node]:
        _ = self.data  # the page shows data-derived output
        up = "../" * self.env.docname.count("/")  # the exports sit at the root of the HTML output
        links = [
            f'<a class="dm-export" href="{esc(up + name)}" download>{esc(name)}</a> ({label})'
            for name, label in EXPORT_LABELS.items()
        ]
        return self.html('<ul class="dm-exports">' + "".join(f"<li>{x}</li>" for x in links) + "</ul>")


EXPORT_LABELS = {
    "milestones.json": "every milestone, JSON",
    "milestones.csv": "every milestone, CSV for spreadsheets",
    "milestones.ics": "open milestones on their forecast dates, iCalendar",
}


def write_exports(app: Sphinx, exception: Exception | None) -> None:
    """Write milestones.json/.csv/.ics into the HTML output once the build has succeeded."""
    if exception is not None or app.builder.format != "html":
        return
    catalog = current().catalog
    if not catalog.milestones:
        return
    base = app.config.html_baseurl.rstrip("/") + "/" if app.config.html_baseurl else None
    domain = app.env.get_domain("dm")

    def url_of(milestone_id: str) -> str | None:
        entry = domain.entry("milestone", milestone_id)  # type: ignore[attr-defined]
        if base is None or entry is None:
            return None
        return f"{base}{app.builder.get_target_uri(entry[0])}#{entry[1]}"

    outdir = Path(app.outdir)
    rows = ExportRows(current().cache_dir / "export-lines.pickle")
    texts = export_texts(catalog, app.config.project, url_of, rows)
    if not rows.changed and all((outdir / name).is_file() for name in texts):
        return  # the same lines as the files written last time: nothing to write
    for name, pieces in texts.items():
        write_atomically(outdir / name, pieces)
    rows.save()


def check_details(app: Sphinx, env: BuildEnvironment) -> None:
    """When the site shows milestone details at all, warn about milestones no page details."""
    domain = env.get_domain("dm")
    shown = {rid for (kind, rid) in domain.data["objects"] if kind == "milestone"}
    if not shown:
        return
    missing = sorted(set(current().catalog.milestones) - shown)
    if missing:
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        logger.warning(
            "%d milestone(s) have no detail entry on any page (links to them go nowhere): %s%s; "
            "add a dm-milestones-by-wbs page for their WBS element",
            len(missing), ", ".join(missing[:10]), more, type="dmsite", subtype="milestone",
        )

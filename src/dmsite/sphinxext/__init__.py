"""The dmsite Sphinx extension: a thin layer over the catalog and the renderers."""

from __future__ import annotations

import contextlib
import gc
from pathlib import Path
from typing import Any

from jinja2 import FileSystemBytecodeCache
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

from .. import __version__
from . import (
    base,
    builders,
    dashboard,
    documents,
    domain,
    durable,
    graphs,
    history,
    inputs,
    links,
    memory,
    milestones,
    products,
    reading,
    records,
    settings,
    shortnames,
    state,
)
from .errors import report_briefly

PACKAGE_DIR = Path(__file__).resolve().parent


def _config_inited(app: Sphinx, config: Config) -> None:
    # New lists: a site that sets neither has Sphinx's default ones, shared by every build in the process.
    config.html_static_path = [*config.html_static_path, str(PACKAGE_DIR / "static")]
    config.templates_path = [*config.templates_path, str(PACKAGE_DIR / "templates")]


# Whether a build in this process froze its objects.  They stay frozen after the build: unfrozen, a process
# that ends after its build (sphinx-build) walks and frees them all on its way out (a tenth of an edit
# rebuild at 2,000 milestones); the next build in the same process (tests, publish) collects them first.
_frozen = False


def _builder_inited(app: Sphinx) -> None:
    global _frozen
    if _frozen:  # an earlier build's objects, left frozen: collectable again (its garbage must not be frozen anew)
        gc.unfreeze()
        gc.collect()
        _frozen = False
    enabled = gc.isenabled()
    gc.disable()  # loading makes many objects and no cycles; collecting only after it would walk them all
    try:
        data = state.load(app)
        # The environment and the catalog live as long as the build: keep the collector from walking
        # them again and again (a tenth of a rebuild's time at 2,000 milestones); see _frozen.
        gc.freeze()
        _frozen = True
    finally:
        if enabled:
            gc.enable()
    _keep_compiled_templates(app, data.cache_dir / "templates")


def _keep_compiled_templates(app: Sphinx, folder: Path) -> None:
    """The theme's templates compiled once, not in every build (jinja keys them by their source)."""
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is None:
        return
    with contextlib.suppress(OSError):  # no cache where none can be written
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def _outdated_by_data(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """When the data changed, every page that shows any of it is read again (but see inputs.py)."""
    data = state.current()
    if domain.dm_domain(env).mark("data", data.digest) == data.digest:
        return []
    return inputs.outdated_by_data(env, data.catalog)


_BIG_PAGE = 200_000  # characters of body: after writing such a page, collect its garbage before the next
_written = 0


def _html_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    # A written page (its doctree, its rendered context) is garbage in reference cycles that the
    # collector, counting objects rather than bytes, leaves for long: a few big pages would pile up
    # (200 MB at 20,000 milestones).  A collection costs milliseconds (the frozen catalog is not walked).
    global _written
    if _written > _BIG_PAGE:
        gc.collect()
        _written = 0
    body = context.get("body")
    _written += len(body) if isinstance(body, str) else 0
    data = state.current()
    context["dmsite_provenance"] = data.provenance
    context["dmsite_status_date"] = data.catalog.status_date.isoformat()
    context["dmsite_version"] = __version__
    context["dmsite_repo_url"] = settings.settings(app.config).repo_url


def setup(app: Sphinx) -> dict[str, Any]:
    memory.map_big_blocks()  # a big site's pages: their strings given back when freed
    settings.setup(app)  # every dmsite_* value
    report_briefly()  # a dmsite error ends sphinx-build with its message, not a crash report
    app.add_domain(domain.DmDomain)
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    app.connect("build-finished", links.warn_unlinked)
    app.connect("env-get-outdated", links.note_entries_before)
    app.connect("env-updated", links.pages_to_relink)
    app.connect("env-get-outdated", _outdated_by_data)
    app.connect("doctree-resolved", base.resolve_record_links)
    app.connect("html-page-context", _html_page_context)
    app.add_css_file("dmsite.css")
    app.add_js_file("dmsite.js", defer="defer")
    reading.setup(app)
    durable.setup(app)
    for area in (records, milestones, products, documents, history, graphs, builders, shortnames, dashboard):
        area.setup(app)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}

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
from . import base, dashboard, documents, domain, graphs, history, inputs, milestones, products, reading, records, state

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _config_inited(app: Sphinx, config: Config) -> None:
    config.html_static_path.append(str(PACKAGE_DIR / "static"))
    config.templates_path.append(str(PACKAGE_DIR / "templates"))


def _builder_inited(app: Sphinx) -> None:
    data = state.load(app)
    _keep_compiled_templates(app, data.cache_dir / "templates")
    # The environment and the catalog live as long as the build: keep the collector from walking
    # them again and again (a tenth of a rebuild's time at 2,000 milestones); see _build_finished.
    gc.freeze()


def _keep_compiled_templates(app: Sphinx, folder: Path) -> None:
    """The theme's templates compiled once, not in every build (jinja keys them by their source)."""
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is None:
        return
    with contextlib.suppress(OSError):  # no cache where none can be written
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def _build_finished(app: Sphinx, exception: Exception | None) -> None:
    gc.unfreeze()  # a process that builds again (tests, publish) can collect this build's objects


def _outdated_by_data(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """When the data changed, every page that shows any of it is read again (but see inputs.py)."""
    data = state.current()
    if getattr(env, "dmsite_digest", None) == data.digest:
        return []
    env.dmsite_digest = data.digest  # type: ignore[attr-defined]
    return inputs.outdated_by_data(env, data.catalog)


def _html_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    data = state.current()
    context["dmsite_provenance"] = data.provenance
    context["dmsite_status_date"] = data.catalog.status_date.isoformat()
    context["dmsite_version"] = __version__
    context["dmsite_repo_url"] = app.config.dmsite_repo_url


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("dmsite_data_dir", "data", "env", str)
    app.add_config_value("dmsite_status_date", None, "env")
    app.add_config_value("dmsite_strict", False, "env", bool)
    app.add_config_value("dmsite_cache_dir", None, "", str)
    app.add_config_value("dmsite_repo_url", None, "html")
    app.add_domain(domain.DmDomain)
    for name, kind in domain.PLAIN_ROLES.items():
        app.add_role(name, domain.RecordRole(kind))
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", _builder_inited)
    app.connect("build-finished", _build_finished, priority=900)
    app.connect("env-get-outdated", _outdated_by_data)
    app.connect("doctree-resolved", base.resolve_record_links)
    app.connect("html-page-context", _html_page_context)
    app.add_css_file("dmsite.css")
    app.add_js_file("dmsite.js", defer="defer")
    reading.setup(app)
    for area in (records, milestones, products, documents, history, graphs, inputs, dashboard):
        area.setup(app)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}

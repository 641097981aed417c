"""The version switcher of a published site (see ``dmsite publish``).

``dmsite publish`` builds each version with ``DMSITE_VERSION`` set to its name.  Only
then is pydata-sphinx-theme's switcher switched on, reading ``switcher.json`` from the
site root, one level above each version (a relative URL, so a built version keeps
working wherever the site is hosted).  Local builds show no switcher.
"""

from __future__ import annotations

import os

from sphinx.application import Sphinx
from sphinx.config import Config

from ..vcs.switcher import SWITCHER_ENV, SWITCHER_URL, VERSION_ENV
from .settings import settings

PYDATA_NAVBAR_END = ["theme-switcher", "navbar-icon-links"]


def _add_switcher(app: Sphinx, config: Config) -> None:
    version = os.environ.get(VERSION_ENV)
    if not version or not settings(config).version_switcher or config.html_theme != "pydata_sphinx_theme":
        return
    options = dict(config.html_theme_options)
    options["switcher"] = {
        "json_url": os.environ.get(SWITCHER_ENV) or SWITCHER_URL,
        "version_match": version,
    }
    options["check_switcher"] = False  # switcher.json is written after the versions are built
    options.setdefault("show_version_warning_banner", True)  # elsewhere than the newest: a link to this page there
    navbar_end = list(options.get("navbar_end", PYDATA_NAVBAR_END))
    if "version-switcher" not in navbar_end:
        navbar_end.insert(0, "version-switcher")
    options["navbar_end"] = navbar_end
    config.html_theme_options = options
    config.version = config.release = version


def setup(app: Sphinx) -> None:
    app.connect("config-inited", _add_switcher)

"""Sphinx configuration of the LSST Data Management site (sources in content/)."""

from __future__ import annotations

import os

project = "LSST Data Management"
author = "Rubin Observatory / LSST Data Management"
copyright = "LSST Data Management"

# The theme is loaded as an extension too, and the values it would otherwise fill in are set here,
# so that a rebuild does not see a changed configuration and rewrite every page.
extensions = ["myst_parser", "dmsite.sphinxext", "pydata_sphinx_theme"]
myst_enable_extensions = ["colon_fence", "deflist"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["data/**", "_build"]
templates_path = ["_templates"]
html_static_path = ["_static"]

# dmsite: the data, and the date the status is reported at (DMTN-158: data of March 2021).
dmsite_data_dir = "data"
dmsite_status_date = os.environ.get("DMSITE_STATUS_DATE", "2021-05-10")
dmsite_repo_url = "https://github.com/lsst-dm/dmsite"
dmsite_jira_url = "https://jira.lsstcorp.org/browse/"  # milestone Jira keys link here

html_theme = "pydata_sphinx_theme"
html_title = "LSST Data Management"
html_last_updated_fmt = None
html_permalinks_icon = "#"
html_context = {"default_mode": "auto"}  # light/dark follows the reader's system (and no console error)
# `dmsite publish` adds the version switcher (switcher.json at the site root) to navbar_end;
# local builds have no switcher (see dmsite.sphinxext.versions).
html_theme_options = {
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "footer_start": ["dmsite-provenance"],
    "footer_end": [],
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "icon_links": [],
    "logo": {},
}

# PDF (make pdf): the whole site as one document, through LaTeX.  XeLaTeX, because the data is Unicode
# (names, arrows, symbols); the FreeFont faces cover it.  dmsite turns its tables, lists, graphs and charts
# into LaTeX for this builder (dmsite.sphinxext.builders).
latex_engine = "xelatex"
latex_use_xindy = False  # no index to sort
latex_documents = [("index", "lsst-dm-plan.tex", "LSST Data Management plan", author, "manual")]
latex_show_urls = "no"
today = f"Status at {dmsite_status_date}"  # the PDFs' date: the day the data describes, not the day of the build
latex_elements = {
    "papersize": "letterpaper",
    "pointsize": "10pt",
    # long identifiers and URLs: let lines stretch rather than run into the margin; no blank index
    # links read as the text around them (italics mark completed milestones, as in DMTN-158)
    # a picture at most 70% of the page high, so that its caption and key fit below it
    "preamble": r"\setlength{\emergencystretch}{3em}\raggedbottom\renewcommand{\sphinxcrossref}[1]{#1}"
    r"\makeatletter\AtBeginDocument{\spx@image@maxheight=0.7\textheight}\makeatother",
    "tocdepth": r"\setcounter{tocdepth}{1}",  # chapters and sections
    "figure_align": "H",  # a graph where the page puts it: before the details it draws
    "printindex": "",
    "makeindex": "",
}

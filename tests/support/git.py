"""A tiny dmsite site in a real git repository, for publish and history tests."""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import git

SITE_CONF = """
extensions = ["myst_parser", "dmsite.sphinxext"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["data/**", "_build"]
html_theme = "pydata_sphinx_theme"
html_title = "Test site"
dmsite_data_dir = "data"
dmsite_status_date = "2021-05-10"
dmsite_repo_url = "https://example.org/project"
html_context = {"default_mode": "auto"}
html_theme_options = {
    "navbar_end": ["navbar-icon-links"],
    "footer_start": ["dmsite-provenance"],
    "footer_end": [],
    "navigation_with_keys": False,
}
"""

INDEX = """
# Test site

```{toctree}
about
changes
```
"""

ABOUT = """
# About

The plan, version by version.
"""

CHANGES = """
# Changes

:::{dm-changes}
:::
"""


@dataclass
class GitSite:
    """A site repository: conf.py at the root, pages and data under content/ (like the real site)."""

    root: Path
    repo: git.Repo = field(init=False)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.repo = git.Repo.init(self.root, initial_branch="main")
        with self.repo.config_writer() as config:
            config.set_value("user", "name", "Test Editor")
            config.set_value("user", "email", "editor@example.org")
            config.set_value("commit", "gpgsign", "false")
            config.set_value("tag", "gpgsign", "false")

    def write(self, relpath: str, text: str) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def remove(self, relpath: str) -> None:
        (self.root / relpath).unlink()

    def scaffold(self) -> None:
        """conf.py and the pages every version has."""
        self.write("conf.py", SITE_CONF)
        self.write("content/index.md", INDEX)
        self.write("content/about.md", ABOUT)
        self.write("content/changes.md", CHANGES)

    def commit(self, message: str, day: str) -> str:
        """Commit everything, dated at noon UTC of *day*; return the sha."""
        stamp = f"{day}T12:00:00+00:00"
        env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        self.repo.git.add(A=True)
        self.repo.git.commit("--allow-empty", m=message, env=env)
        return str(self.repo.head.commit.hexsha)

    def tag(self, name: str, annotated: bool = False) -> None:
        if annotated:
            self.repo.create_tag(name, message=f"Release {name}")
        else:
            self.repo.create_tag(name)


def milestones_yaml(*records: tuple[str, str, str | None, str | None]) -> str:
    """YAML for milestones given as (id, due, forecast, completed)."""
    lines = []
    for mid, due, forecast, completed in records:
        lines += [f"- id: {mid}", f"  name: Milestone {mid}", f"  due: {due}"]
        if forecast:
            lines.append(f"  forecast: {forecast}")
        if completed:
            lines.append(f"  completed: {completed}")
    return "\n".join(lines) + "\n"

"""Directives and roles for milestones (see the issue tracker); registered by dmsite.sphinxext."""

from __future__ import annotations

from sphinx.application import Sphinx


def setup(app: Sphinx) -> None:
    """Register this area's directives."""

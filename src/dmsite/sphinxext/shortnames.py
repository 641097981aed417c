"""The short role names (``{milestone}``, ``{cite}``...): conveniences that step aside when another extension
has taken the name.

Every dmsite role lives in the ``dm`` domain (``{dm:milestone}``, ``{dm:cite}``).  The short global
names are registered once every extension has loaded (at builder-inited), and only those that no
other extension registered: a site can use sphinxcontrib-bibtex's ``{cite}`` beside dmsite's
``{dm:cite}``.
"""

from __future__ import annotations

from docutils.parsers.rst import roles
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import is_role_registered

from .documents import CiteRole
from .domain import PLAIN_ROLES, RecordRole

logger = logging.getLogger(__name__)


def short_roles() -> dict[str, roles.RoleFunction]:
    """Short name → role: the records' roles and the citation role."""
    found: dict[str, roles.RoleFunction] = {name: RecordRole(kind) for name, kind in PLAIN_ROLES.items()}
    found["cite"] = CiteRole()
    return found


def register_short_names(app: Sphinx) -> None:
    for name, role in short_roles().items():
        if is_role_registered(name):
            logger.info("dmsite: the role {%s} belongs to another extension; dmsite's is {dm:%s}",
                        name, "doc" if name == "document" else name)
            continue
        app.add_role(name, role)


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", register_short_names, priority=900)  # after every extension's setup

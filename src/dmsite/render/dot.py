"""DOT text helpers: strings, tooltips and HTML-like label text that Graphviz shows literally."""

from __future__ import annotations

import html


def dot_string(text: str) -> str:
    """A DOT double-quoted string that a label shows as *text*, literally; a line break starts a centred line.

    Graphviz reads backslash escapes in labels (``\\N`` node name, ``\\G`` graph name, ``\\l`` line
    break...), so each backslash is doubled; double quotes are escaped; and it decodes HTML entities
    (``&lt;`` would show as ``<``), so ``&`` is written ``&amp;``.
    """
    cleaned = text.replace("&", "&amp;").replace("\\", "\\\\").replace('"', '\\"').replace("\r\n", "\n").replace("\r", "\n")
    return '"' + cleaned.replace("\n", "\\n") + '"'


def dot_tooltip(text: str) -> str:
    """A DOT string for a ``tooltip`` (node, edge or graph) showing *text* literally.

    Graphviz unescapes tooltips twice (``\\N`` in a tooltip becomes the node's name even when written
    ``\\\\N``), so a backslash is written as four.
    """
    return dot_string(text.replace("\\", "\\\\"))


def dot_html_text(text: str) -> str:
    """Text inside an HTML-like label (``label=<...>``): entities escaped, on one line, backslashes literal."""
    return html.escape(" ".join(text.split()), quote=True).replace("\\", "\\\\")

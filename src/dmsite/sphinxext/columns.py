"""Column widths for tables in LaTeX: from the width of their words, within the text width."""

from __future__ import annotations

from docutils import nodes

# -- a small element tree -------------------------------------------------------------------


# Widths in points of a character of the PDF's fonts at 10 pt (serif text, monospace code, bold sans headers),
# and the text width of the page: what a column needs to hold its longest word.
CHAR_PT = {"text": 5.0, "code": 6.0, "head": 6.0}


TEXT_WIDTH_PT = 468.0  # letter paper, 1 inch margins


COLUMN_GAP_PT = 12.0  # \tabcolsep on both sides


def text_width(text: str) -> float:
    """About how wide *text* is set in the serif font at 10 pt: capitals are wider than lower case."""
    return sum(6.8 if c.isupper() else 5.0 if c.isdigit() else 4.6 if c.isalpha() else 3.4 for c in text)


def _words(entry: nodes.Element, head: bool) -> tuple[float, float]:
    """(the longest word, all the text) of a cell, in points."""
    longest, total = 0.0, 0.0
    for text in entry.findall(nodes.Text):
        code = any(isinstance(a, nodes.literal) for a in _ancestors(text, entry))
        words = str(text).split()
        scale = 1.15 if head else 1.0  # bold headers
        sizes = [len(w) * CHAR_PT["code"] if code else text_width(w) * scale for w in words]  # monospace: even
        longest = max([longest, *sizes])
        total += sum(sizes) + 2.5 * len(words)
    return longest, total


def _ancestors(node: nodes.Node, stop: nodes.Node) -> list[nodes.Node]:
    found = []
    parent = node.parent
    while parent is not None and parent is not stop:
        found.append(parent)
        parent = parent.parent
    return found


def column_widths(rows: list[list[nodes.entry]], width: int, heads: int = 0) -> tuple[list[int], float]:
    """Column widths (in characters of text) and the font scale that lets each column hold its longest word.

    Every column gets room for its longest word; what is left of the text width is shared in proportion
    to how much more each column's average cell needs (long names get more room than dates).  When the
    longest words alone are wider than the page, the table is set smaller (0.9, then 0.8).
    """
    longest = [CHAR_PT["text"] * 3] * width
    total = [0.0] * width
    for n, row in enumerate(rows):
        for i, entry in enumerate(row[:width]):
            word, text = _words(entry, n < heads)
            longest[i] = max(longest[i], word + 2)
            if n >= heads:
                total[i] += text
    body = max(len(rows) - heads, 1)
    mean = [min(t / body, 400.0) for t in total]
    for scale in (1.0, 0.9, 0.8):
        room = TEXT_WIDTH_PT / scale - COLUMN_GAP_PT * width
        spare = room - sum(longest)
        if spare >= 0 or scale == 0.8:
            break
    extra = [max(m - w, 0.0) for m, w in zip(mean, longest, strict=True)]
    share = sum(extra)
    spare = max(spare, 0.0)
    widths = [w + (spare * e / share if share else spare / width) for w, e in zip(longest, extra, strict=True)]
    # LaTeX gives a column its share of the whole line less the gap, so each share includes the gap
    return [max(1, round((w + COLUMN_GAP_PT) / CHAR_PT["text"])) for w in widths], scale  # in characters of text

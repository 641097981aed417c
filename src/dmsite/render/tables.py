"""Record tables as one HTML string (fast for thousands of rows; see benchmarks/)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import unescape

from .html import esc
from .row_memo import Row, RowMemo

# Tables with more rows than this are laid out as grids of fixed columns sized from the data, so the
# browser lays out and paints only the rows on screen (dmsite.css, "long record tables").
LONG_TABLE = 500
CHUNK = 50  # rows per <tbody> of a long table: the browser skips a chunk off screen as a whole
WRAPS = 12  # characters: a column with longer texts wraps them, and shares the width left over
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Column:
    title: str
    cell: Callable[[object], str]  # record → cell HTML (already escaped)
    sort_key: Callable[[object], str] | None = None  # record → plain text used for sorting


def table(
    rows: Sequence[object], columns: Sequence[Column], css: str = "", caption: str = "",
    facets: Sequence[int] = (), memo: tuple[RowMemo, Callable[[object], bytes]] | None = None,
) -> str:
    """An HTML table that ``dmsite.js`` makes filterable and sortable (plain without JS).

    *facets* are column indexes offered as drop-down filters.  A sort key equal to the cell's text is
    left out (the script reads the text); a long table carries its column widths in ``--dm-columns``.
    *memo* (rows kept, and a row's key: a digest of everything its cells show) spares rendering a row
    whose key was seen before.
    """
    head = "".join(f'<th scope="col">{esc(c.title)}</th>' for c in columns)
    long = len(rows) > LONG_TABLE
    widths = [max(map(len, c.title.split()), default=0) for c in columns]  # a title wraps between its words
    body, lengths = [], []
    for row in rows:
        if memo is None:
            html, sizes = _row(row, columns, long)
        else:
            key = memo[1](row)
            kept = memo[0].get(key)
            if kept is None:
                kept = _row(row, columns, long)
                memo[0].put(key, kept)
            html, sizes = kept
        body.append(html)
        lengths.append(sizes)
    if long and lengths:
        widths = [max(column) for column in zip(widths, *lengths, strict=True)]
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    grid = f' style="{_grid(widths)}"' if long else ""
    classes = f"dm-table dm-interactive{' dm-long' if long else ''} {esc(css)}"
    return (
        f'<table class="{classes}" data-facets="{",".join(map(str, facets))}"{grid}>'
        f"{cap}<thead><tr>{head}</tr></thead>" + (_chunks(body) if long else "<tbody>\n" + "\n".join(body) + "\n</tbody>")
        + "</table>"
    )


def _row(row: object, columns: Sequence[Column], long: bool) -> Row:
    """One row's HTML and, in a long table, each cell's text length (else zeros)."""
    cells, sizes = [], []
    for c in columns:
        html = c.cell(row)
        if not (long or c.sort_key):
            cells.append(f"<td>{html}</td>")
            sizes.append(0)
            continue
        text = _text(html)
        sizes.append((len(unescape(text)) if "&" in text else len(text)) if long else 0)
        sort = esc(c.sort_key(row)) if c.sort_key else text
        cells.append(f"<td>{html}</td>" if sort == text and sort == sort.strip() else f'<td data-sort="{sort}">{html}</td>')
    return "<tr>" + " ".join(cells) + "</tr>", tuple(sizes)  # spaced: words of adjacent cells stay apart in search


def _text(html: str) -> str:
    """The text of cell HTML, still escaped (the common cell, one element around its text, without a regex)."""
    if "<" not in html:
        return html
    if html.count("<") == 2 and html[-1] == ">":
        return html[html.index(">") + 1:html.rindex("<")]
    return _TAG.sub("", html)


def _chunks(rows: Sequence[str]) -> str:
    """The rows in <tbody> chunks of CHUNK; a shorter last one says how many rows it holds (its size off screen).

    Joined once: a table of 20,000 rows is 5 MB of text, and every copy of it counts at the build's peak."""
    out = []
    for start in range(0, len(rows), CHUNK):
        part = rows[start:start + CHUNK]
        count = f' style="--dm-rows: {len(part)}"' if len(part) < CHUNK else ""
        out += [f"<tbody{count}>\n", *_between(part, "\n"), "\n</tbody>"]
    return "".join(out)


def _between(items: Sequence[str], separator: str) -> list[str]:
    """*items* with *separator* between them (the pieces of ``separator.join(items)``)."""
    out = [separator] * (2 * len(items) - 1) if items else []
    out[::2] = items
    return out


def _grid(widths: Sequence[int]) -> str:
    """Grid columns from each column's longest text (in ch, the width of a digit; capitals are wider, hence 8 %).

    A column of short texts is as wide as its longest; one of longer texts is at least WRAPS wide and shares
    what is left of the table's width in proportion to its longest text.  ``--dm-width`` is the least width.
    """
    tracks, least = [], 0
    for w in widths:
        ch = -(-w * 108 // 100)  # rounded up, in whole numbers (no float error)
        tracks.append(f"calc({ch}ch + 1em)" if w <= WRAPS else f"minmax(calc({WRAPS}ch + 1em), {ch}fr)")
        least += ch if w <= WRAPS else WRAPS
    return f"--dm-columns: {' '.join(tracks)}; --dm-width: calc({least}ch + {len(widths)}em)"

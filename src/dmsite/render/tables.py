"""Record tables as one HTML string (fast for thousands of rows; see benchmarks/)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .html import esc


@dataclass(frozen=True)
class Column:
    title: str
    cell: Callable[[object], str]  # record → cell HTML (already escaped)
    sort_key: Callable[[object], str] | None = None  # record → plain text used for sorting


def table(
    rows: Sequence[object], columns: Sequence[Column], css: str = "", caption: str = "",
    facets: Sequence[int] = (),
) -> str:
    """An HTML table that ``dmsite.js`` makes filterable and sortable (plain without JS).

    *facets* are column indexes offered as drop-down filters.
    """
    head = "".join(f'<th scope="col">{esc(c.title)}</th>' for c in columns)
    body = []
    for row in rows:
        cells = []
        for c in columns:
            key = f' data-sort="{esc(c.sort_key(row))}"' if c.sort_key else ""
            cells.append(f"<td{key}>{c.cell(row)}</td>")
        body.append("<tr>" + " ".join(cells) + "</tr>")  # spaced: words of adjacent cells stay apart in search
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (
        f'<table class="dm-table dm-interactive {esc(css)}" data-facets="{",".join(map(str, facets))}">'
        f"{cap}<thead><tr>{head}</tr></thead>"
        f"<tbody>\n" + "\n".join(body) + "\n</tbody></table>"
    )

"""render/tables.py: short tables stay one <tbody>; long ones come in chunks with grid columns sized from the data."""

from __future__ import annotations

from bs4 import BeautifulSoup

from dmsite.render.html import esc
from dmsite.render.tables import CHUNK, LONG_TABLE, Column, table

COLUMNS = [
    Column("Id", lambda r: f'<a href="#{esc(r)}">{esc(r)}</a>', lambda r: str(r)),
    Column("Name", lambda r: esc(f"Name of <{r}> & more words to wrap"), None),
    Column("Rank", lambda r: esc(r), lambda r: f"{len(str(r)):04d}"),
]


def soup(rows: list[str]) -> BeautifulSoup:
    return BeautifulSoup(table(rows, COLUMNS, facets=(2,)), "html.parser")


def test_short_table_is_one_body_without_grid() -> None:
    page = soup([f"R{i}" for i in range(LONG_TABLE)])
    t = page.table
    assert t is not None and "dm-long" not in t["class"] and not t.get("style")
    assert len(t.find_all("tbody")) == 1 and len(t.find_all("tr")) == LONG_TABLE + 1


def test_long_table_comes_in_chunks_holding_every_row_in_order() -> None:
    rows = [f"R{i % 300}" for i in range(LONG_TABLE + 7)]  # more than LONG_TABLE; the last chunk holds 7
    page = soup(rows)
    t = page.table
    assert t is not None and "dm-long" in t["class"]
    bodies = t.find_all("tbody")
    assert [len(b.find_all("tr")) for b in bodies] == [CHUNK] * (len(rows) // CHUNK) + [len(rows) % CHUNK]
    assert [b.get("style") for b in bodies[:-1]] == [None] * (len(bodies) - 1)
    assert bodies[-1]["style"] == f"--dm-rows: {len(rows) % CHUNK}"
    assert [tr.td.get_text() for tr in t.tbody.find_all("tr")][:3] == ["R0", "R1", "R2"]
    assert [tr.td.get_text() for b in bodies for tr in b.find_all("tr")] == rows


def test_long_table_columns_fit_their_longest_text() -> None:
    rows = [f"R{i}" for i in range(LONG_TABLE + 1)]
    style = soup(rows).table["style"]  # type: ignore[index]
    # Id: "R500" is 4 characters; Name (long texts) wraps and takes what is left; Rank: its title, 4
    longest_name = len("Name of <R500> & more words to wrap")
    assert style == (f"--dm-columns: calc(5ch + 1em) minmax(calc(12ch + 1em), {-(-longest_name * 108 // 100)}fr) "
                     "calc(5ch + 1em); --dm-width: calc(22ch + 3em)")


def test_sort_key_written_only_where_it_differs_from_the_text_and_escaped() -> None:
    columns = [Column("Id", lambda r: f"<b>{esc(r)}</b>", lambda r: str(r)),
               Column("Key", lambda r: esc(r), lambda r: f' "{r}" <&>')]
    t = BeautifulSoup(table(["a&b"], columns), "html.parser").table
    assert t is not None
    first, second = t.tbody.find_all("td")  # type: ignore[union-attr]
    assert not first.has_attr("data-sort") and first.get_text() == "a&b"  # the script reads the cell's text
    assert second["data-sort"] == ' "a&b" <&>'
    assert '<td data-sort=" &quot;a&amp;b&quot; &lt;&amp;&gt;">' in table(["a&b"], columns)

"""Record tables in a real browser (issue 20): a long table (grid rows in chunks) and a short one filter,
facet, clear and sort as a reader sees it, and without JavaScript both are complete and readable."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.browser import serve
from support.milestones import MILESTONES, WBS
from support.site import Site

COUNT = 1234  # more than render/tables.py LONG_TABLE: 25 chunks, the last one short
WORDS = ["alpha", "Beta", "gamma", "Delta", "epsilon", "Zeta", "eta", "Theta"]
ELEMENTS = ["02C.03", "02C.04", "02C.00"]

pytestmark = pytest.mark.browser


def long_data() -> list[dict[str, Any]]:
    """COUNT milestones with varied names (mixed case), elements, levels and dates."""
    records = []
    for i in range(COUNT):
        due = dt.date(2016, 1, 1) + dt.timedelta(days=(i * 37) % 3000)
        record: dict[str, Any] = {
            "id": f"LM-{i:04d}", "name": f"{WORDS[i % 8]} {WORDS[(i * 3) % 8]} {i}", "wbs": ELEMENTS[i % 3],
            "due": due.isoformat(),
        }
        if i % 5:
            record["level"] = 1 + i % 4
        if due < dt.date(2021, 5, 10) and i % 2:
            record["completed"] = due.isoformat()
        records.append(record)
    return records


def yaml_list(records: list[dict[str, Any]]) -> str:
    return "".join("- " + "\n  ".join(f"{k}: {v!r}" if isinstance(v, str) else f"{k}: {v}" for k, v in r.items()) + "\n"
                   for r in records)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The served site: long.html (COUNT rows) and short.html (the 8 shared milestones)."""
    long_site = Site(tmp_path_factory.mktemp("tables") / "site")
    long_site.write("data/wbs/wbs.yaml", WBS)
    long_site.write("data/milestones/long.yaml", yaml_list(long_data()))
    long_site.write("index.md", "# Tables\n\n```{toctree}\nlong\n```\n")
    long_site.write("long.md", "# Long\n\n:::{dm-milestone-table}\n:::\n")
    assert long_site.build() == ""
    short_site = Site(tmp_path_factory.mktemp("tables") / "site")
    short_site.write("data/wbs/wbs.yaml", WBS)
    short_site.write("data/milestones/ms.yaml", MILESTONES)
    short_site.write("index.md", "# Short\n\n:::{dm-milestone-table}\n:::\n")
    assert short_site.build() == ""
    (long_site.outdir / "short.html").write_text(short_site.html("index"), encoding="utf-8")
    with serve(long_site.outdir) as url:
        yield url, long_site.outdir


TABLE = "table.dm-milestone-table"
# What the reader sees: the first cell of every row that is displayed, in page order (rows off screen
# included: a reader sees them by scrolling).
SHOWN = f"() => [...document.querySelectorAll('{TABLE} tbody tr')].filter((r) => r.checkVisibility()).map((r) => r.cells[0].textContent.trim())"  # noqa: E501
ROWS = f"() => [...document.querySelectorAll('{TABLE} tbody tr')].map((r) => [...r.cells].map((c) => c.textContent.trim()))"


def rows_by_id(page: Any) -> dict[str, list[str]]:
    return {cells[0]: cells for cells in page.evaluate(ROWS)}


def count_text(page: Any) -> str:
    return page.locator(".dm-filter-count").inner_text()


def column(page: Any, title: str) -> int:
    return [h.strip() for h in page.locator(f"{TABLE} thead th").all_inner_texts()].index(title)


def drawn(page: Any, check: Any) -> Any:
    """*check*'s value once true: the browser draws a chunk that comes on screen in its next frame."""
    for _ in range(100):
        value = check()
        if value:
            return value
        page.wait_for_timeout(50)  # without JavaScript the page cannot tell when a frame is drawn
    raise AssertionError("not drawn within 5 s")


def test_long_table_without_javascript_is_complete_and_aligned(built, browser) -> None:
    url, _ = built
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(url + "long.html")
    table = page.locator(TABLE)
    assert "dm-long" in (table.get_attribute("class") or "")
    assert page.locator(".dm-filter").count() == 0  # no controls that cannot work
    rows = page.evaluate(ROWS)
    assert len(rows) == COUNT and all(len(r) == 8 for r in rows)
    assert sorted(r[0] for r in rows) == [f"LM-{i:04d}" for i in range(COUNT)]
    assert len(page.evaluate(SHOWN)) == COUNT
    # the columns are wide enough for their texts: no id, date or status wraps (the rows on screen are one line high)
    heights = drawn(page, lambda: (h := page.evaluate(f"""() => [...document.querySelectorAll('{TABLE} tbody tr')]
        .slice(0, 30).map((r) => r.getBoundingClientRect().height)""")) and min(h) > 0 and h)
    assert max(heights) - min(heights) < 1
    # what scrolls (the page, or the table's own box) is as long as its rows (chunks off screen hold their
    # rows' height), so the scroll bar tells the truth
    height = max(page.evaluate("document.documentElement.scrollHeight"), table.evaluate("t => t.scrollHeight"))
    assert height > COUNT * heights[0] * 0.9
    # a row far down is drawn where a reader scrolls to it, under its column headers
    far = table.locator("tbody tr").nth(COUNT - 7)
    far.scroll_into_view_if_needed()
    box = far.bounding_box()
    assert box and box["height"] >= heights[0] * 0.9
    hit = "([x, y]) => document.elementFromPoint(x, y).closest('tr')?.cells[0].textContent.trim()"
    assert drawn(page, lambda: page.evaluate(hit, [box["x"] + 5, box["y"] + box["height"] / 2])) == rows[COUNT - 7][0]
    heads = [h.bounding_box() for h in table.locator("thead th").all()]
    cells = [c.bounding_box() for c in far.locator("td").all()]
    for head, cell in zip(heads, cells, strict=True):
        assert head and cell and abs(head["x"] - cell["x"]) < 1 and abs(head["width"] - cell["width"]) < 1
    context.close()


def test_short_table_without_javascript_is_a_plain_table(built, browser) -> None:
    url, _ = built
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url + "short.html")
    assert "dm-long" not in (page.locator(TABLE).get_attribute("class") or "")
    assert page.evaluate(f"getComputedStyle(document.querySelector('{TABLE} tbody tr')).display") == "table-row"
    assert len(page.evaluate(SHOWN)) == 8
    context.close()


def test_long_table_filter_narrows_and_clear_restores(built, browser_page) -> None:
    url, _ = built
    page = browser_page.page
    page.goto(url + "long.html")
    everything = page.evaluate(SHOWN)
    rows = rows_by_id(page)
    assert count_text(page) == f"{COUNT} of {COUNT} rows"
    search = page.locator(".dm-filter input[type=search]")
    search.click()
    typed = ""
    for key in "lm-10":  # real keystrokes, one at a time: each narrows the rows at once
        page.keyboard.type(key)
        typed += key
        expected = [i for i in everything if typed in " ".join(rows[i]).lower()]
        assert page.evaluate(SHOWN) == expected
        assert count_text(page) == f"{len(expected)} of {COUNT} rows"
    assert sorted(page.evaluate(SHOWN)) == [f"LM-{i}" for i in range(1000, 1100)]
    # words are matched anywhere in the row, in any order, case-insensitively
    search.fill("ZETA 2019-")
    expected = [i for i in everything if "zeta" in " ".join(rows[i]).lower() and "2019-" in " ".join(rows[i])]
    assert 0 < len(expected) < 100 and page.evaluate(SHOWN) == expected
    last = page.locator(f"{TABLE} tbody tr", has_text=expected[-1])
    last.scroll_into_view_if_needed()
    assert last.is_visible() and expected[-1] in last.inner_text()
    search.fill("no such milestone")
    assert page.evaluate(SHOWN) == [] and count_text(page) == f"0 of {COUNT} rows"
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    assert page.evaluate(SHOWN) == everything and count_text(page) == f"{COUNT} of {COUNT} rows"
    assert browser_page.errors == []


def test_long_table_facets_combine_with_the_text_filter(built, browser_page) -> None:
    url, _ = built
    page = browser_page.page
    page.goto(url + "long.html")
    everything = page.evaluate(SHOWN)
    rows = rows_by_id(page)
    wbs, status = column(page, "WBS"), column(page, "Status")
    select = page.locator("select[aria-label='Filter by WBS']")
    assert select.locator("option").all_inner_texts() == ["WBS: all", "02C.00", "02C.03", "02C.04"]
    select.select_option("02C.04")
    expected = [i for i in everything if rows[i][wbs] == "02C.04"]
    assert page.evaluate(SHOWN) == expected and len(expected) == COUNT // 3
    page.select_option("select[aria-label='Filter by Status']", "completed")
    expected = [i for i in expected if rows[i][status] == "completed"]
    assert expected and page.evaluate(SHOWN) == expected
    page.fill(".dm-filter input[type=search]", "theta")
    expected = [i for i in expected if "theta" in rows[i][1].lower()]
    assert expected and page.evaluate(SHOWN) == expected
    assert count_text(page) == f"{len(expected)} of {COUNT} rows"
    select.select_option("")
    page.select_option("select[aria-label='Filter by Status']", "")
    page.fill(".dm-filter input[type=search]", "")
    assert page.evaluate(SHOWN) == everything
    assert browser_page.errors == []


def _in_order(page: Any, first: list[str], title: str, key: Any = str, descending: bool = False) -> list[str]:
    """The ids the page should show sorted by *title* (ties keep the page's *first* order)."""
    index = column(page, title)
    cells = rows_by_id(page)
    return sorted(first, key=lambda i: key(cells[i][index]), reverse=descending)  # stable, reversed too


def test_long_table_sorts_by_header_click_and_keyboard(built, browser_page) -> None:
    url, _ = built
    page = browser_page.page
    page.goto(url + "long.html")
    first = page.evaluate(SHOWN)
    assert sorted(first) == [f"LM-{i:04d}" for i in range(COUNT)]
    due = page.locator(f"{TABLE} thead th", has_text="Baseline due")
    due.click()
    assert due.get_attribute("aria-sort") == "ascending"
    assert page.evaluate(SHOWN) == _in_order(page, first, "Baseline due")
    due.click()
    assert due.get_attribute("aria-sort") == "descending"
    assert page.evaluate(SHOWN) == _in_order(page, first, "Baseline due", descending=True)
    name = page.locator(f"{TABLE} thead th", has_text="Name")
    name.focus()
    page.keyboard.press("Enter")
    assert name.get_attribute("aria-sort") == "ascending" and due.get_attribute("aria-sort") == "none"
    assert page.evaluate(SHOWN) == _in_order(page, first, "Name", str.casefold)  # "alpha" before "Beta"
    page.locator(f"{TABLE} thead th", has_text="Level").click()
    # numbers in numeric order, blanks first
    assert page.evaluate(SHOWN) == _in_order(page, first, "Level", lambda v: (v != "", int(v or 0)))
    # the sorted rows are still drawn under their headers, far down the table too
    far = page.locator(f"{TABLE} tbody tr").nth(COUNT - 3)
    far.scroll_into_view_if_needed()
    heads = [h.bounding_box() for h in page.locator(f"{TABLE} thead th").all()]
    for head, cell in zip(heads, [c.bounding_box() for c in far.locator("td").all()], strict=True):
        assert head and cell and abs(head["x"] - cell["x"]) < 1
    assert browser_page.errors == []


def test_long_table_sort_keeps_the_filter_and_clear_shows_the_sorted_rows(built, browser_page) -> None:
    url, _ = built
    page = browser_page.page
    page.goto(url + "long.html")
    page.fill(".dm-filter input[type=search]", "gamma")
    page.locator(f"{TABLE} thead th", has_text="Forecast").click()
    rows = rows_by_id(page)
    forecast = column(page, "Forecast")
    shown = page.evaluate(SHOWN)
    assert shown and all("gamma" in rows[i][1].lower() for i in shown)
    assert [rows[i][forecast] for i in shown] == sorted(rows[i][forecast] for i in shown)
    assert len(shown) == sum("gamma" in r[1].lower() for r in rows.values())
    page.fill(".dm-filter input[type=search]", "")
    everything = page.evaluate(SHOWN)
    assert len(everything) == COUNT
    assert [rows[i][forecast] for i in everything] == sorted(r[forecast] for r in rows.values())
    assert count_text(page) == f"{COUNT} of {COUNT} rows"
    assert browser_page.errors == []


def test_short_table_filters_facets_and_sorts(built, browser_page) -> None:
    url, _ = built
    page = browser_page.page
    page.goto(url + "short.html")
    everything = page.evaluate(SHOWN)
    assert len(everything) == 8
    page.select_option("select[aria-label='Filter by Status']", "overdue")
    assert page.evaluate(SHOWN) == ["DM-AP-2", "DM-AP-3"]
    page.fill(".dm-filter input[type=search]", "alard")
    assert page.evaluate(SHOWN) == ["DM-AP-2"] and count_text(page) == "1 of 8 rows"
    page.select_option("select[aria-label='Filter by Status']", "")
    page.fill(".dm-filter input[type=search]", "")
    assert page.evaluate(SHOWN) == everything
    page.locator(f"{TABLE} thead th", has_text="Id").click()
    page.locator(f"{TABLE} thead th", has_text="Id").click()
    assert page.evaluate(SHOWN) == sorted(everything, reverse=True)
    assert browser_page.errors == []


def test_table_text_from_the_data_is_text_in_the_filter(built, browser_page) -> None:
    """A name with markup characters is matched as written and shown as text (never markup)."""
    url, _ = built
    page = browser_page.page
    page.goto(url + "short.html")
    page.fill(".dm-filter input[type=search]", "<b>integrated</b>")
    assert page.evaluate(SHOWN) == ["DM-AP-3"]
    cell = page.locator(f"{TABLE} tbody tr", has_text="DM-AP-3").locator("td").nth(1)
    assert re.search(r"<b>integrated</b>", cell.inner_text()) and cell.locator("b").count() == 0
    assert browser_page.errors == []

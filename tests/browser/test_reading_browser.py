"""Reading the LSST DM site in a real browser (issue 14): every page at 1400 and 390 px, light and dark —
no sideways page scroll, every graph legible or zoomable, SVG text contrast ≥ 4.5:1, no console
errors — graphs that zoom, pan and lead to their entries, print that fits A4, search by id and name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import REPO_ROOT
from support.browser import serve

ROOT = REPO_ROOT
WIDE, PHONE = (1400, 900), (390, 844)
A4_CONTENT_PX = 718  # 190 mm: A4 portrait less 1 cm margins, at 96 px per inch
LEGIBLE_PX = 9.0  # the smallest on-screen size of a graph's labels as it opens

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("dm-site-browser")]


@pytest.fixture(scope="module")
def site(dm_site_html: Path) -> Path:
    return dm_site_html


@pytest.fixture(scope="module")
def url(site: Path) -> Iterator[str]:
    with serve(site) as base:
        yield base


def pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if "_static" not in p.parts)


class Reader:
    """A browser tab of a given size and colour scheme, and every console error seen in it."""

    def __init__(self, browser: Any, size: tuple[int, int], scheme: str, media: str = "screen") -> None:
        self.context = browser.new_context(viewport={"width": size[0], "height": size[1]}, color_scheme=scheme)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        if media != "screen":
            self.page.emulate_media(media=media)
        self.errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"{m.text} {m.location}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

    def open(self, address: str) -> None:
        self.page.goto(address)
        self.page.wait_for_load_state("load")

    def close(self) -> None:
        self.context.close()


# What the reader sees on one page, measured in one evaluate(): sideways scroll, graphs, and (if asked)
# the contrast of every SVG text with what is drawn behind it (the shape under its middle, else the page).
MEASURE = r"""
(withContrast) => {
  const out = {scroll: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
               theme: document.documentElement.dataset.theme, bare: 0, graphs: [], contrast: []};
  const article = document.querySelector(".bd-article") || document.body;
  out.bare = article.querySelectorAll(".dm-graph > svg, .dm-burndown-figure > svg").length;
  for (const viewer of article.querySelectorAll(".dm-viewer")) {
    const svg = viewer.querySelector(".dm-viewer-port > svg"), port = viewer.querySelector(".dm-viewer-port");
    const p = port.getBoundingClientRect(), r = svg.getBoundingClientRect();
    const k = r.width / (svg.viewBox.baseVal && svg.viewBox.baseVal.width || r.width);
    const sizes = [...svg.querySelectorAll("text")].filter(t => t.textContent.trim())
      .map(t => parseFloat(getComputedStyle(t).fontSize) * k).sort((a, b) => a - b);
    out.graphs.push({fits: viewer.dataset.fits, controls: viewer.querySelectorAll(".dm-viewer-bar button").length,
      whole: r.left >= p.left - 1 && r.right <= p.right + 1 && r.top >= p.top - 1 && r.bottom <= p.bottom + 1,
      median: sizes.length ? sizes[Math.floor(sizes.length / 2)] : 0, portRight: p.right});
  }
  if (!withContrast) return out;
  const rgba = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const v = m[1].split(/[ ,/]+/).filter(Boolean).map(Number); return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1]; };
  const lum = ([r, g, b]) => { const f = (x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const over = (top, under) => top[3] >= 1 ? top : [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
  const pageBehind = (el) => { for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor); if (c && c[3] > 0) return c; } return [255, 255, 255, 1]; };
  for (const svg of article.querySelectorAll("svg")) {
    const base = pageBehind(svg.parentElement);
    const shapes = [];
    for (const el of svg.querySelectorAll("path, polygon, ellipse, rect, circle, text")) {
      if (el.tagName !== "text") {
        const fill = rgba(getComputedStyle(el).fill);
        if (!fill || fill[3] === 0 || el.closest("[style*='display: none']")) continue;
        const b = el.getBBox(), m = el.getCTM();
        if (!m) continue;
        const pts = [[b.x, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height], [b.x + b.width, b.y]]
          .map(([x, y]) => new DOMPoint(x, y).matrixTransform(m));
        shapes.push({el, fill, m, x0: Math.min(...pts.map(q => q.x)), x1: Math.max(...pts.map(q => q.x)),
          y0: Math.min(...pts.map(q => q.y)), y1: Math.max(...pts.map(q => q.y))});
        continue;
      }
      if (!el.textContent.trim()) continue;
      const b = el.getBBox(), m = el.getCTM();
      if (!m || !b.width) continue;
      const at = new DOMPoint(b.x + b.width / 2, b.y + b.height / 2).matrixTransform(m);
      const under = [];
      for (let i = shapes.length - 1; i >= 0; i--) {
        const s = shapes[i];
        if (at.x < s.x0 || at.x > s.x1 || at.y < s.y0 || at.y > s.y1) continue;
        if (s.el.isPointInFill(at.matrixTransform(s.m.inverse()))) { under.push(s.fill); if (s.fill[3] >= 1) break; }
      }
      let behind = base;
      for (const c of under.reverse()) behind = over(c, behind);
      const ink = over(rgba(getComputedStyle(el).fill) || [0, 0, 0, 1], behind);
      const [hi, lo] = [lum(ink), lum(behind)].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      if (ratio < 4.5) out.contrast.push(`${ratio.toFixed(2)} "${el.textContent.trim().slice(0, 40)}" ` +
        `ink ${getComputedStyle(el).fill} on rgb(${behind.slice(0, 3).map(Math.round)})`);
    }
  }
  return out;
}
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [WIDE, PHONE], ids=["1400px", "390px"])
def test_every_page_reads_at_every_width_in_both_themes(
    site: Path, url: str, browser: Any, size: tuple[int, int], scheme: str
) -> None:
    reader = Reader(browser, size, scheme)
    problems: list[str] = []
    graphs = 0
    try:
        for name in pages(site):
            reader.open(url + name)
            seen = reader.page.evaluate(MEASURE, size == WIDE)  # contrast does not change with the width
            assert seen["theme"] == scheme, name
            if seen["scroll"][0] > seen["scroll"][1]:
                problems.append(f"{name}: the page scrolls sideways ({seen['scroll'][0]} > {seen['scroll'][1]} px)")
            if seen["bare"]:
                problems.append(f"{name}: {seen['bare']} graph(s) without zoom controls")
            for graph in seen["graphs"]:
                graphs += 1
                if graph["controls"] < 4 or graph["portRight"] > size[0]:
                    problems.append(f"{name}: a graph's controls are missing or outside the window: {graph}")
                if graph["median"] < LEGIBLE_PX:
                    problems.append(f"{name}: a graph opens with {graph['median']:.1f} px labels")
                if graph["fits"] == "yes" and not graph["whole"]:
                    problems.append(f"{name}: a graph said to fit is cut: {graph}")
            problems += [f"{name}: contrast {c}" for c in seen["contrast"][:5]]
    finally:
        reader.close()
    assert graphs >= 30  # the WBS pages, the L1/L2 graph, product and document trees, org chart, charts
    assert problems == []
    assert reader.errors == []


def _scale(svg: Any) -> float:
    matrix = svg.evaluate("s => getComputedStyle(s).transform")
    return float(re.match(r"matrix\(([-0-9.e]+)", matrix).group(1)) if matrix.startswith("matrix") else 1.0


_SCALE_JS = "s => { const m = getComputedStyle(s).transform; return m.startsWith('matrix') ? parseFloat(m.slice(7)) : 1; }"


def _zoomed_in(page: Any, svg: Any, start: float) -> bool:
    """Whether the graph reaches more than 1.2 times *start* (waiting out the animation, however slow the machine)."""
    try:
        page.wait_for_function(f"([s, start]) => ({_SCALE_JS})(s) > start * 1.2", arg=[svg.element_handle(), start],
                               timeout=5000)
    except Exception:
        return False
    return True


@pytest.mark.parametrize("size", [WIDE, PHONE], ids=["1400px", "390px"])
@pytest.mark.parametrize("page_name", ["milestones/wbs/02C.00.html", "organisation/index.html",
                                       "documents/index.html", "milestones/graph.html"])
def test_a_graph_zooms_pans_and_leads_to_an_entry(url: str, browser: Any, size: tuple[int, int], page_name: str) -> None:
    reader = Reader(browser, size, "light")
    page = reader.page
    try:
        reader.open(url + page_name)
        viewer = page.locator(".dm-viewer").first
        port, svg = viewer.locator(".dm-viewer-port"), viewer.locator(".dm-viewer-port > svg")
        start = _scale(svg)
        viewer.get_by_role("button", name="Zoom in").click()
        assert _zoomed_in(page, svg, start), _scale(svg)
        viewer.get_by_role("button", name="Reset the view").click()
        page.wait_for_timeout(100)
        assert _scale(svg) == pytest.approx(start, rel=0.01)
        port.focus()
        page.keyboard.press("+")
        assert _zoomed_in(page, svg, start), _scale(svg)

        # the node farthest from the middle of the view: dragged into view, then clicked
        box = port.bounding_box()
        target = page.evaluate(
            """([port]) => {
              const p = port.getBoundingClientRect(), cx = p.left + p.width / 2, cy = p.top + p.height / 2;
              let best = null, far = -1;
              port.querySelectorAll("g.node a").forEach(a => {
                const r = a.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
                const d = Math.hypot(x - cx, y - cy);
                if (d > far) { far = d; best = {x, y, href: a.getAttribute("xlink:href") || a.getAttribute("href")}; }
              });
              return best;
            }""", [port.element_handle()])
        assert target and "#" in target["href"]
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        steps = max(8, int(max(abs(target["x"] - x), abs(target["y"] - y)) / 40))
        page.mouse.move(x - (target["x"] - x), y - (target["y"] - y), steps=steps)
        page.mouse.move(2 * x - target["x"], 2 * y - target["y"], steps=2)
        page.mouse.up()
        assert page.url.endswith(page_name)  # a drag is not a click
        anchor = target["href"].split("#")[1]
        link = port.locator(f"g.node a[*|href$='#{anchor}']").first
        link_box = link.bounding_box()
        assert box["x"] <= link_box["x"] + link_box["width"] / 2 <= box["x"] + box["width"]
        assert box["y"] <= link_box["y"] + link_box["height"] / 2 <= box["y"] + box["height"]
        link.click()
        page.wait_for_url(f"**#{anchor}")
        assert page.locator(f"[id='{anchor}']").is_visible()
    finally:
        reader.close()
    assert reader.errors == []


def test_full_screen_and_the_svg_alone(url: str, browser: Any) -> None:
    reader = Reader(browser, PHONE, "dark")
    page = reader.page
    try:
        reader.open(url + "milestones/wbs/02C.03.html")
        viewer = page.locator(".dm-viewer").first
        viewer.get_by_role("button", name="View full screen").click()
        full = viewer.bounding_box()
        assert full["width"] == PHONE[0] and full["height"] == PHONE[1]
        page.keyboard.press("Escape")
        assert viewer.bounding_box()["width"] < PHONE[0]
        with page.context.expect_page() as opened:
            viewer.locator("a.dm-viewer-svg").click()
        alone = opened.value
        alone.wait_for_load_state("load")
        assert alone.url.startswith("blob:")
        assert alone.locator("svg g.node").count() > 10
        assert alone.locator("svg g.node a").first.get_attribute("xlink:href").startswith(url)  # links still work
    finally:
        reader.close()
    assert reader.errors == []


WIDGETS = ".dm-filter, .dm-viewer-bar, .skip-link, input, select, button, .bd-header, .bd-sidebar-primary"


def test_print_fits_a4_with_no_widgets(site: Path, url: str, browser: Any) -> None:
    reader = Reader(browser, (A4_CONTENT_PX, 1000), "light", media="print")
    problems = []
    try:
        for name in pages(site):
            reader.open(url + name)
            seen = reader.page.evaluate(
                """([widgets, limit]) => ({
                  scroll: document.documentElement.scrollWidth,
                  wide: [...document.querySelectorAll(".bd-article svg, .bd-article table, .bd-article pre, .bd-article img")]
                    .filter(e => e.getBoundingClientRect().right > limit + 1)
                    .map(e => e.tagName + "." + [...e.classList].join(".") + " " + Math.round(e.getBoundingClientRect().right)),
                  shown: [...document.querySelectorAll(widgets)].filter(e => e.getClientRects().length > 0
                    && getComputedStyle(e).visibility !== "hidden").map(e => e.tagName + "." + e.className).slice(0, 5),
                  firstBreak: getComputedStyle(document.querySelector(".bd-article > section") || document.body).breakBefore,
                })""", [WIDGETS, A4_CONTENT_PX])
            if seen["scroll"] > A4_CONTENT_PX or seen["wide"]:
                problems.append(f"{name}: wider than A4 ({seen['scroll']} px): {seen['wide'][:3]}")
            if seen["shown"]:
                problems.append(f"{name}: printed widgets {seen['shown']}")
            if seen["firstBreak"] in ("page", "always"):
                problems.append(f"{name}: a page break before the first content")
        reader.page.goto(url + "milestones/wbs/02C.00.html")
        pdf = reader.page.pdf(format="A4", margin={"top": "1cm", "bottom": "1cm", "left": "1cm", "right": "1cm"})
        assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
    finally:
        reader.close()
    assert problems == []
    assert reader.errors == []


def _results(page: Any, base: str, query: str) -> list[str]:
    page.goto(base + f"search.html?q={query}")
    page.wait_for_function("""() => {
      const found = /found (\\d+) page/.exec((document.querySelector("#search-results .search-summary") || {}).textContent);
      return found && document.querySelectorAll("#search-results ul.search > li").length >= Number(found[1]);
    }""", timeout=20_000)
    return page.locator("#search-results ul.search > li").all_inner_texts()


def test_search_finds_a_record_by_id_and_by_name(url: str, browser: Any) -> None:
    reader = Reader(browser, WIDE, "light")
    page = reader.page
    try:
        by_id = _results(page, url, "DM-AP-14")
        assert by_id[0].startswith("DM-AP-14 — "), by_id[:3]  # its id and its name, first
        assert "milestone, in" in by_id[0]
        page.wait_for_function("document.querySelectorAll('#search-results p.context').length >= 3")  # fetched
        snippets = " ".join(page.locator("#search-results ul.search > li").all_inner_texts())
        assert "dm-graph-" not in snippets and "->" not in snippets  # no graph internals
        page.locator("#search-results ul.search > li a").first.click()
        page.wait_for_url("**#milestone-DM-AP-14")  # the result leads to the entry
        assert page.locator("[id='milestone-DM-AP-14']").is_visible()
        by_name = _results(page, url, "Qserv")
        assert by_name[0].startswith("Qserv DBMS (qserv-dbms)"), by_name[:3]
    finally:
        reader.close()
    assert reader.errors == []


def test_entries_show_a_permalink_and_long_pages_a_list_of_entries(url: str, browser: Any) -> None:
    reader = Reader(browser, WIDE, "light")
    page = reader.page
    try:
        for name, entry in (("milestones/wbs/02C.03.html", ".dm-milestone-detail"),
                            ("organisation/roles.html", ".dm-entry"), ("products/entries.html", ".dm-entry")):
            reader.open(url + name)
            first = page.locator(f"{entry}[id]").first
            link = first.locator(".headerlink").first
            assert link.is_visible() and link.get_attribute("href") == "#" + first.get_attribute("id")
            toc = page.locator(".bd-sidebar-secondary nav.page-toc a")
            assert toc.count() >= 8, name
            toc.nth(3).click()
            page.wait_for_url("**#*")
            assert page.locator(f"[id='{page.url.split('#')[1]}']").is_visible()
    finally:
        reader.close()
    assert reader.errors == []


def test_the_home_page_tells_the_state_of_the_project(url: str, browser: Any) -> None:
    reader = Reader(browser, PHONE, "light")
    page = reader.page
    try:
        reader.open(url + "milestones/index.html")
        summary = page.locator("p.dm-summary").first.inner_text()
        total, completed, incomplete, late = (int(n) for n in re.search(
            r"tracking (\d+) milestones.*?(\d+) have been completed.*?Of the (\d+) incomplete milestones, (\d+) are late",
            summary, re.S).groups())
        reader.open(url + "index.html")
        cards = dict(zip(page.locator(".dm-count-label").all_inner_texts(),
                         map(int, page.locator(".dm-count-number").all_inner_texts()), strict=True))
        assert cards == {"milestones": total, "completed": completed, "overdue": late, "open, on schedule": incomplete - late}
        assert page.locator("p.dm-summary").first.inner_text().split(":", 1)[1] == summary.split(":", 1)[1]
        assert "status at 2021-05-10" in page.locator("p.dm-provenance").inner_text()
        assert page.locator("ul.dm-dashboard-list").first.locator("li").count() == 5  # the worst few overdue
        assert page.locator(".dm-dashboard .dm-viewer svg.dm-burndown").is_visible()
        first_nav = page.locator(".bd-navbar-elements a, .bd-sidebar-primary .navbar-nav a").first.inner_text()
        assert first_nav.strip() == "Milestones"
        page.locator(".dm-card-overdue").click()
        page.wait_for_url("**/milestones/overdue.html")
    finally:
        reader.close()
    assert reader.errors == []

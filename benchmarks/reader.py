"""The reader's side: time the largest table page in Chromium (load, filter keystroke, clear, sort, facet)
and the zoom of the largest graph.

    .venv/bin/python benchmarks/reader.py --sizes 2000 10000 20000 --repeat 3   # builds the dmsite site
    .venv/bin/python benchmarks/reader.py --html DIR/_build/html                 # an already built site
    .venv/bin/python benchmarks/reader.py --sizes 10000 --baseline OLD/src       # and an older dmsite, in turns

Each repeat opens ``table.html`` (the table of all milestones) in a fresh browser context served
from localhost, then, in the page: types two filters one character at a time, clears each, sorts
by two columns (ascending, then descending) and picks a facet value; then it opens the page with the
largest dependency graph (the most nodes) and zooms it in and out three times each with the viewer's
buttons, twice with Ctrl + wheel, and resets it.  An interaction's time runs
from dispatching its event to the end of the next frame (``requestAnimationFrame``, then a
``setTimeout`` 0: the handler, style, layout and paint of that frame), so work the script puts off
to later frames is not hidden.  The load figure is the navigation's ``loadEventEnd``; "first frame"
is the end of the first frame rendered after it.  Debian's ``/usr/bin/chromium`` via Playwright.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.browser import CHROMIUM, CHROMIUM_ARGS, serve

PAGE = "table.html"
FILTERS = ("bm-01234", "2019-0")  # narrows to one row; to about a tenth of them (a year's dates)
SORT_COLUMNS = ("Forecast", "Id")
VIEWPORT = {"width": 1400, "height": 900}

# In-page timing of one interaction: dispatch, then wait for the end of the next frame.
TIMER = """
window.__dmTime = async (act) => {
  const t0 = performance.now();
  act();
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  return performance.now() - t0;
};
"""

KEY = """async ([text]) => {
  const input = document.querySelector('.dm-filter input[type=search]');
  return window.__dmTime(() => {
    input.value = text;
    input.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: text ? 'insertText' : 'deleteContentBackward'}));
  });
}"""

CLICK = """async ([title]) => {
  const th = [...document.querySelectorAll('table.dm-interactive thead th')].find((h) => h.textContent.trim() === title);
  return window.__dmTime(() => th.click());
}"""

# The largest graph's viewer on its page: a button of its bar, or Ctrl + wheel over it (as a pinch is).
ZOOM = """async ([label]) => {
  const viewer = [...document.querySelectorAll('.dm-viewer')].sort(
    (a, b) => b.querySelectorAll('g.node').length - a.querySelectorAll('g.node').length)[0];
  if (label) return window.__dmTime(() => viewer.querySelector(`button[aria-label="${label}"]`).click());
  const port = viewer.querySelector('.dm-viewer-port'), box = port.getBoundingClientRect();
  return window.__dmTime(() => port.dispatchEvent(new WheelEvent('wheel', {
    deltaY: -120, ctrlKey: true, bubbles: true, cancelable: true,
    clientX: box.left + box.width / 2, clientY: box.top + box.height / 2})));
}"""
VIEW = """() => [...document.querySelectorAll('.dm-viewer-port svg, .dm-viewer-port > *')]
  .map((e) => e.getAttribute('style') || '').join('|')"""
ZOOMS = ("Zoom in", "Zoom in", "Zoom in", "Zoom out", "Zoom out", "Zoom out", "", "", "Reset the view")

PICK = """async ([index]) => {
  const select = document.querySelector('.dm-filter select');
  return window.__dmTime(() => {
    select.value = select.options[index].value;
    select.dispatchEvent(new Event('change', {bubbles: true}));
  });
}"""

# Rows shown, from the page's elements alone (the script hides with the hidden attribute): asking for their
# style or layout would make the browser compute it for every row and slow down what is timed after it.
SHOWN = "() => [...document.querySelectorAll('table.dm-interactive tbody tr')].filter((r) => !r.closest('[hidden]')).length"


@dataclass
class Times:
    """Milliseconds of one kind of interaction: wall (to the end of the next frame) and the page's main-thread CPU."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def cell(self, first: bool = False) -> str:
        """median / worst (min / median with *first*), then the same of the CPU time."""
        if not self.wall:
            return "–"

        def pair(values: list[float]) -> str:
            low, high = (min(values), statistics.median(values)) if first else (statistics.median(values), max(values))
            return f"{low:.0f} / {high:.0f}"

        return f"{pair(self.wall)} (cpu {pair(self.cpu)})"


@dataclass
class Reader:
    """The figures of one page over all visits."""

    load: Times = field(default_factory=Times)
    keystroke: Times = field(default_factory=Times)
    clear: Times = field(default_factory=Times)
    sort: Times = field(default_factory=Times)
    facet: Times = field(default_factory=Times)
    zoom: Times = field(default_factory=Times)
    frame: list[float] = field(default_factory=list)
    rows: int = 0
    page_kb: float = 0.0
    graph: str = ""  # the page with the largest graph, and its nodes
    nodes: int = 0

    def cells(self) -> list[str]:
        frame = f"{min(self.frame):.0f} / {statistics.median(self.frame):.0f}" if self.frame else "–"
        zoom = f"{self.zoom.cell()}, {self.nodes} nodes" if self.zoom.wall else "–"
        return [self.load.cell(first=True), frame, *(t.cell() for t in (self.keystroke, self.clear, self.sort, self.facet)),
                zoom]


METHOD = ("load event (CPU: of the page's main thread until then) and the first frame after it: min / median of the "
          f"visits; a keystroke (each of {' and '.join(repr(f) for f in FILTERS)} typed one character at a time), "
          f"clearing the filter, a sort ({' and '.join(SORT_COLUMNS)}, each up and down) and a facet pick: median / "
          "worst, each from the event to the end of the next frame; the graph zoom (the largest graph's viewer: "
          "buttons and Ctrl + wheel) likewise; in brackets the CPU time of the page's main "
          "thread (Chromium's ThreadTime metric), which the machine's other load inflates less (benchmarks/reader.py).")
HEADER = ("load event ms (min / median)", "first frame", "keystroke (median / worst)", "clear", "sort", "facet",
          "graph zoom")


@contextlib.contextmanager
def _visit(browser: Any, url: str) -> Iterator[tuple[Any, Callable[[Times, str, object], None], float]]:
    """*url*'s page in a fresh context, a function timing one interaction into some Times, and the main
    thread's CPU milliseconds until the load event."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(TIMER)
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable", {"timeDomain": "threadTicks"})

    def timed(times: Times, script: str, arg: object) -> None:
        before = _thread_ms(cdp)
        times.wall.append(page.evaluate(script, arg))
        times.cpu.append(_thread_ms(cdp) - before)

    before = _thread_ms(cdp)
    page.goto(url, wait_until="load", timeout=120_000)
    yield page, timed, _thread_ms(cdp) - before
    context.close()
    if errors:
        raise RuntimeError(f"errors on {url}: {errors}")


def _one_visit(browser: Any, url: str, result: Reader) -> None:
    with _visit(browser, url) as (page, timed, load_cpu):
        result.load.cpu.append(load_cpu)
        result.load.wall.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
        result.frame.append(page.evaluate(
            "new Promise((done) => requestAnimationFrame(() => setTimeout(() => done(performance.now()), 0)))"))
        result.rows = page.evaluate(SHOWN)
        for text in FILTERS:
            for end in range(1, len(text) + 1):
                timed(result.keystroke, KEY, [text[:end]])
            if page.evaluate(SHOWN) >= result.rows:
                raise RuntimeError(f"filter {text!r} hid no row")
            timed(result.clear, KEY, [""])
            if page.evaluate(SHOWN) != result.rows:
                raise RuntimeError("clearing the filter did not show every row again")
        for title in SORT_COLUMNS:
            for _ in ("up", "down"):
                timed(result.sort, CLICK, [title])
        for index in (1, 0):  # a value, then all again
            timed(result.facet, PICK, [index])


def _zoom_visit(browser: Any, url: str, result: Reader) -> None:
    with _visit(browser, url) as (page, timed, _):
        page.wait_for_selector(".dm-viewer .dm-viewer-port svg")
        views = []
        for label in ZOOMS:
            timed(result.zoom, ZOOM, [label])
            views.append(page.evaluate(VIEW))
        if len(set(views)) < 3:
            raise RuntimeError(f"the graph on {url} did not zoom: {views}")


def _thread_ms(cdp: Any) -> float:
    return next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "ThreadTime") * 1000


def largest_graph(html_dir: Path) -> tuple[str, int]:
    """The page (relative URL) whose dependency graph has the most nodes, and how many."""
    counts = ((p, p.read_text(encoding="utf-8", errors="replace").count('class="node')) for p in html_dir.glob("*.html"))
    path, nodes = max(counts, key=lambda item: item[1], default=(html_dir / "index.html", 0))
    return path.name, nodes


def measure(html_dir: Path, repeat: int, page: str = PAGE) -> Reader:
    """Open *page* of the built site *html_dir* *repeat* times in fresh contexts and time it."""
    return measure_sites({"": html_dir}, repeat, page)[""]


def measure_sites(sites: dict[str, Path], repeat: int, page: str = PAGE) -> dict[str, Reader]:
    """Each site's figures, its visits taking turns (the same machine conditions for all)."""
    from playwright.sync_api import sync_playwright

    results = {name: Reader(page_kb=(html / page).stat().st_size / 1024) for name, html in sites.items()}
    for name, html in sites.items():
        results[name].graph, results[name].nodes = largest_graph(html)
    with contextlib.ExitStack() as stack:
        bases = {name: stack.enter_context(serve(html)) for name, html in sites.items()}
        urls = {name: base + page for name, base in bases.items()}
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        stack.callback(browser.close)
        for name in sites:
            _one_visit(browser, urls[name], Reader())  # warm-up: the browser's own first-start costs
        for _ in range(repeat):
            for name in sites:
                _one_visit(browser, urls[name], results[name])
                if results[name].nodes:
                    _zoom_visit(browser, bases[name] + results[name].graph, results[name])
    return results


def chromium_version() -> str:
    return subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()


def build(n: int, work: Path, src: Path | None = None) -> Path:
    """The dmsite benchmark site for *n* milestones, built (with the dmsite of *src*, a source tree, if given)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate import write
    from sites import dmsite_site

    root = dmsite_site(write(n, work / "data"), work / "dmsite")
    html = root / "_build" / "html"
    env = {**os.environ, "PYTHONPATH": str(src)} if src else None
    subprocess.run([str(Path(sys.executable).parent / "sphinx-build"), "-b", "html", "-q", str(root), str(html)],
                   check=True, env=env)
    return html


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--html", type=Path, help="a built site (skips building; --sizes ignored)")
    parser.add_argument("--baseline", type=Path, metavar="SRC",
                        help="also build with the dmsite of this source tree (e.g. an unpacked older commit's src/) "
                             "and time both, taking turns")
    parser.add_argument("--page", default=PAGE, help=f"the page of the site to time (default {PAGE})")
    parser.add_argument("--detail", action="store_true", help="also print every single time")
    args = parser.parse_args()
    print(f"{chromium_version()}; times in ms; {args.page}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
    print("| N | dmsite | rows | page KB | " + " | ".join(HEADER) + " |")
    print("|---" * (len(HEADER) + 4) + "|")
    runs = [(0, args.html)] if args.html else [(n, None) for n in args.sizes]
    for n, html in runs:
        with tempfile.TemporaryDirectory(prefix=f"dmsite-reader-{n}-") as tmp:
            sites = {"this": html or build(n, Path(tmp) / "this")}
            if args.baseline and not html:
                sites = {"baseline": build(n, Path(tmp) / "baseline", args.baseline.resolve()), **sites}
            results = measure_sites(sites, args.repeat, args.page)
        for name, result in results.items():
            print(f"| {n or '–'} | {name} | {result.rows} | {result.page_kb:.0f} | " + " | ".join(result.cells()) + " |",
                  flush=True)
            if args.detail:
                for kind in ("load", "keystroke", "clear", "sort", "facet", "zoom"):
                    times = getattr(result, kind)
                    print(f"  {name} {kind}: " + " ".join(f"{w:.0f}/{c:.0f}" for w, c in zip(times.wall, times.cpu, strict=True)),
                          file=sys.stderr)
    print(f"\nload average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
